#pragma once
// The limits a fleet of processes shares (one API key's rate limit, spend and cool-downs are
// global): the interface the router consults before and after each attempt, and the sans-I/O
// local fallback a shared state uses while its store (Redis) cannot be reached.
//
// Design: the planner stays sans-I/O and keeps enforcing the policy's limits per process (class
// health). A router given a shared_state also asks it, asynchronously, to admit each attempt
// the planner decided on, just before sending it (one round trip: a token of the fleet's RPM
// buckets, a fleet in-flight lease, a spend reservation, and the model's fleet cool-down), and
// tells it how the attempt ended (the lease freed, the reservation settled with usage.cost).
// An implementation answers every admit within its own per-call deadline (never later), with
// its local fallback when the store is slow or down.

#include <openrouter/routing/limiter.hpp>
#include <openrouter/routing/policy.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace openrouter::routing {

/// The answer to an admit.
struct admission {
  enum class verdict : std::uint8_t {
    go,       ///< send it: `ticket` holds the lease and reservation until end()
    wait,     ///< no fleet token or in-flight slot now: ask again after `retry_in`
    cooling,  ///< the model cools down fleet-wide (a Retry-After or an open breaker seen by one
              ///< process) for `retry_in` more
    spent,    ///< the fleet's budget is spent (spent + reserved reached policy::max_cost_usd)
  };
  verdict what = verdict::go;
  std::chrono::milliseconds retry_in{0};
  std::uint64_t ticket = 0;
  bool shared = true;  ///< decided by the fleet's store; false: by the local fallback
};

/// How an admitted attempt ended, for its reservation.
enum class settlement : std::uint8_t {
  cost,     ///< it reported usage.cost: the reservation becomes that amount
  release,  ///< it cost nothing (refused before any work): the reservation is released
  unknown,  ///< it may have been billed for an amount nobody reported: the reservation is charged
};

/// Counters for records and metrics.
struct shared_stats {
  bool shared = true;                 ///< the store answers (false: the local fallback decides)
  std::uint64_t shared_admissions = 0, local_admissions = 0;
  std::uint64_t waits = 0, cooling = 0, spent = 0;  ///< admits answered so
  std::uint64_t degradations = 0, recoveries = 0;   ///< mode changes
  std::uint64_t store_errors = 0;                   ///< calls that failed or missed their deadline
};

/// What a fleet's processes share. Implementations are thread-safe; handlers are called once,
/// on the implementation's executor, within its per-call deadline.
class shared_state {
 public:
  virtual ~shared_state() = default;
  virtual void admit(const std::string& model, std::function<void(admission)> h) = 0;
  /// The attempt admitted with `ticket` ended (`cost` with settlement::cost).
  virtual void end(std::uint64_t ticket, settlement s, double cost) = 0;
  /// `model` stops taking requests for `d` fleet-wide (a bounded Retry-After, a breaker that opened).
  virtual void cool_down(const std::string& model, std::chrono::milliseconds d) = 0;
  virtual shared_stats stats() const = 0;
  /// Calls `done` once what end() and cool_down() sent so far has been answered or has failed
  /// (each call has its deadline): a process calls it before it exits, so its last settlements
  /// reach the fleet. `done` runs on the implementation's executor. The default: at once.
  virtual void flush(std::function<void()> done) { done(); }
};

/// The fleet's limits enforced by one process alone, each its 1/fleet_size share: what a process
/// falls back to while the shared store is unreachable. Sans-I/O, not thread-safe.
class local_fallback {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  struct options {
    double requests_per_minute = 0;  ///< the fleet's (0: none)
    double model_requests_per_minute = 0;
    std::size_t max_in_flight = 0, max_in_flight_per_model = 0;  ///< the fleet's (0: none)
    double max_cost_usd = 0;                                     ///< the fleet's budget (0: none)
    std::size_t fleet_size = 1;
    std::chrono::milliseconds poll{50};  ///< how soon to look again for a slot
  };
  explicit local_fallback(const options& o);
  /// Starts (or restarts) fallback mode: of the budget left when the store was last seen
  /// (`fleet_spent`, reservations included), this process may spend its share.
  void begin(double fleet_spent);
  admission admit(const std::string& model, time_point now);
  void end(std::uint64_t ticket, settlement s, double cost);
  /// Whether `ticket` is one of this fallback's (issued by admit and not ended).
  bool owns(std::uint64_t ticket) const { return leases_.count(ticket) != 0; }
  double allowance() const noexcept { return allowance_; }
  double spent() const noexcept { return spent_; }
  std::size_t in_flight() const noexcept { return leases_.size(); }

  /// The share of a fleet-wide limit of one process of `fleet_size` (at least one slot, a
  /// positive rate when the limit is).
  static std::size_t share(std::size_t fleet_limit, std::size_t fleet_size) noexcept;
  static double share(double fleet_limit, std::size_t fleet_size) noexcept;

 private:
  struct lease {
    std::string model;
    double reserved = 0;
  };
  options o_;
  std::optional<token_bucket> bucket_;
  std::map<std::string, token_bucket, std::less<>> model_buckets_;
  std::map<std::uint64_t, lease> leases_;
  std::map<std::string, std::size_t, std::less<>> per_model_;
  double allowance_ = 0, spent_ = 0, reserved_ = 0, mean_cost_ = 0;
  std::uint64_t settled_ = 0;
  std::uint64_t next_ticket_ = 1;
};

/// A shared state for one process: admits everything (the router's health enforces the policy,
/// as without a fleet). The default.
class local_state final : public shared_state {
 public:
  void admit(const std::string&, std::function<void(admission)> h) override;
  void end(std::uint64_t, settlement, double) override {}
  void cool_down(const std::string&, std::chrono::milliseconds) override {}
  shared_stats stats() const override { return {}; }
};

}  // namespace openrouter::routing
