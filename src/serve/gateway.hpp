#pragma once
// openrouter::serve::gateway: the `openrouter serve` HTTP/1.1 gateway as a library, so that
// tests (and programs) can run it in-process. It embeds the library's client and router:
//
//   POST /api/v1/chat/completions  JSON or SSE ("stream": true), routed through the policy
//   GET  /api/v1/models            the client's cached catalog
//   GET  /healthz                  {"status":"ok"} (503 {"status":"draining"} while draining)
//   GET  /metrics                  Prometheus text
//
// Callers present a gateway token (Authorization: Bearer) whose SHA-256 is in the config;
// without configured tokens, only loopback callers are served (no token needed). The
// OpenRouter key stays in the client: it is never in a response or an access log line.
//
// Threads: any number of threads may run the executor's io_context; each caller connection
// runs on a strand of its own. Memory per connection is bounded: a request header
// (max_header_bytes), a request body (max_body_bytes), and for a stream one upstream event at a
// time: the next event is pulled from upstream only once the previous one was written to the
// caller, so a slow caller slows the upstream read (TCP backpressure) instead of growing a
// buffer, and a caller that takes no bytes for write_timeout is disconnected (which cancels the
// upstream request).

#include "config.hpp"

#include <openrouter/client.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/routing/shared_state.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace openrouter::serve {

struct gateway_options {
  gateway_config config;
  /// The routing policy of every chat request. Its `models` are fallbacks: a request for model
  /// M is routed over M followed by these (M once). Empty: the requested model only.
  routing::policy policy;
  std::chrono::milliseconds catalog_max_age{std::chrono::minutes(10)};
  /// Limits shared with the other replicas (openrouter/fleet.hpp; `serve --redis`); none: this
  /// replica's alone. /metrics then carries openrouter_fleet_* series.
  std::shared_ptr<routing::shared_state> shared;
};

class gateway {
 public:
  /// `upstream` (the OpenRouter client) must outlive the gateway. Throws config_error for an
  /// unusable configuration (an access log that cannot be opened) and std::invalid_argument
  /// for an unusable policy.
  gateway(boost::asio::any_io_executor ex, client& upstream, gateway_options opts);
  ~gateway();
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  /// Binds config.listen:config.port and starts accepting. Throws boost::system::system_error.
  void start();
  std::uint16_t port() const;
  /// "http://ADDR:PORT" (IPv6 addresses in brackets).
  std::string url() const;

  /// Graceful drain: stops accepting, closes idle keep-alive connections, lets the requests in
  /// flight (streams included) finish, then closes everything; at config.drain_timeout whatever
  /// still runs is cut. `done` runs once, on the executor, when nothing is left.
  void drain(std::function<void()> done);
  /// Stops accepting and closes every connection now. Idempotent.
  void stop();

  /// Requests being served now.
  std::int64_t in_flight() const;
  /// The /metrics exposition.
  std::string metrics_text() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace openrouter::serve
