#include <openrouter/error.hpp>

#include <string>

namespace openrouter {
namespace {

class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "openrouter"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::resolve_failed: return "host name did not resolve";
      case errc::connect_failed: return "connection failed";
      case errc::connect_timeout: return "connect timed out";
      case errc::tls_handshake_failed: return "TLS handshake failed";
      case errc::tls_verify_failed: return "TLS certificate verification failed";
      case errc::headers_timeout: return "timed out waiting for response headers";
      case errc::read_timeout: return "timed out waiting for response data";
      case errc::total_timeout: return "request deadline exceeded";
      case errc::connection_reset: return "connection reset by peer";
      case errc::connection_closed: return "connection closed before the response was complete";
      case errc::pool_timeout: return "timed out waiting for a free connection";
      case errc::bad_response: return "malformed HTTP response";
      case errc::bad_json: return "malformed JSON in response";
      case errc::bad_sse: return "malformed event stream";
      case errc::response_too_large: return "response exceeds the size limit";
      case errc::unexpected_content_type: return "unexpected response content type";
      case errc::bad_request: return "bad request (400)";
      case errc::unauthorized: return "unauthorized (401)";
      case errc::payment_required: return "payment required (402)";
      case errc::forbidden: return "forbidden (403)";
      case errc::moderation_flagged: return "input flagged by moderation (403)";
      case errc::not_found: return "not found (404)";
      case errc::request_timeout: return "request timeout (408)";
      case errc::precondition_failed: return "precondition failed (412)";
      case errc::payload_too_large: return "payload too large (413)";
      case errc::unprocessable: return "unprocessable request (422)";
      case errc::rate_limited: return "rate limited (429)";
      case errc::server_error: return "server error (500)";
      case errc::bad_gateway: return "provider error (502)";
      case errc::service_unavailable: return "service unavailable (503)";
      case errc::gateway_timeout: return "gateway timeout (504)";
      case errc::edge_timeout: return "edge timeout (524)";
      case errc::provider_overloaded: return "provider overloaded (529)";
      case errc::http_error: return "HTTP error";
      case errc::provider_error: return "provider error inside a successful response";
      case errc::stream_error: return "error event in the middle of the stream";
      case errc::stream_incomplete: return "stream ended before it was complete";
      case errc::invalid_argument: return "invalid argument";
      case errc::generation_pending: return "generation not available yet";
      case errc::no_content: return "response carries no content";
      case errc::attempt_timeout: return "attempt exceeded the routing policy's attempt timeout";
      case errc::budget_exhausted: return "spend budget exhausted";
      case errc::invalid_json_output: return "the model's output is not valid JSON";
      case errc::schema_violation: return "the model's output does not match the schema";
      case errc::turn_limit: return "the agent loop reached its turn cap without a final answer";
      case errc::bad_data_url: return "malformed data: URL";
      case errc::unknown_media_type: return "unrecognised media type";
      case errc::file_io_failed: return "local file read or write failed";
      case errc::remote_asset_not_allowed: return "remote asset host not in the allowlist";
      case errc::remote_asset_address_refused: return "remote asset resolves to a refused address";
      case errc::remote_asset_redirect_refused: return "remote asset redirect refused";
      case errc::asset_too_large: return "remote asset exceeds the size cap";
      case errc::asset_bad_content_type: return "remote asset content type not accepted";
      case errc::no_image: return "response carries no generated image";
      case errc::out_of_resources: return "out of local resources (file descriptors or memory)";
      case errc::proxy_refused: return "the proxy refused the tunnel";
      case errc::proxy_auth_required: return "the proxy requires authentication (407)";
      case errc::proxy_tunnel_closed: return "the proxy closed the connection before the tunnel was established";
      case errc::resolve_try_again: return "host name did not resolve (temporary resolver failure)";
      case errc::remote_asset_proxy_refused: return "remote asset fetch through a proxy refused";
    }
    return "unknown openrouter error";
  }
};

// error_type values (spec ApiErrorType) and provider codes that mean "try again".
bool transient_type(std::string_view t) noexcept {
  return t == "rate_limit_exceeded" || t == "provider_overloaded" || t == "provider_unavailable" ||
         t == "timeout" || t == "server";
}

bool transient_code(std::string_view code) noexcept {
  return code == "408" || code == "429" || code == "500" || code == "502" || code == "503" || code == "504" ||
         code == "524" || code == "529" || code == "overloaded_error" || code == "rate_limit_error";
}

}  // namespace

const boost::system::error_category& category() noexcept {
  static const category_impl instance;
  return instance;
}

std::string_view name(errc e) noexcept {
  switch (e) {
    case errc::resolve_failed: return "resolve_failed";
    case errc::connect_failed: return "connect_failed";
    case errc::connect_timeout: return "connect_timeout";
    case errc::tls_handshake_failed: return "tls_handshake_failed";
    case errc::tls_verify_failed: return "tls_verify_failed";
    case errc::headers_timeout: return "headers_timeout";
    case errc::read_timeout: return "read_timeout";
    case errc::total_timeout: return "total_timeout";
    case errc::connection_reset: return "connection_reset";
    case errc::connection_closed: return "connection_closed";
    case errc::pool_timeout: return "pool_timeout";
    case errc::bad_response: return "bad_response";
    case errc::bad_json: return "bad_json";
    case errc::bad_sse: return "bad_sse";
    case errc::response_too_large: return "response_too_large";
    case errc::unexpected_content_type: return "unexpected_content_type";
    case errc::bad_request: return "bad_request";
    case errc::unauthorized: return "unauthorized";
    case errc::payment_required: return "payment_required";
    case errc::forbidden: return "forbidden";
    case errc::moderation_flagged: return "moderation_flagged";
    case errc::not_found: return "not_found";
    case errc::request_timeout: return "request_timeout";
    case errc::precondition_failed: return "precondition_failed";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unprocessable: return "unprocessable";
    case errc::rate_limited: return "rate_limited";
    case errc::server_error: return "server_error";
    case errc::bad_gateway: return "bad_gateway";
    case errc::service_unavailable: return "service_unavailable";
    case errc::gateway_timeout: return "gateway_timeout";
    case errc::edge_timeout: return "edge_timeout";
    case errc::provider_overloaded: return "provider_overloaded";
    case errc::http_error: return "http_error";
    case errc::provider_error: return "provider_error";
    case errc::stream_error: return "stream_error";
    case errc::stream_incomplete: return "stream_incomplete";
    case errc::invalid_argument: return "invalid_argument";
    case errc::generation_pending: return "generation_pending";
    case errc::no_content: return "no_content";
    case errc::attempt_timeout: return "attempt_timeout";
    case errc::budget_exhausted: return "budget_exhausted";
    case errc::invalid_json_output: return "invalid_json_output";
    case errc::schema_violation: return "schema_violation";
    case errc::turn_limit: return "turn_limit";
    case errc::bad_data_url: return "bad_data_url";
    case errc::unknown_media_type: return "unknown_media_type";
    case errc::file_io_failed: return "file_io_failed";
    case errc::remote_asset_not_allowed: return "remote_asset_not_allowed";
    case errc::remote_asset_address_refused: return "remote_asset_address_refused";
    case errc::remote_asset_redirect_refused: return "remote_asset_redirect_refused";
    case errc::asset_too_large: return "asset_too_large";
    case errc::asset_bad_content_type: return "asset_bad_content_type";
    case errc::no_image: return "no_image";
    case errc::out_of_resources: return "out_of_resources";
    case errc::proxy_refused: return "proxy_refused";
    case errc::proxy_auth_required: return "proxy_auth_required";
    case errc::proxy_tunnel_closed: return "proxy_tunnel_closed";
    case errc::resolve_try_again: return "resolve_try_again";
    case errc::remote_asset_proxy_refused: return "remote_asset_proxy_refused";
  }
  return "unknown";
}

boost::system::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

errc errc_from_status(unsigned status, bool moderation) noexcept {
  switch (status) {
    case 400: return errc::bad_request;
    case 401: return errc::unauthorized;
    case 402: return errc::payment_required;
    case 403: return moderation ? errc::moderation_flagged : errc::forbidden;
    case 404: return errc::not_found;
    case 408: return errc::request_timeout;
    case 412: return errc::precondition_failed;
    case 413: return errc::payload_too_large;
    case 422: return errc::unprocessable;
    case 429: return errc::rate_limited;
    case 500: return errc::server_error;
    case 502: return errc::bad_gateway;
    case 503: return errc::service_unavailable;
    case 504: return errc::gateway_timeout;
    case 524: return errc::edge_timeout;
    case 529: return errc::provider_overloaded;
    default: return errc::http_error;
  }
}

void diagnostics::clear() { *this = diagnostics{}; }

std::string diagnostics::summary(boost::system::error_code ec) const {
  std::string s;
  // A stream that failed after its 200: say so first (the status alone would read as success).
  // A transport outcome (or the caller's cancellation) is not the status's doing: a "200"
  // before "connection reset" or "Operation canceled" would read as its cause.
  const bool transport = ec.category() != category() ||
                         (ec.value() >= static_cast<int>(errc::resolve_failed) &&
                          ec.value() <= static_cast<int>(errc::pool_timeout)) ||
                         ec == errc::proxy_refused || ec == errc::proxy_auth_required ||
                         ec == errc::proxy_tunnel_closed || ec == errc::resolve_try_again;
  if (ec == make_error_code(errc::stream_error)) s = ec.message() + ": ";
  else if (http_status && !transport) s = std::to_string(http_status) + " ";
  std::string_view type = error.type();
  if (!type.empty()) s += std::string(type) + ": ";
  s += !error.message.empty() ? error.message : ec.message();
  if (!detail.empty()) s += " (" + detail + ")";
  if (retry_after) s += " (retry after " + std::to_string(retry_after->count() / 1000.0).substr(0, 4) + "s)";
  if (!generation_id.empty()) s += " [" + generation_id + "]";
  return s;
}

bool is_retryable(boost::system::error_code ec, const diagnostics& diag) noexcept {
  if (ec.category() != category()) {
    // Errors from below us (Asio, OpenSSL) that escaped mapping: transport, so retryable,
    // except the caller's own cancellation.
    return ec != boost::system::errc::operation_canceled && ec.value() != 125 /* ECANCELED */;
  }
  if (const auto& a = diag.error.availability; a && a->retryable) return *a->retryable;
  switch (static_cast<errc>(ec.value())) {
    // resolve_failed (the name does not exist), proxy_auth_required and
    // remote_asset_proxy_refused are not retryable; a proxy's 5xx (it could not reach the
    // origin) is.
    case errc::proxy_refused: return diag.proxy_status >= 500;
    case errc::resolve_try_again:
    case errc::proxy_tunnel_closed:
    case errc::connect_failed:
    case errc::connect_timeout:
    case errc::tls_handshake_failed:
    case errc::headers_timeout:
    case errc::read_timeout:
    case errc::connection_reset:
    case errc::connection_closed:
    case errc::pool_timeout:
    case errc::request_timeout:
    case errc::attempt_timeout:
    case errc::rate_limited:
    case errc::server_error:
    case errc::bad_gateway:
    case errc::service_unavailable:
    case errc::gateway_timeout:
    case errc::edge_timeout:
    case errc::provider_overloaded:
    case errc::provider_error:
    case errc::stream_error:
    case errc::stream_incomplete:
    case errc::bad_response:
    case errc::bad_json:                 // a gateway or provider answering garbage: transient
    case errc::bad_sse:
    case errc::unexpected_content_type:  // e.g. an HTML error page from a proxy
    case errc::out_of_resources:         // descriptors free up as other requests end
      return true;
    case errc::payment_required:
      // A 402 with Retry-After is the in-flight budget: wait and retry. A plain 402 is billing.
      return diag.retry_after.has_value();
    case errc::bad_request:
      // A 400 wrapping a transient upstream failure (provider_code 429/503, error_type
      // rate_limit_exceeded...) is worth retrying; a request the caller got wrong is not.
      return transient_type(diag.error.type()) || transient_code(diag.error.provider_code());
    case errc::http_error:
      return diag.http_status >= 500;
    default:
      return false;
  }
}

}  // namespace openrouter
