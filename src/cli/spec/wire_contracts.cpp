#include "wire_contracts.hpp"

#include <openrouter/wire/all.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <utility>

namespace openrouter::cli::spec {
namespace {

using namespace openrouter::wire;
namespace json = boost::json;

/// Whether T's decoder takes `value` for member `key`: decode {key: value} and see whether
/// the failure (if any) is a wrong kind at exactly that member. Failures deeper inside (a
/// nested object's missing member) or elsewhere (another required member) say nothing about
/// the kind.
template <class T>
bool accepts(std::string_view key, const json::value& value) {
  json::object o;
  o[key] = value;
  T out;
  decode_error err;
  from_json(o, out, err);
  return !err || err.field != key;
}

template <class T>
wire_contract entry(std::string_view name, std::string_view root, std::vector<std::string_view> steps,
                    std::vector<std::string_view> allowed) {
  return {name, json_keys(std::type_identity<T>{}), root, std::move(steps), std::move(allowed), &accepts<T>};
}

constexpr std::string_view chat_request_schema = "/components/schemas/ChatRequest";
constexpr std::string_view chat_result_schema = "/components/schemas/ChatResult";
constexpr std::string_view chunk_schema = "/components/schemas/ChatStreamChunk";
constexpr std::string_view usage_schema = "/components/schemas/ChatUsage";
constexpr std::string_view model_schema = "/components/schemas/Model";
constexpr std::string_view k_embeddings_200 =
    "/paths/~1embeddings/post/responses/200/content/application~1json/schema";

constexpr std::string_view k_rerank_200 = "/paths/~1rerank/post/responses/200/content/application~1json/schema";
constexpr std::string_view k_images_usage = "/components/schemas/ImageGenerationUsage";
constexpr std::string_view k_stt_response = "/components/schemas/STTResponse";

constexpr std::string_view k_responses_request = "/components/schemas/ResponsesRequest";
constexpr std::string_view k_responses_result = "/components/schemas/OpenResponsesResult";
constexpr std::string_view k_responses_usage = "/components/schemas/Usage";
constexpr std::string_view k_stream_events = "/components/schemas/StreamEvents";

constexpr std::string_view k_messages_request = "/components/schemas/MessagesRequest";
constexpr std::string_view k_messages_result = "/components/schemas/MessagesResult";
constexpr std::string_view k_messages_events = "/components/schemas/MessagesStreamEvents";

const std::vector<wire_contract>& contracts_table() {
  static const std::vector<wire_contract> all = {
      // request (§2). Docs-only request fields: reference §2.1 (verbosity, web_search_options,
      // include_reasoning), §2.8 (audio output), legacy transforms and usage.
      entry<chat_request>("chat_request", chat_request_schema, {},
       {"audio", "verbosity", "web_search_options", "include_reasoning", "transforms", "usage"}),
      // annotations go back on assistant messages for PDF re-use (§2.2, docs)
      entry<message>("message", chat_request_schema, {"messages"}, {"annotations"}),
      entry<content_part>("content_part", chat_request_schema, {"messages", "content"}, {}),
      entry<cache_control>("cache_control", chat_request_schema, {"messages", "content", "cache_control"}, {}),
      entry<image_url_ref>("image_url_ref", chat_request_schema, {"messages", "content", "image_url"}, {}),
      entry<file_ref>("file_ref", chat_request_schema, {"messages", "content", "file"}, {}),
      entry<input_audio_ref>("input_audio_ref", chat_request_schema, {"messages", "content", "input_audio"}, {}),
      entry<video_url_ref>("video_url_ref", chat_request_schema, {"messages", "content", "video_url"}, {}),
      entry<tool_call>("tool_call", chat_request_schema, {"messages", "tool_calls"}, {}),
      entry<function_call>("function_call", chat_request_schema, {"messages", "tool_calls", "function"}, {}),
      // the docs show generated images as {type:"image_url", image_url:{url}}
      entry<image_output>("image_output", chat_request_schema, {"messages", "images"}, {"type"}),
      entry<tool>("tool", chat_request_schema, {"tools"}, {}),
      entry<function_def>("function_def", chat_request_schema, {"tools", "function"}, {}),
      entry<response_format>("response_format", chat_request_schema, {"response_format"}, {}),
      entry<json_schema_spec>("json_schema_spec", chat_request_schema, {"response_format", "json_schema"}, {}),
      // §2.9: the docs add max_tokens, exclude and enabled to the spec's {effort, summary}
      entry<reasoning_config>("reasoning_config", chat_request_schema, {"reasoning"},
       {"max_tokens", "exclude", "enabled"}),
      entry<provider_preferences>("provider_preferences", chat_request_schema, {"provider"}, {}),
      entry<max_price>("max_price", chat_request_schema, {"provider", "max_price"}, {}),
      entry<sort_config>("sort_config", chat_request_schema, {"provider", "sort"}, {}),
      entry<percentiles>("percentiles", chat_request_schema, {"provider", "preferred_max_latency"}, {}),

      // response (§3): provider and native_finish_reason are in the docs' examples; choices[].error
      // is documented for provider errors after partial output.
      entry<chat_response>("chat_response", chat_result_schema, {}, {"provider"}),
      entry<chat_choice>("chat_choice", chat_result_schema, {"choices"}, {"native_finish_reason", "error"}),
      entry<message>("message (response)", chat_result_schema, {"choices", "message"},
       {"annotations", "tool_call_id"}),
      entry<chat_usage>("chat_usage", usage_schema, {}, {"server_tool_use"}),  // legacy name
      entry<prompt_token_details>("prompt_token_details", usage_schema, {"prompt_tokens_details"}, {}),
      entry<completion_token_details>("completion_token_details", usage_schema,
       {"completion_tokens_details"}, {"image_tokens"}),  // §3.2 and the §3.4 example
      entry<cost_breakdown>("cost_breakdown", usage_schema, {"cost_details"}, {}),
      entry<server_tool_usage>("server_tool_usage", usage_schema, {"server_tool_use_details"}, {}),

      // stream chunk (§4.2): provider, debug, native_finish_reason, delta images/annotations are in
      // the docs; the error object gains error_type/http_status/availability (§5.1, §5.5).
      entry<chat_chunk>("chat_chunk", chunk_schema, {}, {"provider", "debug"}),
      entry<chunk_choice>("chunk_choice", chunk_schema, {"choices"}, {"native_finish_reason"}),
      entry<chunk_delta>("chunk_delta", chunk_schema, {"choices", "delta"}, {"images", "annotations"}),
      entry<tool_call_delta>("tool_call_delta", chunk_schema, {"choices", "delta", "tool_calls"}, {}),
      entry<function_delta>("function_delta", chunk_schema, {"choices", "delta", "tool_calls", "function"}, {}),
      entry<api_error>("api_error", chunk_schema, {"error"}, {"error_type", "http_status", "availability"}),
      entry<error_body>("error_body", "/components/schemas/BadRequestResponse", {}, {}),

      // catalog (§7, §9, §10)
      entry<model>("model", model_schema, {}, {}),
      entry<model_architecture>("model_architecture", model_schema, {"architecture"}, {}),
      entry<model_pricing>("model_pricing", model_schema, {"pricing"}, {}),
      entry<top_provider_info>("top_provider_info", model_schema, {"top_provider"}, {}),
      entry<request_limits>("request_limits", model_schema, {"per_request_limits"}, {}),
      entry<model_links>("model_links", model_schema, {"links"}, {}),
      entry<models_page>("models_page", "/components/schemas/ModelsListResponse", {}, {}),
      entry<page_links>("page_links", "/components/schemas/ModelsListResponse", {"links"}, {}),
      entry<endpoint>("endpoint", "/components/schemas/PublicEndpoint", {}, {}),
      entry<percentiles>("percentiles (endpoint)", "/components/schemas/PublicEndpoint", {"latency_last_30m"}, {}),
      entry<model_endpoints>("model_endpoints", "/components/schemas/ListEndpointsResponse", {}, {}),
      entry<provider_info>("provider_info",
       "/paths/~1providers/get/responses/200/content/application~1json/schema", {"data"}, {}),
      entry<provider_list>("provider_list",
       "/paths/~1providers/get/responses/200/content/application~1json/schema", {}, {}),

      // generation (§11)
      entry<generation>("generation", "/components/schemas/GenerationResponse", {"data"}, {}),
      entry<provider_response>("provider_response", "/components/schemas/GenerationResponse",
       {"data", "provider_responses"}, {}),

      // key and credits (§12, §13)
      entry<key_info>("key_info", "/paths/~1key/get/responses/200/content/application~1json/schema", {"data"}, {}),
      entry<credits>("credits", "/paths/~1credits/get/responses/200/content/application~1json/schema",
       {"data"}, {}),

      // embeddings
      entry<embeddings_request>("embeddings_request",
       "/paths/~1embeddings/post/requestBody/content/application~1json/schema", {}, {}),
      entry<embeddings_response>("embeddings_response", k_embeddings_200, {}, {}),
      entry<embedding>("embedding", k_embeddings_200, {"data"}, {}),
      entry<embeddings_usage>("embeddings_usage", k_embeddings_200, {"usage"}, {}),
      entry<embeddings_token_details>("embeddings_token_details", k_embeddings_200,
       {"usage", "prompt_tokens_details"}, {}),
      entry<cost_breakdown>("cost_breakdown (embeddings)", k_embeddings_200, {"usage", "cost_details"}, {}),

      // activity, counts, ZDR endpoints, generation content
      entry<activity>("activity", "/components/schemas/ActivityResponse", {}, {}),
      entry<activity_item>("activity_item", "/components/schemas/ActivityResponse", {"data"}, {}),
      entry<models_count>("models_count", "/components/schemas/ModelsCountResponse", {"data"}, {}),
      entry<zdr_endpoints>("zdr_endpoints",
       "/paths/~1endpoints~1zdr/get/responses/200/content/application~1json/schema", {}, {}),
      entry<generation_content>("generation_content", "/components/schemas/GenerationContentResponse", {"data"}, {}),
      entry<generation_output>("generation_output", "/components/schemas/GenerationContentResponse",
       {"data", "output"}, {}),

      // API key management (/keys): external_user and external are the official SDK's (newer)
      entry<api_key_list>("api_key_list", "/paths/~1keys/get/responses/200/content/application~1json/schema", {}, {}),
      entry<api_key>("api_key", "/paths/~1keys~1{hash}/get/responses/200/content/application~1json/schema", {"data"},
       {"external_user"}),
      entry<api_key_create>("api_key_create", "/paths/~1keys/post/requestBody/content/application~1json/schema", {},
       {"external"}),
      entry<created_api_key>("created_api_key", "/paths/~1keys/post/responses/201/content/application~1json/schema",
       {}, {}),
      entry<api_key_update>("api_key_update",
       "/paths/~1keys~1{hash}/patch/requestBody/content/application~1json/schema", {}, {}),
      entry<api_key_deleted>("api_key_deleted",
       "/paths/~1keys~1{hash}/delete/responses/200/content/application~1json/schema", {}, {}),

      // presets (/presets, /presets/{slug}, the creations, /versions[/{version}])
      entry<preset_list>("preset_list", "/components/schemas/ListPresetsResponse", {}, {}),
      entry<preset>("preset", "/components/schemas/GetPresetResponse", {"data"}, {}),
      entry<preset>("preset (created)", "/components/schemas/CreatePresetFromInferenceResponse", {"data"}, {}),
      entry<preset_version_list>("preset_version_list", "/components/schemas/ListPresetVersionsResponse", {}, {}),
      entry<preset_version>("preset_version", "/components/schemas/GetPresetVersionResponse", {"data"}, {}),

      // the Responses API (POST /responses): request, result, output items, usage, stream events
      entry<responses_request>("responses_request", k_responses_request, {}, {}),
      entry<responses_response>("responses_response", k_responses_result, {}, {}),
      entry<response_output_item>("response_output_item", k_responses_result, {"output"}, {}),
      entry<response_content>("response_content", k_responses_result, {"output", "content"}, {}),
      entry<responses_error>("responses_error", "/components/schemas/ResponsesErrorField", {}, {}),
      entry<responses_usage>("responses_usage", k_responses_usage, {}, {}),
      entry<responses_input_tokens_details>("responses_input_tokens_details", k_responses_usage,
       {"input_tokens_details"}, {}),
      entry<responses_output_tokens_details>("responses_output_tokens_details", k_responses_usage,
       {"output_tokens_details"}, {}),
      entry<responses_cost_details>("responses_cost_details", k_responses_usage, {"cost_details"}, {}),
      entry<responses_event>("responses_event", k_stream_events, {}, {}),

      // rerank, images, audio. user and session_id: members of the official SDK's requests (newer
      // than the spec); an image `url`: OpenAI-style answers.
      entry<rerank_request>("rerank_request", "/paths/~1rerank/post/requestBody/content/application~1json/schema", {},
       {"user", "session_id"}),
      entry<rerank_response>("rerank_response", k_rerank_200, {}, {}),
      entry<rerank_result>("rerank_result", k_rerank_200, {"results"}, {}),
      entry<rerank_document>("rerank_document", k_rerank_200, {"results", "document"}, {}),
      entry<rerank_usage>("rerank_usage", k_rerank_200, {"usage"}, {}),
      entry<image_generation_request>("image_generation_request", "/components/schemas/ImageGenerationRequest", {},
       {"user", "session_id"}),
      entry<image_generation_response>("image_generation_response", "/components/schemas/ImageGenerationResponse", {}, {}),
      entry<generated_image>("generated_image", "/components/schemas/ImageGenerationResponse", {"data"}, {"url"}),
      entry<image_generation_usage>("image_generation_usage", k_images_usage, {}, {}),
      entry<cost_breakdown>("cost_breakdown (images)", k_images_usage, {"cost_details"}, {}),
      entry<image_models>("image_models", "/components/schemas/ImageModelsListResponse", {}, {}),
      entry<image_model>("image_model", "/components/schemas/ImageModelListItem", {}, {}),
      entry<speech_request>("speech_request", "/components/schemas/SpeechRequest", {}, {"user", "session_id"}),
      entry<transcription>("transcription", k_stt_response, {}, {}),
      entry<transcription_segment>("transcription_segment", k_stt_response, {"segments"}, {}),
      entry<transcription_word>("transcription_word", k_stt_response, {"words"}, {}),
      entry<transcription_usage>("transcription_usage", k_stt_response, {"usage"}, {}),
      // the Messages API (POST /messages): request, message, content blocks, usage, stream events
      entry<messages_request>("messages_request", k_messages_request, {}, {}),
      entry<messages_message>("messages_message", k_messages_request, {"messages"}, {}),
      entry<messages_content_block>("messages_content_block", k_messages_request, {"messages", "content"}, {}),
      entry<messages_response>("messages_response", k_messages_result, {}, {}),
      entry<messages_usage>("messages_usage", k_messages_result, {"usage"}, {}),
      entry<messages_event>("messages_event", k_messages_events, {}, {}),
      entry<messages_delta>("messages_delta", k_messages_events, {"delta"}, {}),
      entry<messages_error>("messages_error", k_messages_events, {"error"}, {}),
  };
  return all;
}


}  // namespace

const std::vector<wire_contract>& wire_contracts() { return contracts_table(); }

std::set<std::string> accepted_types(const wire_contract& c, std::string_view key) {
  // a string member may take numeric strings only (prices): either sample will do
  static const std::array<std::pair<std::string_view, json::value>, 7> samples{{
      {"string", json::value("x")},
      {"string", json::value("1")},
      {"integer", json::value(1)},
      {"number", json::value(1.5)},
      {"boolean", json::value(true)},
      {"object", json::value(json::object{})},
      {"array", json::value(json::array{})},
  }};
  std::set<std::string> out;
  for (const auto& [type, sample] : samples)
    if (c.accepts(key, sample)) out.emplace(type);
  return out;
}

const std::vector<wire_endpoint>& wire_endpoints() {
  static const std::vector<wire_endpoint> all = {
      {"post", "/chat/completions"}, {"get", "/models"},     {"get", "/models/user"},
      {"get", "/models/{author}/{slug}/endpoints"},          {"get", "/providers"},
      {"get", "/generation"},        {"get", "/key"},
      {"post", "/embeddings"},       {"get", "/embeddings/models"}, {"get", "/credits"},
      {"get", "/activity"},          {"get", "/models/count"},      {"get", "/model/{author}/{slug}"},
      {"get", "/endpoints/zdr"},     {"get", "/generation/content"},
      {"get", "/keys"},              {"post", "/keys"},             {"get", "/keys/{hash}"},
      {"patch", "/keys/{hash}"},     {"delete", "/keys/{hash}"},
      {"post", "/rerank"},           {"post", "/images"},           {"get", "/images/models"},
      {"post", "/audio/speech"},     {"post", "/audio/transcriptions"},
      {"post", "/responses"},        {"post", "/messages"},
      {"get", "/presets"},           {"get", "/presets/{slug}"},
      {"post", "/presets/{slug}/chat/completions"}, {"post", "/presets/{slug}/messages"},
      {"post", "/presets/{slug}/responses"},        {"get", "/presets/{slug}/versions"},
      {"get", "/presets/{slug}/versions/{version}"},
  };
  return all;
}

}  // namespace openrouter::cli::spec
