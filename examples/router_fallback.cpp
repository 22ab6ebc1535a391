// A router with a failing first model: "fault/503" (the mock's name for a model that always
// answers 503) is retried once with backoff, then the router falls back to the second candidate,
// which serves. The request's record shows every attempt, the step taken after it and the waits.
#include "common/example.hpp"

#include <openrouter/router.hpp>

#include <chrono>
#include <iostream>

namespace wire = openrouter::wire;
namespace routing = openrouter::routing;

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    routing::policy policy;
    // Against the real API there is no failing model to show: route to the one model.
    if (!s.real()) policy.models.push_back("fault/503");
    policy.models.push_back(s.model());
    policy.max_attempts_per_model = 2;  // the first try and one retry, then the next candidate
    policy.deadline = std::chrono::seconds(60);
    openrouter::router router(s.client(), policy);

    wire::chat_request req;  // its model is left empty: the policy's candidates decide
    req.max_completion_tokens = 32;
    req.messages = {wire::message::user("Say hello.")};
    openrouter::diagnostics diag;
    openrouter::request_record record;
    auto res = co_await router.async_chat(req, diag, record);

    std::cout << "assistant: " << res.text() << '\n';
    for (const auto& a : record.attempts) {
      std::cout << "  attempt " << a.model << ": "
                << (a.ec ? std::to_string(a.http_status) + " " + std::string(routing::to_string(a.cls)) : std::string("ok"));
      if (a.then != routing::next_step::none) std::cout << ", then " << routing::to_string(a.then) << ' ' << a.then_model;
      for (const auto& w : a.waits)
        std::cout << ", waited " << routing::to_string(w.why) << ' '
                  << std::chrono::duration_cast<std::chrono::milliseconds>(w.waited()).count() << " ms";
      std::cout << '\n';
    }
    std::cout << "served by " << record.resolved_model << " after " << record.attempts.size() << " attempts"
              << (record.fallback ? " (fallback)" : "") << '\n';
  });
}
