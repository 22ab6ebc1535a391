// `openrouter batch --shard K/2 --redis URL --rpm N`: two processes against one mock and one
// redis-server (started on loopback) respect N together, and cover every id exactly once.
#include "support/fleet_run.hpp"
#include "support/redis_server.hpp"

#include <openrouter/fleet.hpp>
#include <openrouter/mock/server.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The fleet's keys in Redis, for a look from outside.
std::string key_prefix(const std::string& fleet_id) {
  return "openrouter:{" + openrouter::fleet_namespace(test::fleet::key_env().at("OPENROUTER_API_KEY"), fleet_id) + "}:";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet_cli_test)

BOOST_AUTO_TEST_CASE(two_batch_shards_share_one_rpm) {
  test::redis_server rs;
  openrouter::mock::server_options mo;
  mo.chat_log_size = 1000;
  openrouter::mock::background_server server(mo);
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(60));
  std::vector<std::unique_ptr<test::cli_process>> procs;
  for (int k = 1; k <= 2; ++k)
    procs.push_back(run.start(k, 2, {"--rpm", "600", "--concurrency", "8", "--redis", rs.url(), "--fleet-id", run.fleet_id()}));
  std::size_t fell = 0;  // Redis slower than 100 ms (an overloaded machine): local limits meanwhile
  for (auto& p : procs) {
    BOOST_TEST(p->wait(60s) == 0, p->err());
    fell += test::fleet::fallbacks(p->err());
  }
  // 600/min = 10 a second, burst 10: in any 2 s at most 10 + 2 s x 10 for the fleet
  // (test::fleet::bucket_bound); each shard alone would be allowed 30 (all 60 lines)
  BOOST_TEST(test::fleet::max_in_window(server->chat_log(), 2s) <= test::fleet::bucket_bound(10, 10, 2s, fell, 2));
  const auto results = run.results(2);
  double cost = 0;
  for (const auto& r : results) {
    BOOST_TEST(!r.contains("error"), json::serialize(r));
    if (const auto* c = r.if_contains("cost")) cost += c->to_number<double>();
  }
  const auto seen = test::fleet::id_counts(results);
  BOOST_TEST(seen.size() == 60u);
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
  // Both shards settled every attempt before they exited: no lease or reservation left, and the
  // fleet's spend is what the outputs report.
  const std::string prefix = key_prefix(run.fleet_id());
  BOOST_TEST(rs.command("ZCARD " + prefix + "leases") == "0");
  BOOST_TEST(std::stod(rs.command("HGET " + prefix + "cost_stats reserved")) < 1e-12);
  BOOST_TEST(cost > 0);
  BOOST_TEST(std::abs(std::stod(rs.command("GET " + prefix + "spend")) - cost) < 1e-9);
}

BOOST_AUTO_TEST_CASE(redis_unreachable_says_so_once_and_the_batch_completes) {
  openrouter::mock::background_server server;
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(10));
  // a port nobody listens on
  test::redis_server gone;
  const std::string url = gone.url();
  gone.stop();
  auto p = run.start(1, 1, {"--rpm", "6000", "--fleet-size", "4", "--redis", url});
  BOOST_TEST(p->wait(60s) == 0, p->err());
  const std::string err = p->err();
  const auto first = err.find("openrouter batch: fleet:");
  BOOST_TEST_REQUIRE(first != std::string::npos, err);
  BOOST_TEST(err.find("openrouter batch: fleet:", first + 1) == std::string::npos, err);  // once
  BOOST_TEST(err.find("local limits (1/4") != std::string::npos, err);
  const auto lines = test::cli::lines(test::read_file(run.output(1)));
  BOOST_TEST(lines.size() == 10u);
  for (const auto& l : lines) BOOST_TEST(l.find("\"fleet_fallback\":true") != std::string::npos, l);
}

// `--redis rediss://... --redis-ca-file CA`: the batch shares its limits over TLS (never falls
// back), and its spend lands in that Redis.
BOOST_AUTO_TEST_CASE(a_batch_shares_its_limits_over_rediss) {
  test::redis_server rs({}, test::redis_server::transport::tls);
  openrouter::mock::background_server server;
  test::fleet::batch_run run(server.get(), test::fleet::chat_lines(5));
  auto p = run.start(1, 1, {"--rpm", "6000", "--redis", rs.url(), "--redis-ca-file", rs.ca_file(), "--fleet-id", run.fleet_id()});
  BOOST_TEST(p->wait(60s) == 0, p->err());
  BOOST_TEST(p->err().find("fleet:") == std::string::npos, p->err());  // never fell back
  BOOST_TEST(test::cli::lines(test::read_file(run.output(1))).size() == 5u);
  BOOST_TEST(std::stod(rs.command("GET " + key_prefix(run.fleet_id()) + "spend")) > 0);
}

BOOST_AUTO_TEST_SUITE_END()
