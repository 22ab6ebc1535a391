#pragma once
// GET /generation?id=...: the record of one generation (reference §11), in {data: generation}.
// Records lag the completion by up to a few seconds: a 404 right after a completion is normal.
#include <openrouter/wire/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

/// One provider attempt, fallbacks included.
struct provider_response {
  std::optional<std::int64_t> status{};  // HTTP status of the attempt
  std::optional<std::string> id{};
  std::optional<std::string> endpoint_id{};
  std::optional<std::string> model_permaslug{};
  std::optional<std::string> provider_name{};
  std::optional<double> latency{};  // ms
  std::optional<bool> is_byok{};
  std::optional<std::string> routed_service_tier{};  // flex|priority
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(provider_response);

struct generation {
  std::string id{};
  std::optional<std::string> request_id{};
  std::optional<std::string> upstream_id{};
  std::string model{};
  std::optional<std::string> provider_name{};
  std::optional<std::string> router{};
  std::optional<std::string> api_type{};  // completions|embeddings|rerank|tts|stt|video|image
  std::optional<std::int64_t> app_id{};
  std::optional<std::string> http_referer{};
  std::optional<std::string> origin{};
  std::optional<std::string> user_agent{};
  std::optional<std::string> external_user{};  // the request's `user`
  std::optional<std::string> session_id{};
  std::optional<std::string> preset_id{};
  std::optional<std::string> workspace_id{};
  std::optional<std::string> created_at{};  // ISO 8601
  std::optional<bool> streamed{};
  std::optional<bool> cancelled{};
  std::optional<bool> is_byok{};
  std::optional<std::string> finish_reason{};
  std::optional<std::string> native_finish_reason{};
  std::optional<double> latency{};             // ms, total
  std::optional<double> generation_time{};     // ms
  std::optional<double> moderation_latency{};  // ms
  std::optional<std::int64_t> tokens_prompt{};
  std::optional<std::int64_t> tokens_completion{};
  std::optional<std::int64_t> native_tokens_prompt{};
  std::optional<std::int64_t> native_tokens_completion{};
  std::optional<std::int64_t> native_tokens_reasoning{};
  std::optional<std::int64_t> native_tokens_cached{};
  std::optional<std::int64_t> native_tokens_completion_images{};
  std::optional<std::int64_t> num_media_prompt{};
  std::optional<std::int64_t> num_media_completion{};
  std::optional<std::int64_t> num_input_audio_prompt{};
  std::optional<std::int64_t> num_search_results{};
  std::optional<std::int64_t> num_fetches{};
  std::optional<double> total_cost{};               // USD
  std::optional<double> usage{};                    // USD
  std::optional<double> upstream_inference_cost{};  // BYOK only
  std::optional<double> cache_discount{};
  std::optional<std::string> web_search_engine{};
  std::optional<std::string> service_tier{};
  std::optional<std::string> data_region{};  // global|europe|us
  std::optional<std::string> response_cache_source_id{};
  std::vector<wire::provider_response> provider_responses{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(generation);
/// Accepts the {data: ...} envelope or the bare object.
void parse_data(std::string_view json, generation& out, decode_error& err);

}  // namespace openrouter::wire
