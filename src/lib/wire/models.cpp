#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto model_architecture_fields = std::tuple{
    opt("modality", &model_architecture::modality),
    opt("input_modalities", &model_architecture::input_modalities),
    opt("output_modalities", &model_architecture::output_modalities),
    opt("tokenizer", &model_architecture::tokenizer),
    opt("instruct_type", &model_architecture::instruct_type),
};
constexpr auto model_pricing_fields = std::tuple{
    opt("prompt", &model_pricing::prompt),
    opt("completion", &model_pricing::completion),
    opt("request", &model_pricing::request),
    opt("image", &model_pricing::image),
    opt("image_output", &model_pricing::image_output),
    opt("image_token", &model_pricing::image_token),
    opt("audio", &model_pricing::audio),
    opt("audio_output", &model_pricing::audio_output),
    opt("input_audio_cache", &model_pricing::input_audio_cache),
    opt("web_search", &model_pricing::web_search),
    opt("internal_reasoning", &model_pricing::internal_reasoning),
    opt("input_cache_read", &model_pricing::input_cache_read),
    opt("input_cache_write", &model_pricing::input_cache_write),
    opt("input_cache_write_1h", &model_pricing::input_cache_write_1h),
    opt("discount", &model_pricing::discount),
    opt("overrides", &model_pricing::overrides),
};
constexpr auto top_provider_info_fields = std::tuple{
    opt("context_length", &top_provider_info::context_length),
    opt("max_completion_tokens", &top_provider_info::max_completion_tokens),
    opt("is_moderated", &top_provider_info::is_moderated),
};
constexpr auto request_limits_fields = std::tuple{
    opt("prompt_tokens", &request_limits::prompt_tokens),
    opt("completion_tokens", &request_limits::completion_tokens),
};
constexpr auto model_links_fields = std::tuple{
    opt("details", &model_links::details),
};
constexpr auto model_fields = std::tuple{
    opt("id", &model::id),
    opt("canonical_slug", &model::canonical_slug),
    opt("hugging_face_id", &model::hugging_face_id),
    opt("name", &model::name),
    opt("created", &model::created),
    opt("description", &model::description),
    opt("context_length", &model::context_length),
    opt("architecture", &model::architecture),
    opt("pricing", &model::pricing),
    opt("top_provider", &model::top_provider),
    opt("per_request_limits", &model::per_request_limits),
    opt("supported_parameters", &model::supported_parameters),
    opt("default_parameters", &model::default_parameters),
    opt("supported_voices", &model::supported_voices),
    opt("reasoning", &model::reasoning),
    opt("expiration_date", &model::expiration_date),
    opt("knowledge_cutoff", &model::knowledge_cutoff),
    opt("links", &model::links),
};
constexpr auto page_links_fields = std::tuple{
    opt("next", &page_links::next),
};
constexpr auto models_page_fields = std::tuple{
    req("data", &models_page::data),
    opt("total_count", &models_page::total_count),
    opt("links", &models_page::links),
};
constexpr auto endpoint_fields = std::tuple{
    opt("name", &endpoint::name),
    opt("model_id", &endpoint::model_id),
    opt("model_name", &endpoint::model_name),
    opt("provider_name", &endpoint::provider_name),
    opt("tag", &endpoint::tag),
    opt("context_length", &endpoint::context_length),
    opt("max_completion_tokens", &endpoint::max_completion_tokens),
    opt("max_prompt_tokens", &endpoint::max_prompt_tokens),
    opt("quantization", &endpoint::quantization),
    opt("supported_parameters", &endpoint::supported_parameters),
    opt("supports_implicit_caching", &endpoint::supports_implicit_caching),
    opt("supports_voice_cloning", &endpoint::supports_voice_cloning),
    opt("pricing", &endpoint::pricing),
    opt("status", &endpoint::status),
    opt("uptime_last_5m", &endpoint::uptime_last_5m),
    opt("uptime_last_30m", &endpoint::uptime_last_30m),
    opt("uptime_last_1d", &endpoint::uptime_last_1d),
    opt("latency_last_30m", &endpoint::latency_last_30m),
    opt("throughput_last_30m", &endpoint::throughput_last_30m),
};
constexpr auto model_endpoints_fields = std::tuple{
    opt("id", &model_endpoints::id),
    opt("name", &model_endpoints::name),
    opt("created", &model_endpoints::created),
    opt("description", &model_endpoints::description),
    opt("architecture", &model_endpoints::architecture),
    req("endpoints", &model_endpoints::endpoints),
};
constexpr auto provider_info_fields = std::tuple{
    opt("name", &provider_info::name),
    opt("slug", &provider_info::slug),
    opt("privacy_policy_url", &provider_info::privacy_policy_url),
    opt("terms_of_service_url", &provider_info::terms_of_service_url),
    opt("status_page_url", &provider_info::status_page_url),
    opt("headquarters", &provider_info::headquarters),
    opt("datacenters", &provider_info::datacenters),
};
constexpr auto provider_list_fields = std::tuple{
    req("data", &provider_list::data),
};

bool free_or_absent(const std::optional<std::string>& price) noexcept {
  return !price || *price == "0";
}

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(model_architecture, model_architecture_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(model_pricing, model_pricing_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(top_provider_info, top_provider_info_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(request_limits, request_limits_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(model_links, model_links_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(model, model_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(page_links, page_links_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(models_page, models_page_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(endpoint, endpoint_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(model_endpoints, model_endpoints_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(provider_info, provider_info_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(provider_list, provider_list_fields)

void parse_data(std::string_view json, model& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

void parse_data(std::string_view json, model_endpoints& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

bool is_free(const model& m) noexcept {
  if (!m.pricing) return true;  // nothing present, so nothing that differs from "0"
  const model_pricing& p = *m.pricing;
  return free_or_absent(p.prompt) && free_or_absent(p.completion) && free_or_absent(p.request) &&
         free_or_absent(p.image);
}

}  // namespace openrouter::wire
