#include <openrouter/error.hpp>

#include "error_table.hpp"

#include <string>

namespace openrouter {
namespace errc_table = detail::errc_table;
namespace {

class category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "openrouter"; }

  std::string message(int ev) const override {
    const auto* r = errc_table::row_of(static_cast<errc>(ev));
    return r ? std::string(r->message) : "unknown openrouter error";
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
  const auto* r = errc_table::row_of(e);
  return r ? r->name : "unknown";
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
  // The connection's own outcomes (connect to pool_timeout, timeouts included) and every code the
  // error table classes as transport (proxies, resolver, HTTP/2 streams).
  const auto* r = ec.category() == category() ? errc_table::row_of(static_cast<errc>(ec.value())) : nullptr;
  const bool transport = ec.category() != category() ||
                         (ec.value() >= static_cast<int>(errc::resolve_failed) &&
                          ec.value() <= static_cast<int>(errc::pool_timeout)) ||
                         (r && r->cls == routing::error_class::transport);
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

api_error::api_error(boost::system::error_code ec, openrouter::diagnostics diag)
    : boost::system::system_error(ec), diag_(std::move(diag)), summary_(diag_.summary(ec)) {}

bool is_retryable(boost::system::error_code ec, const diagnostics& diag) noexcept {
  if (ec.category() != category()) {
    // Errors from below us (Asio, OpenSSL) that escaped mapping: transport, so retryable,
    // except the caller's own cancellation.
    return ec != boost::system::errc::operation_canceled && ec.value() != 125 /* ECANCELED */;
  }
  if (const auto& a = diag.error.availability; a && a->retryable) return *a->retryable;
  const auto* r = errc_table::row_of(static_cast<errc>(ec.value()));
  if (!r) return false;
  switch (r->retry) {
    case errc_table::never: return false;
    case errc_table::always: return true;
    case errc_table::with_retry_after: return diag.retry_after.has_value();
    case errc_table::transient_400:
      // A transient upstream failure wrapped in a 400 (provider_code 429/503, error_type
      // rate_limit_exceeded...); a request the caller got wrong is not.
      return transient_type(diag.error.type()) || transient_code(diag.error.provider_code());
    case errc_table::status_5xx: return diag.http_status >= 500;
    case errc_table::proxy_5xx: return diag.proxy_status >= 500;  // the proxy could not reach the origin
  }
  return false;
}

}  // namespace openrouter
