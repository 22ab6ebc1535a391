// Coroutine style: co_await with the default token (asio::use_awaitable). A failure throws
// openrouter::api_error, whose what() is the one-line summary and whose diagnostics() hold the
// status, OpenRouter's error object and Retry-After.
#include "common/example.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <iostream>

namespace wire = openrouter::wire;

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    wire::chat_request req;
    req.model = s.model();
    req.max_completion_tokens = 64;
    req.messages = {wire::message::system("You are terse."), wire::message::user("Say hello in five words.")};

    // An api_error escaping here is reported by example::run as "error: <errc>: <summary>".
    wire::chat_response res = co_await s.client().async_chat(req);
    std::cout << "assistant: " << res.text() << '\n';
    std::cout << "model " << res.model << " (" << res.provider << ")";
    if (res.usage) std::cout << ", " << res.usage->total_tokens << " tokens, $" << res.usage->cost.value_or(0);
    std::cout << '\n';

    // Handling one: a 429 is retryable; wait for its Retry-After, then try once more. (The mock's
    // fault model answers 429 once; against the real API this part is skipped.)
    if (s.real()) co_return;
    req.model = "fault/429;retry_after=1;count=1";
    for (int attempt = 1;; ++attempt) {
      std::chrono::milliseconds wait{0};
      try {
        res = co_await s.client().async_chat(req);
        std::cout << "attempt " << attempt << " answered: " << res.text().substr(0, 40) << "...\n";
        break;
      } catch (const openrouter::api_error& e) {
        if (attempt > 1 || !openrouter::is_retryable(e.code(), e.diagnostics())) throw;
        wait = e.diagnostics().retry_after.value_or(std::chrono::seconds(1));
        std::cout << "attempt " << attempt << " failed: " << e.what() << "; retrying in " << wait.count() << " ms\n";
      }
      // (co_await is not allowed inside a catch block: wait after it.)
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, wait);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  });
}
