// API key management (GET/POST /keys, GET/PATCH/DELETE /keys/{hash}) against openrouter-mock over
// verified HTTPS: the whole life of a key, the management key's rules (none configured: a typed
// error before any request; an unknown key 401; a user key 403), unknown hashes 404, and a
// malformed 201 whose new secret must not reach the diagnostics (canned answer).
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
namespace asio = boost::asio;
using openrouter::errc;

namespace {

constexpr const char* k_api_key = "sk-or-v1-user-keys-test";
constexpr const char* k_management_key = "sk-or-v1-mgmt-keys-test";

openrouter::mock::server_options mock_options() {
  openrouter::mock::server_options o;
  o.api_key = k_api_key;
  o.management_key = k_management_key;
  return o;
}

// A client whose management key is `mk` (api_key is the mock's user key).
client_fixture managed_fixture(std::string mk = k_management_key) {
  return client_fixture(mock_options(), [mk](openrouter::client_config& c) {
    c.api_key = k_api_key;
    c.management_key = mk;
  });
}

wire::api_key_create create_request(std::string name) {
  wire::api_key_create r;
  r.name = std::move(name);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_api_keys_test)

BOOST_AUTO_TEST_CASE(a_key_is_created_listed_updated_and_deleted) {
  auto f = managed_fixture();
  wire::api_key_create req = create_request("ci runner");
  req.limit = 25;
  req.limit_reset = "monthly";
  auto [ec, created] = f.run<wire::created_api_key>([&](auto t) { return f.cli.async_create_key(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(f.diag.http_status == 201u);
  BOOST_TEST(created.key.starts_with("sk-or-v1-"));
  BOOST_TEST(created.key.size() == 9u + 64u);
  BOOST_TEST(created.data.hash.size() == 64u);
  BOOST_TEST(created.data.name == "ci runner");
  BOOST_TEST(created.data.limit.value() == 25.0);
  BOOST_TEST(created.data.limit_reset.value() == "monthly");
  BOOST_TEST(!created.data.disabled.value());
  // The label shows a few characters of the secret, never all of it.
  BOOST_TEST(created.data.label.starts_with(created.key.substr(0, 12)));
  BOOST_TEST(created.data.label.find(created.key) == std::string::npos);
  const std::string hash = created.data.hash;

  auto [ec2, second] = f.run<wire::created_api_key>(
      [&](auto t) { return f.cli.async_create_key(create_request("second"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST(second.key != created.key);
  BOOST_TEST(second.data.hash != hash);
  BOOST_TEST(!second.data.limit.has_value());  // unlimited

  auto [ec3, list] = f.run<wire::api_key_list>([&](auto t) { return f.cli.async_list_keys({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST_REQUIRE(list.data.size() == 2u);
  BOOST_TEST(list.data[0].hash == hash);
  BOOST_TEST(list.data[1].name == "second");
  BOOST_TEST(list.extra.empty());
  BOOST_TEST(!list.data[0].extra.contains("key"));  // no secret in a listing

  auto [ec4, got] = f.run<wire::api_key>([&](auto t) { return f.cli.async_get_key(hash, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec4, f.diag.summary(ec4));
  BOOST_TEST(got.name == "ci runner");
  BOOST_TEST(got.limit_remaining.value() == 25.0);

  // PATCH: rename, disable, clear the limit (null), keep the reset as it was (absent).
  wire::api_key_update up;
  up.name = "ci runner (old)";
  up.disabled = true;
  up.limit = wire::nullable<double>::null();
  auto [ec5, updated] = f.run<wire::api_key>([&](auto t) { return f.cli.async_update_key(hash, up, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec5, f.diag.summary(ec5));
  BOOST_TEST(updated.name == "ci runner (old)");
  BOOST_TEST(updated.disabled.value());
  BOOST_TEST(!updated.limit.has_value());
  BOOST_TEST(updated.limit_reset.value() == "monthly");
  BOOST_TEST(updated.updated_at.has_value());

  // A disabled key is listed only when asked; offset skips.
  auto [ec6, enabled] = f.run<wire::api_key_list>([&](auto t) { return f.cli.async_list_keys({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec6);
  BOOST_TEST_REQUIRE(enabled.data.size() == 1u);
  BOOST_TEST(enabled.data[0].name == "second");
  openrouter::key_list_query all;
  all.include_disabled = true;
  all.offset = 1;
  auto [ec7, page] = f.run<wire::api_key_list>([&](auto t) { return f.cli.async_list_keys(all, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec7);
  BOOST_TEST_REQUIRE(page.data.size() == 1u);
  BOOST_TEST(page.data[0].name == "second");

  auto [ec8, deleted] = f.run<wire::api_key_deleted>([&](auto t) { return f.cli.async_delete_key(hash, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec8, f.diag.summary(ec8));
  BOOST_TEST(deleted.deleted);
  auto [ec9, gone] = f.run<wire::api_key>([&](auto t) { return f.cli.async_get_key(hash, f.diag, t); });
  BOOST_TEST((ec9 == errc::not_found), ec9.message());
}

BOOST_AUTO_TEST_CASE(without_a_management_key_nothing_is_sent) {
  // api_key is set (and would be accepted by the mock as a user key): it is never used instead.
  client_fixture f(mock_options(), [](openrouter::client_config& c) { c.api_key = k_api_key; });
  auto expect_refused = [&](boost::system::error_code ec) {
    BOOST_TEST((ec == errc::invalid_argument), ec.message());
    BOOST_TEST(f.diag.detail.find("management_key") != std::string::npos, f.diag.detail);
    BOOST_TEST(f.diag.http_status == 0u);
  };
  expect_refused(std::get<0>(f.run<wire::api_key_list>([&](auto t) { return f.cli.async_list_keys({}, f.diag, t); })));
  expect_refused(std::get<0>(
      f.run<wire::created_api_key>([&](auto t) { return f.cli.async_create_key(create_request("x"), f.diag, t); })));
  expect_refused(std::get<0>(f.run<wire::api_key>([&](auto t) { return f.cli.async_get_key("abc", f.diag, t); })));
  expect_refused(std::get<0>(f.run<wire::api_key>([&](auto t) { return f.cli.async_update_key("abc", {}, f.diag, t); })));
  expect_refused(std::get<0>(f.run<wire::api_key_deleted>([&](auto t) { return f.cli.async_delete_key("abc", f.diag, t); })));
  BOOST_TEST(f.server->stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(an_unknown_key_gets_401_and_a_user_key_403) {
  {
    auto f = managed_fixture("sk-or-v1-not-a-key-of-this-account");
    auto [ec, list] = f.run<wire::api_key_list>([&](auto t) { return f.cli.async_list_keys({}, f.diag, t); });
    BOOST_TEST((ec == errc::unauthorized), ec.message());
    BOOST_TEST(f.diag.http_status == 401u);
  }
  auto f = managed_fixture(k_api_key);  // the user key configured as the management key
  auto [ec, created] = f.run<wire::created_api_key>(
      [&](auto t) { return f.cli.async_create_key(create_request("x"), f.diag, t); });
  BOOST_TEST((ec == errc::forbidden), ec.message());
  BOOST_TEST(f.diag.http_status == 403u);
  BOOST_TEST(f.diag.error.message.find("management keys") != std::string::npos, f.diag.error.message);
  BOOST_TEST(created.key.empty());
}

BOOST_AUTO_TEST_CASE(unknown_hashes_and_bad_arguments) {
  auto f = managed_fixture();
  const std::string unknown(64, 'f');
  auto [e1, g] = f.run<wire::api_key>([&](auto t) { return f.cli.async_get_key(unknown, f.diag, t); });
  BOOST_TEST((e1 == errc::not_found), e1.message());
  BOOST_TEST(f.diag.http_status == 404u);
  wire::api_key_update up;
  up.name = "renamed";
  auto [e2, u] = f.run<wire::api_key>([&](auto t) { return f.cli.async_update_key(unknown, up, f.diag, t); });
  BOOST_TEST((e2 == errc::not_found), e2.message());
  auto [e3, d] = f.run<wire::api_key_deleted>([&](auto t) { return f.cli.async_delete_key(unknown, f.diag, t); });
  BOOST_TEST((e3 == errc::not_found), e3.message());
  // A hash with a slash stays one path segment (percent-encoded), never another route.
  auto [e4, g2] = f.run<wire::api_key>([&](auto t) { return f.cli.async_get_key("../key", f.diag, t); });
  BOOST_TEST((e4 == errc::not_found), e4.message());

  // Refused before any request: an empty hash or name, a negative offset.
  const auto before = f.server->stats().requests;
  auto [e5, g3] = f.run<wire::api_key>([&](auto t) { return f.cli.async_get_key("", f.diag, t); });
  BOOST_TEST((e5 == errc::invalid_argument));
  auto [e6, c] = f.run<wire::created_api_key>([&](auto t) { return f.cli.async_create_key(create_request(""), f.diag, t); });
  BOOST_TEST((e6 == errc::invalid_argument));
  openrouter::key_list_query q;
  q.offset = -1;
  auto [e7, l] = f.run<wire::api_key_list>([&](auto t) { return f.cli.async_list_keys(q, f.diag, t); });
  BOOST_TEST((e7 == errc::invalid_argument));
  BOOST_TEST(f.server->stats().requests == before);

  // The server's own checks: a bad limit_reset is a 400.
  wire::api_key_create bad = create_request("x");
  bad.limit_reset = "hourly";
  auto [e8, c2] = f.run<wire::created_api_key>([&](auto t) { return f.cli.async_create_key(bad, f.diag, t); });
  BOOST_TEST((e8 == errc::bad_request), e8.message());
}

// A 201 the client cannot use: bad_json, and neither the diagnostics nor the value hold the
// secret it carried.
BOOST_AUTO_TEST_CASE(a_malformed_creation_answer_does_not_leak_the_secret) {
  const std::string secret = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";
  canned_server s(http_response(201, "application/json", R"({"data":"not an object","key":")" + secret + R"("})"));
  asio::io_context ioc;
  openrouter::client_config cfg;
  cfg.base_url = s.base_url();
  cfg.api_key = k_api_key;
  cfg.management_key = k_management_key;
  openrouter::client cli(ioc.get_executor(), cfg);
  openrouter::diagnostics diag;
  outcome<wire::created_api_key> o;
  cli.async_create_key(create_request("x"), diag, o.handler());
  auto [ec, created] = wait(ioc, o);
  BOOST_TEST((ec == errc::bad_json), ec.message());
  BOOST_TEST(s.requests() == 1u);
  BOOST_TEST(created.key.empty());
  BOOST_TEST(diag.summary(ec).find(secret.substr(9, 20)) == std::string::npos, diag.summary(ec));
  BOOST_TEST(diag.body_excerpt.empty());
  BOOST_TEST(diag.detail.find("data") != std::string::npos, diag.detail);
}

BOOST_AUTO_TEST_SUITE_END()
