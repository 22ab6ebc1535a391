// Streaming chat through the client against the in-process mock: text and tool calls assemble
// into what the non-streaming call returns, every stream fault has its typed outcome (partial
// output kept), deadlines, connection reuse after [DONE], and cancellation closing the
// connection upstream.
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::chat_stream;
using openrouter::errc;
using boost::system::error_code;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(client_stream_test)

namespace {

using next_t = std::optional<wire::chat_chunk>;

// Opens a stream (chat_stream is move-only, so not through outcome<T>::get()).
std::pair<error_code, chat_stream> open(client_fixture& f, wire::chat_request req) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
  f.cli.async_chat_stream(std::move(req), f.diag,
                          [slot](error_code ec, chat_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}

std::pair<error_code, next_t> next(client_fixture& f, chat_stream& s) {
  auto [ec, c] = f.run<next_t>([&](auto t) { return s.async_next(t); });
  return {ec, std::move(c)};
}

struct drained {
  error_code ec;
  std::vector<wire::chat_chunk> chunks;
  std::string text;
};

// Pulls until the end or an error (which is returned; the chunks before it are kept).
drained drain(client_fixture& f, chat_stream& s) {
  drained d;
  while (true) {
    auto [ec, c] = next(f, s);
    if (ec) {
      d.ec = ec;
      return d;
    }
    if (!c) return d;
    for (const auto& ch : c->choices)
      if (ch.delta.content) d.text += *ch.delta.content;
    d.chunks.push_back(std::move(*c));
  }
}

wire::chat_response reference(client_fixture& f, wire::chat_request req) {
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req, f.diag, t); });
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  return res;
}

}  // namespace

BOOST_AUTO_TEST_CASE(text_assembles_to_the_non_streaming_answer) {
  client_fixture f;
  auto req = chat_request("openai/gpt-4o-mini", "echo: the quick brown fox jumps over the lazy dog");
  auto ref = reference(f, req);
  auto [ec, s] = open(f, req);
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  BOOST_TEST(s.is_open());
  BOOST_TEST(!s.generation_id().empty());
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.chunks.size() > 3u);
  BOOST_TEST(d.text == ref.text());
  BOOST_TEST(d.text == "the quick brown fox jumps over the lazy dog");
  auto res = s.result();
  BOOST_TEST(res.text() == ref.text());
  BOOST_REQUIRE(!res.choices.empty());
  BOOST_TEST(res.choices[0].finish_reason.value_or("") == "stop");
  BOOST_TEST(res.usage.has_value());
  BOOST_TEST(s.model() == ref.model);
  BOOST_TEST(!s.provider().empty());
  BOOST_TEST(!s.is_open());
  // The end repeats.
  auto [ec2, c2] = next(f, s);
  BOOST_TEST(!ec2);
  BOOST_TEST(!c2.has_value());
  // The mock recorded a streamed generation under the header's id.
  BOOST_TEST(f.server->generations().back().streamed);
  BOOST_TEST(f.server->generations().back().id == s.generation_id());
}

BOOST_AUTO_TEST_CASE(tool_calls_assemble_to_the_non_streaming_ones) {
  client_fixture f;
  auto req = chat_request("openai/gpt-4o-mini", "what is the weather in Paris and in Oslo?");
  req.tools.push_back(wire::function_tool(
      "get_weather", "current weather",
      boost::json::parse(R"({"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]})")));
  req.tools.push_back(wire::function_tool(
      "get_time", "local time", boost::json::parse(R"({"type":"object","properties":{"zone":{"type":"string"}}})")));
  auto ref = reference(f, req);
  BOOST_REQUIRE(!ref.choices.empty());
  BOOST_REQUIRE(!ref.choices[0].message.tool_calls.empty());
  auto [ec, s] = open(f, req);
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  auto res = s.result();
  BOOST_REQUIRE(!res.choices.empty());
  const auto& got = res.choices[0].message.tool_calls;
  const auto& want = ref.choices[0].message.tool_calls;
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST(got[i].id == want[i].id);
    BOOST_TEST(got[i].function.name == want[i].function.name);
    BOOST_TEST(boost::json::parse(got[i].function.arguments) == boost::json::parse(want[i].function.arguments));
  }
  BOOST_TEST(res.choices[0].finish_reason.value_or("") == "tool_calls");
}

BOOST_AUTO_TEST_CASE(mid_stream_error_chunk_then_stream_error) {
  client_fixture f;
  auto [ec, s] = open(f, chat_request("fault/mid_stream_error;after_tokens=3", "echo: one two three four five six"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  bool error_chunk = false;
  error_code end;
  while (true) {
    auto [e, c] = next(f, s);
    if (e || !c) {
      end = e;
      break;
    }
    if (c->error) error_chunk = true;
  }
  BOOST_TEST(error_chunk);  // the chunk itself is delivered
  BOOST_TEST(end == errc::stream_error, end.message());
  BOOST_TEST(!f.diag.error.message.empty());
  BOOST_TEST(!s.result().text().empty());  // partial output kept
}

BOOST_AUTO_TEST_CASE(reset_mid_stream_keeps_partial_output) {
  client_fixture f;
  auto [ec, s] = open(f, chat_request("fault/reset;after_tokens=3", "echo: one two three four five six"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(d.ec == reset_error(), d.ec.message());  // a transport failure, typed as such
  BOOST_TEST(!d.text.empty());
  BOOST_TEST(s.result().text() == d.text);
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);
}

BOOST_AUTO_TEST_CASE(eof_without_finish_is_incomplete) {
  client_fixture f;
  auto [ec, s] = open(f, chat_request("fault/no_done;after_tokens=3", "echo: one two three four five six"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::stream_incomplete, d.ec.message());
  BOOST_TEST(!d.text.empty());
  BOOST_TEST(s.result().text() == d.text);
}

BOOST_AUTO_TEST_CASE(eof_after_finish_without_done_is_a_clean_end) {
  client_fixture f;
  auto [ec, s] = open(f, chat_request("fault/no_done", "echo: one two three"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.text == "one two three");
  BOOST_TEST(s.result().usage.has_value());
}

BOOST_AUTO_TEST_CASE(malformed_chunk_is_bad_json_with_excerpt) {
  client_fixture f;
  auto [ec, s] = open(f, chat_request("fault/malformed_json;after_tokens=2", "echo: one two three four five"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::bad_json, d.ec.message());
  BOOST_TEST(f.diag.body_excerpt.find("broken") != std::string::npos, f.diag.body_excerpt);
  BOOST_TEST(!d.text.empty());
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);  // closed, not parked
}

BOOST_AUTO_TEST_CASE(pre_stream_503_is_typed) {
  client_fixture f;
  auto [ec, s] = open(f, chat_request("fault/503", "echo: hi"));
  BOOST_TEST(ec == errc::service_unavailable, ec.message());
  BOOST_TEST(f.diag.http_status == 503u);
  BOOST_TEST(!f.diag.error.message.empty());
  BOOST_TEST(!s.is_open());
  // The error body was read whole: the connection is reusable.
  auto [ec2, s2] = open(f, chat_request("openai/gpt-4o-mini", "echo: after"));
  BOOST_REQUIRE_MESSAGE(!ec2, ec2.message());
  BOOST_TEST(drain(f, s2).text == "after");
  BOOST_TEST(f.cli.pool_statistics().connections_opened == 1u);
}

BOOST_AUTO_TEST_CASE(idle_deadline_fires_on_a_stall) {
  client_fixture f({}, [](openrouter::client_config& c) { c.timeout.read_idle = 300ms; });
  auto [ec, s] = open(f, chat_request("fault/stall;seconds=3;after_tokens=2", "echo: one two three four five"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto t0 = std::chrono::steady_clock::now();
  auto d = drain(f, s);
  auto took = std::chrono::steady_clock::now() - t0;
  BOOST_TEST(d.ec == errc::read_timeout, d.ec.message());
  BOOST_TEST((took < 2500ms));
  BOOST_TEST(!d.text.empty());
}

BOOST_AUTO_TEST_CASE(keep_alive_comments_count_as_activity) {
  // Comments every 200 ms during a 1 s time to first token; read_idle 300 ms does not fire.
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"ttft_ms":1000,"comments_before":5}}})");
  client_fixture f(o, [](openrouter::client_config& c) { c.timeout.read_idle = 300ms; });
  auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: still here"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.text == "still here");
  BOOST_TEST(s.comments_seen() == 5u);
}

BOOST_AUTO_TEST_CASE(time_to_first_byte_deadline) {
  client_fixture f({}, [](openrouter::client_config& c) { c.timeout.response_headers = 300ms; });
  auto t0 = std::chrono::steady_clock::now();
  auto [ec, s] = open(f, chat_request("fault/stall;seconds=3", "echo: late"));
  BOOST_TEST(ec == errc::headers_timeout, ec.message());
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 2500ms));
  BOOST_TEST(!s.is_open());
}

BOOST_AUTO_TEST_CASE(overlapping_next_is_refused) {
  openrouter::mock::server_options o;
  // The first chunk comes 500 ms after the headers, so the read that brought them holds no
  // event: the first pull has to read (events already received would be handed out at once).
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"ttft_ms":500,"itl_ms":50}}})");
  client_fixture f(o);
  auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: a b c d e f g h"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  outcome<next_t> a, b;
  s.async_next(a.handler());  // a starts first and reads (a read always completes later)
  s.async_next(b.handler());
  auto [eb, cb] = wait(f.ioc, b, std::chrono::seconds(3));
  BOOST_TEST(eb == errc::invalid_argument, eb.message());
  auto [ea, ca] = wait(f.ioc, a, std::chrono::seconds(3));
  BOOST_TEST(!ea, ea.message());
  BOOST_TEST(ca.has_value());
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
}

BOOST_AUTO_TEST_CASE(total_deadline_fires) {
  client_fixture f({}, [](openrouter::client_config& c) { c.timeout.total = 500ms; });
  auto [ec, s] = open(f, chat_request("fault/stall;seconds=3;after_tokens=2", "echo: one two three four five"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::total_timeout, d.ec.message());
}

BOOST_AUTO_TEST_CASE(sequential_streams_reuse_one_connection) {
  client_fixture f;
  for (int i = 0; i < 5; ++i) {
    auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: stream " + std::to_string(i)));
    BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    auto d = drain(f, s);
    BOOST_TEST(!d.ec, d.ec.message());
    BOOST_TEST(d.text == "stream " + std::to_string(i));
  }
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.connections_opened == 1u);
  BOOST_TEST(reusable_connections(st) == 1u);
  BOOST_TEST(st.in_use == 0u);
}

BOOST_AUTO_TEST_CASE(cancelling_next_closes_the_connection) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"itl_ms":50}}})");
  client_fixture f(o);
  auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: a b c d e f g h i j k l m n o p q r s t u v w x y z"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto [e1, c1] = next(f, s);
  BOOST_REQUIRE(!e1);
  BOOST_REQUIRE(c1.has_value());
  BOOST_TEST(f.server->stats().connections_open == 1u);
  boost::asio::cancellation_signal sig;
  outcome<next_t> out;
  // Pull until a read is pending, then cancel it.
  s.async_next(boost::asio::bind_cancellation_slot(sig.slot(), out.handler()));
  f.ioc.restart();
  f.ioc.poll();
  if (!out.ready()) sig.emit(boost::asio::cancellation_type::terminal);
  auto [e2, c2] = wait(f.ioc, out, std::chrono::seconds(3));
  if (!e2) {  // the chunk was already buffered: cancel the next pull
    BOOST_TEST_MESSAGE("first pull was served from the buffer; cancelling the next one");
    outcome<next_t> out2;
    s.async_next(boost::asio::bind_cancellation_slot(sig.slot(), out2.handler()));
    f.ioc.restart();
    f.ioc.poll();
    sig.emit(boost::asio::cancellation_type::terminal);
    e2 = std::get<0>(wait(f.ioc, out2, std::chrono::seconds(3)));
  }
  BOOST_TEST(e2 == boost::asio::error::operation_aborted, e2.message());
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.in_use == 0u);
  BOOST_TEST(st.idle == 0u);
  f.wait_abandoned(std::chrono::seconds(10));
  f.run_until([&] { return !f.server->generations().empty() && f.server->generations().back().cancelled; },
              std::chrono::seconds(10));
  // Terminal: it stays aborted.
  auto [e3, c3] = next(f, s);
  BOOST_TEST(e3 == boost::asio::error::operation_aborted);
}

BOOST_AUTO_TEST_CASE(destroying_a_stream_mid_way_closes_the_connection) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"itl_ms":50}}})");
  client_fixture f(o);
  {
    auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: a b c d e f g h i j k l m n o p"));
    BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    auto [e1, c1] = next(f, s);
    BOOST_REQUIRE(!e1);
  }
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.in_use == 0u);
  BOOST_TEST(st.idle == 0u);
  f.wait_abandoned(std::chrono::seconds(10));
}

BOOST_AUTO_TEST_CASE(destroying_a_stream_with_a_pending_pull_closes_the_connection) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"itl_ms":200}}})");
  client_fixture f(o);
  outcome<next_t> pending;
  {
    auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: a b c d e f g h i j k l m n o p"));
    BOOST_REQUIRE_MESSAGE(!ec, ec.message());
    for (int i = 0; i < 3; ++i) BOOST_REQUIRE(!next(f, s).first);
    s.async_next(pending.handler());
    f.ioc.restart();
    f.ioc.poll();
  }
  auto [ec, c] = wait(f.ioc, pending, std::chrono::seconds(3));
  BOOST_TEST(ec.failed(), "the pending pull ends with an error: " << ec.message());
  f.run_until([&] { return f.cli.pool_statistics().in_use == 0; }, std::chrono::seconds(5));
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);
  f.wait_abandoned(std::chrono::seconds(10));
}

BOOST_AUTO_TEST_CASE(keep_alive_comments_are_counted_not_returned) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"comments_before":3}}})");
  client_fixture f(o);
  auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: hello world"));
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(!d.ec, d.ec.message());
  BOOST_TEST(d.text == "hello world");
  BOOST_TEST(s.comments_seen() >= 1u);
  BOOST_TEST(s.last_activity().time_since_epoch().count() > 0);
}

BOOST_AUTO_TEST_CASE(event_over_the_size_limit_is_bad_sse) {
  // Every chunk of a chat stream is a few hundred bytes: a 64-byte limit rejects the first one.
  client_fixture f({}, [](openrouter::client_config& c) { c.max_stream_event_bytes = 64; });
  auto [ec, s] = open(f, chat_request("openai/gpt-4o-mini", "echo: a reply long enough"));
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::bad_sse, d.ec.message());
  BOOST_TEST(d.chunks.empty());
  BOOST_TEST(f.diag.detail.find("max_event_size") != std::string::npos, f.diag.detail);
  // The rest of the body was never read: the connection is closed, not parked.
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
  // The same stream under the default limit goes through.
  client_fixture g;
  auto [ec2, s2] = open(g, chat_request("openai/gpt-4o-mini", "echo: a reply long enough"));
  BOOST_TEST_REQUIRE(!ec2, ec2.message());
  auto d2 = drain(g, s2);
  BOOST_TEST(!d2.ec, d2.ec.message());
  BOOST_TEST(d2.text == "a reply long enough");
}

BOOST_AUTO_TEST_CASE(a_200_that_is_not_an_event_stream) {
  // A server (or a proxy in between) answering a stream request with plain JSON.
  canned_server srv(http_response(200, "application/json", R"({"id":"gen-1","choices":[]})"));
  boost::asio::io_context ioc;
  openrouter::client_config c;
  c.base_url = srv.base_url();
  c.api_key = "sk-or-v1-test";
  openrouter::client cli(ioc.get_executor(), c);
  openrouter::diagnostics diag;
  std::optional<std::pair<error_code, chat_stream>> out;
  cli.async_chat_stream(chat_request(), diag, [&](error_code ec, chat_stream s) { out.emplace(ec, std::move(s)); });
  for (int i = 0; i < 600 && !out; ++i) {
    ioc.restart();
    ioc.run_for(100ms);
  }
  BOOST_TEST_REQUIRE(out.has_value());
  BOOST_TEST(out->first == errc::unexpected_content_type, out->first.message());
  BOOST_TEST(!out->second.is_open());
  BOOST_TEST(diag.detail.find("application/json") != std::string::npos, diag.detail);
  BOOST_TEST(diag.body_excerpt.find("gen-1") != std::string::npos, diag.body_excerpt);
  BOOST_TEST(srv.requests() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
