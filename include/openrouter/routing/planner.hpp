#pragma once
// The decisions of one routed request, sans-I/O: which model to try next, how long to wait
// first, when to give up. The router (I/O) asks next(), runs the attempt it names, reports
// the outcome with on_outcome(), and repeats. Time comes in as arguments (a virtual clock in
// tests); randomness from a seeded generator.
//
// Shared across requests (class health): one circuit breaker per model and the retry budget.

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
  std::optional<token_bucket> bucket_;
  bool use_breakers_, use_budget_;
  std::chrono::milliseconds retry_after_cap_;
  breaker_options breaker_opts_;
  std::map<std::string, breaker, std::less<>> breakers_;
  retry_budget budget_;
};

/// A pause the planner made while no attempt was running, and why.
struct wait_record {
  enum class kind : std::uint8_t {
    backoff,      ///< before retrying the same model (the backoff schedule)
    retry_after,  ///< before retrying the same model, for the server's Retry-After (longer than the backoff)
    cool_down,    ///< every candidate left was cooling down (breaker open): for the first to reopen
    rate_limit,   ///< for a token of limits.requests_per_minute
    concurrency,  ///< for an in-flight slot (limits.max_in_flight / max_in_flight_per_model)
  };
  kind why = kind::backoff;
  std::string model;     ///< the model it waited to try
  time_point from{};     ///< when the planner decided it
  time_point until{};    ///< its planned end (a slot wait: the safety-net poll, or the deadline)
  /// When the planner was asked again (time_point{} while it lasts, or when the request stopped
  /// during it): a slot wait usually ends before `until`, when a slot frees.
  time_point ended{};
  /// How long it lasted (ended - from), or was planned to last when it never ended.
  std::chrono::steady_clock::duration waited() const noexcept {
    return (ended != time_point{} ? ended : until) - from;
  }
};
std::string_view to_string(wait_record::kind k) noexcept;

/// What the request did after an attempt ended: the step actually taken, not the classifier's
/// advice (a retry_same verdict on a model out of attempts falls back, or gives up).
enum class next_step : std::uint8_t {
  none,        ///< nothing (yet): the attempt is running, or it is the answer
  retry,       ///< the next attempt went to the same model
  fall_back,   ///< the next attempt went to another model (then_model)
  give_up,     ///< the request ended with this attempt's failure (then_reason says why)
  superseded,  ///< another attempt had taken over (a hedge) or decided the request: no step followed from it
};
std::string_view to_string(next_step s) noexcept;

/// One attempt as the router saw it.
struct attempt_record {
  std::string model;
  boost::system::error_code ec;
  error_class cls = error_class::none;
  /// The classifier's verdict on the failure (meaningless on success): what it advised. What the
  /// request then did is `then`.
  verdict action = verdict::stop;
  next_step then = next_step::none;  ///< the step taken after it
  std::string then_model;            ///< retry, fall_back: the model of the next attempt
  std::string then_reason;           ///< give_up: why ("attempts", "deadline", "stop", ...)
  /// The waits after it, before the next attempt (or before the request gave up), in order.
  std::vector<wait_record> waits;
  unsigned http_status = 0;
  std::string provider, generation_id;
  time_point started{}, ended{};
  bool hedge = false;  ///< started while another attempt was still running
  std::optional<double> cost;  ///< usage.cost (USD) the attempt reported, when it did
  /// The attempt ended before its usage arrived, after its request may have been read: cancelled
  /// (the caller, its deadline, a hedge that lost), or the connection or the 200's body broke
  /// off. The upstream may have billed it, for an amount nobody reported.
  bool cost_unknown = false;
};

class planner {
 public:
  struct decision {
    enum class kind : std::uint8_t { attempt, wait, give_up };
    kind what = kind::give_up;
    std::string model;            ///< attempt: the model to send
    time_point until{};           ///< attempt: its deadline (max() for none); wait: when to ask again
    boost::system::error_code ec; ///< give_up: the outcome (empty after a success)
    std::string reason;           ///< give_up: why, for records ("stop", "attempts", "deadline", ...)
    std::size_t attempt = 0;      ///< attempt: its index in attempts(), for on_outcome()
    bool hedge = false;           ///< attempt: a hedge (another attempt is still running)
    /// wait: (also) for an in-flight slot. The health's slot listener names waiter() when one
    /// frees; ask next() again then. `until` is only the safety net (or the deadline).
    bool slot = false;
  };

  /// `candidates` non-empty.
  planner(const policy& p, std::vector<std::string> candidates, health& h, time_point start, std::uint64_t seed);

  /// What to do now. While attempts are running: a hedge attempt when one is due, else a wait
  /// (until the next hedge is due, or the deadline) for their outcomes.
  decision next(time_point now);
  /// The outcome of attempt `attempt` (ec empty: success). After a success, or a failure that
  /// stops the request, the attempts still running are to be cancelled and reported too.
  void on_outcome(std::size_t attempt, time_point now, boost::system::error_code ec, const diagnostics& d);
  /// The single-attempt form: the outcome of the attempt started last.
  void on_outcome(time_point now, boost::system::error_code ec, const diagnostics& d) {
    on_outcome(attempts_.empty() ? 0 : attempts_.size() - 1, now, ec, d);
  }

  std::size_t in_flight() const noexcept { return in_flight_; }
  /// This request's id in the health's queue for in-flight slots.
  health::waiter_id waiter() const noexcept { return waiter_.id; }
  /// Gives up a place in the slot queue (the caller stopped the request).
  void stop_waiting();
  /// What attempt `attempt` cost, as the I/O layer learnt it (see attempt_record::cost).
  void note_cost(std::size_t attempt, std::optional<double> cost, bool unknown);
  /// Whether the request is decided (answered or given up): running attempts are losers.
  bool finished() const noexcept { return finished_; }
  /// Whether a hedge attempt was started.
  bool hedged() const noexcept;

  const std::vector<attempt_record>& attempts() const noexcept { return attempts_; }
  /// The waits before the first attempt (each attempt's later waits are in its record).
  const std::vector<wait_record>& initial_waits() const noexcept { return initial_waits_; }
  /// The request stopped at `now` from outside (cancelled, a budget spent): a wait it was in ends
  /// there, and the attempt that had the last word gets next_step::give_up with `reason`.
  void stopped(time_point now, const std::string& reason);
  const std::vector<std::string>& candidates() const noexcept { return candidates_; }
  /// Whether an attempt went to another model than the first candidate.
  bool fell_back() const noexcept;
  time_point deadline() const noexcept { return deadline_; }

 private:
  decision give_up(boost::system::error_code ec, std::string reason);
  // Records: a wait about to be returned by next() (none while attempts run), the end of the
  // one in progress, and the step after the attempt that had the last word.
  decision waiting(wait_record::kind why, const std::string& model, time_point now, decision d);
  void end_wait(time_point now);
  std::vector<wait_record>& wait_list();
  void took_step(std::size_t next_attempt);
  void settle(std::size_t attempt, time_point now, boost::system::error_code ec, const diagnostics& d);
  time_point slot_wait_until(time_point now) const;
  void advance();  // to the next candidate
  decision start(std::size_t candidate, time_point now, bool hedge);
  std::optional<decision> try_hedge(time_point now);
  std::chrono::steady_clock::duration hedge_delay(const std::string& model);

  const policy& p_;
  std::vector<std::string> candidates_;
  health& h_;
  // The planner's place in the slot queue, given up when the planner goes (move-only).
  struct ticket {
    health* h = nullptr;
    health::waiter_id id = 0;
    bool queued = false;  // may be in the queue (no lock taken to leave it otherwise)
    explicit ticket(health& hh) : h(&hh), id(hh.new_waiter()) {}
    ticket(ticket&& o) noexcept : h(o.h), id(std::exchange(o.id, 0)), queued(std::exchange(o.queued, false)) {}
    ticket& operator=(ticket&&) = delete;
    ~ticket() { leave(); }
    void leave() {
      if (queued) h->leave(id);
      queued = false;
    }
  } waiter_;
  bool hedge_wants_slot_ = false;
  bool retry_granted_ = false;  // the retry budget already granted the retry that is due
  bool retry_refused_ = false;  // it refused one on the last candidate: next() gives up  // the due hedge waits for a slot: try it whenever asked
  jitter_rng rng_;
  time_point deadline_;
  std::size_t cur_ = 0;
  unsigned on_current_ = 0;  // attempts on candidates_[cur_]
  std::optional<time_point> wait_until_;
  wait_record::kind wait_kind_ = wait_record::kind::backoff;  // why wait_until_
  std::vector<wait_record> initial_waits_;
  bool wait_open_ = false;
  std::string stop_reason_;  // stopped() from outside: the running attempts' failures give up for it  // the last entry of wait_list() is in progress
  // The attempt whose outcome the request's next step follows from (npos: none yet).
  std::size_t last_word_ = static_cast<std::size_t>(-1);
  std::optional<time_point> hedge_at_;  // when the next hedge is due (hedging on, attempts running)
  unsigned hedges_ = 0;
  std::size_t in_flight_ = 0;
  bool finished_ = false, succeeded_ = false;
  boost::system::error_code last_ec_;
  std::vector<attempt_record> attempts_;
  std::vector<std::size_t> candidate_of_;  // per attempt: its index in candidates_
  std::vector<bool> running_;              // per attempt
};

}  // namespace openrouter::routing
