#pragma once
// A library client talking HTTPS to an in-process openrouter-mock, with helpers that run one
// operation to completion (bounded in time) and hand back (error_code, value).

#include <openrouter/client.hpp>
#include <openrouter/mock/server.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <ostream>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>

namespace openrouter {
// Boost.Test prints the values it compares.
inline std::ostream& operator<<(std::ostream& os, errc e) { return os << make_error_code(e).message(); }
}  // namespace openrouter

namespace test {

/// A chat request: one user message to `model`.
openrouter::wire::chat_request chat_request(std::string model = "openai/gpt-4o-mini", std::string prompt = "hi");

/// A client_config aimed at `srv` (its base URL, trusting its CA, a test key).
openrouter::client_config config_for(const openrouter::mock::server& srv);

/// Captures the (error_code, T) an operation completes with; `handler()` is its callback.
template <class T>
struct outcome {
  std::shared_ptr<std::optional<std::tuple<boost::system::error_code, T>>> slot =
      std::make_shared<std::optional<std::tuple<boost::system::error_code, T>>>();
  auto handler() const {
    return [s = slot](boost::system::error_code ec, T v) { s->emplace(ec, std::move(v)); };
  }
  bool ready() const { return slot->has_value(); }
  std::tuple<boost::system::error_code, T> get() const { return **slot; }
};

/// Runs `ioc` until `o` is ready (at most `limit`).
template <class T>
std::tuple<boost::system::error_code, T> wait(boost::asio::io_context& ioc, const outcome<T>& o,
                                              std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!o.ready()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("operation did not complete in time");
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(10));
  }
  return o.get();
}

/// Whether this run repeats the suites over HTTP/2: ctest's `*.h2` entries set
/// OPENROUTER_TEST_HTTP=2. client_fixture's mock then offers h2 (ALPN), its client speaks it, and
/// a fixture whose client opened connections but none over h2 fails the test (the suite would
/// not be testing what it says).
bool over_h2();

/// What a server's reset in the middle of a response surfaces as (the mock's `reset` faults): the
/// TCP reset over HTTP/1.1 (errc::connection_reset), RST_STREAM(INTERNAL_ERROR) over HTTP/2
/// (errc::stream_reset).
openrouter::errc reset_error();

/// Connections ready for the next request: pool_stats::idle over HTTP/1.1 (it counts HTTP/1.1
/// connections only); over HTTP/2, the open connections when no stream is open on them.
std::uint64_t reusable_connections(const openrouter::pool_stats& s);

struct client_fixture {
  explicit client_fixture(openrouter::mock::server_options opts = {},
                          std::function<void(openrouter::client_config&)> tweak = {});
  ~client_fixture();

  openrouter::mock::background_server server;
  boost::asio::io_context ioc;
  openrouter::client cli;
  openrouter::diagnostics diag;

  /// Runs `start(handler)` on ioc until it completes (at most `limit`); returns (ec, value).
  template <class T, class Start>
  std::tuple<boost::system::error_code, T> run(Start start, std::chrono::seconds limit = std::chrono::seconds(60)) {
    outcome<T> o;
    start(o.handler());
    return wait(ioc, o, limit);
  }

  /// Drives the io_context until `done()` or `limit`.
  void run_until(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(60));

  /// Waits (at most `limit`) until the server saw the end of the requests the client gave up on
  /// mid-way (cancelled, dropped): over HTTP/1.1 their connections close (they held unread bytes,
  /// so they are not reused); over HTTP/2 their streams are reset (RST_STREAM(CANCEL)) and the
  /// connection stays open for other requests, which this checks.
  void wait_abandoned(std::chrono::seconds limit = std::chrono::seconds(10));
};

}  // namespace test
