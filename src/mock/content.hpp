#pragma once
// Deterministic content for openrouter-mock: generated words, JSON instances of a JSON Schema
// (structured outputs, tool arguments), a small valid PNG. Sans-I/O.

#include <boost/json/value.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace openrouter::mock {

/// FNV-1a, for seeding content from prompts.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) noexcept;
/// splitmix64 finaliser: a well-mixed 64-bit value from any input.
std::uint64_t mix(std::uint64_t x) noexcept;

/// Token `i` of the deterministic answer seeded by `seed`: a word, with a leading space for
/// every token but the first.
std::string token_text(std::uint64_t seed, std::size_t i);

/// A schema whose smallest instance exceeds what the mock generates: more than
/// `max_instance_values` values or `max_instance_string_bytes` bytes of strings in all.
struct instance_too_large : std::runtime_error {
  using std::runtime_error::runtime_error;
};
inline constexpr std::size_t max_instance_values = 100'000;
inline constexpr std::size_t max_instance_string_bytes = 1u << 20;

/// A JSON value valid against `schema` (type, properties, required, items, enum, const,
/// anyOf/oneOf/allOf, $ref into `root`, numeric and string bounds, min/maxItems). Throws
/// instance_too_large when the schema asks for more than the bounds above.
boost::json::value instance_of(const boost::json::value& schema, const boost::json::value& root,
                               std::uint64_t seed);

/// "data:image/png;base64,..." of a small valid PNG whose pixels derive from `seed`.
std::string png_data_url(std::uint64_t seed);

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace openrouter::mock
