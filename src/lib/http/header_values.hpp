#pragma once
// The one place where numbers a server sends in headers (and error bodies) become waiting
// times and counters. Every parse is strict (no trailing garbage, no sign, no exponent, no
// inf/nan) and every waiting time is clamped to [0, max_server_wait] before any conversion to
// an integer type, so no server value can cause undefined behaviour or an absurd wait.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openrouter::detail {

/// The longest waiting time a server can ask for: 24 hours. Longer values (Retry-After of a
/// year, 1e30 seconds in an error body) are clamped to it; the router then applies its own,
/// smaller caps (backoff.retry_after_cap, breaker.max_open_for).
inline constexpr std::chrono::milliseconds max_server_wait{std::chrono::hours(24)};

/// Counters (X-RateLimit-Limit/-Remaining) above this are refused as nonsense.
inline constexpr std::int64_t max_header_integer = 1'000'000'000'000'000;  // 1e15

/// Seconds as a double (e.g. error.availability.retry_after from a JSON body) as a waiting
/// time in [0, max_server_wait]: nullopt for NaN and negative values, the cap for +inf and for
/// anything larger than it.
std::optional<std::chrono::milliseconds> clamp_wait_seconds(double seconds) noexcept;

/// A waiting time clamped to [0, max_server_wait].
std::chrono::milliseconds clamp_wait(std::chrono::milliseconds d) noexcept;

/// Retry-After (RFC 9110 §10.2.3): delta-seconds (digits; OpenRouter's decimal fraction
/// "1.5" is accepted too) or an HTTP-date (IMF-fixdate, RFC 850 or asctime), the latter
/// relative to `now` (a date in the past waits 0). Surrounding spaces/tabs are ignored;
/// anything else (a sign, an exponent, "inf", "120abc", an empty value, an invalid date) gives
/// nullopt. The result is always within [0, max_server_wait].
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v,
                                                           std::chrono::system_clock::time_point now) noexcept;

/// A non-negative decimal integer: digits only (surrounding spaces/tabs ignored), at most
/// max_header_integer; else nullopt.
std::optional<std::int64_t> parse_header_integer(std::string_view v) noexcept;

/// X-RateLimit-Reset: seconds or milliseconds since the epoch (values above 1e12 are
/// milliseconds, as OpenRouter sends them). The result is clamped to at most
/// now + max_server_wait (a reset in the past stays in the past); nullopt when the value is
/// not an integer per parse_header_integer.
std::optional<std::chrono::system_clock::time_point> parse_rate_limit_reset(
    std::string_view v, std::chrono::system_clock::time_point now) noexcept;

/// An HTTP-date in any of the three formats of RFC 9110 §5.6.7 (RFC 850's two-digit year is
/// taken as the latest year, relative to `now`, that is not more than 50 years ahead).
/// nullopt unless the whole value is a valid date (day names and month lengths are checked).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view v,
                                                                     std::chrono::system_clock::time_point now) noexcept;

/// The IMF-fixdate of `t` (whole seconds), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::chrono::system_clock::time_point t);

}  // namespace openrouter::detail
