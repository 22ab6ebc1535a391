// Wire types of API key management (include/openrouter/wire/api_keys.hpp): the spec's example
// decodes with unknown members kept, a PATCH body tells absent from null from a value, and the
// secret of POST /keys is read.
#include <openrouter/wire/api_keys.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace wire = openrouter::wire;
namespace json = boost::json;

namespace {

// GET /keys/{hash} 200, the spec's example, plus a member of the official SDK's schema and one
// that neither has.
constexpr const char* k_key = R"({"data": {
  "byok_usage": 17.38, "byok_usage_daily": 17.38, "byok_usage_monthly": 17.38, "byok_usage_weekly": 17.38,
  "created_at": "2025-08-24T10:30:00Z", "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
  "disabled": false, "expires_at": "2027-12-31T23:59:59Z",
  "hash": "f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943",
  "include_byok_in_limit": false, "label": "sk-or-v1-0e6...1c96", "limit": 100, "limit_remaining": 74.5,
  "limit_reset": "monthly", "name": "My Production Key", "updated_at": null, "usage": 25.5,
  "usage_daily": 25.5, "usage_monthly": 25.5, "usage_weekly": 25.5,
  "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11", "external_user": null, "future_member": [1]}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_api_keys_test)

BOOST_AUTO_TEST_CASE(a_key_decodes_and_keeps_what_it_does_not_model) {
  wire::api_key k;
  wire::decode_error err;
  wire::parse_data(k_key, k, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(k.hash.size() == 64u);
  BOOST_TEST(k.name == "My Production Key");
  BOOST_TEST(k.limit.value() == 100.0);
  BOOST_TEST(k.limit_remaining.value() == 74.5);
  BOOST_TEST(k.limit_reset.value() == "monthly");
  BOOST_TEST(!k.disabled.value());
  BOOST_TEST(k.byok_usage_weekly.value() == 17.38);
  BOOST_TEST(k.expires_at.value() == "2027-12-31T23:59:59Z");
  BOOST_TEST(!k.updated_at.has_value());
  BOOST_TEST(k.extra.contains("future_member"));
  // serialize(parse(x)) reproduces x: nulls and unknown members included.
  const auto original = json::parse(k_key).at("data");
  BOOST_TEST(json::parse(wire::serialize(k)) == original);
}

BOOST_AUTO_TEST_CASE(an_update_sends_only_what_is_set_and_null_clears) {
  wire::api_key_update up;
  BOOST_TEST(wire::serialize(up) == "{}");
  up.disabled = true;
  up.limit = wire::nullable<double>::null();
  BOOST_TEST(json::parse(wire::serialize(up)) == json::parse(R"({"disabled":true,"limit":null})"));
  up.limit = 12.5;
  up.limit_reset = std::string("weekly");
  BOOST_TEST(json::parse(wire::serialize(up)) ==
             json::parse(R"({"disabled":true,"limit":12.5,"limit_reset":"weekly"})"));
  // And back: null is "present, cleared", absent is "not present".
  wire::api_key_update back;
  wire::decode_error err;
  wire::parse(R"({"limit":null,"name":"n"})", back, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(back.limit.present);
  BOOST_TEST(!back.limit.value.has_value());
  BOOST_TEST(!back.limit_reset.present);
  BOOST_TEST(back.name.value() == "n");
}

BOOST_AUTO_TEST_CASE(creation_request_and_answer) {
  wire::api_key_create c;
  c.name = "ci";
  c.limit = 5;
  c.external = wire::api_key_external{.user = "u-1", .api_key = std::nullopt, .extra = {}};
  BOOST_TEST(json::parse(wire::serialize(c)) == json::parse(R"({"name":"ci","limit":5,"external":{"user":"u-1"}})"));
  wire::created_api_key made;
  wire::decode_error err;
  wire::parse(R"({"data":{"hash":"h","name":"ci","label":"sk-or-v1-abc...wxyz"},"key":"sk-or-v1-secret"})", made, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(made.key == "sk-or-v1-secret");
  BOOST_TEST(made.data.hash == "h");
  wire::parse(R"({"data":{"hash":7},"key":"k"})", made, err);
  BOOST_TEST(err.code == wire::make_error_code(wire::decode_errc::expected_string));
  BOOST_TEST(err.field == "data.hash");
}

BOOST_AUTO_TEST_SUITE_END()
