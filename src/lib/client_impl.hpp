#pragma once
// The client's shared state and the one-request helpers every operation file uses
// (client.cpp, chat_stream.cpp, embeddings.cpp, account.cpp). Private to src/lib.

#include <openrouter/client.hpp>

#include "detail/excerpt.hpp"
#include "detail/launch.hpp"
#include "http/header_values.hpp"
#include "http/transport.hpp"
#include "media/fetch.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter {

struct client::impl {
  impl(const executor_type& ex, const client_config& cfg) : transport(ex, cfg), asset_tls(cfg.tls) {}
  detail::transport transport;
  detail::asset_tls asset_tls;  // async_fetch_asset's TLS context, made once

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

/// Runs `op` on a strand of its own and completes `h` with its result.
template <class T>
void launch(const std::shared_ptr<client::impl>& im, boost::asio::awaitable<result<T>> op, client::handler<T> h) {
  launch_on<T>(strand_for(im->transport.executor()), std::move(op), std::move(h));
}

/// The chat completion as a coroutine of the caller's, without a launch of its own (client::do_chat
/// launches it; the router awaits it in-line in its attempts, which already run as coroutines on
/// the request's strand: no co_spawn, strand or type-erased handler per attempt, and the answer
/// is moved through two frames instead of ~20 handler layers). The caller's coroutine must not
/// throw on cancellation (this_coro::throw_if_cancelled(false)): the client's coroutines observe a
/// cancellation through the results of what they await.
boost::asio::awaitable<result<wire::chat_response>> chat_call(std::shared_ptr<client::impl> im, wire::chat_request req,
                                                              diagnostics& diag);

/// The key a request sent (what an excerpt of its answer must not show).
inline const std::string& key_sent(const client_config& cfg, const http_request& req) {
  return req.management && !cfg.management_key.empty() ? cfg.management_key : cfg.api_key;
}

/// The typed error of a non-2xx response; fills diag from OpenRouter's error envelope.
inline boost::system::error_code api_failure(const http_response& res, diagnostics& diag, const std::string& key) {
  wire::error_body b = wire::parse_error_body(res.body);
  diag.error = std::move(b.error);
  if (diag.error.message.empty()) diag.body_excerpt = excerpt(res.body, key);
  if (!diag.retry_after && diag.error.availability && diag.error.availability->retry_after)
    diag.retry_after = clamp_wait_seconds(*diag.error.availability->retry_after);  // NaN/negative: none
  if (diag.provider.empty()) diag.provider = std::string(diag.error.provider_name());
  bool moderation = res.status == 403 && diag.error.moderation().has_value();
  return make_error_code(errc_from_status(res.status, moderation));
}

/// Completes `h` with errc::invalid_argument and `why` in diag.detail when `why` is not empty
/// (an operation refused before any request); true when it did.
template <class T>
bool refused(std::string why, diagnostics& diag, client::handler<T>& h, const client::executor_type& ex) {
  if (why.empty()) return false;
  diag.clear();
  diag.detail = std::move(why);
  complete<T>(std::move(h), ex, make_error_code(errc::invalid_argument), T{});
  return true;
}

inline bool is_json(const std::string& content_type) { return content_type.find("json") != std::string::npos; }

/// One request whose 2xx answer is handed back whole (any content type: the caller checks
/// it); a transport failure or a non-2xx status is its typed error.
inline boost::asio::awaitable<result<http_response>> call(std::shared_ptr<client::impl> im, http_request req,
                                                          diagnostics& diag) {
  using boost::system::error_code;
  diag.clear();
  error_code ec;
  auto& t = im->transport;
  http_response res = co_await t.execute(req, deadlines::start(t.config().timeout), diag, ec);
  if (ec) co_return result<http_response>{ec, {}};
  if (res.status < 200 || res.status > 299) co_return result<http_response>{api_failure(res, diag, key_sent(t.config(), req)), {}};
  co_return result<http_response>{error_code{}, std::move(res)};
}

/// One request whose 2xx JSON body decodes into T with `decode(body, T&, decode_error&)`.
/// A decoder may also refuse a well-formed document (decode_error set): errc::bad_json.
template <class T, class Decode>
boost::asio::awaitable<result<T>> call_json(std::shared_ptr<client::impl> im, http_request req, diagnostics& diag,
                                            Decode decode) {
  using boost::system::error_code;
  const std::string& key = key_sent(im->transport.config(), req);
  auto op = call(im, std::move(req), diag);
  auto called = co_await std::move(op);
  if (called.first) co_return result<T>{called.first, T{}};
  http_response& res = called.second;
  if (!is_json(res.content_type)) {
    diag.body_excerpt = excerpt(res.body, key);
    diag.detail = "content-type: " + res.content_type;
    co_return result<T>{make_error_code(errc::unexpected_content_type), T{}};
  }
  T value{};
  wire::decode_error err;
  decode(res.body, value, err);
  if (err) {
    diag.detail = err.message();
    diag.body_excerpt = excerpt(res.body, key);
    co_return result<T>{make_error_code(errc::bad_json), T{}};
  }
  co_return result<T>{error_code{}, std::move(value)};
}

template <class T>
auto parse_body() {
  return [](std::string_view body, T& out, wire::decode_error& err) { wire::parse(body, out, err); };
}

template <class T>
auto parse_data_body() {
  return [](std::string_view body, T& out, wire::decode_error& err) { wire::parse_data(body, out, err); };
}

inline std::string encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

inline std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace detail
}  // namespace openrouter
