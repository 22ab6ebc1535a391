#include <openrouter/routing/planner.hpp>

#include <algorithm>

namespace openrouter::routing {

// --- health ------------------------------------------------------------------------------------

health::health(const policy& p)
    : limits_(p.limits),
      use_breakers_(p.use_breakers),
      use_budget_(p.use_retry_budget),
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

std::optional<time_point> health::try_begin(const std::string& model, time_point now) {
  std::lock_guard lock(m_);
  model_load& m = load(model);
  const std::size_t per_model = limit_of(m);
  if ((limits_.max_in_flight && in_flight_ >= limits_.max_in_flight) || (per_model && m.in_flight >= per_model))
    return now + std::max<std::chrono::milliseconds>(limits_.poll, std::chrono::milliseconds(1));
  if (bucket_ && !bucket_->try_take(now)) return bucket_->next_token(now);
  ++in_flight_;
  ++m.in_flight;
  return std::nullopt;
}

void health::end(const std::string& model, bool success, bool overload) {
  std::lock_guard lock(m_);
  model_load& m = load(model);
  if (m.in_flight) --m.in_flight;
  if (in_flight_) --in_flight_;
  if (m.adaptive) {
    if (overload) m.adaptive->on_overload();
    else if (success) m.adaptive->on_success();
  }
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
  at(model).cool_down(now, d);
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
      rng_(seed),
      deadline_(p.deadline.count() > 0 ? start + p.deadline : time_point::max()) {}

planner::decision planner::give_up(boost::system::error_code ec, std::string reason) {
  finished_ = true;
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
}

bool planner::fell_back() const noexcept {
  return std::any_of(attempts_.begin(), attempts_.end(),
                     [&](const attempt_record& a) { return a.model != candidates_.front(); });
}

planner::decision planner::next(time_point now) {
  const auto deadline_error = [&] { return last_ec_ ? last_ec_ : make_error_code(errc::total_timeout); };
  if (finished_) return give_up(succeeded_ ? boost::system::error_code{} : last_ec_, succeeded_ ? "success" : "finished");
  if (in_flight_) return give_up(make_error_code(errc::invalid_argument), "next() while an attempt is in flight");
  if (now >= deadline_) return give_up(deadline_error(), "deadline");
  if (attempts_.size() >= p_.max_attempts) return give_up(last_ec_, "attempts");
  if (wait_until_ && now < *wait_until_) {
    if (*wait_until_ >= deadline_) return give_up(deadline_error(), "deadline");
    decision d;
    d.what = decision::kind::wait;
    d.until = *wait_until_;
    return d;
  }
  wait_until_.reset();
  while (cur_ < candidates_.size()) {
    if (on_current_ >= std::max(p_.max_attempts_per_model, 1u)) {
      advance();
      continue;
    }
    if (h_.admit(candidates_[cur_], now)) break;
    advance();  // its breaker is open: the next candidate
  }
  if (cur_ >= candidates_.size()) {
    if (!last_ec_) return give_up(make_error_code(errc::service_unavailable), "every candidate's circuit breaker is open");
    return give_up(last_ec_, "candidates exhausted");
  }
  const std::string& model = candidates_[cur_];
  if (auto later = h_.try_begin(model, now)) {  // no slot or no token yet: wait for one
    h_.abandon(model, now);                      // give a half-open probe slot back
    if (*later >= deadline_) return give_up(deadline_error(), "deadline");
    decision d;
    d.what = decision::kind::wait;
    d.until = *later;
    return d;
  }
  // The retry budget is for sending the same request to the same model again, which is what
  // turns an upstream's trouble into a storm; moving on to another candidate is bounded by
  // max_attempts and the breakers instead.
  if (attempts_.empty()) {
    h_.first_attempt(now);
  } else if (on_current_ > 0 && !h_.try_retry(now)) {
    h_.end(model, false, false);
    h_.abandon(model, now);
    return give_up(last_ec_, "retry budget exhausted");
  }
  in_flight_ = true;
  ++on_current_;
  attempt_record rec;
  rec.model = model;
  rec.started = now;
  attempts_.push_back(std::move(rec));
  decision d;
  d.what = decision::kind::attempt;
  d.model = model;
  d.until = p_.attempt_timeout.count() > 0 ? std::min(deadline_, now + p_.attempt_timeout) : deadline_;
  return d;
}

void planner::on_outcome(time_point now, boost::system::error_code ec, const diagnostics& d) {
  if (!in_flight_ || attempts_.empty()) return;
  in_flight_ = false;
  attempt_record& rec = attempts_.back();
  rec.ended = now;
  rec.ec = ec;
  rec.http_status = d.http_status;
  rec.provider = d.provider;
  rec.generation_id = d.generation_id;
  h_.end(rec.model, !ec, ec == errc::rate_limited);
  if (!ec) {
    h_.success(rec.model, now);
    finished_ = succeeded_ = true;
    last_ec_ = {};
    return;
  }
  last_ec_ = ec;
  const classification c = classify(ec, d, p_.classifier);
  rec.cls = c.cls;
  rec.action = c.action;
  if (about_the_model(c.cls)) h_.failure(rec.model, now);
  else h_.abandon(rec.model, now);
  if (c.cls == error_class::rate_limited && c.retry_after) h_.cool_down(rec.model, now, *c.retry_after);
  switch (c.action) {
    case verdict::stop:
      finished_ = true;
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
      wait_until_ = now + *wait;
      return;
    }
  }
}

}  // namespace openrouter::routing
