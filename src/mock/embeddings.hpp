#pragma once
// POST /embeddings and GET /embeddings/models of openrouter-mock (sans-I/O).
//
// Vectors are deterministic: each input's vector derives from a hash of the input alone, has
// `dimensions` components (default 1536) and unit length; every component is a float32 value,
// so the "float" and "base64" (little-endian float32) encodings carry the same numbers.

#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

/// Default length of a vector when the request gives no `dimensions`.
inline constexpr std::size_t default_embedding_dimensions = 1536;

http_reply handle_embeddings(mock_state& state, std::string_view body);

/// GET /embeddings/models: the catalog's models whose output is embeddings, as /models lists them.
http_reply handle_embedding_models(const mock_state& state);

}  // namespace openrouter::mock
