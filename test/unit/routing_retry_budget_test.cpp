// The retry budget on a virtual clock: it bounds the extra load on a failing upstream (the same
// request sent to the same model again), not the move to a different candidate. A request whose
// same-model retry is refused moves on to its next candidate at once; a model that fails every
// time still gets no more than its share of retries.
#include <openrouter/routing/planner.hpp>
#include <openrouter/routing/policy.hpp>

#include "routing_fixtures.hpp"

#include <boost/test/unit_test.hpp>

#include <map>

using namespace openrouter;
using namespace openrouter::routing;
using namespace std::chrono_literals;
using kind = planner::decision::kind;

namespace {

using routing_fixtures::t0;

policy failing_then_healthy() {
  policy p = routing_fixtures::exact_policy({"a/failing", "b/healthy"});
  p.use_breakers = false;  // the budget alone
  p.retry_budget.ratio = 0.2;
  p.retry_budget.min_retries = 10;
  p.retry_budget.window = 10s;
  return p;
}

using routing_fixtures::status;

struct tally {
  std::map<std::string, std::size_t> attempts;
  std::size_t delivered = 0, failed = 0;
  std::vector<std::string> reasons;
};

// Runs one request to its end on the virtual clock: `a/failing` answers 503 every time, any
// other model answers. Returns when it ended.
time_point run(const policy& p, health& h, time_point start, std::uint64_t seed, tally& t) {
  planner pl(p, p.models, h, start, seed);
  time_point now = start;
  while (true) {
    auto d = pl.next(now);
    if (d.what == kind::give_up) {
      if (d.ec) {
        ++t.failed;
        t.reasons.push_back(d.reason);
      } else {
        ++t.delivered;
      }
      return now;
    }
    if (d.what == kind::wait) {
      now = d.until;
      continue;
    }
    ++t.attempts[d.model];
    now += 10ms;
    if (d.model == "a/failing") pl.on_outcome(now, make_error_code(errc::service_unavailable), status(503));
    else pl.on_outcome(now, {}, {});
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_retry_budget_test)

BOOST_AUTO_TEST_CASE(a_refused_retry_moves_on_to_the_next_candidate_at_once) {
  policy p = failing_then_healthy();
  p.retry_budget.ratio = 0;
  p.retry_budget.min_retries = 0;  // no same-model retry at all
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto a = pl.next(t0);
  BOOST_REQUIRE(a.model == "a/failing");
  pl.on_outcome(t0 + 10ms, make_error_code(errc::service_unavailable), status(503));
  // No backoff before a different model: the move is not a retry of the failing one.
  auto b = pl.next(t0 + 10ms);
  BOOST_REQUIRE((b.what == kind::attempt));
  BOOST_TEST(b.model == "b/healthy");
  pl.on_outcome(t0 + 20ms, {}, {});
  BOOST_TEST(!pl.next(t0 + 20ms).ec);
  BOOST_TEST(pl.attempts().size() == 2u);

  // On the last candidate a refused retry ends the request, saying why.
  policy single = p;
  single.models = {"a/failing"};
  health hs(single);
  planner ps(single, single.models, hs, t0, 1);
  BOOST_REQUIRE((ps.next(t0).what == kind::attempt));
  ps.on_outcome(t0 + 10ms, make_error_code(errc::service_unavailable), status(503));
  auto g = ps.next(t0 + 10ms);
  BOOST_REQUIRE((g.what == kind::give_up));
  BOOST_TEST(g.reason == "retry budget exhausted");
  BOOST_TEST((g.ec == errc::service_unavailable));
}

BOOST_AUTO_TEST_CASE(a_model_that_always_fails_gets_no_more_than_its_share_of_retries) {
  // 1,000 requests within 10 s of virtual time (one window), each starting on a model that fails
  // every time with a healthy fallback behind it. Every request is delivered; the failing model
  // sees its 1,000 first tries and at most ratio * 1,000 + min_retries retries.
  policy p = failing_then_healthy();
  health h(p);
  tally t;
  for (int i = 0; i < 1000; ++i) run(p, h, t0 + std::chrono::milliseconds(9 * i), static_cast<std::uint64_t>(i + 1), t);
  BOOST_TEST(t.delivered == 1000u);
  BOOST_TEST(t.failed == 0u);
  const std::size_t retries_on_a = t.attempts["a/failing"] - 1000;
  BOOST_TEST(retries_on_a <= static_cast<std::size_t>(0.2 * 1000 + 10));
  BOOST_TEST(retries_on_a >= 100u);  // the budget is used, not refused outright
  BOOST_TEST(t.attempts["b/healthy"] == 1000u);
}

BOOST_AUTO_TEST_CASE(a_model_that_always_fails_alone_is_bounded_too) {
  // The same upstream as the only candidate: requests fail, and the retries they send it stay
  // within the budget (a failure costs at most 1 + ratio requests on average, plus the floor).
  policy p = failing_then_healthy();
  p.models = {"a/failing"};
  p.max_attempts_per_model = 5;
  health h(p);
  tally t;
  for (int i = 0; i < 500; ++i) run(p, h, t0 + std::chrono::milliseconds(18 * i), static_cast<std::uint64_t>(i + 1), t);
  BOOST_TEST(t.delivered == 0u);
  BOOST_TEST(t.attempts["a/failing"] >= 500u);
  BOOST_TEST(t.attempts["a/failing"] <= static_cast<std::size_t>(500 * 1.2 + 10));
}

BOOST_AUTO_TEST_SUITE_END()
