#pragma once
// The SAX decoder behind detail::parse() (private; included by codec.hpp only). It decodes JSON
// text straight into a wire struct, without building the document first, driven by a table that
// is derived from the struct's field tuple (the same one the DOM decoder walks), so the two cannot
// disagree on keys, requiredness or member types.
//
// The DOM decoder stays the definition. Natively, this decoder takes objects into struct members
// (T, optional<T>, vector<T>), strings, integers, numbers, booleans and nulls into the scalar
// members, and reproduces the DOM decoder's `extra` rules (unknown keys, and modeled keys whose
// value leaves the member unset: null, "" for a plain string, [] for a vector, kept in document
// order). Every other value (a member of another type, a custom codec, a kind the member does not
// take natively: a double for an integer, an array for a message's content...) is built as a JSON
// value and handed to the member's own DOM read(). sax_parse() returns false for what it cannot
// decide alone (invalid JSON, a decode error, a duplicate key, a non-finite number): the caller
// then runs the DOM decoder, which defines the result and the error.
#include <boost/json/fwd.hpp>

#include <cstdint>
#include <string_view>

namespace openrouter::wire::detail {

struct sax_level;

/// How the decoder writes a member natively (every kind falls back to `decode` for other values).
enum class sax_kind : std::uint8_t {
  other,         // only through `decode`
  string,        // std::string
  opt_string,    // std::optional<std::string>
  text_variant,  // std::optional<std::variant<std::string, ...>>: strings natively
  int64,         // std::int64_t
  opt_int64,     // std::optional<std::int64_t>
  number,        // double
  opt_number,    // std::optional<double>
  boolean,       // bool
  opt_boolean,   // std::optional<bool>
  value,         // boost::json::value (opaque: built as a value and moved in)
  object,        // a wire struct
  opt_object,    // std::optional of a wire struct
  object_array,  // std::vector of a wire struct
};

struct sax_field {
  std::string_view key;
  bool required;  // as in the field tuple: a required member never goes to `extra`
  sax_kind kind;
  const void* field;                     // the codec's field<S, M, Codec>
  void* (*member)(void* owner, const void* field);
  /// The DOM decode of this member from `jv`, with decode_field's `extra` rule; false on a decode
  /// error or when `extra` already holds the key.
  bool (*decode)(const boost::json::value& jv, void* owner, const void* field);
  /// Struct kinds: the element to decode into (the member, its emplaced optional, a new last
  /// element of the vector) and its table.
  void* (*open)(void* member);
  const sax_level& (*child)() noexcept;
  /// text_variant: emplace the string alternative.
  void* (*text)(void* member);
};

struct sax_level {
  const sax_field* fields;
  std::size_t size;
  boost::json::object& (*extra)(void* owner);
};

/// Decodes `json` into `*out`, a freshly constructed struct described by `level`. False: the
/// caller must run the DOM decoder (`*out` is then half-written).
bool sax_parse(std::string_view json, const sax_level& level, void* out);

}  // namespace openrouter::wire::detail
