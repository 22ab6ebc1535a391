#include <openrouter/routing/classify.hpp>

#include <boost/asio/error.hpp>

namespace openrouter::routing {
namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) noexcept {
  for (auto x : set)
    if (s == x) return true;
  return false;
}

// A 400 that names this model's limits or inputs rather than the request's shape.
classification bad_request_kind(const diagnostics& d) {
  std::string_view type = d.error.type();
  if (one_of(type, {"context_length_exceeded", "max_tokens_exceeded", "token_limit_exceeded", "string_too_long"}))
    return {verdict::next_model, error_class::context_length, {}};
  if (one_of(type, {"invalid_image", "image_too_large", "image_too_small", "unsupported_image_format",
                    "image_download_failed"}))
    return {verdict::next_model, error_class::content, {}};
  if (d.error.availability && d.error.availability->code == "model_not_found")
    return {verdict::next_model, error_class::invalid_model, {}};
  // The wording OpenRouter uses when the model id is unknown, without a typed code.
  if (d.error.message.find("not a valid model") != std::string::npos ||
      d.error.message.find("Invalid model") != std::string::npos)
    return {verdict::next_model, error_class::invalid_model, {}};
  return {verdict::stop, error_class::bad_request, {}};
}

classification base(boost::system::error_code ec, const diagnostics& d) {
  if (ec == boost::asio::error::operation_aborted || ec == boost::system::errc::operation_canceled)
    return {verdict::stop, error_class::cancelled, {}};
  if (ec.category() != category()) return {verdict::retry_same, error_class::transport, {}};

  const bool transient = is_retryable(ec, d);  // OpenRouter's quirks live there
  // availability.retryable decides for the codes that carry it.
  if (const auto& a = d.error.availability; a && a->retryable) {
    if (*a->retryable) {
      auto cls = ec == errc::rate_limited ? error_class::rate_limited : error_class::overloaded;
      return {verdict::retry_same, cls, {}};
    }
    if (a->code == "wrong_endpoint") return {verdict::stop, error_class::bad_request, {}};
    if (a->code == "model_not_found" || a->code == "model_deprecated" || a->code == "free_variant_ended")
      return {verdict::next_model, error_class::invalid_model, {}};
    return {verdict::next_model, error_class::unavailable, {}};
  }
  switch (static_cast<errc>(ec.value())) {
    case errc::resolve_failed:       // the name does not exist: a configuration error
    case errc::proxy_auth_required:  // the proxy's credentials are wrong
      return {verdict::stop, error_class::transport, {}};
    case errc::proxy_refused:
      return {transient ? verdict::retry_same : verdict::stop, error_class::transport, {}};
    case errc::remote_asset_proxy_refused:
      return {verdict::stop, error_class::bad_request, {}};
    case errc::resolve_try_again:
    case errc::proxy_tunnel_closed:
    case errc::connect_failed:
    case errc::tls_handshake_failed:
    case errc::connection_reset:
    case errc::connection_closed:
    case errc::pool_timeout:
      return {verdict::retry_same, error_class::transport, {}};
    case errc::out_of_resources:  // worth a retry once descriptors free up; no model is to blame
      return {verdict::retry_same, error_class::local, {}};
    case errc::tls_verify_failed:  // a misconfiguration or an attack: retrying will not help
      return {verdict::stop, error_class::transport, {}};
    case errc::connect_timeout:
    case errc::headers_timeout:
    case errc::read_timeout:
    case errc::request_timeout:
    case errc::attempt_timeout:
    case errc::gateway_timeout:
    case errc::edge_timeout:
      return {verdict::retry_same, error_class::timeout, {}};
    case errc::total_timeout:
      return {verdict::stop, error_class::deadline, {}};
    case errc::rate_limited:
      return {verdict::retry_same, error_class::rate_limited, {}};
    case errc::server_error:
    case errc::bad_gateway:
    case errc::provider_error:
    case errc::bad_response:
    case errc::bad_json:
    case errc::bad_sse:
    case errc::unexpected_content_type:
      return {verdict::retry_same, error_class::server, {}};
    case errc::service_unavailable:
    case errc::provider_overloaded:
      return {verdict::retry_same, error_class::overloaded, {}};
    case errc::stream_error:
    case errc::stream_incomplete:
      return {verdict::retry_same, error_class::stream, {}};
    case errc::payment_required:
      return {transient ? verdict::retry_same : verdict::stop, error_class::billing, {}};
    case errc::bad_request:
      if (transient) {
        bool rl = d.error.type() == "rate_limit_exceeded" || d.error.provider_code() == "429";
        return {verdict::retry_same, rl ? error_class::rate_limited : error_class::server, {}};
      }
      return bad_request_kind(d);
    case errc::moderation_flagged:
      return {verdict::next_model, error_class::moderation, {}};
    case errc::not_found:
      return {verdict::next_model, error_class::unavailable, {}};
    case errc::unauthorized:
    case errc::forbidden:
      return {verdict::stop, error_class::auth, {}};
    case errc::precondition_failed:
    case errc::payload_too_large:
    case errc::unprocessable:
    case errc::response_too_large:
    case errc::invalid_argument:
    // Media failures are the caller's request or files: no other model or attempt fixes them.
    case errc::bad_data_url:
    case errc::unknown_media_type:
    case errc::file_io_failed:
    case errc::remote_asset_not_allowed:
    case errc::remote_asset_address_refused:
    case errc::remote_asset_redirect_refused:
    case errc::asset_too_large:
    case errc::asset_bad_content_type:
    case errc::no_image:
      return {verdict::stop, error_class::bad_request, {}};
    case errc::http_error:
      return {transient ? verdict::retry_same : verdict::stop, transient ? error_class::server : error_class::other, {}};
    case errc::budget_exhausted:
      return {verdict::stop, error_class::billing, {}};
    case errc::generation_pending:
    case errc::no_content:
    case errc::invalid_json_output:
    case errc::schema_violation:
    case errc::turn_limit:
      return {verdict::stop, error_class::other, {}};
  }
  return {verdict::stop, error_class::other, {}};
}

}  // namespace

std::string_view to_string(verdict v) noexcept {
  switch (v) {
    case verdict::retry_same: return "retry_same";
    case verdict::next_model: return "next_model";
    case verdict::stop: return "stop";
  }
  return "stop";
}

std::string_view to_string(error_class c) noexcept {
  switch (c) {
    case error_class::none: return "none";
    case error_class::transport: return "transport";
    case error_class::timeout: return "timeout";
    case error_class::rate_limited: return "rate_limited";
    case error_class::server: return "server";
    case error_class::overloaded: return "overloaded";
    case error_class::unavailable: return "unavailable";
    case error_class::context_length: return "context_length";
    case error_class::moderation: return "moderation";
    case error_class::invalid_model: return "invalid_model";
    case error_class::content: return "content";
    case error_class::auth: return "auth";
    case error_class::billing: return "billing";
    case error_class::bad_request: return "bad_request";
    case error_class::stream: return "stream";
    case error_class::cancelled: return "cancelled";
    case error_class::deadline: return "deadline";
    case error_class::other: return "other";
    case error_class::local: return "local";
  }
  return "other";
}

classification classify(boost::system::error_code ec, const diagnostics& diag, const classifier_options& opts) {
  classification c = base(ec, diag);
  c.retry_after = diag.retry_after;
  if (ec.category() == category())
    for (const auto& [e, v] : opts.overrides)
      if (ec == e) c.action = v;
  return c;
}

}  // namespace openrouter::routing
