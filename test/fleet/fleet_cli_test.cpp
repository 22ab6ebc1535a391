// `openrouter batch --shard K/2 --redis URL --rpm N`: two processes against one mock and one
// redis-server (started on loopback) respect N together, and cover every id exactly once.
#include "support/fleet_run.hpp"
#include "support/redis_server.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

using test::fleet::key_env;

BOOST_AUTO_TEST_SUITE(fleet_cli_test)

BOOST_AUTO_TEST_CASE(two_batch_shards_share_one_rpm) {
  test::redis_server rs;
  openrouter::mock::background_server server;
  test::cli::temp_dir dir;
  const auto ca = dir.write("ca.pem", server->ca_pem());
  const auto in = dir.write("in.jsonl", test::fleet::chat_lines(60));
  const std::string fleet_id = test::fleet::fresh_fleet_id();
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
        key_env()));
  std::this_thread::sleep_until(start + 2s);
  const auto in_two_seconds = server->stats().chat_requests - before;
  // 600/min = 10 a second, burst 10: at most 10 + 2 s x 10 (+1 at the edge) for the fleet; each
  // shard alone would be allowed 30 (all 60 lines)
  BOOST_TEST(in_two_seconds <= 31u);
  BOOST_TEST(in_two_seconds >= 10u);
  std::map<std::string, int> seen;
  for (int k = 1; k <= 2; ++k) {
    auto& p = *procs[static_cast<std::size_t>(k - 1)];
    BOOST_TEST(p.wait(60s) == 0, p.err());
    BOOST_TEST(p.err().find("fleet:") == std::string::npos, p.err());  // never fell back
    for (const auto& l : test::cli::lines(test::read_file(dir.path / ("out" + std::to_string(k) + ".jsonl")))) {
      auto v = json::parse(l);
      BOOST_TEST(!v.as_object().contains("error"), l);
      ++seen[std::string(v.at("id").as_string())];
    }
  }
  BOOST_TEST(seen.size() == 60u);
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
}

BOOST_AUTO_TEST_CASE(redis_unreachable_says_so_once_and_the_batch_completes) {
  openrouter::mock::background_server server;
  test::cli::temp_dir dir;
  const auto ca = dir.write("ca.pem", server->ca_pem());
  const auto in = dir.write("in.jsonl", test::fleet::chat_lines(10));
  // a port nobody listens on
  test::redis_server gone;
  const std::string url = gone.url();
  gone.stop();
  test::cli_process p(dir.path,
                      {"--base-url", server->base_url(), "--ca-file", ca.string(), "batch", "--input", in.string(),
                       "--output", (dir.path / "out.jsonl").string(), "--rpm", "6000", "--fleet-size", "4", "--redis",
                       url, "--no-progress"},
                      key_env());
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

BOOST_AUTO_TEST_SUITE_END()
