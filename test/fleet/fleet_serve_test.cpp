// Two `openrouter serve --redis URL` replicas (as behind a load balancer) sharing one policy RPM
// through a redis-server on loopback: their callers together are held to it, as the requests
// the mock receives in every sliding window show.
#include "support/fleet_run.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"

#include <boost/json/array.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <array>
#include <atomic>
#include <thread>

namespace json = boost::json;
namespace mock = openrouter::mock;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

BOOST_AUTO_TEST_SUITE(fleet_serve_test)

// limits.requests_per_minute 600 (10 a second, burst 10) for the fleet of two replicas; four
// callers on each keep them busy for 5 s. In any window of W seconds the mock sees at most
// 10 + 10 W requests (test::fleet::bucket_bound); each replica alone would allow as many.
BOOST_AUTO_TEST_CASE(two_serve_replicas_hold_their_callers_to_one_rpm) {
  test::redis_server rs;
  mock::server_options mo;
  mo.chat_log_size = 100'000;
  mock::background_server server(mo);
  test::cli::temp_dir dir;
  const auto ca = dir.write("ca.pem", server->ca_pem());
  const auto policy = dir.write("policy.json", R"({"limits": {"requests_per_minute": 600}})");
  const std::string fleet_id = test::fleet::fresh_fleet_id();
  std::vector<std::unique_ptr<test::cli_process>> replicas;
  std::vector<std::uint16_t> ports;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(std::make_unique<test::cli_process>(
        dir.path,
        std::vector<std::string>{"serve", "--port", "0", "--base-url", server->base_url(), "--ca-file", ca.string(),
                                 "--policy", policy.string(), "--redis", rs.url(), "--fleet-size", "2", "--fleet-id",
                                 fleet_id},
        test::fleet::key_env()));
    auto& p = *replicas.back();
    const auto deadline = clock_type::now() + 30s;
    while (p.out().find('\n') == std::string::npos && p.running() && clock_type::now() < deadline)
      std::this_thread::sleep_for(10ms);
    const std::string line = p.out();
    BOOST_TEST_REQUIRE(line.starts_with("listening http://127.0.0.1:"), line << p.err());
    ports.push_back(static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1))));
  }

  const json::value body = json::object{
      {"model", "openai/gpt-4o-mini"},
      {"max_tokens", 4},
      {"messages", json::array{json::object{{"role", "user"}, {"content", "hi"}}}}};
  std::array<std::atomic<int>, 2> ok{}, failed{};
  const auto stop_at = clock_type::now() + 5s;
  std::vector<std::thread> callers;
  for (int c = 0; c < 8; ++c)
    callers.emplace_back([&, r = c % 2] {
      test::http_client caller("127.0.0.1", ports[static_cast<std::size_t>(r)], "", "localhost", "");
      while (clock_type::now() < stop_at) {
        const auto res = caller.post(test::api("/chat/completions"), body);
        (res.status == 200u ? ok : failed)[static_cast<std::size_t>(r)]++;
      }
    });
  for (auto& t : callers) t.join();

  for (std::size_t r = 0; r < 2; ++r) {
    BOOST_TEST(failed[r] == 0);
    BOOST_TEST(ok[r] >= 5, "replica " << r << " served " << ok[r]);
  }
  std::size_t fell = 0;  // Redis slower than 100 ms (an overloaded machine): local limits meanwhile
  for (auto& p : replicas) {
    ::kill(p->pid(), SIGTERM);
    BOOST_TEST(p->wait(30s) == 0, p->err());
    fell += test::fleet::fallbacks(p->err());
  }
  const auto log = server->chat_log();
  BOOST_TEST_MESSAGE("served " << ok[0] << " + " << ok[1] << "; at most " << test::fleet::max_in_window(log, 1s)
                               << " in a second, " << test::fleet::max_in_window(log, 3s) << " in 3 s");
  BOOST_TEST(log.size() == static_cast<std::size_t>(ok[0] + ok[1]));
  BOOST_TEST(test::fleet::max_in_window(log, 1s) <= test::fleet::bucket_bound(10, 10, 1s, fell, 2));
  BOOST_TEST(test::fleet::max_in_window(log, 3s) <= test::fleet::bucket_bound(10, 10, 3s, fell, 2));
}

BOOST_AUTO_TEST_SUITE_END()
