// `openrouter presets list|get|versions|create` as a user runs them: the built binary against an
// in-process openrouter-mock over verified HTTPS. A preset created from a request file is listed,
// read (designated version and one version), versioned, and used by `chat --model @preset/SLUG`;
// bad command lines exit 2 before any request, an unknown preset exits 1 with the 404.
#include "support/cli_mock.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using namespace test::cli;

const std::string test_key = "sk-or-v1-cli-presets-0123456789abcdef";

struct fixture : mock_cli {
  fixture() : mock_cli(options(), {{"OPENROUTER_API_KEY", test_key}}) {}
  static openrouter::mock::server_options options() {
    openrouter::mock::server_options o;
    o.api_key = test_key;
    return o;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_presets_test)

BOOST_AUTO_TEST_CASE(create_list_get_versions_and_use) {
  fixture f;
  const auto chat_body = f.dir.write("chat.json", R"({"model":"openai/gpt-4o-mini","temperature":0.3,"max_tokens":4,
    "messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"ignored"}]})").string();
  auto made = f.cli({"presets", "create", "terse", "--input", chat_body, "--json"});
  BOOST_TEST_REQUIRE(made.code == 0, made);
  auto v = json::parse(made.out);
  BOOST_TEST(v.at("slug") == "terse");
  BOOST_TEST(v.at("designated_version").at("version").as_int64() == 1);
  BOOST_TEST(v.at("designated_version").at("system_prompt") == "Be terse.");

  const auto messages_body = f.dir.write("messages.json", R"({"model":"anthropic/claude-3.5-haiku","max_tokens":3,
    "system":"Be brief.","messages":[{"role":"user","content":"ignored"}]})").string();
  auto next = f.cli({"presets", "create", "terse", "--input", messages_body, "--endpoint", "messages"});
  BOOST_TEST_REQUIRE(next.code == 0, next);
  bool version_2 = false;
  for (const auto& l : lines(next.out)) if (l.starts_with("version ") && l.ends_with(" 2")) version_2 = true;
  BOOST_TEST(version_2, next);
  BOOST_TEST(next.out.find("anthropic/claude-3.5-haiku") != std::string::npos, next);

  const auto responses_body = f.dir.write("responses.json", R"({"model":"openai/gpt-4o-mini","instructions":"In French."})").string();
  BOOST_TEST_REQUIRE(f.cli({"presets", "create", "french", "--input", responses_body, "--endpoint", "responses"}).code == 0);

  auto list = f.cli({"presets", "list"});
  BOOST_TEST_REQUIRE(list.code == 0, list);
  auto rows = lines(list.out);
  BOOST_TEST_REQUIRE(rows.size() == 3u, list);  // header and two presets, most recently updated first
  BOOST_TEST(rows[1].starts_with("french "), list);
  BOOST_TEST(rows[2].starts_with("terse "), list);
  auto page = f.cli({"presets", "list", "--offset", "1", "--limit", "1", "--json"});
  BOOST_TEST_REQUIRE(page.code == 0, page);
  auto p = json::parse(page.out);
  BOOST_TEST(p.at("total_count").as_int64() == 2);
  BOOST_TEST(p.at("data").at(0).at("slug") == "terse");

  auto versions = f.cli({"presets", "versions", "terse"});
  BOOST_TEST_REQUIRE(versions.code == 0, versions);
  auto vrows = lines(versions.out);
  BOOST_TEST_REQUIRE(vrows.size() == 3u, versions);
  BOOST_TEST(vrows[1].find("openai/gpt-4o-mini") != std::string::npos, versions);  // oldest first
  BOOST_TEST(vrows[2].find("anthropic/claude-3.5-haiku") != std::string::npos, versions);

  auto got = f.cli({"presets", "get", "terse", "--version", "1", "--json"});
  BOOST_TEST_REQUIRE(got.code == 0, got);
  BOOST_TEST(json::parse(got.out).at("config").at("temperature").as_double() == 0.3);
  auto designated = f.cli({"presets", "get", "terse"});
  BOOST_TEST_REQUIRE(designated.code == 0, designated);
  BOOST_TEST(designated.out.find("Be brief.") != std::string::npos, designated);

  // The preset in use: the chat goes to version 2's model with its max_tokens.
  auto chat = f.cli({"chat", "--model", "@preset/terse", "--json", "hello"});
  BOOST_TEST_REQUIRE(chat.code == 0, chat);
  BOOST_TEST(json::parse(chat.out).at("model") == "anthropic/claude-3.5-haiku");
  BOOST_TEST(f.server->generations().back().request.at("max_tokens").as_int64() == 3);
}

BOOST_AUTO_TEST_CASE(refusals_and_errors) {
  fixture f;
  const auto before = f.server->stats().requests;
  BOOST_TEST(f.cli({"presets"}).code == 2);                                        // no action
  BOOST_TEST(f.cli({"presets", "frobnicate"}).code == 2);                          // unknown action
  BOOST_TEST(f.cli({"presets", "get"}).code == 2);                                 // no slug
  BOOST_TEST(f.cli({"presets", "create", "x"}).code == 2);                         // no --input
  BOOST_TEST(f.cli({"presets", "create", "x", "--input", "missing.json"}).code == 2);
  const auto not_chat = f.dir.write("bad.json", R"({"messages":"not a list"})").string();
  auto bad = f.cli({"presets", "create", "x", "--input", not_chat});
  BOOST_TEST(bad.code == 2, bad);
  BOOST_TEST(bad.err.find("messages") != std::string::npos, bad);
  BOOST_TEST(f.cli({"presets", "create", "x", "--input", not_chat, "--endpoint", "embeddings"}).code == 2);
  BOOST_TEST(f.cli({"presets", "list", "--limit", "101"}).code == 2);
  BOOST_TEST(f.cli({"presets", "get", "x", "--version", "0"}).code == 2);
  auto slash = f.cli({"presets", "get", "a/b"});
  BOOST_TEST(slash.code == 1, slash);  // the library's invalid_argument: a request that was not sent
  BOOST_TEST(slash.err.find("'/'") != std::string::npos, slash);
  BOOST_TEST(f.server->stats().requests == before);

  auto unknown = f.cli({"presets", "get", "nope"});
  BOOST_TEST(unknown.code == 1, unknown);
  BOOST_TEST(unknown.err.find("404") != std::string::npos, unknown);
  auto unknown_version = f.cli({"presets", "versions", "nope"});
  BOOST_TEST(unknown_version.code == 1, unknown_version);
}

BOOST_AUTO_TEST_SUITE_END()
