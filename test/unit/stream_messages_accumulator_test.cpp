// stream::messages_accumulator alone (sans-I/O): Messages API events in, the final message out.
// A whole text stream with its usage and cost; tool_use input assembled from input_json_delta
// pieces (and a tool input that is not JSON, kept raw); thinking with its signature; a stream cut
// before message_stop; blocks no content_block_start announced; the error event; ping and
// unknown events; data that does not decode; hostile indices; unknown members kept.
#include <openrouter/stream/messages_accumulator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

namespace json = boost::json;
namespace wire = openrouter::wire;
using openrouter::stream::messages_accumulator;
using openrouter::stream::stream_outcome;

namespace {

/// An event whose SSE name is its data's type; the data must decode.
void feed(messages_accumulator& acc, json::object data) {
  boost::system::error_code ec;
  acc.feed_data(std::string(data.at("type").as_string()), json::serialize(data), ec);
  BOOST_TEST_REQUIRE(!ec, ec.message() << " in " << json::serialize(data));
}

json::object start(json::object usage = {{"input_tokens", 12}, {"output_tokens", 0}}) {
  return {{"type", "message_start"},
          {"message", json::object{{"id", "msg_1"}, {"type", "message"}, {"role", "assistant"}, {"model", "anthropic/claude-sonnet-4.5"},
                                   {"content", json::array{}}, {"stop_reason", nullptr}, {"usage", std::move(usage)}}}};
}
json::object block_start(std::int64_t index, json::object block) {
  return {{"type", "content_block_start"}, {"index", index}, {"content_block", std::move(block)}};
}
json::object delta(std::int64_t index, std::string_view type, std::string_view key, std::string_view value) {
  return {{"type", "content_block_delta"}, {"index", index}, {"delta", json::object{{"type", type}, {key, value}}}};
}
json::object text(std::int64_t index, std::string_view t) { return delta(index, "text_delta", "text", t); }
json::object stop(std::int64_t index) { return {{"type", "content_block_stop"}, {"index", index}}; }
json::object message_delta(std::string_view reason, json::object usage) {
  return {{"type", "message_delta"},
          {"delta", json::object{{"stop_reason", reason}, {"stop_sequence", nullptr}, {"container", nullptr}}},
          {"usage", std::move(usage)}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stream_messages_accumulator_test)

BOOST_AUTO_TEST_CASE(text_stream_folds_into_the_message) {
  messages_accumulator acc;
  feed(acc, start());
  feed(acc, {{"type", "ping"}});
  feed(acc, block_start(0, {{"type", "text"}, {"text", ""}, {"citations", nullptr}}));
  feed(acc, text(0, "Hello"));
  feed(acc, text(0, ", world"));
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
  feed(acc, stop(0));
  feed(acc, message_delta("end_turn", {{"input_tokens", nullptr}, {"output_tokens", 2}, {"cost", 0.0003},
                                       {"cost_details", json::object{{"upstream_inference_prompt_cost", 0.0001}}}}));
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));  // not before message_stop
  feed(acc, {{"type", "message_stop"}, {"openrouter_metadata", json::object{{"provider", "Anthropic"}}}});
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
  BOOST_TEST(!acc.outcome_code());
  BOOST_TEST(acc.text() == "Hello, world");
  BOOST_TEST(acc.event_count() == 8u);
  auto r = acc.result();
  BOOST_TEST(r.id == "msg_1");
  BOOST_TEST(r.type == "message");
  BOOST_TEST(r.text() == "Hello, world");
  BOOST_TEST_REQUIRE(r.content.size() == 1u);
  BOOST_TEST(r.stop_reason.value_or("") == "end_turn");
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->input_tokens == 12);  // message_start's: message_delta's null does not erase it
  BOOST_TEST(r.usage->output_tokens == 2);
  BOOST_TEST(r.usage->cost.value_or(0) == 0.0003);
  BOOST_TEST(r.usage->cost_details->upstream_inference_prompt_cost.value_or(0) == 0.0001);
  BOOST_TEST(r.openrouter_metadata.at("provider") == "Anthropic");
  BOOST_TEST(r.extra.contains("container"));  // message_delta's other members
}

BOOST_AUTO_TEST_CASE(tool_use_input_is_assembled_from_its_pieces) {
  messages_accumulator acc;
  feed(acc, start());
  feed(acc, block_start(0, {{"type", "text"}, {"text", ""}}));
  feed(acc, text(0, "Let me look."));
  feed(acc, stop(0));
  feed(acc, block_start(1, {{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "get_weather"}, {"input", json::object{}}}));
  for (std::string_view piece : {"", "{\"city\": \"Pa", "ris\", \"units\"", ": [\"c\", 1.5]}"})
    feed(acc, delta(1, "input_json_delta", "partial_json", piece));
  feed(acc, stop(1));
  feed(acc, block_start(2, {{"type", "tool_use"}, {"id", "toolu_2"}, {"name", "noop"}, {"input", json::object{}}}));
  feed(acc, stop(2));  // no input pieces: the announced {} stays
  feed(acc, message_delta("tool_use", {{"output_tokens", 20}}));
  feed(acc, {{"type", "message_stop"}});
  auto r = acc.result();
  BOOST_TEST(r.stop_reason.value_or("") == "tool_use");
  auto calls = r.tool_uses();
  BOOST_TEST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(calls[0]->id.value_or("") == "toolu_1");
  BOOST_TEST(calls[0]->name.value_or("") == "get_weather");
  BOOST_TEST(wire::same_json(calls[0]->input, json::parse(R"({"city":"Paris","units":["c",1.5]})")));
  BOOST_TEST(!calls[0]->extra.contains("partial_json"));
  BOOST_TEST(wire::same_json(calls[1]->input, json::object{}));
  BOOST_TEST(acc.invalid_inputs() == 0u);
  BOOST_TEST(r.text() == "Let me look.");
}

BOOST_AUTO_TEST_CASE(tool_input_that_is_not_json_is_kept_raw) {
  messages_accumulator acc;
  feed(acc, start());
  feed(acc, block_start(0, {{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "f"}, {"input", json::object{}}}));
  feed(acc, delta(0, "input_json_delta", "partial_json", "{\"a\": tru"));
  feed(acc, stop(0));
  BOOST_TEST(acc.invalid_inputs() == 1u);
  auto r = acc.result();
  BOOST_TEST(wire::same_json(r.content.at(0).input, json::object{}));
  BOOST_TEST(r.content.at(0).extra.at("partial_json") == "{\"a\": tru");
}

BOOST_AUTO_TEST_CASE(cut_stream_keeps_what_arrived) {
  messages_accumulator acc;
  feed(acc, start());
  feed(acc, block_start(0, {{"type", "tool_use"}, {"id", "toolu_1"}, {"name", "f"}, {"input", json::object{}}}));
  feed(acc, delta(0, "input_json_delta", "partial_json", "{\"a\": 1}"));
  // The body ends here: no stop, no message_delta, no message_stop.
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
  auto r = acc.result();
  BOOST_TEST(r.content.at(0).input.at("a") == 1);  // parsed from what arrived
  BOOST_TEST(!r.stop_reason.has_value());
  acc.done();  // [DONE] alone is not the end of a message
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
}

BOOST_AUTO_TEST_CASE(thinking_and_unannounced_blocks) {
  messages_accumulator acc;
  feed(acc, start());
  feed(acc, block_start(0, {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}));
  feed(acc, delta(0, "thinking_delta", "thinking", "First, "));
  feed(acc, delta(0, "thinking_delta", "thinking", "think."));
  feed(acc, delta(0, "signature_delta", "signature", "sig"));
  feed(acc, stop(0));
  feed(acc, text(1, "Answer"));  // no content_block_start for index 1
  json::object cite{{"type", "content_block_delta"}, {"index", 1},
                    {"delta", json::object{{"type", "citations_delta"}, {"citation", json::object{{"type", "char_location"}}}}}};
  feed(acc, cite);
  auto r = acc.result();
  BOOST_TEST_REQUIRE(r.content.size() == 2u);
  BOOST_TEST(r.content[0].type == "thinking");
  BOOST_TEST(r.content[0].thinking.value_or("") == "First, think.");
  BOOST_TEST(r.content[0].signature.value_or("") == "sig");
  BOOST_TEST(r.content[1].type == "text");
  BOOST_TEST(r.content[1].text.value_or("") == "Answer");
  BOOST_TEST(r.content[1].citations.as_array().size() == 1u);
  BOOST_TEST(acc.text() == "Answer");  // thinking is not text
}

BOOST_AUTO_TEST_CASE(error_event_ends_with_its_error) {
  messages_accumulator acc;
  feed(acc, start());
  feed(acc, block_start(0, {{"type", "text"}, {"text", ""}}));
  feed(acc, text(0, "partial"));
  feed(acc, {{"type", "error"}, {"error", json::object{{"type", "overloaded_error"}, {"message", "Overloaded"},
                                                        {"error_type", "provider_overloaded"}}}});
  BOOST_TEST((acc.outcome() == stream_outcome::error));
  BOOST_TEST((acc.outcome_code() == openrouter::errc::stream_error));
  BOOST_TEST_REQUIRE(acc.error().has_value());
  BOOST_TEST(acc.error()->type == "overloaded_error");
  BOOST_TEST(acc.error()->message == "Overloaded");
  BOOST_TEST(acc.error()->error_type.value_or("") == "provider_overloaded");
  BOOST_TEST(acc.result().text() == "partial");
}

BOOST_AUTO_TEST_CASE(unknown_events_bad_data_and_hostile_indices) {
  messages_accumulator acc;
  feed(acc, start());
  // An unknown event, and a known one whose member has another kind: kept raw, not fatal.
  feed(acc, {{"type", "shiny_new_event"}, {"sparkle", 1}});
  feed(acc, {{"type", "content_block_delta"}, {"index", 0}, {"delta", "not an object"}});
  boost::system::error_code ec;
  acc.feed_data("content_block_delta", "{\"type\":\"content_block_delta\",\"delta\":{", ec);
  BOOST_TEST((ec == wire::decode_errc::invalid_json));
  acc.feed_data("", "[1,2]", ec);
  BOOST_TEST((ec == wire::decode_errc::expected_object));
  // An event named only by its SSE `event` field.
  acc.feed_data("ping", "{}", ec);
  BOOST_TEST(!ec);
  // Indices far out or negative never allocate their size: they land on the last block.
  feed(acc, text(0, "a"));
  feed(acc, text(1'000'000'000'000, "b"));
  feed(acc, text(-5, "c"));
  auto r = acc.result();
  BOOST_TEST(r.content.size() == 1u);
  BOOST_TEST(r.text() == "abc");
  BOOST_TEST(acc.event_count() == 7u);
}

BOOST_AUTO_TEST_CASE(unknown_members_round_trip) {
  std::string body = R"({"id":"msg_9","type":"message","role":"assistant","container":null,"model":"m",
    "content":[{"type":"text","text":"Hi","citations":null,"glow":1},
               {"type":"tool_use","id":"toolu_1","name":"f","input":{"x":[1,2]},"caller":{"type":"direct"}},
               {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"u"}]}],
    "stop_reason":"tool_use","stop_details":null,"stop_sequence":null,
    "usage":{"input_tokens":3,"output_tokens":4,"cache_creation_input_tokens":null,"cache_read_input_tokens":0,
             "cache_creation":null,"inference_geo":null,"output_tokens_details":null,"server_tool_use":null,
             "service_tier":"standard","cost":0.5,"is_byok":false,"future":[1]},"future_member":{"a":2}})";
  wire::messages_response r;
  wire::decode_error err;
  wire::parse(body, r, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(r.text() == "Hi");
  BOOST_TEST(r.tool_uses().size() == 1u);
  BOOST_TEST(r.usage->cost.value_or(0) == 0.5);
  BOOST_TEST(r.usage->extra.at("future").is_array());
  BOOST_TEST(r.extra.at("future_member").at("a") == 2);
  BOOST_TEST(r.content[0].extra.at("glow") == 1);
  BOOST_TEST(r.content[1].extra.contains("caller"));
  BOOST_TEST(wire::same_json(json::value_from(r), json::parse(body)));  // serialize(parse(x)) == x

  // A request with every block kind serializes as the spec spells it.
  wire::messages_request req;
  req.model = "anthropic/claude-sonnet-4.5";
  req.max_tokens = 64;
  req.system = std::string("Be brief.");
  req.messages.push_back({"user", std::vector<wire::messages_content_block>{wire::messages_text("What is this?"),
                                                                             wire::messages_image_url("https://example.com/a.png")}, {}});
  req.messages.push_back({"assistant", std::vector<wire::messages_content_block>{
                                           wire::messages_tool_use("toolu_1", "look", json::object{{"q", "a"}})}, {}});
  req.messages.push_back({"user", std::vector<wire::messages_content_block>{wire::messages_tool_result("toolu_1", "a cat", true)}, {}});
  auto expected = json::parse(R"({"model":"anthropic/claude-sonnet-4.5","messages":[
    {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"look","input":{"q":"a"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a cat","is_error":true}]}],
    "system":"Be brief.","max_tokens":64})");
  BOOST_TEST(wire::same_json(json::value_from(req), expected), json::serialize(json::value_from(req)));
}

BOOST_AUTO_TEST_SUITE_END()
