// Presets: a chat request whose model is "@preset/SLUG" goes out unchanged and openrouter-mock
// resolves it to the preset's model, parameters and system prompt (the request's own parameters
// win); presets come from server_options::presets or from POST /presets/{slug}/chat/completions.
// The client's preset operations (list, get, create from chat/Messages/Responses requests,
// versions) against the mock over HTTPS: their answers, the typed 404s, and the arguments refused
// before any request.
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

wire::messages_request messages_request(std::string model, std::string system) {
  wire::messages_request r;
  r.model = std::move(model);
  r.max_tokens = 5;
  r.system = std::move(system);
  r.messages.push_back(wire::messages_message{.role = "user", .content = std::string("ignored"), .extra = {}});
  return r;
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

BOOST_AUTO_TEST_CASE(the_client_creates_lists_and_reads_presets_and_their_versions) {
  client_fixture f(with_support_preset());
  auto chat = chat_request("openai/gpt-4o-mini", "ignored");
  chat.temperature = 0.5;
  chat.messages.insert(chat.messages.begin(), wire::message::system("Be terse."));
  auto [ec, made] = f.run<wire::preset>([&](auto t) { return f.cli.async_create_preset_from_chat("terse", chat, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(made.slug == "terse");
  BOOST_TEST(made.status == "active");
  BOOST_TEST_REQUIRE(made.designated_version.has_value());
  BOOST_TEST(made.designated_version->version == 1);
  BOOST_TEST(made.designated_version->system_prompt.value() == "Be terse.");
  BOOST_TEST(made.designated_version->config.at("model") == "openai/gpt-4o-mini");
  BOOST_TEST(made.designated_version->config.at("temperature").as_double() == 0.5);
  BOOST_TEST(!made.designated_version->config.contains("messages"));
  BOOST_TEST(made.designated_version_id.value() == made.designated_version->id);
  BOOST_TEST(made.designated_version->preset_id == made.id);

  // The next version, from a Messages request: its `system` is the system prompt.
  auto [ec2, v2] = f.run<wire::preset>([&](auto t) {
    return f.cli.async_create_preset_from_messages("terse", messages_request("anthropic/claude-3.5-haiku", "Be brief."),
                                                   f.diag, t);
  });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST_REQUIRE(v2.designated_version.has_value());
  BOOST_TEST(v2.designated_version->version == 2);
  BOOST_TEST(v2.designated_version->system_prompt.value() == "Be brief.");
  BOOST_TEST(v2.designated_version->config.at("max_tokens").as_int64() == 5);
  BOOST_TEST(v2.id == made.id);

  // A slug that needs percent-encoding reaches the server as one segment; a Responses request's
  // `instructions` is its system prompt.
  wire::responses_request resp;
  resp.model = "openai/gpt-4o-mini";
  resp.instructions = "Answer in French.";
  resp.input = std::string("ignored");
  const std::string odd = "my preset+%1";
  auto [ec3, fr] = f.run<wire::preset>([&](auto t) { return f.cli.async_create_preset_from_responses(odd, resp, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST(fr.slug == odd);
  BOOST_TEST(fr.designated_version->system_prompt.value() == "Answer in French.");
  BOOST_TEST(!fr.designated_version->config.contains("input"));
  auto [ec4, got] = f.run<wire::preset>([&](auto t) { return f.cli.async_get_preset(odd, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec4, f.diag.summary(ec4));
  BOOST_TEST(got.slug == odd);
  BOOST_TEST(got.designated_version->config.at("model") == "openai/gpt-4o-mini");

  // Lists: most recently updated first, paged, total_count over every page; no versions inline.
  auto [ec5, list] = f.run<wire::preset_list>([&](auto t) { return f.cli.async_list_presets({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec5, f.diag.summary(ec5));
  BOOST_TEST(list.total_count == 3);
  BOOST_TEST_REQUIRE(list.data.size() == 3u);
  BOOST_TEST(list.data[0].slug == odd);
  BOOST_TEST(list.data[1].slug == "terse");
  BOOST_TEST(list.data[2].slug == "support");
  BOOST_TEST(!list.data[0].designated_version.has_value());
  auto [ec6, page] = f.run<wire::preset_list>(
      [&](auto t) { return f.cli.async_list_presets({.offset = 1, .limit = 1}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec6, f.diag.summary(ec6));
  BOOST_TEST(page.total_count == 3);
  BOOST_TEST_REQUIRE(page.data.size() == 1u);
  BOOST_TEST(page.data[0].slug == "terse");

  auto [ec7, versions] = f.run<wire::preset_version_list>(
      [&](auto t) { return f.cli.async_list_preset_versions("terse", {}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec7, f.diag.summary(ec7));
  BOOST_TEST(versions.total_count == 2);
  BOOST_TEST_REQUIRE(versions.data.size() == 2u);
  BOOST_TEST(versions.data[0].version == 1);  // oldest first
  BOOST_TEST(versions.data[1].version == 2);
  auto [ec8, second] = f.run<wire::preset_version_list>(
      [&](auto t) { return f.cli.async_list_preset_versions("terse", {.offset = 1, .limit = 5}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec8, f.diag.summary(ec8));
  BOOST_TEST_REQUIRE(second.data.size() == 1u);
  BOOST_TEST(second.data[0].version == 2);
  auto [ec9, v1] = f.run<wire::preset_version>([&](auto t) { return f.cli.async_get_preset_version("terse", 1, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec9, f.diag.summary(ec9));
  BOOST_TEST(v1.version == 1);
  BOOST_TEST(v1.config.at("model") == "openai/gpt-4o-mini");
  BOOST_TEST(v1.system_prompt.value() == "Be terse.");

  // A chat naming the preset gets its designated version: version 2's model, max_tokens, prompt.
  auto [ec10, res] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("@preset/terse", "hello"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec10, f.diag.summary(ec10));
  BOOST_TEST(res.model == "anthropic/claude-3.5-haiku");
  const auto sent = f.server->generations().back().request;
  BOOST_TEST(sent.at("max_tokens").as_int64() == 5);
  BOOST_TEST(sent.at("messages").at(0).at("content") == "Be brief.");
}

BOOST_AUTO_TEST_CASE(an_unknown_preset_or_version_is_not_found) {
  client_fixture f(with_support_preset());
  auto [ec, p] = f.run<wire::preset>([&](auto t) { return f.cli.async_get_preset("nope", f.diag, t); });
  BOOST_TEST((ec == errc::not_found), ec.message());
  BOOST_TEST(f.diag.http_status == 404u);
  BOOST_TEST(f.diag.error.message.find("nope") != std::string::npos, f.diag.error.message);
  auto [ec2, l] = f.run<wire::preset_version_list>(
      [&](auto t) { return f.cli.async_list_preset_versions("nope", {}, f.diag, t); });
  BOOST_TEST((ec2 == errc::not_found), ec2.message());
  auto [ec3, v] = f.run<wire::preset_version>([&](auto t) { return f.cli.async_get_preset_version("support", 2, f.diag, t); });
  BOOST_TEST((ec3 == errc::not_found), ec3.message());
  BOOST_TEST(f.diag.http_status == 404u);
  auto [ec4, v1] = f.run<wire::preset_version>([&](auto t) { return f.cli.async_get_preset_version("support", 1, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec4, f.diag.summary(ec4));
  BOOST_TEST(v1.config.at("model") == "anthropic/claude-3.5-haiku");
  BOOST_TEST(v1.system_prompt.value() == "Answer in one line.");
  // A body the API refuses (a Messages request without its model) is the typed 400; nothing changed.
  auto [ec5, m] = f.run<wire::preset>([&](auto t) {
    return f.cli.async_create_preset_from_messages("support", messages_request("", "s"), f.diag, t);
  });
  BOOST_TEST((ec5 == errc::bad_request), ec5.message());
  auto [ec6, still] = f.run<wire::preset>([&](auto t) { return f.cli.async_get_preset("support", f.diag, t); });
  BOOST_TEST_REQUIRE(!ec6, f.diag.summary(ec6));
  BOOST_TEST(still.designated_version->version == 1);
}

BOOST_AUTO_TEST_CASE(bad_slugs_pages_and_versions_are_refused_before_any_request) {
  client_fixture f(with_support_preset());
  const auto before = f.server->stats().requests;
  auto expect_refused = [&](boost::system::error_code ec, std::string_view what) {
    BOOST_TEST((ec == errc::invalid_argument), what << ": " << ec.message());
    BOOST_TEST(f.diag.http_status == 0u, what);
    BOOST_TEST(!f.diag.detail.empty(), what);
  };
  for (std::string slug : {std::string(), std::string("a/b"), std::string("/")}) {
    expect_refused(std::get<0>(f.run<wire::preset>([&](auto t) { return f.cli.async_get_preset(slug, f.diag, t); })),
                   "get " + slug);
    expect_refused(std::get<0>(f.run<wire::preset>(
                       [&](auto t) { return f.cli.async_create_preset_from_chat(slug, chat_request(), f.diag, t); })),
                   "create from chat " + slug);
    expect_refused(std::get<0>(f.run<wire::preset>([&](auto t) {
                     return f.cli.async_create_preset_from_messages(slug, messages_request("m", "s"), f.diag, t);
                   })),
                   "create from messages " + slug);
    expect_refused(std::get<0>(f.run<wire::preset>([&](auto t) {
                     return f.cli.async_create_preset_from_responses(slug, wire::responses_request{}, f.diag, t);
                   })),
                   "create from responses " + slug);
    expect_refused(std::get<0>(f.run<wire::preset_version_list>(
                       [&](auto t) { return f.cli.async_list_preset_versions(slug, {}, f.diag, t); })),
                   "versions " + slug);
    expect_refused(std::get<0>(f.run<wire::preset_version>(
                       [&](auto t) { return f.cli.async_get_preset_version(slug, 1, f.diag, t); })),
                   "version " + slug);
  }
  expect_refused(std::get<0>(f.run<wire::preset_version>(
                     [&](auto t) { return f.cli.async_get_preset_version("support", 0, f.diag, t); })),
                 "version 0");
  expect_refused(std::get<0>(f.run<wire::preset_list>(
                     [&](auto t) { return f.cli.async_list_presets({.offset = -1, .limit = {}}, f.diag, t); })),
                 "offset -1");
  expect_refused(std::get<0>(f.run<wire::preset_list>(
                     [&](auto t) { return f.cli.async_list_presets({.offset = {}, .limit = 101}, f.diag, t); })),
                 "limit 101");
  expect_refused(std::get<0>(f.run<wire::preset_version_list>([&](auto t) {
                   return f.cli.async_list_preset_versions("support", {.offset = {}, .limit = 0}, f.diag, t);
                 })),
                 "versions limit 0");
  BOOST_TEST(f.server->stats().requests == before);
}

BOOST_AUTO_TEST_SUITE_END()
