// chat_request: the §2.10 examples round-trip, builders produce the documented JSON, unset members
// are omitted, extras are merged, and bad input yields a decode_error naming the field.
#include <openrouter/wire/chat_request.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <boost/test/unit_test.hpp>

#include <string_view>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

chat_request decode(std::string_view text) {
  chat_request out;
  decode_error err;
  parse(text, out, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  return out;
}

void check_round_trip(std::string_view text) {
  const chat_request req = decode(text);
  BOOST_TEST(same_json(json::value_from(req), json::parse(text)), serialize(req));
}

constexpr std::string_view full_example = R"json({
  "model": "openai/gpt-4o-mini",
  "models": ["google/gemini-2.5-flash", "anthropic/claude-3.5-haiku"],
  "messages": [
    {"role": "system", "content": "You extract invoice data."},
    {"role": "user", "content": [
      {"type": "text", "text": "Extract the invoice totals as JSON."},
      {"type": "file", "file": {"filename": "invoice.pdf", "file_data": "data:application/pdf;base64,JVBERi0xLjQK..."}},
      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo...", "detail": "auto"}}
    ]}
  ],
  "plugins": [{"id": "file-parser", "pdf": {"engine": "cloudflare-ai"}}],
  "response_format": {"type": "json_schema", "json_schema": {"name": "invoice", "strict": true,
    "schema": {"type": "object", "properties": {"total": {"type": "number"}}, "required": ["total"], "additionalProperties": false}}},
  "provider": {
    "order": ["openai", "azure"], "allow_fallbacks": true, "require_parameters": true,
    "data_collection": "deny", "zdr": false, "ignore": ["deepinfra"], "quantizations": ["fp16", "bf16"],
    "sort": {"by": "throughput", "partition": "model"},
    "preferred_max_latency": {"p90": 3}, "max_price": {"prompt": 1, "completion": 2}
  },
  "temperature": 0,
  "max_completion_tokens": 1024,
  "stream": false,
  "user": "user-8f14e45f",
  "session_id": "conv-2291",
  "metadata": {"tenant": "acme"}
})json";

constexpr std::string_view tool_example = R"json({"model": "openai/gpt-4o-mini",
 "messages": [{"role": "user", "content": "Weather in San Francisco?"}],
 "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather by city",
   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": false}}}],
 "tool_choice": "auto", "parallel_tool_calls": false,
 "provider": {"require_parameters": true}})json";

constexpr std::string_view image_example = R"json({"model": "google/gemini-2.5-flash-image",
 "messages": [{"role": "user", "content": "A glass teacup on a plain background"}],
 "modalities": ["image", "text"],
 "image_config": {"aspect_ratio": "16:9", "image_size": "2K"}})json";

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_chat_request_test)

BOOST_AUTO_TEST_CASE(examples_round_trip) {
  check_round_trip(full_example);
  check_round_trip(tool_example);
  check_round_trip(image_example);
}

BOOST_AUTO_TEST_CASE(full_example_typed_fields) {
  const chat_request req = decode(full_example);
  BOOST_TEST(req.model.value() == "openai/gpt-4o-mini");
  BOOST_TEST(req.models.size() == 2u);
  BOOST_TEST(req.models[1] == "anthropic/claude-3.5-haiku");
  BOOST_TEST_REQUIRE(req.messages.size() == 2u);
  BOOST_TEST(req.messages[0].role == "system");
  BOOST_TEST(std::get<std::string>(req.messages[0].content.value()) == "You extract invoice data.");

  const auto& parts = std::get<std::vector<content_part>>(req.messages[1].content.value());
  BOOST_TEST_REQUIRE(parts.size() == 3u);
  BOOST_TEST(parts[0].type == "text");
  BOOST_TEST(parts[0].text.value() == "Extract the invoice totals as JSON.");
  BOOST_TEST(parts[1].file.value().filename.value() == "invoice.pdf");
  BOOST_TEST(parts[1].file->file_data->starts_with("data:application/pdf;base64,"));
  BOOST_TEST(!parts[1].file->file_id.has_value());
  BOOST_TEST(parts[2].image_url.value().detail.value() == "auto");
  BOOST_TEST(req.messages[1].text() == "Extract the invoice totals as JSON.");

  BOOST_TEST_REQUIRE(req.plugins.size() == 1u);
  BOOST_TEST(req.plugins[0].at("id").as_string() == "file-parser");

  const response_format& rf = req.response_format.value();
  BOOST_TEST(rf.type == "json_schema");
  BOOST_TEST(rf.json_schema.value().name == "invoice");
  BOOST_TEST(rf.json_schema->strict.value());
  BOOST_TEST(rf.json_schema->schema.at("required").as_array().size() == 1u);

  const provider_preferences& p = req.provider.value();
  BOOST_TEST((p.order == std::vector<std::string>{"openai", "azure"}));
  BOOST_TEST(p.allow_fallbacks.value());
  BOOST_TEST(p.require_parameters.value());
  BOOST_TEST(p.data_collection.value() == "deny");
  BOOST_TEST(!p.zdr.value());
  BOOST_TEST((p.ignore == std::vector<std::string>{"deepinfra"}));
  BOOST_TEST(p.quantizations.size() == 2u);
  const auto& sort = std::get<sort_config>(p.sort.value());
  BOOST_TEST(sort.by.value() == "throughput");
  BOOST_TEST(sort.partition.value() == "model");
  const auto& latency = std::get<percentiles>(p.preferred_max_latency.value());
  BOOST_TEST(latency.p90.value() == 3.0);
  BOOST_TEST(!latency.p50.has_value());
  BOOST_TEST(p.max_price.value().prompt.value() == 1.0);
  BOOST_TEST(p.max_price->completion.value() == 2.0);
  BOOST_TEST(!p.max_price->request.has_value());

  BOOST_TEST(req.temperature.value() == 0.0);
  BOOST_TEST(req.max_completion_tokens.value() == 1024);
  BOOST_TEST(!req.stream.value());
  BOOST_TEST(req.user.value() == "user-8f14e45f");
  BOOST_TEST(req.session_id.value() == "conv-2291");
  BOOST_TEST(req.metadata.at("tenant") == "acme");
  BOOST_TEST(req.extra.empty());
}

BOOST_AUTO_TEST_CASE(tool_and_image_examples_typed_fields) {
  const chat_request tools = decode(tool_example);
  BOOST_TEST_REQUIRE(tools.tools.size() == 1u);
  BOOST_TEST(tools.tools[0].type == "function");
  BOOST_TEST(tools.tools[0].function.value().name == "get_weather");
  BOOST_TEST(tools.tools[0].function->description.value() == "Current weather by city");
  BOOST_TEST(tools.tools[0].function->parameters.at("type").as_string() == "object");
  BOOST_TEST(tools.tool_choice.as_string() == "auto");
  BOOST_TEST(!tools.parallel_tool_calls.value());
  BOOST_TEST(tools.provider.value().require_parameters.value());

  const chat_request image = decode(image_example);
  BOOST_TEST((image.modalities == std::vector<std::string>{"image", "text"}));
  BOOST_TEST(image.image_config.at("aspect_ratio").as_string() == "16:9");
}

BOOST_AUTO_TEST_CASE(builders_produce_the_documented_json) {
  chat_request req{
      .model = "openai/gpt-4o-mini",
      .messages = {message::system("You extract invoice data."),
                   message::user({text_part("Extract the invoice totals as JSON."),
                                  file_part("invoice.pdf", "data:application/pdf;base64,JVBERi0xLjQK..."),
                                  image_part("data:image/png;base64,iVBORw0KGgo...", "auto")})},
      .models = {"google/gemini-2.5-flash", "anthropic/claude-3.5-haiku"},
      .provider = provider_preferences{
          .order = {"openai", "azure"},
          .allow_fallbacks = true,
          .require_parameters = true,
          .data_collection = "deny",
          .zdr = false,
          .ignore = {"deepinfra"},
          .quantizations = {"fp16", "bf16"},
          .sort = sort_config{.by = "throughput", .partition = "model"},
          .preferred_max_latency = percentiles{.p90 = 3},
          .max_price = max_price{.prompt = 1, .completion = 2}},
      .stream = false,
      .temperature = 0,
      .max_completion_tokens = 1024,
      .response_format = json_schema_format(
          "invoice", json::parse(R"({"type": "object", "properties": {"total": {"type": "number"}},
                                     "required": ["total"], "additionalProperties": false})")),
      .plugins = {file_parser_plugin("cloudflare-ai")},
      .user = "user-8f14e45f",
      .session_id = "conv-2291",
      .metadata = {{"tenant", "acme"}},
  };
  BOOST_TEST(same_json(json::value_from(req), json::parse(full_example)), serialize(req));

  chat_request tools{
      .model = "openai/gpt-4o-mini",
      .messages = {message::user("Weather in San Francisco?")},
      .provider = provider_preferences{.require_parameters = true},
      .tools = {function_tool("get_weather", "Current weather by city",
                              json::parse(R"({"type": "object", "properties": {"city": {"type": "string"}},
                                              "required": ["city"], "additionalProperties": false})"))},
      .tool_choice = "auto",
      .parallel_tool_calls = false,
  };
  BOOST_TEST(same_json(json::value_from(tools), json::parse(tool_example)), serialize(tools));
}

BOOST_AUTO_TEST_CASE(unset_members_are_omitted_not_null) {
  chat_request req{.messages = {message::user("hi")}};
  BOOST_TEST(serialize(req) == R"({"messages":[{"role":"user","content":"hi"}]})");

  // messages is required: written even when empty
  BOOST_TEST(serialize(chat_request{}) == R"({"messages":[]})");

  // a tool-call turn: content absent, not null; arguments always present
  message assistant{.role = "assistant",
                    .tool_calls = {tool_call{.id = "call_1", .function = {.name = "f", .arguments = ""}}}};
  BOOST_TEST(serialize(assistant) ==
             R"({"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]})");
}

BOOST_AUTO_TEST_CASE(message_factories) {
  BOOST_TEST(serialize(message::developer("d")) == R"({"role":"developer","content":"d"})");
  BOOST_TEST(serialize(message::assistant("a")) == R"({"role":"assistant","content":"a"})");
  BOOST_TEST(serialize(message::tool("call_9", R"({"temp":21})")) ==
             R"({"role":"tool","content":"{\"temp\":21}","tool_call_id":"call_9"})");
  BOOST_TEST(serialize(message::user({audio_part("SGVsbG8=", "wav"), video_part("https://v/x.mp4")})) ==
             R"({"role":"user","content":[{"type":"input_audio","input_audio":{"data":"SGVsbG8=","format":"wav"}},)"
             R"({"type":"video_url","video_url":{"url":"https://v/x.mp4"}}]})");
  content_part cached = text_part("long prompt");
  cached.cache_control = cache_control{.ttl = "1h"};
  BOOST_TEST(serialize(cached) ==
             R"({"type":"text","text":"long prompt","cache_control":{"type":"ephemeral","ttl":"1h"}})");
}

BOOST_AUTO_TEST_CASE(tool_choice_formats_and_plugins) {
  BOOST_TEST(json::serialize(named_tool_choice("get_weather")) ==
             R"({"type":"function","function":{"name":"get_weather"}})");
  BOOST_TEST(serialize(text_format()) == R"({"type":"text"})");
  BOOST_TEST(serialize(json_object_format()) == R"({"type":"json_object"})");
  BOOST_TEST(json::serialize(file_parser_plugin()) == R"({"id":"file-parser"})");
  BOOST_TEST(json::serialize(web_plugin(3, "exa")) == R"({"id":"web","engine":"exa","max_results":3})");
  BOOST_TEST(json::serialize(response_healing_plugin()) == R"({"id":"response-healing"})");
  BOOST_TEST(json::serialize(context_compression_plugin()) ==
             R"({"id":"context-compression","engine":"middle-out"})");
  BOOST_TEST(json::value_from(context_compression_plugin(false)).at("enabled") == false);
  BOOST_TEST(serialize(server_tool("openrouter:web_search", {{"max_results", 3}})) ==
             R"({"type":"openrouter:web_search","max_results":3})");
}

BOOST_AUTO_TEST_CASE(sampling_reasoning_and_stop) {
  chat_request req{.messages = {message::user("x")},
                   .top_p = 0.5,
                   .top_k = 40,
                   .seed = 7,
                   .stop = std::vector<std::string>{"\n", "END"},
                   .logit_bias = {{"50256", -100}},
                   .reasoning = reasoning_config{.effort = "high", .exclude = true},
                   .reasoning_effort = "high"};
  const json::value v = json::value_from(req);
  BOOST_TEST(v.at("top_p").as_double() == 0.5);
  BOOST_TEST(v.at("top_k").as_int64() == 40);
  BOOST_TEST(v.at("seed").as_int64() == 7);
  BOOST_TEST(v.at("stop").as_array().size() == 2u);
  BOOST_TEST(v.at("logit_bias").at("50256").as_int64() == -100);  // integral doubles are integers
  BOOST_TEST(v.at("reasoning") == json::parse(R"({"effort":"high","exclude":true})"));
  BOOST_TEST(v.at("reasoning_effort").as_string() == "high");

  const chat_request single = decode(R"({"messages":[],"stop":"END"})");
  BOOST_TEST(std::get<std::string>(single.stop.value()) == "END");
}

BOOST_AUTO_TEST_CASE(extra_is_merged_and_typed_members_win) {
  chat_request req{.model = "a/b", .messages = {message::user("x")}};
  req.extra["safe_prompt"] = true;         // provider-specific pass-through
  req.extra["model"] = "ignored/because-typed";
  const json::value v = json::value_from(req);
  BOOST_TEST(v.at("safe_prompt") == true);
  BOOST_TEST(v.at("model").as_string() == "a/b");

  // an unset typed member does not shadow an extra of the same name
  chat_request raw{.messages = {message::user("x")}};
  raw.extra["temperature"] = 0.3;
  BOOST_TEST(json::value_from(raw).at("temperature").as_double() == 0.3);
}

BOOST_AUTO_TEST_CASE(unknown_and_legacy_fields_survive) {
  constexpr std::string_view text = R"json({"model": "m", "messages": [{"role": "user", "content": "hi", "x_future": 1}],
    "transforms": ["middle-out"], "usage": {"include": true}, "route": "fallback", "stream_options": {"include_usage": true},
    "some_future_field": {"nested": [1, 2.5, "x"]},
    "provider": {"only": ["a"], "new_knob": 1, "sort": "price", "preferred_min_throughput": 50,
                 "max_price": {"prompt": "0.5", "request": 0.01}}})json";
  const chat_request req = decode(text);
  BOOST_TEST((req.transforms == std::vector<std::string>{"middle-out"}));
  BOOST_TEST(req.usage.at("include") == true);
  BOOST_TEST(req.route.value() == "fallback");
  BOOST_TEST(req.extra.at("some_future_field").at("nested").as_array().size() == 3u);
  BOOST_TEST(req.messages[0].extra.at("x_future") == 1);
  BOOST_TEST(req.provider->extra.at("new_knob") == 1);
  BOOST_TEST(std::get<std::string>(req.provider->sort.value()) == "price");
  BOOST_TEST(std::get<double>(req.provider->preferred_min_throughput.value()) == 50.0);
  // the spec's string prices are accepted and sent back as numbers
  BOOST_TEST(req.provider->max_price->prompt.value() == 0.5);
  BOOST_TEST(json::value_from(req).at("provider").at("max_price").at("prompt").as_double() == 0.5);

  json::value expected = json::parse(text);
  expected.at("provider").at("max_price").at("prompt") = 0.5;
  BOOST_TEST(same_json(json::value_from(req), expected), serialize(req));
}

BOOST_AUTO_TEST_CASE(explicit_nulls_are_kept_verbatim) {
  // null is not "unset": it was sent, so re-serialization reproduces it
  check_round_trip(R"({"messages":[{"role":"assistant","content":null,"tool_calls":[]}],"temperature":null,"tools":[]})");
  const chat_request req = decode(R"({"messages":[],"temperature":null})");
  BOOST_TEST(!req.temperature.has_value());
}

BOOST_AUTO_TEST_CASE(bad_types_are_errors_with_the_field) {
  const auto error_of = [](std::string_view text) {
    chat_request out;
    decode_error err;
    parse(text, out, err);
    return err;
  };
  decode_error err = error_of(R"({"messages":[{"role":"user","content":42}]})");
  BOOST_TEST(err.code == make_error_code(decode_errc::unexpected_kind));
  BOOST_TEST(err.field == "messages[0].content");
  BOOST_TEST(err.message() == "unexpected JSON kind for this field at messages[0].content");

  err = error_of(R"({"messages":[],"temperature":"hot"})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_number));
  BOOST_TEST(err.field == "temperature");

  err = error_of(R"({"messages":[],"max_tokens":1.5})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_integer));
  BOOST_TEST(err.field == "max_tokens");

  err = error_of(R"({"messages":[],"provider":{"max_price":{"prompt":"cheap"}}})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_number));
  BOOST_TEST(err.field == "provider.max_price.prompt");

  err = error_of(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":"x"}]}]})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_object));
  BOOST_TEST(err.field == "messages[0].content[0].image_url");

  err = error_of(R"({"messages":{}})");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_array));
  BOOST_TEST(err.field == "messages");

  err = error_of(R"([1,2])");
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_object));
  BOOST_TEST(err.field.empty());

  err = error_of(R"({"messages": [)");
  BOOST_TEST(err.code == make_error_code(decode_errc::invalid_json));
}

BOOST_AUTO_TEST_CASE(boost_json_conversions) {
  const json::value v = json::parse(tool_example);
  const chat_request req = json::value_to<chat_request>(v);
  BOOST_TEST(req.tools.size() == 1u);
  BOOST_TEST(same_json(json::value_from(req), v));

  const auto bad = json::try_value_to<chat_request>(json::parse(R"({"messages":"hi"})"));
  BOOST_TEST(bad.has_error());
  BOOST_TEST(bad.error() == make_error_code(decode_errc::expected_array));
  BOOST_CHECK_THROW(json::value_to<chat_request>(json::value(3)), boost::system::system_error);

  decode_error err;
  chat_request out;
  from_json(v, out, err);
  BOOST_TEST(!err);
  BOOST_TEST(out.model.value() == "openai/gpt-4o-mini");
}

BOOST_AUTO_TEST_SUITE_END()
