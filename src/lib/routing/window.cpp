#include <openrouter/routing/window.hpp>

#include <algorithm>

namespace openrouter::routing {

sliding_counts::sliding_counts(std::chrono::nanoseconds window, std::size_t buckets)
    : bucket_len_(std::max<std::chrono::nanoseconds>(window / static_cast<std::int64_t>(std::max<std::size_t>(buckets, 1)),
                                                     std::chrono::nanoseconds(1))),
      ring_(std::max<std::size_t>(buckets, 1)) {}

std::int64_t sliding_counts::epoch_of(time_point now) const noexcept {
  return now.time_since_epoch() / bucket_len_;
}

void sliding_counts::add(time_point now, std::uint64_t first, std::uint64_t second) {
  const std::int64_t e = epoch_of(now);
  bucket& b = ring_[static_cast<std::size_t>(e % static_cast<std::int64_t>(ring_.size()))];
  if (b.epoch != e) b = {e, 0, 0};  // a slice that fell out of the window: reuse it
  b.first += first;
  b.second += second;
}

std::pair<std::uint64_t, std::uint64_t> sliding_counts::totals(time_point now) const {
  const std::int64_t e = epoch_of(now);
  const auto n = static_cast<std::int64_t>(ring_.size());
  std::pair<std::uint64_t, std::uint64_t> t{0, 0};
  for (const bucket& b : ring_)
    if (b.epoch >= 0 && b.epoch <= e && e - b.epoch < n) {
      t.first += b.first;
      t.second += b.second;
    }
  return t;
}

void sliding_counts::clear() noexcept {
  for (bucket& b : ring_) b = {};
}

}  // namespace openrouter::routing
