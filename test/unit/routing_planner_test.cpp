// routing::planner on a virtual clock: the decisions of one routed request (attempt, wait,
// give up) for every kind of outcome, shared breakers and retry budget, deadlines; and
// policy_from_json.
#include <openrouter/routing/planner.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/wire/error_body.hpp>

#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>
#include "routing_fixtures.hpp"

#include <boost/test/unit_test.hpp>

using namespace openrouter;
using namespace openrouter::routing;
using namespace std::chrono_literals;
using kind = planner::decision::kind;

namespace {

using routing_fixtures::t0;

policy two_models() {
  policy p = routing_fixtures::exact_policy({"a/primary", "b/fallback"});
  p.backoff.retry_after_cap = 5s;
  return p;
}

// Slot waits: one attempt per model, two in all, and polling too slow to matter (a waiter must
// be woken, not find the slot by looking again).
policy one_slot_per_model() {
  policy p = two_models();
  p.limits.max_in_flight = 2;
  p.limits.max_in_flight_per_model = 1;
  p.limits.poll = 10s;
  return p;
}

// One model, one attempt in flight.
policy one_slot() {
  policy p = one_slot_per_model();
  p.models = {"a/primary"};
  p.limits.max_in_flight = 1;
  return p;
}

// Records whom `h` wakes, in order.
void record_wakes(health& h, std::vector<health::waiter_id>& woken) {
  h.set_slot_listener([&woken](health::waiter_id w) { woken.push_back(w); });
}

// A shared health under `p`, and whom it woke.
struct slot_waits {
  policy p;
  health h;
  std::vector<health::waiter_id> woken;
  explicit slot_waits(policy pol) : p(std::move(pol)), h(p) { record_wakes(h, woken); }
};

using routing_fixtures::status;
using routing_fixtures::err;


// Drives a planner with scripted outcomes; returns the decisions' trace ("a/primary@0ms", ...).
struct driver {
  policy p;
  health h;
  planner pl;
  time_point now = t0;
  explicit driver(policy pol) : p(std::move(pol)), h(p), pl(p, p.models, h, t0, 1) {}
  driver(policy pol, health& shared) = delete;

  planner::decision step() { return pl.next(now); }
  // Expects an attempt on `model`, then reports `ec`/`d` after `took`.
  void attempt(const std::string& model, boost::system::error_code ec, diagnostics d = {}, std::chrono::milliseconds took = 10ms) {
    auto dec = pl.next(now);
    BOOST_TEST_REQUIRE((dec.what == kind::attempt), "expected an attempt on " << model << ", got " << int(dec.what) << " " << dec.reason);
    BOOST_TEST(dec.model == model);
    now += took;
    pl.on_outcome(now, ec, d);
  }
  // Expects a wait of exactly `w`, and moves the clock past it.
  void wait(std::chrono::milliseconds w) {
    auto dec = pl.next(now);
    BOOST_TEST_REQUIRE((dec.what == kind::wait), "expected a wait, got " << int(dec.what) << " " << dec.reason);
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(dec.until - now).count() == w.count());
    now = dec.until;
  }
  planner::decision give_up() {
    auto dec = pl.next(now);
    BOOST_TEST_REQUIRE((dec.what == kind::give_up), "expected give_up, got " << int(dec.what));
    return dec;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_planner_test)

BOOST_AUTO_TEST_CASE(success_first_time) {
  driver d(two_models());
  d.attempt("a/primary", {});
  auto g = d.give_up();
  BOOST_TEST(!g.ec);
  BOOST_TEST(g.reason == "success");
  BOOST_TEST(!d.pl.fell_back());
  BOOST_TEST(d.pl.attempts().size() == 1u);
}

BOOST_AUTO_TEST_CASE(transient_errors_retry_the_same_model_with_backoff) {
  driver d(two_models());
  d.attempt("a/primary", err(errc::service_unavailable), status(503));
  d.wait(100ms);
  d.attempt("a/primary", err(errc::bad_gateway), status(502));
  d.wait(200ms);
  d.attempt("a/primary", {});
  BOOST_TEST(!d.give_up().ec);
  BOOST_TEST(d.pl.attempts().size() == 3u);
  BOOST_TEST(to_string(d.pl.attempts()[0].cls) == "overloaded");
  BOOST_TEST(to_string(d.pl.attempts()[0].action) == "retry_same");
}

BOOST_AUTO_TEST_CASE(retries_exhausted_for_a_model_move_to_the_next) {
  auto p = two_models();
  p.max_attempts_per_model = 2;
  driver d(p);
  d.attempt("a/primary", err(errc::server_error), status(500));
  d.wait(100ms);
  d.attempt("a/primary", err(errc::server_error), status(500));
  d.attempt("b/fallback", {});  // no wait before another model
  BOOST_TEST(!d.give_up().ec);
  BOOST_TEST(d.pl.fell_back());
}

BOOST_AUTO_TEST_CASE(retry_after_is_waited_for_under_the_cap_and_skipped_over_it) {
  // The last candidate: Retry-After is waited for up to the cap (5 s here), not beyond.
  auto single = two_models();
  single.models = {"a/primary"};
  driver d(single);
  d.attempt("a/primary", err(errc::rate_limited), status(429, 2000ms));
  d.wait(2000ms);  // Retry-After beats the 100 ms backoff
  d.attempt("a/primary", err(errc::rate_limited), status(429, 30000ms));  // over the cap
  auto g = d.give_up();
  BOOST_TEST((g.ec == errc::rate_limited));
  BOOST_TEST(g.reason == "candidates exhausted");
  // The 30 s Retry-After cooled model A down for every request of the router, for the cap (5 s)
  // at most (see routing_cool_down_test).
  BOOST_TEST(to_string(d.h.state("a/primary", d.now + 4s)) == "open");
  BOOST_TEST(to_string(d.h.state("a/primary", d.now + 5s)) == "half_open");

  // With a candidate left, only a short Retry-After (fallback_over, 1 s by default) is waited
  // for; a longer one moves on at once.
  driver e(two_models());
  e.attempt("a/primary", err(errc::rate_limited), status(429, 500ms));
  e.wait(500ms);
  e.attempt("a/primary", err(errc::rate_limited), status(429, 2000ms));
  e.attempt("b/fallback", {});
  BOOST_TEST(!e.give_up().ec);
}

BOOST_AUTO_TEST_CASE(model_specific_errors_fall_back_at_once_and_caller_errors_stop) {
  driver d(two_models());
  d.attempt("a/primary", err(errc::not_found), status(404));
  d.attempt("b/fallback", {});
  BOOST_TEST(!d.give_up().ec);

  driver s(two_models());
  s.attempt("a/primary", err(errc::unauthorized), status(401));
  auto g = s.give_up();
  BOOST_TEST((g.ec == errc::unauthorized));
  BOOST_TEST(s.pl.attempts().size() == 1u);
}

BOOST_AUTO_TEST_CASE(every_candidate_failing_ends_with_the_last_error) {
  auto p = two_models();
  p.max_attempts_per_model = 1;
  driver d(p);
  d.attempt("a/primary", err(errc::service_unavailable), status(503));
  d.attempt("b/fallback", err(errc::bad_gateway), status(502));
  auto g = d.give_up();
  BOOST_TEST((g.ec == errc::bad_gateway));
  BOOST_TEST(g.reason == "candidates exhausted");
}

BOOST_AUTO_TEST_CASE(max_attempts_over_all_candidates) {
  auto p = two_models();
  p.max_attempts = 3;
  driver d(p);
  d.attempt("a/primary", err(errc::server_error), status(500));
  d.wait(100ms);
  d.attempt("a/primary", err(errc::server_error), status(500));
  d.wait(200ms);
  d.attempt("a/primary", err(errc::server_error), status(500));
  auto g = d.give_up();
  BOOST_TEST(g.reason == "attempts");
  BOOST_TEST((g.ec == errc::server_error));
}

BOOST_AUTO_TEST_CASE(one_deadline_over_attempts_and_waits) {
  auto p = two_models();
  p.deadline = 1s;
  p.backoff.initial = 400ms;
  p.max_attempts_per_model = 10;
  p.models = {"a/primary"};
  driver d(p);
  d.attempt("a/primary", err(errc::server_error), status(500), 100ms);  // t = 100
  d.wait(400ms);                                                         // t = 500
  d.attempt("a/primary", err(errc::server_error), status(500), 100ms);  // t = 600
  // The next wait (800 ms) would end past the deadline: give up now, with the real error.
  auto g = d.give_up();
  BOOST_TEST(g.reason == "deadline");
  BOOST_TEST((g.ec == errc::server_error));
  // Attempt deadlines never pass the overall one.
  auto q = two_models();
  q.deadline = 10s;
  q.attempt_timeout = 3s;
  driver e(q);
  auto a = e.step();
  BOOST_TEST((a.until == t0 + 3s));
  e.now = t0 + 9s;
  e.pl.on_outcome(e.now, err(errc::attempt_timeout), {});
  auto b = e.step();
  BOOST_REQUIRE((b.what == kind::wait));
  e.now = b.until;
  auto c = e.step();
  BOOST_REQUIRE((c.what == kind::attempt));
  BOOST_TEST((c.until == t0 + 10s));
}

BOOST_AUTO_TEST_CASE(an_open_breaker_skips_its_model_for_every_request) {
  auto p = two_models();
  p.breaker.min_requests = 4;
  p.breaker.failure_ratio = 0.5;
  p.breaker.open_for = 10s;
  p.max_attempts_per_model = 1;
  health shared(p);
  // Four requests fail on A (and succeed on B): A's breaker opens.
  for (int i = 0; i < 4; ++i) {
    planner pl(p, p.models, shared, t0, 1);
    auto a = pl.next(t0);
    BOOST_REQUIRE(a.model == "a/primary");
    pl.on_outcome(t0, err(errc::service_unavailable), status(503));
    auto b = pl.next(t0);
    BOOST_REQUIRE(b.model == "b/fallback");
    pl.on_outcome(t0, {}, {});
  }
  BOOST_TEST(to_string(shared.state("a/primary", t0)) == "open");
  planner next(p, p.models, shared, t0 + 1s, 1);
  auto a = next.next(t0 + 1s);
  BOOST_TEST(a.model == "b/fallback");  // A not even tried
  next.on_outcome(t0 + 1s, {}, {});
  // After the cool-down one probe goes to A; it succeeds and A is closed again.
  planner probe(p, p.models, shared, t0 + 11s, 1);
  auto pa = probe.next(t0 + 11s);
  BOOST_TEST(pa.model == "a/primary");
  probe.on_outcome(t0 + 11s, {}, {});
  BOOST_TEST(to_string(shared.state("a/primary", t0 + 11s)) == "closed");
}

BOOST_AUTO_TEST_CASE(every_breaker_open_past_the_deadline_fails_fast) {
  auto p = two_models();
  p.deadline = 3s;  // the cool-downs (5 s, the cap) end after it: no point waiting
  health shared(p);
  shared.cool_down("a/primary", t0, 30s);
  shared.cool_down("b/fallback", t0, 30s);
  planner pl(p, p.models, shared, t0, 1);
  auto g = pl.next(t0);
  BOOST_REQUIRE((g.what == kind::give_up));
  BOOST_TEST((g.ec == errc::service_unavailable));
  BOOST_TEST(g.reason.find("circuit breaker") != std::string::npos);
  BOOST_TEST(pl.attempts().empty());
}

BOOST_AUTO_TEST_CASE(the_retry_budget_stops_retry_storms) {
  auto p = two_models();
  p.models = {"a/primary"};
  p.max_attempts_per_model = 5;
  p.max_attempts = 5;
  p.retry_budget.ratio = 0.1;
  p.retry_budget.min_retries = 0;
  p.use_breakers = false;
  health shared(p);
  // 100 requests, every attempt fails: at most 10% of them may retry at all.
  std::size_t attempts = 0;
  for (int i = 0; i < 100; ++i) {
    planner pl(p, p.models, shared, t0, static_cast<std::uint64_t>(i + 1));
    auto now = t0;
    while (true) {
      auto dec = pl.next(now);
      if (dec.what == kind::give_up) break;
      if (dec.what == kind::wait) {
        now = dec.until;
        continue;
      }
      ++attempts;
      pl.on_outcome(now, err(errc::server_error), status(500));
    }
  }
  BOOST_TEST(attempts >= 100u);
  BOOST_TEST(attempts <= 110u);
}

BOOST_AUTO_TEST_CASE(the_retry_budget_covers_same_model_retries_not_fallbacks) {
  auto p = two_models();
  p.retry_budget.ratio = 0;
  p.retry_budget.min_retries = 0;  // no retry at all
  driver d(p);
  d.attempt("a/primary", err(errc::not_found), status(404));
  d.attempt("b/fallback", {});  // a fallback is not a retry
  BOOST_TEST(!d.give_up().ec);
  driver e(p);
  e.attempt("a/primary", err(errc::server_error), status(500));
  e.attempt("b/fallback", {});  // the same model again would be a retry: refused, so move on
  BOOST_TEST(!e.give_up().ec);
  auto single = p;
  single.models = {"a/primary"};
  driver s(single);
  s.attempt("a/primary", err(errc::server_error), status(500));
  auto g = s.give_up();  // nowhere to move on to
  BOOST_TEST(g.reason == "retry budget exhausted");
  BOOST_TEST((g.ec == errc::server_error));
}

BOOST_AUTO_TEST_CASE(in_flight_limits_make_requests_wait_for_a_slot) {
  auto p = two_models();
  p.models = {"a/primary"};
  p.limits.max_in_flight = 2;
  p.limits.poll = 5ms;
  health shared(p);
  planner r1(p, p.models, shared, t0, 1), r2(p, p.models, shared, t0, 2), r3(p, p.models, shared, t0, 3);
  BOOST_TEST((r1.next(t0).what == kind::attempt));
  BOOST_TEST((r2.next(t0).what == kind::attempt));
  auto w = r3.next(t0);
  BOOST_REQUIRE((w.what == kind::wait));
  BOOST_TEST((w.until == t0 + 5ms));
  BOOST_TEST(shared.in_flight() == 2u);
  BOOST_TEST(r3.attempts().empty());  // waiting for a slot is not an attempt
  r1.on_outcome(t0 + 3ms, {}, {});
  BOOST_TEST(shared.in_flight() == 1u);
  BOOST_TEST((r3.next(t0 + 5ms).what == kind::attempt));
  // Per model: the other model still has room.
  auto q = two_models();
  q.limits.max_in_flight_per_model = 1;
  health h2(q);
  planner a(q, {"a/primary"}, h2, t0, 1), b(q, {"a/primary"}, h2, t0, 2), c(q, {"b/fallback"}, h2, t0, 3);
  BOOST_TEST((a.next(t0).what == kind::attempt));
  BOOST_TEST((b.next(t0).what == kind::wait));
  BOOST_TEST((c.next(t0).what == kind::attempt));
  BOOST_TEST(h2.in_flight("a/primary") == 1u);
}

// Slot waits are event-driven: a freed slot wakes (through the health's listener) exactly the
// waiter it is owed to, oldest first; nobody else, queued or new, can take it meanwhile.
BOOST_AUTO_TEST_CASE(a_freed_slot_goes_to_the_longest_waiter_and_wakes_it) {
  using ids = std::vector<health::waiter_id>;
  slot_waits s(one_slot());
  auto& [p, h, woken] = s;
  planner r1(p, p.models, h, t0, 1), r2(p, p.models, h, t0, 2), r3(p, p.models, h, t0, 3), r4(p, p.models, h, t0, 4);
  BOOST_TEST((r1.next(t0).what == kind::attempt));
  auto w2 = r2.next(t0);
  BOOST_REQUIRE((w2.what == kind::wait));
  BOOST_TEST(w2.slot);
  BOOST_TEST((w2.until == t0 + 10s));  // only the safety net
  BOOST_TEST((r3.next(t0 + 1ms).what == kind::wait));
  BOOST_TEST(h.waiting() == 2u);
  BOOST_TEST(woken.empty());
  r1.on_outcome(t0 + 5ms, {}, {});
  BOOST_TEST((woken == ids{r2.waiter()}));  // the oldest waiter only
  // The slot is r2's: a later waiter and a newcomer both wait (the newcomer queues behind).
  BOOST_TEST((r3.next(t0 + 6ms).what == kind::wait));
  BOOST_TEST((r4.next(t0 + 6ms).what == kind::wait));
  BOOST_TEST(h.waiting() == 3u);
  BOOST_TEST((r2.next(t0 + 6ms).what == kind::attempt));
  BOOST_TEST(h.waiting() == 2u);
  r2.on_outcome(t0 + 7ms, {}, {});
  BOOST_TEST((woken == ids{r2.waiter(), r3.waiter()}));
  BOOST_TEST((r4.next(t0 + 8ms).what == kind::wait));  // still r3's turn
  BOOST_TEST((r3.next(t0 + 8ms).what == kind::attempt));
  r3.on_outcome(t0 + 9ms, {}, {});
  BOOST_TEST((woken == ids{r2.waiter(), r3.waiter(), r4.waiter()}));
  BOOST_TEST((r4.next(t0 + 9ms).what == kind::attempt));
  BOOST_TEST(h.waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(a_waiter_for_a_full_model_does_not_hold_up_the_others) {
  using ids = std::vector<health::waiter_id>;
  slot_waits s(one_slot_per_model());
  auto& [p, h, woken] = s;
  BOOST_REQUIRE(!h.try_begin("a/primary", t0));  // other requests hold a's slot and b's
  BOOST_REQUIRE(!h.try_begin("b/fallback", t0));
  planner wa(p, {"a/primary"}, h, t0, 1), wb(p, {"b/fallback"}, h, t0, 2), wc(p, {"c/third"}, h, t0, 3);
  for (planner* w : {&wa, &wb, &wc}) BOOST_TEST((w->next(t0).what == kind::wait));
  BOOST_TEST(h.waiting() == 3u);
  // b's slot frees: wa, first in line, cannot use it (a is still full); wb can, before wc.
  h.end("b/fallback", true, false);
  BOOST_TEST((woken == ids{wb.waiter()}));
  BOOST_TEST((wc.next(t0 + 1ms).what == kind::wait));
  BOOST_TEST((wb.next(t0 + 1ms).what == kind::attempt));
  // wb's attempt ends: a is still full, so the slot goes to wc.
  wb.on_outcome(t0 + 2ms, {}, {});
  BOOST_TEST((woken == ids{wb.waiter(), wc.waiter()}));
  BOOST_TEST((wa.next(t0 + 2ms).what == kind::wait));
  BOOST_TEST((wc.next(t0 + 2ms).what == kind::attempt));
  wc.on_outcome(t0 + 3ms, {}, {});
  BOOST_TEST(woken.size() == 2u);  // nothing for wa yet
  h.end("a/primary", true, false);
  BOOST_TEST((woken == ids{wb.waiter(), wc.waiter(), wa.waiter()}));
  BOOST_TEST((wa.next(t0 + 4ms).what == kind::attempt));
}

BOOST_AUTO_TEST_CASE(a_waiter_that_goes_passes_its_slot_on) {
  using ids = std::vector<health::waiter_id>;
  slot_waits s(one_slot());
  auto& [p, h, woken] = s;
  planner r1(p, p.models, h, t0, 1), r3(p, p.models, h, t0, 3), r4(p, p.models, h, t0, 4);
  BOOST_TEST((r1.next(t0).what == kind::attempt));
  health::waiter_id gone = 0;
  {
    planner r2(p, p.models, h, t0, 2);
    gone = r2.waiter();
    BOOST_TEST((r2.next(t0).what == kind::wait));
    BOOST_TEST((r3.next(t0).what == kind::wait));
    BOOST_TEST((r4.next(t0).what == kind::wait));
    r1.on_outcome(t0 + 1ms, {}, {});
    BOOST_TEST((woken == ids{gone}));
  }  // r2 goes (its request ended some other way) without taking the slot it was owed
  BOOST_TEST((woken == ids{gone, r3.waiter()}));
  r3.stop_waiting();  // the caller cancelled r3
  BOOST_TEST((woken == ids{gone, r3.waiter(), r4.waiter()}));
  BOOST_TEST((r4.next(t0 + 2ms).what == kind::attempt));
  BOOST_TEST(h.waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(a_waiter_that_can_no_longer_use_its_slot_passes_it_on) {
  using ids = std::vector<health::waiter_id>;
  auto breaking = one_slot_per_model();
  breaking.breaker.min_requests = 1;
  slot_waits s(breaking);
  auto& [p, h, woken] = s;
  BOOST_REQUIRE(!h.try_begin("a/primary", t0));
  BOOST_REQUIRE(!h.try_begin("b/fallback", t0));
  planner w1(p, {"c/third", "a/primary"}, h, t0, 1), w2(p, {"d/fourth"}, h, t0, 2);
  BOOST_TEST((w1.next(t0).what == kind::wait));
  BOOST_TEST((w2.next(t0).what == kind::wait));
  h.end("b/fallback", true, false);
  BOOST_TEST((woken == ids{w1.waiter()}));
  // Before w1 comes for it, c's breaker opens: w1 moves on to a, which is full.
  h.failure("c/third", t0);
  BOOST_REQUIRE(to_string(h.state("c/third", t0)) == "open");
  BOOST_TEST((w1.next(t0 + 1ms).what == kind::wait));
  BOOST_TEST((woken == ids{w1.waiter(), w2.waiter()}));
  BOOST_TEST((w2.next(t0 + 1ms).what == kind::attempt));
}

BOOST_AUTO_TEST_CASE(a_slot_wait_lasts_until_the_deadline_not_just_the_poll) {
  auto p = two_models();
  p.models = {"a/primary"};
  p.limits.max_in_flight = 1;
  p.limits.poll = 10s;
  p.deadline = 1s;
  health h(p);
  planner r1(p, p.models, h, t0, 1), r2(p, p.models, h, t0, 2);
  BOOST_TEST((r1.next(t0).what == kind::attempt));
  auto w = r2.next(t0);
  BOOST_REQUIRE((w.what == kind::wait));
  BOOST_TEST((w.until == t0 + 1s));  // the deadline comes before the poll: no early give-up
  auto g = r2.next(t0 + 1s);
  BOOST_REQUIRE((g.what == kind::give_up));
  BOOST_TEST(g.reason == "deadline");
  BOOST_TEST((g.ec == errc::total_timeout));
  BOOST_TEST(r2.attempts().empty());
  BOOST_TEST(h.waiting() == 0u);
  // poll zero: no safety net at all, the wait ends at the deadline (or when woken).
  p.limits.poll = 0ms;
  p.deadline = 0ms;  // none
  health h2(p);
  planner a(p, p.models, h2, t0, 1), b(p, p.models, h2, t0, 2);
  BOOST_TEST((a.next(t0).what == kind::attempt));
  auto w2 = b.next(t0);
  BOOST_TEST((w2.until == time_point::max()));
  BOOST_TEST(w2.slot);
}

BOOST_AUTO_TEST_CASE(requests_per_minute_wait_exactly_for_the_next_token) {
  auto p = two_models();
  p.models = {"a/primary"};
  p.limits.requests_per_minute = 60;  // one a second
  p.limits.burst = 1;
  health shared(p);
  planner r1(p, p.models, shared, t0, 1), r2(p, p.models, shared, t0, 2);
  BOOST_TEST((r1.next(t0).what == kind::attempt));
  r1.on_outcome(t0, {}, {});
  auto w = r2.next(t0 + 200ms);
  BOOST_REQUIRE((w.what == kind::wait));
  auto in = std::chrono::duration_cast<std::chrono::milliseconds>(w.until - (t0 + 200ms)).count();
  BOOST_TEST(in >= 799);
  BOOST_TEST(in <= 801);
  BOOST_TEST((r2.next(w.until).what == kind::attempt));
  // A wait that would pass the deadline gives up instead.
  auto q = p;
  q.deadline = 500ms;
  planner r3(q, q.models, shared, t0 + 1s, 3);
  auto g = r3.next(t0 + 1s);
  BOOST_REQUIRE((g.what == kind::give_up));
  BOOST_TEST(g.reason == "deadline");
}

BOOST_AUTO_TEST_CASE(adaptive_concurrency_halves_on_429_and_grows_back) {
  auto p = two_models();
  p.limits.adaptive = true;
  p.limits.max_in_flight_per_model = 8;
  health h(p);
  BOOST_TEST(h.model_limit("a/primary") == 8u);
  BOOST_REQUIRE(!h.try_begin("a/primary", t0));
  h.end("a/primary", false, true);  // a 429
  BOOST_TEST(h.model_limit("a/primary") == 4u);
  BOOST_REQUIRE(!h.try_begin("a/primary", t0));
  h.end("a/primary", false, true);
  BOOST_REQUIRE(!h.try_begin("a/primary", t0));
  h.end("a/primary", false, true);
  BOOST_REQUIRE(!h.try_begin("a/primary", t0));
  h.end("a/primary", false, true);
  BOOST_TEST(h.model_limit("a/primary") == 1u);  // never below one
  for (int i = 0; i < 20; ++i) {
    BOOST_REQUIRE(!h.try_begin("a/primary", t0));
    h.end("a/primary", true, false);
  }
  BOOST_TEST(h.model_limit("a/primary") >= 5u);  // additive growth: about +1 per `limit` successes
  BOOST_TEST(h.model_limit("a/primary") <= 8u);
  BOOST_TEST(h.model_limit("b/fallback") == 8u);  // per model
}

BOOST_AUTO_TEST_CASE(the_callers_cancellation_stops_and_does_not_count_against_the_model) {
  auto p = two_models();
  p.breaker.min_requests = 1;
  driver d(p);
  d.attempt("a/primary", boost::asio::error::operation_aborted);
  auto g = d.give_up();
  BOOST_TEST((g.ec == boost::asio::error::operation_aborted));
  BOOST_TEST(to_string(d.h.state("a/primary", d.now)) == "closed");
}

BOOST_AUTO_TEST_CASE(running_out_of_descriptors_retries_and_does_not_count_against_the_model) {
  // The process had no file descriptor left: the same model is retried after a backoff, and
  // however often it happens, no model's breaker opens (they would all open at once).
  auto p = two_models();
  p.breaker.min_requests = 1;
  p.breaker.failure_ratio = 0.5;
  driver d(p);
  d.attempt("a/primary", err(errc::out_of_resources));
  d.wait(100ms);
  d.attempt("a/primary", err(errc::out_of_resources));
  BOOST_TEST(to_string(d.h.state("a/primary", d.now)) == "closed");
  d.wait(200ms);
  d.attempt("a/primary", {});
}

BOOST_AUTO_TEST_CASE(policy_from_json_reads_every_knob) {
  auto v = boost::json::parse(R"({
    "models": ["a/x", "b/y"], "server_side_fallback": true, "max_attempts": 4, "max_attempts_per_model": 2,
    "deadline_ms": 30000, "attempt_timeout_ms": 5000,
    "backoff": {"initial_ms": 50, "multiplier": 3, "max_ms": 900, "jitter": "equal", "retry_after_cap_ms": 7000,
                "fallback_over_ms": 250},
    "breaker": {"enabled": false, "window_ms": 20000, "min_requests": 5, "failure_ratio": 0.3, "open_ms": 2000,
                "max_open_ms": 8000, "half_open_probes": 2},
    "retry_budget": {"enabled": true, "ratio": 0.5, "window_ms": 1000, "min_retries": 3},
    "max_cost_usd": 2.5, "max_request_cost_usd": 0.01,
    "filter_by_catalog": true, "catalog_max_age_ms": 60000, "require_parameters": false,
    "limits": {"max_in_flight": 100, "max_in_flight_per_model": 10, "requests_per_minute": 600, "burst": 5,
               "adaptive": true, "poll_ms": 7},
    "hedge": {"enabled": true, "delay_ms": 0, "quantile": 0.9, "min_samples": 5, "min_delay_ms": 20,
              "max_delay_ms": 900, "max_hedges": 2},
    "overrides": {"not_found": "stop", "rate_limited": "next_model"}})");
  boost::system::error_code ec;
  std::string what;
  policy p = policy_from_json(v, ec, what);
  BOOST_TEST_REQUIRE(!ec, what);
  BOOST_TEST(p.models.size() == 2u);
  BOOST_TEST(p.server_side_fallback);
  BOOST_TEST(p.max_attempts == 4u);
  BOOST_TEST(p.max_attempts_per_model == 2u);
  BOOST_TEST(p.deadline.count() == 30000);
  BOOST_TEST(p.attempt_timeout.count() == 5000);
  BOOST_TEST(p.backoff.initial.count() == 50);
  BOOST_TEST(p.backoff.multiplier == 3.0);
  BOOST_TEST(p.backoff.max.count() == 900);
  BOOST_TEST((p.backoff.jitter == backoff_policy::jitter_kind::equal));
  BOOST_TEST(p.backoff.retry_after_cap.count() == 7000);
  BOOST_TEST(p.backoff.fallback_over.count() == 250);
  BOOST_TEST(!p.use_breakers);
  BOOST_TEST(p.breaker.min_requests == 5u);
  BOOST_TEST(p.breaker.failure_ratio == 0.3);
  BOOST_TEST(p.breaker.half_open_probes == 2u);
  BOOST_TEST(p.retry_budget.ratio == 0.5);
  BOOST_TEST(p.retry_budget.min_retries == 3u);
  BOOST_TEST(p.max_cost_usd == 2.5);
  BOOST_TEST(p.max_request_cost_usd == 0.01);
  BOOST_TEST(p.filter_by_catalog);
  BOOST_TEST(p.catalog_max_age.count() == 60000);
  BOOST_TEST(!p.require_parameters);
  BOOST_TEST(p.limits.max_in_flight == 100u);
  BOOST_TEST(p.limits.max_in_flight_per_model == 10u);
  BOOST_TEST(p.limits.requests_per_minute == 600.0);
  BOOST_TEST(p.limits.burst == 5.0);
  BOOST_TEST(p.limits.adaptive);
  BOOST_TEST(p.limits.poll.count() == 7);
  BOOST_TEST(p.hedge.enabled);
  BOOST_TEST(p.hedge.quantile == 0.9);
  BOOST_TEST(p.hedge.min_samples == 5u);
  BOOST_TEST(p.hedge.min_delay.count() == 20);
  BOOST_TEST(p.hedge.max_delay.count() == 900);
  BOOST_TEST(p.hedge.max_hedges == 2u);
  BOOST_TEST_REQUIRE(p.classifier.overrides.size() == 2u);
  BOOST_TEST((p.classifier.overrides[0].first == errc::not_found));
  BOOST_TEST((p.classifier.overrides[1].second == verdict::next_model));

  for (auto [text, key] : std::initializer_list<std::pair<const char*, const char*>>{
           {R"({"max_attempts": "3"})", "$.max_attempts"},
           {R"({"backoff": {"initial": 5}})", "$.backoff.initial"},
           {R"({"overrides": {"teapot": "stop"}})", "$.overrides.teapot"},
           {R"({"overrides": {"not_found": "later"}})", "$.overrides.not_found"},
           {R"({"models": ["a", ""]})", "$.models"},
           {R"({"deadline_ms": -1})", "$.deadline_ms"},
           {R"({"mystery": 1})", "$.mystery"},
           {R"({"hedge": {"quantile": 1.5}})", "$.hedge.quantile"},
           {R"({"hedge": {"after_ms": 5}})", "$.hedge.after_ms"},
           {R"([1])", "$"}}) {
    policy bad = policy_from_json(boost::json::parse(text), ec, what);
    BOOST_TEST((ec == errc::invalid_argument), text);
    BOOST_TEST(what.starts_with(key), text << " -> " << what);
  }
}


// --- hedging -------------------------------------------------------------------------------------

namespace {

policy hedged(std::chrono::milliseconds delay) {
  policy p = two_models();
  p.hedge.enabled = true;
  p.hedge.delay = delay;
  return p;
}

planner::decision expect(planner& pl, time_point now, kind k) {
  auto d = pl.next(now);
  BOOST_TEST_REQUIRE((d.what == k), "expected kind " << int(k) << ", got " << int(d.what) << " " << d.reason);
  return d;
}

// A planner (hedging after 300 ms) whose primary `a` and hedge `b` are both running.
struct racing {
  policy p;
  health h;
  planner pl;
  planner::decision a, b;
  explicit racing(std::vector<std::string> models = {"a/primary", "b/fallback"})
      : p([&] {
          policy q = hedged(300ms);
          q.models = std::move(models);
          return q;
        }()),
        h(p),
        pl(p, p.models, h, t0, 1) {
    a = expect(pl, t0, kind::attempt);
    b = expect(pl, t0 + 300ms, kind::attempt);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_hedge_starts_the_next_candidate_after_the_delay_and_the_first_answer_wins) {
  policy p = hedged(300ms);
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto a = expect(pl, t0, kind::attempt);
  BOOST_TEST(a.model == "a/primary");
  BOOST_TEST(!a.hedge);
  auto w = expect(pl, t0 + 100ms, kind::wait);  // a running, the hedge not yet due
  BOOST_TEST((w.until == t0 + 300ms));
  auto b = expect(pl, t0 + 300ms, kind::attempt);
  BOOST_TEST(b.model == "b/fallback");
  BOOST_TEST(b.hedge);
  BOOST_TEST(pl.in_flight() == 2u);
  BOOST_TEST(h.in_flight() == 2u);
  auto w2 = expect(pl, t0 + 310ms, kind::wait);  // max_hedges 1: now only their outcomes
  BOOST_TEST((w2.until == pl.deadline()));
  pl.on_outcome(b.attempt, t0 + 400ms, {}, {});
  BOOST_TEST(pl.finished());
  // The primary lost: cancelled, which says nothing about its health.
  pl.on_outcome(a.attempt, t0 + 401ms, boost::asio::error::operation_aborted, {});
  BOOST_TEST(pl.in_flight() == 0u);
  BOOST_TEST(h.in_flight() == 0u);
  BOOST_TEST(pl.hedged());
  BOOST_TEST(pl.attempts()[1].hedge);
  auto g = expect(pl, t0 + 401ms, kind::give_up);
  BOOST_TEST(!g.ec);
  BOOST_TEST(g.reason == "success");
  BOOST_TEST((h.state("a/primary", t0 + 401ms) == breaker::state::closed));
}

BOOST_AUTO_TEST_CASE(the_primary_can_still_win_after_a_hedge_started) {
  racing r;
  r.pl.on_outcome(r.a.attempt, t0 + 350ms, {}, {});
  BOOST_TEST(r.pl.finished());
  r.pl.on_outcome(r.b.attempt, t0 + 351ms, boost::asio::error::operation_aborted, {});
  BOOST_TEST(!expect(r.pl, t0 + 351ms, kind::give_up).ec);
  BOOST_TEST(r.pl.attempts().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_failed_hedge_leaves_the_primary_running_and_the_request_moves_on_from_the_hedge) {
  racing r({"a/primary", "b/fallback", "c/third"});
  BOOST_TEST(r.b.model == "b/fallback");
  r.pl.on_outcome(r.b.attempt, t0 + 320ms, err(errc::not_found), status(404));  // next_model
  BOOST_TEST(!r.pl.finished());
  expect(r.pl, t0 + 330ms, kind::wait);  // the primary still runs; no second hedge (max 1)
  r.pl.on_outcome(r.a.attempt, t0 + 500ms, err(errc::service_unavailable), status(503));
  // Both failed: the request had moved on to b, whose verdict was "next model": c.
  auto c = expect(r.pl, t0 + 500ms, kind::attempt);
  BOOST_TEST(c.model == "c/third");
  BOOST_TEST(!c.hedge);
}

BOOST_AUTO_TEST_CASE(a_hedge_that_fails_while_the_primary_answers_does_not_change_the_outcome) {
  racing r;
  r.pl.on_outcome(r.b.attempt, t0 + 310ms, err(errc::service_unavailable), status(503));
  r.pl.on_outcome(r.a.attempt, t0 + 320ms, {}, {});
  BOOST_TEST(!expect(r.pl, t0 + 320ms, kind::give_up).ec);
}

BOOST_AUTO_TEST_CASE(a_callers_fault_in_either_attempt_stops_the_request) {
  racing r;
  r.pl.on_outcome(r.b.attempt, t0 + 310ms, err(errc::unauthorized), status(401));
  BOOST_TEST(r.pl.finished());  // the router cancels the primary now
  r.pl.on_outcome(r.a.attempt, t0 + 311ms, boost::asio::error::operation_aborted, {});
  auto g = expect(r.pl, t0 + 311ms, kind::give_up);
  BOOST_TEST((g.ec == errc::unauthorized));
}

BOOST_AUTO_TEST_CASE(no_hedge_without_a_next_candidate_or_when_disabled) {
  policy one = hedged(100ms);
  one.models = {"a/primary"};
  health h1(one);
  planner p1(one, one.models, h1, t0, 1);
  expect(p1, t0, kind::attempt);
  auto w = expect(p1, t0 + 5s, kind::wait);
  BOOST_TEST((w.until == p1.deadline()));
  BOOST_TEST(!p1.hedged());

  policy off = two_models();
  health h2(off);
  planner p2(off, off.models, h2, t0, 1);
  expect(p2, t0, kind::attempt);
  expect(p2, t0 + 5s, kind::wait);
  BOOST_TEST(p2.in_flight() == 1u);
}

BOOST_AUTO_TEST_CASE(the_adaptive_delay_is_the_observed_quantile_within_bounds) {
  policy p = hedged(0ms);  // adaptive
  p.hedge.quantile = 0.9;
  p.hedge.min_samples = 10;
  p.hedge.min_delay = 100ms;
  p.hedge.max_delay = 2s;
  health h(p);
  {  // no samples yet: max_delay
    planner pl(p, p.models, h, t0, 1);
    expect(pl, t0, kind::attempt);
    BOOST_TEST((expect(pl, t0, kind::wait).until == t0 + 2s));
  }
  for (int i = 1; i <= 10; ++i) h.observe_answer("a/primary", i * 100ms);  // 100..1000 ms
  {
    planner pl(p, p.models, h, t0, 1);
    expect(pl, t0, kind::attempt);
    BOOST_TEST((expect(pl, t0, kind::wait).until == t0 + 900ms));  // nearest rank p90
  }
  for (int i = 0; i < 200; ++i) h.observe_answer("a/primary", 10ms);  // the ring keeps the last 128
  {
    planner pl(p, p.models, h, t0, 1);
    expect(pl, t0, kind::attempt);
    BOOST_TEST((expect(pl, t0, kind::wait).until == t0 + 100ms));  // clamped to min_delay
  }
  // A success feeds the samples of its model.
  health fresh(p);
  planner pl(p, p.models, fresh, t0, 1);
  auto a = expect(pl, t0, kind::attempt);
  pl.on_outcome(a.attempt, t0 + 700ms, {}, {});
  auto q = fresh.answer_quantile("a/primary", 0.5, 1);
  BOOST_TEST_REQUIRE(q.has_value());
  BOOST_TEST((*q == 700ms));
}

BOOST_AUTO_TEST_CASE(hedges_spend_the_retry_budget) {
  policy p = hedged(100ms);
  p.retry_budget.ratio = 0;
  p.retry_budget.min_retries = 0;  // no extra attempts at all
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  expect(pl, t0, kind::attempt);
  auto w = expect(pl, t0 + 100ms, kind::wait);  // the hedge was refused
  BOOST_TEST((w.until == pl.deadline()));
  BOOST_TEST(pl.in_flight() == 1u);
  BOOST_TEST(h.in_flight() == 1u);  // the refused hedge's slot was given back
  BOOST_TEST(!pl.hedged());
}

BOOST_AUTO_TEST_CASE(a_hedge_waits_for_a_free_slot) {
  policy p = hedged(100ms);
  p.limits.max_in_flight_per_model = 1;
  health h(p);
  BOOST_TEST(!h.try_begin("b/fallback", t0).has_value());  // another request holds b's slot
  planner pl(p, p.models, h, t0, 1);
  expect(pl, t0, kind::attempt);
  std::vector<health::waiter_id> woken;
  record_wakes(h, woken);
  auto w = expect(pl, t0 + 100ms, kind::wait);
  BOOST_TEST((w.until == t0 + 100ms + p.limits.poll));  // the safety net
  BOOST_TEST(w.slot);
  h.end("b/fallback", true, false);
  BOOST_TEST((woken == std::vector<health::waiter_id>{pl.waiter()}));
  auto b = expect(pl, t0 + 101ms, kind::attempt);  // asked again when woken, before the poll
  BOOST_TEST(b.model == "b/fallback");
  BOOST_TEST(b.hedge);
}

BOOST_AUTO_TEST_SUITE_END()
