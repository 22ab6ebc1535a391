#pragma once
// Backoff between attempts on the same model, and how a server's Retry-After is honoured.
// Sans-I/O: randomness comes in as a number in [0, 1) from the caller's generator (jitter_rng
// below, or any other), so tests are deterministic.

#include <chrono>
#include <cstdint>
#include <optional>

namespace openrouter::routing {

struct backoff_policy {
  std::chrono::milliseconds initial{250};  ///< before the first retry (before jitter)
  double multiplier = 2.0;
  std::chrono::milliseconds max{std::chrono::seconds(10)};
  /// full: uniform in [0, d] (spreads a herd best); equal: d/2 + uniform in [0, d/2]; none: d.
  enum class jitter_kind : std::uint8_t { none, full, equal } jitter = jitter_kind::full;
  /// Retry-After up to this long is waited for; a longer one skips to the next candidate (the
  /// model is cooled down instead, for this long at most). Also the longest a request waits for
  /// a cooling-down candidate to reopen when every candidate is cooling down.
  std::chrono::milliseconds retry_after_cap{std::chrono::seconds(20)};
  /// While another candidate is left, a Retry-After longer than this moves on to it at once
  /// instead of waiting (a rate-limited model should not hold a request a healthy one could
  /// serve); the cap above applies to the last candidate.
  std::chrono::milliseconds fallback_over{std::chrono::seconds(1)};
};

/// The wait before retry number `retry` (1 = the first retry) with `u` in [0, 1).
std::chrono::milliseconds backoff_delay(const backoff_policy& p, unsigned retry, double u) noexcept;

/// The wait before retrying the same model after a failure that carried `retry_after`:
/// max(backoff, Retry-After), or nullopt when Retry-After exceeds the cap (skip the model).
std::optional<std::chrono::milliseconds> retry_wait(const backoff_policy& p, unsigned retry, double u,
                                                    std::optional<std::chrono::milliseconds> retry_after) noexcept;

/// A small deterministic generator (splitmix64) for jitter and probe choices.
class jitter_rng {
 public:
  explicit jitter_rng(std::uint64_t seed = 0x9E3779B97F4A7C15ull) noexcept : state_(seed) {}
  std::uint64_t next() noexcept;
  double uniform() noexcept;  ///< in [0, 1)

 private:
  std::uint64_t state_;
};

}  // namespace openrouter::routing
