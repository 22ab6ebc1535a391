#include <openrouter/routing/backoff.hpp>

#include <algorithm>
#include <cmath>

namespace openrouter::routing {

std::chrono::milliseconds backoff_delay(const backoff_policy& p, unsigned retry, double u) noexcept {
  if (retry == 0) return std::chrono::milliseconds(0);
  u = std::clamp(u, 0.0, 1.0);
  // initial * multiplier^(retry-1), capped; computed in double so a large retry count cannot
  // overflow.
  const double max_ms = static_cast<double>(p.max.count());
  double d = static_cast<double>(p.initial.count()) * std::pow(std::max(p.multiplier, 1.0), static_cast<double>(retry - 1));
  d = std::min(d, max_ms);
  switch (p.jitter) {
    case backoff_policy::jitter_kind::none: break;
    case backoff_policy::jitter_kind::full: d *= u; break;
    case backoff_policy::jitter_kind::equal: d = d / 2 + d / 2 * u; break;
  }
  // Saturated: a policy with a huge max (or a NaN from a hostile multiplier) cannot overflow.
  if (!(d > 0)) return std::chrono::milliseconds(0);
  if (d >= static_cast<double>(std::chrono::milliseconds::max().count())) return std::chrono::milliseconds::max();
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(d)));
}

std::optional<std::chrono::milliseconds> retry_wait(const backoff_policy& p, unsigned retry, double u,
                                                    std::optional<std::chrono::milliseconds> retry_after) noexcept {
  auto d = backoff_delay(p, retry, u);
  if (!retry_after) return d;
  if (*retry_after > p.retry_after_cap) return std::nullopt;
  return std::max(d, std::max(*retry_after, std::chrono::milliseconds(0)));
}

std::uint64_t jitter_rng::next() noexcept {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double jitter_rng::uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

}  // namespace openrouter::routing
