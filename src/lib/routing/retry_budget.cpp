#include <openrouter/routing/retry_budget.hpp>

namespace openrouter::routing {

retry_budget::retry_budget(retry_budget_options o) : opts_(o), counts_(o.window, o.buckets) {}

void retry_budget::on_request(time_point now) { counts_.add(now, 1, 0); }

bool retry_budget::try_retry(time_point now) {
  auto [requests, retries] = counts_.totals(now);
  const double allowed = opts_.ratio * static_cast<double>(requests) + static_cast<double>(opts_.min_retries);
  if (static_cast<double>(retries) + 1.0 > allowed) return false;
  counts_.add(now, 0, 1);
  return true;
}

}  // namespace openrouter::routing
