// Structured outputs over the mock: the response format chosen from the catalog, the typed
// errors of unusable answers (empty, not JSON, schema violation) with their paths, the bounded
// repair retry, and the same flow through a router.
#include "support/client_fixture.hpp"

#include <openrouter/router.hpp>
#include <openrouter/structured.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using openrouter::errc;

namespace {

json::value person_schema() {
  return json::parse(R"({"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},
                         "required":["name","age"],"additionalProperties":false})");
}

openrouter::structured_spec person_spec(int repairs = 0) {
  openrouter::structured_spec s;
  s.name = "person";
  s.schema = person_schema();
  s.max_repairs = repairs;
  return s;
}

// A mock whose `model` answers with these contents, turn by turn.
openrouter::mock::server_options scripted(const std::string& model, std::vector<std::string> contents) {
  json::array replies;
  for (auto& c : contents) replies.push_back(json::object{{"content", c}});
  openrouter::mock::server_options o;
  o.scenario = json::object{{"models", json::object{{model, json::object{{"replies", replies}}}}}};
  return o;
}

std::vector<openrouter::mock::generation_record> requests_for(test::client_fixture& f, const std::string& model) {
  std::vector<openrouter::mock::generation_record> out;
  for (auto& g : f.server->generations())
    if (g.requested_model == model) out.push_back(std::move(g));
  return out;
}

std::tuple<boost::system::error_code, openrouter::structured_result> run(test::client_fixture& f,
                                                                        openrouter::chat_target t,
                                                                        openrouter::wire::chat_request req,
                                                                        openrouter::structured_spec spec) {
  return f.run<openrouter::structured_result>([&](auto h) {
    openrouter::async_structured_chat(t, std::move(req), std::move(spec), f.diag, std::move(h));
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(structured_output_test)

BOOST_AUTO_TEST_CASE(check_json_output_types_each_failure_with_its_path) {
  auto v = openrouter::schema::compile(person_schema()).value();
  json::value out;
  openrouter::output_problem p;
  BOOST_TEST(openrouter::check_json_output("  \n", &v, out, p) == errc::no_content);
  BOOST_TEST(p.path == "$");
  BOOST_TEST(openrouter::check_json_output(R"({"name": "Ada", )", &v, out, p) == errc::invalid_json_output);
  BOOST_TEST(p.message.find("not JSON") == 0u);
  BOOST_TEST(openrouter::check_json_output(R"({"name":"Ada","age":3} trailing)", &v, out, p) == errc::invalid_json_output);
  BOOST_TEST(p.message.find("trailing") != std::string::npos);
  BOOST_TEST(openrouter::check_json_output(R"({"name":"Ada","age":-1})", &v, out, p) == errc::schema_violation);
  BOOST_TEST(p.path == "$.age");
  BOOST_TEST(p.describe().find("$.age: ") == 0u);
  BOOST_TEST(out.is_null());
  // A fenced answer (JSON mode habits) is accepted; the value is the document.
  BOOST_TEST(!openrouter::check_json_output("```json\n{\"name\":\"Ada\",\"age\":36}\n```", &v, out, p));
  BOOST_TEST(out.at("age").as_int64() == 36);
  // The error codes are their own, not transport or API errors.
  BOOST_TEST(!openrouter::is_retryable(make_error_code(errc::schema_violation), {}));
}

BOOST_AUTO_TEST_CASE(json_schema_when_the_catalog_says_structured_outputs_else_json_object) {
  test::client_fixture f;
  for (std::string model : {"openai/gpt-4o-mini", "deepseek/deepseek-chat-v3-0324"}) {
    BOOST_TEST_CONTEXT(model) {
      auto [ec, r] = run(f, &f.cli, test::chat_request(model, "Extract: Ada, 36"), person_spec());
      BOOST_TEST(!ec, f.diag.summary(ec));
      const bool schema = model == "openai/gpt-4o-mini";
      BOOST_TEST(r.format == (schema ? "json_schema" : "json_object"));
      BOOST_TEST(r.value.at("name").is_string());  // the mock answered per schema or JSON mode...
      auto sent = requests_for(f, model);
      BOOST_REQUIRE(sent.size() == 1u);
      const json::object& body = sent[0].request.as_object();
      BOOST_TEST(body.at("response_format").at("type").as_string() == (schema ? "json_schema" : "json_object"));
      BOOST_TEST(body.at("provider").at("require_parameters").as_bool());
      if (schema) {
        BOOST_TEST(body.at("response_format").at("json_schema").at("name").as_string() == "person");
        BOOST_TEST(body.at("response_format").at("json_schema").at("schema") == person_schema());
      } else {  // JSON mode: the schema travels in a system message
        const auto& first = body.at("messages").as_array().at(0).as_object();
        BOOST_TEST(first.at("role").as_string() == "system");
        BOOST_TEST(std::string(first.at("content").as_string()).find("\"additionalProperties\":false") !=
                   std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(unusable_answers_are_typed_errors_with_paths) {
  struct row {
    std::string content;
    errc expected;
    std::string path;
  };
  for (const row& c : {row{"", errc::no_content, "$"}, row{R"({"name": "Ada", "age": )", errc::invalid_json_output, "$"},
                       row{R"({"name":"Ada","age":"old"})", errc::schema_violation, "$.age"},
                       row{R"({"name":"Ada"})", errc::schema_violation, "$"}}) {
    BOOST_TEST_CONTEXT(c.content) {
      test::client_fixture f(scripted("openai/gpt-4o-mini", {c.content}));
      auto [ec, r] = run(f, &f.cli, test::chat_request(), person_spec());
      BOOST_TEST(ec == c.expected);
      BOOST_TEST(r.problem.path == c.path);
      BOOST_TEST(f.diag.detail == r.problem.describe());
      BOOST_TEST(f.diag.http_status == 200u);  // the request itself succeeded
      BOOST_TEST(r.response.text() == c.content);
      BOOST_TEST(r.value.is_null());
    }
  }
}

BOOST_AUTO_TEST_CASE(repair_retry_is_bounded) {
  test::client_fixture f(scripted("openai/gpt-4o-mini", {R"({"name":"Ada","age":"old"})"}));
  auto [ec, r] = run(f, &f.cli, test::chat_request(), person_spec(2));
  BOOST_TEST(ec == errc::schema_violation);
  BOOST_TEST(r.repairs == 2);
  BOOST_TEST(requests_for(f, "openai/gpt-4o-mini").size() == 3u);  // the first answer + 2 repairs
}

BOOST_AUTO_TEST_CASE(repair_retry_succeeds_when_the_next_answer_is_valid) {
  test::client_fixture f(scripted("openai/gpt-4o-mini", {R"({"name":"Ada","age":"old"})", R"({"name":"Ada","age":36})"}));
  auto [ec, r] = run(f, &f.cli, test::chat_request(), person_spec(3));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(r.repairs == 1);
  BOOST_TEST(r.value == json::parse(R"({"name":"Ada","age":36})"));
  BOOST_TEST(r.problem.path.empty());
  auto sent = requests_for(f, "openai/gpt-4o-mini");
  BOOST_REQUIRE(sent.size() == 2u);
  // The repair turn shows the model its answer and what is wrong with it.
  const json::array& msgs = sent[1].request.at("messages").as_array();
  BOOST_REQUIRE(msgs.size() == 3u);
  BOOST_TEST(msgs[1].at("role").as_string() == "assistant");
  BOOST_TEST(msgs[1].at("content").as_string() == R"({"name":"Ada","age":"old"})");
  BOOST_TEST(msgs[2].at("role").as_string() == "user");
  BOOST_TEST(std::string(msgs[2].at("content").as_string()).find("$.age") != std::string::npos);
  BOOST_TEST(sent[1].request.at("response_format").at("type").as_string() == "json_schema");
}

BOOST_AUTO_TEST_CASE(transport_and_api_errors_keep_their_own_codes) {
  test::client_fixture f;
  auto [ec, r] = run(f, &f.cli, test::chat_request("fault/http_error;status=429"), person_spec(2));
  BOOST_TEST(ec == errc::rate_limited);
  BOOST_TEST(r.repairs == 0);
}

BOOST_AUTO_TEST_CASE(a_schema_that_does_not_compile_sends_nothing) {
  test::client_fixture f;
  auto spec = person_spec();
  spec.schema = json::parse(R"({"type":"object","minProperties":-1})");
  auto [ec, r] = run(f, &f.cli, test::chat_request(), spec);
  BOOST_TEST(ec == errc::invalid_argument);
  BOOST_TEST(f.diag.detail.find("schema") != std::string::npos);
  BOOST_TEST(f.server->generations().empty());
}

BOOST_AUTO_TEST_CASE(works_through_a_router_with_repair) {
  test::client_fixture f(scripted("openai/gpt-4o-mini", {"not json", R"({"name":"Ada","age":36})"}));
  openrouter::routing::policy p;
  p.models = {"openai/gpt-4o-mini"};
  openrouter::router rt(f.cli, p);
  auto req = test::chat_request("openai/gpt-4o-mini");
  auto [ec, r] = run(f, &rt, req, person_spec(1));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(r.format == "json_schema");
  BOOST_TEST(r.repairs == 1);
  BOOST_TEST(r.value.at("age").as_int64() == 36);
  auto sent = requests_for(f, "openai/gpt-4o-mini");
  BOOST_REQUIRE(sent.size() == 2u);
  BOOST_TEST(sent[0].request.at("provider").at("require_parameters").as_bool());
}

BOOST_AUTO_TEST_SUITE_END()
