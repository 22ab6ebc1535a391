// generation (§11), key (§12) and credits (§13): examples round-trip inside their {data} envelope
// and decode to the right values.
#include <openrouter/wire/generation.hpp>
#include <openrouter/wire/key.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string_view>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

template <class T>
T decode_data(std::string_view text) {
  T out;
  decode_error err;
  parse_data(text, out, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(same_json(json::value_from(out), json::parse(text).at("data")), serialize(out));
  return out;
}

constexpr std::string_view generation_example = R"json({"data": {"id": "gen-1754312345-aB3dE5fG7hI9jK1lM2nO", "request_id": "req-1754312345-xYz", "upstream_id": "chatcmpl-AbC123",
  "model": "openai/gpt-4o-mini", "provider_name": "OpenAI", "router": null, "api_type": "completions",
  "app_id": 12345, "http_referer": "https://myapp.example", "origin": "https://myapp.example", "user_agent": "my-cpp-client/0.1",
  "external_user": "user-8f14e45f", "session_id": "conv-2291", "preset_id": null, "workspace_id": null,
  "created_at": "2026-08-04T12:45:45.123456+00:00", "streamed": true, "cancelled": false, "is_byok": false,
  "finish_reason": "stop", "native_finish_reason": "stop",
  "latency": 412, "generation_time": 380, "moderation_latency": 35,
  "tokens_prompt": 21, "tokens_completion": 11, "native_tokens_prompt": 21, "native_tokens_completion": 11,
  "native_tokens_reasoning": 0, "native_tokens_cached": 0, "native_tokens_completion_images": 0,
  "num_media_prompt": 0, "num_media_completion": 0, "num_input_audio_prompt": 0, "num_search_results": 0, "num_fetches": 0,
  "total_cost": 0.00000975, "usage": 0.00000975, "upstream_inference_cost": null, "cache_discount": null,
  "web_search_engine": null, "service_tier": null, "data_region": "global", "response_cache_source_id": null,
  "provider_responses": [{"status": 200, "provider_name": "OpenAI", "latency": 405, "is_byok": false, "model_permaslug": "openai/gpt-4o-mini-2024-07-18"}]}})json";

constexpr std::string_view key_example = R"json({"data": {"label": "sk-or-v1-au7...890", "limit": 100, "limit_remaining": 74.5, "limit_reset": "monthly",
  "include_byok_in_limit": false, "usage": 25.5, "usage_daily": 1.2, "usage_weekly": 6.1, "usage_monthly": 25.5,
  "byok_usage": 0, "byok_usage_daily": 0, "byok_usage_weekly": 0, "byok_usage_monthly": 0,
  "is_free_tier": false, "is_management_key": false, "is_provisioning_key": false,
  "creator_user_id": "user_2dHFtVWx2n56w6HkM0000000000", "expires_at": null,
  "rate_limit": {"requests": -1, "interval": "10s", "note": "This field is deprecated and safe to ignore."}}})json";

constexpr std::string_view credits_example = R"json({"data": {"total_credits": 100.5, "total_usage": 25.75}})json";

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_account_test)

BOOST_AUTO_TEST_CASE(generation_example_fields) {
  const generation g = decode_data<generation>(generation_example);
  BOOST_TEST(g.id == "gen-1754312345-aB3dE5fG7hI9jK1lM2nO");
  BOOST_TEST(g.request_id.value() == "req-1754312345-xYz");
  BOOST_TEST(g.upstream_id.value() == "chatcmpl-AbC123");
  BOOST_TEST(g.model == "openai/gpt-4o-mini");
  BOOST_TEST(g.provider_name.value() == "OpenAI");
  BOOST_TEST(!g.router.has_value());
  BOOST_TEST(g.api_type.value() == "completions");
  BOOST_TEST(g.app_id.value() == 12345);
  BOOST_TEST(g.external_user.value() == "user-8f14e45f");
  BOOST_TEST(g.created_at.value() == "2026-08-04T12:45:45.123456+00:00");
  BOOST_TEST(g.streamed.value());
  BOOST_TEST(!g.cancelled.value());
  BOOST_TEST(!g.is_byok.value());
  BOOST_TEST(g.latency.value() == 412.0);
  BOOST_TEST(g.generation_time.value() == 380.0);
  BOOST_TEST(g.tokens_prompt.value() == 21);
  BOOST_TEST(g.native_tokens_completion.value() == 11);
  BOOST_TEST(g.num_fetches.value() == 0);
  BOOST_TEST(g.total_cost.value() == 0.00000975);
  BOOST_TEST(g.usage.value() == 0.00000975);
  BOOST_TEST(!g.upstream_inference_cost.has_value());
  BOOST_TEST(g.data_region.value() == "global");
  BOOST_TEST_REQUIRE(g.provider_responses.size() == 1u);
  const provider_response& p = g.provider_responses[0];
  BOOST_TEST(p.status.value() == 200);
  BOOST_TEST(p.latency.value() == 405.0);
  BOOST_TEST(p.model_permaslug.value() == "openai/gpt-4o-mini-2024-07-18");
  BOOST_TEST(!p.routed_service_tier.has_value());
}

BOOST_AUTO_TEST_CASE(generation_unwrapped_and_null_provider_responses) {
  generation g;
  decode_error err;
  parse_data(R"json({"id": "gen-1", "model": "m", "provider_responses": null, "total_cost": 0})json", g, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(g.id == "gen-1");
  BOOST_TEST(g.provider_responses.empty());
  BOOST_TEST(g.extra.at("provider_responses").is_null());

  parse_data(R"json({"data": {"id": "gen-1", "tokens_prompt": "21"}})json", g, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_integer));
  BOOST_TEST(err.field == "tokens_prompt");
}

BOOST_AUTO_TEST_CASE(key_example_fields) {
  const key_info k = decode_data<key_info>(key_example);
  BOOST_TEST(k.label == "sk-or-v1-au7...890");
  BOOST_TEST(k.limit.value() == 100.0);
  BOOST_TEST(k.limit_remaining.value() == 74.5);
  BOOST_TEST(k.limit_reset.value() == "monthly");
  BOOST_TEST(!k.include_byok_in_limit.value());
  BOOST_TEST(k.usage.value() == 25.5);
  BOOST_TEST(k.usage_daily.value() == 1.2);
  BOOST_TEST(k.usage_weekly.value() == 6.1);
  BOOST_TEST(k.byok_usage_monthly.value() == 0.0);
  BOOST_TEST(!k.is_free_tier.value());
  BOOST_TEST(!k.is_management_key.value());
  BOOST_TEST(!k.is_provisioning_key.value());
  BOOST_TEST(k.creator_user_id.value() == "user_2dHFtVWx2n56w6HkM0000000000");
  BOOST_TEST(!k.expires_at.has_value());
  BOOST_TEST(k.rate_limit.at("interval").as_string() == "10s");

  key_info unlimited;
  decode_error err;
  parse_data(R"json({"data": {"label": "k", "limit": null}})json", unlimited, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(!unlimited.limit.has_value());  // null: unlimited
}

BOOST_AUTO_TEST_CASE(credits_fields) {
  const credits c = decode_data<credits>(credits_example);
  BOOST_TEST(c.total_credits.value() == 100.5);
  BOOST_TEST(c.total_usage.value() == 25.75);
  BOOST_TEST(c.remaining() == 74.75);
  const credits none;
  BOOST_TEST(none.remaining() == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
