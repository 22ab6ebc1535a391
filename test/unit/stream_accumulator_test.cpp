// stream::accumulator: the §4.3/§4.4/§4.5 transcripts, tool-call assembly (interleaved, missing,
// repeated and out-of-order indices), images, reasoning, audio, annotations, usage-only chunks,
// outcomes ([DONE], clean EOF, dropped stream, error chunk) and the streaming answer equal to the
// non-streaming one (§3.3, §3.4).
#include <openrouter/stream/accumulator.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include "fixtures/openrouter_transcripts.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
namespace wire = openrouter::wire;
using openrouter::errc;
using openrouter::stream::accumulator;
using openrouter::stream::stream_outcome;

namespace {

wire::chat_chunk decode(std::string_view text) {
  wire::chat_chunk out;
  boost::system::error_code ec;
  wire::parse_chat_chunk(text, out, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message() << " in " << text);
  return out;
}

// Feeds the data: events of an SSE transcript (single-line payloads, as OpenRouter sends them);
// "data: [DONE]" becomes done(). Comments and blank lines are skipped (SSE is not this layer).
void run(accumulator& acc, std::string_view transcript) {
  while (!transcript.empty()) {
    const auto eol = transcript.find('\n');
    std::string_view line = transcript.substr(0, eol);
    transcript.remove_prefix(eol == std::string_view::npos ? transcript.size() : eol + 1);
    if (!line.starts_with("data: ")) continue;
    line.remove_prefix(6);
    if (line == "[DONE]")
      acc.done();
    else
      acc.feed(decode(line));
  }
}

// One chunk of a synthetic stream: `choices` is the JSON text of the choices array.
std::string chunk(std::string_view choices, std::string_view more = {}) {
  std::string s =
      R"({"id":"gen-1","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1754312345,"choices":)";
  s += choices;
  if (!more.empty()) {
    s += ',';
    s += more;
  }
  s += '}';
  return s;
}

std::string delta(std::string_view d, std::string_view finish = "null", int index = 0) {
  return "[{\"index\":" + std::to_string(index) + ",\"delta\":" + std::string(d) +
         ",\"finish_reason\":" + std::string(finish) + "}]";
}

void feed(accumulator& acc, const std::string& text) { acc.feed(decode(text)); }

std::string content_text(const wire::message& m) {
  BOOST_TEST_REQUIRE(m.content.has_value());
  const auto* s = std::get_if<std::string>(&*m.content);
  BOOST_TEST_REQUIRE(s != nullptr);
  return *s;
}

constexpr std::string_view text_stream = test::transcripts::text;

constexpr std::string_view tool_stream = test::transcripts::tools;

constexpr std::string_view error_stream = test::transcripts::error;

// The §3.3 non-streaming body.
constexpr std::string_view plain_response = test::transcripts::text_response;

// The §3.4 tool-call body.
constexpr std::string_view tool_response = test::transcripts::tool_call_response;

wire::chat_response parse_response(std::string_view text) {
  wire::chat_response out;
  wire::decode_error err;
  wire::parse(text, out, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  return out;
}

// The members a caller relies on must be equal between the two answers.
void check_same_answer(const wire::chat_response& streamed, const wire::chat_response& plain) {
  BOOST_TEST(streamed.id == plain.id);
  BOOST_TEST(streamed.object == plain.object);
  BOOST_TEST(streamed.model == plain.model);
  BOOST_TEST(streamed.provider == plain.provider);
  BOOST_TEST((streamed.created == plain.created));
  BOOST_TEST((streamed.system_fingerprint == plain.system_fingerprint));
  BOOST_TEST_REQUIRE(streamed.usage.has_value());
  BOOST_TEST_REQUIRE(plain.usage.has_value());
  BOOST_TEST(wire::same_json(json::value_from(*streamed.usage), json::value_from(*plain.usage)),
             wire::serialize(*streamed.usage) << " vs " << wire::serialize(*plain.usage));
  BOOST_TEST_REQUIRE(streamed.choices.size() == plain.choices.size());
  for (std::size_t i = 0; i < plain.choices.size(); ++i) {
    const wire::chat_choice& s = streamed.choices[i];
    const wire::chat_choice& p = plain.choices[i];
    BOOST_TEST(s.index == p.index);
    BOOST_TEST((s.finish_reason == p.finish_reason));
    BOOST_TEST((s.native_finish_reason == p.native_finish_reason));
    BOOST_TEST(s.message.role == p.message.role);
    BOOST_TEST(s.message.content.has_value() == p.message.content.has_value());
    if (s.message.content && p.message.content)
      BOOST_TEST(s.message.content->index() == p.message.content->index());
    BOOST_TEST(s.message.text() == p.message.text());
    BOOST_TEST((s.message.reasoning == p.message.reasoning));
    BOOST_TEST((s.message.refusal == p.message.refusal));
    BOOST_TEST_REQUIRE(s.message.tool_calls.size() == p.message.tool_calls.size());
    for (std::size_t j = 0; j < p.message.tool_calls.size(); ++j)
      BOOST_TEST(wire::serialize(s.message.tool_calls[j]) == wire::serialize(p.message.tool_calls[j]));
    BOOST_TEST(s.message.images.size() == p.message.images.size());
    BOOST_TEST(!s.error.has_value());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stream_accumulator_test)

// --- the reference transcripts -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(text_transcript) {
  accumulator acc;
  run(acc, text_stream);
  BOOST_TEST(acc.chunk_count() == 6u);
  BOOST_TEST(acc.done_seen());
  BOOST_TEST(acc.finish_seen());
  BOOST_TEST(acc.all_finished());
  BOOST_TEST(!acc.error_seen());
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
  BOOST_TEST(!acc.outcome_code());
  BOOST_TEST(acc.text() == "Hello there! How can I help?");
  BOOST_TEST(acc.id() == "gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW");

  const wire::chat_response r = acc.result();
  BOOST_TEST(r.id == "gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW");
  BOOST_TEST(r.object == "chat.completion");
  BOOST_TEST(r.model == "openai/gpt-4o-mini");
  BOOST_TEST(r.provider == "OpenAI");
  BOOST_TEST((r.created == 1754313000));
  BOOST_TEST((r.system_fingerprint == std::string("fp_7a1b2c3d4e")));
  BOOST_TEST_REQUIRE(r.choices.size() == 1u);
  const wire::chat_choice& c = r.choices[0];
  BOOST_TEST(c.index == 0);
  BOOST_TEST((c.finish_reason == std::string("stop")));
  BOOST_TEST((c.native_finish_reason == std::string("stop")));
  BOOST_TEST(c.message.role == "assistant");
  BOOST_TEST(content_text(c.message) == "Hello there! How can I help?");
  BOOST_TEST(r.text() == "Hello there! How can I help?");
  BOOST_TEST(c.message.tool_calls.empty());
  BOOST_TEST(!c.message.reasoning.has_value());
  BOOST_TEST(!c.error.has_value());
  BOOST_TEST(c.logprobs.is_null());
  BOOST_TEST(c.message.extra.empty());  // no "content": null etc. leaking from the deltas
  BOOST_TEST(c.extra.empty());
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->prompt_tokens == 12);
  BOOST_TEST(r.usage->completion_tokens == 9);
  BOOST_TEST(r.usage->total_tokens == 21);
  BOOST_TEST((r.usage->cost == 0.0000072));
  BOOST_TEST_REQUIRE(r.usage->cost_details.has_value());
  BOOST_TEST((r.usage->cost_details->upstream_inference_completions_cost == 0.0000054));
  // The result is a valid non-streaming body: it round-trips through the wire codec.
  wire::chat_response back = parse_response(wire::serialize(r));
  BOOST_TEST(back.text() == r.text());
}

BOOST_AUTO_TEST_CASE(tool_call_transcript) {
  accumulator acc;
  run(acc, tool_stream);
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
  BOOST_TEST_REQUIRE(acc.tool_calls().size() == 2u);
  BOOST_TEST(acc.tool_calls()[0].index == 0);
  BOOST_TEST(acc.tool_calls()[1].index == 1);

  const wire::chat_response r = acc.result();
  BOOST_TEST_REQUIRE(r.choices.size() == 1u);
  const wire::message& m = r.choices[0].message;
  BOOST_TEST(!m.content.has_value());  // content was null on every delta
  BOOST_TEST((r.choices[0].finish_reason == std::string("tool_calls")));
  BOOST_TEST_REQUIRE(m.tool_calls.size() == 2u);
  BOOST_TEST(m.tool_calls[0].id == "call_A1b2C3d4");
  BOOST_TEST(m.tool_calls[0].type == "function");
  BOOST_TEST(m.tool_calls[0].function.name == "get_weather");
  BOOST_TEST(m.tool_calls[0].function.arguments == R"({"city": "San Francisco"})");
  BOOST_TEST(m.tool_calls[1].id == "call_E5f6G7h8");
  BOOST_TEST(m.tool_calls[1].function.name == "get_weather");
  BOOST_TEST(m.tool_calls[1].function.arguments == R"({"city": "Paris"})");
  BOOST_TEST(m.tool_calls[0].extra.empty());
  BOOST_TEST(m.tool_calls[0].function.extra.empty());
  BOOST_TEST(acc.invalid_tool_arguments().empty());
  BOOST_TEST(openrouter::stream::invalid_tool_arguments(r).empty());
  BOOST_TEST(json::parse(m.tool_calls[1].function.arguments) == json::parse(R"({"city":"Paris"})"));
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->total_tokens == 106);
}

BOOST_AUTO_TEST_CASE(mid_stream_error_transcript) {
  for (bool with_done : {false, true}) {
    accumulator acc;
    run(acc, error_stream);
    if (with_done) acc.done();
    BOOST_TEST(acc.error_seen());
    BOOST_TEST(acc.finish_seen());
    BOOST_TEST(acc.done_seen() == with_done);
    BOOST_TEST((acc.outcome() == stream_outcome::error));
    BOOST_TEST((acc.outcome_code() == errc::stream_error));
    BOOST_TEST(acc.text() == "The three main causes are supply shocks,");
    BOOST_TEST_REQUIRE(acc.error() != nullptr);
    BOOST_TEST((acc.error()->status() == 502));
    BOOST_TEST(acc.error()->message == "Provider disconnected unexpectedly");
    BOOST_TEST(acc.error()->type() == "provider_unavailable");
    BOOST_TEST(acc.error()->provider_code() == "overloaded_error");

    const wire::chat_response r = acc.result();
    BOOST_TEST(r.provider == "Anthropic");
    BOOST_TEST(!r.usage.has_value());
    BOOST_TEST_REQUIRE(r.choices.size() == 1u);
    BOOST_TEST((r.choices[0].finish_reason == std::string("error")));
    BOOST_TEST(content_text(r.choices[0].message) == "The three main causes are supply shocks,");
    BOOST_TEST_REQUIRE(r.choices[0].error.has_value());  // where a non-streaming body puts it
    BOOST_TEST((r.choices[0].error->status() == 502));
  }
}

BOOST_AUTO_TEST_CASE(error_chunk_without_choices) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":"partial"})")));
  feed(acc, chunk("[]", R"("error":{"code":"server_error","message":"Internal error"})"));
  BOOST_TEST((acc.outcome() == stream_outcome::error));
  const wire::chat_response r = acc.result();
  BOOST_TEST_REQUIRE(r.choices.size() == 1u);
  BOOST_TEST_REQUIRE(r.choices[0].error.has_value());
  BOOST_TEST(r.choices[0].error->code_text() == "server_error");

  accumulator empty;  // error before any choice: the result still has a choice carrying it
  feed(empty, chunk("[]", R"("error":{"code":429,"message":"Rate limit exceeded","metadata":{"error_type":"rate_limit_exceeded"}})"));
  const wire::chat_response e = empty.result();
  BOOST_TEST_REQUIRE(e.choices.size() == 1u);
  BOOST_TEST(e.choices[0].message.role == "assistant");
  BOOST_TEST_REQUIRE(e.choices[0].error.has_value());
  BOOST_TEST(e.choices[0].error->type() == "rate_limit_exceeded");
}

BOOST_AUTO_TEST_CASE(finish_reason_error_without_error_object) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"content":"x"})", R"("error")")));
  acc.done();
  BOOST_TEST(!acc.error_seen());
  BOOST_TEST((acc.outcome() == stream_outcome::error));
}

// --- outcomes ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(outcomes) {
  {  // EOF without [DONE] and without a finish reason: incomplete, partial output kept
    accumulator acc;
    feed(acc, chunk(delta(R"({"role":"assistant","content":"Once upon"})")));
    feed(acc, chunk(delta(R"({"content":" a time"})")));
    BOOST_TEST(!acc.finish_seen());
    BOOST_TEST(!acc.done_seen());
    BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
    BOOST_TEST((acc.outcome_code() == errc::stream_incomplete));
    BOOST_TEST(acc.result().text() == "Once upon a time");
    BOOST_TEST(!acc.result().choices[0].finish_reason.has_value());
  }
  {  // finish reason, then clean EOF without [DONE]: complete
    accumulator acc;
    feed(acc, chunk(delta(R"({"content":"Hi"})", R"("stop")")));
    BOOST_TEST((acc.outcome() == stream_outcome::complete));
  }
  {  // finish reason + [DONE]: complete
    accumulator acc;
    feed(acc, chunk(delta(R"({"content":"Hi"})", R"("length")")));
    acc.done();
    BOOST_TEST((acc.outcome() == stream_outcome::complete));
    BOOST_TEST(*acc.finish_reason() == "length");
  }
  {  // nothing at all
    accumulator acc;
    BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
    BOOST_TEST(!acc.all_finished());
    BOOST_TEST(acc.text().empty());
    BOOST_TEST(acc.finish_reason() == nullptr);
    BOOST_TEST(acc.result().choices.empty());
  }
  {  // [DONE] without any finish reason: the server ended the stream on purpose
    accumulator acc;
    feed(acc, chunk(delta(R"({"content":"Hi"})")));
    acc.done();
    BOOST_TEST(!acc.finish_seen());
    BOOST_TEST((acc.outcome() == stream_outcome::complete));
  }
  BOOST_TEST(openrouter::stream::to_string(stream_outcome::incomplete) == "incomplete");
  BOOST_TEST(!openrouter::stream::make_error_code(stream_outcome::complete));
}

BOOST_AUTO_TEST_CASE(several_choices) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":"B"})", "null", 1)));
  feed(acc, chunk(delta(R"({"role":"assistant","content":"A"})", "null", 0)));
  feed(acc, chunk(delta(R"({"content":"a"})", R"("stop")", 0)));
  BOOST_TEST(acc.finish_seen());
  BOOST_TEST(!acc.all_finished());
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
  feed(acc, chunk(delta(R"({"content":"b"})", R"("stop")", 1)));
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
  BOOST_TEST((acc.choice_indexes() == std::vector<std::int64_t>{0, 1}));
  const wire::chat_response r = acc.result();
  BOOST_TEST_REQUIRE(r.choices.size() == 2u);
  BOOST_TEST(r.choices[0].index == 0);
  BOOST_TEST(r.choices[0].message.text() == "Aa");
  BOOST_TEST(r.choices[1].message.text() == "Bb");
}

// --- deltas --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(role_on_every_delta_and_null_or_empty_content) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":null})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":""})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":"Hel"})")));
  feed(acc, chunk(delta(R"({"role":"assistant"})")));
  feed(acc, chunk(delta(R"({})")));
  feed(acc, chunk(R"([{"index":0,"finish_reason":null}])"));  // no delta at all
  feed(acc, chunk(delta(R"({"role":"assistant","content":"lo"})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":null})", R"("stop")")));
  const wire::chat_response r = acc.result();
  BOOST_TEST_REQUIRE(r.choices.size() == 1u);
  BOOST_TEST(r.choices[0].message.role == "assistant");
  BOOST_TEST(content_text(r.choices[0].message) == "Hello");
  BOOST_TEST(r.choices[0].message.extra.empty());
}

BOOST_AUTO_TEST_CASE(content_null_throughout_stays_null) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":null})", R"("stop")")));
  BOOST_TEST(!acc.result().choices[0].message.content.has_value());

  accumulator empty_text;  // an empty answer is "" (not null) when no tool call came
  feed(empty_text, chunk(delta(R"({"role":"assistant","content":""})", R"("stop")")));
  BOOST_TEST(content_text(empty_text.result().choices[0].message).empty());
}

BOOST_AUTO_TEST_CASE(usage_only_chunk) {
  accumulator acc;
  feed(acc, chunk("[]", R"("usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2})"));
  BOOST_TEST(acc.choice_indexes().empty());  // no choice made up for it
  BOOST_TEST_REQUIRE(acc.usage().has_value());
  feed(acc, chunk(delta(R"({"content":"ok"})", R"("stop")")));
  feed(acc, chunk("[]", R"("usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"cost":0.5})"));
  acc.done();
  const wire::chat_response r = acc.result();
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->total_tokens == 7);  // the last one wins
  BOOST_TEST((r.usage->cost == 0.5));
  BOOST_TEST(r.choices.size() == 1u);
}

BOOST_AUTO_TEST_CASE(images_in_a_late_chunk) {
  const std::string url = "data:image/png;base64," + std::string(100000, 'A');
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":"Here is "})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":"your teacup."})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":"","images":[{"type":"image_url","image_url":{"url":")" +
                        url + R"("}}]})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":""})", R"("stop")")));
  acc.done();
  BOOST_TEST_REQUIRE(acc.images().size() == 1u);
  const wire::chat_response r = acc.result();
  const wire::message& m = r.choices[0].message;
  BOOST_TEST(content_text(m) == "Here is your teacup.");
  BOOST_TEST_REQUIRE(m.images.size() == 1u);
  BOOST_TEST(m.images[0].type == "image_url");
  BOOST_TEST(m.images[0].image_url.url == url);
}

BOOST_AUTO_TEST_CASE(reasoning_deltas) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":"","reasoning":"Let me"})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":"","reasoning":null})")));
  feed(acc, chunk(delta(R"({"role":"assistant","content":"","reasoning":" think."})")));
  BOOST_TEST(acc.reasoning() == "Let me think.");
  feed(acc, chunk(delta(R"({"content":"391"})", R"("stop")")));
  const wire::message m = acc.result().choices[0].message;
  BOOST_TEST((m.reasoning == std::string("Let me think.")));
  BOOST_TEST(content_text(m) == "391");

  accumulator none;  // no reasoning text: reasoning stays null, as in the non-streaming body
  feed(none, chunk(delta(R"({"content":"x","reasoning":""})", R"("stop")")));
  BOOST_TEST(!none.result().choices[0].message.reasoning.has_value());
}

BOOST_AUTO_TEST_CASE(reasoning_details_merged_per_block) {
  accumulator acc;
  // Anthropic through OpenRouter: one thinking block in three fragments sharing index 0, the
  // signature in a last text-less fragment; then an encrypted block; then an item without index.
  feed(acc, chunk(delta(R"({"reasoning":"Let","reasoning_details":[{"type":"reasoning.text","text":"Let","format":"anthropic-claude-v1","index":0}]})")));
  feed(acc, chunk(delta(R"({"reasoning":" me compute.","reasoning_details":[{"type":"reasoning.text","text":" me compute.","format":"anthropic-claude-v1","index":0}]})")));
  feed(acc, chunk(delta(R"({"reasoning_details":[{"type":"reasoning.text","signature":"Et8BCmUI","format":"anthropic-claude-v1","index":0}]})")));
  feed(acc, chunk(delta(R"({"reasoning_details":[{"type":"reasoning.encrypted","data":"QUJD","id":"rs_1","index":1}]})")));
  feed(acc, chunk(delta(R"({"reasoning_details":[{"type":"reasoning.summary","summary":"short"}]})")));
  feed(acc, chunk(delta(R"({"content":"391"})", R"("stop")")));
  const wire::message m = acc.result().choices[0].message;
  BOOST_TEST((m.reasoning == std::string("Let me compute.")));
  const json::value expected = json::parse(R"([
    {"type":"reasoning.text","text":"Let me compute.","format":"anthropic-claude-v1","index":0,"signature":"Et8BCmUI"},
    {"type":"reasoning.encrypted","data":"QUJD","id":"rs_1","index":1},
    {"type":"reasoning.summary","summary":"short"}])");
  BOOST_TEST(wire::same_json(m.reasoning_details, expected), json::serialize(m.reasoning_details));
}

BOOST_AUTO_TEST_CASE(refusal_audio_annotations_logprobs) {
  accumulator acc;
  feed(acc, chunk(delta(R"({"refusal":"I can't"})")));
  feed(acc, chunk(delta(R"({"refusal":" help with that."})")));
  feed(acc, chunk(delta(R"({"audio":{"id":"audio_1","data":"UklG","transcript":"Hel"}})")));
  feed(acc, chunk(delta(R"({"audio":{"data":"RiQA","transcript":"lo","expires_at":1754313999}})")));
  const std::string citation =
      R"({"type":"url_citation","url_citation":{"url":"https://example.com","title":"Ex","start_index":0,"end_index":5}})";
  feed(acc, chunk(delta(R"({"annotations":[)" + citation + "]}")));
  feed(acc, chunk(delta(R"({"annotations":[)" + citation +
                        R"(,{"type":"file","file":{"hash":"3f5a","name":"invoice.pdf"}}]})")));
  feed(acc, chunk(R"([{"index":0,"delta":{"content":"x"},"finish_reason":null,"logprobs":{"content":[{"token":"x","logprob":-0.1,"bytes":null,"top_logprobs":[]}]}}])"));
  feed(acc, chunk(R"([{"index":0,"delta":{"content":"y"},"finish_reason":"stop","logprobs":{"content":[{"token":"y","logprob":-0.2,"bytes":null,"top_logprobs":[]}]}}])"));
  BOOST_TEST(acc.refusal() == "I can't help with that.");
  const wire::chat_choice c = acc.result().choices[0];
  BOOST_TEST((c.message.refusal == std::string("I can't help with that.")));
  BOOST_TEST(wire::same_json(
      c.message.audio,
      json::parse(R"({"id":"audio_1","data":"UklGRiQA","transcript":"Hello","expires_at":1754313999})")),
      json::serialize(c.message.audio));
  BOOST_TEST_REQUIRE(c.message.annotations.is_array());
  BOOST_TEST(c.message.annotations.get_array().size() == 2u);  // the repeated citation once
  BOOST_TEST_REQUIRE(c.logprobs.is_object());
  BOOST_TEST(c.logprobs.at("content").get_array().size() == 2u);
  BOOST_TEST(c.logprobs.at("content").get_array()[1].at("token") == "y");
}

BOOST_AUTO_TEST_CASE(content_parts) {
  // chunk_delta::content is a string; a lenient decode leaves a part array in delta.extra.
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":"Look: "})")));
  wire::chat_chunk parts = decode(chunk(delta(R"({})")));
  parts.choices[0].delta.extra["content"] = json::parse(
      R"([{"type":"text","text":"a cat"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}])");
  acc.feed(parts);
  feed(acc, chunk(delta(R"({"content":" and"})")));
  feed(acc, chunk(delta(R"({"content":" a dog"})", R"("stop")")));
  BOOST_TEST(acc.text() == "Look: a cat and a dog");
  const wire::message m = acc.result().choices[0].message;
  BOOST_TEST_REQUIRE(m.content.has_value());
  const auto* list = std::get_if<std::vector<wire::content_part>>(&*m.content);
  BOOST_TEST_REQUIRE(list != nullptr);
  BOOST_TEST_REQUIRE(list->size() == 3u);
  BOOST_TEST(*(*list)[0].text == "Look: a cat");  // consecutive text merged
  BOOST_TEST((*list)[1].type == "image_url");
  BOOST_TEST(*(*list)[2].text == " and a dog");
  BOOST_TEST(m.text() == "Look: a cat and a dog");
  BOOST_TEST(m.extra.empty());
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_kept) {
  accumulator acc;
  feed(acc, chunk(R"([{"index":0,"delta":{"content":"x","future_field":1},"finish_reason":null,"choice_extra":true}])",
                  R"("future_top":"a","service_tier":null)"));
  feed(acc, chunk(delta(R"({"content":"y"})", R"("stop")"), R"("future_top":"b","openrouter_metadata":{"attempts":1})"));
  const wire::chat_response r = acc.result();
  BOOST_TEST(r.extra.at("future_top") == "b");
  BOOST_TEST(!r.extra.contains("service_tier"));  // a modeled key's null is not an unknown key
  BOOST_TEST(!r.service_tier.has_value());
  BOOST_TEST(r.choices[0].extra.at("choice_extra") == true);
  BOOST_TEST(r.choices[0].message.extra.at("future_field") == 1);
  BOOST_TEST(r.openrouter_metadata.at("attempts") == 1);
}

BOOST_AUTO_TEST_CASE(debug_echo_chunks) {
  accumulator acc;
  feed(acc, chunk("[]", R"("debug":{"echo_upstream_body":{"model":"gpt-4o-mini"}})"));
  feed(acc, chunk(delta(R"({"content":"x"})", R"("stop")")));
  BOOST_TEST(acc.debug().size() == 1u);
  BOOST_TEST(acc.result().choices.size() == 1u);
}

// --- tool calls ----------------------------------------------------------------------------

std::string tool_delta(std::string_view fragments, std::string_view finish = "null") {
  return chunk(delta(R"({"role":"assistant","content":null,"tool_calls":[)" + std::string(fragments) + "]}", finish));
}

BOOST_AUTO_TEST_CASE(interleaved_parallel_calls) {
  accumulator acc;
  // Three heads (two in one delta), then arguments fragments round-robin, one delta carrying two.
  feed(acc, tool_delta(R"({"index":0,"id":"c0","type":"function","function":{"name":"a","arguments":""}},
                          {"index":1,"id":"c1","type":"function","function":{"name":"b","arguments":""}})"));
  feed(acc, tool_delta(R"({"index":0,"function":{"arguments":"{\"x\""}})"));
  feed(acc, tool_delta(R"({"index":2,"id":"c2","type":"function","function":{"name":"c","arguments":"{"}})"));
  feed(acc, tool_delta(R"({"index":1,"function":{"arguments":"{\"y\":"}},{"index":2,"function":{"arguments":"}"}})"));
  feed(acc, tool_delta(R"({"index":0,"function":{"arguments":":1}"}})"));
  feed(acc, tool_delta(R"({"index":1,"function":{"arguments":"[1,2]}"}})", R"("tool_calls")"));
  acc.done();
  const wire::message m = acc.result().choices[0].message;
  BOOST_TEST_REQUIRE(m.tool_calls.size() == 3u);
  BOOST_TEST(m.tool_calls[0].id == "c0");
  BOOST_TEST(m.tool_calls[0].function.arguments == R"({"x":1})");
  BOOST_TEST(m.tool_calls[1].id == "c1");
  BOOST_TEST(m.tool_calls[1].function.name == "b");
  BOOST_TEST(m.tool_calls[1].function.arguments == R"({"y":[1,2]})");
  BOOST_TEST(m.tool_calls[2].id == "c2");
  BOOST_TEST(m.tool_calls[2].function.arguments == "{}");
  BOOST_TEST(acc.invalid_tool_arguments().empty());
}

BOOST_AUTO_TEST_CASE(repeated_head_fragment) {
  accumulator acc;
  const std::string head = R"({"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}})";
  feed(acc, tool_delta(head));
  feed(acc, tool_delta(head));  // the same head again
  feed(acc, tool_delta(R"({"index":0,"function":{"arguments":"{\"a\":"}})"));
  // Some providers repeat id and name on every fragment.
  feed(acc, tool_delta(R"({"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"1}"}})"));
  BOOST_TEST_REQUIRE(acc.tool_calls().size() == 1u);
  BOOST_TEST(acc.tool_calls()[0].call.function.name == "f");
  BOOST_TEST(acc.tool_calls()[0].call.function.arguments == R"({"a":1})");
  // A complete re-send of the call is dropped.
  feed(acc, tool_delta(R"({"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}})"));
  BOOST_TEST_REQUIRE(acc.tool_calls().size() == 1u);
  BOOST_TEST(acc.tool_calls()[0].call.function.arguments == R"({"a":1})");
}

BOOST_AUTO_TEST_CASE(id_without_index) {
  // The index is missing from the second call's fragments (it decodes as absent): the new id
  // starts a new call after the last one, and fragments without index or id continue the call
  // of the fragment before.
  BOOST_TEST_REQUIRE(!decode(tool_delta(R"({"id":"x","function":{"arguments":""}})")).choices[0].delta.tool_calls[0].index);
  accumulator acc;
  feed(acc, tool_delta(R"({"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"n\":"}})"));
  feed(acc, tool_delta(R"({"index":0,"function":{"arguments":"1}"}})"));
  feed(acc, tool_delta(R"({"id":"call_b","type":"function","function":{"name":"g","arguments":""}})"));
  feed(acc, tool_delta(R"({"function":{"arguments":"{\"n\":2}"}})"));
  // A late fragment naming call_a by id still lands on call_a.
  feed(acc, tool_delta(R"({"id":"call_a","function":{"arguments":" "}})"));
  const auto calls = acc.tool_calls();
  BOOST_TEST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(calls[0].call.id == "call_a");
  BOOST_TEST(calls[0].call.function.arguments == R"({"n":1} )");
  BOOST_TEST(calls[1].call.id == "call_b");
  BOOST_TEST(calls[1].index == 1);
  BOOST_TEST(calls[1].call.function.name == "g");
  BOOST_TEST(calls[1].call.function.arguments == R"({"n":2})");
}

BOOST_AUTO_TEST_CASE(no_index_at_all) {
  // An upstream that never sends `index`: each id starts the next call, id-less fragments extend
  // the call before them, and the result is the same as with indices.
  accumulator acc;
  feed(acc, tool_delta(R"({"id":"call_a","type":"function","function":{"name":"f","arguments":""}})"));
  feed(acc, tool_delta(R"({"function":{"arguments":"{\"a\":"}})"));
  feed(acc, tool_delta(R"({"function":{"arguments":"1}"}})"));
  feed(acc, tool_delta(R"({"id":"call_b","type":"function","function":{"name":"g","arguments":"{}"}})"));
  feed(acc, tool_delta(R"({"id":"call_c","type":"function","function":{"name":"h","arguments":"["}})"));
  feed(acc, tool_delta(R"({"function":{"arguments":"]"}})", R"("tool_calls")"));
  const auto m = acc.result().choices[0].message;
  BOOST_TEST_REQUIRE(m.tool_calls.size() == 3u);
  BOOST_TEST(m.tool_calls[0].id == "call_a");
  BOOST_TEST(m.tool_calls[0].function.arguments == R"({"a":1})");
  BOOST_TEST(m.tool_calls[1].id == "call_b");
  BOOST_TEST(m.tool_calls[1].function.arguments == "{}");
  BOOST_TEST(m.tool_calls[2].id == "call_c");
  BOOST_TEST(m.tool_calls[2].function.name == "h");
  BOOST_TEST(m.tool_calls[2].function.arguments == "[]");
  BOOST_TEST(acc.result().choices[0].finish_reason.value_or("") == "tool_calls");
}

BOOST_AUTO_TEST_CASE(every_call_at_index_zero) {
  // Providers that give every parallel call index 0 (each with its own id).
  accumulator acc;
  feed(acc, tool_delta(R"({"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}})"));
  feed(acc, tool_delta(R"({"index":0,"id":"b","type":"function","function":{"name":"f","arguments":"{\"k\":1}"}})"));
  feed(acc, tool_delta(R"({"index":0,"id":"c","type":"function","function":{"name":"g","arguments":""}})"));
  feed(acc, tool_delta(R"({"index":0,"function":{"arguments":"[]"}})", R"("tool_calls")"));
  const auto m = acc.result().choices[0].message;
  BOOST_TEST_REQUIRE(m.tool_calls.size() == 3u);
  BOOST_TEST(m.tool_calls[0].function.arguments == "{}");
  BOOST_TEST(m.tool_calls[1].function.arguments == R"({"k":1})");
  BOOST_TEST(m.tool_calls[2].id == "c");
  BOOST_TEST(m.tool_calls[2].function.arguments == "[]");
}

BOOST_AUTO_TEST_CASE(new_name_without_id_on_a_started_call) {
  accumulator acc;
  feed(acc, tool_delta(R"({"index":0,"function":{"name":"f","arguments":"{}"}})"));
  feed(acc, tool_delta(R"({"index":0,"function":{"name":"g","arguments":"{\"q\":1}"}})"));
  const auto calls = acc.tool_calls();
  BOOST_TEST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(calls[0].call.function.name == "f");
  BOOST_TEST(calls[1].call.function.name == "g");
  BOOST_TEST(calls[1].call.function.arguments == R"({"q":1})");

  accumulator pieces;  // before any argument, a different name is a name streamed in pieces
  feed(pieces, tool_delta(R"({"index":0,"id":"c","function":{"name":"get_"}})"));
  feed(pieces, tool_delta(R"({"index":0,"function":{"name":"weather","arguments":"{}"}})"));
  BOOST_TEST_REQUIRE(pieces.tool_calls().size() == 1u);
  BOOST_TEST(pieces.tool_calls()[0].call.function.name == "get_weather");
}

BOOST_AUTO_TEST_CASE(index_gap_and_out_of_order) {
  accumulator acc;
  feed(acc, tool_delta(R"({"index":2,"id":"c2","type":"function","function":{"name":"c","arguments":""}})"));
  feed(acc, tool_delta(R"({"index":0,"id":"c0","type":"function","function":{"name":"a","arguments":""}})"));
  feed(acc, tool_delta(R"({"index":2,"function":{"arguments":"{\"z\":2}"}})"));
  feed(acc, tool_delta(R"({"index":0,"function":{"arguments":"{\"z\":0}"}})"));
  const auto calls = acc.tool_calls();
  BOOST_TEST_REQUIRE(calls.size() == 2u);  // no call made up for the missing index 1
  BOOST_TEST(calls[0].index == 0);
  BOOST_TEST(calls[0].call.id == "c0");
  BOOST_TEST(calls[0].call.function.arguments == R"({"z":0})");
  BOOST_TEST(calls[1].index == 2);
  BOOST_TEST(calls[1].call.id == "c2");
  BOOST_TEST(calls[1].call.function.arguments == R"({"z":2})");
  // The id map survived the reordering.
  feed(acc, tool_delta(R"({"index":7,"id":"c2","function":{"arguments":" "}})"));
  BOOST_TEST(acc.tool_calls()[1].call.function.arguments == "{\"z\":2} ");
  BOOST_TEST(acc.tool_calls().size() == 2u);
}

BOOST_AUTO_TEST_CASE(arguments_before_head) {
  accumulator acc;
  feed(acc, tool_delta(R"({"index":1,"function":{"arguments":"{\"p\":"}})"));
  feed(acc, tool_delta(R"({"index":1,"id":"late","type":"function","function":{"name":"h","arguments":"true}"}})"));
  const auto calls = acc.tool_calls();
  BOOST_TEST_REQUIRE(calls.size() == 1u);
  BOOST_TEST(calls[0].call.id == "late");
  BOOST_TEST(calls[0].call.function.name == "h");
  BOOST_TEST(calls[0].call.function.arguments == R"({"p":true})");
}

BOOST_AUTO_TEST_CASE(random_fragmentation_and_interleaving) {
  // Arguments cut at random places, calls interleaved at random: always reassembled exactly.
  const std::vector<std::string> args = {R"({"city": "San Francisco", "unit": "c"})", R"({"q": "a \"quoted\" word"})",
                                         R"({})", R"({"list": [1, 2, {"deep": null}]})"};
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::vector<std::string>> pieces(args.size());
    for (std::size_t k = 0; k < args.size(); ++k) {
      std::string_view rest = args[k];
      while (!rest.empty()) {
        const std::size_t n = std::uniform_int_distribution<std::size_t>(1, 6)(rng);
        pieces[k].emplace_back(rest.substr(0, n));
        rest.remove_prefix(std::min(n, rest.size()));
      }
    }
    accumulator acc;
    std::vector<std::size_t> next(args.size(), 0);
    std::vector<bool> head_sent(args.size(), false);
    for (std::size_t left = args.size(); left > 0;) {
      const std::size_t k = std::uniform_int_distribution<std::size_t>(0, args.size() - 1)(rng);
      if (next[k] == pieces[k].size() && head_sent[k]) continue;
      json::object fn;
      json::object frag{{"index", k}};
      if (!head_sent[k]) {
        head_sent[k] = true;
        frag["id"] = "call_" + std::to_string(k);
        frag["type"] = "function";
        fn["name"] = "fn" + std::to_string(k);
        fn["arguments"] = "";
      } else {
        fn["arguments"] = pieces[k][next[k]++];
      }
      frag["function"] = std::move(fn);
      feed(acc, tool_delta(json::serialize(frag)));
      if (head_sent[k] && next[k] == pieces[k].size()) --left;
    }
    const auto calls = acc.tool_calls();
    BOOST_TEST_REQUIRE(calls.size() == args.size());
    for (std::size_t k = 0; k < args.size(); ++k) {
      BOOST_TEST(calls[k].call.id == "call_" + std::to_string(k));
      BOOST_TEST(calls[k].call.function.arguments == args[k]);
    }
    BOOST_TEST(acc.invalid_tool_arguments().empty());
  }
}

BOOST_AUTO_TEST_CASE(invalid_arguments_reported) {
  accumulator acc;
  feed(acc, tool_delta(R"({"index":0,"id":"ok","type":"function","function":{"name":"a","arguments":"{\"v\":1}"}},
                          {"index":1,"id":"cut","type":"function","function":{"name":"b","arguments":"{\"v\":"}},
                          {"index":2,"id":"none","type":"function","function":{"name":"c","arguments":""}},
                          {"index":3,"id":"trail","type":"function","function":{"name":"d","arguments":"{} x"}})"));
  // The stream died mid-arguments: incomplete, and call 1 cannot be used.
  BOOST_TEST((acc.outcome() == stream_outcome::incomplete));
  auto bad = acc.invalid_tool_arguments();
  BOOST_TEST_REQUIRE(bad.size() == 2u);
  BOOST_TEST(bad[0].choice == 0u);
  BOOST_TEST(bad[0].call == 1u);
  BOOST_TEST(bad[0].id == "cut");
  BOOST_TEST(bad[0].name == "b");
  BOOST_TEST(bad[0].ec.failed());
  BOOST_TEST(bad[1].id == "trail");
  BOOST_TEST(acc.invalid_tool_arguments(false).size() == 3u);  // "" is not JSON
  const auto from_result = openrouter::stream::invalid_tool_arguments(acc.result());
  BOOST_TEST_REQUIRE(from_result.size() == 2u);
  BOOST_TEST(from_result[0].call == 1u);
}

BOOST_AUTO_TEST_CASE(empty_content_with_tool_calls_is_null) {
  // The mock (and several providers) send content "" on the role and finish deltas.
  accumulator acc;
  feed(acc, chunk(delta(R"({"role":"assistant","content":""})")));
  feed(acc, tool_delta(R"({"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"{}"}})"));
  feed(acc, chunk(delta(R"({"role":"assistant","content":""})", R"("tool_calls")")));
  const wire::message m = acc.result().choices[0].message;
  BOOST_TEST(!m.content.has_value());
  BOOST_TEST(m.tool_calls.size() == 1u);
}

// --- streaming == non-streaming ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(streamed_equals_non_streamed_text) {
  const wire::chat_response plain = parse_response(plain_response);
  const std::string head =
      R"({"id":"gen-1754312345-aB3dE5fG7hI9jK1lM2nO","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1754312345,"system_fingerprint":"fp_7a1b2c3d4e","choices":)";
  std::vector<std::string> events;
  events.push_back(head + R"([{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]})");
  for (std::string_view piece : {"Invoice", " OCR", " turns scanned", " bills into", " structured", " data", "."})
    events.push_back(head + R"([{"index":0,"delta":{"role":"assistant","content":")" + std::string(piece) +
                     R"("},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]})");
  events.push_back(head + R"([{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]})");
  events.push_back(head + R"([],"usage":{"prompt_tokens": 21, "completion_tokens": 11, "total_tokens": 32,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 0},
    "cost": 0.00000975, "is_byok": false,
    "cost_details": {"upstream_inference_cost": null, "upstream_inference_prompt_cost": 0.00000315, "upstream_inference_completions_cost": 0.0000066}}})");

  accumulator acc;
  for (const std::string& e : events) feed(acc, e);
  acc.done();
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
  check_same_answer(acc.result(), plain);
  // take() gives the same answer and leaves a fresh accumulator.
  const wire::chat_response taken = acc.take();
  check_same_answer(taken, plain);
  BOOST_TEST(acc.chunk_count() == 0u);
  BOOST_TEST(acc.text().empty());
  BOOST_TEST(!acc.done_seen());
}

BOOST_AUTO_TEST_CASE(streamed_equals_non_streamed_tool_call) {
  const wire::chat_response plain = parse_response(tool_response);
  const std::string head =
      R"({"id":"gen-1754312400-Qw3rTy7uIo9pAs1dF2gH","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1754312400,"system_fingerprint":null,"choices":)";
  accumulator acc;
  feed(acc, head + R"([{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_9bX2kLmN4pQ7","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null,"native_finish_reason":null}]})");
  for (std::string_view piece : {R"({\"ci)", R"(ty\":\"San)", R"( Fran)", R"(cisco\"})"})
    feed(acc, head + R"([{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"function":{"arguments":")" +
                  std::string(piece) + R"("}}]},"finish_reason":null,"native_finish_reason":null}]})");
  feed(acc, head + R"([{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":"tool_calls","native_finish_reason":"tool_calls"}]})");
  feed(acc, head + R"([],"usage":{"prompt_tokens": 62, "completion_tokens": 17, "total_tokens": 79, "cost": 0.0000195}})");
  acc.done();
  check_same_answer(acc.result(), plain);
  BOOST_TEST(acc.result().choices[0].message.tool_calls[0].function.arguments == R"({"city":"San Francisco"})");
}

// --- mechanics -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(feed_data_payloads) {
  accumulator acc;
  boost::system::error_code ec;
  acc.feed_data(chunk(delta(R"({"role":"assistant","content":"Hi"})", R"("stop")")), ec);
  BOOST_TEST(!ec);
  acc.feed_data(R"({"choices":[{"index":0,"delta":{"content":"broken)", ec);  // cut JSON
  BOOST_TEST((ec == wire::decode_errc::invalid_json));
  acc.feed_data(R"({"choices":[{"index":0,"delta":{"content":7}}]})", ec);  // wrong kind
  BOOST_TEST(ec.failed());
  BOOST_TEST(acc.chunk_count() == 1u);  // the bad payloads changed nothing
  BOOST_TEST(acc.text() == "Hi");
  BOOST_TEST(!acc.done_seen());
  acc.feed_data("[DONE]", ec);
  BOOST_TEST(!ec);
  BOOST_TEST(acc.done_seen());
  BOOST_TEST((acc.outcome() == stream_outcome::complete));
}

BOOST_AUTO_TEST_CASE(rvalue_feed_equals_lvalue_feed) {
  std::vector<wire::chat_chunk> chunks;
  std::string_view rest = tool_stream;
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    if (line.starts_with("data: {")) chunks.push_back(decode(line.substr(6)));
  }
  BOOST_TEST_REQUIRE(chunks.size() == 7u);
  accumulator by_ref, by_move;
  for (const wire::chat_chunk& c : chunks) by_ref.feed(c);
  for (wire::chat_chunk& c : chunks) by_move.feed(std::move(c));
  BOOST_TEST(wire::serialize(by_ref.result()) == wire::serialize(by_move.result()));
  BOOST_TEST(wire::serialize(by_ref.result()) == wire::serialize(by_ref.result()));  // result() is pure
}

BOOST_AUTO_TEST_CASE(many_small_deltas) {
  // 200k one-character deltas: linear time (a quadratic re-concatenation would take minutes).
  accumulator acc;
  wire::chat_chunk c = decode(chunk(delta(R"({"content":"x"})")));
  for (int i = 0; i < 200000; ++i) acc.feed(c);
  BOOST_TEST(acc.text().size() == 200000u);
  wire::chat_chunk t = decode(tool_delta(R"({"index":0,"id":"c","function":{"name":"f","arguments":""}})"));
  acc.feed(t);
  t = decode(tool_delta(R"({"index":0,"function":{"arguments":"a"}})"));
  for (int i = 0; i < 200000; ++i) acc.feed(t);
  BOOST_TEST(acc.tool_calls()[0].call.function.arguments.size() == 200000u);
}

BOOST_AUTO_TEST_SUITE_END()
