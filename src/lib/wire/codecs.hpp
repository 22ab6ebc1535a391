#pragma once
// The codec of every wire struct, so that any .cpp can nest any type. Each is defined next to the
// type's field description by OPENROUTER_WIRE_DEFINE_CONVERSIONS.
#include "codec.hpp"

#include <openrouter/wire/all.hpp>

namespace openrouter::wire::detail {

#define OPENROUTER_WIRE_DECLARE_CODEC(T)                                      \
  void read(const json::value& jv, T& out, decode_ctx& c);                  \
  const sax_level& sax_level_of(std::type_identity<T>, sax_tag) noexcept; \
  json::value to_value(const T& in, encode_tag)

OPENROUTER_WIRE_DECLARE_CODEC(percentiles);
// message.hpp
OPENROUTER_WIRE_DECLARE_CODEC(cache_control);
OPENROUTER_WIRE_DECLARE_CODEC(image_url_ref);
OPENROUTER_WIRE_DECLARE_CODEC(file_ref);
OPENROUTER_WIRE_DECLARE_CODEC(input_audio_ref);
OPENROUTER_WIRE_DECLARE_CODEC(video_url_ref);
OPENROUTER_WIRE_DECLARE_CODEC(content_part);
OPENROUTER_WIRE_DECLARE_CODEC(function_call);
OPENROUTER_WIRE_DECLARE_CODEC(tool_call);
OPENROUTER_WIRE_DECLARE_CODEC(image_output);
OPENROUTER_WIRE_DECLARE_CODEC(message);
// usage.hpp
OPENROUTER_WIRE_DECLARE_CODEC(prompt_token_details);
OPENROUTER_WIRE_DECLARE_CODEC(completion_token_details);
OPENROUTER_WIRE_DECLARE_CODEC(cost_breakdown);
OPENROUTER_WIRE_DECLARE_CODEC(server_tool_usage);
OPENROUTER_WIRE_DECLARE_CODEC(chat_usage);
// error_body.hpp
OPENROUTER_WIRE_DECLARE_CODEC(availability_constraint);
OPENROUTER_WIRE_DECLARE_CODEC(availability_info);
OPENROUTER_WIRE_DECLARE_CODEC(moderation_info);
OPENROUTER_WIRE_DECLARE_CODEC(api_error);
OPENROUTER_WIRE_DECLARE_CODEC(error_body);
// chat_request.hpp
OPENROUTER_WIRE_DECLARE_CODEC(function_def);
OPENROUTER_WIRE_DECLARE_CODEC(tool);
OPENROUTER_WIRE_DECLARE_CODEC(json_schema_spec);
OPENROUTER_WIRE_DECLARE_CODEC(response_format);
OPENROUTER_WIRE_DECLARE_CODEC(reasoning_config);
OPENROUTER_WIRE_DECLARE_CODEC(max_price);
OPENROUTER_WIRE_DECLARE_CODEC(sort_config);
OPENROUTER_WIRE_DECLARE_CODEC(provider_preferences);
OPENROUTER_WIRE_DECLARE_CODEC(chat_request);
// chat_response.hpp
OPENROUTER_WIRE_DECLARE_CODEC(chat_choice);
OPENROUTER_WIRE_DECLARE_CODEC(chat_response);
// chat_chunk.hpp
OPENROUTER_WIRE_DECLARE_CODEC(function_delta);
OPENROUTER_WIRE_DECLARE_CODEC(tool_call_delta);
OPENROUTER_WIRE_DECLARE_CODEC(chunk_delta);
OPENROUTER_WIRE_DECLARE_CODEC(chunk_choice);
OPENROUTER_WIRE_DECLARE_CODEC(chat_chunk);
// models.hpp
OPENROUTER_WIRE_DECLARE_CODEC(model_architecture);
OPENROUTER_WIRE_DECLARE_CODEC(model_pricing);
OPENROUTER_WIRE_DECLARE_CODEC(top_provider_info);
OPENROUTER_WIRE_DECLARE_CODEC(request_limits);
OPENROUTER_WIRE_DECLARE_CODEC(model_links);
OPENROUTER_WIRE_DECLARE_CODEC(model);
OPENROUTER_WIRE_DECLARE_CODEC(page_links);
OPENROUTER_WIRE_DECLARE_CODEC(models_page);
OPENROUTER_WIRE_DECLARE_CODEC(endpoint);
OPENROUTER_WIRE_DECLARE_CODEC(model_endpoints);
OPENROUTER_WIRE_DECLARE_CODEC(provider_info);
OPENROUTER_WIRE_DECLARE_CODEC(provider_list);
// generation.hpp
OPENROUTER_WIRE_DECLARE_CODEC(provider_response);
OPENROUTER_WIRE_DECLARE_CODEC(generation);
// key.hpp
OPENROUTER_WIRE_DECLARE_CODEC(key_info);
OPENROUTER_WIRE_DECLARE_CODEC(credits);
// embeddings.hpp
OPENROUTER_WIRE_DECLARE_CODEC(embeddings_request);
OPENROUTER_WIRE_DECLARE_CODEC(embedding);
OPENROUTER_WIRE_DECLARE_CODEC(embeddings_token_details);
OPENROUTER_WIRE_DECLARE_CODEC(embeddings_usage);
OPENROUTER_WIRE_DECLARE_CODEC(embeddings_response);
// activity.hpp
OPENROUTER_WIRE_DECLARE_CODEC(activity_item);
OPENROUTER_WIRE_DECLARE_CODEC(activity);
OPENROUTER_WIRE_DECLARE_CODEC(models_count);
OPENROUTER_WIRE_DECLARE_CODEC(zdr_endpoints);
OPENROUTER_WIRE_DECLARE_CODEC(generation_output);
OPENROUTER_WIRE_DECLARE_CODEC(generation_content);
// responses.hpp
OPENROUTER_WIRE_DECLARE_CODEC(responses_request);
OPENROUTER_WIRE_DECLARE_CODEC(response_content);
OPENROUTER_WIRE_DECLARE_CODEC(response_output_item);
OPENROUTER_WIRE_DECLARE_CODEC(responses_input_tokens_details);
OPENROUTER_WIRE_DECLARE_CODEC(responses_output_tokens_details);
OPENROUTER_WIRE_DECLARE_CODEC(responses_cost_details);
OPENROUTER_WIRE_DECLARE_CODEC(responses_usage);
OPENROUTER_WIRE_DECLARE_CODEC(responses_error);
OPENROUTER_WIRE_DECLARE_CODEC(responses_response);
OPENROUTER_WIRE_DECLARE_CODEC(responses_event);
// api_keys.hpp
OPENROUTER_WIRE_DECLARE_CODEC(api_key);
OPENROUTER_WIRE_DECLARE_CODEC(api_key_list);
OPENROUTER_WIRE_DECLARE_CODEC(api_key_external);
OPENROUTER_WIRE_DECLARE_CODEC(api_key_create);
OPENROUTER_WIRE_DECLARE_CODEC(created_api_key);
OPENROUTER_WIRE_DECLARE_CODEC(api_key_update);
OPENROUTER_WIRE_DECLARE_CODEC(api_key_deleted);
// presets.hpp
OPENROUTER_WIRE_DECLARE_CODEC(preset_version);
OPENROUTER_WIRE_DECLARE_CODEC(preset);
OPENROUTER_WIRE_DECLARE_CODEC(preset_list);
OPENROUTER_WIRE_DECLARE_CODEC(preset_version_list);

// rerank.hpp, images.hpp, audio.hpp
OPENROUTER_WIRE_DECLARE_CODEC(rerank_document);
OPENROUTER_WIRE_DECLARE_CODEC(rerank_request);
OPENROUTER_WIRE_DECLARE_CODEC(rerank_result);
OPENROUTER_WIRE_DECLARE_CODEC(rerank_usage);
OPENROUTER_WIRE_DECLARE_CODEC(rerank_response);
OPENROUTER_WIRE_DECLARE_CODEC(image_generation_request);
OPENROUTER_WIRE_DECLARE_CODEC(generated_image);
OPENROUTER_WIRE_DECLARE_CODEC(image_generation_usage);
OPENROUTER_WIRE_DECLARE_CODEC(image_generation_response);
OPENROUTER_WIRE_DECLARE_CODEC(image_model);
OPENROUTER_WIRE_DECLARE_CODEC(image_models);
OPENROUTER_WIRE_DECLARE_CODEC(speech_request);
OPENROUTER_WIRE_DECLARE_CODEC(transcription_segment);
OPENROUTER_WIRE_DECLARE_CODEC(transcription_word);
OPENROUTER_WIRE_DECLARE_CODEC(transcription_usage);
OPENROUTER_WIRE_DECLARE_CODEC(transcription);
// messages.hpp
OPENROUTER_WIRE_DECLARE_CODEC(messages_content_block);
OPENROUTER_WIRE_DECLARE_CODEC(messages_message);
OPENROUTER_WIRE_DECLARE_CODEC(messages_request);
OPENROUTER_WIRE_DECLARE_CODEC(messages_usage);
OPENROUTER_WIRE_DECLARE_CODEC(messages_response);
OPENROUTER_WIRE_DECLARE_CODEC(messages_error);
OPENROUTER_WIRE_DECLARE_CODEC(messages_delta);
OPENROUTER_WIRE_DECLARE_CODEC(messages_event);

#undef OPENROUTER_WIRE_DECLARE_CODEC

}  // namespace openrouter::wire::detail
