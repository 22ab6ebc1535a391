// The Responses API through the client against the in-process mock (POST /responses over
// verified HTTPS): the JSON call, the stream of typed events folding into the same response,
// function calls, mid-stream faults with their typed outcomes (error event, response.failed,
// a reset, a body cut before response.completed), connection reuse after the end, and unknown
// members kept by the wire types (a canned server sends what the mock does not).
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;
using openrouter::responses_stream;
using boost::system::error_code;
using kind = wire::responses_event_kind;

BOOST_AUTO_TEST_SUITE(client_responses_test)

namespace {

wire::responses_request responses_request(std::string model, std::string input) {
  wire::responses_request r;
  r.model = std::move(model);
  r.input = std::move(input);
  return r;
}

std::pair<error_code, responses_stream> open(client_fixture& f, wire::responses_request req) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, responses_stream>>>();
  f.cli.async_responses_stream(std::move(req), f.diag,
                               [slot](error_code ec, responses_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}

struct drained {
  error_code ec;
  std::vector<wire::responses_event> events;
  std::string text;  // the output_text deltas
};

drained drain(client_fixture& f, responses_stream& s) {
  drained d;
  while (true) {
    auto [ec, ev] = f.run<std::optional<wire::responses_event>>([&](auto t) { return s.async_next(t); });
    if (ec) {
      d.ec = ec;
      return d;
    }
    if (!ev) return d;
    if (ev->kind() == kind::output_text_delta) d.text += ev->delta;
    d.events.push_back(std::move(*ev));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(json_call_answers_the_input) {
  client_fixture f;
  auto req = responses_request("openai/gpt-4o-mini", "echo: the quick brown fox");
  req.instructions = "Be brief.";
  auto [ec, res] = f.run<wire::responses_response>([&](auto t) { return f.cli.async_responses(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.object == "response");
  BOOST_TEST(res.status == "completed");
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_TEST(res.text() == "the quick brown fox");
  BOOST_TEST_REQUIRE(res.output.size() == 1u);
  BOOST_TEST(res.output[0].type == "message");
  BOOST_TEST(res.output[0].role.value_or("") == "assistant");
  BOOST_TEST_REQUIRE(res.usage.has_value());
  BOOST_TEST(res.usage->input_tokens > 0);
  BOOST_TEST(res.usage->output_tokens == 4);
  BOOST_TEST(res.usage->total_tokens == res.usage->input_tokens + res.usage->output_tokens);
  BOOST_TEST(res.usage->cost.value_or(0) > 0);
  BOOST_TEST(f.diag.generation_id == res.id);  // X-Generation-Id
  // The spec's required members the type does not model stay in extra (round trip).
  BOOST_TEST(res.extra.contains("tool_choice"));
  BOOST_TEST(res.extra.contains("parallel_tool_calls"));
}

BOOST_AUTO_TEST_CASE(conversation_items_and_function_calls) {
  client_fixture f;
  auto req = responses_request("openai/gpt-4o-mini", "");
  req.input = boost::json::array{wire::responses_message("user", "Weather in Paris?")};
  req.tools = boost::json::parse(
      R"([{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])");
  auto [ec, res] = f.run<wire::responses_response>([&](auto t) { return f.cli.async_responses(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST_REQUIRE(!res.output.empty());
  const auto& call = res.output.front();
  BOOST_TEST(call.type == "function_call");
  BOOST_TEST(call.name.value_or("") == "get_weather");
  BOOST_TEST_REQUIRE(call.arguments.has_value());
  auto args = boost::json::parse(*call.arguments);
  BOOST_TEST(args.as_object().contains("city"));
  BOOST_TEST_REQUIRE(call.call_id.has_value());

  // The same call streamed: the arguments arrive in deltas and assemble into the same item.
  auto [ec2, s] = open(f, req);
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  auto d = drain(f, s);
  BOOST_TEST_REQUIRE(!d.ec, f.diag.summary(d.ec));
  std::size_t arg_deltas = 0;
  for (const auto& e : d.events) arg_deltas += e.kind() == kind::function_call_arguments_delta;
  BOOST_TEST(arg_deltas > 1u);
  auto streamed = s.result();
  BOOST_TEST_REQUIRE(!streamed.output.empty());
  BOOST_TEST(streamed.output.front().arguments.value_or("") == *call.arguments);

  // The tool's result goes back as a function_call_output item: the model answers with text.
  boost::json::array items{wire::responses_message("user", "Weather in Paris?")};
  items.push_back(boost::json::object{{"type", "function_call"}, {"call_id", *call.call_id},
                                      {"name", "get_weather"}, {"arguments", *call.arguments}});
  items.push_back(wire::function_call_output(*call.call_id, R"({"temp_c":21})"));
  req.input = std::move(items);
  auto [ec3, answer] = f.run<wire::responses_response>([&](auto t) { return f.cli.async_responses(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST(answer.output.back().type == "message");
  BOOST_TEST(!answer.text().empty());
}

BOOST_AUTO_TEST_CASE(stream_events_fold_into_the_json_answer) {
  client_fixture f;
  auto req = responses_request("openai/gpt-4o-mini", "echo: one two three four five six");
  auto [ec, s] = open(f, req);
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST_REQUIRE(!d.ec, f.diag.summary(d.ec));
  BOOST_TEST_REQUIRE(d.events.size() >= 6u);
  BOOST_TEST((d.events.front().kind() == kind::created));
  BOOST_TEST((d.events.back().kind() == kind::completed));
  BOOST_TEST(d.text == "one two three four five six");
  std::size_t deltas = 0;
  for (std::size_t i = 0; i < d.events.size(); ++i) {
    deltas += d.events[i].kind() == kind::output_text_delta;
    BOOST_TEST(d.events[i].sequence_number.value_or(-1) == static_cast<std::int64_t>(i));
  }
  BOOST_TEST(deltas == 6u);
  auto res = s.result();
  BOOST_TEST(res.status == "completed");
  BOOST_TEST(res.text() == d.text);
  BOOST_TEST(s.text() == d.text);
  BOOST_TEST_REQUIRE(s.usage().has_value());
  BOOST_TEST(s.usage()->cost.value_or(0) > 0);
  BOOST_TEST(s.events_seen() == d.events.size());
  BOOST_TEST(s.comments_seen() > 0u);  // the keep-alives before the first event
  BOOST_TEST(s.generation_id() == res.id);
  // Read to its end ([DONE] after response.completed): the connection went back to the pool.
  BOOST_TEST(reusable_connections(f.cli.pool_statistics()) == 1u);

  auto [ec2, json] = f.run<wire::responses_response>([&](auto t) { return f.cli.async_responses(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2);
  BOOST_TEST(json.text() == res.text());
  BOOST_TEST(json.output.size() == res.output.size());
}

BOOST_AUTO_TEST_CASE(error_event_is_delivered_then_stream_error) {
  client_fixture f;
  auto [ec, s] = open(f, responses_request("fault/mid_stream_error;after_tokens=3", "echo: one two three four five six"));
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::stream_error, d.ec.message());
  BOOST_TEST_REQUIRE(!d.events.empty());
  BOOST_TEST((d.events.back().kind() == kind::error));  // the event itself is delivered
  BOOST_TEST(d.text == "one two three");
  BOOST_TEST(!f.diag.error.message.empty());
  BOOST_TEST(s.result().text() == "one two three");  // partial output kept
  BOOST_TEST(s.result().status == "failed");
  // Every later pull fails the same way.
  auto [again, none] = f.run<std::optional<wire::responses_event>>([&](auto t) { return s.async_next(t); });
  BOOST_TEST(again == errc::stream_error);
}

BOOST_AUTO_TEST_CASE(response_failed_is_a_stream_error_with_its_error) {
  client_fixture f;
  auto [ec, s] = open(f, responses_request("fault/error_in_body;after_tokens=2", "echo: one two three four"));
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST(d.ec == errc::stream_error, d.ec.message());
  BOOST_TEST((d.events.back().kind() == kind::failed));
  BOOST_TEST(f.diag.error.code_text() == "server_error");
  BOOST_TEST(s.result().status == "failed");
  BOOST_TEST(s.result().text() == "one two");

  // Not streamed: a 200 whose response failed is provider_error, with the response.
  auto [ec2, res] = f.run<wire::responses_response>([&](auto t) {
    return f.cli.async_responses(responses_request("fault/error_in_body;after_tokens=2", "echo: one two three four"), f.diag, t);
  });
  BOOST_TEST(ec2 == errc::provider_error, ec2.message());
  BOOST_TEST(res.status == "failed");
  BOOST_TEST(f.diag.error.code_text() == "server_error");
}

BOOST_AUTO_TEST_CASE(stream_cut_midway_is_typed) {
  client_fixture f;
  {
    // The body ends after three deltas, without response.completed.
    auto [ec, s] = open(f, responses_request("fault/no_done;after_tokens=3", "echo: one two three four five six"));
    BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
    auto d = drain(f, s);
    BOOST_TEST(d.ec == errc::stream_incomplete, d.ec.message());
    BOOST_TEST(d.text == "one two three");
    BOOST_TEST(s.result().status == "incomplete");
  }
  {
    // The connection is reset after three deltas.
    auto [ec, s] = open(f, responses_request("fault/reset;after_tokens=3", "echo: one two three four five six"));
    BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
    auto d = drain(f, s);
    BOOST_TEST(d.ec == reset_error(), d.ec.message());
    BOOST_TEST(d.text == "one two three");
  }
  {
    // A malformed event.
    auto [ec, s] = open(f, responses_request("fault/malformed_json;after_tokens=2", "echo: one two three four"));
    BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
    auto d = drain(f, s);
    BOOST_TEST(d.ec == errc::bad_json, d.ec.message());
    BOOST_TEST(!f.diag.body_excerpt.empty());
  }
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);  // none of those connections is reused
}

BOOST_AUTO_TEST_CASE(http_errors_are_typed_before_the_stream) {
  client_fixture f;
  auto [ec, s] = open(f, responses_request("fault/429", "hi"));
  BOOST_TEST(ec == errc::rate_limited, ec.message());
  auto [ec2, res] = f.run<wire::responses_response>([&](auto t) {
    return f.cli.async_responses(responses_request("no/such-model", "hi"), f.diag, t);
  });
  BOOST_TEST(ec2 == errc::bad_request, ec2.message());
  BOOST_TEST(f.diag.error.message.find("no/such-model") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_members_and_events_are_kept) {
  // A server newer than the types: unknown members of the response, its items and events, and
  // an event type the library does not model.
  std::string created = R"({"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"in_progress","output":[],"future_member":{"a":1}}})";
  std::string shiny = R"({"type":"response.shiny_new_thing.delta","sequence_number":1,"delta":{"not":"a string"},"glitter":true})";
  std::string delta = R"({"type":"response.output_text.delta","sequence_number":2,"output_index":0,"content_index":0,"item_id":"msg_1","delta":"Hello","obfuscation":"xyz"})";
  std::string completed = R"({"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"completed","output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello","annotations":[],"sparkle":2}],"item_member":"x"}],"usage":{"input_tokens":1,"input_tokens_details":{"cached_tokens":0},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2,"cost":0.5,"usage_member":[1]},"future_member":{"a":2}}})";
  std::string body = "event: response.created\ndata: " + created + "\n\nevent: response.shiny_new_thing.delta\ndata: " +
                     shiny + "\n\nevent: response.output_text.delta\ndata: " + delta +
                     "\n\nevent: response.completed\ndata: " + completed + "\n\ndata: [DONE]\n\n";
  canned_server srv(http_response(200, "text/event-stream", body));
  client_fixture f;  // for its io_context and helpers; the client below talks to the canned server
  openrouter::client_config cfg;
  cfg.base_url = srv.base_url();
  cfg.api_key = "sk-or-v1-canned";
  openrouter::client cli(f.ioc.get_executor(), cfg);
  auto slot = std::make_shared<std::optional<std::pair<error_code, responses_stream>>>();
  cli.async_responses_stream(responses_request("m", "hi"), f.diag,
                             [slot](error_code ec, responses_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  auto& [ec, s] = **slot;
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto d = drain(f, s);
  BOOST_TEST_REQUIRE(!d.ec, f.diag.summary(d.ec));
  BOOST_TEST_REQUIRE(d.events.size() == 4u);
  BOOST_TEST(d.events[0].response->extra.at("future_member").at("a") == 1);
  BOOST_TEST((d.events[1].kind() == kind::other));
  BOOST_TEST(d.events[1].extra.at("glitter") == true);
  BOOST_TEST(d.events[1].extra.at("delta").is_object());  // a member of another kind: kept raw
  BOOST_TEST(d.events[2].extra.at("obfuscation") == "xyz");
  auto res = s.result();
  BOOST_TEST(res.text() == "Hello");
  BOOST_TEST(res.extra.at("future_member").at("a") == 2);
  BOOST_TEST(res.output.at(0).extra.at("item_member") == "x");
  BOOST_TEST(res.output.at(0).content.at(0).extra.at("sparkle") == 2);
  BOOST_TEST(res.usage->extra.at("usage_member").is_array());
  // serialize(parse(x)) keeps every member.
  wire::responses_response back;
  wire::decode_error err;
  wire::parse(wire::serialize(res), back, err);
  BOOST_TEST(!err);
  BOOST_TEST(wire::same_json(boost::json::value_from(back), boost::json::value_from(res)));
  BOOST_TEST(wire::same_json(boost::json::value_from(res),
                             boost::json::parse(completed).at("response")));
}

BOOST_AUTO_TEST_SUITE_END()
