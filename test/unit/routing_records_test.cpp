// The records a routed request leaves (routing::attempt_record), on a virtual clock: the step
// actually taken after each attempt (not the classifier's advice) and every wait, with its kind
// and duration: backoff, Retry-After, cool-downs, rate and concurrency limits.
#include <openrouter/routing/planner.hpp>
#include <openrouter/routing/policy.hpp>

#include <boost/asio/error.hpp>
#include "routing_fixtures.hpp"

#include <boost/test/unit_test.hpp>

using namespace openrouter;
using namespace openrouter::routing;
using namespace std::chrono_literals;
using kind = planner::decision::kind;

namespace {

using routing_fixtures::t0;

using routing_fixtures::status;
using routing_fixtures::err;


long long ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::string step(const attempt_record& a) {
  std::string s(to_string(a.then));
  if (!a.then_model.empty()) s += ":" + a.then_model;
  if (!a.then_reason.empty()) s += ":" + a.then_reason;
  return s;
}

// "backoff a/primary 100ms" for each wait.
std::string waits(const std::vector<wait_record>& ws) {
  std::string s;
  for (const auto& w : ws) {
    if (!s.empty()) s += ", ";
    s += std::string(to_string(w.why)) + " " + w.model + " " + std::to_string(ms(w.waited())) + "ms";
  }
  return s;
}

// Runs the planner the way the router does: each wait is slept to its end.
struct runner {
  policy p;
  health h;
  planner pl;
  time_point now = t0;
  explicit runner(policy pol) : p(std::move(pol)), h(p), pl(p, p.models, h, t0, 1) {}
  runner(policy pol, health& shared, time_point start)
      : p(std::move(pol)), h(p), pl(p, p.models, shared, start, 1), now(start) {}

  // Sleeps through waits until an attempt, which must be on `model`; it ends after 10 ms.
  void attempt(const std::string& model, boost::system::error_code ec, diagnostics d = {}) {
    auto dec = pl.next(now);
    while (dec.what == kind::wait) {
      now = dec.until;
      dec = pl.next(now);
    }
    BOOST_TEST_REQUIRE((dec.what == kind::attempt), "expected an attempt on " << model << ", got " << dec.reason);
    BOOST_TEST_REQUIRE(dec.model == model);
    now += 10ms;
    pl.on_outcome(now, ec, d);
  }
  planner::decision finish() {
    auto dec = pl.next(now);
    while (dec.what == kind::wait) {
      now = dec.until;
      dec = pl.next(now);
    }
    BOOST_TEST_REQUIRE((dec.what == kind::give_up));
    return dec;
  }
  const attempt_record& at(std::size_t i) const { return pl.attempts().at(i); }
};

policy two_models() {
  policy p = routing_fixtures::exact_policy({"a/primary", "b/fallback"});
  p.backoff.retry_after_cap = 5s;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_records_test)

// The case: three 503s on a model (three attempts per model), then the next model. The
// third 503's verdict is still "retry_same", but what the request did was fall back.
BOOST_AUTO_TEST_CASE(the_step_after_each_attempt_is_the_one_taken_with_its_backoff) {
  runner r(two_models());
  for (int i = 0; i < 3; ++i) r.attempt("a/primary", err(errc::service_unavailable), status(503));
  r.attempt("b/fallback", {});
  BOOST_TEST(!r.finish().ec);
  BOOST_REQUIRE(r.pl.attempts().size() == 4u);
  BOOST_TEST(step(r.at(0)) == "retry:a/primary");
  BOOST_TEST(waits(r.at(0).waits) == "backoff a/primary 100ms");
  BOOST_TEST(step(r.at(1)) == "retry:a/primary");
  BOOST_TEST(waits(r.at(1).waits) == "backoff a/primary 200ms");
  BOOST_TEST(to_string(r.at(2).action) == "retry_same");  // the classifier's advice...
  BOOST_TEST(step(r.at(2)) == "fall_back:b/fallback");    // ...and what was done
  BOOST_TEST(r.at(2).waits.empty());                      // no wait before another model
  BOOST_TEST(step(r.at(3)) == "none");                    // the answer
  BOOST_TEST(r.at(3).waits.empty());
  BOOST_TEST(r.pl.initial_waits().empty());
  // Each wait is where the clock says: from the end of its attempt to the start of the next.
  BOOST_TEST_REQUIRE(r.at(0).waits.size() == 1u);
  BOOST_TEST((r.at(0).waits[0].from == r.at(0).ended));
  BOOST_TEST((r.at(0).waits[0].ended == r.at(1).started));
}

BOOST_AUTO_TEST_CASE(giving_up_is_the_step_after_the_last_attempt_with_the_reason) {
  auto p = two_models();
  p.max_attempts_per_model = 1;
  runner r(p);
  r.attempt("a/primary", err(errc::server_error), status(500));
  r.attempt("b/fallback", err(errc::server_error), status(500));
  auto g = r.finish();
  BOOST_TEST((g.ec == errc::server_error));
  BOOST_TEST(step(r.at(0)) == "fall_back:b/fallback");
  BOOST_TEST(step(r.at(1)) == "give_up:" + g.reason);

  // max_attempts over all candidates.
  auto q = two_models();
  q.max_attempts = 2;
  runner s(q);
  s.attempt("a/primary", err(errc::service_unavailable), status(503));
  s.attempt("a/primary", err(errc::service_unavailable), status(503));
  BOOST_TEST(s.finish().reason == "attempts");
  BOOST_TEST(step(s.at(0)) == "retry:a/primary");
  BOOST_TEST(step(s.at(1)) == "give_up:attempts");
  BOOST_TEST(s.at(1).waits.empty());  // the planned backoff was never waited

  // A caller's fault stops the request at once.
  runner t(two_models());
  t.attempt("a/primary", err(errc::unauthorized), status(401));
  t.finish();
  BOOST_TEST(step(t.at(0)) == "give_up:stop");

  // A backoff that would end past the deadline is not waited: the request gives up.
  auto u = two_models();
  u.models = {"a/primary"};
  u.deadline = 50ms;
  runner v(u);
  v.attempt("a/primary", err(errc::service_unavailable), status(503));
  BOOST_TEST(v.finish().reason == "deadline");
  BOOST_TEST(step(v.at(0)) == "give_up:deadline");
  BOOST_TEST(v.at(0).waits.empty());
}

BOOST_AUTO_TEST_CASE(a_retry_after_longer_than_the_backoff_is_recorded_as_such) {
  auto p = two_models();
  p.use_breakers = false;  // a 429's cool-down and a failed probe would reopen the breaker: not the point here
  runner r(p);
  r.attempt("a/primary", err(errc::rate_limited), status(429, 700ms));  // under fallback_over (1 s)
  r.attempt("a/primary", err(errc::rate_limited), status(429, 50ms));   // shorter than the 200 ms backoff
  r.attempt("a/primary", err(errc::rate_limited), status(429, 3000ms)); // over fallback_over: move on
  r.attempt("b/fallback", {});
  r.finish();
  BOOST_TEST(waits(r.at(0).waits) == "retry_after a/primary 700ms");
  BOOST_TEST(waits(r.at(1).waits) == "backoff a/primary 200ms");
  BOOST_TEST(step(r.at(2)) == "fall_back:b/fallback");
  BOOST_TEST(r.at(2).waits.empty());
}

BOOST_AUTO_TEST_CASE(waiting_for_a_cooling_down_candidate_is_a_cool_down_wait) {
  // The only candidate is cooling down (another request got a Retry-After) for less than the
  // cap: the request waits for it to reopen rather than fail.
  auto p = two_models();
  p.models = {"a/primary"};
  runner r(p);
  r.h.cool_down("a/primary", t0, 2s);  // another request was told to wait 2 s
  r.attempt("a/primary", {});
  BOOST_TEST(waits(r.pl.initial_waits()) == "cool_down a/primary 2000ms");
  BOOST_TEST(r.at(0).waits.empty());
}

BOOST_AUTO_TEST_CASE(rate_and_concurrency_limits_are_waits_with_their_durations) {
  auto p = two_models();
  p.models = {"a/primary"};
  p.limits.requests_per_minute = 60;  // one a second
  p.limits.burst = 1;
  health shared(p);
  planner first(p, p.models, shared, t0, 1);
  BOOST_REQUIRE((first.next(t0).what == kind::attempt));
  first.on_outcome(t0 + 10ms, err(errc::service_unavailable), status(503));
  // The retry (after its 100 ms backoff) waits for the next token too: two waits after it.
  auto w = first.next(t0 + 10ms);
  BOOST_REQUIRE((w.what == kind::wait));
  w = first.next(w.until);
  BOOST_REQUIRE((w.what == kind::wait));
  BOOST_REQUIRE((first.next(w.until).what == kind::attempt));
  BOOST_TEST(waits(first.attempts()[0].waits) == "backoff a/primary 100ms, rate_limit a/primary 890ms");
  BOOST_TEST(step(first.attempts()[0]) == "retry:a/primary");
  first.on_outcome(t0 + 1100ms, {}, {});

  // In-flight slots: a request that finds none waits, and the wait ends when it is asked again
  // after the slot frees (not at the safety-net poll). Asked again in between, with no slot yet,
  // it is the same wait.
  auto q = two_models();
  q.models = {"a/primary"};
  q.limits.max_in_flight = 1;
  q.limits.poll = 10s;
  health h(q);
  planner busy(q, q.models, h, t0, 1), queued(q, q.models, h, t0, 2);
  BOOST_REQUIRE((busy.next(t0).what == kind::attempt));
  BOOST_REQUIRE((queued.next(t0).what == kind::wait));
  BOOST_REQUIRE((queued.next(t0 + 100ms).what == kind::wait));  // a spurious wake
  busy.on_outcome(t0 + 250ms, {}, {});
  BOOST_REQUIRE((queued.next(t0 + 250ms).what == kind::attempt));
  BOOST_TEST(waits(queued.initial_waits()) == "concurrency a/primary 250ms");
  BOOST_TEST(queued.attempts()[0].waits.empty());
}

BOOST_AUTO_TEST_CASE(hedged_attempts_that_lost_are_superseded) {
  auto p = two_models();
  p.hedge.enabled = true;
  p.hedge.delay = 300ms;
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto a = pl.next(t0);
  BOOST_REQUIRE((a.what == kind::attempt));
  BOOST_REQUIRE((pl.next(t0 + 100ms).what == kind::wait));  // waiting for the outcome or the hedge: no record
  auto b = pl.next(t0 + 300ms);
  BOOST_REQUIRE((b.what == kind::attempt));
  pl.on_outcome(a.attempt, t0 + 350ms, err(errc::service_unavailable), status(503));  // the request moved on
  pl.on_outcome(b.attempt, t0 + 400ms, {}, {});
  BOOST_TEST(!pl.next(t0 + 400ms).ec);
  BOOST_TEST(step(pl.attempts()[0]) == "superseded");
  BOOST_TEST(step(pl.attempts()[1]) == "none");
  BOOST_TEST(pl.attempts()[0].waits.empty());
  BOOST_TEST(pl.initial_waits().empty());
}

BOOST_AUTO_TEST_CASE(a_request_stopped_from_outside_gives_up_for_that_reason) {
  // Stopped during a backoff: the wait ends there, and the step is the stop.
  runner r(two_models());
  r.attempt("a/primary", err(errc::service_unavailable), status(503));
  auto w = r.pl.next(r.now);
  BOOST_REQUIRE((w.what == kind::wait));
  r.pl.stopped(r.now + 40ms, "cancelled");
  BOOST_TEST(step(r.at(0)) == "give_up:cancelled");
  BOOST_TEST(waits(r.at(0).waits) == "backoff a/primary 40ms");

  // Stopped while an attempt runs: its failure (the cancellation) is where it gave up.
  runner s(two_models());
  auto a = s.pl.next(t0);
  BOOST_REQUIRE((a.what == kind::attempt));
  s.pl.stopped(t0 + 5ms, "cancelled");
  s.pl.on_outcome(t0 + 6ms, boost::asio::error::operation_aborted, {});
  BOOST_TEST(step(s.at(0)) == "give_up:cancelled");
}

BOOST_AUTO_TEST_SUITE_END()
