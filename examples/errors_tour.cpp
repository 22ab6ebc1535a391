// What failures look like: three transport errors (a refused port, a host that does not
// resolve, http:// aimed at a TLS port) and a 429. Each api_error's what() is the one-line
// summary: for transport errors the phase, host:port, the address tried, the system's reason
// and a hint; for HTTP errors the status, OpenRouter's error and Retry-After.
#include "common/example.hpp"

#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace wire = openrouter::wire;

// Sends one chat through a client of `cfg` and prints how it failed.
boost::asio::awaitable<void> show(const char* label, openrouter::client_config cfg, std::string model) {
  cfg.timeout.connect = std::chrono::seconds(5);
  openrouter::client cli(co_await boost::asio::this_coro::executor, std::move(cfg));
  wire::chat_request req;
  req.model = std::move(model);
  req.messages = {wire::message::user("hi")};
  try {
    (void)co_await cli.async_chat(req);
    std::cout << label << ": no failure?\n";
  } catch (const openrouter::api_error& e) {
    const auto& d = e.diagnostics();
    auto code = e.code().category() == openrouter::category()
                    ? std::string(openrouter::name(static_cast<openrouter::errc>(e.code().value())))
                    : e.code().message();
    std::cout << label << ":\n  " << e.what() << "\n  errc::" << code << ", retryable " << (openrouter::is_retryable(e.code(), d) ? "yes" : "no");
    if (d.retry_after) std::cout << ", Retry-After " << d.retry_after->count() << " ms";
    std::cout << '\n';
  }
}

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::client_config plain;  // no key: none is needed to fail, and none crosses in clear
    plain.api_key.clear();
    plain.tls.use_system_store = false;

    plain.base_url = "https://127.0.0.1:9/api/v1";  // nothing listens on the discard port
    co_await show("1. refused port", plain, s.model());

    plain.base_url = "https://nonexistent.invalid/api/v1";  // .invalid never resolves (RFC 6761)
    co_await show("2. unresolvable host", plain, s.model());

    // The session's own base URL, https:// swapped for http://: a TLS port spoken to in clear.
    std::string url = s.client().config().base_url;
    if (url.starts_with("https://")) url.replace(0, 5, "http");
    plain.base_url = url;
    co_await show("3. http:// aimed at a TLS port", plain, s.model());

    // 4. A 429 from the mock's fault model (against the real API: skipped).
    if (!s.real()) co_await show("4. rate limited", example::config(), "fault/429;retry_after=2");
  });
}
