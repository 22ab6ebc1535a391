#pragma once
// JSON helpers with the semantics JSON Schema wants: numbers compare by value across int64,
// uint64 and double (1 == 1.0), strings have a length in code points, and every recursive
// walk over a value has a depth budget (a value nested deeper raises detail::eval_failure).

#include <openrouter/wire/json.hpp>

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace openrouter::schema::detail {

using wire::compare_numbers;  // exact: int64, uint64 and double mixed

/// Whether a number is integral (1.0 is; 1e300 is too).
bool is_integral(const boost::json::value& v) noexcept;

/// Whether `a` is a multiple of `divisor` (> 0): exact for integers, for other numbers up to
/// the rounding error of the division (0.0075 is a multiple of 0.0001).
bool is_multiple_of(const boost::json::value& a, const boost::json::value& divisor) noexcept;

/// JSON equality (objects unordered, 1 == 1.0). Throws eval_failure (too_deep) past max_depth.
bool json_equal(const boost::json::value& a, const boost::json::value& b, std::size_t max_depth);

/// A hash consistent with json_equal.
std::size_t json_hash(const boost::json::value& v, std::size_t max_depth);

/// Nesting depth of a value (a scalar is 1), counting no further than `limit` + 1.
std::size_t json_depth(const boost::json::value& v, std::size_t limit);

/// Unicode code points of a UTF-8 string (continuation bytes are not counted).
std::size_t code_points(std::string_view utf8) noexcept;

/// "integer", "number", "string", ... as the `type` keyword names it (integral doubles are "number").
const char* type_name(const boost::json::value& v) noexcept;

/// A short rendering of a value for messages: serialized, cut at `max` bytes with "...".
std::string preview(const boost::json::value& v, std::size_t max = 60);

/// JSON Pointer token escaping: ~ -> ~0, / -> ~1.
void append_pointer_token(std::string& out, std::string_view token);

}  // namespace openrouter::schema::detail
