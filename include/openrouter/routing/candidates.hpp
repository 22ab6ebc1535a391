#pragma once
// Catalog-aware candidates, sans-I/O: which of a policy's models can serve a request at all,
// judged from the catalog (GET /models): input modalities the messages use (image, file, audio,
// video), output modalities asked for (`modalities`), parameters the request depends on
// (tools, tool_choice, response_format / structured_outputs, reasoning), and a context length
// that fits a rough estimate of the prompt. A model missing from the catalog is kept (the
// catalog may lag; the server will say). Dropping a fallback here saves a doomed attempt.

#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/audio.hpp>
#include <openrouter/wire/embeddings.hpp>
#include <openrouter/wire/images.hpp>
#include <openrouter/wire/messages.hpp>
#include <openrouter/wire/rerank.hpp>
#include <openrouter/wire/responses.hpp>
#include <openrouter/wire/models.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace openrouter::routing {

/// What a request needs from a model.
struct requirements {
  std::vector<std::string> input_modalities;   ///< beyond text: image, file, audio, video
  std::vector<std::string> output_modalities;  ///< from request.modalities (e.g. image)
  std::vector<std::string> parameters;         ///< tools, response_format, structured_outputs, ...
  std::int64_t prompt_tokens_estimate = 0;     ///< characters / 4 of the text parts, plus max_tokens
};

requirements requirements_of(const wire::chat_request& req);
/// A Responses API request's: input parts (input_image, input_file, input_audio), function
/// tools, a json_schema text format, reasoning, and the text of its input and instructions.
requirements requirements_of(const wire::responses_request& req);
/// An Anthropic Messages request's: image and document blocks, tools, thinking (reasoning),
/// the text of its messages and system prompt plus max_tokens.
requirements requirements_of(const wire::messages_request& req);

struct dropped_candidate {
  std::string model;
  std::string why;  ///< e.g. "no input modality image", "context 8192 < ~12000 tokens"
};

struct filtered_candidates {
  std::vector<std::string> kept;
  std::vector<dropped_candidate> dropped;
};

/// Keeps the order of `candidates`.
filtered_candidates filter_candidates(const std::vector<std::string>& candidates, const requirements& need,
                                      const wire::models_page& catalog);

struct policy;

/// The request one attempt sends: `base` for `model` (empty: base's own); with
/// policy.server_side_fallback, the candidates after it as `models` (OpenRouter falls back
/// itself); with policy.require_parameters and tools or a response format,
/// provider.require_parameters unless the caller set it (only providers that honour them).
wire::chat_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                   const std::string& model, const wire::chat_request& base);
/// The same for the Responses API (`models` and provider.require_parameters alike: tools or a
/// text format count as parameters the provider must honour).
wire::responses_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                        const std::string& model, const wire::responses_request& base);
/// The same for the Messages API (tools count as parameters the provider must honour).
wire::messages_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                       const std::string& model, const wire::messages_request& base);
/// The same for embeddings, rerank, image generation and audio: the model only (these endpoints have
/// no `models` list, and nothing for require_parameters to protect).
wire::embeddings_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                         const std::string& model, const wire::embeddings_request& base);
wire::rerank_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                     const std::string& model, const wire::rerank_request& base);
wire::image_generation_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                               const std::string& model, const wire::image_generation_request& base);
wire::transcription_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                            const std::string& model, const wire::transcription_request& base);
wire::speech_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                     const std::string& model, const wire::speech_request& base);

}  // namespace openrouter::routing
