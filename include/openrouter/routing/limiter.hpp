#pragma once
// Load limits of a router, sans-I/O: a token bucket for requests per minute, and an additive-
// increase / multiplicative-decrease concurrency limit that 429s shrink. Every call takes the
// current time.

#include <chrono>
#include <cstddef>

namespace openrouter::routing {

/// `rate` tokens per second up to `burst` tokens; starts full.
class token_bucket {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  token_bucket(double rate_per_second, double burst) noexcept;
  bool try_take(time_point now) noexcept;
  /// When the next token will be there (now if one is).
  time_point next_token(time_point now) noexcept;

 private:
  void refill(time_point now) noexcept;
  double rate_, burst_, tokens_;
  time_point last_{};
  bool started_ = false;
};

/// AIMD concurrency: the limit halves on overload (never below `min`) and grows by one after
/// `limit` successes (about one per round of requests), up to `max`.
class aimd_limit {
 public:
  aimd_limit(std::size_t initial, std::size_t min, std::size_t max) noexcept;
  std::size_t current() const noexcept { return static_cast<std::size_t>(limit_); }
  void on_success() noexcept;
  void on_overload() noexcept;

 private:
  double limit_, min_, max_;
};

}  // namespace openrouter::routing
