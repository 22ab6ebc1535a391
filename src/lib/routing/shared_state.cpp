#include <openrouter/routing/shared_state.hpp>

#include <algorithm>
#include <cmath>

namespace openrouter::routing {

namespace {

// Local tickets carry the top bit: they never collide with a store's.
constexpr std::uint64_t local_ticket_bit = std::uint64_t{1} << 63;

std::chrono::milliseconds until_ms(local_fallback::time_point now, local_fallback::time_point t) {
  if (t <= now) return std::chrono::milliseconds(1);
  return std::max(std::chrono::milliseconds(1), std::chrono::ceil<std::chrono::milliseconds>(t - now));
}

token_bucket bucket_of(double fleet_rpm, std::size_t fleet_size) {
  const double per_second = local_fallback::share(fleet_rpm, fleet_size) / 60.0;
  return token_bucket(per_second, std::max(1.0, per_second));
}

}  // namespace

std::size_t local_fallback::share(std::size_t fleet_limit, std::size_t fleet_size) noexcept {
  if (fleet_limit == 0) return 0;
  return std::max<std::size_t>(1, fleet_limit / std::max<std::size_t>(fleet_size, 1));
}

double local_fallback::share(double fleet_limit, std::size_t fleet_size) noexcept {
  if (fleet_limit <= 0) return 0;
  return fleet_limit / static_cast<double>(std::max<std::size_t>(fleet_size, 1));
}

local_fallback::local_fallback(const options& o) : o_(o), next_ticket_(local_ticket_bit | 1) {
  if (o_.requests_per_minute > 0) bucket_.emplace(bucket_of(o_.requests_per_minute, o_.fleet_size));
  begin(0);
}

void local_fallback::begin(double fleet_spent) {
  spent_ = 0;
  reserved_ = 0;
  for (auto& [t, l] : leases_) reserved_ += l.reserved;
  allowance_ = o_.max_cost_usd > 0 ? share(std::max(0.0, o_.max_cost_usd - fleet_spent), o_.fleet_size) : 0;
}

admission local_fallback::admit(const std::string& model, time_point now) {
  admission a;
  a.shared = false;
  if (o_.max_cost_usd > 0 && spent_ + reserved_ >= allowance_) {
    a.what = admission::verdict::spent;
    return a;
  }
  const std::size_t max_total = share(o_.max_in_flight, o_.fleet_size);
  const std::size_t max_model = share(o_.max_in_flight_per_model, o_.fleet_size);
  auto pm = per_model_.find(model);
  const std::size_t on_model = pm == per_model_.end() ? 0 : pm->second;
  if ((max_total && leases_.size() >= max_total) || (max_model && on_model >= max_model)) {
    a.what = admission::verdict::wait;
    a.retry_in = std::max(o_.poll, std::chrono::milliseconds(1));
    return a;
  }
  token_bucket* mb = nullptr;
  if (o_.model_requests_per_minute > 0) {
    auto it = model_buckets_.find(model);
    if (it == model_buckets_.end())
      it = model_buckets_.emplace(model, bucket_of(o_.model_requests_per_minute, o_.fleet_size)).first;
    mb = &it->second;
  }
  // Both buckets must have a token before either gives one.
  time_point due = now;
  if (bucket_) due = std::max(due, bucket_->next_token(now));
  if (mb) due = std::max(due, mb->next_token(now));
  if (due > now) {
    a.what = admission::verdict::wait;
    a.retry_in = until_ms(now, due);
    return a;
  }
  if (bucket_) bucket_->try_take(now);
  if (mb) mb->try_take(now);
  const double estimate = mean_cost_;
  a.ticket = next_ticket_++;
  leases_.emplace(a.ticket, lease{model, estimate});
  ++per_model_[model];
  reserved_ += estimate;
  return a;
}

void local_fallback::end(std::uint64_t ticket, settlement s, double cost) {
  auto it = leases_.find(ticket);
  if (it == leases_.end()) return;
  reserved_ = std::max(0.0, reserved_ - it->second.reserved);
  switch (s) {
    case settlement::cost:
      spent_ += cost;
      ++settled_;
      mean_cost_ += (cost - mean_cost_) / static_cast<double>(settled_);
      break;
    case settlement::release: break;
    case settlement::unknown: spent_ += it->second.reserved; break;
  }
  auto pm = per_model_.find(it->second.model);
  if (pm != per_model_.end() && --pm->second == 0) per_model_.erase(pm);
  leases_.erase(it);
}

void local_state::admit(const std::string&, std::function<void(admission)> h) { h(admission{}); }

}  // namespace openrouter::routing
