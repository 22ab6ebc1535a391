// Presets: a chat request whose model is "@preset/SLUG" goes out unchanged and openrouter-mock
// resolves it to the preset's model, parameters and system prompt (the request's own parameters
// win); presets come from server_options::presets or from POST /presets/{slug}/chat/completions.
#include "support/client_fixture.hpp"
#include "support/http_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
namespace json = boost::json;
using openrouter::errc;

namespace {

openrouter::mock::server_options with_support_preset() {
  openrouter::mock::server_options o;
  o.presets["support"] = json::object{{"model", "anthropic/claude-3.5-haiku"}, {"max_tokens", 3},
                                      {"temperature", 0.2}, {"system_prompt", "Answer in one line."}};
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_presets_test)

BOOST_AUTO_TEST_CASE(a_preset_model_resolves_to_its_model_and_parameters) {
  client_fixture f(with_support_preset());
  auto [ec, res] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("@preset/support", "hello"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.model == "anthropic/claude-3.5-haiku");
  BOOST_TEST_REQUIRE(res.usage.has_value());
  BOOST_TEST(res.usage->completion_tokens <= 3);
  auto g = f.server->generations();
  BOOST_TEST_REQUIRE(g.size() == 1u);
  const auto& sent = g[0].request.as_object();
  BOOST_TEST(sent.at("max_tokens").as_int64() == 3);
  BOOST_TEST(sent.at("messages").at(0).at("role") == "system");
  BOOST_TEST(sent.at("messages").at(0).at("content") == "Answer in one line.");
  BOOST_TEST(sent.at("messages").at(1).at("content") == "hello");

  // The request's own parameters win over the preset's.
  auto req = chat_request("@preset/support", "again");
  req.max_tokens = 7;
  auto [ec2, res2] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST(f.server->generations().back().request.at("max_tokens").as_int64() == 7);
}

BOOST_AUTO_TEST_CASE(an_unknown_preset_is_404_naming_it) {
  client_fixture f(with_support_preset());
  auto [ec, res] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("@preset/nope"), f.diag, t); });
  BOOST_TEST((ec == errc::not_found), ec.message());
  // The name reached the server as written: the client does not touch model names.
  BOOST_TEST(f.diag.error.message.find("@preset/nope") != std::string::npos, f.diag.error.message);
  BOOST_TEST(f.server->generations().empty());
}

BOOST_AUTO_TEST_CASE(a_preset_created_from_a_chat_body_is_used_and_versioned) {
  client_fixture f;
  http_client raw(f.server.get());
  json::object body{{"model", "openai/gpt-4o-mini"},
                    {"temperature", 0.5},
                    {"max_tokens", 2},
                    {"messages", json::array{json::object{{"role", "system"}, {"content", "Be terse."}},
                                             json::object{{"role", "user"}, {"content", "ignored"}}}}};
  auto r = raw.post(api("/presets/terse/chat/completions"), body);
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  auto v = r.json();
  BOOST_TEST(v.at("data").at("slug") == "terse");
  BOOST_TEST(v.at("data").at("designated_version").at("version").as_int64() == 1);
  BOOST_TEST(v.at("data").at("designated_version").at("system_prompt") == "Be terse.");
  BOOST_TEST(!v.at("data").at("designated_version").at("config").as_object().contains("messages"));

  auto [ec, res] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("@preset/terse", "hi"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_TEST(f.server->generations().back().request.at("max_tokens").as_int64() == 2);

  body["model"] = "anthropic/claude-3.5-haiku";
  auto r2 = raw.post(api("/presets/terse/chat/completions"), body);
  BOOST_TEST_REQUIRE(r2.status == 200u, r2.body);
  BOOST_TEST(r2.json().at("data").at("designated_version").at("version").as_int64() == 2);
  auto [ec2, res2] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("@preset/terse", "hi"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST(res2.model == "anthropic/claude-3.5-haiku");
  BOOST_TEST(raw.post(api("/presets/terse/chat/completions"), json::object{{"model", "x"}}).status == 400u);
}

BOOST_AUTO_TEST_SUITE_END()
