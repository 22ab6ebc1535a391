// chat_response: the §3.3/§3.4 examples round-trip and decode to the right typed values; text();
// usage (legacy server_tool_use included); the embedded error with an int or a string code.
#include <openrouter/wire/chat_response.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include "fixtures/openrouter_transcripts.hpp"

#include <boost/test/unit_test.hpp>

#include <string_view>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

chat_response decode(std::string_view text) {
  chat_response out;
  decode_error err;
  parse(text, out, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  return out;
}

void check_round_trip(std::string_view text) {
  const chat_response r = decode(text);
  BOOST_TEST(same_json(json::value_from(r), json::parse(text)), serialize(r));
}

constexpr std::string_view plain_text = test::transcripts::text_response;

constexpr std::string_view tool_call_response = test::transcripts::tool_call_response;

constexpr std::string_view image_response = R"json({"id": "gen-1754312500-Zx8cVb6nM4lK2jH0gF9d", "provider": "Google AI Studio", "model": "google/gemini-2.5-flash-image",
 "object": "chat.completion", "created": 1754312500, "system_fingerprint": null,
 "choices": [{"index": 0, "finish_reason": "stop", "native_finish_reason": "STOP",
   "message": {"role": "assistant", "content": "Here is your teacup.",
     "images": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA..."}}]}}],
 "usage": {"prompt_tokens": 9, "completion_tokens": 1299, "total_tokens": 1308,
   "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": 1290}, "cost": 0.0387}})json";

constexpr std::string_view pdf_response = R"json({"choices": [{"index": 0, "finish_reason": "stop", "native_finish_reason": "stop",
  "message": {"role": "assistant", "content": "{\"total\": 1234.5}",
    "annotations": [{"type": "file", "file": {"hash": "3f5a9c…", "name": "invoice.pdf",
      "content": [{"type": "text", "text": "Invoice #INV-001 … Total 1,234.50"}]}}]}}]})json";

constexpr std::string_view embedded_error = R"json({"id": "gen-…", "object": "chat.completion", "created": 1754312600, "model": "openai/gpt-4o",
 "choices": [{"index": 0, "message": {"role": "assistant", "content": "partial output..."},
   "finish_reason": "error",
   "error": {"code": 502, "message": "Provider disconnected mid-stream", "metadata": {"error_type": "provider_unavailable"}}}],
 "usage": {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52}})json";

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_chat_response_test)

BOOST_AUTO_TEST_CASE(examples_round_trip) {
  check_round_trip(plain_text);
  check_round_trip(tool_call_response);
  check_round_trip(image_response);
  check_round_trip(pdf_response);
  check_round_trip(embedded_error);
}

BOOST_AUTO_TEST_CASE(plain_text_typed_fields) {
  const chat_response r = decode(plain_text);
  BOOST_TEST(r.id == "gen-1754312345-aB3dE5fG7hI9jK1lM2nO");
  BOOST_TEST(r.provider == "OpenAI");
  BOOST_TEST(r.model == "openai/gpt-4o-mini");
  BOOST_TEST(r.object == "chat.completion");
  BOOST_TEST(r.created.value() == 1754312345);
  BOOST_TEST(r.system_fingerprint.value() == "fp_7a1b2c3d4e");
  BOOST_TEST(r.text() == "Invoice OCR turns scanned bills into structured data.");
  BOOST_TEST_REQUIRE(r.choices.size() == 1u);
  const chat_choice& c = r.choices[0];
  BOOST_TEST(c.index == 0);
  BOOST_TEST(c.finish_reason.value() == "stop");
  BOOST_TEST(c.native_finish_reason.value() == "stop");
  BOOST_TEST(c.logprobs.is_null());
  BOOST_TEST(c.message.role == "assistant");
  BOOST_TEST(!c.message.refusal.has_value());  // null: unset, kept verbatim in extra
  BOOST_TEST(c.message.extra.at("refusal").is_null());
  BOOST_TEST(!c.error.has_value());

  const chat_usage& u = r.usage.value();
  BOOST_TEST(u.prompt_tokens == 21);
  BOOST_TEST(u.completion_tokens == 11);
  BOOST_TEST(u.total_tokens == 32);
  BOOST_TEST(u.prompt_tokens_details.value().cached_tokens.value() == 0);
  BOOST_TEST(!u.prompt_tokens_details->cache_write_tokens.has_value());
  BOOST_TEST(u.completion_tokens_details.value().image_tokens.value() == 0);
  BOOST_TEST(u.cost.value() == 0.00000975);
  BOOST_TEST(!u.is_byok.value());
  BOOST_TEST(!u.cost_details.value().upstream_inference_cost.has_value());
  BOOST_TEST(u.cost_details->upstream_inference_prompt_cost.value() == 0.00000315);
  BOOST_TEST(u.cost_details->upstream_inference_completions_cost.value() == 0.0000066);
  BOOST_TEST(u.server_tools() == nullptr);
}

BOOST_AUTO_TEST_CASE(tool_call_image_and_pdf_typed_fields) {
  const chat_response tools = decode(tool_call_response);
  BOOST_TEST(!tools.system_fingerprint.has_value());
  const message& m = tools.choices.at(0).message;
  BOOST_TEST(!m.content.has_value());
  BOOST_TEST(tools.text() == "");
  BOOST_TEST_REQUIRE(m.tool_calls.size() == 1u);
  BOOST_TEST(m.tool_calls[0].id == "call_9bX2kLmN4pQ7");
  BOOST_TEST(m.tool_calls[0].type == "function");
  BOOST_TEST(m.tool_calls[0].function.name == "get_weather");
  BOOST_TEST(m.tool_calls[0].function.arguments == R"({"city":"San Francisco"})");
  BOOST_TEST(tools.usage->cost.value() == 0.0000195);

  const chat_response image = decode(image_response);
  BOOST_TEST(image.provider == "Google AI Studio");
  BOOST_TEST(image.choices.at(0).native_finish_reason.value() == "STOP");
  BOOST_TEST_REQUIRE(image.choices[0].message.images.size() == 1u);
  BOOST_TEST(image.choices[0].message.images[0].type == "image_url");
  BOOST_TEST(image.choices[0].message.images[0].image_url.url.starts_with("data:image/png;base64,"));
  BOOST_TEST(image.usage->completion_tokens_details->image_tokens.value() == 1290);

  const chat_response pdf = decode(pdf_response);
  BOOST_TEST(pdf.id.empty());
  BOOST_TEST(!pdf.usage.has_value());
  BOOST_TEST(pdf.text() == R"({"total": 1234.5})");
  const json::value& annotations = pdf.choices.at(0).message.annotations;
  BOOST_TEST(annotations.at(0).at("file").at("name").as_string() == "invoice.pdf");
}

BOOST_AUTO_TEST_CASE(assistant_message_goes_back_into_the_next_request_unchanged) {
  const chat_response pdf = decode(pdf_response);
  const json::value sent = json::value_from(pdf.choices.at(0).message);
  BOOST_TEST(same_json(sent, json::parse(pdf_response).at("choices").at(0).at("message")));
}

BOOST_AUTO_TEST_CASE(embedded_error_with_integer_code) {
  const chat_response r = decode(embedded_error);
  const chat_choice& c = r.choices.at(0);
  BOOST_TEST(c.finish_reason.value() == "error");
  BOOST_TEST(r.text() == "partial output...");
  const api_error& e = c.error.value();
  BOOST_TEST(std::get<std::int64_t>(e.code.value()) == 502);
  BOOST_TEST(e.status().value() == 502);
  BOOST_TEST(e.code_text() == "");
  BOOST_TEST(e.message == "Provider disconnected mid-stream");
  BOOST_TEST(e.type() == "provider_unavailable");
}

BOOST_AUTO_TEST_CASE(embedded_error_with_string_code) {
  constexpr std::string_view text = R"json({"choices": [{"index": 0, "message": {"role": "assistant", "content": ""},
    "finish_reason": "error", "error": {"code": "server_error", "message": "boom"}}]})json";
  check_round_trip(text);
  const api_error e = decode(text).choices.at(0).error.value();
  BOOST_TEST(std::get<std::string>(e.code.value()) == "server_error");
  BOOST_TEST(e.code_text() == "server_error");
  BOOST_TEST(!e.status().has_value());
}

BOOST_AUTO_TEST_CASE(content_parts_in_a_response) {
  constexpr std::string_view text = R"json({"choices": [{"index": 0, "finish_reason": "stop",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "Hello "}, {"type": "output_thing", "blob": 1},
                                                   {"type": "text", "text": "world"}]}}]})json";
  check_round_trip(text);
  const chat_response r = decode(text);
  BOOST_TEST(r.text() == "Hello world");
  const auto& parts = std::get<std::vector<content_part>>(r.choices[0].message.content.value());
  BOOST_TEST(parts.at(1).type == "output_thing");
  BOOST_TEST(parts.at(1).extra.at("blob") == 1);
}

BOOST_AUTO_TEST_CASE(usage_accepts_both_server_tool_names) {
  constexpr std::string_view current = R"json({"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3,
    "server_tool_use_details": {"web_search_requests": 2, "tool_calls_requested": 3, "tool_calls_executed": 3}})json";
  constexpr std::string_view legacy = R"json({"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3,
    "server_tool_use": {"web_search_requests": 4}})json";
  chat_usage u;
  decode_error err;
  parse(current, u, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(u.server_tools()->web_search_requests.value() == 2);
  BOOST_TEST(u.server_tools()->tool_calls_executed.value() == 3);
  BOOST_TEST(same_json(json::value_from(u), json::parse(current)));

  parse(legacy, u, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(!u.server_tool_use_details.has_value());
  BOOST_TEST(u.server_tools()->web_search_requests.value() == 4);
  BOOST_TEST(same_json(json::value_from(u), json::parse(legacy)));  // legacy name kept
}

BOOST_AUTO_TEST_CASE(unknown_fields_survive_at_every_level) {
  constexpr std::string_view text = R"json({"id": "g", "choices": [{"index": 0, "message": {"role": "assistant", "content": "x",
    "new_msg_field": [1]}, "new_choice_field": true}], "usage": {"prompt_tokens": 1, "completion_tokens": 1,
    "total_tokens": 2, "new_usage_field": "u", "prompt_tokens_details": {"new_detail": 5}},
    "openrouter_metadata": {"pipeline": []}, "brand_new": {"a": null}})json";
  check_round_trip(text);
  const chat_response r = decode(text);
  BOOST_TEST(r.extra.at("brand_new").at("a").is_null());
  BOOST_TEST(r.choices[0].extra.at("new_choice_field") == true);
  BOOST_TEST(r.choices[0].message.extra.at("new_msg_field").as_array().size() == 1u);
  BOOST_TEST(r.usage->extra.at("new_usage_field").as_string() == "u");
  BOOST_TEST(r.usage->prompt_tokens_details->extra.at("new_detail") == 5);
  BOOST_TEST(r.openrouter_metadata.at("pipeline").is_array());
}

BOOST_AUTO_TEST_CASE(numbers_accept_every_json_representation) {
  const chat_response r = decode(R"json({"created": 1754312345.0, "choices": [],
    "usage": {"prompt_tokens": 18446744073709551, "completion_tokens": 2, "total_tokens": 3, "cost": 1}})json");
  BOOST_TEST(r.created.value() == 1754312345);
  BOOST_TEST(r.usage->prompt_tokens == 18446744073709551);
  BOOST_TEST(r.usage->cost.value() == 1.0);
}

BOOST_AUTO_TEST_CASE(bad_types_are_errors_with_the_field) {
  const auto error_of = [](std::string_view text) {
    chat_response out;
    decode_error err;
    parse(text, out, err);
    return err;
  };
  decode_error err = error_of(R"({"choices": [{"index": 0, "message": {"tool_calls": [{"id": 7}]}}]})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_string));
  BOOST_TEST(err.field == "choices[0].message.tool_calls[0].id");

  err = error_of(R"({"choices": [], "usage": {"prompt_tokens": "many"}})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_integer));
  BOOST_TEST(err.field == "usage.prompt_tokens");

  err = error_of(R"({"choices": [], "usage": {"prompt_tokens": 18446744073709551615}})");
  BOOST_TEST(err.code == make_error_code(decode_errc::out_of_range));

  err = error_of(R"({"choices": [{"error": {"code": true}}]})");
  BOOST_TEST(err.code == make_error_code(decode_errc::unexpected_kind));
  BOOST_TEST(err.field == "choices[0].error.code");

  err = error_of(R"({"choices": [], "usage": {"is_byok": "no"}})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_bool));

  err = error_of("not json");
  BOOST_TEST(err.code == make_error_code(decode_errc::invalid_json));

  err = error_of(R"({"choices": "none"})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_array));
  BOOST_TEST(err.field == "choices");
}

BOOST_AUTO_TEST_CASE(decoding_replaces_previous_contents) {
  chat_response r = decode(plain_text);
  decode_error err;
  parse(R"({"choices": []})", r, err);
  BOOST_TEST(!err);
  BOOST_TEST(r.id.empty());
  BOOST_TEST(!r.usage.has_value());
  BOOST_TEST(r.text() == "");
}

BOOST_AUTO_TEST_SUITE_END()
