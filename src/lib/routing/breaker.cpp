#include <openrouter/routing/breaker.hpp>

#include "saturate.hpp"

#include <algorithm>

namespace openrouter::routing {

namespace {

// A cool-down within [0, max_open_for]: no breaker stays open longer, whatever asked for it.
std::chrono::milliseconds bounded(std::chrono::milliseconds d, std::chrono::milliseconds max) noexcept {
  if (max.count() < 0) max = std::chrono::milliseconds(0);
  return std::clamp(d, std::chrono::milliseconds(0), max);
}

}  // namespace

breaker::breaker(breaker_options o)
    : opts_(o), counts_(o.window, o.buckets), next_open_for_(bounded(o.open_for, o.max_open_for)) {}

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
  const time_point until = detail::sat_add(now, bounded(d, opts_.max_open_for));
  if (current(now) == state::open && open_until_ >= until) return;
  state_ = state::open;
  open_until_ = until;
  probes_ = 0;
}

void breaker::open(time_point now, std::chrono::milliseconds d) {
  state_ = state::open;
  open_until_ = detail::sat_add(now, bounded(d, opts_.max_open_for));
  probes_ = 0;
  // Doubled up to max_open_for (compared before doubling: no overflow).
  next_open_for_ = next_open_for_ > opts_.max_open_for / 2 ? bounded(opts_.max_open_for, opts_.max_open_for)
                                                             : bounded(next_open_for_ * 2, opts_.max_open_for);
  counts_.clear();  // a fresh window after the cool-down
}

void breaker::close() {
  state_ = state::closed;
  probes_ = 0;
  next_open_for_ = bounded(opts_.open_for, opts_.max_open_for);
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
