// A Responses API stream (POST /responses, stream:true): the text printed as its
// response.output_text.delta events arrive, the other events counted by kind, then the final
// response folded from the events (status, output items, usage and cost).
#include "common/example.hpp"

#include <openrouter/responses_stream.hpp>

#include <iostream>
#include <map>

namespace asio = boost::asio;
namespace wire = openrouter::wire;

int main() {
  return example::run([](example::session& s) -> asio::awaitable<void> {
    wire::responses_request req;
    req.model = s.model();
    req.instructions = "Answer in one short paragraph.";
    req.input = boost::json::array{wire::responses_message("user", "Why is the sky blue?")};
    req.max_output_tokens = 200;

    openrouter::diagnostics diag;
    auto [ec, stream] = co_await s.client().async_responses_stream(req, diag, example::tuple);
    example::check(ec, diag);
    std::map<std::string, int> kinds;
    while (true) {
      auto [e, ev] = co_await stream.async_next(example::tuple);
      example::check(e, diag);  // an `error` event or response.failed: errc::stream_error
      if (!ev) break;           // the clean end, after response.completed
      ++kinds[ev->type];
      if (ev->kind() == wire::responses_event_kind::output_text_delta) std::cout << ev->delta << std::flush;
    }
    std::cout << "\n\n";
    for (const auto& [type, n] : kinds) std::cout << n << " x " << type << "\n";
    wire::responses_response res = stream.result();
    std::cout << "response " << res.id << ": status " << res.status << ", " << res.output.size() << " output item(s)";
    if (res.usage)
      std::cout << ", " << res.usage->input_tokens << " input + " << res.usage->output_tokens << " output tokens, $"
                << res.usage->cost.value_or(0);
    std::cout << "\n";
  });
}
