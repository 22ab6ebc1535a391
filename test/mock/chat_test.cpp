// openrouter-mock chat completions: wire format, streaming transcript, tools, images, PDFs,
// structured output, fallback and provider preferences.
#include "support/fixtures.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace test;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(chat_test)

BOOST_AUTO_TEST_CASE(non_streaming_shape) {
  mock_fixture f;
  auto body = chat_body("openai/gpt-4o-mini");
  body["max_tokens"] = 7;
  auto r = f.chat(body);
  BOOST_TEST(r.status == 200);
  auto v = r.json();
  BOOST_TEST(v.at("object").as_string() == "chat.completion");
  BOOST_TEST(v.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(v.at("provider").is_string());
  BOOST_TEST(v.at("id").as_string().starts_with("gen-"));
  const auto& choice = v.at("choices").as_array().at(0);
  BOOST_TEST(choice.at("finish_reason").as_string() == "stop");
  BOOST_TEST(choice.at("message").at("role").as_string() == "assistant");
  std::string text(choice.at("message").at("content").as_string());
  BOOST_TEST(std::count(text.begin(), text.end(), ' ') == 6);  // 7 tokens
  const auto& usage = v.at("usage");
  BOOST_TEST(usage.at("completion_tokens").as_int64() == 7);
  BOOST_TEST(usage.at("total_tokens").as_int64() ==
             usage.at("prompt_tokens").as_int64() + usage.at("completion_tokens").as_int64());
  BOOST_TEST(usage.at("cost").as_double() > 0);
}

BOOST_AUTO_TEST_CASE(deterministic_and_echo) {
  mock_fixture f;
  auto a = f.chat(chat_body("openai/gpt-4o-mini", "same prompt")).json();
  auto b = f.chat(chat_body("openai/gpt-4o-mini", "same prompt")).json();
  BOOST_TEST(a.at("choices").at(0).at("message").at("content") == b.at("choices").at(0).at("message").at("content"));
  auto e = f.chat(chat_body("openai/gpt-4o-mini", "echo: Hello there, friend")).json();
  BOOST_TEST(e.at("choices").at(0).at("message").at("content").as_string() == "Hello there, friend");
}

BOOST_AUTO_TEST_CASE(chat_requests_counts_every_chat_request_read) {
  // server_stats::chat_requests is what the chaos test compares with the attempts a client
  // reports: every POST /chat/completions read whole counts (answered, failed by a fault, or
  // refused), and nothing else does.
  mock_fixture f;
  BOOST_TEST(f.server.get().stats().chat_requests == 0u);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini", "streamed", true)).status == 200);
  BOOST_TEST(f.chat(chat_body("fault/503")).status == 503);
  BOOST_TEST(f.client.get(api("/models")).status == 200);
  BOOST_TEST(f.client.get(api("/chat/completions")).status == 405);
  auto s = f.server.get().stats();
  BOOST_TEST(s.chat_requests == 3u);
  BOOST_TEST(s.requests == 5u);
}

BOOST_AUTO_TEST_CASE(chat_log_keeps_the_last_requests_with_arrival_model_and_status) {
  // server::chat_log() is what the fleet tests hold a fleet's pacing against: off by default,
  // else the last chat_log_size chat requests, oldest first.
  {
    mock_fixture off;
    BOOST_TEST(off.chat(chat_body("openai/gpt-4o-mini")).status == 200);
    BOOST_TEST(off.server->chat_log().empty());
  }
  openrouter::mock::server_options o;
  o.chat_log_size = 3;
  mock_fixture f(o);
  const auto before = std::chrono::steady_clock::now();
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini", "streamed", true)).status == 200);
  BOOST_TEST(f.chat(chat_body("fault/429;retry_after=1")).status == 429);
  auto by_models = chat_body("x");
  by_models.erase("model");
  by_models["models"] = json::array{"anthropic/claude-3.5-haiku", "openai/gpt-4o-mini"};
  BOOST_TEST(f.chat(by_models).status == 200);
  BOOST_TEST(f.client.request("POST", api("/chat/completions"), "not json").status == 400);
  const auto after = std::chrono::steady_clock::now();
  const auto log = f.server->chat_log();
  BOOST_TEST_REQUIRE(log.size() == 3u);  // the first two are gone
  BOOST_TEST(log[0].model == "fault/429;retry_after=1");
  BOOST_TEST(log[0].status == 429u);
  BOOST_TEST(log[1].model == "anthropic/claude-3.5-haiku");  // the first of `models`
  BOOST_TEST(log[1].status == 200u);
  BOOST_TEST(log[2].model == "");
  BOOST_TEST(log[2].status == 400u);
  for (std::size_t i = 0; i < log.size(); ++i) {
    BOOST_TEST((log[i].received >= before && log[i].received <= after));
    if (i) BOOST_TEST((log[i].received >= log[i - 1].received));
  }
}

BOOST_AUTO_TEST_CASE(stream_wire_format) {
  mock_fixture f;
  auto r = f.chat(chat_body("openai/gpt-4o-mini", "echo: Hello there! How can I help?", true));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(!r.error.failed());
  BOOST_TEST(r.header("content-type") == "text/event-stream");
  BOOST_TEST(r.header("transfer-encoding") == "chunked");
  std::string id = r.header("x-generation-id");
  BOOST_TEST(id.starts_with("gen-"));
  auto events = split_sse(r.body);
  BOOST_REQUIRE(events.size() > 4u);
  BOOST_TEST(events[0].comment);
  BOOST_TEST(events[0].data == " OPENROUTER PROCESSING");
  auto data = sse_data(r.body);
  BOOST_TEST(data.back() == "[DONE]");
  auto first = json::parse(data.front());
  BOOST_TEST(first.at("choices").at(0).at("delta").at("role").as_string() == "assistant");
  BOOST_TEST(first.at("id").as_string() == id);
  BOOST_TEST(first.at("object").as_string() == "chat.completion.chunk");
  auto usage_chunk = json::parse(data[data.size() - 2]);
  BOOST_TEST(usage_chunk.at("choices").as_array().empty());
  BOOST_TEST(usage_chunk.at("usage").at("cost").is_double());
  auto finish = json::parse(data[data.size() - 3]);
  BOOST_TEST(finish.at("choices").at(0).at("finish_reason").as_string() == "stop");
  BOOST_TEST(streamed_text(r.body) == "Hello there! How can I help?");
  auto rec = f.server->generation(id);
  BOOST_REQUIRE(rec);
  BOOST_TEST(rec->streamed);
}

BOOST_AUTO_TEST_CASE(stream_equals_non_stream) {
  mock_fixture f;
  auto plain = f.chat(chat_body("anthropic/claude-3.5-haiku", "compare me")).json();
  auto streamed = f.chat(chat_body("anthropic/claude-3.5-haiku", "compare me", true));
  BOOST_TEST(streamed_text(streamed.body) == plain.at("choices").at(0).at("message").at("content").as_string());
}

BOOST_AUTO_TEST_CASE(comments_between_chunks) {
  mock_fixture f;
  auto body = chat_body("openai/gpt-4o-mini", "long", true);
  body["max_tokens"] = 40;
  auto events = split_sse(f.chat(body).body);
  // A comment after the first data event, i.e. between chunks.
  bool seen_data = false, between = false;
  for (const auto& e : events) {
    if (!e.comment) seen_data = true;
    else if (seen_data) between = true;
  }
  BOOST_TEST(between);
}

json::object weather_tools() {
  auto schema = json::parse(R"({"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city"],"additionalProperties":false})");
  auto tool = [&](const char* name) {
    return json::object{{"type", "function"},
                        {"function", json::object{{"name", name}, {"description", "weather"}, {"parameters", schema}}}};
  };
  return json::object{{"tools", json::array{tool("get_weather"), tool("get_forecast")}}};
}

BOOST_AUTO_TEST_CASE(tool_calls_non_streaming_and_followup) {
  mock_fixture f;
  auto body = chat_body("openai/gpt-4o-mini", "Weather in Paris?");
  body["tools"] = weather_tools()["tools"];
  auto v = f.chat(body).json();
  const auto& choice = v.at("choices").at(0);
  BOOST_TEST(choice.at("finish_reason").as_string() == "tool_calls");
  BOOST_TEST(choice.at("message").at("content").is_null());
  const auto& calls = choice.at("message").at("tool_calls").as_array();
  BOOST_REQUIRE(calls.size() == 2u);  // parallel by default
  auto args = json::parse(calls[0].at("function").at("arguments").as_string());
  BOOST_TEST(args.at("city").is_string());
  BOOST_TEST(args.at("days").as_int64() >= 1);
  BOOST_TEST(args.at("days").as_int64() <= 7);
  // parallel_tool_calls: false gives one call.
  body["parallel_tool_calls"] = false;
  BOOST_TEST(f.chat(body).json().at("choices").at(0).at("message").at("tool_calls").as_array().size() == 1u);
  // After tool results, a final answer.
  auto msgs = body["messages"].as_array();
  msgs.push_back(choice.at("message"));
  msgs.push_back(json::object{{"role", "tool"}, {"tool_call_id", calls[0].at("id")}, {"content", "{\"temp\":21}"}});
  body["messages"] = msgs;
  auto final = f.chat(body).json();
  BOOST_TEST(final.at("choices").at(0).at("finish_reason").as_string() == "stop");
  // tool messages need tool_call_id
  msgs.back().as_object().erase("tool_call_id");
  body["messages"] = msgs;
  BOOST_TEST(f.chat(body).status == 400);
}

BOOST_AUTO_TEST_CASE(scripted_replies_by_turn_and_tool_results_answer_a_call) {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models":{"openai/gpt-4o-mini":{"replies":[
      {"tool_calls":[{"name":"get_weather","arguments":{"city":"Oslo"}},{"name":"get_weather","arguments":"{bad"}]},
      {"content":"{\"done\": true"}]}}})");
  mock_fixture f(o);
  auto body = chat_body("openai/gpt-4o-mini", "Weather?");
  auto first = f.chat(body).json().at("choices").at(0);
  BOOST_TEST(first.at("finish_reason").as_string() == "tool_calls");
  const auto& calls = first.at("message").at("tool_calls").as_array();
  BOOST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(calls[0].at("function").at("arguments").as_string() == R"({"city":"Oslo"})");
  BOOST_TEST(calls[1].at("function").at("arguments").as_string() == "{bad");  // as scripted, even broken
  BOOST_TEST(calls[0].at("id") != calls[1].at("id"));
  auto msgs = body["messages"].as_array();
  msgs.push_back(first.at("message"));
  msgs.push_back(json::object{{"role", "tool"}, {"tool_call_id", calls[1].at("id")}, {"content", "{}"}});
  body["messages"] = msgs;
  // Turn 1 (one assistant message so far): the second reply, streamed or not.
  BOOST_TEST(f.chat(body).json().at("choices").at(0).at("message").at("content").as_string() == R"({"done": true)");
  body["stream"] = true;
  std::string streamed;
  for (const auto& d : sse_data(f.chat(body).body))
    if (d != "[DONE]")
      if (auto c = json::parse(d).at("choices").as_array(); !c.empty())
        if (const auto* content = c[0].at("delta").as_object().if_contains("content"); content && content->is_string())
          streamed += content->as_string();
  BOOST_TEST(streamed == R"({"done": true)");
  // A tool result must answer a call of the latest assistant turn.
  msgs.back().as_object()["tool_call_id"] = "call_unknown";
  body["messages"] = msgs;
  body["stream"] = false;
  BOOST_TEST(f.chat(body).status == 400);
  // Invalid scripts are refused with their path.
  BOOST_CHECK_THROW(f.server->set_scenario(json::parse(R"({"defaults":{"replies":[{"content":"a","tool_calls":[{"name":"f"}]}]}})")),
                    std::runtime_error);
  BOOST_CHECK_THROW(f.server->set_scenario(json::parse(R"({"defaults":{"replies":[{"tool_calls":[{"arguments":{}}]}]}})")),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(tool_calls_streamed_fragmented_and_interleaved) {
  mock_fixture f;
  auto body = chat_body("openai/gpt-4o-mini", "Weather?", true);
  body["tools"] = weather_tools()["tools"];
  auto r = f.chat(body);
  std::map<std::int64_t, std::string> args;
  std::map<std::int64_t, int> fragments;
  std::vector<std::int64_t> order;
  std::string finish;
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") continue;
    auto v = json::parse(d);
    for (const auto& c : v.at("choices").as_array()) {
      if (c.at("finish_reason").is_string()) finish = c.at("finish_reason").as_string();
      const auto& delta = c.at("delta").as_object();
      if (!delta.contains("tool_calls")) continue;
      for (const auto& tc : delta.at("tool_calls").as_array()) {
        auto idx = tc.at("index").as_int64();
        order.push_back(idx);
        ++fragments[idx];
        args[idx] += tc.at("function").at("arguments").as_string();
      }
    }
  }
  BOOST_TEST(finish == "tool_calls");
  BOOST_REQUIRE(args.size() == 2u);
  BOOST_TEST(fragments[0] > 2);  // head + several argument fragments
  BOOST_TEST(json::parse(args[0]).at("city").is_string());
  BOOST_TEST(json::parse(args[1]).at("city").is_string());
  // Interleaved: index 1 appears before index 0's last fragment.
  auto last0 = std::find(order.rbegin(), order.rend(), 0);
  auto first1 = std::find(order.begin(), order.end(), 1);
  BOOST_TEST((std::distance(order.begin(), first1) < std::distance(last0, order.rend()) - 1));
}

BOOST_AUTO_TEST_CASE(image_output) {
  mock_fixture f;
  auto body = chat_body("google/gemini-2.5-flash-image", "A teacup");
  body["modalities"] = json::array{"image", "text"};
  body["image_config"] = json::object{{"aspect_ratio", "16:9"}, {"image_size", "2K"}};
  auto v = f.chat(body).json();
  const auto& images = v.at("choices").at(0).at("message").at("images").as_array();
  BOOST_REQUIRE(images.size() == 1u);
  std::string url(images[0].at("image_url").at("url").as_string());
  BOOST_TEST(url.starts_with("data:image/png;base64,iVBORw0KGgo"));
  // A text-only model cannot produce images: 404 like the real API.
  body["model"] = "mistralai/mistral-7b-instruct";
  BOOST_TEST(f.chat(body).status == 404);
  // Streamed: delta.images.
  body["model"] = "google/gemini-2.5-flash-image";
  body["stream"] = true;
  auto s = f.chat(body);
  BOOST_TEST(s.body.find("\"images\":[{\"type\":\"image_url\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(pdf_annotations_and_reuse) {
  mock_fixture f;
  json::object file_part{{"type", "file"},
                         {"file", json::object{{"filename", "invoice.pdf"}, {"file_data", "data:application/pdf;base64,JVBERi0xLjQK"}}}};
  json::object user{{"role", "user"}, {"content", json::array{json::object{{"type", "text"}, {"text", "Total?"}}, file_part}}};
  json::object body{{"model", "openai/gpt-4o-mini"},
                    {"messages", json::array{user}},
                    {"plugins", json::array{json::object{{"id", "file-parser"}, {"pdf", json::object{{"engine", "cloudflare-ai"}}}}}}};
  auto r = f.chat(body);
  BOOST_TEST(r.status == 200);
  auto msg = r.json().at("choices").at(0).at("message");
  const auto& ann = msg.at("annotations").as_array();
  BOOST_REQUIRE(ann.size() == 1u);
  BOOST_TEST(ann[0].at("type").as_string() == "file");
  BOOST_TEST(ann[0].at("file").at("name").as_string() == "invoice.pdf");
  BOOST_TEST(f.server->generation(std::string(r.json().at("id").as_string()))->file_parses == 1);
  // Follow-up turn carrying the annotations: no second parse.
  json::object assistant{{"role", "assistant"}, {"content", msg.at("content")}, {"annotations", ann}};
  body["messages"] = json::array{user, assistant, json::object{{"role", "user"}, {"content", "And the date?"}}};
  auto r2 = f.chat(body);
  BOOST_TEST(r2.status == 200);
  BOOST_TEST(f.server->generation(std::string(r2.json().at("id").as_string()))->file_parses == 0);
  // Unknown engine is rejected; the deprecated pdf-text is accepted.
  body["plugins"] = json::array{json::object{{"id", "file-parser"}, {"pdf", json::object{{"engine", "magic"}}}}};
  BOOST_TEST(f.chat(body).status == 400);
  body["plugins"] = json::array{json::object{{"id", "file-parser"}, {"pdf", json::object{{"engine", "pdf-text"}}}}};
  BOOST_TEST(f.chat(body).status == 200);
}

BOOST_AUTO_TEST_CASE(structured_outputs) {
  mock_fixture f;
  auto schema = json::parse(R"({"type":"object","properties":{"total":{"type":"number"},"currency":{"type":"string","enum":["EUR","USD"]},"items":{"type":"array","items":{"type":"string"},"minItems":1}},"required":["total","currency","items"],"additionalProperties":false})");
  auto body = chat_body("openai/gpt-4o-mini", "Extract");
  body["response_format"] = json::object{{"type", "json_schema"}, {"json_schema", json::object{{"name", "invoice"}, {"strict", true}, {"schema", schema}}}};
  auto content = f.chat(body).json().at("choices").at(0).at("message").at("content").as_string();
  auto out = json::parse(content);
  BOOST_TEST(out.at("total").is_number());
  BOOST_TEST((out.at("currency") == "EUR" || out.at("currency") == "USD"));
  BOOST_TEST(out.at("items").as_array().size() >= 1u);
  body["response_format"] = json::object{{"type", "json_object"}};
  BOOST_TEST(json::parse(f.chat(body).json().at("choices").at(0).at("message").at("content").as_string()).is_object());
  body["response_format"] = json::object{{"type", "json_schema"}};
  BOOST_TEST(f.chat(body).status == 400);
}

BOOST_AUTO_TEST_CASE(models_fallback_reports_served_model) {
  mock_fixture f;
  json::object body = chat_body("fault/503");
  body["models"] = json::array{"no-such/model", "anthropic/claude-3.5-haiku"};
  auto r = f.chat(body);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.json().at("model").as_string() == "anthropic/claude-3.5-haiku");
  // Every candidate fails: the last error is returned.
  body["models"] = json::array{"no-such/model"};
  auto e = f.chat(body);
  BOOST_TEST(e.status == 400);
  BOOST_TEST(e.json().at("error").at("availability").at("code").as_string() == "model_not_found");
}

BOOST_AUTO_TEST_CASE(provider_preferences) {
  mock_fixture f;
  auto body = chat_body("meta-llama/llama-3.3-70b-instruct");
  body["provider"] = json::object{{"order", json::array{"together"}}};
  BOOST_TEST(f.chat(body).json().at("provider").as_string() == "Together");
  body["provider"] = json::object{{"only", json::array{"nobody"}}};
  auto r = f.chat(body);
  BOOST_TEST(r.status == 404);
  BOOST_TEST(r.json().at("error").at("availability").at("code").as_string() == "constraint_filtered");
  body["provider"] = json::object{{"quantizations", json::array{"fp8"}}};
  BOOST_TEST(f.chat(body).status == 200);
  body["provider"] = json::object{{"bogus", 1}};
  BOOST_TEST(f.chat(body).status == 400);  // additionalProperties: false
  body["provider"] = json::object{{"max_price", json::object{{"prompt", 0}, {"completion", 0}}}};
  BOOST_TEST(f.chat(body).status == 404);
  // require_parameters drops models lacking tools.
  auto t = chat_body("mistralai/mistral-7b-instruct");
  t["tools"] = weather_tools()["tools"];
  t["provider"] = json::object{{"require_parameters", true}};
  BOOST_TEST(f.chat(t).status == 404);
}

BOOST_AUTO_TEST_CASE(auto_router_reports_the_served_model) {
  mock_fixture f;
  auto v = f.chat(chat_body("openrouter/auto")).json();
  BOOST_TEST(v.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(v.at("usage").at("cost").as_double() > 0);
}

BOOST_AUTO_TEST_CASE(validation_errors) {
  mock_fixture f;
  auto r = f.client.request("POST", api("/chat/completions"), "{not json");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.json().at("error").at("metadata").at("error_type").as_string() == "invalid_request");
  BOOST_TEST(f.chat(json::object{{"model", "openai/gpt-4o-mini"}, {"messages", json::array{}}}).status == 400);
  BOOST_TEST(f.chat(json::object{{"model", "openai/gpt-4o-mini"}}).status == 400);
  auto b = chat_body("openai/gpt-4o-mini");
  b["max_tokens"] = 0;
  BOOST_TEST(f.chat(b).status == 400);
  b = chat_body("openai/gpt-4o-mini");
  b["temperature"] = 3;
  BOOST_TEST(f.chat(b).status == 400);
  // Legacy fields are accepted.
  b = chat_body("openai/gpt-4o-mini");
  b["transforms"] = json::array{"middle-out"};
  b["usage"] = json::object{{"include", true}};
  b["stream_options"] = json::object{{"include_usage", true}};
  b["route"] = "fallback";
  BOOST_TEST(f.chat(b, {{"X-Title", "legacy"}}).status == 200);
}

BOOST_AUTO_TEST_CASE(reasoning_when_asked) {
  mock_fixture f;
  auto b = chat_body("anthropic/claude-sonnet-4.5");
  b["reasoning"] = json::object{{"effort", "high"}};
  auto v = f.chat(b).json();
  BOOST_TEST(v.at("choices").at(0).at("message").at("reasoning").is_string());
  BOOST_TEST(v.at("usage").at("completion_tokens_details").at("reasoning_tokens").as_int64() > 0);
  b["reasoning_effort"] = "low";
  BOOST_TEST(f.chat(b).status == 400);  // disagreeing effort values
}

BOOST_AUTO_TEST_CASE(context_length_exceeded) {
  mock_fixture f;
  auto b = chat_body("openai/gpt-4o-mini", std::string(4 * 1024 * 1024, 'a'));
  auto r = f.chat(b);
  BOOST_TEST(r.status == 400);
  BOOST_TEST(r.json().at("error").at("metadata").at("error_type").as_string() == "context_length_exceeded");
}

BOOST_AUTO_TEST_SUITE_END()
