// The SSE stream reader (chat_stream: the HTTP body parser, the SSE parser, the accumulator)
// fed through a loopback proxy (test/support/byte_proxy) that delivers the response one byte
// per send, and cut at every byte of the response: each cut ends in a typed error with the
// text received so far being a prefix of the whole, or in a clean end with exactly the whole
// text; never a crash, a hang or a clean end with wrong or missing text. Plain HTTP, so that
// the cuts fall on the HTTP and SSE bytes themselves (the TLS layer has its own, in
// tls_stream_test). With OPENROUTER_TEST_HTTP=2 (ctest: the .h2 entry) the mock and the
// client speak h2c (HTTP/2 with prior knowledge): the cuts then fall on HTTP/2 frames, HPACK
// blocks and the DATA frames that carry the SSE bytes.
#include "support/byte_proxy.hpp"
#include "support/client_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;
using boost::system::error_code;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(stream_reader_faults_test)

namespace {

struct stream_run {
  bool opened = false;
  error_code ec;  // the open's or the last pull's error
  std::string text;
  bool finished = false;  // a finish reason arrived
  bool h2 = false;        // the connection spoke HTTP/2
};

openrouter::mock::server_options plain_mock() {
  openrouter::mock::server_options o;
  o.tls = false;
  o.http2 = over_h2();
  // A short stream with every kind of event: a keep-alive comment, the role delta, content
  // deltas, the finish chunk, the usage chunk, [DONE]; each event written on its own.
  o.scenario = boost::json::parse(
      R"({"defaults":{"tokens":3,"comments_before":1,"comment_every":2,"write_mode":"per_event"}})");
  return o;
}

// One streamed chat through the proxy, with a client of its own (so that no pooled connection
// outlives the run).
stream_run run_once(const openrouter::mock::server& srv, std::uint16_t proxy_port) {
  boost::asio::io_context ioc;
  auto cfg = config_for(srv);
  cfg.base_url = "http://127.0.0.1:" + std::to_string(proxy_port) + "/api/v1";
  cfg.timeout.read_idle = 10s;
  cfg.timeout.total = 20s;
  if (over_h2()) cfg.http_version = openrouter::http_version::http2;  // h2c: prior knowledge
  stream_run r;
  {
    openrouter::client cli(ioc.get_executor(), cfg);
    struct note_protocol {  // however the run ends
      openrouter::client& cli;
      stream_run& r;
      ~note_protocol() { r.h2 = cli.pool_statistics().h2_connections_opened > 0; }
    } noted{cli, r};
    openrouter::diagnostics diag;
    auto opened = std::make_shared<std::optional<std::pair<error_code, openrouter::chat_stream>>>();
    cli.async_chat_stream(chat_request("openai/gpt-4o-mini", "tell me"), diag,
                          [opened](error_code ec, openrouter::chat_stream s) { opened->emplace(ec, std::move(s)); });
    auto run_until = [&](auto done) {
      auto deadline = std::chrono::steady_clock::now() + 30s;
      while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("stream run did not end in time");
        ioc.restart();
        ioc.run_for(5ms);
      }
    };
    run_until([&] { return opened->has_value(); });
    auto& [oec, s] = **opened;
    if (oec) {
      r.ec = oec;
      return r;
    }
    r.opened = true;
    while (true) {
      outcome<std::optional<wire::chat_chunk>> o;
      s.async_next(o.handler());
      run_until([&] { return o.ready(); });
      auto [ec, c] = o.get();
      if (ec) {
        r.ec = ec;
        break;
      }
      if (!c) break;
      for (const auto& ch : c->choices) {
        if (ch.delta.content) r.text += *ch.delta.content;
        if (ch.finish_reason) r.finished = true;
      }
    }
  }
  return r;
}

bool is_library_error(const error_code& ec) {
  return ec.category() == make_error_code(errc::connection_reset).category();
}

}  // namespace

BOOST_AUTO_TEST_CASE(byte_at_a_time_delivery_gives_the_exact_stream) {
  openrouter::mock::background_server srv(plain_mock());
  byte_proxy proxy(srv->port());
  proxy.configure(1000000, std::nullopt);
  auto whole = run_once(srv.get(), proxy.port());
  BOOST_TEST_REQUIRE(!whole.ec, whole.ec.message());
  BOOST_TEST_REQUIRE(!whole.text.empty());
  BOOST_TEST_REQUIRE(whole.h2 == over_h2());
  for (std::size_t piece : {1u, 2u, 3u, 7u}) {
    proxy.configure(piece, std::nullopt);
    auto r = run_once(srv.get(), proxy.port());
    BOOST_TEST(!r.ec, "piece " << piece << ": " << r.ec.message());
    BOOST_TEST(r.text == whole.text, "piece " << piece);
    BOOST_TEST(r.finished);
    BOOST_TEST(r.h2 == over_h2());
  }
}

BOOST_AUTO_TEST_CASE(a_cut_at_every_byte_is_a_typed_error_or_the_whole_stream) {
  openrouter::mock::background_server srv(plain_mock());
  byte_proxy proxy(srv->port());
  proxy.configure(1, std::nullopt);
  auto whole = run_once(srv.get(), proxy.port());
  BOOST_TEST_REQUIRE(!whole.ec, whole.ec.message());
  BOOST_TEST_REQUIRE(proxy.wait_idle());
  const std::size_t total = proxy.last_forwarded();
  BOOST_TEST_MESSAGE("the response is " << total << " bytes");
  BOOST_TEST_REQUIRE(total > 500u);
  std::size_t open_failures = 0, stream_failures = 0, clean = 0;
  for (std::size_t cut = 0; cut < total; ++cut) {
    const bool reset = cut % 3 == 2;  // every third cut a RST, the others a FIN
    proxy.configure(1, cut, reset);
    auto r = run_once(srv.get(), proxy.port());
    BOOST_TEST_REQUIRE(proxy.wait_idle());
    if (!r.opened) {
      ++open_failures;
      BOOST_TEST_REQUIRE(is_library_error(r.ec), "cut at " << cut << ": " << r.ec.message());
      continue;
    }
    // Whatever arrived is the start of the whole text.
    BOOST_TEST_REQUIRE(whole.text.compare(0, r.text.size(), r.text) == 0, "cut at " << cut << ": " << r.text);
    if (r.ec) {
      ++stream_failures;
      BOOST_TEST_REQUIRE(is_library_error(r.ec), "cut at " << cut << ": " << r.ec.message());
    } else {
      ++clean;  // only once every choice finished: the whole text, nothing missing
      BOOST_TEST_REQUIRE(r.finished, "cut at " << cut);
      BOOST_TEST_REQUIRE(r.text == whole.text, "cut at " << cut);
    }
  }
  BOOST_TEST_MESSAGE("cuts: " << open_failures << " before the stream opened, " << stream_failures
                              << " typed stream errors, " << clean << " clean ends after the finish reason");
  BOOST_TEST(open_failures > 0u);
  BOOST_TEST(stream_failures > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
