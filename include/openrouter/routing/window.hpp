#pragma once
// Two counters summed over a sliding time window, kept in a ring of time buckets (the window
// moves one bucket at a time). Sans-I/O: every call takes the current time. Used by the retry
// budget (first attempts, retries) and the circuit breaker (successes, failures).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace openrouter::routing {

class sliding_counts {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  /// `buckets` >= 1; a zero window counts nothing older than the current bucket.
  sliding_counts(std::chrono::nanoseconds window, std::size_t buckets);

  void add(time_point now, std::uint64_t first, std::uint64_t second);
  /// Sums over the buckets of the window ending at `now`.
  std::pair<std::uint64_t, std::uint64_t> totals(time_point now) const;
  void clear() noexcept;

 private:
  struct bucket {
    std::int64_t epoch = -1;  // which bucket-length slice of time the counts belong to
    std::uint64_t first = 0, second = 0;
  };
  std::int64_t epoch_of(time_point now) const noexcept;

  std::chrono::nanoseconds bucket_len_;
  std::vector<bucket> ring_;
};

}  // namespace openrouter::routing
