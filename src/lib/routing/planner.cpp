#include <openrouter/routing/planner.hpp>

#include "saturate.hpp"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <cmath>

namespace openrouter::routing {

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
  until_.push_back(d.until);
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

planner::decision planner::next(time_point now, bool budget_left) {
  end_wait(now);
  const auto deadline_error = [&] { return last_ec_ ? last_ec_ : make_error_code(errc::total_timeout); };
  if (finished_) return give_up(succeeded_ ? boost::system::error_code{} : last_ec_, succeeded_ ? "success" : "finished");
  const bool request_spent_out = p_.max_request_cost_usd > 0 && spent_ >= p_.max_request_cost_usd;
  if (!budget_left || request_spent_out) {
    if (in_flight_ == 0) {
      const std::string reason = budget_left ? "request budget spent" : "router budget spent";
      stop_reason_ = reason;
      return give_up(make_error_code(errc::budget_exhausted), reason);
    }
    decision d;  // no hedge: wait for the attempts in flight
    d.what = decision::kind::wait;
    d.until = deadline_;
    return d;
  }
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

boost::system::error_code planner::on_end(std::size_t attempt, time_point now, const attempt_end& e,
                                          const diagnostics& d) {
  if (attempt >= attempts_.size() || !running_[attempt]) return e.ec;
  boost::system::error_code ec = e.ec;
  if (e.timed_out && ec == boost::asio::error::operation_aborted)
    ec = make_error_code(until_[attempt] >= deadline_ ? errc::total_timeout : errc::attempt_timeout);
  if (e.cost && *e.cost > 0) spent_ += *e.cost;
  const bool cancelled = e.dropped || e.timed_out || e.ec == boost::asio::error::operation_aborted;
  const bool failed_after_send = e.ec && d.request_sent && d.http_status < 300;
  note_cost(attempt, e.cost, !e.cost && (cancelled || e.answer_unread || failed_after_send));
  on_outcome(attempt, now, ec, d);
  return ec;
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
