#include "codecs.hpp"

#include <charconv>

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto availability_constraint_fields = std::tuple{
    opt("field", &availability_constraint::field),
    opt("detail", &availability_constraint::detail),
};
constexpr auto availability_info_fields = std::tuple{
    opt("code", &availability_info::code),
    opt("retryable", &availability_info::retryable),
    opt("retry_after", &availability_info::retry_after),
    opt("requested_models", &availability_info::requested_models),
    opt("affected_providers", &availability_info::affected_providers),
    opt("excluded_by", &availability_info::excluded_by),
    opt("fallback_models", &availability_info::fallback_models),
    opt("constraint", &availability_info::constraint),
    opt("docs_url", &availability_info::docs_url),
};
constexpr auto moderation_info_fields = std::tuple{
    opt("reasons", &moderation_info::reasons),
    opt("flagged_input", &moderation_info::flagged_input),
    opt("provider_name", &moderation_info::provider_name),
    opt("model_slug", &moderation_info::model_slug),
};
constexpr auto api_error_fields = std::tuple{
    opt("code", &api_error::code),
    opt("message", &api_error::message),
    opt("metadata", &api_error::metadata),
    opt("error_type", &api_error::error_type),
    opt("http_status", &api_error::http_status),
    opt("availability", &api_error::availability),
};
constexpr auto error_body_fields = std::tuple{
    req("error", &error_body::error),
    opt("openrouter_metadata", &error_body::openrouter_metadata),
    opt("user_id", &error_body::user_id),
};

std::string_view metadata_string(const boost::json::value& metadata,
                                 std::string_view key) noexcept {
  if (const auto* o = metadata.if_object())
    if (const auto* v = o->if_contains(key))
      if (const auto* s = v->if_string()) return *s;
  return {};
}

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(availability_constraint, availability_constraint_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(availability_info, availability_info_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(moderation_info, moderation_info_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_error, api_error_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(error_body, error_body_fields)

std::optional<std::int64_t> api_error::status() const noexcept {
  if (code) {
    if (const auto* n = std::get_if<std::int64_t>(&*code)) return *n;
    const std::string& s = std::get<std::string>(*code);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  return http_status;
}

std::string_view api_error::code_text() const noexcept {
  if (code)
    if (const auto* s = std::get_if<std::string>(&*code)) return *s;
  return {};
}

std::string_view api_error::type() const noexcept {
  if (error_type && !error_type->empty()) return *error_type;
  return metadata_string(metadata, "error_type");
}

std::string_view api_error::provider_code() const noexcept {
  return metadata_string(metadata, "provider_code");
}

std::string_view api_error::provider_name() const noexcept {
  return metadata_string(metadata, "provider_name");
}

std::optional<moderation_info> api_error::moderation() const {
  const auto* o = metadata.if_object();
  if (o == nullptr || (!o->contains("reasons") && !o->contains("flagged_input"))) return {};
  moderation_info info;
  decode_error err;
  detail::from_json(metadata, info, err, /*lenient=*/true);
  return info;
}

error_body parse_error_body(std::string_view body) {
  error_body out;
  alignas(std::max_align_t) unsigned char buffer[detail::parse_buffer_size];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  decode_error err;
  const boost::json::value jv = detail::parse_text(body, arena, err);
  const auto* root = jv.if_object();
  if (err || root == nullptr) return out;
  if (const auto* e = root->if_contains("error"); e != nullptr && e->is_string()) {
    // {"error": "Unauthorized"}: shapeless, but the text is still the best message we have.
    out.error.message = e->get_string();
    return out;
  }
  detail::from_json(jv, out, err, /*lenient=*/true);
  return out;
}

}  // namespace openrouter::wire
