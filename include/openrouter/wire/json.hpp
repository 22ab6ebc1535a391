#pragma once
// Shared vocabulary of the wire types: decode errors, numeric-aware JSON equality, and the set of
// conversion functions every wire type gets (declared by OPENROUTER_WIRE_JSON_CONVERSIONS).
//
// Conventions shared by every type in openrouter::wire:
// - Encoding omits unset members: std::nullopt, empty strings/vectors/objects and null json values
//   are not written (OpenRouter forwards explicit nulls upstream, so "absent" must stay absent).
// - Decoding is lenient: unknown keys land in the type's `extra` object; a modeled key whose value
//   leaves the member unset (an explicit null, "" or []) is also kept in `extra`, so that
//   serialize(parse(x)) reproduces x. Typed members win over `extra` keys of the same name.
// - A modeled key holding the wrong JSON kind is an error (decode_error names the field); no
//   exception escapes from_json/parse except std::bad_alloc.
// - Doubles with an integral value are written as JSON integers ("temperature":1, not 1E0).
#include <boost/json/conversion.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace openrouter::wire {

/// Why a JSON text could not be decoded into a wire type.
enum class decode_errc {
  invalid_json = 1,  ///< the text is not well-formed JSON
  expected_object,   ///< the value must be a JSON object
  expected_array,    ///< the value must be a JSON array
  expected_string,   ///< the value must be a JSON string
  expected_number,   ///< the value must be a JSON number
  expected_integer,  ///< the value must be an integral number
  expected_bool,     ///< the value must be true or false
  unexpected_kind,   ///< none of the shapes the field accepts (e.g. "string or array")
  out_of_range,      ///< an integer that does not fit std::int64_t
  invalid_base64,    ///< a base64 member that is not valid base64
  bad_vector_length, ///< base64 vector data that is not a whole number of float32 values
};

const boost::system::error_category& decode_category() noexcept;
boost::system::error_code make_error_code(decode_errc e) noexcept;

/// The outcome of a decode: an error code plus where in the document it happened.
struct decode_error {
  boost::system::error_code code{};
  /// JSON path of the offending value, e.g. "choices[0].message.content"; empty when the
  /// document itself is at fault (not JSON, not an object).
  std::string field{};

  /// True when decoding failed.
  explicit operator bool() const noexcept { return code.failed(); }
  /// "expected a JSON string at choices[0].message.content"
  std::string message() const;
};

/// JSON equality as JSON defines numbers: 1, 1.0 and 1u compare equal, exactly (2^53 + 1 and
/// 2^53.0 do not); objects compare regardless of key order. (boost::json::value's operator==
/// treats 1 and 1.0 as different.) The one JSON equality of the library: the schema validator's
/// `enum`, `const` and `uniqueItems` use it too.
bool same_json(const boost::json::value& a, const boost::json::value& b) noexcept;
/// The same, looking no deeper than `max_depth` levels: deeper, `too_deep` is set and the
/// result is false.
bool same_json(const boost::json::value& a, const boost::json::value& b, std::size_t max_depth,
               bool& too_deep) noexcept;
/// The exact order of two JSON numbers (int64, uint64, double, mixed; an integer is never
/// converted to double): -1, 0 or 1. NaN (which no parsed document holds) compares unequal.
int compare_numbers(const boost::json::value& a, const boost::json::value& b) noexcept;

/// Whether every number in `v` is finite. Boost.JSON reads a number beyond the range of double
/// (1e400) as infinity, which it would write back as `Infinity`, not JSON: every decoder of this
/// library refuses such a document as invalid JSON.
bool all_finite(const boost::json::value& v) noexcept;

}  // namespace openrouter::wire

template <>
struct boost::system::is_error_code_enum<openrouter::wire::decode_errc> : std::true_type {};

/// Declares the conversions of wire type T (defined in src/lib/wire/, never in headers):
/// - boost::json::value_from(t)                  -> the JSON value (Boost.JSON tag_invoke)
/// - boost::json::try_value_to<T>(jv)            -> boost::system::result<T> (and the throwing
///                                                  boost::json::value_to<T>(jv))
/// - from_json(jv, t, err)                       -> non-throwing decode with the failing field
/// - parse(text, t, err)                         -> parse + decode, invalid JSON included
/// - serialize(t)                                -> the JSON text
/// - json_keys(std::type_identity<T>{})          -> the JSON keys T models (contract tests)
#define OPENROUTER_WIRE_JSON_CONVERSIONS(T)                                                   \
  void tag_invoke(::boost::json::value_from_tag, ::boost::json::value& jv, const T& v);       \
  ::boost::system::result<T> tag_invoke(::boost::json::try_value_to_tag<T>,                   \
                                        const ::boost::json::value& jv);                       \
  void from_json(const ::boost::json::value& jv, T& out, ::openrouter::wire::decode_error& err); \
  void parse(std::string_view json, T& out, ::openrouter::wire::decode_error& err);            \
  std::string serialize(const T& v);                                                           \
  std::span<const std::string_view> json_keys(std::type_identity<T>) noexcept
