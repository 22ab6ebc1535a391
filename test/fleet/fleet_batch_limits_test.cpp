// Four `openrouter batch --shard K/4 --redis URL` processes against one in-process mock and one
// redis-server on loopback, held to the limits of one: the requests the mock receives in every
// sliding window stay within one --rpm bucket, their spend within one --max-cost (plus what was
// in flight when it ran out), and a 429's Retry-After served to one of them keeps them all off
// that model until it expires. Every id is written exactly once across the four outputs.
#include "support/fleet_run.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace json = boost::json;
namespace mock = openrouter::mock;
using namespace std::chrono_literals;

namespace {

constexpr int shards = 4;

mock::server_options logging_mock() {
  mock::server_options o;
  o.chat_log_size = 100'000;
  return o;
}

std::vector<std::unique_ptr<test::cli_process>> start_fleet(const test::fleet::batch_run& run,
                                                             const std::vector<std::string>& extra) {
  std::vector<std::unique_ptr<test::cli_process>> procs;
  for (int k = 1; k <= shards; ++k) procs.push_back(run.start(k, shards, extra));
  return procs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet_batch_limits_test)

// 600 a minute is 10 a second with a burst of 10: in any window of W seconds the fleet may start
// 10 + 10 W requests (test::fleet::bucket_bound). Each shard alone would be allowed
// the same, so four without the shared bucket would send four times as many.
BOOST_AUTO_TEST_CASE(four_shards_hold_one_rpm_in_every_sliding_window) {
  test::redis_server rs;
  mock::background_server server(logging_mock());
  constexpr int lines = 160;  // ~15 s for the fleet at 10 a second; ~4 s for four unshared buckets
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(lines));
  auto procs = start_fleet(run, {"--rpm", "600", "--concurrency", "8", "--redis", rs.url(), "--fleet-id", run.fleet_id()});
  std::size_t fell = 0;  // Redis slower than 100 ms (an overloaded machine): local limits meanwhile
  for (auto& p : procs) {
    BOOST_TEST(p->wait(90s) == 0, p->err());
    fell += test::fleet::fallbacks(p->err());
  }
  const auto log = server->chat_log();
  BOOST_TEST(log.size() == static_cast<std::size_t>(lines));
  BOOST_TEST(test::fleet::max_in_window(log, 10s) <= test::fleet::bucket_bound(10, 10, 10s, fell, shards));
  BOOST_TEST(test::fleet::max_in_window(log, 1s) <= test::fleet::bucket_bound(10, 10, 1s, fell, shards));
  const auto results = run.results(shards);
  for (const auto& r : results) BOOST_TEST(!r.contains("error"), json::serialize(r));
  const auto seen = test::fleet::id_counts(results);
  BOOST_TEST(seen.size() == static_cast<std::size_t>(lines));
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
}

// --max-cost X shared: the mock's total spend stays within X plus what the fleet had in flight
// when the budget ran out (4 processes x --concurrency 4, each at most the dearest request), and
// every id the budget refused has a "budget" line. Four unshared budgets would spend 4 X.
BOOST_AUTO_TEST_CASE(four_shards_spend_one_max_cost) {
  test::redis_server rs;
  mock::background_server server(logging_mock());
  {  // one request's cost (every line is the same request)
    test::http_client c(server.get());
    const auto r = c.post(test::api("/chat/completions"),
                          json::parse(test::fleet::chat_lines(1)).as_object());
    BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  }
  const auto gens0 = server->generations();
  BOOST_TEST_REQUIRE(gens0.size() == 1u);
  const double one = gens0[0].cost;
  BOOST_TEST_REQUIRE(one > 0);
  constexpr int lines = 400, concurrency = 4;
  const double budget = 30 * one;
  std::ostringstream usd;
  usd << std::setprecision(17) << budget;
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(lines));
  auto procs = start_fleet(run, {"--max-cost", usd.str(), "--concurrency", std::to_string(concurrency), "--redis",
                                 rs.url(), "--fleet-id", run.fleet_id()});
  for (auto& p : procs) BOOST_TEST(p->wait(90s) == 1, p->err());  // 1: budget lines written
  const auto gens = server->generations();
  double spent = 0, dearest = 0;
  for (std::size_t i = 1; i < gens.size(); ++i) {
    spent += gens[i].cost;
    dearest = std::max(dearest, gens[i].cost);
  }
  BOOST_TEST_MESSAGE("spent " << spent << " of " << budget << " in " << gens.size() - 1 << " requests");
  BOOST_TEST(spent <= budget + shards * concurrency * dearest + 1e-12,
             "spent " << spent << " of " << budget << " (" << gens.size() - 1 << " requests of " << dearest << ")");
  const auto results = run.results(shards);
  double written = 0;
  std::size_t ok = 0, refused = 0;
  for (const auto& r : results) {
    if (const auto* e = r.if_contains("error")) {
      BOOST_TEST(e->at("class").as_string() == "budget", json::serialize(r));
      ++refused;
    } else {
      written += r.at("cost").to_number<double>();
      ++ok;
    }
  }
  BOOST_TEST(ok == gens.size() - 1);  // every request the mock served is in an output
  BOOST_TEST(written == spent, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(refused > 0u);
  const auto seen = test::fleet::id_counts(results);
  BOOST_TEST(seen.size() == static_cast<std::size_t>(lines));  // the rest written as budget lines, not lost
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
}

// The first request to the model gets a 429 with Retry-After: 3 (count=1: only that one). The
// process that got it falls back and cools the model down for the fleet: no process sends to it
// until the 3 s have passed (a quarter-second's margin at each end for requests already on their
// way), the others keep working on the fallback, and the model is used again afterwards.
BOOST_AUTO_TEST_CASE(a_retry_after_served_to_one_shard_keeps_all_off_the_model) {
  test::redis_server rs;
  mock::background_server server(logging_mock());
  const std::string limited = "fault/429;retry_after=3;count=1", fallback = "openai/gpt-4o-mini";
  constexpr int lines = 160;  // ~8 s at 20 a second
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(lines, ""));
  auto procs = start_fleet(run, {"--model", limited, "--fallback", fallback, "--rpm", "1200", "--concurrency", "4",
                                 "--redis", rs.url(), "--fleet-id", run.fleet_id()});
  for (auto& p : procs) {
    BOOST_TEST(p->wait(90s) == 0, p->err());
    // On local limits (Redis slower than 100 ms: an overloaded machine) a shard would not see
    // the fleet's cool-down: the premise of what follows.
    BOOST_TEST(test::fleet::fallbacks(p->err()) == 0u, p->err());
  }
  const auto log = server->chat_log();
  std::vector<mock::chat_log_entry> limited_429;
  for (const auto& e : log)
    if (e.model == limited && e.status == 429u) limited_429.push_back(e);
  BOOST_TEST_REQUIRE(limited_429.size() == 1u);
  const auto t = limited_429[0].received;
  std::size_t to_limited_during = 0, to_fallback_during = 0, to_limited_after = 0;
  for (const auto& e : log) {
    if (e.received >= t + 250ms && e.received <= t + 2750ms) (e.model == limited ? to_limited_during : to_fallback_during)++;
    if (e.received > t + 3s && e.model == limited) ++to_limited_after;
  }
  BOOST_TEST(to_limited_during == 0u);
  BOOST_TEST(to_fallback_during >= 10u);  // the fleet kept going meanwhile
  BOOST_TEST(to_limited_after >= 10u);    // and came back to the model once it expired
  const auto results = run.results(shards);
  for (const auto& r : results) BOOST_TEST(!r.contains("error"), json::serialize(r));
  const auto seen = test::fleet::id_counts(results);
  BOOST_TEST(seen.size() == static_cast<std::size_t>(lines));
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
}

BOOST_AUTO_TEST_SUITE_END()
