#pragma once
// The one table of openrouter::errc: per code its name (records, policy files), its message,
// whether it is worth retrying and what the router makes of it. error.cpp (category messages,
// name(), is_retryable) and routing/classify.cpp read it; nothing else lists the codes.
// Internal to the library. Adding an enumerator without its row fails to compile.

#include <openrouter/error.hpp>
#include <openrouter/routing/classify.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace openrouter::detail::errc_table {

/// When a code is worth sending again (to the same model).
enum class retry_rule : unsigned char {
  never,
  always,
  with_retry_after,  ///< only when the server said when (a 402 with Retry-After: the in-flight budget)
  transient_400,     ///< a 400 wrapping a transient upstream failure (error type or provider code)
  status_5xx,        ///< any other status: 5xx is
  proxy_5xx,         ///< a proxy's refusal: 5xx (it could not reach the origin) is
};

struct row {
  errc code;
  std::string_view name;     ///< the enumerator's name
  std::string_view message;  ///< error_category::message
  retry_rule retry;
  /// The router's verdict when the code is not retryable (a retryable one is retry_same).
  routing::verdict otherwise;
  routing::error_class cls;
};

using routing::error_class;
using routing::verdict;
using enum retry_rule;

// clang-format off
inline constexpr row rows[] = {
  // --- transport
  // The name does not exist: a configuration error (resolve_try_again is the transient one).
  {errc::resolve_failed, "resolve_failed", "host name did not resolve", never, verdict::stop, error_class::transport},
  {errc::connect_failed, "connect_failed", "connection failed", always, verdict::stop, error_class::transport},
  {errc::connect_timeout, "connect_timeout", "connect timed out", always, verdict::stop, error_class::timeout},
  {errc::tls_handshake_failed, "tls_handshake_failed", "TLS handshake failed", always, verdict::stop, error_class::transport},
  // A misconfiguration or an attack: retrying will not help.
  {errc::tls_verify_failed, "tls_verify_failed", "TLS certificate verification failed", never, verdict::stop, error_class::transport},
  {errc::headers_timeout, "headers_timeout", "timed out waiting for response headers", always, verdict::stop, error_class::timeout},
  {errc::read_timeout, "read_timeout", "timed out waiting for response data", always, verdict::stop, error_class::timeout},
  {errc::total_timeout, "total_timeout", "request deadline exceeded", never, verdict::stop, error_class::deadline},
  {errc::connection_reset, "connection_reset", "connection reset by peer", always, verdict::stop, error_class::transport},
  {errc::connection_closed, "connection_closed", "connection closed before the response was complete", always, verdict::stop, error_class::transport},
  {errc::pool_timeout, "pool_timeout", "timed out waiting for a free connection", always, verdict::stop, error_class::transport},
  // --- protocol: a gateway or provider answering garbage (an HTML page from a proxy) is transient
  {errc::bad_response, "bad_response", "malformed HTTP response", always, verdict::stop, error_class::server},
  {errc::bad_json, "bad_json", "malformed JSON in response", always, verdict::stop, error_class::server},
  {errc::bad_sse, "bad_sse", "malformed event stream", always, verdict::stop, error_class::server},
  {errc::response_too_large, "response_too_large", "response exceeds the size limit", never, verdict::stop, error_class::bad_request},
  {errc::unexpected_content_type, "unexpected_content_type", "unexpected response content type", always, verdict::stop, error_class::server},
  // --- HTTP / API
  // bad_request's class and verdict depend on its error type (routing/classify.cpp).
  {errc::bad_request, "bad_request", "bad request (400)", transient_400, verdict::stop, error_class::bad_request},
  {errc::unauthorized, "unauthorized", "unauthorized (401)", never, verdict::stop, error_class::auth},
  {errc::payment_required, "payment_required", "payment required (402)", with_retry_after, verdict::stop, error_class::billing},
  {errc::forbidden, "forbidden", "forbidden (403)", never, verdict::stop, error_class::auth},
  {errc::moderation_flagged, "moderation_flagged", "input flagged by moderation (403)", never, verdict::next_model, error_class::moderation},
  {errc::not_found, "not_found", "not found (404)", never, verdict::next_model, error_class::unavailable},
  {errc::request_timeout, "request_timeout", "request timeout (408)", always, verdict::stop, error_class::timeout},
  {errc::precondition_failed, "precondition_failed", "precondition failed (412)", never, verdict::stop, error_class::bad_request},
  {errc::payload_too_large, "payload_too_large", "payload too large (413)", never, verdict::stop, error_class::bad_request},
  {errc::unprocessable, "unprocessable", "unprocessable request (422)", never, verdict::stop, error_class::bad_request},
  {errc::rate_limited, "rate_limited", "rate limited (429)", always, verdict::stop, error_class::rate_limited},
  {errc::server_error, "server_error", "server error (500)", always, verdict::stop, error_class::server},
  {errc::bad_gateway, "bad_gateway", "provider error (502)", always, verdict::stop, error_class::server},
  {errc::service_unavailable, "service_unavailable", "service unavailable (503)", always, verdict::stop, error_class::overloaded},
  {errc::gateway_timeout, "gateway_timeout", "gateway timeout (504)", always, verdict::stop, error_class::timeout},
  {errc::edge_timeout, "edge_timeout", "edge timeout (524)", always, verdict::stop, error_class::timeout},
  {errc::provider_overloaded, "provider_overloaded", "provider overloaded (529)", always, verdict::stop, error_class::overloaded},
  // A transient one is a server error; the class of the others is unknown.
  {errc::http_error, "http_error", "HTTP error", status_5xx, verdict::stop, error_class::other},
  // --- outcomes inside a 200
  {errc::provider_error, "provider_error", "provider error inside a successful response", always, verdict::stop, error_class::server},
  {errc::stream_error, "stream_error", "error event in the middle of the stream", always, verdict::stop, error_class::stream},
  {errc::stream_incomplete, "stream_incomplete", "stream ended before it was complete", always, verdict::stop, error_class::stream},
  // --- caller side
  {errc::invalid_argument, "invalid_argument", "invalid argument", never, verdict::stop, error_class::bad_request},
  {errc::generation_pending, "generation_pending", "generation not available yet", never, verdict::stop, error_class::other},
  {errc::no_content, "no_content", "response carries no content", never, verdict::stop, error_class::other},
  // --- routing
  {errc::attempt_timeout, "attempt_timeout", "attempt exceeded the routing policy's attempt timeout", always, verdict::stop, error_class::timeout},
  {errc::budget_exhausted, "budget_exhausted", "spend budget exhausted", never, verdict::stop, error_class::billing},
  // --- structured outputs and tools
  {errc::invalid_json_output, "invalid_json_output", "the model's output is not valid JSON", never, verdict::stop, error_class::other},
  {errc::schema_violation, "schema_violation", "the model's output does not match the schema", never, verdict::stop, error_class::other},
  {errc::turn_limit, "turn_limit", "the agent loop reached its turn cap without a final answer", never, verdict::stop, error_class::other},
  // --- media: the caller's request or files; no other model or attempt fixes them
  {errc::bad_data_url, "bad_data_url", "malformed data: URL", never, verdict::stop, error_class::bad_request},
  {errc::unknown_media_type, "unknown_media_type", "unrecognised media type", never, verdict::stop, error_class::bad_request},
  {errc::file_io_failed, "file_io_failed", "local file read or write failed", never, verdict::stop, error_class::bad_request},
  {errc::remote_asset_not_allowed, "remote_asset_not_allowed", "remote asset host not in the allowlist", never, verdict::stop, error_class::bad_request},
  {errc::remote_asset_address_refused, "remote_asset_address_refused", "remote asset resolves to a refused address", never, verdict::stop, error_class::bad_request},
  {errc::remote_asset_redirect_refused, "remote_asset_redirect_refused", "remote asset redirect refused", never, verdict::stop, error_class::bad_request},
  {errc::asset_too_large, "asset_too_large", "remote asset exceeds the size cap", never, verdict::stop, error_class::bad_request},
  {errc::asset_bad_content_type, "asset_bad_content_type", "remote asset content type not accepted", never, verdict::stop, error_class::bad_request},
  {errc::no_image, "no_image", "response carries no generated image", never, verdict::stop, error_class::bad_request},
  // --- the client's own resources: descriptors free up as other requests end; no model is to blame
  {errc::out_of_resources, "out_of_resources", "out of local resources (file descriptors or memory)", always, verdict::stop, error_class::local},
  // --- proxies and name resolution
  {errc::proxy_refused, "proxy_refused", "the proxy refused the tunnel", proxy_5xx, verdict::stop, error_class::transport},
  // The proxy's credentials are wrong.
  {errc::proxy_auth_required, "proxy_auth_required", "the proxy requires authentication (407)", never, verdict::stop, error_class::transport},
  {errc::proxy_tunnel_closed, "proxy_tunnel_closed", "the proxy closed the connection before the tunnel was established", always, verdict::stop, error_class::transport},
  {errc::resolve_try_again, "resolve_try_again", "host name did not resolve (temporary resolver failure)", always, verdict::stop, error_class::transport},
  {errc::remote_asset_proxy_refused, "remote_asset_proxy_refused", "remote asset fetch through a proxy refused", never, verdict::stop, error_class::bad_request},
  // --- HTTP/2 streams: the server's stream-level verdicts
  {errc::stream_reset, "stream_reset", "the HTTP/2 server reset the stream", always, verdict::stop, error_class::transport},
  {errc::stream_refused, "stream_refused", "the HTTP/2 server refused the stream unprocessed", always, verdict::stop, error_class::transport},
};
// clang-format on

inline constexpr int first_errc = static_cast<int>(errc::resolve_failed);

/// The row of a code, or nullptr for a value that is no enumerator.
constexpr const row* row_of(errc e) noexcept {
  const int i = static_cast<int>(e) - first_errc;
  if (i < 0 || static_cast<std::size_t>(i) >= std::size(rows)) return nullptr;
  return &rows[i];
}

namespace table_check {

// Whether E is a named enumerator: GCC and Clang spell an unnamed value as "(openrouter::errc)N"
// in the signature of a function templated on it.
template <errc E>
constexpr bool is_enumerator() {
  std::string_view sig = __PRETTY_FUNCTION__;
  const auto at = sig.rfind("E = ");
  return at != std::string_view::npos && sig[at + 4] != '(';
}

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < std::size(rows); ++i)
    if (static_cast<int>(rows[i].code) != first_errc + static_cast<int>(i)) return false;
  return true;
}

constexpr bool names_unique() {
  for (std::size_t i = 0; i < std::size(rows); ++i)
    for (std::size_t j = i + 1; j < std::size(rows); ++j)
      if (rows[i].name == rows[j].name) return false;
  return true;
}

static_assert(is_enumerator<errc::resolve_failed>() && !is_enumerator<static_cast<errc>(first_errc - 1)>(),
              "the enumerator check works on this compiler");
static_assert(rows_in_enum_order(), "rows: one row per errc, in the enum's order");
static_assert(!is_enumerator<static_cast<errc>(first_errc + std::size(rows))>(),
              "rows: an errc enumerator has no row");
static_assert(names_unique(), "rows: names are unique");

}  // namespace table_check
}  // namespace openrouter::detail::errc_table
