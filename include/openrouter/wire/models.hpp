#pragma once
// The catalog: GET /models (models_page), GET /model/{author}/{slug} ({data: model}),
// GET /models/{author}/{slug}/endpoints ({data: model_endpoints}) and GET /providers
// (provider_list). Prices are decimal strings in USD per unit and stay strings: convert them
// where you compute with them.
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/percentiles.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

struct model_architecture {
  std::optional<std::string> modality{};  // "text+image->text"
  std::vector<std::string> input_modalities{};
  std::vector<std::string> output_modalities{};
  std::optional<std::string> tokenizer{};
  std::optional<std::string> instruct_type{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(model_architecture);

/// Prices: USD per token (prompt, completion, internal_reasoning, caches, *_token), per request,
/// per image, per search. "0" means free; "-1" shows up on router pseudo-models.
struct model_pricing {
  std::optional<std::string> prompt{};
  std::optional<std::string> completion{};
  std::optional<std::string> request{};
  std::optional<std::string> image{};
  std::optional<std::string> image_output{};
  std::optional<std::string> image_token{};
  std::optional<std::string> audio{};
  std::optional<std::string> audio_output{};
  std::optional<std::string> input_audio_cache{};
  std::optional<std::string> web_search{};
  std::optional<std::string> internal_reasoning{};
  std::optional<std::string> input_cache_read{};
  std::optional<std::string> input_cache_write{};
  std::optional<std::string> input_cache_write_1h{};
  std::optional<double> discount{};  // a number in [0, 1], not a string
  boost::json::value overrides{};    // [{min_prompt_tokens?, utc_start?, utc_end?, <prices>...}]
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(model_pricing);

struct top_provider_info {
  std::optional<std::int64_t> context_length{};
  std::optional<std::int64_t> max_completion_tokens{};
  std::optional<bool> is_moderated{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(top_provider_info);

struct request_limits {
  std::optional<double> prompt_tokens{};
  std::optional<double> completion_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(request_limits);

struct model_links {
  std::optional<std::string> details{};  // "/api/v1/models/<id>/endpoints"
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(model_links);

struct model {
  std::string id{};  // routable id, e.g. "openai/gpt-4o-mini": store this, not name
  std::string canonical_slug{};
  std::optional<std::string> hugging_face_id{};
  std::string name{};
  std::optional<std::int64_t> created{};
  std::optional<std::string> description{};
  std::optional<std::int64_t> context_length{};
  std::optional<model_architecture> architecture{};
  std::optional<model_pricing> pricing{};
  std::optional<top_provider_info> top_provider{};
  std::optional<request_limits> per_request_limits{};
  std::vector<std::string> supported_parameters{};
  boost::json::value default_parameters{};  // {temperature?, top_p?, ...}, values nullable
  std::vector<std::string> supported_voices{};
  boost::json::value reasoning{};  // {mandatory, supported_efforts?, default_effort?, ...}
  std::optional<std::string> expiration_date{};  // YYYY-MM-DD
  std::optional<std::string> knowledge_cutoff{};  // YYYY-MM-DD
  std::optional<model_links> links{};
  boost::json::object extra{};  // alias_target, benchmarks, ...
};
OPENROUTER_WIRE_JSON_CONVERSIONS(model);
/// GET /model/{author}/{slug} answers {data: model}; a bare model object is accepted too.
void parse_data(std::string_view json, model& out, decode_error& err);

/// Free-model predicate of the reference, taken literally: every one of pricing.prompt,
/// completion, request and image that is present equals the string "0". Consequences: "0.0" is
/// not "0" (not free), "-1" is not free, and a model with none of the four prices (or no pricing
/// at all) is vacuously free; the spec requires prompt and completion, so only malformed entries
/// reach that case.
bool is_free(const model& m) noexcept;

struct page_links {
  std::optional<std::string> next{};  // null on the last page
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(page_links);

/// GET /models and /models/user. Old servers send only `data`.
struct models_page {
  std::vector<model> data{};
  std::optional<std::int64_t> total_count{};
  std::optional<page_links> links{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(models_page);

/// One provider endpoint serving a model (spec PublicEndpoint).
struct endpoint {
  std::string name{};      // "Provider: Model"
  std::string model_id{};  // permaslug
  std::string model_name{};
  std::string provider_name{};  // display name
  std::string tag{};  // routable slug for provider.order/only/ignore, e.g. deepinfra/turbo
  std::optional<std::int64_t> context_length{};
  std::optional<std::int64_t> max_completion_tokens{};
  std::optional<std::int64_t> max_prompt_tokens{};
  std::optional<std::string> quantization{};
  std::vector<std::string> supported_parameters{};
  std::optional<bool> supports_implicit_caching{};
  std::optional<bool> supports_voice_cloning{};
  std::optional<model_pricing> pricing{};
  std::optional<std::int64_t> status{};    // 0 OK; -1, -2, -3, -5, -10 degraded/down
  std::optional<double> uptime_last_5m{};  // percent
  std::optional<double> uptime_last_30m{};
  std::optional<double> uptime_last_1d{};
  std::optional<percentiles> latency_last_30m{};     // seconds
  std::optional<percentiles> throughput_last_30m{};  // tokens/s
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(endpoint);

/// GET /models/{author}/{slug}/endpoints: the `data` member (spec ListEndpointsResponse).
struct model_endpoints {
  std::string id{};
  std::string name{};
  std::optional<std::int64_t> created{};
  std::optional<std::string> description{};
  std::optional<model_architecture> architecture{};
  std::vector<endpoint> endpoints{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(model_endpoints);
/// Accepts the {data: ...} envelope or the bare object.
void parse_data(std::string_view json, model_endpoints& out, decode_error& err);

/// GET /providers entry. display_name/status/data_collection (read by some older tools, not in
/// the spec) stay in `extra`.
struct provider_info {
  std::string name{};  // display name, e.g. "OpenAI"
  std::string slug{};  // for provider.order/only/ignore
  std::optional<std::string> privacy_policy_url{};
  std::optional<std::string> terms_of_service_url{};
  std::optional<std::string> status_page_url{};
  std::optional<std::string> headquarters{};  // ISO 3166-1 alpha-2
  std::vector<std::string> datacenters{};     // ISO 3166-1 alpha-2
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(provider_info);

/// The GET /providers body: {data: [provider_info]}.
struct provider_list {
  std::vector<provider_info> data{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(provider_list);

}  // namespace openrouter::wire
