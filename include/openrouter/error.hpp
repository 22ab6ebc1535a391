#pragma once
// Errors of openrouter-cpp: one error_code category for every failure (transport, protocol,
// HTTP/API, stream outcomes), a diagnostics object for what does not fit an error_code, and
// the one classifier that says whether a failure is worth retrying.

#include <openrouter/wire/error_body.hpp>

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace openrouter {

enum class errc {
  // --- transport -------------------------------------------------------------------------
  resolve_failed = 1,     ///< the host name did not resolve
  connect_failed,         ///< TCP connect refused or unreachable
  connect_timeout,        ///< resolve + connect + TLS handshake exceeded timeouts.connect
  tls_handshake_failed,   ///< TLS handshake failed (protocol, no shared cipher, ...)
  tls_verify_failed,      ///< the server certificate did not verify (untrusted, wrong host)
  headers_timeout,        ///< no response headers within timeouts.response_headers
  read_timeout,           ///< no bytes for timeouts.read_idle while reading a body
  total_timeout,          ///< the whole operation exceeded timeouts.total
  connection_reset,       ///< the peer reset the connection
  connection_closed,      ///< the peer closed the connection before the response was complete
  pool_timeout,           ///< no connection became available within pool.acquire_timeout
  // --- protocol --------------------------------------------------------------------------
  bad_response,           ///< not a valid HTTP/1.1 response
  bad_json,               ///< a body that should be JSON is not (or has the wrong shape)
  bad_sse,                ///< a malformed server-sent-events stream
  response_too_large,     ///< the body exceeded max_response_bytes
  unexpected_content_type,///< e.g. HTML where JSON or an event stream was expected
  // --- HTTP / API (the status and OpenRouter's error object are in diagnostics) ----------
  bad_request,            ///< 400 (incl. context_length_exceeded, invalid model)
  unauthorized,           ///< 401: missing, invalid or disabled key
  payment_required,       ///< 402: out of credits or key limit reached
  forbidden,              ///< 403: permissions, guardrail, region
  moderation_flagged,     ///< 403 with moderation metadata (reasons, flagged_input)
  not_found,              ///< 404: model, endpoints eliminated by preferences, generation id
  request_timeout,        ///< 408
  precondition_failed,    ///< 412
  payload_too_large,      ///< 413
  unprocessable,          ///< 422
  rate_limited,           ///< 429
  server_error,           ///< 500
  bad_gateway,            ///< 502: provider down or returned an invalid response
  service_unavailable,    ///< 503: no provider meets the routing requirements / overloaded
  gateway_timeout,        ///< 504
  edge_timeout,           ///< 524 (Cloudflare)
  provider_overloaded,    ///< 529
  http_error,             ///< any other non-2xx status
  // --- outcomes inside a 200 --------------------------------------------------------------
  provider_error,         ///< a 200 body whose choice carries `error` / finish_reason "error"
  stream_error,           ///< a mid-stream error event (partial output delivered)
  stream_incomplete,      ///< the stream ended without [DONE] and without a finish reason
  // --- caller side ------------------------------------------------------------------------
  invalid_argument,       ///< bad configuration or request (e.g. an unparsable base URL)
  generation_pending,     ///< /generation still 404 after the bounded polling
  no_content,             ///< a response that carries no content where some was required
  // --- routing (router) -------------------------------------------------------------------
  attempt_timeout,        ///< one attempt exceeded the routing policy's attempt_timeout
  budget_exhausted,       ///< the routing policy's spend budget (per router or per request) is spent
  // --- structured outputs and tools (the model answered; its answer is unusable) ------------
  invalid_json_output,    ///< the model's content (or a tool call's arguments) is not a JSON text
  schema_violation,       ///< the model's JSON does not match the requested schema (path in diagnostics)
  turn_limit,             ///< an agent loop reached its turn cap without a final answer
  // --- media ------------------------------------------------------------------------------
  bad_data_url,           ///< not a data:<mime>;base64,<data> URL, or its base64 is malformed
  unknown_media_type,     ///< the content is none of png, jpeg, webp, gif, pdf (nor its extension)
  file_io_failed,         ///< reading or writing a local file failed (diagnostics.detail says which)
  remote_asset_not_allowed,      ///< an http(s) asset whose host is not allowlisted (paths in detail)
  remote_asset_address_refused,  ///< the asset's host resolved to a loopback/private/link-local/metadata address
  remote_asset_redirect_refused, ///< a redirect off the allowlist, or more than max_redirects
  asset_too_large,        ///< a fetched asset exceeded remote_assets.max_bytes
  asset_bad_content_type, ///< a fetched asset is not an accepted image/* or application/pdf
  no_image,               ///< a response that should carry a generated image carries none
  // --- the client's own resources -----------------------------------------------------------
  out_of_resources,       ///< no file descriptor (EMFILE, ENFILE) or memory left for a connection:
                          ///< transient and local, nothing the server or the model did
  // --- proxies and name resolution -----------------------------------------------------------
  proxy_refused,          ///< the HTTPS proxy answered CONNECT with an error status (diagnostics::proxy_status)
  proxy_auth_required,    ///< the proxy answered CONNECT with 407: credentials missing or wrong
  proxy_tunnel_closed,    ///< the proxy closed the connection before the tunnel was established
  resolve_try_again,      ///< the resolver failed temporarily (EAI_AGAIN); resolve_failed is final
  remote_asset_proxy_refused,  ///< an asset fetch would go through a proxy, which defeats the address
                               ///< screening, and remote_assets.allow_proxy is off
  // --- HTTP/2 streams (issue 14) ------------------------------------------------------------
  /// The HTTP/2 server reset the stream (RST_STREAM; the code, e.g. INTERNAL_ERROR, in
  /// diagnostics.detail) after it may have processed the request. The events before it were
  /// delivered.
  stream_reset,
  /// The HTTP/2 server refused the stream without processing it (RST_STREAM(REFUSED_STREAM), or
  /// a GOAWAY whose last stream id is below it), again after the one re-send the client makes.
  stream_refused,
};

const boost::system::error_category& category() noexcept;
/// The enumerator's name ("rate_limited"), for records and configuration files.
std::string_view name(errc e) noexcept;
boost::system::error_code make_error_code(errc e) noexcept;

/// The errc for an HTTP status (>= 400); `moderation` picks moderation_flagged for 403.
errc errc_from_status(unsigned status, bool moderation = false) noexcept;

/// What an error_code cannot carry. Filled by every operation that takes one (cleared first).
/// Never contains the API key.
struct diagnostics {
  unsigned http_status = 0;               ///< 0 when no response arrived
  wire::api_error error;                  ///< OpenRouter's error object, when there was one
  std::optional<std::chrono::milliseconds> retry_after;  ///< Retry-After / availability.retry_after
  std::string generation_id;              ///< X-Generation-Id (or the body's id)
  std::string provider;                   ///< provider that served or failed, when known
  std::string body_excerpt;               ///< start of a body that could not be understood
  /// Transport failures: the phase (resolve, connect, proxy, TLS, write, read), host:port, the
  /// address tried, the system's reason (strerror) and, for the usual mistakes, a hint. Also
  /// other details, e.g. the TLS verification reason. Never proxy credentials.
  std::string detail;
  unsigned proxy_status = 0;              ///< the HTTPS proxy's status when it refused CONNECT
  std::optional<std::int64_t> rate_limit_limit, rate_limit_remaining;
  std::optional<std::chrono::system_clock::time_point> rate_limit_reset;
  /// The whole request was written to the server: it may have acted on it (and billed it),
  /// whatever failed after that.
  bool request_sent = false;

  void clear();
  /// One line for logs and CLI errors: "429 rate_limit_exceeded: Rate limit exceeded (retry after 2s)".
  std::string summary(boost::system::error_code ec) const;
};

/// The exception a failed operation throws when its completion token reports errors as
/// exceptions (co_await with the default token or asio::use_awaitable, asio::use_future; see
/// completion.hpp). code() is the error_code, what() is diagnostics().summary(code()), and
/// diagnostics() is a copy of the operation's diagnostics (status, OpenRouter's error object,
/// Retry-After...). Catch boost::system::system_error to handle it like any Asio error.
class api_error : public boost::system::system_error {
 public:
  api_error(boost::system::error_code ec, openrouter::diagnostics diag);
  const openrouter::diagnostics& diagnostics() const noexcept { return diag_; }
  const char* what() const noexcept override { return summary_.c_str(); }

 private:
  openrouter::diagnostics diag_;
  std::string summary_;
};

/// Whether a failed request may succeed if sent again (to the same model), with OpenRouter's
/// quirks: 408/429/500/502/503/504/524/529 and transport failures are; a 400 that wraps a
/// transient upstream error is; a 402 is only with Retry-After (in-flight budget); a 200
/// with a provider error is; 401/403/404/413/422 and caller errors are not.
bool is_retryable(boost::system::error_code ec, const diagnostics& diag) noexcept;

}  // namespace openrouter

template <>
struct boost::system::is_error_code_enum<openrouter::errc> : std::true_type {};
