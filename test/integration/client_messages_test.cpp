// The Anthropic Messages API through the client against the in-process mock (POST /messages
// over verified HTTPS): the JSON call with its usage and cost, the stream of typed events
// folding into the same message, tool use (input assembled from input_json_delta pieces, the
// tool_result sent back), a mid-stream error event with the API's message, a body cut before
// message_stop, HTTP errors in the Anthropic shape, the remote-asset policy on image URLs, and
// a hostile server (a canned body the mock would never send: unknown members and events,
// absurd indices, a tool input that is not JSON, an undecodable event).
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;
using openrouter::messages_stream;
using boost::system::error_code;
using kind = wire::messages_event_kind;

BOOST_AUTO_TEST_SUITE(client_messages_test)

namespace {

wire::messages_request messages_request(std::string model, std::string text) {
  wire::messages_request r;
  r.model = std::move(model);
  r.max_tokens = 256;
  r.messages.push_back({"user", std::move(text), {}});
  return r;
}

boost::json::value weather_tools() {
  return boost::json::parse(R"([{"name":"get_weather","description":"Current weather",
    "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])");
}

template <class Client>
std::pair<error_code, messages_stream> open_on(client_fixture& f, Client& cli, wire::messages_request req) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, messages_stream>>>();
  cli.async_messages_stream(std::move(req), f.diag, [slot](error_code ec, messages_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}
std::pair<error_code, messages_stream> open(client_fixture& f, wire::messages_request req) {
  return open_on(f, f.cli, std::move(req));
}

struct drained {
  error_code ec;
  std::vector<wire::messages_event> events;
  std::string text;  // the text_delta pieces
};

drained drain(client_fixture& f, messages_stream& s) {
  drained d;
  while (true) {
    auto [ec, ev] = f.run<std::optional<wire::messages_event>>([&](auto t) { return s.async_next(t); });
    if (ec) {
      d.ec = ec;
      return d;
    }
    if (!ev) return d;
    if (ev->kind() == kind::content_block_delta && ev->delta) d.text += ev->delta->text;
    d.events.push_back(std::move(*ev));
  }
}

std::size_t count(const drained& d, kind k) {
  std::size_t n = 0;
  for (const auto& e : d.events) n += e.kind() == k;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_call_answers_with_usage_and_cost) {
  client_fixture f;
  auto req = messages_request("anthropic/claude-3.5-haiku", "echo: the quick brown fox");
  req.system = std::string("Be brief.");
  auto [ec, res] = f.run<wire::messages_response>([&](auto t) { return f.cli.async_messages(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.type == "message");
  BOOST_TEST(res.role == "assistant");
  BOOST_TEST(res.model == "anthropic/claude-3.5-haiku");
  BOOST_TEST(res.text() == "the quick brown fox");
  BOOST_TEST(res.stop_reason.value_or("") == "end_turn");
  BOOST_TEST_REQUIRE(res.usage.has_value());
  BOOST_TEST(res.usage->input_tokens > 0);
  BOOST_TEST(res.usage->output_tokens == 4);
  BOOST_TEST(res.usage->cost.value_or(0) > 0);
  BOOST_TEST(f.diag.generation_id == res.id);  // X-Generation-Id
  BOOST_TEST(res.extra.contains("container"));  // spec members the type does not model: kept
}

BOOST_AUTO_TEST_CASE(stream_events_fold_into_the_json_answer) {
  client_fixture f;
  auto req = messages_request("anthropic/claude-3.5-haiku", "echo: one two three four five six");
  auto [ec, s] = open(f, req);
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST_REQUIRE(!d.ec, f.diag.summary(d.ec));
  BOOST_TEST_REQUIRE(d.events.size() >= 7u);
  BOOST_TEST((d.events.front().kind() == kind::message_start));
  BOOST_TEST((d.events.back().kind() == kind::message_stop));
  BOOST_TEST(count(d, kind::ping) == 1u);
  BOOST_TEST(count(d, kind::content_block_delta) == 6u);
  BOOST_TEST(d.text == "one two three four five six");
  auto res = s.result();
  BOOST_TEST(res.text() == d.text);
  BOOST_TEST(s.text() == d.text);
  BOOST_TEST(res.stop_reason.value_or("") == "end_turn");
  BOOST_TEST_REQUIRE(s.usage().has_value());
  BOOST_TEST(s.usage()->output_tokens == 6);
  BOOST_TEST(s.usage()->input_tokens > 0);  // message_start's, kept through message_delta
  BOOST_TEST(s.usage()->cost.value_or(0) > 0);
  BOOST_TEST(s.events_seen() == d.events.size());
  BOOST_TEST(s.comments_seen() > 0u);
  BOOST_TEST(s.generation_id() == res.id);
  // Read to its end ([DONE] after message_stop): the connection went back to the pool.
  BOOST_TEST(reusable_connections(f.cli.pool_statistics()) == 1u);

  auto [ec2, json] = f.run<wire::messages_response>([&](auto t) { return f.cli.async_messages(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2);
  BOOST_TEST(json.text() == res.text());
  BOOST_TEST(json.content.size() == res.content.size());
  BOOST_TEST(json.usage->output_tokens == res.usage->output_tokens);
}

BOOST_AUTO_TEST_CASE(tool_use_round_trip) {
  client_fixture f;
  auto req = messages_request("anthropic/claude-3.5-haiku", "Weather in Paris?");
  req.tools = weather_tools();
  auto [ec, res] = f.run<wire::messages_response>([&](auto t) { return f.cli.async_messages(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.stop_reason.value_or("") == "tool_use");
  auto calls = res.tool_uses();
  BOOST_TEST_REQUIRE(calls.size() >= 1u);
  const wire::messages_content_block call = *calls.front();
  BOOST_TEST(call.name.value_or("") == "get_weather");
  BOOST_TEST_REQUIRE(call.input.is_object());
  BOOST_TEST(call.input.as_object().contains("city"));
  BOOST_TEST(call.id.value_or("").starts_with("toolu_"));

  // Streamed: the input arrives in input_json_delta pieces and assembles into the same object.
  auto [ec2, s] = open(f, req);
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  auto d = drain(f, s);
  BOOST_TEST_REQUIRE(!d.ec, f.diag.summary(d.ec));
  std::size_t pieces = 0;
  for (const auto& e : d.events) pieces += e.kind() == kind::content_block_delta && e.delta && e.delta->type == "input_json_delta";
  BOOST_TEST(pieces > 1u);
  auto streamed = s.result();
  BOOST_TEST_REQUIRE(!streamed.tool_uses().empty());
  BOOST_TEST(wire::same_json(streamed.tool_uses().front()->input, call.input));
  BOOST_TEST(streamed.tool_uses().front()->id.value_or("") == call.id.value_or("-"));

  // The tool's result goes back in a user turn: the model answers with text.
  req.messages.push_back({"assistant", std::vector<wire::messages_content_block>{call}, {}});
  req.messages.push_back({"user", std::vector<wire::messages_content_block>{wire::messages_tool_result(*call.id, R"({"temp_c":21})")}, {}});
  auto [ec3, answer] = f.run<wire::messages_response>([&](auto t) { return f.cli.async_messages(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST(answer.stop_reason.value_or("") == "end_turn");
  BOOST_TEST(!answer.text().empty());
}

BOOST_AUTO_TEST_CASE(error_event_is_delivered_then_stream_error) {
  client_fixture f;
  auto [ec, s] = open(f, messages_request("fault/mid_stream_error;after_tokens=3;status=529", "echo: one two three four five six"));
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::stream_error, d.ec.message());
  BOOST_TEST_REQUIRE(!d.events.empty());
  BOOST_TEST((d.events.back().kind() == kind::error));  // the event itself is delivered
  BOOST_TEST_REQUIRE(d.events.back().error.has_value());
  BOOST_TEST(d.events.back().error->type == "overloaded_error");
  BOOST_TEST(d.text == "one two three");
  BOOST_TEST(f.diag.error.message == d.events.back().error->message);  // the API's message
  BOOST_TEST(!f.diag.error.message.empty());
  BOOST_TEST(f.diag.error.code_text() == "overloaded_error");
  BOOST_TEST(s.result().text() == "one two three");  // partial content kept
  auto [again, none] = f.run<std::optional<wire::messages_event>>([&](auto t) { return s.async_next(t); });
  BOOST_TEST(again == errc::stream_error);
}

BOOST_AUTO_TEST_CASE(stream_cut_midway_is_typed) {
  client_fixture f;
  {
    auto [ec, s] = open(f, messages_request("fault/no_done;after_tokens=3", "echo: one two three four five six"));
    BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
    auto d = drain(f, s);
    BOOST_TEST(d.ec == errc::stream_incomplete, d.ec.message());
    BOOST_TEST(d.text == "one two three");
    BOOST_TEST(!s.result().stop_reason.has_value());
  }
  {
    auto [ec, s] = open(f, messages_request("fault/reset;after_tokens=3", "echo: one two three four five six"));
    BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
    auto d = drain(f, s);
    BOOST_TEST(d.ec == reset_error(), d.ec.message());
    BOOST_TEST(d.text == "one two three");
  }
  {
    auto [ec, s] = open(f, messages_request("fault/malformed_json;after_tokens=2", "echo: one two three four"));
    BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
    auto d = drain(f, s);
    BOOST_TEST(d.ec == errc::bad_json, d.ec.message());
    BOOST_TEST(!f.diag.body_excerpt.empty());
  }
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);  // none of those connections is reused
}

BOOST_AUTO_TEST_CASE(http_errors_are_typed_with_the_apis_message) {
  client_fixture f;
  auto [ec, s] = open(f, messages_request("fault/429", "hi"));
  BOOST_TEST(ec == errc::rate_limited, ec.message());
  auto [ec2, res] = f.run<wire::messages_response>([&](auto t) {
    return f.cli.async_messages(messages_request("no/such-model", "hi"), f.diag, t);
  });
  BOOST_TEST(ec2 == errc::bad_request, ec2.message());
  BOOST_TEST(f.diag.error.message.find("no/such-model") != std::string::npos, f.diag.error.message);
  BOOST_TEST(f.diag.error.type() == "invalid_request");  // OpenRouter's error_type in the Anthropic body
  // Not streamed, a provider failure is an error body (the API has no failed message).
  auto [ec3, res3] = f.run<wire::messages_response>([&](auto t) {
    return f.cli.async_messages(messages_request("fault/error_in_body;after_tokens=2;status=502", "echo: one two"), f.diag, t);
  });
  BOOST_TEST(ec3 == errc::bad_gateway, ec3.message());
  BOOST_TEST(!f.diag.error.message.empty());
}

BOOST_AUTO_TEST_CASE(image_urls_follow_the_remote_asset_policy) {
  client_fixture f;
  auto req = messages_request("openai/gpt-4o-mini", "");
  req.messages[0].content = std::vector<wire::messages_content_block>{
      wire::messages_text("What is this?"), wire::messages_image_url("https://evil.example/a.png")};
  auto [ec, res] = f.run<wire::messages_response>([&](auto t) { return f.cli.async_messages(req, f.diag, t); });
  BOOST_TEST(ec == errc::remote_asset_not_allowed, ec.message());
  BOOST_TEST(f.diag.detail.find("messages[0].content[1].source.url") != std::string::npos, f.diag.detail);
  auto [ec2, s] = open(f, req);
  BOOST_TEST(ec2 == errc::remote_asset_not_allowed, ec2.message());
  // A base64 image is sent.
  req.messages[0].content = std::vector<wire::messages_content_block>{
      wire::messages_text("What is this?"),
      wire::messages_image_base64("image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")};
  auto [ec3, res3] = f.run<wire::messages_response>([&](auto t) { return f.cli.async_messages(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST(!res3.text().empty());
}

BOOST_AUTO_TEST_CASE(hostile_server_stream) {
  // What the mock never sends: unknown members and events, absurd and negative indices, a
  // tool_use whose input pieces are not JSON, and then an event that does not decode.
  auto ev = [](std::string_view type, std::string_view data) {
    std::string s = "event: ";
    s += type;
    s += "\ndata: ";
    s += data;
    s += "\n\n";
    return s;
  };
  std::string body = ": hello\n\n";
  body += ev("message_start", R"({"type":"message_start","message":{"id":"msg_h","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":5,"output_tokens":0},"future":{"a":1}}})");
  body += ev("weird_event", R"({"type":"weird_event","glitter":true})");
  body += ev("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":"","sparkle":2}})");
  body += ev("content_block_delta", R"({"type":"content_block_delta","index":99999999999,"delta":{"type":"text_delta","text":"Hel"}})");
  body += ev("content_block_delta", R"({"type":"content_block_delta","index":-3,"delta":{"type":"text_delta","text":"lo"}})");
  body += ev("content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_x","name":"f","input":{}}})");
  body += ev("content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\":"}})");
  body += ev("content_block_stop", R"({"type":"content_block_stop","index":1})");
  body += ev("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":)");
  body += ev("message_stop", R"({"type":"message_stop"})");
  canned_server srv(http_response(200, "text/event-stream", body));
  client_fixture f;
  openrouter::client_config cfg;
  cfg.base_url = srv.base_url();
  cfg.api_key = "sk-or-v1-canned-secret";
  openrouter::client cli(f.ioc.get_executor(), cfg);
  auto [ec, s] = open_on(f, cli, messages_request("m", "hi"));
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::bad_json, d.ec.message());  // the undecodable event ends the stream, typed
  BOOST_TEST(f.diag.body_excerpt.find("content_block_delta") != std::string::npos);
  BOOST_TEST(f.diag.body_excerpt.find("canned-secret") == std::string::npos);
  BOOST_TEST(d.events.size() == 8u);  // every event before it was delivered
  BOOST_TEST((d.events[1].kind() == kind::other));
  BOOST_TEST(d.events[1].extra.at("glitter") == true);
  auto res = s.result();
  BOOST_TEST(res.extra.at("future").at("a") == 1);
  BOOST_TEST_REQUIRE(res.content.size() == 2u);  // the absurd indices did not allocate
  BOOST_TEST(res.content[0].text.value_or("") == "Hello");
  BOOST_TEST(res.content[0].extra.at("sparkle") == 2);
  BOOST_TEST(res.content[1].extra.at("partial_json") == "{\"a\":");  // not JSON: kept raw
  BOOST_TEST(!s.is_open());
}

BOOST_AUTO_TEST_SUITE_END()
