#pragma once
// A routing policy: which models to try in which order, how many attempts, one deadline over
// all attempts, and the knobs of backoff, circuit breakers and the retry budget. Plain data
// with documented defaults; loads from JSON too (policy_from_json).

#include <openrouter/routing/backoff.hpp>
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/classify.hpp>
#include <openrouter/routing/retry_budget.hpp>

#include <boost/json/fwd.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace openrouter::routing {

struct policy {
  /// Client-side candidates, tried in order (the first is the primary). Empty: the request's
  /// own `model`.
  std::vector<std::string> models;
  /// Also pass the candidates after the current one as OpenRouter's `models` array, so the
  /// server falls back within one attempt as well (its fallbacks are billed like any request).
  bool server_side_fallback = false;
  unsigned max_attempts = 6;            ///< over all candidates
  unsigned max_attempts_per_model = 3;  ///< first try + retries of the same model
  /// One deadline over all attempts and waits; zero: none.
  std::chrono::milliseconds deadline{std::chrono::minutes(5)};
  /// Each attempt's own deadline (within the overall one); zero: none.
  std::chrono::milliseconds attempt_timeout{0};
  backoff_policy backoff;
  classifier_options classifier;
  bool use_breakers = true;
  breaker_options breaker;
  bool use_retry_budget = true;
  retry_budget_options retry_budget;
  /// Spend caps in USD from usage.cost (zero: none). Once the router has spent max_cost_usd,
  /// new requests fail with errc::budget_exhausted; a request whose attempts have cost
  /// max_request_cost_usd makes no further attempt.
  double max_cost_usd = 0;
  double max_request_cost_usd = 0;

  /// Drop candidates the catalog says cannot serve the request (modalities, tools,
  /// response_format, reasoning, a context far too small; see routing/candidates.hpp). The
  /// catalog is fetched through the client's cache (catalog_max_age); if it cannot be had, the
  /// candidates are kept as they are.
  bool filter_by_catalog = false;
  std::chrono::milliseconds catalog_max_age{std::chrono::minutes(10)};
  /// Set provider.require_parameters when the request uses tools or response_format (and the
  /// caller did not set it), so OpenRouter only routes to providers that honour them.
  bool require_parameters = true;

  /// Load limits over the router's attempts (zero: none). A request that finds no slot or no
  /// token waits (within its deadline and the caller's cancellation): for a token exactly as
  /// long as needed; for a slot in a first-come, first-served queue, woken as soon as an attempt
  /// ends and frees a slot it can use (a waiter for a full model does not hold up the others).
  struct load_limits {
    std::size_t max_in_flight = 0;            ///< attempts in flight, all models
    std::size_t max_in_flight_per_model = 0;  ///< attempts in flight on one model
    double requests_per_minute = 0;           ///< attempts started per minute (token bucket)
    double burst = 0;                         ///< bucket size; 0: a second's worth, at least 1
    /// Per-model AIMD: a 429 halves the model's concurrency limit, successes grow it back up
    /// to max_in_flight_per_model (or max_in_flight, else 1024).
    bool adaptive = false;
    /// Safety net only: a request waiting for a slot also looks again after this long, should a
    /// wake ever go missing (zero: it waits for its wake or its deadline). Not how slots are
    /// normally handed on: that is event-driven.
    std::chrono::milliseconds poll{1000};
  } limits;
  /// Hedging: when an attempt has not answered (a stream: no content yet) after a delay, the
  /// next candidate is started as well; the first to answer wins and the others are cancelled,
  /// which closes their connections. A hedge is an extra request: each one spends from the
  /// retry budget, so slowness everywhere cannot double the load.
  struct hedge_options {
    bool enabled = false;
    /// Fixed delay; zero: adaptive, the `quantile` of the model's recent answer times (once
    /// there are `min_samples`; max_delay until then), clamped to [min_delay, max_delay].
    std::chrono::milliseconds delay{0};
    double quantile = 0.95;
    std::size_t min_samples = 20;
    std::chrono::milliseconds min_delay{50};
    std::chrono::milliseconds max_delay{5000};
    unsigned max_hedges = 1;  ///< extra attempts per request
  } hedge;
};

/// Reads a policy from JSON (every member optional; durations in milliseconds):
///   {"models": ["a/b", "c/d"], "server_side_fallback": false, "max_attempts": 6,
///    "max_attempts_per_model": 3, "deadline_ms": 300000, "attempt_timeout_ms": 0,
///    "backoff": {"initial_ms": 250, "multiplier": 2, "max_ms": 10000, "jitter": "full",
///                "retry_after_cap_ms": 20000, "fallback_over_ms": 1000},
///    "breaker": {"enabled": true, "window_ms": 30000, "min_requests": 20, "failure_ratio": 0.6,
///                "open_ms": 5000, "max_open_ms": 60000, "half_open_probes": 1},
///    "retry_budget": {"enabled": true, "ratio": 0.2, "window_ms": 10000, "min_retries": 10},
///    "max_cost_usd": 5.0, "max_request_cost_usd": 0.05,
///    "filter_by_catalog": true, "catalog_max_age_ms": 600000, "require_parameters": true,
///    "limits": {"max_in_flight": 256, "max_in_flight_per_model": 64, "requests_per_minute": 600,
///               "burst": 20, "adaptive": true, "poll_ms": 1000},
///    "hedge": {"enabled": true, "delay_ms": 0, "quantile": 0.95, "min_samples": 20,
///              "min_delay_ms": 50, "max_delay_ms": 5000, "max_hedges": 1},
///    "overrides": {"not_found": "stop", "rate_limited": "next_model"}}
/// Unknown keys and wrong types fail with errc::invalid_argument and `what` naming the key.
policy policy_from_json(const boost::json::value& v, boost::system::error_code& ec, std::string& what);

}  // namespace openrouter::routing
