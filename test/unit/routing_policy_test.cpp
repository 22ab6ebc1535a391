// The sans-I/O pieces of the routing engine on a virtual clock: backoff bounds and jitter,
// Retry-After and its cap, the retry budget, the sliding window and the circuit breaker's
// transitions.
#include <openrouter/routing/backoff.hpp>
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/retry_budget.hpp>
#include <openrouter/routing/window.hpp>

#include <boost/test/unit_test.hpp>

#include <set>

using namespace openrouter::routing;
using namespace std::chrono_literals;
using time_point = std::chrono::steady_clock::time_point;

namespace {
const time_point t0 = time_point{} + 1000h;  // the virtual clock's origin
}

BOOST_AUTO_TEST_SUITE(routing_policy_test)

BOOST_AUTO_TEST_CASE(backoff_grows_caps_and_jitters_within_bounds) {
  backoff_policy p;
  p.initial = 100ms;
  p.multiplier = 2;
  p.max = 1000ms;
  p.jitter = backoff_policy::jitter_kind::none;
  BOOST_TEST(backoff_delay(p, 0, 0.5).count() == 0);
  BOOST_TEST(backoff_delay(p, 1, 0.5).count() == 100);
  BOOST_TEST(backoff_delay(p, 2, 0.5).count() == 200);
  BOOST_TEST(backoff_delay(p, 4, 0.5).count() == 800);
  BOOST_TEST(backoff_delay(p, 5, 0.5).count() == 1000);     // capped
  BOOST_TEST(backoff_delay(p, 5000, 0.5).count() == 1000);  // no overflow
  p.jitter = backoff_policy::jitter_kind::full;
  BOOST_TEST(backoff_delay(p, 3, 0.0).count() == 0);
  BOOST_TEST(backoff_delay(p, 3, 0.5).count() == 200);
  p.jitter = backoff_policy::jitter_kind::equal;
  BOOST_TEST(backoff_delay(p, 3, 0.0).count() == 200);
  BOOST_TEST(backoff_delay(p, 3, 0.999).count() <= 400);
  // With a real generator every delay stays in [0, cap] and they spread out.
  jitter_rng rng(7);
  p.jitter = backoff_policy::jitter_kind::full;
  std::set<long long> seen;
  for (int i = 0; i < 1000; ++i) {
    auto d = backoff_delay(p, 1 + i % 6, rng.uniform()).count();
    BOOST_TEST_REQUIRE(d >= 0);
    BOOST_TEST_REQUIRE(d <= 1000);
    seen.insert(d);
  }
  BOOST_TEST(seen.size() > 200u);
}

BOOST_AUTO_TEST_CASE(rng_is_deterministic_and_uniform_enough) {
  jitter_rng a(42), b(42), c(43);
  double sum = 0;
  bool differs = false;
  for (int i = 0; i < 10000; ++i) {
    double x = a.uniform();
    BOOST_TEST_REQUIRE(x >= 0.0);
    BOOST_TEST_REQUIRE(x < 1.0);
    BOOST_TEST_REQUIRE(x == b.uniform());
    differs = differs || x != c.uniform();
    sum += x;
  }
  BOOST_TEST(differs);
  BOOST_TEST(sum / 10000 > 0.45);
  BOOST_TEST(sum / 10000 < 0.55);
}

BOOST_AUTO_TEST_CASE(retry_after_is_honoured_up_to_the_cap) {
  backoff_policy p;
  p.initial = 100ms;
  p.jitter = backoff_policy::jitter_kind::none;
  p.retry_after_cap = 5s;
  BOOST_TEST(retry_wait(p, 1, 0.5, std::nullopt).value().count() == 100);
  BOOST_TEST(retry_wait(p, 1, 0.5, 2000ms).value().count() == 2000);  // the server's wait wins
  BOOST_TEST(retry_wait(p, 1, 0.5, 10ms).value().count() == 100);     // never below the backoff
  BOOST_TEST(retry_wait(p, 1, 0.5, 5000ms).value().count() == 5000);  // at the cap: waited
  BOOST_TEST(!retry_wait(p, 1, 0.5, 5001ms).has_value());             // beyond: skip the model
}

BOOST_AUTO_TEST_CASE(sliding_counts_forget_old_buckets) {
  sliding_counts w(10s, 10);  // 1 s buckets
  w.add(t0, 1, 0);
  w.add(t0 + 500ms, 1, 2);
  BOOST_TEST(w.totals(t0 + 900ms).first == 2u);
  BOOST_TEST(w.totals(t0 + 900ms).second == 2u);
  w.add(t0 + 5s, 3, 0);
  BOOST_TEST(w.totals(t0 + 9s).first == 5u);
  BOOST_TEST(w.totals(t0 + 10s).first == 3u);  // the first second slid out
  BOOST_TEST(w.totals(t0 + 15s).first == 0u);
  // A bucket slot reused for a later second starts from zero.
  w.add(t0 + 20s, 1, 0);
  BOOST_TEST(w.totals(t0 + 20s).first == 1u);
  // Looking back in time (a clock that went backwards) never counts the future.
  BOOST_TEST(w.totals(t0 + 2s).first == 0u);
  w.clear();
  BOOST_TEST(w.totals(t0 + 20s).first == 0u);
}

BOOST_AUTO_TEST_CASE(retry_budget_caps_retries_at_a_share_of_requests) {
  retry_budget_options o;
  o.ratio = 0.2;
  o.min_retries = 2;
  o.window = 10s;
  retry_budget b(o);
  // Quiet client: the floor alone.
  BOOST_TEST(b.try_retry(t0));
  BOOST_TEST(b.try_retry(t0));
  BOOST_TEST(!b.try_retry(t0));
  // 100 requests allow 20 more (22 in all).
  for (int i = 0; i < 100; ++i) b.on_request(t0 + 1s);
  int granted = 0;
  for (int i = 0; i < 100; ++i) granted += b.try_retry(t0 + 1s) ? 1 : 0;
  BOOST_TEST(granted == 20);
  BOOST_TEST(b.retries(t0 + 1s) == 22u);
  BOOST_TEST(b.requests(t0 + 1s) == 100u);
  // Everyone failing for a minute: retries never exceed ratio * requests + floor per window.
  retry_budget storm(o);
  std::uint64_t sent = 0, retried = 0;
  for (int ms = 0; ms < 60000; ms += 10) {
    auto now = t0 + std::chrono::milliseconds(ms);
    storm.on_request(now);
    ++sent;
    while (storm.try_retry(now)) ++retried;  // a client that would retry forever
  }
  BOOST_TEST(static_cast<double>(retried) <= 0.2 * static_cast<double>(sent) + 2.0 * 7);
  BOOST_TEST(retried > 0u);
}

BOOST_AUTO_TEST_CASE(breaker_opens_on_failure_rate_probes_and_closes) {
  breaker_options o;
  o.window = 10s;
  o.min_requests = 10;
  o.failure_ratio = 0.5;
  o.open_for = 5s;
  o.max_open_for = 20s;
  o.half_open_probes = 1;
  breaker b(o);
  // Below min_requests nothing opens, whatever the ratio.
  for (int i = 0; i < 9; ++i) {
    BOOST_TEST_REQUIRE(b.try_acquire(t0));
    b.on_failure(t0);
  }
  BOOST_TEST(to_string(b.current(t0)) == "closed");
  BOOST_TEST_REQUIRE(b.try_acquire(t0));
  b.on_failure(t0);  // 10 of 10 failed
  BOOST_TEST(to_string(b.current(t0)) == "open");
  BOOST_TEST(!b.try_acquire(t0 + 4999ms));
  // Half-open after the cool-down: one probe at a time.
  BOOST_TEST(to_string(b.current(t0 + 5s)) == "half_open");
  BOOST_TEST(b.try_acquire(t0 + 5s));
  BOOST_TEST(!b.try_acquire(t0 + 5s));
  // The probe fails: open again, for twice as long.
  b.on_failure(t0 + 5s);
  BOOST_TEST(to_string(b.current(t0 + 5s)) == "open");
  BOOST_TEST(!b.try_acquire(t0 + 14s));
  BOOST_TEST(b.try_acquire(t0 + 15s));
  // An abandoned probe gives its slot back.
  b.on_abandon(t0 + 15s);
  BOOST_TEST(b.try_acquire(t0 + 15s));
  // A successful probe closes it, and the cool-down resets.
  b.on_success(t0 + 16s);
  BOOST_TEST(to_string(b.current(t0 + 16s)) == "closed");
  for (int i = 0; i < 10; ++i) b.on_failure(t0 + 17s);
  BOOST_TEST(to_string(b.current(t0 + 17s)) == "open");
  BOOST_TEST(to_string(b.current(t0 + 22s)) == "half_open");  // 5 s again
}

BOOST_AUTO_TEST_CASE(breaker_healthy_traffic_stays_closed_and_old_failures_expire) {
  breaker_options o;
  o.window = 10s;
  o.min_requests = 10;
  o.failure_ratio = 0.5;
  breaker b(o);
  for (int i = 0; i < 100; ++i) {
    auto now = t0 + std::chrono::milliseconds(i * 100);
    BOOST_TEST_REQUIRE(b.try_acquire(now));
    if (i % 3 == 0) b.on_failure(now);  // a third failing: under the ratio
    else b.on_success(now);
  }
  BOOST_TEST(to_string(b.current(t0 + 10s)) == "closed");
  // Failures spread thinly over time fall out of the window before they add up.
  breaker slow(o);
  for (int i = 0; i < 20; ++i) slow.on_failure(t0 + std::chrono::seconds(i * 2));
  BOOST_TEST(to_string(slow.current(t0 + 40s)) == "closed");
  BOOST_TEST(slow.failures(t0 + 40s) <= 5u);
}

BOOST_AUTO_TEST_CASE(breaker_cool_down_from_retry_after) {
  breaker b;
  b.cool_down(t0, 30s);  // a 429 with Retry-After: 30
  BOOST_TEST(!b.try_acquire(t0 + 29s));
  b.cool_down(t0 + 1s, 5s);  // a shorter one never shortens it
  BOOST_TEST(!b.try_acquire(t0 + 10s));
  BOOST_TEST(b.try_acquire(t0 + 30s));  // then a half-open probe
  b.on_success(t0 + 30s);
  BOOST_TEST(to_string(b.current(t0 + 30s)) == "closed");
}

BOOST_AUTO_TEST_SUITE_END()
