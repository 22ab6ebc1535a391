// A fleet of four `openrouter batch --shard K/4 --redis URL` processes through failures: one
// killed with SIGKILL (its in-flight leases expire, the others take up the capacity, a rerun of
// its shard completes it exactly once), and the redis-server stopped mid-run then restarted
// (the fleet goes on on local limits, says so, comes back to the shared ones, and loses or
// repeats nothing).
#include "support/fleet_run.hpp"
#include "support/redis_server.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <functional>
#include <thread>

namespace json = boost::json;
namespace mock = openrouter::mock;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr int shards = 4;

void check_exactly_once(const test::fleet::batch_run& run, int lines) {
  const auto results = run.results(shards);
  for (const auto& r : results) BOOST_TEST(!r.contains("error"), json::serialize(r));
  const auto seen = test::fleet::id_counts(results);
  BOOST_TEST(seen.size() == static_cast<std::size_t>(lines));
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet_batch_failures_test)

// limits.max_in_flight 8 for the fleet; each shard would run 4 (--concurrency). Shard 1 starts
// alone and takes 4 leases (streams whose first token is 5 s away), the three others take the
// other 4, then shard 1 is killed with SIGKILL: its 4 leases stay counted (no process ends them)
// until they expire, 30 s after they were taken (fleet_options::lease_ttl's default: the CLI has
// no option for it), and then the three others fill all 8 slots. The mock's open streams are the
// fleet's attempts in flight.
BOOST_AUTO_TEST_CASE(a_killed_shards_leases_expire_and_a_rerun_completes_it_once) {
  test::redis_server rs;
  mock::server_options mo;
  mo.scenario = json::parse(R"({"defaults": {"ttft_ms": 5000}})");
  mock::background_server server(mo);
  constexpr int lines = 300;
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(lines));
  const auto policy = run.dir().write("policy.json", R"({"limits": {"max_in_flight": 8}})");
  const std::vector<std::string> extra{"--stream",           "--concurrency", "4",     "--policy", policy.string(),
                                       "--redis",            rs.url(),        "--fleet-id", run.fleet_id()};
  std::uint64_t most = 0;  // the mock's open streams at most, sampled every 20 ms
  auto open_streams = [&] {
    const auto n = server->stats().streams_open;
    most = std::max(most, n);
    return n;
  };
  auto wait_for = [&](const std::function<bool()>& cond, clock_type::duration limit) {
    const auto deadline = clock_type::now() + limit;
    while (!cond()) {
      if (clock_type::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  };

  auto p1 = run.start(1, shards, extra);
  BOOST_TEST_REQUIRE(wait_for([&] { return open_streams() == 4u; }, 30s), p1->err());
  const auto p1_streams = clock_type::now();
  std::vector<std::unique_ptr<test::cli_process>> others;
  for (int k = 2; k <= shards; ++k) others.push_back(run.start(k, shards, extra));
  BOOST_TEST_REQUIRE(wait_for([&] { return open_streams() == 8u; }, 30s));
  // shard 1's first streams are still waiting for their first token: it holds 4 leases
  const bool in_time = clock_type::now() - p1_streams < 4s;
  BOOST_TEST_REQUIRE(in_time, "the other shards took too long to start");
  ::kill(p1->pid(), SIGKILL);
  const auto killed = clock_type::now();
  BOOST_TEST(p1->wait(10s) == 128 + SIGKILL);
  server->set_scenario(json::parse(R"({"defaults": {"ttft_ms": 1000}})"));

  // The dead shard's streams end at the mock (within their 5 s); its leases are still held: the
  // three others share the 4 slots left.
  std::this_thread::sleep_until(killed + 6s);
  std::uint64_t held_back = 0;
  while (clock_type::now() < killed + 18s) {
    held_back = std::max(held_back, open_streams());
    std::this_thread::sleep_for(20ms);
  }
  BOOST_TEST(held_back <= 4u);
  BOOST_TEST(held_back >= 1u);
  // The leases expire (30 s after they were taken, give or take a renewal): the others fill all 8.
  BOOST_TEST_REQUIRE(wait_for([&] { return open_streams() > 4u; }, 30s), "the dead shard's leases never expired");
  const auto freed_s = std::chrono::duration<double>(clock_type::now() - killed).count();
  BOOST_TEST(freed_s >= 20.0);
  BOOST_TEST(freed_s <= 40.0);
  BOOST_TEST(wait_for([&] { return open_streams() == 8u; }, 15s), "the others did not take up the freed capacity");
  server->set_scenario(json::parse("{}"));  // the rest at full speed
  for (auto& p : others) BOOST_TEST(p->wait(60s) == 0, p->err());
  BOOST_TEST(most <= 8u);  // the fleet's cap held throughout

  // The rerun of shard 1 with the same output does the ids it had not written, and only those.
  auto again = run.start(1, shards, extra);
  BOOST_TEST(again->wait(60s) == 0, again->err());
  check_exactly_once(run, lines);
}

// --rpm 1200 (20 a second, burst 20) over four shards; the redis-server is killed 3 s in and
// started again (empty) 3 s later. Each shard says once that it fell back to 1/4 of the limits
// and once that it is back; the lines served meanwhile say "fleet_fallback"; the fleet's pace
// stays within the bucket's, plus a burst for each change of mode (the local buckets start full,
// so does the restarted Redis) and a second of the shared rate while the shards reconnect one by
// one (each tries every second; those not yet back still spend their local shares).
BOOST_AUTO_TEST_CASE(redis_stopped_and_restarted_mid_run_degrades_and_recovers) {
  test::redis_server rs;
  mock::server_options mo;
  mo.chat_log_size = 100'000;
  mock::background_server server(mo);
  constexpr int lines = 320;  // ~16 s at 20 a second
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(lines));
  std::vector<std::unique_ptr<test::cli_process>> procs;
  const auto start = clock_type::now();
  for (int k = 1; k <= shards; ++k)
    procs.push_back(run.start(k, shards, {"--rpm", "1200", "--concurrency", "4", "--redis", rs.url(), "--fleet-id", run.fleet_id()}));
  std::this_thread::sleep_until(start + 3s);
  rs.stop();
  std::this_thread::sleep_until(start + 6s);
  rs.start();
  // A shard still running 3 s later has tried Redis again (every second) and is back on it; one
  // whose share of the tokens let it finish sooner may not have seen Redis come back.
  std::this_thread::sleep_until(start + 9s);
  std::vector<bool> ran_on;
  for (auto& p : procs) ran_on.push_back(p->running());
  // Said once per change of mode, not per request. A shard may also fall back on a Redis call
  // slower than its 100 ms deadline (an overloaded machine): such a fall back is said too and
  // allowed for below.
  std::size_t back = 0, extra_fallbacks = 0;
  for (std::size_t i = 0; i < procs.size(); ++i) {
    auto& p = procs[i];
    BOOST_TEST(p->wait(90s) == 0, p->err());
    const std::string err = p->err();
    const auto fell = count(err, "falling back to local limits (1/4 of the fleet's)");
    const auto said_back = count(err, "back to the fleet's shared limits");
    BOOST_TEST(fell >= 1u, err);
    BOOST_TEST(fell <= 3u, err);
    BOOST_TEST((said_back == fell || said_back + 1 == fell), err);  // each fall back, then its return
    if (ran_on[i]) BOOST_TEST(said_back >= 1u, err);
    BOOST_TEST(count(err, "openrouter batch: fleet:") == fell + said_back, err);  // nothing else
    if (said_back) BOOST_TEST(err.find("falling back") < err.find("back to the fleet's"), err);
    back += said_back;
    extra_fallbacks += fell - 1;
  }
  BOOST_TEST(back >= 2u);  // the fleet did come back to Redis
  BOOST_TEST(server->stats().chat_requests == static_cast<std::uint64_t>(lines));  // nothing sent twice
  check_exactly_once(run, lines);
  std::size_t on_fallback = 0;
  for (const auto& r : run.results(shards))
    if (r.contains("fleet_fallback")) ++on_fallback;
  BOOST_TEST(on_fallback >= 10u);
  BOOST_TEST(on_fallback < static_cast<std::size_t>(lines));
  // 20 a second: in 5 s at most 20 + 100, a burst of 20 for each of the two changes, 20 more for
  // the reconnections' second (four unshared buckets would allow 4 x 20 a second)
  BOOST_TEST(test::fleet::max_in_window(server->chat_log(), 5s) <=
             test::fleet::bucket_bound(20, 20, 5s, extra_fallbacks, shards) + 3u * 20u);
}

BOOST_AUTO_TEST_SUITE_END()
