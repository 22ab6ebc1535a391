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

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
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
  void cool_down(const std::string& model, time_point now, std::chrono::milliseconds d);
  breaker::state state(const std::string& model, time_point now);

  void first_attempt(time_point now);
  bool try_retry(time_point now);  ///< the retry budget (always true when disabled)

  /// Takes an in-flight slot (and an RPM token) for an attempt on `model`: nullopt when taken,
  /// else when to look again.
  std::optional<time_point> try_begin(const std::string& model, time_point now);
  /// The attempt that try_begin admitted ended; `overload` (a 429) shrinks an adaptive limit.
  void end(const std::string& model, bool success, bool overload);
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
  breaker& at(const std::string& model);
  model_load& load(const std::string& model);
  std::size_t limit_of(model_load& m) const;

  mutable std::mutex m_;
  policy::load_limits limits_;
  std::size_t in_flight_ = 0;
  std::map<std::string, model_load, std::less<>> loads_;
  std::optional<token_bucket> bucket_;
  bool use_breakers_, use_budget_;
  breaker_options breaker_opts_;
  std::map<std::string, breaker, std::less<>> breakers_;
  retry_budget budget_;
};

/// One attempt as the router saw it.
struct attempt_record {
  std::string model;
  boost::system::error_code ec;
  error_class cls = error_class::none;
  verdict action = verdict::stop;  ///< what the failure led to (meaningless on success)
  unsigned http_status = 0;
  std::string provider, generation_id;
  time_point started{}, ended{};
  bool hedge = false;  ///< started while another attempt was still running
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
  /// Whether the request is decided (answered or given up): running attempts are losers.
  bool finished() const noexcept { return finished_; }
  /// Whether a hedge attempt was started.
  bool hedged() const noexcept;

  const std::vector<attempt_record>& attempts() const noexcept { return attempts_; }
  const std::vector<std::string>& candidates() const noexcept { return candidates_; }
  /// Whether an attempt went to another model than the first candidate.
  bool fell_back() const noexcept;
  time_point deadline() const noexcept { return deadline_; }

 private:
  decision give_up(boost::system::error_code ec, std::string reason);
  void advance();  // to the next candidate
  decision start(std::size_t candidate, time_point now, bool hedge);
  std::optional<decision> try_hedge(time_point now);
  std::chrono::steady_clock::duration hedge_delay(const std::string& model);

  const policy& p_;
  std::vector<std::string> candidates_;
  health& h_;
  jitter_rng rng_;
  time_point deadline_;
  std::size_t cur_ = 0;
  unsigned on_current_ = 0;  // attempts on candidates_[cur_]
  std::optional<time_point> wait_until_;
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
