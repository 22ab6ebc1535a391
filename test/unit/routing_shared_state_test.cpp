// routing::local_fallback (a fleet's limits, each process keeping its 1/fleet_size share while
// the shared store is unreachable) and health's open listener (a breaker that opens, by
// failures or a Retry-After, is told to the fleet), on a virtual clock.
#include <openrouter/routing/health.hpp>
#include <openrouter/routing/shared_state.hpp>

#include <boost/test/unit_test.hpp>

#include <vector>

using namespace std::chrono_literals;
namespace routing = openrouter::routing;
using verdict = routing::admission::verdict;

namespace {
const routing::time_point t0 = routing::time_point{} + 1h;
}

BOOST_AUTO_TEST_SUITE(routing_shared_state_test)

BOOST_AUTO_TEST_CASE(the_fallback_keeps_a_share_of_the_in_flight_limits) {
  routing::local_fallback::options o;
  o.max_in_flight = 10;
  o.max_in_flight_per_model = 6;
  o.fleet_size = 3;  // 3 in flight, 2 per model
  routing::local_fallback f(o);
  auto a = f.admit("m", t0), b = f.admit("m", t0);
  BOOST_TEST((a.what == verdict::go && b.what == verdict::go));
  BOOST_TEST(!a.shared);
  BOOST_TEST((f.admit("m", t0).what == verdict::wait));  // the model's share
  auto c = f.admit("n", t0);
  BOOST_TEST((c.what == verdict::go));
  BOOST_TEST((f.admit("n", t0).what == verdict::wait));  // the whole share
  f.end(a.ticket, routing::settlement::release, 0);
  BOOST_TEST((f.admit("m", t0).what == verdict::go));
  BOOST_TEST(f.owns(b.ticket));
  BOOST_TEST(!f.owns(a.ticket));
}

BOOST_AUTO_TEST_CASE(the_fallback_keeps_a_share_of_the_rate) {
  routing::local_fallback::options o;
  o.requests_per_minute = 240;  // 4 a second for the fleet
  o.fleet_size = 4;             // 1 a second here
  routing::local_fallback f(o);
  BOOST_TEST((f.admit("m", t0).what == verdict::go));
  auto w = f.admit("m", t0);
  BOOST_TEST((w.what == verdict::wait));
  BOOST_TEST(w.retry_in.count() > 900);
  BOOST_TEST(w.retry_in.count() <= 1001);
  BOOST_TEST((f.admit("m", t0 + 1s + 1ms).what == verdict::go));
}

BOOST_AUTO_TEST_CASE(the_fallback_spends_its_share_of_the_budget_left) {
  routing::local_fallback::options o;
  o.max_cost_usd = 10;
  o.fleet_size = 4;
  routing::local_fallback f(o);
  f.begin(6);  // the fleet had spent 6 when the store went away: 1 each
  BOOST_TEST(f.allowance() == 1.0);
  auto a = f.admit("m", t0);
  BOOST_TEST((a.what == verdict::go));
  f.end(a.ticket, routing::settlement::cost, 0.6);
  auto b = f.admit("m", t0);  // reserves the mean cost, 0.6: 1.2 >= 1 after it
  BOOST_TEST((b.what == verdict::go));
  BOOST_TEST((f.admit("m", t0).what == verdict::spent));
  f.end(b.ticket, routing::settlement::unknown, 0);  // charged its reservation
  BOOST_TEST(f.spent() == 1.2);
  BOOST_TEST((f.admit("m", t0).what == verdict::spent));
}

BOOST_AUTO_TEST_CASE(shares_never_round_to_nothing) {
  BOOST_TEST(routing::local_fallback::share(std::size_t{3}, 8) == 1u);
  BOOST_TEST(routing::local_fallback::share(std::size_t{0}, 8) == 0u);  // no limit stays none
  BOOST_TEST(routing::local_fallback::share(60.0, 0) == 60.0);
}

BOOST_AUTO_TEST_CASE(a_breaker_that_opens_is_told_once_with_its_duration) {
  routing::policy p;
  p.breaker.min_requests = 2;
  p.breaker.failure_ratio = 0.5;
  p.breaker.open_for = 5s;
  p.backoff.retry_after_cap = 20s;
  routing::health h(p);
  std::vector<std::pair<std::string, std::chrono::milliseconds>> told;
  h.set_open_listener([&](const std::string& m, std::chrono::milliseconds d) { told.emplace_back(m, d); });
  h.failure("m", t0);
  BOOST_TEST(told.empty());
  h.failure("m", t0);  // opens
  BOOST_TEST_REQUIRE(told.size() == 1u);
  BOOST_TEST(told[0].first == "m");
  BOOST_TEST(told[0].second.count() == 5000);
  h.cool_down("x", t0, 60s);  // a Retry-After, bounded by the cap
  BOOST_TEST_REQUIRE(told.size() == 2u);
  BOOST_TEST(told[1].second.count() == 20000);
  h.cool_down("x", t0, 1s);  // shorter: the breaker's cool-down does not grow, nothing to tell
  BOOST_TEST(told.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
