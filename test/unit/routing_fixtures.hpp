#pragma once
// Shared by the routing unit tests (all on a virtual clock): where time starts, and a policy
// whose waits are exact (no jitter) for the tests to adjust.
#include <openrouter/error.hpp>
#include <openrouter/routing/policy.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace routing_fixtures {

using namespace std::chrono_literals;

inline const openrouter::routing::time_point t0 = openrouter::routing::time_point{} + 1000h;

/// `models`, backoff 100 ms doubling to 1 s without jitter, a 60 s deadline.
inline openrouter::routing::policy exact_policy(std::vector<std::string> models) {
  openrouter::routing::policy p;
  p.models = std::move(models);
  p.backoff.initial = 100ms;
  p.backoff.max = 1s;
  p.backoff.jitter = openrouter::routing::backoff_policy::jitter_kind::none;
  p.deadline = 60s;
  return p;
}

/// The diagnostics of an HTTP failure with an optional Retry-After.
inline openrouter::diagnostics status(unsigned s, std::optional<std::chrono::milliseconds> retry_after = {}) {
  openrouter::diagnostics d;
  d.http_status = s;
  d.retry_after = retry_after;
  return d;
}

inline boost::system::error_code err(openrouter::errc e) { return openrouter::make_error_code(e); }

}  // namespace routing_fixtures
