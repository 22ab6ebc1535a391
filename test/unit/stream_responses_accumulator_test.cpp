// stream::responses_accumulator alone (sans-I/O): Responses API events in, the final response
// out. A whole text stream; a stream cut before its terminal event; a terminal response without
// output; function calls interleaved and announced after their first deltas; items no *.added
// event announced; reasoning and refusals; unknown event types; the error event and
// response.failed; data that does not decode; indices a server could use to make it allocate.
#include <openrouter/stream/responses_accumulator.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
namespace wire = openrouter::wire;
using openrouter::stream::responses_accumulator;
using openrouter::stream::stream_outcome;

namespace {

/// One SSE event: its `event` field and its data; the data must decode.
void feed(responses_accumulator& acc, std::string_view sse_type, std::string_view data) {
  boost::system::error_code ec;
  acc.feed_data(sse_type, data, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message() << " in " << data);
}

/// An event without an SSE `event` field.
void feed_raw(responses_accumulator& acc, std::string_view data) { feed(acc, "", data); }

/// An event whose SSE name is its data's type.
void feed(responses_accumulator& acc, const json::object& data) {
  feed(acc, std::string(data.at("type").as_string()), json::serialize(data));
}

json::object response(std::string_view status, json::array output = {}, json::value usage = nullptr) {
  json::object r{{"id", "resp_1"}, {"object", "response"}, {"created_at", 1700000000}, {"model", "openai/gpt-4o-mini"},
                 {"status", status}, {"output", std::move(output)}, {"error", nullptr}};
  if (!usage.is_null()) r["usage"] = std::move(usage);
  return r;
}

json::object usage() {
  return {{"input_tokens", 7}, {"input_tokens_details", json::object{{"cached_tokens", 0}}},
          {"output_tokens", 3}, {"output_tokens_details", json::object{{"reasoning_tokens", 0}}},
          {"total_tokens", 10}, {"cost", 0.00025}, {"is_byok", false}};
}

json::object text_part(std::string_view text) {
  return {{"type", "output_text"}, {"text", text}, {"annotations", json::array{}}};
}

json::object message(std::string_view text, std::string_view status) {
  json::array content;
  if (status != "in_progress") content.push_back(text_part(text));
  return {{"type", "message"}, {"id", "msg_1"}, {"role", "assistant"}, {"status", status}, {"content", std::move(content)}};
}

json::object delta(std::string_view text, std::int64_t output_index = 0) {
  return {{"type", "response.output_text.delta"}, {"output_index", output_index}, {"item_id", "msg_1"},
          {"content_index", 0}, {"delta", text}, {"logprobs", json::array{}}};
}

/// The head of a text stream: created, in_progress, the message item and its empty part.
void head(responses_accumulator& acc) {
  feed(acc, {{"type", "response.created"}, {"sequence_number", 0}, {"response", response("in_progress")}});
  feed(acc, {{"type", "response.in_progress"}, {"sequence_number", 1}, {"response", response("in_progress")}});
  feed(acc, {{"type", "response.output_item.added"}, {"output_index", 0}, {"item", message("", "in_progress")}});
  feed(acc, {{"type", "response.content_part.added"}, {"output_index", 0}, {"item_id", "msg_1"},
             {"content_index", 0}, {"part", text_part("")}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stream_responses_accumulator_test)

BOOST_AUTO_TEST_CASE(a_text_stream_folds_into_the_final_response) {
  responses_accumulator acc;
  head(acc);
  BOOST_TEST(acc.id() == "resp_1");
  BOOST_TEST(acc.model() == "openai/gpt-4o-mini");
  BOOST_TEST(!acc.usage());
  for (std::string_view piece : {"Hello", " there", "!"}) feed(acc, delta(piece));
  BOOST_TEST(acc.text() == "Hello there!");
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));  // no terminal event yet
  feed(acc, {{"type", "response.output_text.done"}, {"output_index", 0}, {"item_id", "msg_1"}, {"content_index", 0},
             {"text", "Hello there!"}});
  feed(acc, {{"type", "response.output_item.done"}, {"output_index", 0}, {"item", message("Hello there!", "completed")}});
  feed(acc, {{"type", "response.completed"},
             {"response", response("completed", json::array{message("Hello there!", "completed")}, usage())}});
  BOOST_TEST(!acc.done_seen());
  feed(acc, "", "[DONE]");
  BOOST_TEST(acc.done_seen());
  BOOST_TEST(acc.finished());
  BOOST_TEST(!acc.error_seen());
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
  BOOST_TEST(!acc.outcome_code());
  BOOST_TEST(!acc.error());
  BOOST_TEST(acc.event_count() == 10u);  // [DONE] is not an event
  BOOST_TEST_REQUIRE(acc.usage().has_value());
  BOOST_TEST(acc.usage()->total_tokens == 10);
  BOOST_TEST(acc.usage()->cost.value_or(0) == 0.00025);
  auto r = acc.result();
  BOOST_TEST(r.status == "completed");
  BOOST_TEST(r.text() == "Hello there!");
  BOOST_TEST_REQUIRE(r.output.size() == 1u);
  BOOST_TEST(r.output[0].status.value_or("") == "completed");

  acc.reset();
  BOOST_TEST(acc.event_count() == 0u);
  BOOST_TEST(acc.text().empty());
  BOOST_TEST(acc.result().output.empty());
}

// The body ends after some deltas: the result is what the events built, marked incomplete.
BOOST_AUTO_TEST_CASE(a_stream_cut_before_its_terminal_event_keeps_the_partial_output) {
  responses_accumulator acc;
  head(acc);
  feed(acc, delta("one"));
  feed(acc, delta(" two"));
  feed(acc, "", "[DONE]");  // a [DONE] without response.completed does not complete it
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
  auto r = acc.result();
  BOOST_TEST(r.status == "incomplete");
  BOOST_TEST(r.id == "resp_1");
  BOOST_TEST(r.object == "response");
  BOOST_TEST_REQUIRE(r.output.size() == 1u);
  BOOST_TEST(r.output[0].type == "message");
  BOOST_TEST(r.output[0].role.value_or("") == "assistant");
  BOOST_TEST_REQUIRE(r.output[0].content.size() == 1u);
  BOOST_TEST(r.output[0].content[0].type == "output_text");
  BOOST_TEST(r.output[0].content[0].text == "one two");
  BOOST_TEST(!r.usage);
}

// A server that sends the output only through events: the terminal response lists none.
BOOST_AUTO_TEST_CASE(a_terminal_response_without_output_takes_the_events_output) {
  responses_accumulator acc;
  head(acc);
  feed(acc, delta("kept"));
  feed(acc, {{"type", "response.incomplete"}, {"response", response("incomplete", {}, usage())}});
  BOOST_TEST((acc.outcome() == stream_outcome::complete));  // incomplete (max_output_tokens) is a clean end
  auto r = acc.result();
  BOOST_TEST(r.status == "incomplete");
  BOOST_TEST(r.text() == "kept");
  BOOST_TEST(r.usage.has_value());
}

// Two calls whose deltas interleave; the second call's first delta arrives before the event
// that announces its item; the done events carry the final arguments and the name.
BOOST_AUTO_TEST_CASE(function_calls_interleaved_and_announced_late) {
  responses_accumulator acc;
  feed(acc, {{"type", "response.created"}, {"response", response("in_progress")}});
  auto call = [](std::string_view id, std::string_view name, std::string_view args, std::string_view status) {
    return json::object{{"type", "function_call"}, {"id", id}, {"call_id", "call_" + std::string(id)},
                        {"name", name}, {"arguments", args}, {"status", status}};
  };
  auto args_delta = [](std::int64_t index, std::string_view id, std::string_view text) {
    return json::object{{"type", "response.function_call_arguments.delta"}, {"output_index", index},
                        {"item_id", id}, {"delta", text}};
  };
  feed(acc, {{"type", "response.output_item.added"}, {"output_index", 0}, {"item", call("fc_a", "get_weather", "", "in_progress")}});
  feed(acc, args_delta(0, "fc_a", "{\"city\":"));
  feed(acc, args_delta(1, "fc_b", "{\"days\":"));  // before fc_b's output_item.added
  feed(acc, {{"type", "response.output_item.added"}, {"output_index", 1}, {"item", call("fc_b", "get_forecast", "", "in_progress")}});
  feed(acc, args_delta(0, "fc_a", "\"Paris\"}"));
  feed(acc, args_delta(1, "fc_b", "3}"));
  {
    auto r = acc.result();
    BOOST_TEST_REQUIRE(r.output.size() == 2u);
    BOOST_TEST(r.output[0].arguments.value_or("") == R"({"city":"Paris"})");
    BOOST_TEST(r.output[1].arguments.value_or("") == R"({"days":3})");  // the early delta is kept
    BOOST_TEST(r.output[1].name.value_or("") == "get_forecast");        // and the announced item applied
    BOOST_TEST(r.output[1].call_id.value_or("") == "call_fc_b");
    BOOST_TEST(r.output[1].status.value_or("") == "in_progress");
  }
  // A delta that names its item only by id (no output_index) goes to that item.
  feed_raw(acc, R"({"type":"response.function_call_arguments.delta","item_id":"fc_a","delta":" "})");
  BOOST_TEST(acc.result().output[0].arguments.value_or("") == R"({"city":"Paris"} )");
  feed(acc, {{"type", "response.function_call_arguments.done"}, {"output_index", 0}, {"item_id", "fc_a"},
             {"name", "get_weather"}, {"arguments", R"({"city":"Paris"})"}});
  auto r = acc.result();
  BOOST_TEST(r.output[0].arguments.value_or("") == R"({"city":"Paris"})");
  BOOST_TEST(r.output[0].name.value_or("") == "get_weather");
  BOOST_TEST(r.text().empty());
  BOOST_TEST(acc.text().empty());
}

// Deltas whose item and part no *.added event announced: created with the delta's type.
BOOST_AUTO_TEST_CASE(deltas_without_added_events_create_their_item_and_part) {
  responses_accumulator acc;
  feed(acc, delta("a", 0));
  feed(acc, delta("b", 0));
  feed_raw(acc, R"({"type":"response.reasoning_summary_text.delta","output_index":1,"item_id":"rs_1","summary_index":0,"delta":"thinking"})");
  feed_raw(acc, R"({"type":"response.reasoning_text.delta","output_index":1,"item_id":"rs_1","content_index":0,"delta":"step"})");
  feed_raw(acc, R"({"type":"response.refusal.delta","output_index":2,"item_id":"msg_2","content_index":0,"delta":"I can"})");
  feed_raw(acc, R"({"type":"response.refusal.delta","output_index":2,"item_id":"msg_2","content_index":0,"delta":"not"})");
  auto r = acc.result();
  BOOST_TEST_REQUIRE(r.output.size() == 3u);
  BOOST_TEST(r.output[0].type == "message");
  BOOST_TEST(r.output[0].text() == "ab");
  BOOST_TEST(r.output[1].type == "reasoning");
  BOOST_TEST(r.output[1].id == "rs_1");
  BOOST_TEST_REQUIRE(r.output[1].summary.size() == 1u);
  BOOST_TEST(r.output[1].summary[0].type == "summary_text");
  BOOST_TEST(r.output[1].summary[0].text == "thinking");
  BOOST_TEST_REQUIRE(r.output[1].content.size() == 1u);
  BOOST_TEST(r.output[1].content[0].type == "reasoning_text");
  BOOST_TEST(r.output[1].content[0].text == "step");
  BOOST_TEST_REQUIRE(r.output[2].content.size() == 1u);
  BOOST_TEST(r.output[2].content[0].type == "refusal");
  BOOST_TEST(r.output[2].content[0].refusal.value_or("") == "I cannot");
  BOOST_TEST(acc.text() == "ab");  // a refusal is not text
}

// Event types the accumulator does not model are counted and change nothing; an event whose
// data has no type is typed by its SSE event name.
BOOST_AUTO_TEST_CASE(unknown_events_are_counted_and_ignored) {
  responses_accumulator acc;
  head(acc);
  feed(acc, delta("x"));
  const auto before = json::serialize(json::value_from(acc.result()));
  feed_raw(acc, R"({"type":"response.web_search_call.searching","output_index":0,"item_id":"ws_1","sequence_number":9})");
  feed_raw(acc, R"({"type":"response.output_text.annotation.added","output_index":0,"item_id":"msg_1","content_index":0,
                "annotation":{"type":"url_citation","url":"https://example.com"}})");
  feed_raw(acc, R"({"type":"response.something_new","delta":"not text","output_index":0})");
  BOOST_TEST(acc.event_count() == 8u);
  BOOST_TEST(json::serialize(json::value_from(acc.result())) == before);
  BOOST_TEST(acc.text() == "x");
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
  // No `type` in the data: the SSE `event` field names it.
  feed(acc, "response.output_text.delta", R"({"output_index":0,"content_index":0,"delta":"y"})");
  BOOST_TEST(acc.text() == "xy");
  BOOST_TEST(acc.result().text() == "xy");
}

BOOST_AUTO_TEST_CASE(an_error_event_ends_with_its_error_and_keeps_the_partial_output) {
  responses_accumulator acc;
  head(acc);
  feed(acc, delta("partial"));
  feed(acc, {{"type", "error"}, {"code", "rate_limit_exceeded"}, {"message", "Rate limit exceeded"},
             {"param", "model"}, {"sequence_number", 6}});
  BOOST_TEST(acc.error_seen());
  BOOST_TEST(!acc.finished());
  BOOST_TEST((acc.outcome() == stream_outcome::error));
  BOOST_TEST(acc.outcome_code() == make_error_code(stream_outcome::error));
  auto e = acc.error();
  BOOST_TEST_REQUIRE(e.has_value());
  BOOST_TEST(e->code == "rate_limit_exceeded");
  BOOST_TEST(e->message == "Rate limit exceeded");
  BOOST_TEST(json::serialize(e->extra) == R"({"param":"model"})");
  auto r = acc.result();
  BOOST_TEST(r.status == "failed");
  BOOST_TEST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->code == "rate_limit_exceeded");
  BOOST_TEST(r.text() == "partial");

  // A numeric code (some servers send the HTTP status) reads as its digits.
  responses_accumulator numeric;
  feed(numeric, "error", R"({"type":"error","code":502,"message":"Provider disconnected","param":null})");
  BOOST_TEST_REQUIRE(numeric.error().has_value());
  BOOST_TEST(numeric.error()->code == "502");
  BOOST_TEST(numeric.error()->extra.empty());  // a null param is not kept
}

BOOST_AUTO_TEST_CASE(response_failed_carries_the_responses_error) {
  responses_accumulator acc;
  head(acc);
  feed(acc, delta("half"));
  json::object failed = response("failed", json::array{message("half", "incomplete")}, usage());
  failed["error"] = json::object{{"code", "server_error"}, {"message", "Provider returned error"}};
  feed(acc, {{"type", "response.failed"}, {"response", failed}});
  BOOST_TEST((acc.outcome() == stream_outcome::error));
  BOOST_TEST(!acc.finished());
  auto e = acc.error();
  BOOST_TEST_REQUIRE(e.has_value());
  BOOST_TEST(e->code == "server_error");
  BOOST_TEST(e->message == "Provider returned error");
  auto r = acc.result();
  BOOST_TEST(r.status == "failed");
  BOOST_TEST(r.text() == "half");
  BOOST_TEST(acc.usage().has_value());  // a failed response's usage still counts (it may have cost)

  // response.failed without a response: the error is still typed.
  responses_accumulator bare;
  feed_raw(bare, R"({"type":"response.failed"})");
  BOOST_TEST_REQUIRE(bare.error().has_value());
  BOOST_TEST(bare.error()->code == "server_error");
}

BOOST_AUTO_TEST_CASE(data_that_does_not_decode_sets_ec_and_changes_nothing) {
  responses_accumulator acc;
  head(acc);
  feed(acc, delta("ok"));
  for (std::string_view bad : {R"({"type":"response.output_text.delta","delta":"cut)", "[1, 2]", "\"text\"", ""}) {
    boost::system::error_code ec;
    acc.feed_data("response.output_text.delta", bad, ec);
    BOOST_TEST(ec.failed(), "accepted: " << bad);
  }
  BOOST_TEST(acc.event_count() == 5u);
  BOOST_TEST(acc.text() == "ok");
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
}

// Indices come from the server: a huge or negative one must not make the accumulator allocate
// that many items or parts (it goes to the last item, or a new one).
BOOST_AUTO_TEST_CASE(a_servers_indices_never_allocate_without_bound) {
  responses_accumulator acc;
  feed_raw(acc, R"({"type":"response.output_text.delta","output_index":1000000000000,"content_index":0,"delta":"a"})");
  feed_raw(acc, R"({"type":"response.output_text.delta","output_index":-5,"content_index":999999999999,"delta":"b"})");
  feed_raw(acc, R"({"type":"response.output_item.added","output_index":9223372036854775807,"item":{"type":"message","id":"m9"}})");
  auto r = acc.result();
  BOOST_TEST(r.output.size() <= 3u);
  std::size_t parts = 0;
  for (const auto& item : r.output) parts += item.content.size();
  BOOST_TEST(parts <= 3u);
  BOOST_TEST(acc.text() == "ab");
}

BOOST_AUTO_TEST_SUITE_END()
