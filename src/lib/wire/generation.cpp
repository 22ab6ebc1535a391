#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto provider_response_fields = std::tuple{
    opt("status", &provider_response::status),
    opt("id", &provider_response::id),
    opt("endpoint_id", &provider_response::endpoint_id),
    opt("model_permaslug", &provider_response::model_permaslug),
    opt("provider_name", &provider_response::provider_name),
    opt("latency", &provider_response::latency),
    opt("is_byok", &provider_response::is_byok),
    opt("routed_service_tier", &provider_response::routed_service_tier),
};
constexpr auto generation_fields = std::tuple{
    opt("id", &generation::id),
    opt("request_id", &generation::request_id),
    opt("upstream_id", &generation::upstream_id),
    opt("model", &generation::model),
    opt("provider_name", &generation::provider_name),
    opt("router", &generation::router),
    opt("api_type", &generation::api_type),
    opt("app_id", &generation::app_id),
    opt("http_referer", &generation::http_referer),
    opt("origin", &generation::origin),
    opt("user_agent", &generation::user_agent),
    opt("external_user", &generation::external_user),
    opt("session_id", &generation::session_id),
    opt("preset_id", &generation::preset_id),
    opt("workspace_id", &generation::workspace_id),
    opt("created_at", &generation::created_at),
    opt("streamed", &generation::streamed),
    opt("cancelled", &generation::cancelled),
    opt("is_byok", &generation::is_byok),
    opt("finish_reason", &generation::finish_reason),
    opt("native_finish_reason", &generation::native_finish_reason),
    opt("latency", &generation::latency),
    opt("generation_time", &generation::generation_time),
    opt("moderation_latency", &generation::moderation_latency),
    opt("tokens_prompt", &generation::tokens_prompt),
    opt("tokens_completion", &generation::tokens_completion),
    opt("native_tokens_prompt", &generation::native_tokens_prompt),
    opt("native_tokens_completion", &generation::native_tokens_completion),
    opt("native_tokens_reasoning", &generation::native_tokens_reasoning),
    opt("native_tokens_cached", &generation::native_tokens_cached),
    opt("native_tokens_completion_images", &generation::native_tokens_completion_images),
    opt("num_media_prompt", &generation::num_media_prompt),
    opt("num_media_completion", &generation::num_media_completion),
    opt("num_input_audio_prompt", &generation::num_input_audio_prompt),
    opt("num_search_results", &generation::num_search_results),
    opt("num_fetches", &generation::num_fetches),
    opt("total_cost", &generation::total_cost),
    opt("usage", &generation::usage),
    opt("upstream_inference_cost", &generation::upstream_inference_cost),
    opt("cache_discount", &generation::cache_discount),
    opt("web_search_engine", &generation::web_search_engine),
    opt("service_tier", &generation::service_tier),
    opt("data_region", &generation::data_region),
    opt("response_cache_source_id", &generation::response_cache_source_id),
    opt("provider_responses", &generation::provider_responses),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(provider_response, provider_response_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(generation, generation_fields)

void parse_data(std::string_view json, generation& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

}  // namespace openrouter::wire
