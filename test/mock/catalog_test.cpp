// The mock's catalog: determinism, the well-known models other tests rely on, spec conformance
// of every Model / PublicEndpoint / Provider object, and each GET /models query parameter.
#include "../../src/mock/catalog.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <limits>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using openrouter::mock::catalog;
using openrouter::mock::model_info;
using openrouter::mock::query_params;

namespace {

// Enums of the OpenAPI spec (components.schemas), as far as the catalog uses them.
const std::set<std::string_view> k_parameters = {"temperature",
                                                 "top_p",
                                                 "top_k",
                                                 "min_p",
                                                 "top_a",
                                                 "frequency_penalty",
                                                 "presence_penalty",
                                                 "repetition_penalty",
                                                 "max_tokens",
                                                 "max_completion_tokens",
                                                 "logit_bias",
                                                 "logprobs",
                                                 "top_logprobs",
                                                 "prediction",
                                                 "seed",
                                                 "response_format",
                                                 "structured_outputs",
                                                 "stop",
                                                 "tools",
                                                 "tool_choice",
                                                 "parallel_tool_calls",
                                                 "include_reasoning",
                                                 "reasoning",
                                                 "reasoning_effort",
                                                 "web_search_options",
                                                 "verbosity"};
const std::set<std::string_view> k_input_modalities = {"text", "image", "file", "audio", "video"};
const std::set<std::string_view> k_output_modalities = {"text",  "image",  "embeddings", "audio",
                                                        "video", "rerank", "speech",     "transcription"};
const std::set<std::string_view> k_tokenizers = {
    "Router", "Media", "Other",    "GPT",     "Claude", "Gemini", "Gemma",  "Grok", "Cohere", "Nova",
    "Qwen",   "Yi",    "DeepSeek", "Mistral", "Llama2", "Llama3", "Llama4", "PaLM", "RWKV",   "Qwen3"};
const std::set<std::string_view> k_instruct_types = {
    "none",   "airoboros", "alpaca",      "alpaca-modif",  "chatml", "claude",   "code-llama", "gemma",
    "llama2", "llama3",    "mistral",     "nemotron",      "neural", "openchat", "phi3",       "rwkv",
    "vicuna", "zephyr",    "deepseek-r1", "deepseek-v3.1", "qwq",    "qwen3"};
const std::set<std::string_view> k_quantizations = {"int4", "int8",  "fp4",  "mxfp4", "nvfp4", "fp6",
                                                    "fp8",  "mxfp8", "fp16", "bf16",  "fp32",  "unknown"};
const std::set<std::int64_t> k_endpoint_statuses = {0, -1, -2, -3, -5, -10};
const std::set<std::string_view> k_efforts = {"max", "xhigh", "high", "medium", "low", "minimal", "none"};
const std::set<std::string_view> k_default_parameters = {
    "temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "repetition_penalty"};

const catalog& shared() {
  static const catalog c = catalog::generate(1);
  return c;
}

json::object list(const query_params& q) {
  std::string error;
  auto body = shared().list(q, error);
  BOOST_TEST_REQUIRE(body.has_value(), "list() failed: " << error);
  return std::move(*body);
}

std::string list_error(const query_params& q) {
  std::string error;
  BOOST_TEST(!shared().list(q, error).has_value());
  BOOST_TEST(!error.empty());
  return error;
}

std::vector<std::string> ids(const json::object& body) {
  std::vector<std::string> out;
  for (const auto& m : body.at("data").as_array()) out.emplace_back(m.at("id").as_string());
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool array_has(const json::value& array, std::string_view v) {
  const auto& a = array.as_array();
  return std::find_if(a.begin(), a.end(), [&](const json::value& x) { return x.as_string() == v; }) !=
         a.end();
}

const model_info& model(std::string_view id) {
  const model_info* m = shared().find(id);
  BOOST_TEST_REQUIRE(m != nullptr, "missing model " << id);
  return *m;
}

bool has(const std::vector<std::string>& list, std::string_view v) { return contains(list, v); }

bool is_date(const json::value& v) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  return v.is_string() && std::regex_match(v.as_string().c_str(), date);
}

bool is_price(const json::value& v) {
  static const std::regex decimal(R"(-?\d+(\.\d*[1-9])?)");  // no exponent, no trailing zeros
  return v.is_string() && std::regex_match(v.as_string().c_str(), decimal);
}

double price(const json::object& pricing, std::string_view key) {
  return std::stod(std::string(pricing.at(key).as_string()));
}

bool is_int_or_null(const json::value& v) { return v.is_int64() || v.is_null(); }
bool is_number_or_null(const json::value& v) { return v.is_number() || v.is_null(); }

void check_pricing(const json::object& p, const std::string& where) {
  BOOST_TEST_CONTEXT(where) {
    BOOST_TEST(p.contains("prompt"));
    BOOST_TEST(p.contains("completion"));
    for (const auto& [key, value] : p) {
      if (key == "discount") {
        BOOST_TEST((value.is_double() && value.as_double() >= 0 && value.as_double() <= 1));
      } else if (key == "overrides") {
        for (const auto& o : value.as_array()) {
          for (const auto& [k, v] : o.as_object()) {
            if (k == "min_prompt_tokens" || k == "utc_start" || k == "utc_end")
              BOOST_TEST(v.is_number());
            else
              BOOST_TEST(is_price(v), k << " = " << json::serialize(v));
          }
        }
      } else {
        BOOST_TEST(is_price(value), key << " = " << json::serialize(value));
      }
    }
  }
}

void check_architecture(const json::object& a) {
  BOOST_TEST(a.at("modality").is_string());
  BOOST_TEST(!a.at("input_modalities").as_array().empty());
  for (const auto& m : a.at("input_modalities").as_array())
    BOOST_TEST(k_input_modalities.count(m.as_string()));
  BOOST_TEST(!a.at("output_modalities").as_array().empty());
  for (const auto& m : a.at("output_modalities").as_array())
    BOOST_TEST(k_output_modalities.count(m.as_string()));
  BOOST_TEST(k_tokenizers.count(a.at("tokenizer").as_string()));
  const auto& instruct = a.at("instruct_type");
  BOOST_TEST((instruct.is_null() || k_instruct_types.count(instruct.as_string())));
}

void check_model(const model_info& info) {
  const auto& m = info.json;
  BOOST_TEST_CONTEXT(info.id) {
    for (auto key : {"id", "canonical_slug", "name", "created", "pricing", "context_length", "architecture",
                     "top_provider", "per_request_limits", "supported_parameters", "default_parameters",
                     "supported_voices", "links"})
      BOOST_TEST(m.contains(key), "missing " << key);
    BOOST_TEST(m.at("id").as_string() == info.id);
    BOOST_TEST(m.at("canonical_slug").is_string());
    BOOST_TEST((m.at("hugging_face_id").is_string() || m.at("hugging_face_id").is_null()));
    BOOST_TEST(m.at("name").is_string());
    BOOST_TEST(m.at("created").is_int64());
    BOOST_TEST(!m.at("description").as_string().empty());
    BOOST_TEST(m.at("context_length").as_int64() == info.context_length);
    BOOST_TEST(info.context_length >= 4096);
    check_architecture(m.at("architecture").as_object());
    check_pricing(m.at("pricing").as_object(), "model pricing");

    const auto& top = m.at("top_provider").as_object();
    BOOST_TEST(is_int_or_null(top.at("context_length")));
    BOOST_TEST(is_int_or_null(top.at("max_completion_tokens")));
    BOOST_TEST(top.at("is_moderated").is_bool());

    const auto& limits = m.at("per_request_limits");
    BOOST_TEST((limits.is_null() ||
                (limits.at("prompt_tokens").is_number() && limits.at("completion_tokens").is_number())));
    for (const auto& p : m.at("supported_parameters").as_array())
      BOOST_TEST(k_parameters.count(p.as_string()));
    const auto& defaults = m.at("default_parameters");
    BOOST_TEST((defaults.is_null() || defaults.is_object()));
    if (defaults.is_object())
      for (const auto& [k, v] : defaults.as_object()) {
        BOOST_TEST(k_default_parameters.count(k));
        BOOST_TEST(is_number_or_null(v));
      }
    const auto& voices = m.at("supported_voices");
    BOOST_TEST((voices.is_null() || voices.is_array()));
    BOOST_TEST((m.at("expiration_date").is_null() || is_date(m.at("expiration_date"))));
    BOOST_TEST((m.at("knowledge_cutoff").is_null() || is_date(m.at("knowledge_cutoff"))));
    BOOST_TEST(m.at("links").at("details").as_string() == "/api/v1/models/" + info.id + "/endpoints");

    BOOST_TEST(m.contains("reasoning") == info.reasoning);
    if (const auto* r = m.if_contains("reasoning")) {
      BOOST_TEST(r->at("mandatory").is_bool());
      const auto& efforts = r->at("supported_efforts");
      BOOST_TEST((efforts.is_null() || efforts.is_array()));
      if (efforts.is_array())
        for (const auto& e : efforts.as_array()) BOOST_TEST(k_efforts.count(e.as_string()));
      BOOST_TEST(array_has(m.at("supported_parameters"), "reasoning"));
    }
    if (const auto* b = m.if_contains("benchmarks")) {
      BOOST_TEST(b->at("design_arena").is_array());
      for (const auto& d : b->at("design_arena").as_array())
        for (auto key : {"arena", "category", "elo", "win_rate", "rank"})
          BOOST_TEST(d.as_object().contains(key));
    }
  }
}

void check_endpoint(const model_info& m, const openrouter::mock::endpoint_info& e) {
  const auto& j = e.json;
  BOOST_TEST_CONTEXT(m.id << " @ " << e.tag) {
    for (auto key : {"name", "model_id", "model_name", "context_length", "pricing", "provider_name", "tag",
                     "quantization", "max_completion_tokens", "max_prompt_tokens", "supported_parameters",
                     "uptime_last_30m", "uptime_last_5m", "uptime_last_1d", "supports_implicit_caching",
                     "latency_last_30m", "throughput_last_30m"})
      BOOST_TEST(j.contains(key), "missing " << key);
    BOOST_TEST(j.at("name").as_string() ==
               e.provider_name + ": " + std::string(j.at("model_name").as_string()));
    BOOST_TEST(j.at("model_id").as_string() == m.json.at("canonical_slug").as_string());
    BOOST_TEST(j.at("provider_name").as_string() == e.provider_name);
    BOOST_TEST(j.at("tag").as_string() == e.tag);
    BOOST_TEST(e.tag.rfind(e.provider_slug, 0) == 0);
    BOOST_TEST(j.at("quantization").as_string() == e.quantization);
    BOOST_TEST(k_quantizations.count(e.quantization));
    BOOST_TEST(j.at("context_length").as_int64() == e.context_length);
    BOOST_TEST(e.context_length <= m.context_length);
    BOOST_TEST(is_int_or_null(j.at("max_completion_tokens")));
    if (j.at("max_completion_tokens").is_int64())
      BOOST_TEST(j.at("max_completion_tokens").as_int64() <= e.context_length);
    BOOST_TEST(is_int_or_null(j.at("max_prompt_tokens")));
    BOOST_TEST(j.at("supports_implicit_caching").is_bool());
    BOOST_TEST(k_endpoint_statuses.count(j.at("status").as_int64()));
    for (auto key : {"uptime_last_5m", "uptime_last_30m", "uptime_last_1d"})
      BOOST_TEST(is_number_or_null(j.at(key)));
    for (auto key : {"latency_last_30m", "throughput_last_30m"}) {
      const auto& stats = j.at(key);
      BOOST_TEST((stats.is_null() || (stats.at("p50").is_number() && stats.at("p99").is_number())));
    }
    const auto& params = j.at("supported_parameters").as_array();
    BOOST_TEST(params.size() == e.supported_parameters.size());
    for (const auto& p : e.supported_parameters) {
      BOOST_TEST(array_has(params, p));
      BOOST_TEST(has(m.supported_parameters, p));  // the model lists the union of its endpoints
    }
    const auto& pricing = j.at("pricing").as_object();
    check_pricing(pricing, "endpoint pricing");
    BOOST_TEST(price(pricing, "prompt") == e.prompt_price);
    BOOST_TEST(price(pricing, "completion") == e.completion_price);
    BOOST_TEST((pricing.contains("request") ? price(pricing, "request") : 0.0) == e.request_price);
    BOOST_TEST(!(e.zdr && e.trains_on_data));
  }
}

double cost(const openrouter::mock::endpoint_info& e) {
  return e.prompt_price + e.completion_price + e.request_price;
}

std::string serialize_all(const catalog& c) {
  std::string out;
  for (const auto& m : c.models()) {
    out += json::serialize(m.json);
    for (const auto& e : m.endpoints) out += json::serialize(e.json);
  }
  return out + json::serialize(c.providers());
}

double fraction(const catalog& c, bool (*pred)(const model_info&)) {
  const auto n = std::count_if(c.models().begin(), c.models().end(), pred);
  return static_cast<double>(n) / static_cast<double>(c.models().size());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog_test)

BOOST_AUTO_TEST_CASE(generation_is_deterministic) {
  const auto a = catalog::generate(42), b = catalog::generate(42), c = catalog::generate(43);
  BOOST_TEST(a.models().size() == 320u);
  BOOST_TEST(serialize_all(a) == serialize_all(b));
  BOOST_TEST(serialize_all(a) != serialize_all(c));

  const auto small = catalog::generate(42, 100);
  BOOST_TEST(small.models().size() == 100u);
  // Fewer than the well-known models still gives all of them.
  const auto tiny = catalog::generate(42, 0);
  BOOST_TEST(tiny.models().size() >= 13u);
  BOOST_TEST(tiny.find("openai/gpt-4o-mini") != nullptr);
  BOOST_TEST(tiny.find("openrouter/auto") != nullptr);
}

BOOST_AUTO_TEST_CASE(ids_are_unique_and_found_exactly) {
  std::set<std::string> seen;
  for (const auto& m : shared().models()) {
    BOOST_TEST(seen.insert(m.id).second, "duplicate " << m.id);
    BOOST_TEST(shared().find(m.id) == &m);
  }
  BOOST_TEST(shared().find("openai/gpt-4o-mini:free") == nullptr);
  BOOST_TEST(shared().find("OpenAI/GPT-4o-mini") == nullptr);
  BOOST_TEST(shared().find("") == nullptr);
  BOOST_TEST(shared().find("mistralai/mistral-7b-instruct:free") !=
             shared().find("mistralai/mistral-7b-instruct"));
}

BOOST_AUTO_TEST_CASE(well_known_models) {
  const auto& mini = model("openai/gpt-4o-mini");
  for (auto in : {"text", "image", "file"}) BOOST_TEST(has(mini.input_modalities, in));
  for (auto p : {"tools", "response_format", "structured_outputs"})
    BOOST_TEST(has(mini.supported_parameters, p));
  BOOST_TEST(mini.json.at("pricing").at("prompt").as_string() == "0.00000015");
  BOOST_TEST(mini.prompt_price == 0.00000015);
  std::set<std::string> mini_providers;
  for (const auto& e : mini.endpoints) mini_providers.insert(e.provider_name);
  BOOST_TEST((mini_providers == std::set<std::string>{"OpenAI", "Azure"}));
  BOOST_TEST(std::any_of(mini.endpoints.begin(), mini.endpoints.end(), [](const auto& e) { return e.zdr; }));

  const auto& flash = model("google/gemini-2.5-flash");
  BOOST_TEST(has(flash.input_modalities, "image"));
  BOOST_TEST(has(flash.input_modalities, "file"));
  BOOST_TEST(flash.reasoning);

  const auto& haiku = model("anthropic/claude-3.5-haiku");
  BOOST_TEST(has(haiku.supported_parameters, "tools"));
  BOOST_TEST(model("anthropic/claude-sonnet-4.5").reasoning);

  BOOST_TEST((model("google/gemini-2.5-flash-image").output_modalities ==
              std::vector<std::string>{"image", "text"}));
  BOOST_TEST(
      (model("black-forest-labs/flux-1-schnell").output_modalities == std::vector<std::string>{"image"}));
  BOOST_TEST(!model("black-forest-labs/flux-1-schnell").is_free);  // priced per image (request)
  BOOST_TEST(
      (model("openai/text-embedding-3-small").output_modalities == std::vector<std::string>{"embeddings"}));
  BOOST_TEST(model("openai/gpt-4o-audio-preview").json.at("supported_voices").is_array());

  const auto& llama = model("meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(llama.endpoints.size() >= 3u);
  const auto by_tag = [&](std::string_view tag) {
    const auto it = std::find_if(llama.endpoints.begin(), llama.endpoints.end(),
                                 [&](const auto& e) { return e.tag == tag; });
    BOOST_TEST_REQUIRE((it != llama.endpoints.end()), "no endpoint " << tag);
    return *it;
  };
  BOOST_TEST(by_tag("deepinfra/turbo").quantization == "fp8");
  BOOST_TEST(by_tag("deepinfra/turbo").provider_slug == "deepinfra");
  BOOST_TEST(by_tag("together").quantization == "bf16");
  BOOST_TEST(llama.endpoints.front().tag == "deepinfra/turbo");  // cheapest first
  // Endpoints differ in what they support, so require_parameters has something to filter.
  BOOST_TEST(!has(by_tag("groq").supported_parameters, "response_format"));

  const auto& mistral = model("mistralai/mistral-7b-instruct");
  BOOST_TEST(!has(mistral.supported_parameters, "tools"));
  BOOST_TEST(!has(mistral.supported_parameters, "response_format"));
  BOOST_TEST(!mistral.is_free);

  const auto& free_variant = model("mistralai/mistral-7b-instruct:free");
  BOOST_TEST(free_variant.is_free);
  for (const auto& [key, value] : free_variant.json.at("pricing").as_object())
    BOOST_TEST(value.as_string() == "0", key << " is not free");
  BOOST_TEST(free_variant.json.at("canonical_slug") == mistral.json.at("canonical_slug"));

  const auto& all_train = model("deepseek/deepseek-chat-v3-0324:free");
  BOOST_TEST(std::all_of(all_train.endpoints.begin(), all_train.endpoints.end(),
                         [](const auto& e) { return e.trains_on_data; }));

  const auto& router = model("openrouter/auto");
  BOOST_TEST(router.json.at("pricing").at("prompt").as_string() == "-1");
  BOOST_TEST(router.json.at("pricing").at("completion").as_string() == "-1");
  BOOST_TEST(router.json.at("architecture").at("tokenizer").as_string() == "Router");
  BOOST_TEST(!router.is_free);
  BOOST_TEST(!router.json.contains("reasoning"));
}

BOOST_AUTO_TEST_CASE(every_model_and_endpoint_follows_the_spec) {
  for (const auto& m : shared().models()) {
    check_model(m);
    BOOST_TEST_REQUIRE(!m.endpoints.empty(), m.id);
    for (const auto& e : m.endpoints) check_endpoint(m, e);
    for (std::size_t i = 1; i < m.endpoints.size(); ++i)
      BOOST_TEST(cost(m.endpoints[i - 1]) <= cost(m.endpoints[i]), m.id << " endpoints not cheapest first");
    // The Model is priced like its cheapest endpoint.
    BOOST_TEST(m.json.at("pricing") == m.endpoints.front().json.at("pricing"), m.id);
    BOOST_TEST(m.prompt_price == m.endpoints.front().prompt_price);
    std::set<std::string> offered;
    for (const auto& e : m.endpoints)
      offered.insert(e.supported_parameters.begin(), e.supported_parameters.end());
    BOOST_TEST(offered.size() == m.supported_parameters.size(), m.id);
  }
}

BOOST_AUTO_TEST_CASE(free_predicate) {
  std::size_t free_count = 0;
  for (const auto& m : shared().models()) {
    // The seed skill's predicate: prompt, completion, request and image are "0" where present.
    const auto& p = m.json.at("pricing").as_object();
    bool all_zero = true;
    for (auto key : {"prompt", "completion", "request", "image"})
      if (const auto* v = p.if_contains(key)) all_zero &= v->as_string() == "0";
    BOOST_TEST(m.is_free == all_zero, m.id);
    const bool free_suffix = m.id.size() > 5 && m.id.compare(m.id.size() - 5, 5, ":free") == 0;
    BOOST_TEST(m.is_free == free_suffix, m.id);
    free_count += m.is_free;
  }
  BOOST_TEST(free_count > 2u);
}

BOOST_AUTO_TEST_CASE(bulk_is_varied) {
  const auto& c = shared();
  BOOST_TEST(fraction(c, [](const model_info& m) { return m.is_free; }) > 0.05);
  BOOST_TEST(fraction(c, [](const model_info& m) { return m.is_free; }) < 0.2);
  BOOST_TEST(fraction(c, [](const model_info& m) { return has(m.output_modalities, "image"); }) > 0.02);
  BOOST_TEST(fraction(c, [](const model_info& m) { return has(m.output_modalities, "image"); }) < 0.12);
  BOOST_TEST(fraction(c, [](const model_info& m) { return has(m.input_modalities, "file"); }) > 0.1);
  BOOST_TEST(fraction(c, [](const model_info& m) { return has(m.input_modalities, "file"); }) < 0.35);
  BOOST_TEST(fraction(c, [](const model_info& m) { return !has(m.supported_parameters, "tools"); }) > 0.2);
  BOOST_TEST(fraction(c, [](const model_info& m) { return !has(m.supported_parameters, "tools"); }) < 0.45);
  BOOST_TEST(fraction(c, [](const model_info& m) {
               return !has(m.supported_parameters, "response_format");
             }) > 0.25);
  BOOST_TEST(fraction(c, [](const model_info& m) {
               return !has(m.supported_parameters, "response_format");
             }) < 0.55);
  BOOST_TEST(fraction(c, [](const model_info& m) { return m.reasoning; }) > 0.15);
  BOOST_TEST(fraction(c, [](const model_info& m) { return m.reasoning; }) < 0.4);

  std::set<std::string> authors, providers;
  std::int64_t min_ctx = std::numeric_limits<std::int64_t>::max(), max_ctx = 0;
  bool expiring = false, overrides = false, discount = false, benchmarks = false;
  for (const auto& m : c.models()) {
    authors.insert(m.id.substr(0, m.id.find('/')));
    for (const auto& e : m.endpoints) {
      providers.insert(e.provider_slug);
      discount |= e.json.at("pricing").as_object().contains("discount");
    }
    min_ctx = std::min(min_ctx, m.context_length);
    max_ctx = std::max(max_ctx, m.context_length);
    expiring |= !m.json.at("expiration_date").is_null();
    overrides |= m.json.at("pricing").as_object().contains("overrides");
    benchmarks |= m.json.contains("benchmarks");
  }
  BOOST_TEST(authors.size() >= 18u);
  BOOST_TEST(providers.size() >= 25u);
  BOOST_TEST(min_ctx <= 8192);
  BOOST_TEST(max_ctx >= 2000000);
  BOOST_TEST(expiring);
  BOOST_TEST(overrides);
  BOOST_TEST(discount);
  BOOST_TEST(benchmarks);
}

BOOST_AUTO_TEST_CASE(list_defaults_to_text_output_without_pagination) {
  const auto body = list({});
  const auto listed = ids(body);
  const auto text_models = std::count_if(shared().models().begin(), shared().models().end(),
                                         [](const auto& m) { return has(m.output_modalities, "text"); });
  BOOST_TEST(body.at("total_count").as_int64() == text_models);
  BOOST_TEST(listed.size() == static_cast<std::size_t>(text_models));
  BOOST_TEST(body.at("links").at("next").is_null());
  BOOST_TEST(!contains(listed, "black-forest-labs/flux-1-schnell"));
  BOOST_TEST(!contains(listed, "openai/text-embedding-3-small"));
  BOOST_TEST(contains(listed, "google/gemini-2.5-flash-image"));  // image+text output
  BOOST_TEST(contains(listed, "openai/gpt-4o-mini"));
  // Default order is the catalog's own.
  BOOST_TEST(listed.front() == shared().models().front().id);

  const auto all = list({{"output_modalities", "all"}});
  BOOST_TEST(all.at("total_count").as_int64() == static_cast<std::int64_t>(shared().models().size()));
  BOOST_TEST(contains(ids(all), "black-forest-labs/flux-1-schnell"));

  const auto images = ids(list({{"output_modalities", "image"}}));
  BOOST_TEST(contains(images, "black-forest-labs/flux-1-schnell"));
  BOOST_TEST(contains(images, "google/gemini-2.5-flash-image"));
  BOOST_TEST(!contains(images, "openai/gpt-4o-mini"));

  const auto embeddings = ids(list({{"output_modalities", "embeddings,audio"}}));
  BOOST_TEST(contains(embeddings, "openai/text-embedding-3-small"));
  BOOST_TEST(contains(embeddings, "openai/gpt-4o-audio-preview"));
  BOOST_TEST(!contains(embeddings, "openai/gpt-4o-mini"));
}

BOOST_AUTO_TEST_CASE(list_filters_by_supported_parameters) {
  const auto body = list({{"supported_parameters", "tools,response_format"}});
  const auto listed = ids(body);
  BOOST_TEST(!listed.empty());
  BOOST_TEST(listed.size() < ids(list({})).size());
  for (const auto& id : listed) {
    BOOST_TEST(has(model(id).supported_parameters, "tools"), id);
    BOOST_TEST(has(model(id).supported_parameters, "response_format"), id);
  }
  BOOST_TEST(contains(listed, "openai/gpt-4o-mini"));
  BOOST_TEST(!contains(listed, "mistralai/mistral-7b-instruct"));
  BOOST_TEST(!contains(listed, "anthropic/claude-3.5-haiku"));
  BOOST_TEST(ids(list({{"supported_parameters", "no_such_parameter"}})).empty());
}

BOOST_AUTO_TEST_CASE(list_filters_by_input_modalities) {
  const auto files = ids(list({{"input_modalities", "file"}}));
  BOOST_TEST(!files.empty());
  for (const auto& id : files) BOOST_TEST(has(model(id).input_modalities, "file"), id);
  BOOST_TEST(contains(files, "openai/gpt-4o-mini"));
  BOOST_TEST(!contains(files, "anthropic/claude-3.5-haiku"));

  const auto both = ids(list({{"input_modalities", "image,audio"}}));
  for (const auto& id : both) {
    BOOST_TEST(has(model(id).input_modalities, "image"), id);
    BOOST_TEST(has(model(id).input_modalities, "audio"), id);
  }
  BOOST_TEST(contains(both, "google/gemini-2.5-flash"));
}

BOOST_AUTO_TEST_CASE(list_searches_case_insensitively) {
  const auto hits = ids(list({{"q", "GPT-4O-MINI"}}));
  BOOST_TEST(contains(hits, "openai/gpt-4o-mini"));
  for (const auto& id : hits) {
    std::string haystack = id + " " + std::string(model(id).json.at("name").as_string());
    std::transform(haystack.begin(), haystack.end(), haystack.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    BOOST_TEST(haystack.find("gpt-4o-mini") != std::string::npos, id);
  }
  // Matches the display name too, not only the id.
  BOOST_TEST(contains(ids(list({{"q", "nano banana"}})), "google/gemini-2.5-flash-image"));
  BOOST_TEST(ids(list({{"q", "no-such-model-anywhere"}})).empty());
}

BOOST_AUTO_TEST_CASE(list_filters_by_context_and_category_and_authors) {
  const auto long_context = ids(list({{"context", "1000000"}}));
  BOOST_TEST(!long_context.empty());
  for (const auto& id : long_context) BOOST_TEST(model(id).context_length >= 1000000, id);
  BOOST_TEST(contains(long_context, "google/gemini-2.5-flash"));
  BOOST_TEST(!contains(long_context, "openai/gpt-4o-mini"));
  list_error({{"context", "lots"}});
  list_error({{"context", "0"}});

  const auto programming = ids(list({{"category", "programming"}}));
  BOOST_TEST(!programming.empty());
  for (const auto& id : programming) BOOST_TEST(has(model(id).categories, "programming"), id);
  BOOST_TEST(ids(list({{"category", "astrology"}})).empty());

  const auto authored = ids(list({{"model_authors", "openai,anthropic"}}));
  for (const auto& id : authored)
    BOOST_TEST((id.rfind("openai/", 0) == 0 || id.rfind("anthropic/", 0) == 0), id);
  BOOST_TEST(contains(authored, "openai/gpt-4o-mini"));
  BOOST_TEST(contains(authored, "anthropic/claude-3.5-haiku"));
}

BOOST_AUTO_TEST_CASE(list_filters_by_prompt_price_per_million) {
  const auto cheap = ids(list({{"max_price", "0.15"}}));
  BOOST_TEST(contains(cheap, "openai/gpt-4o-mini"));  // exactly $0.15/M is within the bound
  BOOST_TEST(!contains(cheap, "openrouter/auto"));    // "-1" is no price
  BOOST_TEST(!contains(cheap, "anthropic/claude-sonnet-4.5"));
  for (const auto& id : cheap) BOOST_TEST(model(id).prompt_price * 1e6 <= 0.15 + 1e-9, id);

  const auto pricey = ids(list({{"min_price", "1"}, {"max_price", "5"}}));
  BOOST_TEST(contains(pricey, "anthropic/claude-sonnet-4.5"));
  for (const auto& id : pricey) {
    BOOST_TEST(model(id).prompt_price * 1e6 >= 1 - 1e-9, id);
    BOOST_TEST(model(id).prompt_price * 1e6 <= 5 + 1e-9, id);
  }
  list_error({{"min_price", "-1"}});
  list_error({{"max_price", "cheap"}});
}

BOOST_AUTO_TEST_CASE(list_filters_by_hosting_and_family) {
  const auto zdr = ids(list({{"zdr", "true"}}));
  BOOST_TEST(contains(zdr, "openai/gpt-4o-mini"));  // via Azure
  BOOST_TEST(!contains(zdr, "deepseek/deepseek-chat-v3-0324:free"));
  for (const auto& id : zdr) {
    const auto& eps = model(id).endpoints;
    BOOST_TEST(std::any_of(eps.begin(), eps.end(), [](const auto& e) { return e.zdr; }), id);
  }

  const auto groq = ids(list({{"providers", "Groq,Cerebras"}}));
  BOOST_TEST(contains(groq, "meta-llama/llama-3.3-70b-instruct"));
  for (const auto& id : groq) {
    const auto& eps = model(id).endpoints;
    BOOST_TEST(
        std::any_of(eps.begin(), eps.end(),
                    [](const auto& e) { return e.provider_name == "Groq" || e.provider_name == "Cerebras"; }),
        id);
  }

  const auto claude = ids(list({{"arch", "claude"}}));
  BOOST_TEST(contains(claude, "anthropic/claude-3.5-haiku"));
  for (const auto& id : claude)
    BOOST_TEST(model(id).json.at("architecture").at("tokenizer").as_string() == "Claude");

  for (const auto& id : ids(list({{"max_output_price", "1"}})))
    BOOST_TEST(model(id).completion_price * 1e6 <= 1 + 1e-9, id);
}

BOOST_AUTO_TEST_CASE(list_sorts) {
  const auto sorted = [](std::string_view sort) {
    std::vector<const model_info*> out;
    for (const auto& id : ids(list({{"sort", std::string(sort)}}))) out.push_back(&model(id));
    BOOST_TEST(out.size() == ids(list({})).size());
    return out;
  };
  const auto newest = sorted("newest");
  for (std::size_t i = 1; i < newest.size(); ++i)
    BOOST_TEST(newest[i - 1]->json.at("created").as_int64() >= newest[i]->json.at("created").as_int64());

  const auto context = sorted("context-high-to-low");
  for (std::size_t i = 1; i < context.size(); ++i)
    BOOST_TEST(context[i - 1]->context_length >= context[i]->context_length);

  const auto average = [](const model_info* m) { return (m->prompt_price + m->completion_price) / 2; };
  const auto low = sorted("pricing-low-to-high");
  const auto high = sorted("pricing-high-to-low");
  // The router has no price of its own: it goes last either way.
  BOOST_TEST(low.back()->id == "openrouter/auto");
  BOOST_TEST(high.back()->id == "openrouter/auto");
  for (std::size_t i = 1; i + 1 < low.size(); ++i) {
    BOOST_TEST(average(low[i - 1]) <= average(low[i]));
    BOOST_TEST(average(high[i - 1]) >= average(high[i]));
  }

  // Unknown or unsupported sorts keep the default order.
  BOOST_TEST(ids(list({{"sort", "most-popular"}})) == ids(list({})));
}

BOOST_AUTO_TEST_CASE(list_paginates_only_on_request) {
  const auto everything = ids(list({}));
  const auto total = static_cast<std::int64_t>(everything.size());

  const auto first = list({{"limit", "50"}});
  BOOST_TEST(ids(first).size() == 50u);
  BOOST_TEST(first.at("total_count").as_int64() == total);
  BOOST_TEST(first.at("links").at("next").as_string() == "/api/v1/models?offset=50&limit=50");

  // Walking the pages gives the unpaginated list back.
  std::vector<std::string> walked;
  for (std::int64_t offset = 0; offset < total; offset += 50) {
    const auto page = list({{"offset", std::to_string(offset)}, {"limit", "50"}});
    const auto page_ids = ids(page);
    walked.insert(walked.end(), page_ids.begin(), page_ids.end());
    const auto& next = page.at("links").at("next");
    if (offset + 50 < total)
      BOOST_TEST(next.as_string() == "/api/v1/models?offset=" + std::to_string(offset + 50) + "&limit=50");
    else
      BOOST_TEST(next.is_null());
  }
  BOOST_TEST(walked == everything);

  const auto offset_only = list({{"offset", "10"}});  // limit defaults to 500
  BOOST_TEST(ids(offset_only).size() == everything.size() - 10);
  BOOST_TEST(offset_only.at("links").at("next").is_null());

  const auto past_end = list({{"offset", "100000"}});
  BOOST_TEST(ids(past_end).empty());
  BOOST_TEST(past_end.at("total_count").as_int64() == total);

  // Pagination applies after filtering.
  const auto filtered = list({{"model_authors", "openai"}, {"limit", "2"}});
  BOOST_TEST(ids(filtered).size() == 2u);
  BOOST_TEST(filtered.at("total_count").as_int64() ==
             static_cast<std::int64_t>(ids(list({{"model_authors", "openai"}})).size()));

  for (auto bad : {"0", "1001", "ten", "-5", ""})
    BOOST_TEST(list_error({{"limit", bad}}).find("limit") != std::string::npos);
  for (auto bad : {"-1", "x", "1.5"})
    BOOST_TEST(list_error({{"offset", bad}}).find("offset") != std::string::npos);
  BOOST_TEST(ids(list({{"limit", "1000"}})).size() == everything.size());
}

BOOST_AUTO_TEST_CASE(endpoints_of_a_model) {
  const auto body = shared().endpoints("meta-llama", "llama-3.3-70b-instruct");
  BOOST_TEST_REQUIRE(body.has_value());
  const auto& data = body->at("data").as_object();
  const auto& m = model("meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(data.at("id").as_string() == m.id);
  BOOST_TEST(data.at("name") == m.json.at("name"));
  BOOST_TEST(data.at("created") == m.json.at("created"));
  BOOST_TEST(data.at("description") == m.json.at("description"));
  check_architecture(data.at("architecture").as_object());
  BOOST_TEST(data.at("architecture").as_object().contains("instruct_type"));
  const auto& rows = data.at("endpoints").as_array();
  BOOST_TEST_REQUIRE(rows.size() == m.endpoints.size());
  for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(rows[i] == json::value(m.endpoints[i].json));
  BOOST_TEST(rows[0].at("name").as_string() == "DeepInfra: Llama 3.3 70B Instruct");
  BOOST_TEST(rows[0].at("model_name").as_string() == "Llama 3.3 70B Instruct");

  BOOST_TEST(!shared().endpoints("meta-llama", "no-such-model").has_value());
  BOOST_TEST(!shared().endpoints("nobody", "gpt-4o-mini").has_value());

  const auto free_body = shared().endpoints("mistralai", "mistral-7b-instruct:free");
  BOOST_TEST_REQUIRE(free_body.has_value());
  BOOST_TEST(free_body->at("data").at("id").as_string() == "mistralai/mistral-7b-instruct:free");
  for (const auto& e : free_body->at("data").at("endpoints").as_array()) {
    BOOST_TEST(e.at("pricing").at("prompt").as_string() == "0");
    BOOST_TEST(e.at("pricing").at("completion").as_string() == "0");
    BOOST_TEST(e.at("model_id").as_string() ==
               model("mistralai/mistral-7b-instruct").json.at("canonical_slug").as_string());
  }
}

BOOST_AUTO_TEST_CASE(providers_list) {
  const auto body = shared().providers();
  const auto& data = body.at("data").as_array();
  BOOST_TEST(data.size() >= 25u);
  static const std::regex country("[A-Z]{2}");
  std::set<std::string> slugs;
  for (const auto& v : data) {
    const auto& p = v.as_object();
    BOOST_TEST_CONTEXT(json::serialize(p)) {
      BOOST_TEST(!p.at("name").as_string().empty());
      BOOST_TEST(slugs.insert(std::string(p.at("slug").as_string())).second);
      for (auto key : {"privacy_policy_url", "terms_of_service_url", "status_page_url"}) {
        const auto& url = p.at(key);
        BOOST_TEST((url.is_null() || std::string_view(url.as_string()).starts_with("https://")));
      }
      BOOST_TEST(std::regex_match(p.at("headquarters").as_string().c_str(), country));
      for (const auto& dc : p.at("datacenters").as_array())
        BOOST_TEST(std::regex_match(dc.as_string().c_str(), country));
    }
  }
  for (auto slug : {"openai", "azure", "anthropic", "deepinfra", "together", "groq"})
    BOOST_TEST(slugs.count(slug));
  // Every provider that serves a model is listed (the router's pseudo-provider aside).
  for (const auto& m : shared().models())
    if (m.id != "openrouter/auto")
      for (const auto& e : m.endpoints) BOOST_TEST(slugs.count(e.provider_slug), e.provider_slug);
}

BOOST_AUTO_TEST_SUITE_END()
