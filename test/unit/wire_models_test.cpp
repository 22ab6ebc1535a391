// Catalog types: the §7 models page, §9 endpoints and §10 providers examples round-trip and decode
// to the right values; prices stay strings; is_free() follows the reference predicate literally.
#include <openrouter/wire/models.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string_view>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

template <class T>
T decode(std::string_view text) {
  T out;
  decode_error err;
  parse(text, out, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(same_json(json::value_from(out), json::parse(text)), serialize(out));
  return out;
}

constexpr std::string_view models_example = R"json({"data": [{
  "id": "openai/gpt-4o-mini",
  "canonical_slug": "openai/gpt-4o-mini-2024-07-18",
  "hugging_face_id": null,
  "name": "OpenAI: GPT-4o-mini",
  "created": 1721260800,
  "description": "GPT-4o mini is OpenAI's small multimodal model ...",
  "context_length": 128000,
  "architecture": {"modality": "text+image+file->text", "input_modalities": ["text", "image", "file"],
                   "output_modalities": ["text"], "tokenizer": "GPT", "instruct_type": null},
  "pricing": {"prompt": "0.00000015", "completion": "0.0000006", "request": "0", "image": "0.000217",
              "web_search": "0.01", "internal_reasoning": "0", "input_cache_read": "0.000000075"},
  "top_provider": {"context_length": 128000, "max_completion_tokens": 16384, "is_moderated": true},
  "per_request_limits": null,
  "supported_parameters": ["frequency_penalty", "logit_bias", "logprobs", "max_tokens", "presence_penalty",
    "response_format", "seed", "stop", "structured_outputs", "temperature", "tool_choice", "tools", "top_logprobs", "top_p"],
  "default_parameters": {"temperature": null, "top_p": null, "frequency_penalty": null},
  "supported_voices": null,
  "expiration_date": null,
  "knowledge_cutoff": "2023-10-01",
  "links": {"details": "/api/v1/models/openai/gpt-4o-mini/endpoints"}
}], "total_count": 1, "links": {"next": null}})json";

constexpr std::string_view endpoints_example = R"json({"data": {"id": "meta-llama/llama-3.3-70b-instruct", "name": "Meta: Llama 3.3 70B Instruct", "created": 1733506137,
  "description": "…",
  "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"], "tokenizer": "Llama3", "instruct_type": "llama3"},
  "endpoints": [
   {"name": "DeepInfra: Llama 3.3 70B Instruct", "model_id": "meta-llama/llama-3.3-70b-instruct", "model_name": "Llama 3.3 70B Instruct",
    "provider_name": "DeepInfra", "tag": "deepinfra/turbo", "context_length": 131072, "max_completion_tokens": 16384, "max_prompt_tokens": null,
    "quantization": "fp8", "status": 0, "supports_implicit_caching": false,
    "pricing": {"prompt": "0.00000013", "completion": "0.00000039", "request": "0", "image": "0"},
    "supported_parameters": ["max_tokens", "temperature", "top_p", "stop", "tools", "tool_choice", "response_format", "seed"],
    "uptime_last_5m": 100, "uptime_last_30m": 99.6, "uptime_last_1d": 99.2,
    "latency_last_30m": {"p50": 0.41, "p75": 0.55, "p90": 0.8, "p99": 1.9},
    "throughput_last_30m": {"p50": 62.3, "p75": 51.0, "p90": 38.4, "p99": 20.7}}]}})json";

constexpr std::string_view providers_example = R"json({"data": [{"name": "OpenAI", "slug": "openai", "privacy_policy_url": "https://openai.com/privacy",
  "terms_of_service_url": "https://openai.com/terms", "status_page_url": "https://status.openai.com",
  "headquarters": "US", "datacenters": ["US", "IE"]}]})json";

model priced(std::initializer_list<std::pair<std::string_view, std::string_view>> prices) {
  model m;
  model_pricing& p = m.pricing.emplace();
  for (const auto& [key, value] : prices) {
    if (key == "prompt") p.prompt = std::string(value);
    if (key == "completion") p.completion = std::string(value);
    if (key == "request") p.request = std::string(value);
    if (key == "image") p.image = std::string(value);
    if (key == "web_search") p.web_search = std::string(value);
  }
  return m;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_models_test)

BOOST_AUTO_TEST_CASE(models_page_fields) {
  const models_page page = decode<models_page>(models_example);
  BOOST_TEST(page.total_count.value() == 1);
  BOOST_TEST(!page.links.value().next.has_value());  // null: last page
  BOOST_TEST_REQUIRE(page.data.size() == 1u);
  const model& m = page.data[0];
  BOOST_TEST(m.id == "openai/gpt-4o-mini");
  BOOST_TEST(m.canonical_slug == "openai/gpt-4o-mini-2024-07-18");
  BOOST_TEST(!m.hugging_face_id.has_value());
  BOOST_TEST(m.name == "OpenAI: GPT-4o-mini");
  BOOST_TEST(m.created.value() == 1721260800);
  BOOST_TEST(m.context_length.value() == 128000);
  const model_architecture& a = m.architecture.value();
  BOOST_TEST(a.modality.value() == "text+image+file->text");
  BOOST_TEST(a.input_modalities.size() == 3u);
  BOOST_TEST((a.output_modalities == std::vector<std::string>{"text"}));
  BOOST_TEST(a.tokenizer.value() == "GPT");
  BOOST_TEST(!a.instruct_type.has_value());
  const model_pricing& p = m.pricing.value();
  BOOST_TEST(p.prompt.value() == "0.00000015");  // strings, untouched
  BOOST_TEST(p.completion.value() == "0.0000006");
  BOOST_TEST(p.image.value() == "0.000217");
  BOOST_TEST(p.input_cache_read.value() == "0.000000075");
  BOOST_TEST(!p.audio.has_value());
  BOOST_TEST(!p.discount.has_value());
  BOOST_TEST(m.top_provider.value().max_completion_tokens.value() == 16384);
  BOOST_TEST(m.top_provider->is_moderated.value());
  BOOST_TEST(!m.per_request_limits.has_value());
  BOOST_TEST(m.supported_parameters.size() == 14u);
  BOOST_TEST(m.default_parameters.at("temperature").is_null());
  BOOST_TEST(m.supported_voices.empty());
  BOOST_TEST(!m.expiration_date.has_value());
  BOOST_TEST(m.knowledge_cutoff.value() == "2023-10-01");
  BOOST_TEST(m.links.value().details.value() == "/api/v1/models/openai/gpt-4o-mini/endpoints");
  BOOST_TEST(!is_free(m));
}

BOOST_AUTO_TEST_CASE(older_and_newer_catalog_shapes) {
  // old servers send only data; newer ones add fields we do not model
  const models_page old = decode<models_page>(R"json({"data": []})json");
  BOOST_TEST(!old.total_count.has_value());
  BOOST_TEST(!old.links.has_value());

  const models_page next = decode<models_page>(R"json({"data": [{"id": "a/b", "name": "B",
    "pricing": {"prompt": "0", "completion": "0", "discount": 0.25, "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.000005"}]},
    "reasoning": {"mandatory": false, "supported_efforts": ["high", "low"]},
    "alias_target": {"slug": "a/c", "name": "C"}, "benchmarks": {"artificial_analysis": {"intelligence_index": 50}},
    "per_request_limits": {"prompt_tokens": 1000, "completion_tokens": 2.5e3}}],
    "total_count": 900, "links": {"next": "/api/v1/models?offset=500&limit=500"}})json");
  const model& m = next.data.at(0);
  BOOST_TEST(m.pricing->discount.value() == 0.25);
  BOOST_TEST(m.pricing->overrides.at(0).at("min_prompt_tokens") == 200000);
  BOOST_TEST(m.reasoning.at("mandatory") == false);
  BOOST_TEST(m.extra.at("alias_target").at("slug").as_string() == "a/c");
  BOOST_TEST(m.extra.contains("benchmarks"));
  BOOST_TEST(m.per_request_limits->completion_tokens.value() == 2500.0);
  BOOST_TEST(next.links->next.value() == "/api/v1/models?offset=500&limit=500");
  BOOST_TEST(is_free(m));
}

BOOST_AUTO_TEST_CASE(single_model_envelope) {
  model m;
  decode_error err;
  parse_data(R"json({"data": {"id": "openai/gpt-4", "name": "GPT-4", "pricing": {"prompt": "0.00003", "completion": "0.00006"}}})json",
             m, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(m.id == "openai/gpt-4");
  parse_data(R"json({"id": "openai/gpt-4:free"})json", m, err);  // bare object accepted too
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(m.id == "openai/gpt-4:free");
}

BOOST_AUTO_TEST_CASE(endpoints_fields) {
  model_endpoints me;
  decode_error err;
  parse_data(endpoints_example, me, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(same_json(json::value_from(me), json::parse(endpoints_example).at("data")), serialize(me));
  BOOST_TEST(me.id == "meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(me.created.value() == 1733506137);
  BOOST_TEST(me.architecture.value().instruct_type.value() == "llama3");
  BOOST_TEST_REQUIRE(me.endpoints.size() == 1u);
  const endpoint& e = me.endpoints[0];
  BOOST_TEST(e.name == "DeepInfra: Llama 3.3 70B Instruct");
  BOOST_TEST(e.model_id == "meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(e.provider_name == "DeepInfra");
  BOOST_TEST(e.tag == "deepinfra/turbo");
  BOOST_TEST(e.context_length.value() == 131072);
  BOOST_TEST(e.max_completion_tokens.value() == 16384);
  BOOST_TEST(!e.max_prompt_tokens.has_value());
  BOOST_TEST(e.quantization.value() == "fp8");
  BOOST_TEST(e.status.value() == 0);
  BOOST_TEST(!e.supports_implicit_caching.value());
  BOOST_TEST(!e.supports_voice_cloning.has_value());
  BOOST_TEST(e.pricing.value().request.value() == "0");
  BOOST_TEST(e.supported_parameters.size() == 8u);
  BOOST_TEST(e.uptime_last_5m.value() == 100.0);
  BOOST_TEST(e.uptime_last_30m.value() == 99.6);
  BOOST_TEST(e.latency_last_30m.value().p99.value() == 1.9);
  BOOST_TEST(e.throughput_last_30m.value().p75.value() == 51.0);
}

BOOST_AUTO_TEST_CASE(providers_fields) {
  const provider_list list = decode<provider_list>(providers_example);
  BOOST_TEST_REQUIRE(list.data.size() == 1u);
  const provider_info& p = list.data[0];
  BOOST_TEST(p.name == "OpenAI");
  BOOST_TEST(p.slug == "openai");
  BOOST_TEST(p.privacy_policy_url.value() == "https://openai.com/privacy");
  BOOST_TEST(p.terms_of_service_url.value() == "https://openai.com/terms");
  BOOST_TEST(p.status_page_url.value() == "https://status.openai.com");
  BOOST_TEST(p.headquarters.value() == "US");
  BOOST_TEST((p.datacenters == std::vector<std::string>{"US", "IE"}));

  // fields older tools read, not in the spec, survive in extra
  const provider_list legacy = decode<provider_list>(
      R"json({"data": [{"name": "X", "slug": "x", "privacy_policy_url": null, "display_name": "X Inc", "status": "ok"}]})json");
  BOOST_TEST(!legacy.data.at(0).privacy_policy_url.has_value());
  BOOST_TEST(legacy.data[0].extra.at("display_name").as_string() == "X Inc");
}

BOOST_AUTO_TEST_CASE(is_free_follows_the_reference_literally) {
  BOOST_TEST(is_free(priced({{"prompt", "0"}, {"completion", "0"}})));
  BOOST_TEST(is_free(priced({{"prompt", "0"}, {"completion", "0"}, {"request", "0"}, {"image", "0"}})));
  // other prices do not count
  BOOST_TEST(is_free(priced({{"prompt", "0"}, {"completion", "0"}, {"web_search", "0.01"}})));
  // any of the four present and not "0"
  BOOST_TEST(!is_free(priced({{"prompt", "0"}, {"completion", "0.0000006"}})));
  BOOST_TEST(!is_free(priced({{"prompt", "0"}, {"completion", "0"}, {"request", "0.001"}})));
  BOOST_TEST(!is_free(priced({{"prompt", "0"}, {"completion", "0"}, {"image", "0.000217"}})));
  // "equals the string 0": zero written another way, router pseudo-prices and junk are not free
  BOOST_TEST(!is_free(priced({{"prompt", "0.0"}, {"completion", "0"}})));
  BOOST_TEST(!is_free(priced({{"prompt", "-1"}, {"completion", "-1"}})));
  BOOST_TEST(!is_free(priced({{"prompt", ""}, {"completion", "0"}})));
  // nothing present: vacuously free (documented; the spec requires prompt and completion)
  BOOST_TEST(is_free(priced({})));
  BOOST_TEST(is_free(model{}));
  BOOST_TEST(is_free(priced({{"completion", "0"}})));
}

BOOST_AUTO_TEST_CASE(bad_catalog_entries_are_errors) {
  models_page page;
  decode_error err;
  parse(R"json({"data": [{"id": "a"}, {"id": "b", "pricing": {"prompt": 0.1}}]})json", page, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_string));  // prices are strings
  BOOST_TEST(err.field == "data[1].pricing.prompt");

  parse(R"json({"data": [{"context_length": 1.5}]})json", page, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_integer));
  BOOST_TEST(err.field == "data[0].context_length");

  parse(R"json({"data": [{"architecture": {"input_modalities": "text"}}]})json", page, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_array));
  BOOST_TEST(err.field == "data[0].architecture.input_modalities");

  model_endpoints me;
  parse_data(R"json({"data": {"endpoints": [{"latency_last_30m": {"p50": "fast"}}]}})json", me, err);
  BOOST_TEST(err.field == "endpoints[0].latency_last_30m.p50");
}

BOOST_AUTO_TEST_SUITE_END()
