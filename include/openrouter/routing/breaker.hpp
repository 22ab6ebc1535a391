#pragma once
// A circuit breaker for one model (or provider). Sans-I/O: every call takes the current time.
//
//   closed     requests flow; outcomes are counted in a sliding window. When at least
//              min_requests were seen and the failure share reaches failure_ratio, it opens.
//   open       requests are refused until the cool-down ends (open_for, doubled on each
//              re-open up to max_open_for). A 429's Retry-After opens it for that long directly
//              (never longer than max_open_for).
//   half_open  after the cool-down, up to half_open_probes requests go through; a success closes
//              it (and resets the cool-down), a failure opens it again.
//
// Only failures that say something about the model count (the router decides which: rate
// limits, 5xx, timeouts, transport); the caller's bad requests do not.

#include <openrouter/routing/window.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace openrouter::routing {

struct breaker_options {
  std::chrono::milliseconds window{std::chrono::seconds(30)};
  std::size_t buckets = 10;
  /// Both high enough that a model failing 30% of the time (which retries handle well) does not
  /// trip it by chance: with 20 outcomes at 30% failures, 60% or more is a 0.5% event.
  std::uint32_t min_requests = 20;
  double failure_ratio = 0.6;
  std::chrono::milliseconds open_for{std::chrono::seconds(5)};
  std::chrono::milliseconds max_open_for{std::chrono::seconds(60)};
  std::uint32_t half_open_probes = 1;
};

class breaker {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  enum class state : std::uint8_t { closed, open, half_open };

  explicit breaker(breaker_options o = {});

  /// Whether a request may go now. In half-open this takes a probe slot, which the request's
  /// outcome (on_success, on_failure or on_abandon) gives back.
  bool try_acquire(time_point now);
  void on_success(time_point now);
  void on_failure(time_point now);
  /// The request ended without saying anything about the model (cancelled, our deadline).
  void on_abandon(time_point now);
  /// Opens until now + d (e.g. a 429's Retry-After), unless it is already open for longer. d is
  /// bounded to [0, max_open_for]: no breaker stays open longer than max_open_for, whatever a
  /// server says (the router bounds a server's cool-down by backoff.retry_after_cap as well).
  void cool_down(time_point now, std::chrono::milliseconds d);

  state current(time_point now);  ///< open turns half_open once the cool-down has passed
  time_point open_until() const noexcept { return open_until_; }
  std::uint64_t successes(time_point now) const { return counts_.totals(now).first; }  ///< in the window
  std::uint64_t failures(time_point now) const { return counts_.totals(now).second; }   ///< in the window

 private:
  void open(time_point now, std::chrono::milliseconds d);
  void close();

  breaker_options opts_;
  sliding_counts counts_;  // successes, failures
  state state_ = state::closed;
  time_point open_until_{};
  std::chrono::milliseconds next_open_for_;
  std::uint32_t probes_ = 0;  // in flight while half-open
};

std::string_view to_string(breaker::state s) noexcept;

}  // namespace openrouter::routing
