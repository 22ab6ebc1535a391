#include <openrouter/routing/health.hpp>

#include "saturate.hpp"

#include <algorithm>
#include <cmath>

namespace openrouter::routing {

health::health(const policy& p)
    : limits_(p.limits),
      use_breakers_(p.use_breakers),
      use_budget_(p.use_retry_budget),
      retry_after_cap_(p.backoff.retry_after_cap),
      breaker_opts_(p.breaker),
      budget_(p.retry_budget) {
  if (limits_.requests_per_minute > 0) {
    const double per_second = limits_.requests_per_minute / 60.0;
    bucket_.emplace(per_second, limits_.burst > 0 ? limits_.burst : std::max(1.0, per_second));
  }
}

health::model_load& health::load(const std::string& model) {
  auto it = loads_.find(model);
  if (it == loads_.end()) {
    it = loads_.emplace(model, model_load{}).first;
    if (limits_.adaptive) {
      std::size_t max = limits_.max_in_flight_per_model ? limits_.max_in_flight_per_model
                        : limits_.max_in_flight         ? limits_.max_in_flight
                                                        : 1024;
      it->second.adaptive.emplace(max, 1, max);
    }
  }
  return it->second;
}

std::size_t health::limit_of(model_load& m) const {
  if (m.adaptive) return m.adaptive->current();
  return limits_.max_in_flight_per_model;
}

health::waiter_id health::new_waiter() { return next_waiter_.fetch_add(1, std::memory_order_relaxed); }

void health::set_slot_listener(std::function<void(waiter_id)> f) {
  std::lock_guard lock(m_);
  listener_ = std::move(f);
}

// Hands the free slots to the queued waiters in order, up to (not including) `stop`, calling
// `on_slot` for each waiter that gets one. A waiter whose model is full takes nothing from the
// others.
template <class F>
health::allotment health::allot(queue_type::iterator stop, F&& on_slot) {
  constexpr std::size_t unlimited = static_cast<std::size_t>(-1);
  allotment a;
  a.free = limits_.max_in_flight == 0           ? unlimited
           : in_flight_ < limits_.max_in_flight ? limits_.max_in_flight - in_flight_
                                                : 0;
  for (auto q = queue_.begin(); q != stop && a.free != 0; ++q) {
    model_load& ml = load(q->model);
    const std::size_t lim = limit_of(ml);
    std::size_t& o = a.owed[q->model];
    if (lim && ml.in_flight + o >= lim) continue;
    ++o;
    if (a.free != unlimited) --a.free;
    on_slot(*q);
  }
  return a;
}

// Whether a slot is free for `model` once the waiters ahead of `me` (all of them when `me` is
// the end: a caller outside the queue) have had theirs.
bool health::room_for(const std::string& model, queue_type::iterator me) {
  const allotment a = allot(me, [](waiter&) {});
  if (a.free == 0) return false;
  const std::size_t lim = limit_of(load(model));
  auto it = a.owed.find(model);
  return !lim || load(model).in_flight + (it == a.owed.end() ? 0 : it->second) < lim;
}

// The queued waiters a slot is free for and who have not been told yet; marks them told.
std::vector<health::waiter_id> health::wakeable() {
  std::vector<waiter_id> out;
  allot(queue_.end(), [&out](waiter& q) {
    if (!q.notified) {
      q.notified = true;
      out.push_back(q.id);
    }
  });
  return out;
}

void health::notify(std::vector<waiter_id> ids) {
  if (ids.empty()) return;
  std::function<void(waiter_id)> f;
  {
    std::lock_guard lock(m_);
    f = listener_;
  }
  if (f)
    for (waiter_id w : ids) f(w);
}

std::optional<health::not_yet> health::try_begin(const std::string& model, time_point now, waiter_id w) {
  std::vector<waiter_id> wake;
  std::unique_lock lock(m_);
  auto qi = w ? queued_.find(w) : queued_.end();
  const auto me = qi == queued_.end() ? queue_.end() : qi->second;
  if (!room_for(model, me)) {
    if (w) {
      if (me == queue_.end()) {
        queue_.push_back(waiter{w, model, false});
        queued_.emplace(w, std::prev(queue_.end()));
      } else {
        // Told of a slot it cannot use after all (it moved on to a full model, or an adaptive
        // limit shrank): that slot may be someone else's now.
        const bool was_told = me->notified;
        me->model = model;
        me->notified = false;
        if (was_told) wake = wakeable();
      }
    }
    lock.unlock();
    notify(std::move(wake));
    const auto poll = limits_.poll;
    return not_yet{poll.count() > 0 ? detail::sat_add(now, poll) : time_point::max(), true};
  }
  if (bucket_ && !bucket_->try_take(now)) return not_yet{bucket_->next_token(now), false};  // keeps its place
  model_load& m = load(model);
  ++in_flight_;
  ++m.in_flight;
  if (me != queue_.end()) {
    queued_.erase(qi);
    queue_.erase(me);
  }
  return std::nullopt;
}

std::optional<time_point> health::try_begin(const std::string& model, time_point now) {
  auto r = try_begin(model, now, 0);
  if (!r) return std::nullopt;
  // Outside the queue nobody wakes the caller: it has to look again.
  if (r->slot) return detail::sat_add(now, std::max<std::chrono::milliseconds>(limits_.poll, std::chrono::milliseconds(1)));
  return r->until;
}

void health::end(const std::string& model, bool success, bool overload) {
  std::vector<waiter_id> wake;
  {
    std::lock_guard lock(m_);
    model_load& m = load(model);
    if (m.in_flight) --m.in_flight;
    if (in_flight_) --in_flight_;
    if (m.adaptive) {
      if (overload) m.adaptive->on_overload();
      else if (success) m.adaptive->on_success();
    }
    wake = wakeable();
  }
  notify(std::move(wake));
}

void health::leave(waiter_id w) {
  std::vector<waiter_id> wake;
  {
    std::lock_guard lock(m_);
    auto qi = queued_.find(w);
    if (qi == queued_.end()) return;
    queue_.erase(qi->second);
    queued_.erase(qi);
    wake = wakeable();  // it may have been owed a slot
  }
  notify(std::move(wake));
}

std::size_t health::waiting() const {
  std::lock_guard lock(m_);
  return queue_.size();
}

std::size_t health::in_flight() const {
  std::lock_guard lock(m_);
  return in_flight_;
}

std::size_t health::in_flight(const std::string& model) const {
  std::lock_guard lock(m_);
  auto it = loads_.find(model);
  return it == loads_.end() ? 0 : it->second.in_flight;
}

std::size_t health::model_limit(const std::string& model) {
  std::lock_guard lock(m_);
  return limit_of(load(model));
}

void health::observe_answer(const std::string& model, std::chrono::steady_clock::duration d) {
  constexpr std::size_t ring = 128;
  std::lock_guard lock(m_);
  model_load& m = load(model);
  if (m.answers.size() < ring) {
    m.answers.push_back(d);
  } else {
    m.answers[m.next_answer] = d;
    m.next_answer = (m.next_answer + 1) % ring;
  }
}

std::optional<std::chrono::steady_clock::duration> health::answer_quantile(const std::string& model, double q,
                                                                          std::size_t min_samples) {
  std::vector<std::chrono::steady_clock::duration> v;
  {
    std::lock_guard lock(m_);
    const model_load& m = load(model);
    if (m.answers.empty() || m.answers.size() < min_samples) return std::nullopt;
    v = m.answers;
  }
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size()) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(rank), v.end());
  return v[rank];
}

breaker& health::at(const std::string& model) {
  auto it = breakers_.find(model);
  if (it == breakers_.end()) it = breakers_.emplace(model, breaker(breaker_opts_)).first;
  return it->second;
}

bool health::admit(const std::string& model, time_point now) {
  if (!use_breakers_) return true;
  std::lock_guard lock(m_);
  return at(model).try_acquire(now);
}

void health::success(const std::string& model, time_point now) {
  if (!use_breakers_) return;
  std::lock_guard lock(m_);
  at(model).on_success(now);
}

void health::set_open_listener(std::function<void(const std::string&, std::chrono::milliseconds)> f) {
  std::lock_guard lock(m_);
  open_listener_ = std::move(f);
}

// Tells the open listener of a breaker whose cool-down now ends later than it did.
void health::opened(const std::string& model, time_point now, time_point before, time_point after) {
  if (after <= before || after <= now || !open_listener_) return;
  open_listener_(model, std::chrono::ceil<std::chrono::milliseconds>(after - now));
}

void health::failure(const std::string& model, time_point now) {
  if (!use_breakers_) return;
  time_point before, after;
  {
    std::lock_guard lock(m_);
    breaker& b = at(model);
    before = b.open_until();
    b.on_failure(now);
    after = b.open_until();
  }
  opened(model, now, before, after);
}

void health::abandon(const std::string& model, time_point now) {
  if (!use_breakers_) return;
  std::lock_guard lock(m_);
  at(model).on_abandon(now);
}

void health::cool_down(const std::string& model, time_point now, std::chrono::milliseconds d) {
  if (!use_breakers_) return;
  time_point before, after;
  {
    std::lock_guard lock(m_);
    breaker& b = at(model);
    before = b.open_until();
    b.cool_down(now, std::min(d, retry_after_cap_));  // the breaker bounds it by max_open_for
    after = b.open_until();
  }
  opened(model, now, before, after);
}

std::optional<time_point> health::reopens_at(const std::string& model, time_point now) {
  if (!use_breakers_) return now;
  std::lock_guard lock(m_);
  breaker& b = at(model);
  switch (b.current(now)) {
    case breaker::state::closed: return now;
    case breaker::state::open: return b.open_until();
    case breaker::state::half_open: return std::nullopt;
  }
  return now;
}

breaker::state health::state(const std::string& model, time_point now) {
  std::lock_guard lock(m_);
  return at(model).current(now);
}

void health::first_attempt(time_point now) {
  if (!use_budget_) return;
  std::lock_guard lock(m_);
  budget_.on_request(now);
}

bool health::try_retry(time_point now) {
  if (!use_budget_) return true;
  std::lock_guard lock(m_);
  return budget_.try_retry(now);
}

}  // namespace openrouter::routing
