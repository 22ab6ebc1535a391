// libFuzzer target for the header values a server sends (src/lib/http/header_values.cpp):
// Retry-After, X-RateLimit-Limit/-Remaining/-Reset, HTTP-dates and the availability.retry_after
// seconds of an error body.
//
// The input is the header value; its first 8 bytes (when there are) are also read as a double
// (the JSON number path). Properties:
// - every waiting time is within [0, max_server_wait] (24 h), whatever the input: no overflow,
//   no UB on 1e30, inf, nan, huge digit strings (UBSan checks the casts);
// - integers are digits only and within [0, max_header_integer]; a reset is never later than
//   now + max_server_wait;
// - round trips: a delta-seconds value formatted from the input parses back to itself, and
//   an IMF-fixdate formatted from a time point derived from the input parses back to it (also
//   as a Retry-After, as the distance from now).
#include "fuzz_common.hpp"

#include "../../src/lib/http/header_values.hpp"

#include <chrono>
#include <algorithm>
#include <cstring>

namespace openrouter::fuzz::header_values {

namespace chr = std::chrono;
using detail::max_server_wait;

inline bool in_range(chr::milliseconds d) { return d.count() >= 0 && d <= max_server_wait; }

inline std::string check(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  const std::string in = " input: " + printable(text);
  // A fixed "now" (2026-01-01T00:00:00Z), so that a finding replays the same way.
  const chr::system_clock::time_point now{chr::seconds(1'767'225'600)};

  if (auto d = detail::parse_retry_after(text, now); d && !in_range(*d))
    return "Retry-After out of range: " + std::to_string(d->count()) + " ms." + in;
  if (auto n = detail::parse_header_integer(text); n && (*n < 0 || *n > detail::max_header_integer))
    return "integer out of range: " + std::to_string(*n) + "." + in;
  if (auto n = detail::parse_header_integer(text)) {
    for (char c : text)
      if (c != ' ' && c != '\t' && (c < '0' || c > '9')) return "an integer with a non-digit was accepted." + in;
  }
  if (auto r = detail::parse_rate_limit_reset(text, now); r && *r > now + max_server_wait)
    return "reset beyond now + cap." + in;
  (void)detail::parse_http_date(text, now);

  std::uint64_t bits = 0;
  std::memcpy(&bits, data, std::min<std::size_t>(size, sizeof bits));
  double secs = 0;
  std::memcpy(&secs, &bits, sizeof secs);
  if (auto d = detail::clamp_wait_seconds(secs); d && !in_range(*d))
    return "clamp_wait_seconds out of range: " + std::to_string(d->count()) + " ms.";

  // Round trip of delta-seconds: any integer up to the cap (in seconds).
  const std::int64_t cap_s = max_server_wait.count() / 1000;
  const std::int64_t n = static_cast<std::int64_t>(bits % static_cast<std::uint64_t>(cap_s + 1));
  auto back = detail::parse_retry_after(std::to_string(n), now);
  if (!back || back->count() != n * 1000) return "delta-seconds " + std::to_string(n) + " did not round-trip.";

  // Round trip of an IMF-fixdate within a century around now.
  const std::int64_t off = static_cast<std::int64_t>(bits % (100ull * 365 * 86400)) - 50ll * 365 * 86400;
  const chr::system_clock::time_point t = now + chr::seconds(off);
  const std::string date = detail::format_http_date(t);
  auto parsed = detail::parse_http_date(date, now);
  if (!parsed || *parsed != t) return "IMF-fixdate \"" + date + "\" did not round-trip.";
  auto wait = detail::parse_retry_after(date, now);
  auto expect = off <= 0 ? chr::milliseconds(0) : std::min<chr::milliseconds>(chr::seconds(off), max_server_wait);
  if (!wait || *wait != expect) return "Retry-After \"" + date + "\" is not its distance from now.";
  return {};
}

}  // namespace openrouter::fuzz::header_values

OPENROUTER_FUZZ_TARGET("header_values_fuzz", openrouter::fuzz::header_values::check)
