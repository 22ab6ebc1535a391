#pragma once
// The decisions of one routed request, sans-I/O: which model to try next, how long to wait
// first, when to give up. The router (I/O) asks next(), runs the attempt it names, reports
// the outcome with on_outcome(), and repeats. Time comes in as arguments (a virtual clock in
// tests); randomness from a seeded generator.
//
// Shared across requests: class health (routing/health.hpp).

#include <openrouter/error.hpp>
#include <openrouter/routing/backoff.hpp>
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/classify.hpp>
#include <openrouter/routing/health.hpp>
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
  ///
  /// The spend caps are checked before every new attempt, hedges included: when the router-wide
  /// budget is spent (`budget_left` false) or the request's own (policy.max_request_cost_usd,
  /// against request_spent()), no attempt starts; the attempts running go on to their end (an
  /// answer already received is never dropped), then the request gives up with
  /// errc::budget_exhausted ("router budget spent", "request budget spent").
  decision next(time_point now, bool budget_left = true);

  /// How an attempt ended, as the I/O layer saw it (on_end()).
  struct attempt_end {
    boost::system::error_code ec;  ///< its outcome; operation_aborted when it was cancelled
    std::optional<double> cost;    ///< the usage.cost it reported, if any
    bool timed_out = false;        ///< cancelled at its deadline (decision::until)
    bool dropped = false;          ///< cancelled because the request was decided or the caller gave up
    bool answer_unread = false;    ///< a success nobody reads (a stream that lost): billed perhaps
  };
  /// The end of attempt `attempt`: a cancellation at its deadline becomes errc::attempt_timeout
  /// (errc::total_timeout when that deadline was the request's); the cost counts against the
  /// request; `cost_unknown` is set when it may have been billed for an amount nobody reported
  /// (cancelled, an answer left unread, or a failure after its request was sent with no error
  /// status to say the work was refused); then on_outcome(). Returns the outcome as mapped.
  boost::system::error_code on_end(std::size_t attempt, time_point now, const attempt_end& e, const diagnostics& d);
  /// What the attempts of this request reported they cost (USD).
  double request_spent() const noexcept { return spent_; }
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
  std::vector<time_point> until_;          // per attempt: its deadline
  double spent_ = 0;                       // request_spent()
};

}  // namespace openrouter::routing
