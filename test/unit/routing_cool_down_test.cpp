// Cool-downs on a virtual clock: whatever a server says (Retry-After of a year, of
// milliseconds::max()), a breaker never stays open longer than backoff.retry_after_cap (a
// server's cool-down) nor breaker.max_open_for (any open), no duration overflows, and a request
// whose every candidate is cooling down waits for the earliest reopening when that falls within
// its deadline and the cap, instead of failing at once.
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/planner.hpp>
#include <openrouter/routing/policy.hpp>

#include "routing_fixtures.hpp"

#include <boost/test/unit_test.hpp>

#include <limits>

using namespace openrouter;
using namespace openrouter::routing;
using namespace std::chrono_literals;
using kind = planner::decision::kind;

namespace {

using routing_fixtures::t0;
constexpr auto forever = std::chrono::milliseconds::max();

policy one_model() {
  policy p = routing_fixtures::exact_policy({"a/only"});
  p.backoff.retry_after_cap = 5s;
  p.breaker.max_open_for = 60s;
  return p;
}

diagnostics too_many(std::optional<std::chrono::milliseconds> retry_after) {
  diagnostics d;
  d.http_status = 429;
  d.retry_after = retry_after;
  return d;
}

using routing_fixtures::err;

std::string state(health& h, const std::string& m, time_point t) { return std::string(to_string(h.state(m, t))); }

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_cool_down_test)

BOOST_AUTO_TEST_CASE(a_breaker_never_stays_open_longer_than_max_open_for) {
  breaker_options o;
  o.open_for = 5s;
  o.max_open_for = 60s;
  for (auto d : {std::chrono::milliseconds(std::chrono::hours(24 * 365)), forever}) {
    breaker b(o);
    b.cool_down(t0, d);  // no overflow, whatever d is
    BOOST_TEST((b.current(t0 + 59s) == breaker::state::open));
    BOOST_TEST((b.current(t0 + 60s) == breaker::state::half_open));
    BOOST_TEST((b.open_until() == t0 + 60s));
  }
  // A negative duration opens nothing for a negative time.
  breaker n(o);
  n.cool_down(t0, -5s);
  BOOST_TEST((n.current(t0) == breaker::state::half_open));
  // The doubling of a breaker's own cool-down stops at max_open_for, even from a huge open_for.
  breaker_options big = o;
  big.open_for = forever;
  big.min_requests = 1;
  big.failure_ratio = 0.5;
  breaker f(big);
  f.on_failure(t0);
  BOOST_TEST((f.open_until() == t0 + 60s));
}

BOOST_AUTO_TEST_CASE(a_servers_cool_down_never_exceeds_retry_after_cap) {
  policy p = one_model();
  health h(p);
  h.cool_down("a/only", t0, std::chrono::hours(24 * 365));  // Retry-After: 31536000
  BOOST_TEST(state(h, "a/only", t0 + 4999ms) == "open");
  BOOST_TEST(state(h, "a/only", t0 + 5s) == "half_open");

  // Through the planner: a 429 with Retry-After of a year (or of milliseconds::max()) on the only
  // model ends that request (the wait is over the cap), but the model is tried again by a request
  // that comes after the cap, and it answers.
  for (auto ra : {std::chrono::milliseconds(std::chrono::hours(24 * 365)), forever}) {
    health shared(p);
    planner first(p, p.models, shared, t0, 1);
    auto a = first.next(t0);
    BOOST_REQUIRE((a.what == kind::attempt));
    first.on_outcome(t0, err(errc::rate_limited), too_many(ra));
    auto g = first.next(t0);
    BOOST_TEST((g.what == kind::give_up));
    planner later(p, p.models, shared, t0 + 5s, 2);
    auto b = later.next(t0 + 5s);
    BOOST_REQUIRE((b.what == kind::attempt));
    BOOST_TEST(b.model == "a/only");
    later.on_outcome(t0 + 5s, {}, {});
    BOOST_TEST(state(shared, "a/only", t0 + 5s) == "closed");
  }
}

BOOST_AUTO_TEST_CASE(huge_durations_in_a_policy_saturate) {
  policy p = one_model();
  p.deadline = forever;
  p.attempt_timeout = forever;
  p.backoff.initial = forever;
  p.backoff.max = forever;
  p.backoff.retry_after_cap = forever;
  p.breaker.open_for = p.breaker.max_open_for = forever;
  p.limits.poll = forever;
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  BOOST_TEST((pl.deadline() == time_point::max()));
  auto a = pl.next(t0);
  BOOST_REQUIRE((a.what == kind::attempt));
  BOOST_TEST((a.until == time_point::max()));
  pl.on_outcome(t0, err(errc::service_unavailable), {});
  // The backoff saturates at time_point::max(), which is no earlier than the (unbounded)
  // deadline: the request ends rather than wait forever, and nothing overflowed (UBSan).
  auto w = pl.next(t0);
  BOOST_TEST((w.what == kind::give_up));
  BOOST_TEST(w.reason == "deadline");
  // A Retry-After of milliseconds::max() under an unbounded cap: a cool-down that saturates.
  h.cool_down("a/only", t0, forever);
  BOOST_TEST(state(h, "a/only", t0 + std::chrono::hours(24 * 365 * 100)) == "open");
}

BOOST_AUTO_TEST_CASE(a_request_waits_for_the_reopening_instead_of_failing) {
  // One model; a 429 with Retry-After: 1 cools it down for a second. A request that comes in
  // that second waits for the reopening (it has a minute) and is then sent.
  policy p = one_model();
  health h(p);
  planner first(p, p.models, h, t0, 1);
  auto a = first.next(t0);
  BOOST_REQUIRE((a.what == kind::attempt));
  first.on_outcome(t0, err(errc::rate_limited), too_many(1s));
  BOOST_TEST(state(h, "a/only", t0 + 100ms) == "open");

  planner second(p, p.models, h, t0 + 100ms, 2);
  auto w = second.next(t0 + 100ms);
  BOOST_REQUIRE((w.what == kind::wait));
  BOOST_TEST((w.until == t0 + 1s));
  BOOST_TEST(second.attempts().empty());
  auto b = second.next(t0 + 1s);
  BOOST_REQUIRE((b.what == kind::attempt));  // the half-open probe
  BOOST_TEST(b.model == "a/only");

  // A third request at the same moment finds the probe slot taken: it looks again after the
  // backoff's initial delay, and once the probe answered it goes.
  planner third(p, p.models, h, t0 + 1s, 3);
  auto w3 = third.next(t0 + 1s);
  BOOST_REQUIRE((w3.what == kind::wait));
  BOOST_TEST((w3.until == t0 + 1s + p.backoff.initial));
  second.on_outcome(t0 + 1050ms, {}, {});
  auto c = third.next(w3.until);
  BOOST_REQUIRE((c.what == kind::attempt));
  third.on_outcome(w3.until, {}, {});

  // The request that got the 429 retries after the Retry-After as well, and is answered.
  auto r = first.next(t0);
  BOOST_REQUIRE((r.what == kind::wait));
  BOOST_TEST((r.until == t0 + 1s));
  auto ra = first.next(t0 + 1200ms);
  BOOST_REQUIRE((ra.what == kind::attempt));
  first.on_outcome(t0 + 1200ms, {}, {});
  BOOST_TEST(!first.next(t0 + 1200ms).ec);
}

BOOST_AUTO_TEST_CASE(the_earliest_reopening_of_several_candidates_is_waited_for) {
  policy p = one_model();
  p.models = {"a/first", "b/second"};
  health h(p);
  h.cool_down("a/first", t0, 3s);
  h.cool_down("b/second", t0, 2s);
  planner pl(p, p.models, h, t0, 1);
  auto w = pl.next(t0);
  BOOST_REQUIRE((w.what == kind::wait));
  BOOST_TEST((w.until == t0 + 2s));
  auto a = pl.next(t0 + 2s);
  BOOST_REQUIRE((a.what == kind::attempt));
  BOOST_TEST(a.model == "b/second");
}

BOOST_AUTO_TEST_CASE(a_reopening_past_the_deadline_or_the_cap_fails_at_once) {
  // Past the request's deadline.
  policy p = one_model();
  p.models = {"a/first", "b/second"};
  p.deadline = 2s;
  health h(p);
  h.cool_down("a/first", t0, 3s);
  h.cool_down("b/second", t0, 3s);
  planner pl(p, p.models, h, t0, 1);
  auto g = pl.next(t0);
  BOOST_REQUIRE((g.what == kind::give_up));
  BOOST_TEST((g.ec == errc::service_unavailable));
  BOOST_TEST(g.reason.find("circuit breaker") != std::string::npos);
  BOOST_TEST(pl.attempts().empty());

  // Past retry_after_cap: a breaker its failures opened for a minute is not waited for.
  policy q = one_model();
  q.breaker.min_requests = 1;
  q.breaker.failure_ratio = 0.5;
  q.breaker.open_for = 30s;
  q.deadline = std::chrono::minutes(5);
  health hq(q);
  BOOST_REQUIRE(hq.admit("a/only", t0));
  hq.failure("a/only", t0);
  BOOST_REQUIRE(state(hq, "a/only", t0 + 1s) == "open");
  planner pq(q, q.models, hq, t0 + 1s, 1);
  auto gq = pq.next(t0 + 1s);
  BOOST_TEST((gq.what == kind::give_up));
  BOOST_TEST(gq.reason.find("circuit breaker") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
