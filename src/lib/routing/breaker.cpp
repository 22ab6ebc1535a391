#include <openrouter/routing/breaker.hpp>

#include <algorithm>

namespace openrouter::routing {

breaker::breaker(breaker_options o) : opts_(o), counts_(o.window, o.buckets), next_open_for_(o.open_for) {}

breaker::state breaker::current(time_point now) {
  if (state_ == state::open && now >= open_until_) {
    state_ = state::half_open;
    probes_ = 0;
  }
  return state_;
}

bool breaker::try_acquire(time_point now) {
  switch (current(now)) {
    case state::closed:
      return true;
    case state::open:
      return false;
    case state::half_open:
      if (probes_ >= opts_.half_open_probes) return false;
      ++probes_;
      return true;
  }
  return false;
}

void breaker::on_success(time_point now) {
  counts_.add(now, 1, 0);
  if (current(now) == state::half_open) close();
}

void breaker::on_failure(time_point now) {
  counts_.add(now, 0, 1);
  switch (current(now)) {
    case state::half_open:  // the probe failed: back to open, for longer
      open(now, next_open_for_);
      return;
    case state::open:  // a request admitted before it opened
      return;
    case state::closed: {
      auto [ok, failed] = counts_.totals(now);
      const std::uint64_t total = ok + failed;
      if (total >= opts_.min_requests &&
          static_cast<double>(failed) >= opts_.failure_ratio * static_cast<double>(total))
        open(now, next_open_for_);
      return;
    }
  }
}

void breaker::on_abandon(time_point now) {
  if (current(now) == state::half_open && probes_ > 0) --probes_;
}

void breaker::cool_down(time_point now, std::chrono::milliseconds d) {
  if (current(now) == state::open && open_until_ >= now + d) return;
  state_ = state::open;
  open_until_ = now + d;
  probes_ = 0;
}

void breaker::open(time_point now, std::chrono::milliseconds d) {
  state_ = state::open;
  open_until_ = now + d;
  probes_ = 0;
  next_open_for_ = std::min(opts_.max_open_for, next_open_for_ * 2);
  counts_.clear();  // a fresh window after the cool-down
}

void breaker::close() {
  state_ = state::closed;
  probes_ = 0;
  next_open_for_ = opts_.open_for;
  counts_.clear();
}

std::string_view to_string(breaker::state s) noexcept {
  switch (s) {
    case breaker::state::closed: return "closed";
    case breaker::state::open: return "open";
    case breaker::state::half_open: return "half_open";
  }
  return "closed";
}

}  // namespace openrouter::routing
