// `openrouter keys list|create|get|update|delete` as a user runs them: the built binary against
// an in-process openrouter-mock over verified HTTPS, keys only in its environment. The new
// key's secret reaches stdout only with --show-secret, and never stderr.
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

const std::string test_key = "sk-or-v1-cli-keys-user-0123456789abcdef";
const std::string mgmt_key = "sk-or-v1-cli-keys-mgmt-0123456789abcdef";

struct fixture : mock_cli {
  fixture() : mock_cli(options(), {{"OPENROUTER_MANAGEMENT_KEY", mgmt_key}}) {}
  static openrouter::mock::server_options options() {
    openrouter::mock::server_options o;
    o.api_key = test_key;
    o.management_key = mgmt_key;
    return o;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_keys_test)

BOOST_AUTO_TEST_CASE(create_list_update_get_delete) {
  fixture f;
  auto made = f.cli({"keys", "create", "nightly", "--limit", "20", "--limit-reset", "weekly", "--show-secret", "--json"});
  BOOST_TEST_REQUIRE(made.code == 0, made);
  auto v = json::parse(made.out);
  const std::string secret(v.at("key").as_string());
  const std::string hash(v.at("data").at("hash").as_string());
  BOOST_TEST(secret.starts_with("sk-or-v1-"));
  BOOST_TEST(made.err.find(secret) == std::string::npos, made);

  auto text = f.cli({"keys", "create", "second", "--show-secret"});
  BOOST_TEST_REQUIRE(text.code == 0, text);
  BOOST_TEST(text.out.find("secret  sk-or-v1-") != std::string::npos, text);

  auto list = f.cli({"keys", "list"});
  BOOST_TEST_REQUIRE(list.code == 0, list);
  BOOST_TEST(lines(list.out).size() == 3u, list);  // header and two keys
  BOOST_TEST(list.out.find(hash) != std::string::npos, list);
  BOOST_TEST(list.out.find(secret) == std::string::npos, list);

  auto up = f.cli({"keys", "update", hash, "--disable", "--limit", "none", "--name", "nightly (off)", "--json"});
  BOOST_TEST_REQUIRE(up.code == 0, up);
  auto u = json::parse(up.out);
  BOOST_TEST(u.at("disabled").as_bool());
  BOOST_TEST((!u.as_object().contains("limit") || u.at("limit").is_null()));
  BOOST_TEST(u.at("name") == "nightly (off)");

  auto got = f.cli({"keys", "get", hash});
  BOOST_TEST_REQUIRE(got.code == 0, got);
  BOOST_TEST(got.out.find("unlimited") != std::string::npos, got);
  bool disabled_line = false;
  for (const auto& l : lines(got.out)) if (l.starts_with("disabled ") && l.ends_with(" yes")) disabled_line = true;
  BOOST_TEST(disabled_line, got);
  BOOST_TEST(lines(f.cli({"keys", "list"}).out).size() == 2u);  // the disabled key is hidden
  BOOST_TEST(lines(f.cli({"keys", "list", "--include-disabled"}).out).size() == 3u);

  auto del = f.cli({"keys", "delete", hash});
  BOOST_TEST_REQUIRE(del.code == 0, del);
  auto gone = f.cli({"keys", "get", hash});
  BOOST_TEST(gone.code == 1, gone);
  BOOST_TEST(gone.err.find("404") != std::string::npos, gone);
}

BOOST_AUTO_TEST_CASE(refusals) {
  fixture f;
  const auto before = f.server->stats().requests;
  // Without --show-secret nothing is created (the secret would be lost).
  auto hidden = f.cli({"keys", "create", "x"});
  BOOST_TEST(hidden.code == 2, hidden);
  BOOST_TEST(hidden.err.find("--show-secret") != std::string::npos, hidden);
  // The API key is never used in place of the management key.
  auto no_mgmt = f.cli({"keys", "list"}, {{"OPENROUTER_API_KEY", test_key}});
  BOOST_TEST(no_mgmt.code == 2, no_mgmt);
  BOOST_TEST(no_mgmt.err.find("OPENROUTER_MANAGEMENT_KEY") != std::string::npos, no_mgmt);
  BOOST_TEST(f.cli({"keys", "update", "abc"}).code == 2);     // no change asked
  BOOST_TEST(f.cli({"keys", "frobnicate"}).code == 2);        // unknown action
  BOOST_TEST(f.cli({"keys", "get"}).code == 2);               // no hash
  BOOST_TEST(f.server->stats().requests == before);

  // A user key as the management key: 403; an unknown key: 401; neither is printed.
  auto user = f.cli({"keys", "list"}, {{"OPENROUTER_MANAGEMENT_KEY", test_key}});
  BOOST_TEST(user.code == 1, user);
  BOOST_TEST(user.err.find("403") != std::string::npos, user);
  BOOST_TEST(user.err.find(test_key) == std::string::npos, user);
  const std::string wrong = "sk-or-v1-wrong-0123456789abcdef0123";
  auto unknown = f.cli({"keys", "list"}, {{"OPENROUTER_MANAGEMENT_KEY", wrong}});
  BOOST_TEST(unknown.code == 1, unknown);
  BOOST_TEST(unknown.err.find("401") != std::string::npos, unknown);
  BOOST_TEST(unknown.err.find(wrong) == std::string::npos, unknown);
}

BOOST_AUTO_TEST_SUITE_END()
