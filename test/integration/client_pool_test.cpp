// The connection pool: reuse, limits, FIFO waiters, acquire timeout, stale keep-alive
// recovery, no leaks after errors, several threads.
#include "support/client_fixture.hpp"

#include <openrouter/router.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(client_pool_test)

wire::chat_request req(std::string model = "openai/gpt-4o-mini", std::string prompt = "hi") {
  return chat_request(std::move(model), std::move(prompt));
}

// Runs `total` chats with `concurrency` in flight; returns the number that failed.
int fan_out(client_fixture& f, int total, int concurrency, const std::string& model = "openai/gpt-4o-mini") {
  std::atomic<int> started{0}, done{0}, failed{0};
  std::vector<openrouter::diagnostics> diags(static_cast<std::size_t>(concurrency));
  std::function<void(int)> next = [&](int slot) {
    if (started++ >= total) return;
    f.cli.async_chat(req(model), diags[static_cast<std::size_t>(slot)], [&, slot](boost::system::error_code ec, wire::chat_response) {
      if (ec) ++failed;
      ++done;
      next(slot);
    });
  };
  for (int i = 0; i < concurrency; ++i) next(i);
  f.run_until([&] { return done == total; }, std::chrono::seconds(120));
  return failed;
}

BOOST_AUTO_TEST_CASE(thousand_requests_at_concurrency_16_open_16_connections) {
  client_fixture f;
  BOOST_TEST(fan_out(f, 1000, 16) == 0);
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.connections_opened == 16u);
  BOOST_TEST(st.tls_handshakes == 16u);
  BOOST_TEST(st.reuses == 1000u - 16u);
  BOOST_TEST(st.in_use == 0u);
  BOOST_TEST(st.idle == 16u);
  BOOST_TEST(f.server->stats().connections_accepted == 16u);
}

BOOST_AUTO_TEST_CASE(warmup_preconnects) {
  client_fixture f({}, [](openrouter::client_config& c) { c.pool.max_connections = 4; });
  auto [ec, opened] = f.run<std::size_t>([&](auto h) { return f.cli.async_warmup(10, f.diag, h); });
  BOOST_TEST(!ec);
  BOOST_TEST(opened == 4u);  // capped by the pool limit
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.idle == 4u);
  BOOST_TEST(st.tls_handshakes == 4u);
  // Warm connections serve the next requests: no new handshake.
  BOOST_TEST(fan_out(f, 40, 4) == 0);
  BOOST_TEST(f.cli.pool_statistics().connections_opened == 4u);
}

// Sends prompts "echo: 0".."echo: 7" at once; returns the answers in completion order.
std::vector<int> eight_at_once(client_fixture& f) {
  std::vector<int> order;
  std::vector<openrouter::diagnostics> diags(8);
  for (int i = 0; i < 8; ++i) {
    f.cli.async_chat(req("openai/gpt-4o-mini", "echo: " + std::to_string(i)), diags[static_cast<std::size_t>(i)],
                     [&order](boost::system::error_code ec, wire::chat_response r) {
                       BOOST_TEST(!ec);
                       order.push_back(ec ? -1 : std::stoi(r.text()));
                     });
  }
  f.run_until([&] { return order.size() == 8; });
  return order;
}

BOOST_AUTO_TEST_CASE(limits_queue_waiters_in_fifo_order) {
  // One connection: every request after the first waits, and they are served in arrival order.
  client_fixture one({}, [](openrouter::client_config& c) { c.pool.max_connections = 1; });
  BOOST_TEST(eight_at_once(one) == (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}), boost::test_tools::per_element());
  BOOST_TEST(one.cli.pool_statistics().connections_opened == 1u);
  BOOST_TEST(one.cli.pool_statistics().waits == 7u);
  // Two connections: the limit holds (completion order within the pair is not defined).
  client_fixture two({}, [](openrouter::client_config& c) { c.pool.max_connections = 2; });
  auto order = eight_at_once(two);
  BOOST_TEST(std::count(order.begin(), order.end(), -1) == 0);
  BOOST_TEST(two.cli.pool_statistics().connections_opened <= 2u);
  BOOST_TEST(two.cli.pool_statistics().waits >= 6u);
}

BOOST_AUTO_TEST_CASE(acquire_timeout) {
  client_fixture f({}, [](openrouter::client_config& c) {
    c.pool.max_connections = 1;
    c.pool.acquire_timeout = 200ms;
  });
  openrouter::diagnostics d1, d2;
  outcome<wire::chat_response> slow, queued;
  f.cli.async_chat(req("fault/stall;seconds=1"), d1, slow.handler());
  f.cli.async_chat(req(), d2, queued.handler());
  BOOST_TEST(!std::get<0>(wait(f.ioc, slow)));
  auto [ec, r] = wait(f.ioc, queued);
  BOOST_TEST(ec == errc::pool_timeout, ec.message());
  BOOST_TEST(f.cli.pool_statistics().wait_timeouts == 1u);
}

// The mock closes each connection silently right after its third response. A connection seen
// closed at checkout is discarded at no cost. One whose close arrives only after the next
// request was written on it cannot be told from a server that read the request and died, so the
// request is not re-sent behind the caller's back: a typed, retryable error, which a router
// retries visibly. Either way the mock never reads a request twice.
BOOST_AUTO_TEST_CASE(server_closed_keep_alive_is_recovered) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"connection":{"close_after_requests":3}})");
  std::vector<std::string> logs;
  client_fixture f(o, [&](openrouter::client_config& c) {
    c.log.min_level = openrouter::logger::level::debug;
    c.log.sink = [&](openrouter::logger::level, std::string_view m) { logs.emplace_back(m); };
  });
  int ok = 0, failed = 0;
  bool last_failed = false;  // then the next connection is not opened yet
  for (int i = 0; i < 20; ++i) {
    auto [ec, r] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(), f.diag, t); });
    last_failed = static_cast<bool>(ec);
    if (!ec) {
      ++ok;
      continue;
    }
    ++failed;
    BOOST_TEST((ec == errc::connection_closed || ec == errc::connection_reset), "request " << i << ": " << ec.message());
    BOOST_TEST(openrouter::is_retryable(ec, f.diag));
  }
  auto st = f.cli.pool_statistics();
  // Every connection but the last served its three requests and then ended one way: noticed
  // at checkout, a typed error, or a failed write (and then only was the request re-sent).
  BOOST_TEST(st.connections_opened + (last_failed ? 1 : 0) ==
             1 + st.stale_discards + st.resends + static_cast<unsigned>(failed));
  BOOST_TEST(static_cast<std::uint64_t>(ok) >= 3 * (st.connections_opened - 1));
  BOOST_TEST(static_cast<std::uint64_t>(ok) <= 3 * st.connections_opened);
  BOOST_TEST(st.connections_opened >= 6u);
  BOOST_TEST(f.server->stats().requests == static_cast<std::uint64_t>(ok));  // nothing read twice
  // Each re-send is logged, without the key.
  BOOST_TEST(logs.size() == st.resends);
  for (const auto& m : logs) BOOST_TEST(m.find("sk-or-v1") == std::string::npos, m);

  // Through a router every request succeeds; the failed attempts are visible in its records.
  openrouter::routing::policy p;
  p.models = {"openai/gpt-4o-mini"};
  p.backoff.initial = 1ms;
  p.backoff.max = 5ms;
  p.max_attempts_per_model = 4;
  p.max_attempts = 4;
  p.use_breakers = false;
  p.use_retry_budget = false;
  openrouter::router r(f.cli, p, {}, 7);
  const auto before = f.server->stats().requests;
  std::size_t attempts = 0;
  for (int i = 0; i < 20; ++i) {
    openrouter::request_record rec;
    auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return r.async_chat(req(), f.diag, rec, t); });
    BOOST_TEST(!ec, "routed request " << i << ": " << ec.message());
    attempts += rec.attempts.size();
  }
  BOOST_TEST(f.server->stats().requests - before == 20u);  // each routed request read once
  BOOST_TEST(attempts >= 20u);
}

// TLS: a connection the mock closed while it sat idle in the pool (its close seen before the
// next request is written) is discarded at checkout; the request goes out once, on a new one.
BOOST_AUTO_TEST_CASE(a_tls_connection_closed_while_idle_is_discarded_at_checkout) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"connection":{"close_after_requests":1}})");
  client_fixture f(o);
  for (int i = 0; i < 5; ++i) {
    if (i > 0) {  // the previous connection's close has reached the client
      auto deadline = std::chrono::steady_clock::now() + 30s;
      while (f.server->stats().connections_open > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
      std::this_thread::sleep_for(20ms);
    }
    auto [ec, r] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(), f.diag, t); });
    BOOST_TEST(!ec, "request " << i << ": " << ec.message());
  }
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.stale_discards == 4u);
  BOOST_TEST(st.resends == 0u);
  BOOST_TEST(st.connections_opened == 5u);
  BOOST_TEST(f.server->stats().requests == 5u);
}

// A new connection to an origin already seen resumes the TLS session its predecessor got: the
// server closes each connection after one request, so every request needs a new one.
BOOST_AUTO_TEST_CASE(new_connections_resume_the_tls_session) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"connection":{"close_after_requests":1,"announce_close":true}})");
  client_fixture f(o);
  for (int i = 0; i < 5; ++i) {
    auto [ec, r] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(), f.diag, t); });
    BOOST_TEST_REQUIRE(!ec, "request " << i << ": " << ec.message());
  }
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.tls_handshakes == 5u);
  BOOST_TEST(st.tls_resumptions == 4u);  // all but the first
  client_fixture off(o, [](openrouter::client_config& c) { c.tls.session_resumption = false; });
  for (int i = 0; i < 3; ++i) {
    auto [ec, r] = off.run<wire::chat_response>([&](auto t) { return off.cli.async_chat(req(), off.diag, t); });
    BOOST_TEST_REQUIRE(!ec, ec.message());
  }
  BOOST_TEST(off.cli.pool_statistics().tls_handshakes == 3u);
  BOOST_TEST(off.cli.pool_statistics().tls_resumptions == 0u);
}

BOOST_AUTO_TEST_CASE(no_leak_after_errors) {
  client_fixture f({}, [](openrouter::client_config& c) { c.timeout.response_headers = 200ms; });
  for (std::string model : {"fault/reset", "fault/500", "fault/stall;seconds=2", "fault/reset;after_tokens=1",
                            "fault/malformed_json", "openai/gpt-4o-mini"}) {
    auto [ec, r] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(model), f.diag, t); });
    (void)ec;
  }
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.in_use == 0u);
  BOOST_TEST(st.idle <= 2u);
  // The server sees no more connections than the pool keeps parked.
  f.run_until([&] { return f.server->stats().connections_open <= st.idle; }, std::chrono::seconds(10));
}

BOOST_AUTO_TEST_CASE(malformed_json_is_typed) {
  client_fixture f;
  auto [ec, r] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req("fault/malformed_json"), f.diag, t); });
  BOOST_TEST(ec == errc::bad_json, ec.message());
  BOOST_TEST(!f.diag.body_excerpt.empty());
  BOOST_TEST(f.diag.http_status == 200u);
}

BOOST_AUTO_TEST_CASE(response_size_limit) {
  client_fixture f({}, [](openrouter::client_config& c) { c.max_response_bytes = 10'000; });
  openrouter::models_query q;
  auto [ec, r] = f.run<wire::models_page>([&](auto t) { return f.cli.async_models(q, f.diag, t); });
  BOOST_TEST(ec == errc::response_too_large, ec.message());
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
}

BOOST_AUTO_TEST_CASE(shared_by_several_threads) {
  // One client, one io_context run by 4 threads, 400 requests: all succeed, limits hold.
  openrouter::mock::background_server srv;
  boost::asio::io_context ioc;
  auto cfg = config_for(srv.get());
  cfg.pool.max_connections = 8;
  openrouter::client cli(ioc.get_executor(), cfg);
  std::atomic<int> ok{0}, failed{0};
  std::vector<openrouter::diagnostics> diags(400);
  for (int i = 0; i < 400; ++i)
    cli.async_chat(req(), diags[static_cast<std::size_t>(i)], [&](boost::system::error_code ec, wire::chat_response) {
      (ec ? failed : ok)++;
    });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run(); });
  for (auto& t : threads) t.join();
  BOOST_TEST(ok == 400);
  BOOST_TEST(failed == 0);
  BOOST_TEST(cli.pool_statistics().connections_opened <= 8u);
  BOOST_TEST(cli.pool_statistics().in_use == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
