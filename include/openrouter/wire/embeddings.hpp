#pragma once
// POST /embeddings (request and response) and the answer of GET /embeddings/models (a
// models_page, see models.hpp).
//
// The response's vectors are always floats: a base64 answer (encoding_format "base64",
// little-endian float32, the compact wire form) is decoded on parse, so the caller never sees
// the encoding. Invalid base64 or a byte count that is not a multiple of 4 is a decode error
// (decode_errc::invalid_base64 / bad_vector_length), never a partial vector.
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/usage.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// `input`: one text, a batch of texts, or any other shape of the spec kept as raw JSON (token
/// ids [1,2,3], batches of token ids, multimodal [{content:[...]}]).
using embeddings_input = std::variant<std::string, std::vector<std::string>, boost::json::value>;

struct embeddings_request {
  std::string model{};
  embeddings_input input{std::vector<std::string>{}};
  std::optional<std::string> encoding_format{};  ///< "float" or "base64" (async_embeddings' default)
  std::optional<std::int64_t> dimensions{};      ///< models with Matryoshka embeddings
  std::optional<std::string> input_type{};       ///< e.g. "search_query" (provider-specific)
  std::optional<provider_preferences> provider{};
  std::optional<std::string> user{};
  boost::json::object extra{};

  /// How many vectors the answer must carry: 1 for a text, the size of a batch; nullopt for
  /// a raw input (not counted).
  std::optional<std::size_t> input_count() const noexcept;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(embeddings_request);

struct embedding {
  std::string object{};          ///< "embedding"
  std::vector<float> embedding{};  ///< decoded from base64 when the server sent it so
  std::optional<std::int64_t> index{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(embedding);

struct embeddings_token_details {
  std::optional<std::int64_t> text_tokens{};
  std::optional<std::int64_t> image_tokens{};
  std::optional<std::int64_t> audio_tokens{};
  std::optional<std::int64_t> video_tokens{};
  std::optional<std::int64_t> file_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(embeddings_token_details);

struct embeddings_usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<double> cost{};  ///< credits (USD) charged
  std::optional<bool> is_byok{};
  std::optional<cost_breakdown> cost_details{};
  std::optional<embeddings_token_details> prompt_tokens_details{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(embeddings_usage);

struct embeddings_response {
  std::string id{};
  std::string object{};  ///< "list"
  std::vector<embedding> data{};
  std::string model{};
  std::optional<embeddings_usage> usage{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(embeddings_response);

/// Decodes standard base64 (RFC 4648, padding optional) of little-endian float32 values.
/// false (and `out` empty) on invalid base64 or a byte count that is not a multiple of 4;
/// `err` says which.
bool decode_base64_floats(std::string_view b64, std::vector<float>& out, decode_errc& err);

}  // namespace openrouter::wire
