#include <openrouter/routing/planner.hpp>

#include "saturate.hpp"

#include <algorithm>
#include <cmath>

namespace openrouter::routing {

// --- health ------------------------------------------------------------------------------------

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

void health::failure(const std::string& model, time_point now) {
  if (!use_breakers_) return;
  std::lock_guard lock(m_);
  at(model).on_failure(now);
}

void health::abandon(const std::string& model, time_point now) {
  if (!use_breakers_) return;
  std::lock_guard lock(m_);
  at(model).on_abandon(now);
}

void health::cool_down(const std::string& model, time_point now, std::chrono::milliseconds d) {
  if (!use_breakers_) return;
  std::lock_guard lock(m_);
  at(model).cool_down(now, std::min(d, retry_after_cap_));  // the breaker bounds it by max_open_for
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

// --- planner -----------------------------------------------------------------------------------

namespace {

// Failures that say something about the model's health (they feed its breaker); the others
// (the request's own faults, cancellation, our deadline) do not.
bool about_the_model(error_class c) noexcept {
  switch (c) {
    case error_class::transport:
    case error_class::timeout:
    case error_class::rate_limited:
    case error_class::server:
    case error_class::overloaded:
    case error_class::unavailable:
    case error_class::stream:
    case error_class::other:
      return true;
    default:
      return false;
  }
}

}  // namespace

planner::planner(const policy& p, std::vector<std::string> candidates, health& h, time_point start, std::uint64_t seed)
    : p_(p),
      candidates_(std::move(candidates)),
      h_(h),
      waiter_(h),
      rng_(seed),
      deadline_(p.deadline.count() > 0 ? detail::sat_add(start, p.deadline) : time_point::max()) {}

void planner::note_cost(std::size_t attempt, std::optional<double> cost, bool unknown) {
  if (attempt >= attempts_.size()) return;
  attempts_[attempt].cost = cost;
  attempts_[attempt].cost_unknown = unknown && !cost;
}

void planner::stop_waiting() {
  hedge_wants_slot_ = false;
  waiter_.leave();
}

// How long a slot wait lasts at most: the safety-net poll, within the deadline.
time_point planner::slot_wait_until(time_point now) const {
  if (p_.limits.poll.count() <= 0) return deadline_;
  return std::min(deadline_, detail::sat_add(now, p_.limits.poll));
}

std::string_view to_string(wait_record::kind k) noexcept {
  switch (k) {
    case wait_record::kind::backoff: return "backoff";
    case wait_record::kind::retry_after: return "retry_after";
    case wait_record::kind::cool_down: return "cool_down";
    case wait_record::kind::rate_limit: return "rate_limit";
    case wait_record::kind::concurrency: return "concurrency";
  }
  return "unknown";
}

std::string_view to_string(next_step s) noexcept {
  switch (s) {
    case next_step::none: return "none";
    case next_step::retry: return "retry";
    case next_step::fall_back: return "fall_back";
    case next_step::give_up: return "give_up";
    case next_step::superseded: return "superseded";
  }
  return "unknown";
}

std::vector<wait_record>& planner::wait_list() {
  if (attempts_.empty()) return initial_waits_;
  return attempts_[last_word_ < attempts_.size() ? last_word_ : attempts_.size() - 1].waits;
}

// Ends the wait in progress (the planner is asked again): true when there was one.
void planner::end_wait(time_point now) {
  if (!std::exchange(wait_open_, false)) return;
  auto& l = wait_list();
  if (!l.empty() && l.back().ended == time_point{}) l.back().ended = std::max(now, l.back().from);
}

// Records the wait `d` (for `model`) that next() is about to return. Asked again during the
// same wait (a wake that found no slot, a token not yet due), the record goes on.
planner::decision planner::waiting(wait_record::kind why, const std::string& model, time_point now, decision d) {
  auto& l = wait_list();
  if (!l.empty() && l.back().why == why && l.back().model == model && l.back().ended == now) {
    l.back().ended = {};
    l.back().until = d.until;
  } else {
    wait_record w;
    w.why = why;
    w.model = model;
    w.from = now;
    w.until = d.until;
    l.push_back(std::move(w));
  }
  wait_open_ = true;
  return d;
}

// Attempt `next_attempt` is starting: the step after the attempt that had the last word.
void planner::took_step(std::size_t next_attempt) {
  if (last_word_ >= attempts_.size() || last_word_ == next_attempt) return;
  attempt_record& prev = attempts_[last_word_];
  if (prev.then != next_step::none || !prev.ec) return;
  prev.then = prev.model == attempts_[next_attempt].model ? next_step::retry : next_step::fall_back;
  prev.then_model = attempts_[next_attempt].model;
}

void planner::stopped(time_point now, const std::string& reason) {
  end_wait(now);
  stop_waiting();
  if (stop_reason_.empty()) stop_reason_ = reason.empty() ? std::string("stopped") : reason;
  if (succeeded_ || last_word_ >= attempts_.size()) return;
  attempt_record& prev = attempts_[last_word_];
  if (prev.then != next_step::none || !prev.ec) return;
  prev.then = next_step::give_up;
  prev.then_reason = stop_reason_;
}

planner::decision planner::give_up(boost::system::error_code ec, std::string reason) {
  stop_waiting();
  finished_ = true;
  if (!succeeded_ && last_word_ < attempts_.size()) {
    attempt_record& prev = attempts_[last_word_];
    if (prev.then == next_step::none && prev.ec) {
      prev.then = next_step::give_up;
      prev.then_reason = reason;
    }
  }
  decision d;
  d.what = decision::kind::give_up;
  d.ec = ec;
  d.reason = std::move(reason);
  return d;
}

void planner::advance() {
  ++cur_;
  on_current_ = 0;
  wait_until_.reset();
  retry_granted_ = false;
}

bool planner::fell_back() const noexcept {
  return std::any_of(attempts_.begin(), attempts_.end(),
                     [&](const attempt_record& a) { return a.model != candidates_.front(); });
}

bool planner::hedged() const noexcept {
  return std::any_of(attempts_.begin(), attempts_.end(), [](const attempt_record& a) { return a.hedge; });
}

std::chrono::steady_clock::duration planner::hedge_delay(const std::string& model) {
  const auto& o = p_.hedge;
  if (o.delay.count() > 0) return o.delay;
  auto q = h_.answer_quantile(model, o.quantile, std::max<std::size_t>(o.min_samples, 1));
  if (!q) return o.max_delay;
  return std::clamp<std::chrono::steady_clock::duration>(*q, o.min_delay, std::max(o.min_delay, o.max_delay));
}

// Starts an attempt on candidates_[candidate]; its slot (try_begin) is already taken.
planner::decision planner::start(std::size_t candidate, time_point now, bool hedge) {
  const std::string& model = candidates_[candidate];
  ++in_flight_;
  attempt_record rec;
  rec.model = model;
  rec.started = now;
  rec.hedge = hedge;
  attempts_.push_back(std::move(rec));
  candidate_of_.push_back(candidate);
  running_.push_back(true);
  took_step(attempts_.size() - 1);
  hedge_at_.reset();
  if (p_.hedge.enabled && hedges_ < p_.hedge.max_hedges && candidate + 1 < candidates_.size())
    hedge_at_ = detail::sat_add(now, hedge_delay(model));
  decision d;
  d.what = decision::kind::attempt;
  d.model = model;
  d.until = p_.attempt_timeout.count() > 0 ? std::min(deadline_, detail::sat_add(now, p_.attempt_timeout)) : deadline_;
  d.attempt = attempts_.size() - 1;
  d.hedge = hedge;
  return d;
}

// A hedge when one is due: the next candidate after the current one that its breaker admits,
// with a slot free and the retry budget willing.
std::optional<planner::decision> planner::try_hedge(time_point now) {
  // A hedge waiting for a slot is tried whenever the router asks (it asks when woken).
  if (!hedge_at_ || (now < *hedge_at_ && !hedge_wants_slot_)) return std::nullopt;
  hedge_at_.reset();
  const auto no_hedge = [&] {
    stop_waiting();
    return std::nullopt;
  };
  if (attempts_.size() >= p_.max_attempts) return no_hedge();
  std::size_t i = cur_ + 1;
  while (i < candidates_.size() && !h_.admit(candidates_[i], now)) ++i;
  if (i >= candidates_.size()) return no_hedge();
  const std::string& model = candidates_[i];
  auto later = h_.try_begin(model, now, waiter_.id);
  waiter_.queued = later && (later->slot || waiter_.queued);  // a token wait keeps its place
  if (later) {  // no slot or token yet
    h_.abandon(model, now);
    hedge_wants_slot_ = later->slot;
    if (later->slot) hedge_at_ = slot_wait_until(now);  // woken when a slot frees; this is the safety net
    else if (later->until < deadline_) hedge_at_ = later->until;
    return std::nullopt;
  }
  hedge_wants_slot_ = false;
  if (!h_.try_retry(now)) {  // hedges are extra load: the budget bounds them like retries
    h_.end(model, false, false);
    h_.abandon(model, now);
    return std::nullopt;
  }
  ++hedges_;
  // The request has moved on to this candidate; the earlier attempt may still win.
  cur_ = i;
  on_current_ = 1;
  wait_until_.reset();
  retry_granted_ = false;
  return start(i, now, true);
}

planner::decision planner::next(time_point now) {
  end_wait(now);
  const auto deadline_error = [&] { return last_ec_ ? last_ec_ : make_error_code(errc::total_timeout); };
  if (finished_) return give_up(succeeded_ ? boost::system::error_code{} : last_ec_, succeeded_ ? "success" : "finished");
  if (in_flight_ > 0) {
    if (auto h = try_hedge(now)) return *h;
    decision d;
    d.what = decision::kind::wait;
    d.until = hedge_at_ ? std::min(*hedge_at_, deadline_) : deadline_;
    d.slot = hedge_wants_slot_;
    return d;
  }
  if (now >= deadline_) return give_up(deadline_error(), "deadline");
  if (attempts_.size() >= p_.max_attempts) return give_up(last_ec_, "attempts");
  if (std::exchange(retry_refused_, false)) return give_up(last_ec_, "retry budget exhausted");
  if (wait_until_ && now < *wait_until_) {
    if (*wait_until_ >= deadline_) return give_up(deadline_error(), "deadline");
    decision d;
    d.what = decision::kind::wait;
    d.until = *wait_until_;
    return waiting(wait_kind_, candidates_[cur_], now, d);
  }
  wait_until_.reset();
  // The earliest reopening among the candidates skipped for their breaker: {when, which, its
  // attempts so far}.
  struct reopening {
    time_point at;
    std::size_t candidate;
    unsigned attempts;
  };
  std::optional<reopening> reopen;
  const std::size_t entry = cur_;
  const bool entry_granted = retry_granted_;
  while (cur_ < candidates_.size()) {
    if (on_current_ >= std::max(p_.max_attempts_per_model, 1u)) {
      advance();
      continue;
    }
    if (h_.admit(candidates_[cur_], now)) break;
    // Its breaker is open: the next candidate. Half-open with every probe slot taken, it
    // reopens when a probe answers: look again after the backoff's first delay.
    const time_point at = h_.reopens_at(candidates_[cur_], now)
                              .value_or(detail::sat_add(now, std::max(p_.backoff.initial, std::chrono::milliseconds(1))));
    if (!reopen || at < reopen->at) reopen = reopening{std::max(at, now), cur_, on_current_};
    advance();
  }
  if (cur_ >= candidates_.size()) {
    // Every candidate left is cooling down: wait for the first to reopen when that is within
    // the deadline and the cap on a server's waits, rather than fail work that could wait.
    if (reopen && reopen->at < deadline_ && reopen->at - now <= p_.backoff.retry_after_cap) {
      cur_ = reopen->candidate;
      on_current_ = reopen->attempts;
      retry_granted_ = cur_ == entry && entry_granted;
      wait_until_ = reopen->at;
      wait_kind_ = wait_record::kind::cool_down;
      decision d;
      d.what = decision::kind::wait;
      d.until = reopen->at;
      return waiting(wait_kind_, candidates_[cur_], now, d);
    }
    if (!last_ec_) return give_up(make_error_code(errc::service_unavailable), "every candidate's circuit breaker is open");
    return give_up(last_ec_, "candidates exhausted");
  }
  const std::string& model = candidates_[cur_];
  auto later = h_.try_begin(model, now, waiter_.id);
  waiter_.queued = later && (later->slot || waiter_.queued);  // a token wait keeps its place
  if (later) {  // no slot or no token yet: wait for one
    h_.abandon(model, now);                               // give a half-open probe slot back
    decision d;
    d.what = decision::kind::wait;
    if (later->slot) {  // queued: woken when a slot frees, so wait up to the deadline for it
      d.slot = true;
      d.until = slot_wait_until(now);
      return waiting(wait_record::kind::concurrency, model, now, d);
    }
    if (later->until >= deadline_) return give_up(deadline_error(), "deadline");
    d.until = later->until;
    return waiting(wait_record::kind::rate_limit, model, now, d);
  }
  // The retry budget is for sending the same request to the same model again, which is what
  // turns an upstream's trouble into a storm; moving on to another candidate is bounded by
  // max_attempts and the breakers instead.
  // A retry is charged when the failure is settled (see settle: a refused one moves on at once);
  // one that comes here ungranted (a model reopened after a cool-down) asks now.
  if (attempts_.empty()) {
    h_.first_attempt(now);
  } else if (on_current_ > 0 && !std::exchange(retry_granted_, false) && !h_.try_retry(now)) {
    h_.end(model, false, false);
    h_.abandon(model, now);
    return give_up(last_ec_, "retry budget exhausted");
  }
  retry_granted_ = false;
  ++on_current_;
  return start(cur_, now, false);
}

void planner::on_outcome(std::size_t attempt, time_point now, boost::system::error_code ec, const diagnostics& d) {
  if (attempt >= attempts_.size() || !running_[attempt]) return;
  settle(attempt, now, ec, d);
  // A hedge's place in the slot queue lasts while there is something to hedge.
  if (finished_ || in_flight_ == 0) stop_waiting();
}

void planner::settle(std::size_t attempt, time_point now, boost::system::error_code ec, const diagnostics& d) {
  running_[attempt] = false;
  --in_flight_;
  attempt_record& rec = attempts_[attempt];
  rec.ended = now;
  rec.ec = ec;
  rec.http_status = d.http_status;
  rec.provider = d.provider;
  rec.generation_id = d.generation_id;
  h_.end(rec.model, !ec, ec == errc::rate_limited);
  if (finished_) {  // a loser, cancelled after the request was decided (or a late answer)
    rec.then = next_step::superseded;
    if (ec) h_.abandon(rec.model, now);
    else h_.success(rec.model, now);
    return;
  }
  if (!stop_reason_.empty() && ec) {  // the request was stopped from outside (stopped())
    rec.then = next_step::give_up;
    rec.then_reason = stop_reason_;
  }
  if (!ec) {
    h_.success(rec.model, now);
    h_.observe_answer(rec.model, now - rec.started);
    last_word_ = attempt;
    finished_ = succeeded_ = true;
    for (auto& a : attempts_)  // failures whose step this answer made moot (a hedge's, a primary's)
      if (&a != &rec && a.ec && a.then == next_step::none && !running_[&a - attempts_.data()])
        a.then = next_step::superseded;
    last_ec_ = {};
    hedge_at_.reset();
    return;
  }
  const classification c = classify(ec, d, p_.classifier);
  rec.cls = c.cls;
  rec.action = c.action;
  if (about_the_model(c.cls)) h_.failure(rec.model, now);
  else h_.abandon(rec.model, now);
  if (c.cls == error_class::rate_limited && c.retry_after) h_.cool_down(rec.model, now, *c.retry_after);
  if (c.action == verdict::stop) {  // the request itself is at fault: the others cannot help
    last_ec_ = ec;
    last_word_ = attempt;
    if (rec.then == next_step::none) {
      rec.then = next_step::give_up;
      rec.then_reason = "stop";
    }
    finished_ = true;
    hedge_at_.reset();
    return;
  }
  // An earlier attempt that a hedge overtook: the request has moved on, its verdict is moot
  // (unless it is the last word: then its error is the one to report).
  if (candidate_of_[attempt] != cur_) {
    if (rec.then == next_step::none) rec.then = next_step::superseded;
    if (in_flight_ == 0) last_ec_ = ec;
    return;
  }
  last_ec_ = ec;
  last_word_ = attempt;
  if (in_flight_ == 0) hedge_at_.reset();
  switch (c.action) {
    case verdict::stop:
      return;
    case verdict::next_model:
      advance();
      return;
    case verdict::retry_same: {
      if (on_current_ >= p_.max_attempts_per_model) {
        advance();
        return;
      }
      const bool more_candidates = cur_ + 1 < candidates_.size();
      if (more_candidates && c.retry_after && *c.retry_after > p_.backoff.fallback_over) {
        advance();  // a long Retry-After while a healthy candidate may be waiting
        return;
      }
      auto wait = retry_wait(p_.backoff, on_current_, rng_.uniform(), c.retry_after);
      if (!wait) {  // Retry-After beyond the cap: do not wait on this model
        advance();
        return;
      }
      // The retry budget bounds the extra load on a failing upstream: sending this request to
      // the same model again. Refused, the request moves on to its next candidate at once (a
      // first try there is no retry of this one); on the last candidate next() gives up.
      if (!h_.try_retry(now)) {
        if (more_candidates) {
          advance();
          return;
        }
        retry_refused_ = true;
        return;
      }
      retry_granted_ = true;
      wait_until_ = detail::sat_add(now, *wait);
      wait_kind_ = c.retry_after && *c.retry_after >= *wait ? wait_record::kind::retry_after : wait_record::kind::backoff;
      return;
    }
  }
}

}  // namespace openrouter::routing
