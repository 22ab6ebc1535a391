#include "common/policy_file.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace openrouter::cli::policy_file {

boost::json::value parse(std::string_view text, boost::system::error_code& ec) {
  boost::json::parse_options opt;
  opt.allow_comments = true;
  opt.allow_trailing_commas = true;
  return boost::json::parse(text, ec, {}, opt);
}

routing::policy load(std::string_view text, std::string& what) {
  what.clear();
  boost::system::error_code ec;
  boost::json::value v = parse(text, ec);
  if (ec) {
    what = "not JSON (" + ec.message() + ")";
    return {};
  }
  routing::policy p = routing::policy_from_json(v, ec, what);
  if (ec) return {};
  if (p.max_attempts == 0 || p.max_attempts_per_model == 0) {
    what = "max_attempts and max_attempts_per_model must be at least 1";
    return {};
  }
  return p;
}

// Every key of routing::policy_from_json, at its default (durations in milliseconds; 0 means
// "none" where the comment says so). Keep in step with src/lib/routing/policy.cpp: the unit
// test cli_policy_file_test fails when a key is missing here or unknown there.
std::string_view example() {
  return R"(// openrouter routing policy (--policy FILE). JSON; // and /* */ comments are allowed.
// Every key is optional: the values below are the defaults (models and overrides are examples).
// Durations are in milliseconds.
{
  // Candidates, tried in order (the first is the primary). --model/--fallback replace them.
  "models": ["openai/gpt-4o-mini", "anthropic/claude-3.5-haiku"],
  // Also send the later candidates as OpenRouter's "models" array (server-side fallback).
  "server_side_fallback": false,
  "max_attempts": 6,                // over all candidates
  "max_attempts_per_model": 3,      // the first try and the retries of one model
  "deadline_ms": 300000,            // one deadline over every attempt and wait (0: none)
  "attempt_timeout_ms": 0,          // each attempt's own deadline (0: none)
  "max_cost_usd": 0,                // stop once the router has spent this (usage.cost; 0: no cap)
  "max_request_cost_usd": 0,        // no further attempt once a request has cost this (0: no cap)
  "filter_by_catalog": false,       // drop candidates the catalog says cannot serve the request
  "catalog_max_age_ms": 600000,     // how old a cached catalog may be
  "require_parameters": true,       // set provider.require_parameters for tools/response_format
  "backoff": {                      // waits before retrying the same model
    "initial_ms": 250,
    "multiplier": 2,
    "max_ms": 10000,
    "jitter": "full",               // full, equal or none
    "retry_after_cap_ms": 20000,    // a longer Retry-After skips the model (cools it down)
    "fallback_over_ms": 1000        // with a candidate left, a longer Retry-After moves on at once
  },
  "breaker": {                      // a circuit breaker per model, shared by all requests
    "enabled": true,
    "window_ms": 30000,
    "min_requests": 20,
    "failure_ratio": 0.6,           // opens at this failure ratio over the window
    "open_ms": 5000,
    "max_open_ms": 60000,
    "half_open_probes": 1
  },
  "retry_budget": {                 // bounds retries of the same model across requests
    "enabled": true,
    "ratio": 0.2,                   // retries per first attempt over the window
    "window_ms": 10000,
    "min_retries": 10
  },
  "limits": {                       // over the router's attempts (0: no limit)
    "max_in_flight": 0,
    "max_in_flight_per_model": 0,
    "requests_per_minute": 0,
    "burst": 0,                     // token bucket size (0: a second's worth, at least 1)
    "adaptive": false,              // a 429 halves a model's concurrency, successes grow it back
    "poll_ms": 1000                 // safety net while waiting for a slot
  },
  "hedge": {                        // start the next candidate too when an attempt is slow
    "enabled": false,
    "delay_ms": 0,                  // fixed delay (0: adaptive, the quantile below)
    "quantile": 0.95,
    "min_samples": 20,
    "min_delay_ms": 50,
    "max_delay_ms": 5000,
    "max_hedges": 1
  },
  // The classifier's verdict per openrouter::errc name: retry_same, next_model or stop.
  "overrides": {"not_found": "next_model", "rate_limited": "retry_same"}
}
)";
}

}  // namespace openrouter::cli::policy_file
