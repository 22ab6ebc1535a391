// libFuzzer target for routing policies read from JSON (routing::policy_from_json, what
// `openrouter batch --policy FILE` loads).
//
// The input is JSON text. Properties:
// - policy_from_json never throws; it either fails with errc::invalid_argument and a `what`
//   naming the offending path ("$...."), or returns a policy whose every number is within the
//   documented ranges;
// - an accepted policy can be used: backoff delays for any retry count stay within [0, max],
//   and the breaker and retry budget built from it run a burst of outcomes without undefined
//   behaviour (UBSan) over a span of simulated time.
#include "fuzz_common.hpp"

#include <openrouter/error.hpp>
#include <openrouter/routing/backoff.hpp>
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/routing/retry_budget.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <new>

namespace openrouter::fuzz::policy {

namespace json = boost::json;
using std::chrono::milliseconds;

inline std::string ranges(const routing::policy& p) {
  const milliseconds max_ms{1'000'000'000'000};
  auto ms_ok = [&](milliseconds d) { return d.count() >= 0 && d <= max_ms; };
  for (milliseconds d : {p.deadline, p.attempt_timeout, p.catalog_max_age, p.limits.poll, p.hedge.delay,
                         p.hedge.min_delay, p.hedge.max_delay, p.backoff.initial, p.backoff.max,
                         p.backoff.retry_after_cap, p.backoff.fallback_over, p.breaker.window,
                         p.breaker.open_for, p.breaker.max_open_for, p.retry_budget.window})
    if (!ms_ok(d)) return "a duration out of range: " + std::to_string(d.count()) + " ms";
  for (double d : {p.max_cost_usd, p.max_request_cost_usd, p.limits.requests_per_minute, p.limits.burst,
                   p.backoff.multiplier, p.breaker.failure_ratio, p.retry_budget.ratio})
    if (!(std::isfinite(d) && d >= 0)) return "a number out of range: " + std::to_string(d);
  if (!(p.hedge.quantile > 0 && p.hedge.quantile <= 1)) return "hedge.quantile out of (0, 1]";
  for (std::uint64_t n : {std::uint64_t{p.max_attempts}, std::uint64_t{p.max_attempts_per_model},
                          std::uint64_t{p.limits.max_in_flight}, std::uint64_t{p.limits.max_in_flight_per_model},
                          std::uint64_t{p.hedge.min_samples}, std::uint64_t{p.hedge.max_hedges},
                          std::uint64_t{p.breaker.min_requests}, std::uint64_t{p.breaker.half_open_probes},
                          std::uint64_t{p.retry_budget.min_retries}})
    if (n > 1'000'000) return "a count out of range: " + std::to_string(n);
  for (const auto& m : p.models)
    if (m.empty()) return "an empty model id was accepted";
  return {};
}

// Drives the routing primitives the policy configures.
inline std::string use(const routing::policy& p) {
  for (unsigned retry = 0; retry < 70; ++retry)
    for (double u : {0.0, 0.5, 0.999999}) {
      const milliseconds d = routing::backoff_delay(p.backoff, retry, u);
      if (d.count() < 0 || d > std::max(p.backoff.max, milliseconds(0)))
        return "backoff_delay(retry " + std::to_string(retry) + ") = " + std::to_string(d.count()) +
               " ms, outside [0, max]";
      (void)routing::retry_wait(p.backoff, retry, u, milliseconds(retry * 1000));
    }
  using tp = routing::breaker::time_point;
  routing::breaker b(p.breaker);
  routing::retry_budget rb(p.retry_budget);
  tp now{};
  // Simulated time advances by at most a year per step, so that it cannot overflow.
  const milliseconds year = std::chrono::hours(24 * 365);
  const milliseconds step = std::clamp(p.breaker.window / 7, milliseconds(1), year);
  for (int i = 0; i < 64; ++i) {
    if (b.try_acquire(now)) {
      if (i % 5 == 4) b.on_success(now);
      else b.on_failure(now);
    }
    if (i % 9 == 0) b.cool_down(now, p.backoff.retry_after_cap);
    rb.on_request(now);
    (void)rb.try_retry(now);
    (void)b.current(now);
    now += (i % 3 == 0) ? std::clamp(p.breaker.open_for, step, year) : step;
  }
  return {};
}

inline std::string check(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code jec;
  const json::value v = json::parse(as_text(data, size), jec);
  if (jec) return {};
  boost::system::error_code ec;
  std::string what;
  routing::policy p;
  try {
    p = routing::policy_from_json(v, ec, what);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return std::string("policy_from_json threw ") + e.what();
  }
  if (ec) {
    if (ec != errc::invalid_argument) return "policy_from_json failed with " + ec.message();
    if (!what.starts_with("$")) return "the failure does not name a path: \"" + printable(what) + "\"";
    return {};
  }
  if (!what.empty()) return "success with a message: " + printable(what);
  if (auto d = ranges(p); !d.empty()) return d + "\n input: " + printable(as_text(data, size));
  if (auto d = use(p); !d.empty()) return d + "\n input: " + printable(as_text(data, size));
  return {};
}

}  // namespace openrouter::fuzz::policy

OPENROUTER_FUZZ_TARGET("policy_fuzz", openrouter::fuzz::policy::check)
