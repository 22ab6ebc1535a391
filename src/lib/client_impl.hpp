#pragma once
// The client's shared state (client::impl) and what every operation of the client uses to run
// and to read a failed response. Private to src/lib: client.cpp (requests and look-ups) and
// chat_stream.cpp (streams).

#include <openrouter/client.hpp>

#include "detail/launch.hpp"
#include "http/transport.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace openrouter {

struct client::impl {
  impl(const executor_type& ex, const client_config& cfg) : transport(ex, cfg) {}
  detail::transport transport;

  // Catalog cache with single flight.
  struct waiter {
    diagnostics* diag;
    handler<std::shared_ptr<const wire::models_page>> h;
  };
  std::mutex cache_mutex;
  std::shared_ptr<const wire::models_page> catalog;
  std::chrono::steady_clock::time_point catalog_at;
  std::vector<waiter> catalog_waiters;
  bool catalog_in_flight = false;
};

namespace detail {

/// Runs `op` on a strand of its own (detail::launch_on), delivering to `h`.
template <class T>
void launch(const std::shared_ptr<client::impl>& im, boost::asio::awaitable<result<T>> op, client::handler<T> h) {
  launch_on<T>(boost::asio::make_strand(im->transport.executor()), std::move(op), std::move(h));
}

/// The typed error of a non-2xx response; fills diag from OpenRouter's error envelope.
boost::system::error_code api_failure(const http_response& res, diagnostics& diag, const std::string& key);

}  // namespace detail
}  // namespace openrouter
