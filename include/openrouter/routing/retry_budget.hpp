#pragma once
// A retry budget: retries (the same request to the same model again; the router does not count
// a move to another candidate) may not exceed `ratio` of the requests seen in the last `window`
// (plus a small floor so a quiet client can still retry); a retry it refuses sends the request on
// to its next candidate at once (the planner). When an upstream fails for everyone,
// retries stop multiplying the load: a failure costs at most (1 + ratio) requests on average.
// Sans-I/O: every call takes the current time; counts live in a ring of time buckets.

#include <openrouter/routing/window.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace openrouter::routing {

struct retry_budget_options {
  double ratio = 0.2;  ///< retries per first attempt, over the window
  std::chrono::milliseconds window{std::chrono::seconds(10)};
  std::size_t buckets = 10;
  std::uint32_t min_retries = 10;  ///< per window, whatever the traffic
};

class retry_budget {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  explicit retry_budget(retry_budget_options o = {});

  void on_request(time_point now);  ///< a first attempt was sent
  /// Whether one more retry fits; if so it is counted (call only when about to retry).
  bool try_retry(time_point now);
  std::uint64_t requests(time_point now) const { return counts_.totals(now).first; }  ///< in the window
  std::uint64_t retries(time_point now) const { return counts_.totals(now).second; }   ///< in the window
  const retry_budget_options& options() const noexcept { return opts_; }

 private:
  retry_budget_options opts_;
  sliding_counts counts_;  // first attempts, retries
};

}  // namespace openrouter::routing
