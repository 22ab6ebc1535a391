// Limits shared by a fleet on a real redis-server started on loopback (test/support/redis_server):
// the Lua scripts' answers (fleet RPM, in-flight leases that expire, spend reservations, shared
// cool-downs) seen by two shared states as two processes would have them, the fallback to local
// limits when Redis stops and the return to shared ones when it comes back, and two routers
// against the mock sharing one RPM and one 429's Retry-After.
#include "support/client_fixture.hpp"
#include "support/redis_server.hpp"

#include <openrouter/fleet.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <thread>
#include <future>
#include <atomic>
#include <array>
#include <functional>
#include <cstdlib>
#include <optional>

using namespace test;
using namespace std::chrono_literals;
namespace routing = openrouter::routing;
using verdict = routing::admission::verdict;

namespace {

int run_id = 0;

struct fleet_member {
  std::shared_ptr<routing::shared_state> state;
  std::vector<std::pair<bool, std::string>> modes;  // on_mode calls
};

openrouter::fleet_options options_for(const redis_server& rs, std::string ns) {
  openrouter::fleet_options o;
  o.redis_url = rs.url();
  o.key_namespace = std::move(ns);
  o.call_deadline = 200ms;
  o.reconnect_every = 100ms;
  return o;
}

std::unique_ptr<fleet_member> member(boost::asio::io_context& ioc, const routing::policy& p, openrouter::fleet_options o) {
  auto m = std::make_unique<fleet_member>();
  o.on_mode = [mm = m.get()](bool shared, const std::string& why) { mm->modes.emplace_back(shared, why); };
  boost::system::error_code ec;
  std::string what;
  m->state = openrouter::make_redis_state(ioc.get_executor(), p, std::move(o), ec, what);
  BOOST_TEST_REQUIRE(!ec, what);
  return m;
}

routing::admission admit(boost::asio::io_context& ioc, routing::shared_state& s, const std::string& model) {
  std::optional<routing::admission> a;
  s.admit(model, [&](routing::admission x) { a = x; });
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!a) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("admit did not answer");
    ioc.restart();
    ioc.run_for(5ms);
  }
  return *a;
}

void pump(boost::asio::io_context& ioc, std::chrono::milliseconds d) {
  ioc.restart();
  ioc.run_for(d);
}

std::string fresh_ns() { return openrouter::fleet_namespace("sk-or-test-key", "t" + std::to_string(::getpid()) + "-" + std::to_string(++run_id)); }

// A "Redis" that answers the handshake's PING (when asked to) and then never a word more: a
// store that hangs.
struct silent_redis {
  silent_redis(boost::asio::io_context& ioc, bool answer_ping)
      : acc(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}), peer(ioc), answer(answer_ping) {
    acc.async_accept(peer, [this](boost::system::error_code ec) {
      if (!ec) read();
    });
  }
  void read() {
    peer.async_read_some(boost::asio::buffer(buf), [this](boost::system::error_code ec, std::size_t n) {
      if (ec) return;
      if (answer && !answered && std::string_view(buf.data(), n).find("PING") != std::string_view::npos) {
        answered = true;
        boost::asio::write(peer, boost::asio::buffer(std::string_view("+PONG\r\n")), ec);
      }
      read();
    });
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(acc.local_endpoint().port()); }
  /// Options for a state on it, in a namespace of its own.
  openrouter::fleet_options options() const {
    openrouter::fleet_options o;
    o.redis_url = url();
    o.key_namespace = fresh_ns();
    return o;
  }
  boost::asio::ip::tcp::acceptor acc;
  boost::asio::ip::tcp::socket peer;
  std::array<char, 4096> buf{};
  bool answer = false, answered = false;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fleet_redis_test)

BOOST_AUTO_TEST_CASE(the_namespace_is_a_hash_never_the_key) {
  const std::string ns = openrouter::fleet_namespace("sk-or-v1-secret", "job");
  BOOST_TEST(ns.find("secret") == std::string::npos);
  BOOST_TEST(ns.size() == 24 + 4);
  BOOST_TEST(ns != openrouter::fleet_namespace("sk-or-v1-other", "job"));
  BOOST_TEST(ns == openrouter::fleet_namespace("sk-or-v1-secret", "job"));
}

BOOST_AUTO_TEST_CASE(two_processes_share_one_rpm_bucket) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.requests_per_minute = 60;  // one a second
  p.limits.burst = 3;
  const auto ns = fresh_ns();
  auto a = member(ioc, p, options_for(rs, ns));
  auto b = member(ioc, p, options_for(rs, ns));
  BOOST_TEST((admit(ioc, *a->state, "m").what == verdict::go));
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::go));
  BOOST_TEST((admit(ioc, *a->state, "m").what == verdict::go));
  const auto w = admit(ioc, *b->state, "m");  // the fleet's burst is spent, whoever asks
  BOOST_TEST((w.what == verdict::wait));
  BOOST_TEST(w.shared);
  BOOST_TEST(w.retry_in.count() > 500);
  BOOST_TEST(w.retry_in.count() <= 1000);
  BOOST_TEST(a->state->stats().shared_admissions == 2u);
}

BOOST_AUTO_TEST_CASE(in_flight_leases_are_fleet_wide_and_a_dead_holders_expire) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.max_in_flight = 2;
  const auto ns = fresh_ns();
  auto o = options_for(rs, ns);
  o.lease_ttl = 600ms;
  auto a = member(ioc, p, o);
  auto b = member(ioc, p, o);
  const auto t1 = admit(ioc, *a->state, "m");
  const auto t2 = admit(ioc, *a->state, "m");
  BOOST_TEST_REQUIRE((t1.what == verdict::go && t2.what == verdict::go));
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::wait));
  a->state->end(t1.ticket, routing::settlement::release, 0);  // a slot frees: b gets it
  pump(ioc, 50ms);
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::go));
  // a "dies" holding t2 (no end, no renewal): its lease lapses after lease_ttl
  a.reset();
  BOOST_TEST((admit(ioc, *b->state, "x").what == verdict::wait));
  pump(ioc, 700ms);
  BOOST_TEST((admit(ioc, *b->state, "x").what == verdict::go));
}

BOOST_AUTO_TEST_CASE(a_running_holders_lease_is_renewed) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.max_in_flight = 1;
  const auto ns = fresh_ns();
  auto o = options_for(rs, ns);
  o.lease_ttl = 300ms;
  auto a = member(ioc, p, o);
  auto b = member(ioc, p, o);
  BOOST_TEST_REQUIRE((admit(ioc, *a->state, "m").what == verdict::go));
  pump(ioc, 900ms);  // three lease lifetimes: a renews every 100 ms
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::wait));
}

BOOST_AUTO_TEST_CASE(spend_reservations_bound_the_overshoot) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  p.max_cost_usd = 1.0;
  const auto ns = fresh_ns();
  auto o = options_for(rs, ns);
  o.reserve_usd = 0.3;
  auto a = member(ioc, p, o);
  auto b = member(ioc, p, o);
  // 0, 0.3, 0.6, 0.9 reserved: four go, the fifth finds spent + reserved >= 1.0
  std::vector<routing::admission> go;
  for (int i = 0; i < 4; ++i) go.push_back(admit(ioc, i % 2 ? *b->state : *a->state, "m"));
  for (const auto& g : go) BOOST_TEST((g.what == verdict::go));
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::spent));
  // Two settle cheaper than reserved, one fails (released): room again
  a->state->end(go[0].ticket, routing::settlement::cost, 0.1);
  b->state->end(go[1].ticket, routing::settlement::cost, 0.1);
  a->state->end(go[2].ticket, routing::settlement::release, 0);
  pump(ioc, 50ms);
  // spent 0.2, reserved 0.3 (go[3]); the mean cost is 0.1 < the floor 0.3
  const auto more = admit(ioc, *a->state, "m");
  BOOST_TEST((more.what == verdict::go));
  // an attempt cut off after sending is charged its reservation
  b->state->end(go[3].ticket, routing::settlement::unknown, 0);
  a->state->end(more.ticket, routing::settlement::cost, 0.9);
  pump(ioc, 50ms);
  // spent 0.2 + 0.3 + 0.9 = 1.4: over by no more than what was in flight when the cap was near
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::spent));
}

BOOST_AUTO_TEST_CASE(a_cool_down_seen_by_one_is_seen_by_all) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  const auto ns = fresh_ns();
  auto a = member(ioc, p, options_for(rs, ns));
  auto b = member(ioc, p, options_for(rs, ns));
  BOOST_TEST_REQUIRE((admit(ioc, *b->state, "m").what == verdict::go));  // connected
  a->state->cool_down("m", 800ms);
  pump(ioc, 50ms);
  const auto c = admit(ioc, *b->state, "m");
  BOOST_TEST((c.what == verdict::cooling));
  BOOST_TEST(c.retry_in.count() > 500);
  BOOST_TEST(c.retry_in.count() <= 800);
  a->state->cool_down("m", 100ms);  // never shortened
  pump(ioc, 50ms);
  BOOST_TEST(admit(ioc, *b->state, "m").retry_in.count() > 400);
  BOOST_TEST((admit(ioc, *b->state, "other").what == verdict::go));
  pump(ioc, 800ms);
  BOOST_TEST((admit(ioc, *b->state, "m").what == verdict::go));
}

BOOST_AUTO_TEST_CASE(redis_down_falls_back_to_scaled_local_limits_and_back) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.requests_per_minute = 6000;
  p.limits.max_in_flight = 8;
  const auto ns = fresh_ns();
  auto o = options_for(rs, ns);
  o.fleet_size = 4;  // local share: 2 in flight
  auto a = member(ioc, p, o);
  BOOST_TEST_REQUIRE((admit(ioc, *a->state, "m").what == verdict::go));
  BOOST_TEST(a->modes.empty());
  rs.stop();
  const auto l1 = admit(ioc, *a->state, "m");
  BOOST_TEST(!l1.shared);
  BOOST_TEST((l1.what == verdict::go));
  const auto l2 = admit(ioc, *a->state, "m");
  BOOST_TEST((l2.what == verdict::go));
  BOOST_TEST((admit(ioc, *a->state, "m").what == verdict::wait));  // 8 / 4 in flight locally
  BOOST_TEST_REQUIRE(a->modes.size() == 1u);  // said once
  BOOST_TEST(!a->modes[0].first);
  BOOST_TEST(a->modes[0].second.find("local limits (1/4") != std::string::npos, a->modes[0].second);
  BOOST_TEST(!a->state->stats().shared);
  BOOST_TEST(a->state->stats().degradations == 1u);
  pump(ioc, 300ms);
  BOOST_TEST(a->modes.size() == 1u);  // reconnecting quietly
  rs.start();
  pump(ioc, 400ms);
  BOOST_TEST_REQUIRE(a->modes.size() == 2u);
  BOOST_TEST(a->modes[1].first);
  const auto back = admit(ioc, *a->state, "m");
  BOOST_TEST(back.shared);
  BOOST_TEST((back.what == verdict::go));
  a->state->end(l1.ticket, routing::settlement::release, 0);  // a local lease ends locally
  BOOST_TEST(a->state->stats().recoveries == 1u);
}

BOOST_AUTO_TEST_CASE(auth_with_a_password) {
  redis_server rs("s3cret-pw");
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.requests_per_minute = 600;
  auto o = options_for(rs, fresh_ns());
  o.password = "s3cret-pw";
  auto good = member(ioc, p, o);
  const auto g = admit(ioc, *good->state, "m");
  BOOST_TEST(g.shared);
  BOOST_TEST(good->modes.empty());
  o.password = "wrong";
  auto bad = member(ioc, p, o);
  const auto b = admit(ioc, *bad->state, "m");
  BOOST_TEST(!b.shared);  // falls back, says why
  BOOST_TEST_REQUIRE(bad->modes.size() == 1u);
  BOOST_TEST(bad->modes[0].second.find("wrong") == std::string::npos, "the password is never shown");
}

BOOST_AUTO_TEST_CASE(a_bad_url_is_a_typed_error) {
  boost::asio::io_context ioc;
  routing::policy p;
  for (const char* u : {"http://127.0.0.1:6379", "redis://:pw@127.0.0.1", "redis://127.0.0.1/x", "nonsense"}) {
    openrouter::fleet_options o;
    o.redis_url = u;
    boost::system::error_code ec;
    std::string what;
    auto s = openrouter::make_redis_state(ioc.get_executor(), p, o, ec, what);
    BOOST_TEST(!s, u);
    BOOST_TEST((ec == openrouter::errc::invalid_argument), u);
    BOOST_TEST(what.find("--redis") != std::string::npos);
  }
}

// Two routers (as two processes) on one mock and one Redis: the fleet's RPM holds.
BOOST_AUTO_TEST_CASE(two_routers_respect_one_fleet_rpm) {
  redis_server rs;
  client_fixture f;
  routing::policy p;
  p.models = {"openai/gpt-4o-mini"};
  p.limits.requests_per_minute = 120;  // 2 a second
  p.limits.burst = 2;
  p.deadline = 30s;
  const auto ns = fresh_ns();
  openrouter::router r1(f.cli, p), r2(f.cli, p);
  auto m1 = member(f.ioc, p, options_for(rs, ns));
  auto m2 = member(f.ioc, p, options_for(rs, ns));
  r1.share(m1->state);
  r2.share(m2->state);
  std::vector<outcome<openrouter::wire::chat_response>> outs(12);
  std::vector<boost::asio::cancellation_signal> stop(outs.size());
  for (std::size_t i = 0; i < outs.size(); ++i)
    (i % 2 ? r2 : r1).async_chat(chat_request("x", "hi"), boost::asio::bind_cancellation_slot(stop[i].slot(), outs[i].handler()));
  const auto before = f.server->stats().chat_requests;
  const auto start = std::chrono::steady_clock::now();
  f.run_until([&] { return std::chrono::steady_clock::now() - start > 2s; }, 10s);
  const auto sent = f.server->stats().chat_requests - before;
  // burst 2 + 2 a second for 2 s (+1 for a token due at the edge); each router alone would allow 6
  BOOST_TEST(sent >= 4u);
  BOOST_TEST(sent <= 7u);
  // The routers and the client outlive their operations: the ones still waiting are cancelled
  // and run to their end before anything is destroyed.
  for (auto& s : stop) s.emit(boost::asio::cancellation_type::terminal);
  f.run_until([&] { return std::all_of(outs.begin(), outs.end(), [](const auto& o) { return o.ready(); }); }, 20s);
}

// One router's 429 with Retry-After: the other skips that model without sending to it.
BOOST_AUTO_TEST_CASE(a_retry_after_seen_by_one_router_makes_the_other_skip_the_model) {
  redis_server rs;
  client_fixture f;
  routing::policy p;
  p.models = {"fault/429;retry_after=5", "openai/gpt-4o-mini"};
  p.backoff.retry_after_cap = 10s;
  p.deadline = 30s;
  const auto ns = fresh_ns();
  std::vector<openrouter::request_record> recs;
  openrouter::router_hooks hooks;
  hooks.on_request = [&](const openrouter::request_record& r) { recs.push_back(r); };
  openrouter::router r1(f.cli, p, hooks), r2(f.cli, p, hooks);
  auto m1 = member(f.ioc, p, options_for(rs, ns));
  auto m2 = member(f.ioc, p, options_for(rs, ns));
  r1.share(m1->state);
  r2.share(m2->state);
  auto [e1, a1] = f.run<openrouter::wire::chat_response>([&](auto t) { return r1.async_chat(chat_request("x", "hi"), f.diag, t); });
  BOOST_TEST_REQUIRE(!e1, e1.message());
  const auto after_first = f.server->stats().chat_requests;
  BOOST_TEST(after_first == 2u);  // the 429, then the fallback
  auto [e2, a2] = f.run<openrouter::wire::chat_response>([&](auto t) { return r2.async_chat(chat_request("x", "hi"), f.diag, t); });
  BOOST_TEST_REQUIRE(!e2, e2.message());
  BOOST_TEST(f.server->stats().chat_requests - after_first == 1u);  // straight to the fallback
  BOOST_TEST_REQUIRE(recs.size() == 2u);
  // its first attempt was refused by the fleet, never sent: a 429 of the fleet's, no status
  BOOST_TEST_REQUIRE(recs[1].attempts.size() == 2u);
  BOOST_TEST(recs[1].attempts[0].http_status == 0u);
  BOOST_TEST(routing::to_string(recs[1].attempts[0].cls) == "rate_limited");
  BOOST_TEST(!recs[1].attempts[0].cost_unknown);
  BOOST_TEST(recs[1].attempts[1].model == "openai/gpt-4o-mini");
  BOOST_TEST(!recs[1].fleet_fallback);
}

// A process that ends while a Redis call is in flight (a batch's last settlement, a handshake with a
// server that does not answer) frees its shared state: no call held by the connection keeps the
// state, or the connection, alive. The "server" answers the handshake's PING, then nothing.
BOOST_AUTO_TEST_CASE(a_state_dropped_with_calls_in_flight_is_freed) {
  for (const bool answer_ping : {false, true}) {
    std::weak_ptr<routing::shared_state> gone;
    {
      auto ioc = std::make_unique<boost::asio::io_context>();
      silent_redis silent(*ioc, answer_ping);
      auto o = silent.options();
      o.call_deadline = 30s;
      o.connect_deadline = 30s;
      routing::policy p;
      p.limits.requests_per_minute = 60;
      auto m = member(*ioc, p, o);
      bool admitted = false;
      m->state->admit("m", [&](routing::admission) { admitted = true; });
      pump(*ioc, 100ms);  // connected; PING (or the admit's EVALSHA) sent and waiting
      BOOST_TEST(silent.answered == answer_ping);
      BOOST_TEST(!admitted);
      gone = m->state;
      m.reset();
      pump(*ioc, 10ms);
    }  // the io_context goes: its handlers with it
    BOOST_TEST(gone.expired(), (answer_ping ? "an EVALSHA" : "the handshake") << " in flight kept the state alive");
  }
}

// A store that stops answering never holds a request past the call's deadline: the admit is
// answered by the local fallback, and the reason is said once.
BOOST_AUTO_TEST_CASE(a_hung_store_is_waited_for_no_longer_than_the_call_deadline) {
  boost::asio::io_context ioc;
  silent_redis silent(ioc, true);
  auto o = silent.options();
  o.call_deadline = 200ms;
  o.reconnect_every = 60s;
  routing::policy p;
  p.limits.requests_per_minute = 600;
  auto m = member(ioc, p, o);
  const auto start = std::chrono::steady_clock::now();
  const auto a = admit(ioc, *m->state, "m");
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST(silent.answered);  // connected: it was the EVALSHA that got no answer
  BOOST_TEST((a.what == verdict::go));
  BOOST_TEST(!a.shared);
  BOOST_TEST((took >= 200ms));
  BOOST_TEST((took < 5s));  // the deadline, not the 60 s before a reconnect
  BOOST_TEST_REQUIRE(m->modes.size() == 1u);
  BOOST_TEST(m->modes[0].second.find("no answer within 200 ms") != std::string::npos, m->modes[0].second);
  BOOST_TEST(m->state->stats().store_errors >= 1u);
  // later admits are local, without asking the store again (until a reconnect)
  const auto before = m->state->stats();
  BOOST_TEST(!admit(ioc, *m->state, "m").shared);
  BOOST_TEST(m->state->stats().store_errors == before.store_errors);
  BOOST_TEST(m->state->stats().local_admissions == before.local_admissions + 1);
}

BOOST_AUTO_TEST_CASE(flush_returns_once_the_last_settlements_reached_redis) {
  redis_server rs;
  boost::asio::io_context ioc;
  routing::policy p;
  p.max_cost_usd = 10;
  const auto ns = fresh_ns();
  auto a = member(ioc, p, options_for(rs, ns));
  const std::string prefix = "openrouter:{" + ns + "}:";
  const auto t = admit(ioc, *a->state, "m");
  BOOST_TEST_REQUIRE((t.what == verdict::go));
  BOOST_TEST(rs.command("ZCARD " + prefix + "leases") == "1");
  a->state->end(t.ticket, routing::settlement::cost, 0.25);
  bool flushed = false;
  a->state->flush([&] { flushed = true; });
  BOOST_TEST(!flushed);  // never inside the call
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!flushed && std::chrono::steady_clock::now() < deadline) {
    ioc.restart();
    ioc.run_one_for(100ms);
  }
  BOOST_TEST_REQUIRE(flushed);
  // Nothing more ran: what Redis holds now is what a process exiting here leaves behind.
  BOOST_TEST(rs.command("ZCARD " + prefix + "leases") == "0");
  BOOST_TEST(rs.command("GET " + prefix + "spend") == "0.25");
  BOOST_TEST(std::stod(rs.command("HGET " + prefix + "cost_stats reserved")) == 0.0);
}

// rediss://: TLS with the server's certificate verified (a CA of the test's own, given as
// ca_file); without that CA the handshake fails verification, typed and said, and the process
// goes on with its local limits.
BOOST_AUTO_TEST_CASE(rediss_verifies_the_servers_certificate) {
  redis_server rs({}, redis_server::transport::tls);
  BOOST_TEST_REQUIRE(rs.url().rfind("rediss://", 0) == 0u);
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.requests_per_minute = 60;
  const auto ns = fresh_ns();
  auto o = options_for(rs, ns);
  o.connect_deadline = 5s;
  o.call_deadline = 2s;
  o.ca_file = rs.ca_file();
  auto trusted = member(ioc, p, o);
  const auto a = admit(ioc, *trusted->state, "m");
  BOOST_TEST((a.what == verdict::go));
  BOOST_TEST(a.shared);
  BOOST_TEST(trusted->modes.empty());
  BOOST_TEST(rs.command("ZCARD openrouter:{" + ns + "}:leases") == "1");  // it is in Redis, over TLS

  o.ca_file.clear();  // the system's CAs only: they never signed the test's certificate
  auto untrusted = member(ioc, p, o);
  const auto b = admit(ioc, *untrusted->state, "m");
  BOOST_TEST(!b.shared);
  BOOST_TEST_REQUIRE(untrusted->modes.size() == 1u);
  BOOST_TEST(!untrusted->modes[0].first);
  BOOST_TEST(untrusted->modes[0].second.find("TLS handshake") != std::string::npos, untrusted->modes[0].second);
  BOOST_TEST(untrusted->modes[0].second.find("certificate verify failed") != std::string::npos, untrusted->modes[0].second);

  o.ca_file = "/nonexistent/ca.pem";  // a CA file that cannot be read is said, not ignored
  auto missing = member(ioc, p, o);
  const auto c = admit(ioc, *missing->state, "m");
  BOOST_TEST(!c.shared);
  BOOST_TEST_REQUIRE(missing->modes.size() == 1u);
  BOOST_TEST(missing->modes[0].second.find("/nonexistent/ca.pem") != std::string::npos, missing->modes[0].second);
}

// `serve --threads N` shares one state between the threads of its io_context: admits and ends
// from four threads at once (and stats() read meanwhile) leave the fleet exactly settled. Run
// under TSan by scripts/test.sh.
BOOST_AUTO_TEST_CASE(a_state_shared_by_threads_settles_every_attempt) {
  redis_server rs;
  boost::asio::io_context ioc;
  auto work = boost::asio::make_work_guard(ioc);
  routing::policy p;
  p.limits.requests_per_minute = 1e9;
  p.max_cost_usd = 1000;
  const auto ns = fresh_ns();
  auto o = options_for(rs, ns);
  o.call_deadline = 5s;
  o.connect_deadline = 5s;
  auto m = member(ioc, p, o);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run(); });
  constexpr int per_thread = 50;
  std::atomic<int> settled{0}, refused{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        m->state->admit(t % 2 ? "a" : "b", [&](routing::admission a) {
          if (a.what != verdict::go || !a.shared) {
            ++refused;
            return;
          }
          m->state->end(a.ticket, routing::settlement::cost, 0.25);
          ++settled;
        });
    });
  for (auto& c : callers) c.join();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (settled + refused < 4 * per_thread && std::chrono::steady_clock::now() < deadline) {
    (void)m->state->stats();
    std::this_thread::sleep_for(1ms);
  }
  std::promise<void> flushed;
  m->state->flush([&] { flushed.set_value(); });
  BOOST_TEST((flushed.get_future().wait_for(30s) == std::future_status::ready));
  work.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  BOOST_TEST(refused.load() == 0);
  BOOST_TEST(settled.load() == 4 * per_thread);
  BOOST_TEST(m->state->stats().shared_admissions == static_cast<std::uint64_t>(4 * per_thread));
  const std::string prefix = "openrouter:{" + ns + "}:";
  BOOST_TEST(rs.command("ZCARD " + prefix + "leases") == "0");
  BOOST_TEST(std::stod(rs.command("GET " + prefix + "spend")) == 4 * per_thread * 0.25);
}

BOOST_AUTO_TEST_SUITE_END()
