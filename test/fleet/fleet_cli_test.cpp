// `openrouter batch --shard K/2 --redis URL --rpm N`: two processes against one mock and one
// redis-server (started on loopback) respect N together, and cover every id exactly once.
#include "support/cli_process.hpp"
#include "support/redis_server.hpp"

#include <openrouter/fleet.hpp>
#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string> key_env{{"OPENROUTER_API_KEY", "sk-or-v1-fleet-test-0123456789abcdef"}};

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet_cli_test)

BOOST_AUTO_TEST_CASE(two_batch_shards_share_one_rpm) {
  test::redis_server rs;
  openrouter::mock::background_server server;
  test::cli::temp_dir dir;
  const auto ca = dir.write("ca.pem", server->ca_pem());
  std::string input;
  for (int i = 0; i < 60; ++i) {
    json::object o{{"id", "r" + std::to_string(i)}, {"model", "openai/gpt-4o-mini"}, {"max_tokens", 4}};
    o["messages"] = json::array{json::object{{"role", "user"}, {"content", "hi"}}};
    input += json::serialize(o) + "\n";
  }
  const auto in = dir.write("in.jsonl", input);
  const std::string fleet_id = "cli-" + std::to_string(::getpid());
  std::vector<std::unique_ptr<test::cli_process>> procs;
  const auto before = server->stats().chat_requests;
  const auto start = std::chrono::steady_clock::now();
  for (int k = 1; k <= 2; ++k)
    procs.push_back(std::make_unique<test::cli_process>(
        dir.path,
        std::vector<std::string>{"--base-url", server->base_url(), "--ca-file", ca.string(), "batch", "--input",
                                 in.string(), "--output", (dir.path / ("out" + std::to_string(k) + ".jsonl")).string(),
                                 "--shard", std::to_string(k) + "/2", "--rpm", "600", "--concurrency", "8",
                                 "--redis", rs.url(), "--fleet-id", fleet_id, "--no-progress"},
        key_env));
  std::this_thread::sleep_until(start + 2s);
  const auto in_two_seconds = server->stats().chat_requests - before;
  // 600/min = 10 a second, burst 10: at most 10 + 2 s x 10 (+1 at the edge) for the fleet; each
  // shard alone would be allowed 30 (all 60 lines)
  BOOST_TEST(in_two_seconds <= 31u);
  BOOST_TEST(in_two_seconds >= 10u);
  std::map<std::string, int> seen;
  double cost = 0;
  for (int k = 1; k <= 2; ++k) {
    auto& p = *procs[static_cast<std::size_t>(k - 1)];
    BOOST_TEST(p.wait(60s) == 0, p.err());
    BOOST_TEST(p.err().find("fleet:") == std::string::npos, p.err());  // never fell back
    for (const auto& l : test::cli::lines(test::read_file(dir.path / ("out" + std::to_string(k) + ".jsonl")))) {
      auto v = json::parse(l);
      BOOST_TEST(!v.as_object().contains("error"), l);
      ++seen[std::string(v.at("id").as_string())];
      if (auto* c = v.as_object().if_contains("cost")) cost += c->to_number<double>();
    }
  }
  BOOST_TEST(seen.size() == 60u);
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
  // Both shards settled every attempt before they exited: no lease or reservation left, and the
  // fleet's spend is what the outputs report.
  const std::string prefix = "openrouter:{" + openrouter::fleet_namespace(key_env.at("OPENROUTER_API_KEY"), fleet_id) + "}:";
  BOOST_TEST(rs.command("ZCARD " + prefix + "leases") == "0");
  BOOST_TEST(std::stod(rs.command("HGET " + prefix + "cost_stats reserved")) < 1e-12);
  BOOST_TEST(cost > 0);
  BOOST_TEST(std::abs(std::stod(rs.command("GET " + prefix + "spend")) - cost) < 1e-9);
}

BOOST_AUTO_TEST_CASE(redis_unreachable_says_so_once_and_the_batch_completes) {
  openrouter::mock::background_server server;
  test::cli::temp_dir dir;
  const auto ca = dir.write("ca.pem", server->ca_pem());
  std::string input;
  for (int i = 0; i < 10; ++i) {
    json::object o{{"id", "r" + std::to_string(i)}, {"model", "openai/gpt-4o-mini"}, {"max_tokens", 4}};
    o["messages"] = json::array{json::object{{"role", "user"}, {"content", "hi"}}};
    input += json::serialize(o) + "\n";
  }
  const auto in = dir.write("in.jsonl", input);
  // a port nobody listens on
  test::redis_server gone;
  const std::string url = gone.url();
  gone.stop();
  test::cli_process p(dir.path,
                      {"--base-url", server->base_url(), "--ca-file", ca.string(), "batch", "--input", in.string(),
                       "--output", (dir.path / "out.jsonl").string(), "--rpm", "6000", "--fleet-size", "4", "--redis",
                       url, "--no-progress"},
                      key_env);
  BOOST_TEST(p.wait(60s) == 0, p.err());
  const std::string err = p.err();
  const auto first = err.find("openrouter batch: fleet:");
  BOOST_TEST_REQUIRE(first != std::string::npos, err);
  BOOST_TEST(err.find("openrouter batch: fleet:", first + 1) == std::string::npos, err);  // once
  BOOST_TEST(err.find("local limits (1/4") != std::string::npos, err);
  const auto lines = test::cli::lines(test::read_file(dir.path / "out.jsonl"));
  BOOST_TEST(lines.size() == 10u);
  for (const auto& l : lines) BOOST_TEST(l.find("\"fleet_fallback\":true") != std::string::npos, l);
}

// `--redis rediss://... --redis-ca-file CA`: the batch shares its limits over TLS (never falls
// back), and its spend lands in that Redis.
BOOST_AUTO_TEST_CASE(a_batch_shares_its_limits_over_rediss) {
  test::redis_server rs({}, test::redis_server::transport::tls);
  openrouter::mock::background_server server;
  test::cli::temp_dir dir;
  const auto ca = dir.write("ca.pem", server->ca_pem());
  std::string input;
  for (int i = 0; i < 5; ++i) {
    json::object o{{"id", "r" + std::to_string(i)}, {"model", "openai/gpt-4o-mini"}, {"max_tokens", 4}};
    o["messages"] = json::array{json::object{{"role", "user"}, {"content", "hi"}}};
    input += json::serialize(o) + "\n";
  }
  const auto in = dir.write("in.jsonl", input);
  const std::string fleet_id = "tls-" + std::to_string(::getpid());
  test::cli_process p(dir.path,
                      {"--base-url", server->base_url(), "--ca-file", ca.string(), "batch", "--input", in.string(),
                       "--output", (dir.path / "out.jsonl").string(), "--rpm", "6000", "--redis", rs.url(),
                       "--redis-ca-file", rs.ca_file(), "--fleet-id", fleet_id, "--no-progress"},
                      key_env);
  BOOST_TEST(p.wait(60s) == 0, p.err());
  BOOST_TEST(p.err().find("fleet:") == std::string::npos, p.err());  // never fell back
  BOOST_TEST(test::cli::lines(test::read_file(dir.path / "out.jsonl")).size() == 5u);
  const std::string prefix = "openrouter:{" + openrouter::fleet_namespace(key_env.at("OPENROUTER_API_KEY"), fleet_id) + "}:";
  BOOST_TEST(std::stod(rs.command("GET " + prefix + "spend")) > 0);
}

BOOST_AUTO_TEST_SUITE_END()
