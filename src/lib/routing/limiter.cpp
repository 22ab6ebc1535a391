#include <openrouter/routing/limiter.hpp>

#include <algorithm>
#include <cmath>

namespace openrouter::routing {

token_bucket::token_bucket(double rate_per_second, double burst) noexcept
    : rate_(std::max(rate_per_second, 1e-9)), burst_(std::max(burst, 1.0)), tokens_(burst_) {}

void token_bucket::refill(time_point now) noexcept {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  if (now <= last_) return;
  tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  last_ = now;
}

bool token_bucket::try_take(time_point now) noexcept {
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

token_bucket::time_point token_bucket::next_token(time_point now) noexcept {
  refill(now);
  if (tokens_ >= 1.0) return now;
  const double seconds = (1.0 - tokens_) / rate_;
  return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds)) +
         std::chrono::microseconds(1);
}

aimd_limit::aimd_limit(std::size_t initial, std::size_t min, std::size_t max) noexcept
    : limit_(static_cast<double>(std::clamp(initial, std::max<std::size_t>(min, 1), std::max(max, min)))),
      min_(static_cast<double>(std::max<std::size_t>(min, 1))),
      max_(static_cast<double>(std::max(max, min))) {}

void aimd_limit::on_success() noexcept { limit_ = std::min(max_, limit_ + 1.0 / limit_); }

void aimd_limit::on_overload() noexcept { limit_ = std::max(min_, std::floor(limit_ / 2)); }

}  // namespace openrouter::routing
