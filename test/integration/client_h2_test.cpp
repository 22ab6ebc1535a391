// HTTP/2 (issue 14) against the in-process mock serving h2: the same typed results over a
// multiplexed connection (JSON, streams), many streams on few connections, every HTTP/2 fault
// with its typed outcome (REFUSED_STREAM re-sent once and only once, GOAWAY, RST_STREAM
// mid-stream with the partial output kept, cancellation leaving siblings alone, a header flood),
// PING on quiet connections and idle expiry, the fallback to HTTP/1.1 and h2c; mutated server
// bytes; interop with servers nobody here wrote (nginx in front of the mock, nghttpd, h2load
// against the mock), started on loopback and stopped by the test.
#include "support/client_fixture.hpp"
#include "support/http_client.hpp"
#include "support/real_proxy.hpp"

#include <tls/server_tls.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <thread>
#include <atomic>
#include <filesystem>
#include <regex>

using namespace test;
namespace wire = openrouter::wire;
namespace mock = openrouter::mock;
using openrouter::chat_stream;
using openrouter::errc;
using boost::system::error_code;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(client_h2_test)

namespace {

mock::server_options h2_server(std::function<void(mock::server_options&)> tweak = {}) {
  mock::server_options o;
  o.http2 = true;
  if (tweak) tweak(o);
  return o;
}

using next_t = std::optional<wire::chat_chunk>;

std::pair<error_code, chat_stream> open(client_fixture& f, wire::chat_request req, openrouter::diagnostics& d) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
  f.cli.async_chat_stream(std::move(req), d, [slot](error_code ec, chat_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}

struct drained {
  error_code ec;
  std::string text;
  int chunks = 0;
};

drained drain(client_fixture& f, chat_stream& s) {
  drained d;
  while (true) {
    auto [ec, c] = f.run<next_t>([&](auto t) { return s.async_next(t); });
    if (ec) {
      d.ec = ec;
      return d;
    }
    if (!c) return d;
    ++d.chunks;
    for (const auto& ch : c->choices)
      if (ch.delta.content) d.text += *ch.delta.content;
  }
}

wire::chat_response chat(client_fixture& f, const wire::chat_request& req, error_code& ec) {
  auto [e, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req, f.diag, t); });
  ec = e;
  return res;
}

// Runs `n` streams at once to the end; returns how many failed.
int concurrent_streams(client_fixture& f, int n, const std::string& model) {
  std::atomic<int> done{0}, failed{0};
  std::vector<openrouter::diagnostics> diags(static_cast<std::size_t>(n));
  std::vector<std::shared_ptr<chat_stream>> streams(static_cast<std::size_t>(n));
  std::function<void(std::size_t)> pull = [&](std::size_t i) {
    streams[i]->async_next([&, i](error_code ec, next_t c) {
      if (ec || !c) {
        if (ec) ++failed;
        ++done;
        return;
      }
      pull(i);
    });
  };
  for (std::size_t i = 0; i < streams.size(); ++i)
    f.cli.async_chat_stream(chat_request(model, "stream " + std::to_string(i)), diags[i],
                            [&, i](error_code ec, chat_stream s) {
                              if (ec) {
                                ++failed;
                                ++done;
                                return;
                              }
                              streams[i] = std::make_shared<chat_stream>(std::move(s));
                              pull(i);
                            });
  f.run_until([&] { return done == n; }, std::chrono::seconds(120));
  return failed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_and_streams_over_h2_match_http1) {
  client_fixture f(h2_server());
  auto req = chat_request("openai/gpt-4o-mini", "echo: the quick brown fox");
  error_code ec;
  auto res = chat(f, req, ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.text() == "the quick brown fox");
  auto [oec, s] = open(f, req, f.diag);
  BOOST_REQUIRE_MESSAGE(!oec, f.diag.summary(oec));
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.text == res.text());
  // A look-up (a large body, gzip-encoded) over the same connection.
  auto [lec, models] = f.run<wire::models_page>([&](auto t) { return f.cli.async_models({}, f.diag, t); });
  BOOST_REQUIRE_MESSAGE(!lec, f.diag.summary(lec));
  BOOST_TEST(models.data.size() > 100u);
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.h2_connections_opened == 1u);
  BOOST_TEST(st.connections_opened == 1u);
  BOOST_TEST(st.h2_streams_opened == 3u);
  BOOST_TEST(f.server.get().stats().h2_connections == 1u);
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);
  BOOST_TEST(f.server.get().stats().h2_streams == 3u);
}

BOOST_AUTO_TEST_CASE(two_hundred_streams_share_two_connections) {
  client_fixture f(h2_server());
  BOOST_TEST(concurrent_streams(f, 200, "pace/itl_ms=20;tokens=10") == 0);
  auto st = f.cli.pool_statistics();
  BOOST_TEST(f.server.get().stats().connections_accepted == 2u);
  BOOST_TEST(st.h2_connections_opened == 2u);
  BOOST_TEST(st.tls_handshakes == 2u);
  BOOST_TEST(st.h2_max_streams_per_connection == 100u);
  BOOST_TEST(st.h2_streams == 0u);  // every stream given back
}

BOOST_AUTO_TEST_CASE(a_small_max_concurrent_streams_opens_more_connections) {
  client_fixture f(h2_server([](auto& o) { o.h2.max_concurrent_streams = 4; }));
  BOOST_TEST(concurrent_streams(f, 12, "pace/itl_ms=20;tokens=10") == 0);
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.h2_max_streams_per_connection <= 4u);
  BOOST_TEST(f.server.get().stats().connections_accepted == 3u);
}

BOOST_AUTO_TEST_CASE(a_refused_stream_is_sent_once_more) {
  client_fixture f(h2_server([](auto& o) { o.h2.refuse_first_streams = 1; }));
  error_code ec;
  auto res = chat(f, chat_request("openai/gpt-4o-mini", "echo: again"), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.text() == "again");
  BOOST_TEST(f.cli.pool_statistics().h2_refused_resends == 1u);
  BOOST_TEST(f.server.get().stats().h2_refused_streams == 1u);
  BOOST_TEST(f.server.get().stats().chat_requests == 1u);  // processed once
}

BOOST_AUTO_TEST_CASE(a_stream_refused_twice_is_a_typed_error_and_not_sent_a_third_time) {
  client_fixture f(h2_server([](auto& o) { o.h2.refuse_first_streams = 5; }));
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_TEST(ec == errc::stream_refused, f.diag.summary(ec));
  BOOST_TEST(!f.diag.request_sent);  // provably unprocessed
  BOOST_TEST(f.cli.pool_statistics().h2_refused_resends == 1u);
  BOOST_TEST(f.server.get().stats().h2_refused_streams == 2u);
  BOOST_TEST(f.server.get().stats().chat_requests == 0u);
}

// Three streams on a connection that says GOAWAY after two: the third (above the last stream
// id) is refused unprocessed and re-sent on a new connection; all three are processed once.
BOOST_AUTO_TEST_CASE(goaway_resends_the_streams_above_its_last_id_on_a_new_connection) {
  client_fixture f(h2_server([](auto& o) { o.h2.goaway_after_streams = 2; }));
  BOOST_TEST(concurrent_streams(f, 3, "pace/itl_ms=30;tokens=5") == 0);
  auto srv = f.server.get().stats();
  BOOST_TEST(srv.chat_requests == 3u);  // each processed once
  BOOST_TEST(srv.connections_accepted == 2u);
  BOOST_TEST(f.cli.pool_statistics().h2_refused_resends == 1u);
  // Sequential requests after a GOAWAY go to a new connection.
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
}

BOOST_AUTO_TEST_CASE(rst_stream_mid_stream_is_typed_and_keeps_the_partial_output) {
  client_fixture f(h2_server());
  auto [ec, s] = open(f, chat_request("fault/reset;after_tokens=3", "hello there my friend"), f.diag);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::stream_reset, d.ec.message());
  BOOST_TEST(!d.text.empty());
  BOOST_TEST(f.diag.detail.find("INTERNAL_ERROR") != std::string::npos, f.diag.detail);
  // A transport outcome: the 200 before it is not its cause, so the summary does not lead with it.
  BOOST_TEST(!f.diag.summary(d.ec).starts_with("200"), f.diag.summary(d.ec));
  // The connection carries on for the next request.
  error_code cec;
  chat(f, chat_request(), cec);
  BOOST_TEST(!cec, f.diag.summary(cec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);
}

BOOST_AUTO_TEST_CASE(cancelling_a_stream_leaves_the_connection_and_its_siblings) {
  client_fixture f(h2_server());
  openrouter::diagnostics da, db;
  auto [ea, a] = open(f, chat_request("pace/itl_ms=20;tokens=40", "a"), da);
  auto [eb, b] = open(f, chat_request("pace/itl_ms=20;tokens=20", "b"), db);
  BOOST_REQUIRE(!ea);
  BOOST_REQUIRE(!eb);
  auto [e1, c1] = f.run<next_t>([&](auto t) { return a.async_next(t); });
  BOOST_REQUIRE(!e1);
  a.cancel();
  auto [e2, c2] = f.run<next_t>([&](auto t) { return a.async_next(t); });
  BOOST_TEST(e2 == boost::asio::error::operation_aborted);
  auto d = drain(f, b);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.chunks > 0);
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);
  // The server saw the cancellation (RST_STREAM(CANCEL)) and stopped generating.
  f.run_until([&] {
    for (const auto& g : f.server.get().generations())
      if (g.cancelled) return true;
    return false;
  }, std::chrono::seconds(10));
  int cancelled = 0;
  for (const auto& g : f.server.get().generations()) cancelled += g.cancelled ? 1 : 0;
  BOOST_TEST(cancelled == 1);
}

BOOST_AUTO_TEST_CASE(a_header_flood_is_refused_before_it_is_held_and_the_connection_carries_on) {
  // 32 KiB of headers pass; 256 KiB (beyond the 64 KiB an HTTP/1.1 head may hold) do not. The
  // mock repeats one field, so the block is small on the wire and large once decoded.
  for (std::size_t bytes : {std::size_t(32) << 10, std::size_t(256) << 10}) {
    BOOST_TEST_CONTEXT("header bytes " << bytes) {
      client_fixture f(h2_server([&](auto& o) { o.h2.response_header_bytes = bytes; }));
      error_code ec;
      chat(f, chat_request(), ec);
      if (bytes < (64u << 10)) {
        BOOST_TEST(!ec, f.diag.summary(ec));
        continue;
      }
      BOOST_TEST(ec == errc::response_too_large, ec.message());
      BOOST_TEST(f.diag.detail.find("64 KiB") != std::string::npos, f.diag.detail);
      // Only that stream was reset: the next request on the same connection gets the same
      // flood and the same answer, and the connection is still the first one.
      chat(f, chat_request(), ec);
      BOOST_TEST(ec == errc::response_too_large, ec.message());
      BOOST_TEST(f.server.get().stats().connections_accepted == 1u);
    }
  }
}

// Whatever is in flight when a program ends - a stream's read pending, a session writing - is
// freed with its io_context, never run again: the handlers pending on the sockets own what
// awaits them (LeakSanitizer checks it under ASan; before, a TLS read's handler stayed in the
// TLS stream, and an HTTP/2 session held both). HTTP/1.1 and HTTP/2 alike.
BOOST_AUTO_TEST_CASE(a_client_and_io_context_destroyed_mid_stream_free_everything) {
  for (bool h2 : {false, true}) {
    BOOST_TEST_CONTEXT("http2 " << h2) {
      mock::background_server srv(h2_server([&](auto& o) { o.http2 = h2; }));
      auto ioc = std::make_unique<boost::asio::io_context>();
      auto cli = std::make_unique<openrouter::client>(ioc->get_executor(), config_for(srv.get()));
      openrouter::diagnostics d;
      auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
      cli->async_chat_stream(chat_request("pace/itl_ms=10000;tokens=3", "slow"), d,
                             [slot](error_code e, chat_stream s) { slot->emplace(e, std::move(s)); });
      for (int i = 0; i < 6000 && !slot->has_value(); ++i) ioc->run_for(10ms);
      BOOST_REQUIRE(slot->has_value());
      BOOST_REQUIRE_MESSAGE(!slot->value().first, d.summary(slot->value().first));
      auto s = std::make_shared<chat_stream>(std::move(slot->value().second));
      bool done = false;
      std::function<void()> pull = [&, s] {
        s->async_next([&](error_code e, next_t c) {
          if (e || !c) done = true;
          else pull();
        });
      };
      pull();
      ioc->run_for(300ms);  // the first events, then a read pending for 10 s
      BOOST_TEST(!done);
      pull = nullptr;
      s.reset();
      cli.reset();
      ioc.reset();  // never run again
      BOOST_TEST(srv.get().stats().h2_connections == (h2 ? 1u : 0u));
    }
  }
}

// Liveness (http2_options::ping_interval / ping_timeout) and idle expiry.
BOOST_AUTO_TEST_CASE(an_idle_connection_is_kept_alive_with_pings_and_reused) {
  client_fixture f(h2_server(), [](auto& c) {
    c.http2.ping_interval = 100ms;
    c.http2.ping_idle = true;
  });
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  f.ioc.restart();
  f.ioc.run_for(1s);  // idle: nothing arrives, so PINGs go out (and are answered)
  BOOST_TEST(f.server.get().stats().h2_pings >= 3u, f.server.get().stats().h2_pings);
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);  // the same connection
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 1u);
}

BOOST_AUTO_TEST_CASE(an_unanswered_ping_ends_the_connection_and_fails_its_stream_typed) {
  client_fixture f(h2_server([](auto& o) { o.h2.answer_pings = false; }), [](auto& c) {
    c.http2.ping_interval = 100ms;
    c.http2.ping_timeout = 300ms;
  });
  // A stream that goes quiet for 3 s between tokens: its connection is pinged, nothing answers.
  auto [ec, s] = open(f, chat_request("pace/itl_ms=3000;tokens=4", "a quiet one"), f.diag);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  // As when an HTTP/1.1 connection dies mid-stream: the stream is incomplete, and says why.
  BOOST_TEST(d.ec == errc::stream_incomplete, d.ec.message());
  BOOST_TEST(f.diag.detail.find("PING") != std::string::npos, f.diag.detail);
  BOOST_TEST(f.server.get().stats().h2_pings >= 1u);
  // The pool dropped the dead connection: the next request opens another and succeeds.
  error_code cec;
  chat(f, chat_request(), cec);
  BOOST_TEST(!cec, f.diag.summary(cec));
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 2u);
}

// A request given up on (here its response_headers timeout) while nothing at all has arrived on
// its connection since it was sent: the connection may be dead without a word (a peer that lost
// it, a black hole), so the caller's retry must not go out on it. It takes no new stream until a
// frame arrives; a PING asks at once, and without an answer within ping_timeout it is dropped.
BOOST_AUTO_TEST_CASE(a_request_given_up_on_a_silent_connection_is_retried_on_another) {
  client_fixture f(h2_server([](auto& o) { o.h2.answer_pings = false; }), [](auto& c) {
    c.timeout.response_headers = 300ms;
    c.http2.ping_timeout = 500ms;
  });
  error_code ec;
  chat(f, chat_request(), ec);  // the connection is up and quiet
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  chat(f, chat_request("fault/stall;seconds=20", "slow"), ec);
  BOOST_REQUIRE_MESSAGE(ec == errc::headers_timeout, ec.message());
  chat(f, chat_request(), ec);  // the retry
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 2u);
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 2u);
  // The silent one was asked, never answered, and is gone; the retry's connection stays.
  f.run_until([&] { return f.cli.pool_statistics().h2_connections == 1u; }, std::chrono::seconds(20));
  BOOST_TEST(f.cli.pool_statistics().h2_connections == 1u);
  BOOST_TEST(f.server.get().stats().h2_pings >= 1u);
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 2u);
}

// The same, with a peer that answers the PING: the connection is alive, and carries the next
// request (a slow upstream is not a dead connection).
BOOST_AUTO_TEST_CASE(a_connection_that_answers_the_ping_after_a_request_given_up_on_is_reused) {
  client_fixture f(h2_server(), [](auto& c) { c.timeout.response_headers = 300ms; });
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  chat(f, chat_request("fault/stall;seconds=20", "slow"), ec);
  BOOST_REQUIRE_MESSAGE(ec == errc::headers_timeout, ec.message());
  f.run_until([&] { return f.server.get().stats().h2_pings >= 1u; }, std::chrono::seconds(20));
  BOOST_TEST(f.server.get().stats().h2_pings == 1u);
  f.ioc.restart();
  f.ioc.run_for(1s);  // its answer arrives (on loopback, well within this)
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 1u);
}

// A stream the caller cancels after its first bytes is no reason to doubt its connection: no
// PING, and the next request shares the connection at once.
BOOST_AUTO_TEST_CASE(cancelling_an_answered_stream_sends_no_ping) {
  client_fixture f(h2_server());
  openrouter::diagnostics d;
  auto [e, s] = open(f, chat_request("pace/itl_ms=50;tokens=40", "cancelled"), d);
  BOOST_REQUIRE(!e);
  auto [e1, c1] = f.run<next_t>([&](auto t) { return s.async_next(t); });
  BOOST_REQUIRE(!e1);
  s.cancel();
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);
  BOOST_TEST(f.server.get().stats().h2_pings == 0u);
}

BOOST_AUTO_TEST_CASE(an_idle_connection_closes_after_the_idle_timeout_despite_its_pings) {
  client_fixture f(h2_server(), [](auto& c) {
    c.http2.ping_interval = 50ms;
    c.http2.ping_idle = true;
    c.pool.idle_timeout = 300ms;
  });
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  f.run_until([&] { return f.server.get().stats().connections_open == 0u; }, std::chrono::seconds(20));
  BOOST_TEST(f.cli.pool_statistics().h2_connections == 0u);
  chat(f, chat_request(), ec);  // a new connection serves the next request
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 2u);
}

// Without http2.ping_idle (the default) a connection without streams rests: nothing of it is
// pending on the io_context, so run() returns once the caller's work is done, as over
// HTTP/1.1 (before, a program whose client outlived run() waited out pool.idle_timeout, 50 s,
// at exit), and the next request resumes it.
BOOST_AUTO_TEST_CASE(an_idle_connection_rests_so_run_returns_and_is_reused) {
  client_fixture f(h2_server(), [](auto& c) { c.http2.ping_interval = 100ms; });
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  f.ioc.restart();
  f.ioc.run_for(5s);  // returns at once when nothing is pending, else after 5 s
  BOOST_TEST(f.ioc.stopped(), "run() did not return: the idle connection kept I/O pending");
  BOOST_TEST(f.server.get().stats().h2_pings == 0u);  // no PING while idle
  BOOST_TEST(f.server.get().stats().connections_open == 1u);  // still open, resting
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().connections_accepted == 1u);  // the same connection
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 1u);
  // A quiet stream's connection is still pinged (ping_interval applies while streams are open).
  auto [oec, s] = open(f, chat_request("pace/itl_ms=600;tokens=2", "a quiet one"), f.diag);
  BOOST_REQUIRE_MESSAGE(!oec, f.diag.summary(oec));
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(f.server.get().stats().h2_pings >= 1u);
  f.ioc.restart();
  f.ioc.run_for(5s);
  BOOST_TEST(f.ioc.stopped());
}

// The server closes a connection that rested past its idle timeout (GOAWAY, then FIN) while the
// client reads nothing: the next request notices before writing on it, and goes out once, on a
// new connection.
BOOST_AUTO_TEST_CASE(a_resting_connection_the_server_closed_is_not_written_to) {
  client_fixture f(h2_server([](auto& o) { o.idle_timeout = 300ms; }));
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  const auto t0 = std::chrono::steady_clock::now();
  while (f.server.get().stats().connections_open != 0u && std::chrono::steady_clock::now() - t0 < 20s)
    std::this_thread::sleep_for(20ms);  // the client's io_context does not run: it reads nothing
  BOOST_REQUIRE(f.server.get().stats().connections_open == 0u);
  BOOST_TEST(f.server.get().stats().connections_timed_out == 1u);
  const auto before = f.server.get().stats().chat_requests;
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.server.get().stats().chat_requests == before + 1);  // read once
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 2u);
  BOOST_TEST(f.server.get().stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(a_server_without_h2_gets_http1) {
  client_fixture f;  // the mock's default: HTTP/1.1 only
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.h2_connections_opened == 0u);
  BOOST_TEST(st.connections_opened == 1u);
  BOOST_TEST(f.server.get().stats().h2_connections == 0u);
}

BOOST_AUTO_TEST_CASE(http1_asked_for_is_http1_even_when_the_server_offers_h2) {
  client_fixture f(h2_server(), [](auto& c) { c.http_version = openrouter::http_version::http1; });
  error_code ec;
  chat(f, chat_request(), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 0u);
  BOOST_TEST(f.server.get().stats().h2_connections == 0u);
}

BOOST_AUTO_TEST_CASE(h2c_with_prior_knowledge) {
  client_fixture f(h2_server([](auto& o) { o.tls = false; }),
                   [](auto& c) { c.http_version = openrouter::http_version::http2; });
  error_code ec;
  auto res = chat(f, chat_request("openai/gpt-4o-mini", "echo: clear"), ec);
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(res.text() == "clear");
  BOOST_TEST(f.cli.pool_statistics().h2_connections_opened == 1u);
  BOOST_TEST(f.server.get().stats().h2_connections == 1u);
}

BOOST_AUTO_TEST_CASE(a_tiny_flow_control_window_still_carries_a_large_request) {
  client_fixture f(h2_server([](auto& o) { o.h2.initial_window_size = 16; }));
  std::string prompt = "echo: ";
  for (int i = 0; i < 2000; ++i) prompt += "word ";
  error_code ec;
  auto res = chat(f, chat_request("openai/gpt-4o-mini", prompt), ec);
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.text().size() > 9000u);
  BOOST_TEST(f.server.get().stats().h2_streams == 1u);
}

// ---- interop ----------------------------------------------------------------------------------

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/openrouter-h2-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

// nginx (nginx-light) with `http2 on` over TLS, proxying to an HTTP/1.1 upstream.
// A server program started on a free loopback port with its files in a temporary directory;
// the destructor stops it and removes the directory.
struct loopback_process {
  loopback_process() : dir(temp_dir()), port(free_loopback_port()) {}
  ~loopback_process() {
    stop_process(pid);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  loopback_process(const loopback_process&) = delete;
  loopback_process& operator=(const loopback_process&) = delete;
  std::string dir;
  std::uint16_t port = 0;
  pid_t pid = -1;
};

struct nginx_front : loopback_process {
  nginx_front(std::uint16_t upstream_port, const openrouter::tls::tls_material& tls) {
    namespace fs = std::filesystem;
    const std::string bin = find_binary("nginx", "nginx-light");
    const fs::path d(dir);
    write_file(d / "cert.pem", tls.cert_pem);
    write_file(d / "key.pem", tls.key_pem);
    std::string conf = "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log " + dir +
                       "/error.log info;\npid " + dir + "/nginx.pid;\nevents { worker_connections 256; }\n"
                       "http {\n  access_log off;\n  client_body_temp_path " + dir + ";\n  proxy_temp_path " + dir +
                       ";\n  fastcgi_temp_path " + dir + ";\n  uwsgi_temp_path " + dir + ";\n  scgi_temp_path " + dir +
                       ";\n  server {\n    listen 127.0.0.1:" + std::to_string(port) + " ssl http2;\n"
                       "    ssl_certificate " + dir + "/cert.pem;\n    ssl_certificate_key " + dir + "/key.pem;\n"
                       "    location / {\n      proxy_pass http://127.0.0.1:" + std::to_string(upstream_port) + ";\n"
                       "      proxy_http_version 1.1;\n      proxy_buffering off;\n      proxy_set_header Connection \"\";\n    }\n  }\n}\n";
    write_file(d / "nginx.conf", conf);
    pid = start_listening_process({bin, "-p", dir, "-c", dir + "/nginx.conf"}, port, dir + "/stdout.log", "nginx",
                                  [this] { return dir; });
  }
};

// nghttpd (nghttp2-server): static files over h2 from a directory of its own, with the options
// given (padding, few streams, no Content-Length...); JSON for the files named *.json.
struct nghttpd_front : loopback_process {
  nghttpd_front(const openrouter::tls::tls_material& tls, const std::vector<std::pair<std::string, std::string>>& files,
                std::vector<std::string> options) {
    namespace fs = std::filesystem;
    const std::string bin = find_binary("nghttpd", "nghttp2-server");
    const fs::path d(dir);
    write_file(d / "cert.pem", tls.cert_pem);
    write_file(d / "key.pem", tls.key_pem);
    write_file(d / "mime.types", "application/json json\n");
    for (const auto& [path, body] : files) {
      fs::create_directories((d / "htdocs" / path).parent_path());
      write_file(d / "htdocs" / path, body);
    }
    std::vector<std::string> argv{bin, "-a", "127.0.0.1", "-d", dir + "/htdocs", "--mime-types-file=" + dir + "/mime.types"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {std::to_string(port), dir + "/key.pem", dir + "/cert.pem"});
    pid = start_listening_process(argv, port, dir + "/stdout.log", "nghttpd", [this] { return dir; });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(interop_nginx_http2_in_front_of_the_mock) {
  mock::server_options upstream;
  upstream.tls = false;
  auto tls = openrouter::tls::generate_tls_material();
  client_fixture f(upstream);
  nginx_front nginx(f.server.get().port(), tls);
  openrouter::client_config cfg = config_for(f.server.get());
  cfg.base_url = "https://localhost:" + std::to_string(nginx.port) + "/api/v1";
  cfg.tls.ca_pem = tls.ca_pem;
  openrouter::client cli(f.ioc.get_executor(), cfg);
  auto [ec, res] =
      f.run<wire::chat_response>([&](auto t) { return cli.async_chat(chat_request("openai/gpt-4o-mini", "echo: via nginx"), f.diag, t); });
  BOOST_REQUIRE_MESSAGE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.text() == "via nginx");
  auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
  cli.async_chat_stream(chat_request("pace/itl_ms=5;tokens=20", "hi"), f.diag,
                        [slot](error_code e, chat_stream s) { slot->emplace(e, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  BOOST_REQUIRE_MESSAGE(!slot->value().first, f.diag.summary(slot->value().first));
  auto d = drain(f, slot->value().second);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.chunks > 10);
  auto st = cli.pool_statistics();
  BOOST_TEST(st.h2_connections_opened == 1u);
  BOOST_TEST(st.connections_opened == 1u);
}

BOOST_AUTO_TEST_CASE(interop_h2load_against_the_mock) {
  mock::background_server srv(h2_server());
  const std::string bin = find_binary("h2load", "nghttp2-client");
  const std::string url = "https://127.0.0.1:" + std::to_string(srv.get().port()) + "/api/v1/models";
  const std::string cmd = bin + " -n 200 -c 2 -m 20 -H 'authorization: Bearer test-key' " + url + " 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  BOOST_REQUIRE(p);
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  std::smatch m;
  BOOST_REQUIRE_MESSAGE(std::regex_search(out, m, std::regex(R"(requests: 200 total, 200 started, 200 done, (\d+) succeeded, (\d+) failed)")), out);
  BOOST_TEST(m[1].str() == "200", out);
  BOOST_TEST(out.find("Application protocol: h2") != std::string::npos, out);
  BOOST_TEST(srv.get().stats().h2_streams == 200u);
  BOOST_TEST(srv.get().stats().connections_accepted == 2u);
}

BOOST_AUTO_TEST_CASE(interop_nghttpd_padding_two_streams_per_connection_and_no_content_length) {
  // The file nghttpd serves is the mock's own answer to GET /model/openai/gpt-4o-mini, stored as
  // /model/openai/gpt-4o-mini.json (nghttpd types files by extension). nghttpd pads every frame,
  // allows 2 streams per connection, sends no Content-Length (the body ends with the stream) and
  // a trailer after it.
  client_fixture f;
  http_client raw(f.server.get());
  auto src = raw.get(api("/model/openai/gpt-4o-mini"));
  BOOST_REQUIRE_EQUAL(src.status, 200u);
  auto tls = openrouter::tls::generate_tls_material();
  nghttpd_front ng(tls, {{"api/v1/model/openai/gpt-4o-mini.json", src.body}},
                   {"--padding=200", "--max-concurrent-streams=2", "--no-content-length", "--trailer=x-checked: yes"});
  openrouter::client_config cfg = config_for(f.server.get());
  cfg.base_url = "https://localhost:" + std::to_string(ng.port) + "/api/v1";
  cfg.tls.ca_pem = tls.ca_pem;
  openrouter::client cli(f.ioc.get_executor(), cfg);
  constexpr int n = 20;
  std::vector<openrouter::diagnostics> diags(n);
  std::vector<std::optional<std::pair<error_code, wire::model>>> got(n);
  for (int i = 0; i < n; ++i)
    cli.async_model("openai/gpt-4o-mini.json", diags[static_cast<std::size_t>(i)],
                    [&got, i](error_code ec, wire::model m) { got[static_cast<std::size_t>(i)].emplace(ec, std::move(m)); });
  f.run_until([&] { return std::all_of(got.begin(), got.end(), [](const auto& g) { return g.has_value(); }); });
  for (int i = 0; i < n; ++i) {
    const auto& [ec, m] = *got[static_cast<std::size_t>(i)];
    BOOST_TEST(!ec, diags[static_cast<std::size_t>(i)].summary(ec));
    BOOST_TEST(m.id == "openai/gpt-4o-mini");
    BOOST_TEST(!m.name.empty());
  }
  auto st = cli.pool_statistics();
  BOOST_TEST(st.h2_connections_opened >= 1u);
  BOOST_TEST(st.h2_connections_opened == st.connections_opened);  // h2 every time, never HTTP/1.1
  BOOST_TEST(st.h2_max_streams_per_connection <= 2u);              // nghttpd's SETTINGS respected
  BOOST_TEST(st.h2_streams_opened >= static_cast<std::uint64_t>(n));
  // A file nghttpd does not have: its 404, typed.
  auto [e404, none] = f.run<wire::model>([&](auto t) { return cli.async_model("openai/none.json", f.diag, t); });
  BOOST_TEST((e404 == errc::not_found), e404.message());
}

namespace {

// An h2c "server" that writes fixed bytes whatever it is sent: the frames of one answer to stream
// 1, possibly mutated. It reads what the client sends (so that closing sends a FIN, not a reset),
// writes the bytes, closes its side and waits for the client to close. One connection.
struct raw_h2_server {
  explicit raw_h2_server(std::string bytes) : out(std::move(bytes)) {
    acceptor.listen();
    thread = std::thread([this] {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket s(io);
      acceptor.accept(s, ec);
      if (ec) return;
      char buf[4096];
      s.read_some(boost::asio::buffer(buf), ec);
      boost::asio::write(s, boost::asio::buffer(out), ec);
      s.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
      while (!ec) s.read_some(boost::asio::buffer(buf), ec);  // until the client closes
    });
  }
  ~raw_h2_server() {
    boost::system::error_code ec;
    acceptor.close(ec);  // an accept still waiting ends
    thread.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/api/v1"; }

  std::string out;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread;
};

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload) {
  std::string f;
  const auto n = payload.size();
  f += static_cast<char>(n >> 16);
  f += static_cast<char>(n >> 8);
  f += static_cast<char>(n);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift : {24, 16, 8, 0}) f += static_cast<char>(stream >> shift);
  f += payload;
  return f;
}

// HPACK, by hand (RFC 7541): ":status: 200" is static entry 8; content-type (31) and
// content-length (28) are literal fields without indexing, their names indexed.
std::string literal(unsigned index, std::string_view value) {
  std::string b{static_cast<char>(0x0f), static_cast<char>(index - 15)};
  b += static_cast<char>(value.size());  // < 127: one byte, no Huffman
  b += value;
  return b;
}

// A whole answer to stream 1 (SETTINGS, the ACK of the client's, HEADERS, DATA in two frames).
std::string h2_answer(std::string_view content_type, std::string_view body) {
  std::string hpack = "\x88" + literal(31, content_type) + literal(28, std::to_string(body.size()));
  const std::size_t half = body.size() / 2;
  return frame(4, 0, 0, {}) + frame(4, 1, 0, {}) + frame(1, 4, 1, hpack) + frame(0, 0, 1, body.substr(0, half)) +
         frame(0, 1, 1, body.substr(half));
}

}  // namespace

// The invariant: whatever bytes an HTTP/2 server sends, a request ends, before its deadline, in
// success or a typed error of the library's own category; ASan watches the memory. The seeds are
// a good JSON answer and a good SSE answer; each case flips, drops, duplicates or inserts bytes
// (deterministic: the same 400 cases every run).
BOOST_AUTO_TEST_CASE(mutated_server_bytes_end_in_success_or_a_typed_error) {
  const std::string chat_body =
      R"({"id":"gen-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,)"
      R"("message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]})";
  const std::string sse_body =
      "data: {\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
      "[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n";
  const std::string seeds[] = {h2_answer("application/json", chat_body), h2_answer("text/event-stream", sse_body)};
  std::mt19937 rng(20261207);
  int ok = 0, typed = 0;
  std::map<std::string, int> outcomes;  // printed: which checks the mutations reached
  for (int i = 0; i < 400; ++i) {
    const bool streamed = i % 2 == 1;
    std::string bytes = seeds[streamed ? 1 : 0];
    if (i >= 2) {  // the first two run unmutated: they must succeed
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !bytes.empty(); ++e) {
        const std::size_t at = rng() % bytes.size();
        switch (rng() % 4) {
          case 0: bytes[at] = static_cast<char>(rng()); break;
          case 1: bytes.erase(at, 1 + rng() % 8); break;
          case 2: bytes.insert(at, bytes.substr(at, 1 + rng() % 16)); break;
          default: bytes.resize(at); break;
        }
      }
    }
    raw_h2_server srv(bytes);
    boost::asio::io_context ioc;
    openrouter::client_config cfg;
    cfg.base_url = srv.base_url();
    cfg.api_key = "sk-or-v1-test-0123456789abcdef";
    cfg.http_version = openrouter::http_version::http2;
    cfg.timeout.total = 3s;
    openrouter::client cli(ioc.get_executor(), cfg);
    openrouter::diagnostics d;
    error_code ec;
    bool done = false;
    auto s = std::make_shared<chat_stream>();
    std::function<void()> pull;  // both outlive the loop below that runs the pulls
    if (!streamed) {
      cli.async_chat(chat_request(), d, [&](error_code e, wire::chat_response r) {
        ec = e;
        if (!e) BOOST_TEST(!r.choices.empty());
        done = true;
      });
    } else {
      pull = [&] {
        s->async_next([&](error_code e, next_t c) {
          if (e || !c) {
            ec = e;
            done = true;
            return;
          }
          pull();
        });
      };
      cli.async_chat_stream(chat_request(), d, [&](error_code e, chat_stream st) {
        if (e) {
          ec = e;
          done = true;
          return;
        }
        *s = std::move(st);
        pull();
      });
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;  // the request's own is 3 s
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc.restart();
      ioc.run_for(10ms);
    }
    BOOST_TEST_REQUIRE(done, "case " << i << " did not end");
    if (!ec) ++ok;
    else {
      BOOST_TEST((ec.category() == openrouter::category()), "case " << i << ": " << ec.category().name() << " " << ec.message());
      ++typed;
      ++outcomes[ec.message()];
    }
    if (i < 2) BOOST_TEST(!ec, "unmutated case " << i << ": " << d.summary(ec));
  }
  BOOST_TEST_MESSAGE("mutated h2 answers: " << ok << " succeeded, " << typed << " typed errors");
  for (const auto& [what, n] : outcomes) BOOST_TEST_MESSAGE("  " << n << " x " << what);
  BOOST_TEST(typed > 100);  // the mutations do break most answers
}

BOOST_AUTO_TEST_SUITE_END()
