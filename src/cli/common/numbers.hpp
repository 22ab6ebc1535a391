#pragma once
// Numbers from the command line, strictly: the whole text is the number (no sign where none is
// allowed, no blanks, no trailing garbage, no hexadecimal), and overflow is a failure, never a
// wrap. Range checks are the caller's (context.hpp names the option in the message). Sans-I/O.

#include <cstdint>
#include <optional>
#include <string_view>

namespace openrouter::cli::numbers {

/// A decimal integer, optionally negative ("-12"); nullopt on anything else or out of range.
std::optional<std::int64_t> parse_int(std::string_view text) noexcept;
/// A decimal integer without a sign; nullopt on anything else or out of range.
std::optional<std::uint64_t> parse_uint(std::string_view text) noexcept;
/// A decimal real ("1.5", "-2", "1e-3", "inf", "nan"); nullopt on anything else, on a value too
/// large for a double ("1e400") and on "0x..". Infinities and NaN are returned: callers reject
/// them unless they mean something.
std::optional<double> parse_real(std::string_view text) noexcept;

}  // namespace openrouter::cli::numbers
