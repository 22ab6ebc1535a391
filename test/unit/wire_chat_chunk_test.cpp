// chat_chunk: every chunk of the §4.3/§4.4/§4.5 transcripts decodes and round-trips; tool-call
// fragments, the usage chunk, the mid-stream error (int and string code); parse_chat_chunk errors.
#include <openrouter/wire/chat_chunk.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include "fixtures/openrouter_transcripts.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

// The data: payloads of an SSE transcript, [DONE] excluded (SSE framing is not this layer's job).
std::vector<std::string_view> data_events(std::string_view transcript) {
  std::vector<std::string_view> out;
  while (!transcript.empty()) {
    const auto eol = transcript.find('\n');
    std::string_view line = transcript.substr(0, eol);
    transcript.remove_prefix(eol == std::string_view::npos ? transcript.size() : eol + 1);
    if (line.starts_with("data: ") && line != "data: [DONE]") out.push_back(line.substr(6));
  }
  return out;
}

chat_chunk decode(std::string_view text) {
  chat_chunk out;
  boost::system::error_code ec;
  parse_chat_chunk(text, out, ec);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  return out;
}

constexpr std::string_view text_stream = test::transcripts::text;

constexpr std::string_view tool_stream = test::transcripts::tools;

constexpr std::string_view error_stream = test::transcripts::error;

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_chat_chunk_test)

BOOST_AUTO_TEST_CASE(every_transcript_chunk_round_trips) {
  std::size_t count = 0;
  for (std::string_view transcript : {text_stream, tool_stream, error_stream}) {
    for (std::string_view event : data_events(transcript)) {
      const chat_chunk c = decode(event);
      BOOST_TEST(same_json(json::value_from(c), json::parse(event)), serialize(c));
      ++count;
    }
  }
  BOOST_TEST(count == 16u);
}

BOOST_AUTO_TEST_CASE(text_stream_assembles) {
  std::string text;
  std::optional<chat_usage> usage;
  std::string finish;
  for (std::string_view event : data_events(text_stream)) {
    const chat_chunk c = decode(event);
    BOOST_TEST(c.id == "gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW");
    BOOST_TEST(c.object == "chat.completion.chunk");
    BOOST_TEST(c.provider == "OpenAI");
    BOOST_TEST(c.created.value() == 1754313000);
    for (const chunk_choice& ch : c.choices) {
      BOOST_TEST(ch.delta.role.value() == "assistant");
      text += ch.delta.content.value_or("");
      if (ch.finish_reason) finish = *ch.finish_reason;
    }
    if (c.usage) usage = c.usage;
  }
  BOOST_TEST(text == "Hello there! How can I help?");
  BOOST_TEST(finish == "stop");
  BOOST_TEST_REQUIRE(usage.has_value());
  BOOST_TEST(usage->total_tokens == 21);
  BOOST_TEST(usage->cost.value() == 0.0000072);
  BOOST_TEST(usage->cost_details->upstream_inference_completions_cost.value() == 0.0000054);
}

BOOST_AUTO_TEST_CASE(tool_call_fragments) {
  const auto events = data_events(tool_stream);
  BOOST_TEST_REQUIRE(events.size() == 7u);

  const chat_chunk first = decode(events[0]);
  const chunk_delta& d0 = first.choices.at(0).delta;
  BOOST_TEST(!d0.content.has_value());  // null
  BOOST_TEST_REQUIRE(d0.tool_calls.size() == 1u);
  BOOST_TEST(d0.tool_calls[0].index.value_or(-1) == 0);
  BOOST_TEST(d0.tool_calls[0].id.value() == "call_A1b2C3d4");
  BOOST_TEST(d0.tool_calls[0].type.value() == "function");
  BOOST_TEST(d0.tool_calls[0].function->name.value() == "get_weather");
  BOOST_TEST(d0.tool_calls[0].function->arguments.value() == "");
  BOOST_TEST(!first.choices[0].finish_reason.has_value());

  const chat_chunk fragment = decode(events[1]);
  const tool_call_delta& f = fragment.choices.at(0).delta.tool_calls.at(0);
  BOOST_TEST(f.index.value_or(-1) == 0);
  BOOST_TEST(!f.id.has_value());
  BOOST_TEST(!f.type.has_value());
  BOOST_TEST(!f.function->name.has_value());
  BOOST_TEST(f.function->arguments.value() == R"({"city": "San)");

  BOOST_TEST(decode(events[3]).choices.at(0).delta.tool_calls.at(0).index.value_or(-1) == 1);
  const chat_chunk finish = decode(events[5]);
  BOOST_TEST(finish.choices.at(0).finish_reason.value() == "tool_calls");
  BOOST_TEST(finish.choices[0].delta.tool_calls.empty());

  const chat_chunk usage = decode(events[6]);
  BOOST_TEST(usage.choices.empty());
  BOOST_TEST(usage.usage.value().prompt_tokens == 70);
  BOOST_TEST(!usage.usage->prompt_tokens_details.has_value());
}

BOOST_AUTO_TEST_CASE(mid_stream_error_with_integer_code) {
  const auto events = data_events(error_stream);
  BOOST_TEST_REQUIRE(events.size() == 3u);
  const chat_chunk c = decode(events[2]);
  const api_error& e = c.error.value();
  BOOST_TEST(e.status().value() == 502);
  BOOST_TEST(e.message == "Provider disconnected unexpectedly");
  BOOST_TEST(e.type() == "provider_unavailable");
  BOOST_TEST(e.provider_code() == "overloaded_error");
  BOOST_TEST(c.choices.at(0).finish_reason.value() == "error");
  BOOST_TEST(c.choices[0].delta.content.value() == "");
  BOOST_TEST(!c.choices[0].delta.role.has_value());
}

BOOST_AUTO_TEST_CASE(mid_stream_error_with_string_code_and_availability) {
  constexpr std::string_view event = R"json({"id":"gen-x","object":"chat.completion.chunk","created":1,"model":"m",
    "error":{"code":"server_error","message":"Internal error","availability":{"code":"temporarily_unavailable",
    "retryable":true,"requested_models":["m"],"docs_url":"https://openrouter.example/docs/errors"}},
    "choices":[{"index":0,"delta":{"content":""},"finish_reason":"error","native_finish_reason":"error"}]})json";
  const chat_chunk c = decode(event);
  BOOST_TEST(same_json(json::value_from(c), json::parse(event)));
  const api_error& e = c.error.value();
  BOOST_TEST(e.code_text() == "server_error");
  BOOST_TEST(!e.status().has_value());
  BOOST_TEST(e.availability.value().code == "temporarily_unavailable");
  BOOST_TEST(e.availability->retryable.value());
  BOOST_TEST(c.choices[0].native_finish_reason.value() == "error");
}

BOOST_AUTO_TEST_CASE(images_reasoning_audio_and_debug_deltas) {
  constexpr std::string_view images = R"json({"id":"g","object":"chat.completion.chunk","created":1,"model":"m",
    "choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"think","reasoning_details":[{"type":"reasoning.text","text":"think","index":0}],
    "images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}],
    "audio":{"data":"UklGR","transcript":"hi"},"annotations":[{"type":"url_citation"}]},"finish_reason":null}]})json";
  const chat_chunk c = decode(images);
  BOOST_TEST(same_json(json::value_from(c), json::parse(images)));
  const chunk_delta& d = c.choices.at(0).delta;
  BOOST_TEST(d.reasoning.value() == "think");
  BOOST_TEST(d.reasoning_details.at(0).at("type").as_string() == "reasoning.text");
  BOOST_TEST(d.images.at(0).image_url.url == "data:image/png;base64,AAAA");
  BOOST_TEST(d.audio.at("transcript").as_string() == "hi");
  BOOST_TEST(d.annotations.is_array());

  constexpr std::string_view debug = R"json({"id":"g","object":"chat.completion.chunk","created":1,"model":"m","choices":[],
    "debug":{"echo_upstream_body":{"model":"gpt-4o-mini","messages":[]}},"openrouter_metadata":{"attempts":1}})json";
  const chat_chunk dc = decode(debug);
  BOOST_TEST(dc.choices.empty());
  BOOST_TEST(dc.debug.at("echo_upstream_body").at("model").as_string() == "gpt-4o-mini");
  BOOST_TEST(dc.openrouter_metadata.at("attempts") == 1);
  BOOST_TEST(same_json(json::value_from(dc), json::parse(debug)));
}

BOOST_AUTO_TEST_CASE(reusing_the_output_replaces_everything) {
  const auto events = data_events(tool_stream);
  chat_chunk c;
  boost::system::error_code ec;
  parse_chat_chunk(events[0], c, ec);
  BOOST_TEST_REQUIRE(!ec);
  parse_chat_chunk(events[6], c, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(c.choices.empty());
  BOOST_TEST(c.usage.has_value());
  BOOST_TEST(c.extra.empty());
}

BOOST_AUTO_TEST_CASE(large_chunks_outgrow_the_stack_arena) {
  // a data: URL image delta is far larger than the stack buffer of the parse arena
  const std::string url = "data:image/png;base64," + std::string(200000, 'A');
  const std::string event = R"({"id":"g","choices":[{"index":0,"delta":{"images":[{"type":"image_url","image_url":{"url":")" +
                            url + R"("}}]}}]})";
  const chat_chunk c = decode(event);
  BOOST_TEST(c.choices.at(0).delta.images.at(0).image_url.url == url);
}

BOOST_AUTO_TEST_CASE(bad_chunks_are_errors_not_crashes) {
  const auto error_of = [](std::string_view text) {
    chat_chunk out;
    boost::system::error_code ec;
    parse_chat_chunk(text, out, ec);
    return ec;
  };
  BOOST_TEST(error_of("[DONE]") == make_error_code(decode_errc::invalid_json));
  BOOST_TEST(error_of("") == make_error_code(decode_errc::invalid_json));
  BOOST_TEST(error_of(R"({"id":"g","choices":[{"index":0,"delta":{"content":)") ==
             make_error_code(decode_errc::invalid_json));
  BOOST_TEST(error_of("42") == make_error_code(decode_errc::expected_object));
  BOOST_TEST(error_of(R"({"choices":{}})") == make_error_code(decode_errc::expected_array));
  BOOST_TEST(error_of(R"({"choices":[{"delta":{"content":["x"]}}]})") ==
             make_error_code(decode_errc::expected_string));

  chat_chunk out;
  decode_error err;
  parse(R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":"0"}]}}]})", out, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_integer));
  BOOST_TEST(err.field == "choices[0].delta.tool_calls[0].index");
  parse(R"({"choices":[],"error":{"message":5}})", out, err);
  BOOST_TEST(err.field == "error.message");
}

BOOST_AUTO_TEST_SUITE_END()
