// Wire types of presets (include/openrouter/wire/presets.hpp): the spec's examples decode, with
// unknown members kept and nulls (no designated version, no system prompt) told from values, and
// write back the same JSON; a member of the wrong kind is an error naming it.
#include <openrouter/wire/presets.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace wire = openrouter::wire;
namespace json = boost::json;

namespace {

// GET /presets/{slug} 200, the spec's example, plus a member neither the spec nor we model.
constexpr const char* k_preset = R"({"data": {
  "created_at": "2026-04-20T10:00:00Z", "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000",
  "description": null,
  "designated_version": {"config": {"model": "openai/gpt-4o", "temperature": 0.7},
    "created_at": "2026-04-20T10:00:00Z", "creator_id": "user_2dHFtVWx2n56w6HkM0000000000",
    "id": "550e8400-e29b-41d4-a716-446655440000", "preset_id": "650e8400-e29b-41d4-a716-446655440001",
    "system_prompt": "You are a helpful assistant.", "updated_at": "2026-04-20T10:00:00Z", "version": 1},
  "designated_version_id": "550e8400-e29b-41d4-a716-446655440000", "id": "650e8400-e29b-41d4-a716-446655440001",
  "name": "my-preset", "slug": "my-preset", "status": "active", "status_updated_at": null,
  "updated_at": "2026-04-20T10:00:00Z", "workspace_id": "750e8400-e29b-41d4-a716-446655440002",
  "future_member": [1]}})";

// GET /presets/{slug}/versions 200: a version without a system prompt.
constexpr const char* k_versions = R"({"data": [{"config": {"model": "openai/gpt-4o"},
  "created_at": "2026-04-20T10:00:00Z", "creator_id": "user_x", "id": "v1", "preset_id": "p",
  "system_prompt": null, "updated_at": "2026-04-20T10:00:00Z", "version": 1}], "total_count": 7})";

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_presets_test)

BOOST_AUTO_TEST_CASE(a_preset_with_its_version_decodes_and_writes_back_the_same_json) {
  wire::preset p;
  wire::decode_error err;
  wire::parse_data(k_preset, p, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(p.slug == "my-preset");
  BOOST_TEST(p.status == "active");
  BOOST_TEST(!p.description.has_value());
  BOOST_TEST(p.workspace_id.value() == "750e8400-e29b-41d4-a716-446655440002");
  BOOST_TEST_REQUIRE(p.designated_version.has_value());
  BOOST_TEST(p.designated_version->version == 1);
  BOOST_TEST(p.designated_version->system_prompt.value() == "You are a helpful assistant.");
  BOOST_TEST(p.designated_version->config.at("temperature").as_double() == 0.7);
  BOOST_TEST(p.extra.at("future_member").as_array().size() == 1u);
  BOOST_TEST(json::parse(wire::serialize(p)) == json::parse(k_preset).at("data"));
}

BOOST_AUTO_TEST_CASE(nulls_are_kept_apart_from_values) {
  wire::preset_version_list l;
  wire::decode_error err;
  wire::parse(k_versions, l, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(l.total_count == 7);
  BOOST_TEST_REQUIRE(l.data.size() == 1u);
  BOOST_TEST(!l.data[0].system_prompt.has_value());
  BOOST_TEST(json::parse(wire::serialize(l)) == json::parse(k_versions));

  // A preset in a list has no designated_version; the spec lets it be null where it is required.
  wire::preset p;
  wire::parse(R"({"id":"p","slug":"s","name":"s","status":"archived","created_at":"t","updated_at":"t",
                  "designated_version":null,"designated_version_id":null})", p, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(!p.designated_version.has_value());
  BOOST_TEST(!p.designated_version_id.has_value());
  BOOST_TEST(json::parse(wire::serialize(p)).at("designated_version").is_null());
}

BOOST_AUTO_TEST_CASE(a_member_of_the_wrong_kind_is_an_error_naming_it) {
  wire::preset_version v;
  wire::decode_error err;
  wire::parse(R"({"id":"v","preset_id":"p","version":"1","config":{},"creator_id":"u","created_at":"t","updated_at":"t"})",
              v, err);
  BOOST_TEST(static_cast<bool>(err));
  BOOST_TEST(err.field == "version");
  wire::preset_list l;
  wire::parse(R"({"data":[{"id":"p","slug":"s","name":"s","status":"active","created_at":"t","updated_at":"t",
                   "designated_version":{"config":[]}}],"total_count":1})", l, err);
  BOOST_TEST(static_cast<bool>(err));
  BOOST_TEST(err.field == "data[0].designated_version.config");
}

BOOST_AUTO_TEST_SUITE_END()
