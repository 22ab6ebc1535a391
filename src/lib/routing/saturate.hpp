#pragma once
// Saturating time arithmetic for the routing decisions: a duration from a server or a policy
// (a Retry-After of a year, milliseconds::max()) moves a time point at most to time_point::max()
// and never overflows. Private to src/lib/routing.

#include <chrono>

namespace openrouter::routing::detail {

using sat_clock = std::chrono::steady_clock;

/// t + d, clamped to [time_point::min(), time_point::max()]; d converted without overflow.
template <class Rep, class Period>
sat_clock::time_point sat_add(sat_clock::time_point t, std::chrono::duration<Rep, Period> d) noexcept {
  using tp = sat_clock::time_point;
  using dur = sat_clock::duration;
  // d in the clock's ticks, saturated (d may be wider than the clock's duration allows).
  const auto max_d = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(dur::max() / 2);
  const auto min_d = std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(dur::min() / 2);
  dur dd = d >= max_d ? dur::max() : d <= min_d ? dur::min() : std::chrono::duration_cast<dur>(d);
  if (dd.count() > 0 && t > tp::max() - dd) return tp::max();
  if (dd.count() < 0 && t < tp::min() - dd) return tp::min();
  return t + dd;
}

}  // namespace openrouter::routing::detail
