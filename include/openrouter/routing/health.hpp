#pragma once
// What all requests of a router share, sans-I/O and thread-safe (class health): one circuit
// breaker per model, the retry budget, the rate and concurrency limits with their FIFO of
// waiting requests, and answer-time quantiles for hedging. Read by routing::planner.

#include <openrouter/error.hpp>
#include <openrouter/routing/backoff.hpp>
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/classify.hpp>
#include <openrouter/routing/limiter.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/routing/retry_budget.hpp>
#include <boost/system/error_code.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace openrouter::routing {

using time_point = std::chrono::steady_clock::time_point;

/// What all requests of a router share. Thread-safe.
class health {
 public:
  explicit health(const policy& p);

  /// Whether `model` may take a request now (its breaker; may take a half-open probe slot).
  bool admit(const std::string& model, time_point now);
  void success(const std::string& model, time_point now);
  void failure(const std::string& model, time_point now);
  void abandon(const std::string& model, time_point now);
  /// A server asked for a pause (Retry-After): the model's breaker opens for d, bounded by
  /// backoff.retry_after_cap and breaker.max_open_for.
  void cool_down(const std::string& model, time_point now, std::chrono::milliseconds d);
  breaker::state state(const std::string& model, time_point now);
  /// When `model` may take a request again: now when closed (or a half-open probe slot is
  /// free), the end of its cool-down when open, nullopt when half-open with every probe slot
  /// taken (it depends on the probes' outcomes).
  std::optional<time_point> reopens_at(const std::string& model, time_point now);
  /// Called (outside the lock) when a breaker opens or its cool-down grows, by failure() or
  /// cool_down(), with how long it stays open: a fleet shares it (routing/shared_state.hpp).
  /// Set before the health is shared.
  void set_open_listener(std::function<void(const std::string& model, std::chrono::milliseconds open_for)> f);

  void first_attempt(time_point now);
  bool try_retry(time_point now);  ///< the retry budget (always true when disabled)

  /// A request's place in the queue for in-flight slots (0: none, it never queues).
  using waiter_id = std::uint64_t;
  waiter_id new_waiter();

  /// Why try_begin did not take a slot.
  struct not_yet {
    /// No token: when the next one is due (exact). No slot: when to look again anyway, the
    /// safety net `limits.poll` (time_point::max() when poll is zero).
    time_point until{};
    bool slot = false;  ///< no free in-flight slot: the waiter is queued and woken when one frees
  };
  /// Takes an in-flight slot (and an RPM token) for an attempt on `model` for waiter `w`:
  /// nullopt when taken. Slots go first come, first served: a waiter that finds none joins the
  /// queue (keeping its place when it asks again, for this or another model) and a slot that
  /// frees goes to the longest waiter that can use it (one waiting for a full model does not
  /// hold up the others); a request that is not queued never takes a slot a waiter is owed.
  std::optional<not_yet> try_begin(const std::string& model, time_point now, waiter_id w);
  /// The same for a caller outside the queue: nullopt when taken, else when to look again.
  std::optional<time_point> try_begin(const std::string& model, time_point now);
  /// The attempt that try_begin admitted ended; `overload` (a 429) shrinks an adaptive limit.
  void end(const std::string& model, bool success, bool overload);
  /// `w` no longer waits for a slot (it gave up, moved on or was destroyed); a no-op if it does not.
  void leave(waiter_id w);
  /// Called with each queued waiter that a slot is now free for (once per free slot, outside
  /// the lock, on the thread that freed it): the I/O layer wakes that request, which then asks
  /// try_begin again. Set before the health is shared.
  void set_slot_listener(std::function<void(waiter_id)> f);
  std::size_t waiting() const;  ///< waiters queued for a slot
  std::size_t in_flight() const;
  std::size_t in_flight(const std::string& model) const;
  std::size_t model_limit(const std::string& model);  ///< the current per-model limit (0: none)

  /// An attempt on `model` answered after `d` (a stream: its first content): the samples
  /// behind an adaptive hedge delay (the last 128 per model).
  void observe_answer(const std::string& model, std::chrono::steady_clock::duration d);
  /// The q-quantile of the model's recent answer times, once there are `min_samples`.
  std::optional<std::chrono::steady_clock::duration> answer_quantile(const std::string& model, double q,
                                                                    std::size_t min_samples);

 private:
  struct model_load {
    std::size_t in_flight = 0;
    std::optional<aimd_limit> adaptive;
    std::vector<std::chrono::steady_clock::duration> answers;  // a ring of the last 128
    std::size_t next_answer = 0;
  };
  struct waiter {
    waiter_id id = 0;
    std::string model;
    bool notified = false;  // told a slot is free for it; not told again until it asks
  };
  using queue_type = std::list<waiter>;

  breaker& at(const std::string& model);
  model_load& load(const std::string& model);
  std::size_t limit_of(model_load& m) const;
  struct allotment {
    std::size_t free = 0;                          ///< slots left (size_t(-1): unlimited)
    std::map<std::string_view, std::size_t> owed;  ///< per model: slots the waiters took
  };
  template <class F>
  allotment allot(queue_type::iterator stop, F&& on_slot);
  bool room_for(const std::string& model, queue_type::iterator me);
  std::vector<waiter_id> wakeable();
  void notify(std::vector<waiter_id> ids);

  mutable std::mutex m_;
  policy::load_limits limits_;
  std::size_t in_flight_ = 0;
  std::map<std::string, model_load, std::less<>> loads_;
  queue_type queue_;  // oldest first
  std::unordered_map<waiter_id, queue_type::iterator> queued_;
  std::atomic<waiter_id> next_waiter_{1};
  std::function<void(waiter_id)> listener_;
  std::function<void(const std::string&, std::chrono::milliseconds)> open_listener_;
  void opened(const std::string& model, time_point now, time_point before, time_point after);
  std::optional<token_bucket> bucket_;
  bool use_breakers_, use_budget_;
  std::chrono::milliseconds retry_after_cap_;
  breaker_options breaker_opts_;
  std::map<std::string, breaker, std::less<>> breakers_;
  retry_budget budget_;
};

}  // namespace openrouter::routing
