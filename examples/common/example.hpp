#pragma once
// What every example shares: "mock or real". Without OPENROUTER_API_KEY an example talks to an
// in-process openrouter-mock (HTTPS on loopback); with it, to the real API (OPENROUTER_BASE_URL
// and OPENROUTER_EXAMPLE_MODEL override the endpoint and the cheap default model).
//
//   int main() {
//     return example::run([](example::session& s) -> boost::asio::awaitable<void> {
//       openrouter::diagnostics diag;
//       auto [ec, page] = co_await s.client().async_providers(diag, example::tuple);
//       example::check(ec, diag);                       // a failure: one typed line, exit 1
//       std::cout << page.data.size() << " providers\n";
//     });
//   }

#include <openrouter/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <memory>
#include <string>

namespace example {

/// Completion token for `auto [ec, value] = co_await op(..., example::tuple)`.
inline constexpr auto tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

class session {
 public:
  session();
  ~session();
  openrouter::client& client() noexcept { return *client_; }
  /// True against the real API, false against the mock.
  bool real() const noexcept { return real_; }
  /// The model to use: OPENROUTER_EXAMPLE_MODEL, else `fallback` (a cheap one that exists in
  /// both the real catalog and the mock's).
  std::string model(std::string fallback = "openai/gpt-4o-mini") const;

 private:
  std::unique_ptr<openrouter::client> client_;
  bool real_ = false;
};

/// The "mock or real" configuration alone, for examples that make their own io_context or
/// client (use_future, callbacks, sync_client): the real API's from the environment with
/// OPENROUTER_API_KEY, else an in-process mock's (started on first use, kept until exit).
openrouter::client_config config();
/// True against the real API (OPENROUTER_API_KEY set).
bool real();
/// OPENROUTER_EXAMPLE_MODEL, else `fallback`.
std::string model(std::string fallback = "openai/gpt-4o-mini");
/// Prints the one error line ("error: <errc name>: <summary>") and returns 1, the exit code.
int report(boost::system::error_code ec, const std::string& summary);
int report(const openrouter::api_error& e);

/// A failure that ends the example: printed as "error: <errc name>: <summary>".
struct failure {
  boost::system::error_code ec;
  std::string what;
};

/// Throws a failure when `ec` is set (with the diagnostics' one-line summary).
void check(boost::system::error_code ec, const openrouter::diagnostics& diag);

/// Runs `body` on a fresh session (an api_error or a failure escaping it is reported), at most `limit` seconds. Returns the process exit code: 0 on
/// success, 1 after printing one "error: ..." line on stderr.
int run(std::function<boost::asio::awaitable<void>(session&)> body, int limit_seconds = 120);

}  // namespace example
