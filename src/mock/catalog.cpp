// The mock's catalog. Hand-written well-known models (docs and tests rely on their exact
// properties) come first, then a seeded bulk drawn from per-author templates. Both go through
// one builder that turns a `model_spec` into spec-shaped Model and PublicEndpoint JSON, so the
// typed fields and the wire JSON cannot disagree.
#include "catalog.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace openrouter::mock {
namespace {

namespace json = boost::json;
using namespace std::string_view_literals;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: splitmix64 and integer arithmetic only, because std::
// distributions differ between standard libraries and the catalog must be the same everywhere.

class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }  // bias is irrelevant here
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool percent(unsigned p) { return below(100) < p; }
  /// Uniform in [lo, hi], rounded to `decimals` places.
  double real(double lo, double hi, int decimals);
  template <class Container>
  auto pick(const Container& c) {  // by value: callers often pass temporaries
    return c[below(std::size(c))];
  }

 private:
  std::uint64_t state_;
};

// A table rather than std::pow, whose last-bit accuracy varies between libms.
double round_to(double x, int decimals) {
  constexpr std::array<double, 4> scale = {1, 10, 100, 1000};
  return std::round(x * scale.at(static_cast<std::size_t>(decimals))) /
         scale.at(static_cast<std::size_t>(decimals));
}

double splitmix64::real(double lo, double hi, int decimals) {
  const double unit = static_cast<double>(next() >> 11) * 0x1.0p-53;
  return round_to(lo + (hi - lo) * unit, decimals);
}

std::string concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

std::vector<std::string_view> split_csv(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    auto item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

template <class Range>
json::array to_json_array(const Range& items) {
  json::array out;
  out.reserve(std::size(items));
  for (const auto& s : items) out.emplace_back(std::string_view(s));
  return out;
}

json::value nullable(std::string_view s) { return s.empty() ? json::value(nullptr) : json::value(s); }

template <class T>
json::value nullable(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// ---------------------------------------------------------------------------------------------
// Dates (Howard Hinnant's civil-calendar algorithms; no time zone or locale involved).

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr std::int64_t unix_time(int y, unsigned m, unsigned d) { return days_from_civil(y, m, d) * 86400; }

struct civil_date {
  int year;
  unsigned month, day;
};

civil_date civil_from_unix(std::int64_t unix_seconds) {
  const std::int64_t z = unix_seconds / 86400 + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), m, d};
}

/// "YYYY-MM-DD", or with `compact` "YYYYMMDD" (canonical slugs carry the latter).
std::string format_date(std::int64_t unix_seconds, bool compact = false) {
  const auto c = civil_from_unix(unix_seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, compact ? "%04d%02u%02u" : "%04d-%02u-%02u", c.year, c.month, c.day);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Supported parameters, in the order of the spec's `Parameter` enum. Sets are bit masks so
// that endpoint subsets and the model-level union are cheap and always in canonical order.

// clang-format off
constexpr std::array k_parameters = {
    "temperature"sv,       "top_p"sv,          "top_k"sv,
    "min_p"sv,             "top_a"sv,          "frequency_penalty"sv,
    "presence_penalty"sv,  "repetition_penalty"sv, "max_tokens"sv,
    "max_completion_tokens"sv, "logit_bias"sv, "logprobs"sv,
    "top_logprobs"sv,      "prediction"sv,     "seed"sv,
    "response_format"sv,   "structured_outputs"sv, "stop"sv,
    "tools"sv,             "tool_choice"sv,    "parallel_tool_calls"sv,
    "include_reasoning"sv, "reasoning"sv,      "reasoning_effort"sv,
    "web_search_options"sv, "verbosity"sv};
// clang-format on

using param_mask = std::uint32_t;

/// A typo in a parameter name is a compile error (the throw cannot be constant-evaluated).
consteval param_mask params(std::initializer_list<std::string_view> names) {
  param_mask mask = 0;
  for (auto name : names) {
    std::size_t i = 0;
    while (i < k_parameters.size() && k_parameters[i] != name) ++i;
    if (i == k_parameters.size()) throw "unknown parameter";
    mask |= param_mask{1} << i;
  }
  return mask;
}

constexpr param_mask k_sampling =
    params({"temperature", "top_p", "max_tokens", "stop", "frequency_penalty", "presence_penalty", "seed"});
constexpr param_mask k_open_sampling = params({"top_k", "min_p", "repetition_penalty", "logit_bias"});
constexpr param_mask k_tools = params({"tools", "tool_choice"});
constexpr param_mask k_parallel_tools = params({"parallel_tool_calls"});
constexpr param_mask k_json_mode = params({"response_format"});
constexpr param_mask k_structured = params({"structured_outputs"});
constexpr param_mask k_reasoning = params({"reasoning", "include_reasoning"});
constexpr param_mask k_effort = params({"reasoning_effort"});
constexpr param_mask k_logprobs = params({"logprobs", "top_logprobs"});

std::vector<std::string> parameter_names(param_mask mask) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < k_parameters.size(); ++i)
    if (mask & (param_mask{1} << i)) out.emplace_back(k_parameters[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prices are integers in nano-USD (1e-9 USD): per token for token prices, per unit otherwise.
// Exact integers keep the decimal strings clean ("0.00000015") and make the typed double the
// correctly rounded value of that string.

enum price_key : std::size_t {
  p_prompt,
  p_completion,
  p_request,
  p_image,
  p_image_output,
  p_audio,
  p_web_search,
  p_internal_reasoning,
  p_input_cache_read,
  p_input_cache_write,
  price_key_count
};

constexpr std::array<std::string_view, price_key_count> k_price_names = {
    "prompt",           "completion",
    "request",          "image",
    "image_output",     "audio",
    "web_search",       "internal_reasoning",
    "input_cache_read", "input_cache_write"};

using price_table = std::array<std::optional<std::int64_t>, price_key_count>;

constexpr std::int64_t k_usd = 1'000'000'000;
constexpr std::int64_t k_router_price = -k_usd;  // "-1": priced by the model it routes to

/// Always lists prompt, completion, request and image, like the real catalog does.
price_table base_prices(std::int64_t prompt, std::int64_t completion,
                        std::initializer_list<std::pair<price_key, std::int64_t>> extra = {}) {
  price_table t{};
  t[p_prompt] = prompt;
  t[p_completion] = completion;
  t[p_request] = 0;
  t[p_image] = 0;
  for (auto [key, nano] : extra) t[key] = nano;
  return t;
}

std::int64_t scale_price(std::int64_t nano, int pct) { return nano < 0 ? nano : (nano * pct + 50) / 100; }

std::string format_usd(std::int64_t nano) {
  std::string out = nano < 0 ? "-" : "";
  const std::uint64_t v = nano < 0 ? -static_cast<std::uint64_t>(nano) : static_cast<std::uint64_t>(nano);
  out += std::to_string(v / k_usd);
  if (const auto frac = v % k_usd) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09llu", static_cast<unsigned long long>(frac));
    std::string_view digits(buf, 9);
    while (digits.back() == '0') digits.remove_suffix(1);
    out += '.';
    out += digits;
  }
  return out;
}

double usd(const std::optional<std::int64_t>& nano) {
  return nano ? static_cast<double>(*nano) / static_cast<double>(k_usd) : 0.0;
}

// ---------------------------------------------------------------------------------------------
// Providers (display names are values of the spec's ProviderName enum).

enum class provider_role { first_party, host, free_host };

struct provider_def {
  std::string_view slug, name, domain, headquarters;
  std::string_view datacenters;  // comma-separated ISO 3166-1 alpha-2 codes
  bool status_page;
  bool trains_on_data;       // default data policy of its endpoints
  bool zdr;                  // offers zero-data-retention endpoints
  bool implicit_caching;     // caches prompts without cache_control
  std::string_view variant;  // an extra routable tag, e.g. "turbo" -> "deepinfra/turbo"
  provider_role role;
  bool listed = true;  // false: only the router pseudo-provider, absent from /providers
};

constexpr auto k_first_party = provider_role::first_party;
constexpr auto k_host = provider_role::host;
constexpr auto k_free_host = provider_role::free_host;

// clang-format off
constexpr std::array k_providers = {
  //            slug                 name                 domain              hq    datacenters       status train  zdr    cache  variant
  provider_def{"openai",            "OpenAI",            "openai.com",        "US", "US",             true,  false, false, true,  "",       k_first_party},
  provider_def{"azure",             "Azure",             "azure.microsoft.com","US", "US,IE,NL,SE,JP", true,  false, true,  true,  "",       k_first_party},
  provider_def{"anthropic",         "Anthropic",         "anthropic.com",     "US", "US",             true,  false, true,  false, "",       k_first_party},
  provider_def{"google-vertex",     "Google",            "cloud.google.com",  "US", "US,BE,NL,JP,SG", true,  false, true,  true,  "global", k_first_party},
  provider_def{"google-ai-studio",  "Google AI Studio",  "ai.google.dev",     "US", "US",             true,  false, false, true,  "",       k_first_party},
  provider_def{"amazon-bedrock",    "Amazon Bedrock",    "aws.amazon.com",    "US", "US,DE,JP",       true,  false, true,  false, "",       k_first_party},
  provider_def{"mistral",           "Mistral",           "mistral.ai",        "FR", "FR,SE",          true,  false, false, false, "",       k_first_party},
  provider_def{"deepseek",          "DeepSeek",          "deepseek.com",      "CN", "CN",             true,  false, false, true,  "",       k_first_party},
  provider_def{"xai",               "xAI",               "x.ai",              "US", "US",             true,  false, false, true,  "",       k_first_party},
  provider_def{"cohere",            "Cohere",            "cohere.com",        "CA", "US,CA",          true,  false, false, false, "",       k_first_party},
  provider_def{"perplexity",        "Perplexity",        "perplexity.ai",     "US", "US",             true,  false, false, false, "",       k_first_party},
  provider_def{"black-forest-labs", "Black Forest Labs", "bfl.ai",            "DE", "DE,US",          false, false, false, false, "",       k_first_party},
  provider_def{"alibaba",           "Alibaba",           "alibabacloud.com",  "CN", "CN,SG",          true,  false, false, true,  "",       k_first_party},
  provider_def{"moonshotai",        "Moonshot AI",       "moonshot.ai",       "CN", "CN",             false, false, false, true,  "",       k_first_party},
  provider_def{"z-ai",              "Z.AI",              "z.ai",              "CN", "CN,SG",          false, false, false, true,  "",       k_first_party},
  provider_def{"ai21",              "AI21",              "ai21.com",          "IL", "US",             true,  false, false, false, "",       k_first_party},
  provider_def{"minimax",           "Minimax",           "minimax.io",        "CN", "CN,SG",          false, false, false, false, "",       k_first_party},
  provider_def{"liquid",            "Liquid",            "liquid.ai",         "US", "US",             false, false, false, false, "",       k_first_party},
  provider_def{"nvidia",            "Nvidia",            "nvidia.com",        "US", "US",             true,  false, false, false, "",       k_first_party},
  provider_def{"deepinfra",         "DeepInfra",         "deepinfra.com",     "US", "US",             true,  false, true,  false, "turbo",  k_host},
  provider_def{"together",          "Together",          "together.ai",       "US", "US",             true,  false, true,  false, "",       k_host},
  provider_def{"fireworks",         "Fireworks",         "fireworks.ai",      "US", "US",             true,  false, true,  true,  "",       k_host},
  provider_def{"groq",              "Groq",              "groq.com",          "US", "US,FI",          true,  false, true,  false, "",       k_host},
  provider_def{"cerebras",          "Cerebras",          "cerebras.ai",       "US", "US,CA",          true,  false, true,  false, "",       k_host},
  provider_def{"novita",            "Novita",            "novita.ai",         "US", "US,SG",          true,  false, false, false, "",       k_host},
  provider_def{"nebius",            "Nebius",            "nebius.com",        "NL", "FI,NL,US",       true,  false, true,  false, "",       k_host},
  provider_def{"parasail",          "Parasail",          "parasail.io",       "US", "US",             false, false, true,  false, "",       k_host},
  provider_def{"sambanova",         "SambaNova",         "sambanova.ai",      "US", "US",             true,  false, true,  false, "",       k_host},
  provider_def{"chutes",            "Chutes",            "chutes.ai",         "US", "US",             false, true,  false, false, "",       k_free_host},
  provider_def{"siliconflow",       "SiliconFlow",       "siliconflow.com",   "CN", "CN,SG",          false, true,  false, false, "",       k_host},
  provider_def{"friendli",          "Friendli",          "friendli.ai",       "KR", "KR,US",          true,  false, true,  false, "",       k_host},
  provider_def{"baseten",           "BaseTen",           "baseten.co",        "US", "US",             true,  false, true,  false, "",       k_host},
  provider_def{"crusoe",            "Crusoe",            "crusoe.ai",         "US", "US,IS",          true,  false, true,  false, "",       k_host},
  provider_def{"venice",            "Venice",            "venice.ai",         "US", "US",             false, false, true,  false, "",       k_free_host},
  provider_def{"atlas-cloud",       "AtlasCloud",        "atlascloud.ai",     "US", "US",             false, false, false, false, "",       k_host},
  provider_def{"gmicloud",          "GMICloud",          "gmicloud.ai",       "US", "US,TW",          false, false, false, false, "",       k_host},
  // The auto router's single endpoint. "OpenRouter" is not in the spec's ProviderName enum
  // (the router is no upstream provider), so it stays out of /providers.
  provider_def{"openrouter",        "OpenRouter",        "openrouter.ai",     "US", "US",             true,  false, false, false, "",       k_first_party, false},
};
// clang-format on

const provider_def& provider(std::string_view slug) {
  for (const auto& p : k_providers)
    if (p.slug == slug) return p;
  throw std::logic_error(concat({"catalog: unknown provider ", slug}));
}

json::object provider_json(const provider_def& p) {
  json::object o;
  o["name"] = p.name;
  o["slug"] = p.slug;
  o["privacy_policy_url"] = concat({"https://", p.domain, "/privacy"});
  o["terms_of_service_url"] = concat({"https://", p.domain, "/terms"});
  o["status_page_url"] =
      p.status_page ? json::value(concat({"https://status.", p.domain})) : json::value(nullptr);
  o["headquarters"] = p.headquarters;
  o["datacenters"] = to_json_array(split_csv(p.datacenters));
  return o;
}

// ---------------------------------------------------------------------------------------------
// What a model is, before it becomes JSON. Well-known models are written as designated
// initializers of these; the bulk generator fills them from templates.

struct endpoint_spec {
  std::string_view provider;      // slug in k_providers
  std::string_view variant = {};  // tag suffix: "turbo" -> "deepinfra/turbo"
  std::string_view quantization = "unknown";
  int price_pct = 100;                      // relative to the model's base prices
  param_mask drop = 0;                      // model parameters this endpoint does not support
  std::optional<bool> trains_on_data = {};  // default: the provider's policy
  std::optional<bool> zdr = {};             // default: the provider's offer, unless it trains
  std::optional<double> discount = {};
  std::int64_t context_length = 0;  // 0: the model's
  int status = 0;                   // spec EndpointStatus; 0 is OK
  bool has_stats = true;            // false: too new for uptime/latency data (nulls)
};

/// Conditional price: prompt and completion scaled when the condition holds.
struct override_spec {
  std::optional<std::int64_t> min_prompt_tokens = {};
  std::optional<int> utc_start = {}, utc_end = {};
  int prompt_pct = 100, completion_pct = 100;
};

struct reasoning_spec {
  bool mandatory = false;
  std::vector<std::string_view> efforts = {};  // highest first; empty: null (no allowlist)
  std::string_view default_effort = {};        // empty: omitted
  bool default_enabled = true;
  bool supports_max_tokens = false;
};

struct model_spec {
  std::string id, name, description;
  std::string canonical_slug = {};  // empty: the id without its variant suffix
  std::optional<std::string> hugging_face_id = {};
  std::int64_t created = 0;
  std::int64_t context_length = 0;
  std::optional<std::int64_t> max_completion_tokens = {};
  std::vector<std::string_view> input = {"text"}, output = {"text"};
  std::string_view tokenizer = "Other";
  std::string_view instruct_type = {};  // empty: null
  param_mask parameters = 0;            // endpoints may support fewer (endpoint_spec::drop)
  std::optional<reasoning_spec> reasoning = {};
  price_table prices = {};
  std::vector<override_spec> overrides = {};
  bool is_moderated = false;
  std::optional<std::pair<std::int64_t, std::int64_t>> per_request_limits = {};
  json::value default_parameters = nullptr;
  std::vector<std::string_view> voices = {};  // empty: null (not a TTS model)
  std::optional<std::string> expiration_date = {}, knowledge_cutoff = {};
  json::value benchmarks = nullptr;  // null: omitted
  std::vector<std::string_view> categories = {};
  std::vector<endpoint_spec> endpoints = {};
};

/// A ":free" variant: same model, every price "0", its own (usually fewer) endpoints.
model_spec free_variant(const model_spec& base, std::vector<endpoint_spec> endpoints) {
  model_spec f = base;
  f.id += ":free";
  f.name += " (free)";
  f.description += " This free variant has lower rate limits; some of its providers may log prompts.";
  if (f.canonical_slug.empty()) f.canonical_slug = base.id;
  for (auto& price : f.prices)
    if (price) price = 0;
  f.overrides.clear();
  f.benchmarks = nullptr;
  f.endpoints = std::move(endpoints);
  return f;
}

std::string_view without_variant(std::string_view id) { return id.substr(0, id.find(':')); }

/// "Meta: Llama 3.3 70B Instruct" -> "Llama 3.3 70B Instruct"
std::string_view short_name(std::string_view name) {
  const auto colon = name.find(": ");
  return colon == std::string_view::npos ? name : name.substr(colon + 2);
}

// ---------------------------------------------------------------------------------------------
// spec -> model_info

json::object percentiles(double p50, const std::array<double, 3>& factors, int decimals) {
  json::object o;
  o["p50"] = round_to(p50, decimals);
  o["p75"] = round_to(p50 * factors[0], decimals);
  o["p90"] = round_to(p50 * factors[1], decimals);
  o["p99"] = round_to(p50 * factors[2], decimals);
  return o;
}

json::object pricing_json(const price_table& prices, const std::vector<override_spec>& overrides,
                          const std::optional<double>& discount) {
  json::object o;
  for (std::size_t k = 0; k < price_key_count; ++k)
    if (prices[k]) o[k_price_names[k]] = format_usd(*prices[k]);
  if (discount) o["discount"] = *discount;
  if (!overrides.empty()) {
    json::array list;
    for (const auto& ov : overrides) {
      json::object e;
      if (ov.min_prompt_tokens) e["min_prompt_tokens"] = *ov.min_prompt_tokens;
      if (ov.utc_start) e["utc_start"] = *ov.utc_start;
      if (ov.utc_end) e["utc_end"] = *ov.utc_end;
      e["prompt"] = format_usd(scale_price(*prices[p_prompt], ov.prompt_pct));
      e["completion"] = format_usd(scale_price(*prices[p_completion], ov.completion_pct));
      list.emplace_back(std::move(e));
    }
    o["overrides"] = std::move(list);
  }
  return o;
}

json::object architecture_json(const model_spec& m) {
  json::object a;
  std::string modality;
  for (auto in : m.input) modality += concat({modality.empty() ? "" : "+", in});
  modality += "->";
  for (std::size_t i = 0; i < m.output.size(); ++i) modality += concat({i ? "+" : "", m.output[i]});
  a["modality"] = modality;
  a["input_modalities"] = to_json_array(m.input);
  a["output_modalities"] = to_json_array(m.output);
  a["tokenizer"] = m.tokenizer;
  a["instruct_type"] = nullable(m.instruct_type);
  return a;
}

json::object reasoning_json(const reasoning_spec& r) {
  json::object o;
  o["mandatory"] = r.mandatory;
  o["supported_efforts"] = r.efforts.empty() ? json::value(nullptr) : json::value(to_json_array(r.efforts));
  if (!r.default_effort.empty()) o["default_effort"] = r.default_effort;
  o["default_enabled"] = r.default_enabled;
  if (r.supports_max_tokens) o["supports_max_tokens"] = true;
  return o;
}

endpoint_info build_endpoint(splitmix64& rng, const model_spec& m, const endpoint_spec& e) {
  const provider_def& p = provider(e.provider);
  price_table prices = m.prices;
  for (auto& price : prices)
    if (price) price = scale_price(*price, e.price_pct);
  const param_mask mask = m.parameters & ~e.drop;

  endpoint_info out;
  out.provider_slug = p.slug;
  out.provider_name = p.name;
  out.tag = e.variant.empty() ? std::string(p.slug) : concat({p.slug, "/", e.variant});
  out.quantization = e.quantization;
  out.prompt_price = usd(prices[p_prompt]);
  out.completion_price = usd(prices[p_completion]);
  out.request_price = usd(prices[p_request]);
  out.supported_parameters = parameter_names(mask);
  out.trains_on_data = e.trains_on_data.value_or(p.trains_on_data);
  out.zdr = e.zdr.value_or(p.zdr && !out.trains_on_data);
  out.context_length = e.context_length ? e.context_length : m.context_length;

  const auto model_name = short_name(m.name);
  auto& j = out.json;
  j["name"] = concat({p.name, ": ", model_name});
  j["model_id"] = m.canonical_slug.empty() ? without_variant(m.id) : std::string_view(m.canonical_slug);
  j["model_name"] = model_name;
  j["provider_name"] = p.name;
  j["tag"] = out.tag;
  j["context_length"] = out.context_length;
  // A host serving a shorter context cannot complete more tokens than that context holds.
  j["max_completion_tokens"] =
      m.max_completion_tokens ? json::value(std::min(*m.max_completion_tokens, out.context_length)) : nullptr;
  j["max_prompt_tokens"] = nullptr;
  j["quantization"] = out.quantization;
  j["supported_parameters"] = to_json_array(out.supported_parameters);
  j["supports_implicit_caching"] = p.implicit_caching;
  // Which tool_choice values the endpoint honours (the official SDK requires the member; the
  // spec we hold predates it): all of them where it takes tools and tool_choice, none otherwise.
  const bool tools = (mask & params({"tools"})) != 0, choice = (mask & params({"tool_choice"})) != 0;
  j["supports_tool_choice"] = {{"auto", tools}, {"none", tools}, {"required", tools && choice},
                               {"function", tools && choice}};
  if (!m.voices.empty()) j["supports_voice_cloning"] = false;
  j["pricing"] = pricing_json(prices, m.overrides, e.discount);
  j["status"] = e.status;
  if (e.has_stats) {
    // Latency in seconds, throughput in tokens/s (as in the reference's example).
    j["uptime_last_5m"] = rng.percent(80) ? 100.0 : rng.real(90, 99.9, 1);
    j["uptime_last_30m"] = rng.real(97, 100, 1);
    j["uptime_last_1d"] = rng.real(98, 100, 1);
    j["latency_last_30m"] = percentiles(rng.real(0.2, 2.5, 2), {1.3, 1.8, 3.5}, 2);
    j["throughput_last_30m"] = percentiles(rng.real(20, 250, 1), {0.85, 0.65, 0.35}, 1);
  } else {
    for (auto key :
         {"uptime_last_5m", "uptime_last_30m", "uptime_last_1d", "latency_last_30m", "throughput_last_30m"})
      j[key] = nullptr;
  }
  return out;
}

double endpoint_cost(const endpoint_info& e) { return e.prompt_price + e.completion_price + e.request_price; }

model_info build_model(splitmix64& rng, const model_spec& m) {
  model_info info;
  info.id = m.id;
  info.input_modalities.assign(m.input.begin(), m.input.end());
  info.output_modalities.assign(m.output.begin(), m.output.end());
  info.categories.assign(m.categories.begin(), m.categories.end());
  info.context_length = m.context_length;
  info.reasoning = m.reasoning.has_value();

  param_mask offered = 0;  // what at least one endpoint supports
  for (const auto& e : m.endpoints) {
    info.endpoints.push_back(build_endpoint(rng, m, e));
    offered |= m.parameters & ~e.drop;
  }
  std::stable_sort(info.endpoints.begin(), info.endpoints.end(),
                   [](const auto& a, const auto& b) { return endpoint_cost(a) < endpoint_cost(b); });
  info.supported_parameters = parameter_names(offered);
  const endpoint_info& top = info.endpoints.front();
  info.prompt_price = top.prompt_price;
  info.completion_price = top.completion_price;

  // The Model's pricing is that of its cheapest endpoint.
  const auto& pricing = top.json.at("pricing").as_object();
  info.is_free = std::all_of(pricing.begin(), pricing.end(), [](const auto& kv) {
    return !kv.value().is_string() || kv.value().as_string() == "0";
  });

  auto& j = info.json;
  j["id"] = m.id;
  j["canonical_slug"] = m.canonical_slug.empty() ? without_variant(m.id) : std::string_view(m.canonical_slug);
  j["hugging_face_id"] = nullable(m.hugging_face_id);
  j["name"] = m.name;
  j["created"] = m.created;
  j["description"] = m.description;
  j["context_length"] = m.context_length;
  j["architecture"] = architecture_json(m);
  j["pricing"] = pricing;
  j["top_provider"] = json::object{{"context_length", top.context_length},
                                   {"max_completion_tokens", nullable(m.max_completion_tokens)},
                                   {"is_moderated", m.is_moderated}};
  j["per_request_limits"] =
      m.per_request_limits ? json::value(json::object{{"prompt_tokens", m.per_request_limits->first},
                                                      {"completion_tokens", m.per_request_limits->second}})
                           : json::value(nullptr);
  j["supported_parameters"] = to_json_array(info.supported_parameters);
  j["default_parameters"] = m.default_parameters;
  j["supported_voices"] = m.voices.empty() ? json::value(nullptr) : json::value(to_json_array(m.voices));
  if (m.reasoning) j["reasoning"] = reasoning_json(*m.reasoning);
  j["expiration_date"] = nullable(m.expiration_date);
  j["knowledge_cutoff"] = nullable(m.knowledge_cutoff);
  j["links"] = {{"details", concat({"/api/v1/models/", m.id, "/endpoints"})}};
  if (!m.benchmarks.is_null()) j["benchmarks"] = m.benchmarks;
  return info;
}

// ---------------------------------------------------------------------------------------------
// Well-known models. Tests and docs rely on these ids and properties; change with care.
//   openai/gpt-4o-mini                 text+image+file in, tools + structured outputs; OpenAI and
//                                      Azure (the Azure endpoint is ZDR)
//   google/gemini-2.5-flash            image+file (+audio, video) in, reasoning
//   anthropic/claude-3.5-haiku         tools but no response_format; three providers, all ZDR
//   anthropic/claude-sonnet-4.5        reasoning (max_tokens style), long-context price override
//   google/gemini-2.5-flash-image      output image+text
//   black-forest-labs/flux-1-schnell   output image only, priced per request
//   meta-llama/llama-3.3-70b-instruct  six endpoints: deepinfra/turbo (fp8) cheapest, together bf16,
//                                      groq without response_format, ...
//   mistralai/mistral-7b-instruct      no tools, no response_format
//   mistralai/mistral-7b-instruct:free every price "0"
//   deepseek/deepseek-chat-v3-0324:free  every endpoint trains on data
//   openai/text-embedding-3-small      output embeddings
//   openai/gpt-4o-audio-preview        audio in and out, supported_voices
//   openrouter/auto                    router pseudo-model, prices "-1"

constexpr param_mask k_openai_chat = k_sampling | params({"logit_bias", "logprobs", "top_logprobs"}) |
                                     k_tools | k_parallel_tools | k_json_mode | k_structured;

std::vector<model_spec> well_known_models() {
  std::vector<model_spec> out;

  out.push_back({
      .id = "openai/gpt-4o-mini",
      .name = "OpenAI: GPT-4o-mini",
      .description = "GPT-4o mini is OpenAI's small, affordable multimodal model. It accepts text, images "
                     "and files, supports tool calling and structured outputs, and is a strong default for "
                     "high-volume tasks.",
      .canonical_slug = "openai/gpt-4o-mini-2024-07-18",
      .created = unix_time(2024, 7, 18),
      .context_length = 128000,
      .max_completion_tokens = 16384,
      .input = {"text", "image", "file"},
      .tokenizer = "GPT",
      .parameters = k_openai_chat | params({"web_search_options"}),
      .prices =
          base_prices(150, 600, {{p_image, 217000}, {p_web_search, 10'000'000}, {p_input_cache_read, 75}}),
      .is_moderated = true,
      .default_parameters = {{"temperature", nullptr}, {"top_p", nullptr}, {"frequency_penalty", nullptr}},
      .knowledge_cutoff = "2023-10-01",
      .categories = {"programming", "technology", "translation"},
      .endpoints = {{.provider = "openai"}, {.provider = "azure"}},
  });

  out.push_back({
      .id = "google/gemini-2.5-flash",
      .name = "Google: Gemini 2.5 Flash",
      .description = "Gemini 2.5 Flash is Google's workhorse thinking model for reasoning, coding and math. "
                     "It reads text, images, files, audio and video within a 1M-token context.",
      .created = unix_time(2025, 6, 17),
      .context_length = 1048576,
      .max_completion_tokens = 65535,
      .input = {"text", "image", "file", "audio", "video"},
      .tokenizer = "Gemini",
      .parameters = params({"temperature", "top_p", "max_tokens", "stop", "seed", "tools", "tool_choice",
                            "response_format", "structured_outputs", "reasoning", "include_reasoning"}),
      .reasoning = reasoning_spec{.default_enabled = true, .supports_max_tokens = true},
      .prices = base_prices(300, 2500,
                            {{p_image, 1238000},
                             {p_audio, 1000},
                             {p_internal_reasoning, 2500},
                             {p_input_cache_read, 75},
                             {p_input_cache_write, 383}}),
      .knowledge_cutoff = "2025-01-31",
      .categories = {"programming", "science", "academia"},
      .endpoints = {{.provider = "google-vertex"}, {.provider = "google-ai-studio"}},
  });

  out.push_back({
      .id = "anthropic/claude-3.5-haiku",
      .name = "Anthropic: Claude 3.5 Haiku",
      .description = "Claude 3.5 Haiku is Anthropic's fastest model, with quick tool use and image "
                     "understanding for real-time applications.",
      .canonical_slug = "anthropic/claude-3-5-haiku-20241022",
      .created = unix_time(2024, 11, 4),
      .context_length = 200000,
      .max_completion_tokens = 8192,
      .input = {"text", "image"},
      .tokenizer = "Claude",
      .parameters = params({"max_tokens", "temperature", "top_p", "top_k", "stop", "tools", "tool_choice"}),
      .prices = base_prices(800, 4000, {{p_input_cache_read, 80}, {p_input_cache_write, 1000}}),
      .is_moderated = true,
      .knowledge_cutoff = "2024-07-01",
      .categories = {"programming", "technology"},
      .endpoints = {{.provider = "anthropic"}, {.provider = "amazon-bedrock"}, {.provider = "google-vertex"}},
  });

  out.push_back({
      .id = "anthropic/claude-sonnet-4.5",
      .name = "Anthropic: Claude Sonnet 4.5",
      .description =
          "Claude Sonnet 4.5 is Anthropic's most capable model for coding and long-running agents, "
          "with extended thinking and a 1M-token context window.",
      .canonical_slug = "anthropic/claude-4.5-sonnet-20250929",
      .created = unix_time(2025, 9, 29),
      .context_length = 1000000,
      .max_completion_tokens = 64000,
      .input = {"text", "image", "file"},
      .tokenizer = "Claude",
      .parameters = params({"max_tokens", "temperature", "top_p", "top_k", "stop", "tools", "tool_choice",
                            "response_format", "structured_outputs", "reasoning", "include_reasoning"}),
      .reasoning = reasoning_spec{.default_enabled = false, .supports_max_tokens = true},
      .prices = base_prices(
          3000, 15000, {{p_web_search, 10'000'000}, {p_input_cache_read, 300}, {p_input_cache_write, 3750}}),
      .overrides = {{.min_prompt_tokens = 200000, .prompt_pct = 200, .completion_pct = 150}},
      .is_moderated = true,
      .knowledge_cutoff = "2025-01-31",
      .benchmarks = {{"artificial_analysis",
                      {{"intelligence_index", 62.7}, {"coding_index", 58.3}, {"agentic_index", 63.1}}},
                     {"design_arena",
                      {{{"arena", "models"},
                        {"category", "website"},
                        {"elo", 1391.4},
                        {"win_rate", 66.2},
                        {"rank", 3}}}}},
      .categories = {"programming", "technology", "finance"},
      .endpoints = {{.provider = "anthropic"},
                    {.provider = "amazon-bedrock"},
                    {.provider = "google-vertex"},
                    {.provider = "google-vertex", .variant = "global"}},
  });

  out.push_back({
      .id = "google/gemini-2.5-flash-image",
      .name = "Google: Gemini 2.5 Flash Image (Nano Banana)",
      .description = "Gemini 2.5 Flash Image generates and edits images from text and image prompts, with "
                     "multi-turn conversational editing.",
      .created = unix_time(2025, 10, 7),
      .context_length = 32768,
      .max_completion_tokens = 32768,
      .input = {"text", "image"},
      .output = {"image", "text"},
      .tokenizer = "Gemini",
      .parameters = params(
          {"temperature", "top_p", "max_tokens", "stop", "seed", "response_format", "structured_outputs"}),
      .prices = base_prices(300, 2500, {{p_image, 1238000}, {p_image_output, 39'000'000}}),
      .knowledge_cutoff = "2025-06-01",
      .categories = {"marketing"},
      .endpoints = {{.provider = "google-vertex"}, {.provider = "google-ai-studio"}},
  });

  out.push_back({
      .id = "black-forest-labs/flux-1-schnell",
      .name = "Black Forest Labs: FLUX.1 [schnell]",
      .description = "FLUX.1 [schnell] is a fast 12B-parameter text-to-image model, distilled to produce "
                     "high-quality images in a few steps.",
      .hugging_face_id = "black-forest-labs/FLUX.1-schnell",
      .created = unix_time(2024, 8, 1),
      .context_length = 4096,
      .output = {"image"},
      .parameters = params({"seed"}),
      .prices = base_prices(0, 0, {{p_request, 3'000'000}}),  // per generated image
      .categories = {"marketing"},
      .endpoints = {{.provider = "together", .quantization = "fp8", .price_pct = 90},
                    {.provider = "black-forest-labs"}},
  });

  constexpr param_mask llama_params =
      k_sampling | k_open_sampling | k_logprobs | k_tools | k_json_mode | k_structured;
  out.push_back({
      .id = "meta-llama/llama-3.3-70b-instruct",
      .name = "Meta: Llama 3.3 70B Instruct",
      .description = "Llama 3.3 70B Instruct is Meta's multilingual instruction-tuned model, matching much "
                     "larger models on reasoning, tool use and multilingual dialogue.",
      .hugging_face_id = "meta-llama/Llama-3.3-70B-Instruct",
      .created = 1733506137,
      .context_length = 131072,
      .max_completion_tokens = 16384,
      .tokenizer = "Llama3",
      .instruct_type = "llama3",
      .parameters = llama_params,
      .prices = base_prices(130, 390),
      .default_parameters = {{"temperature", 0.6}, {"top_p", 0.9}},
      .knowledge_cutoff = "2023-12-01",
      .categories = {"programming", "translation", "roleplay"},
      .endpoints =
          {{.provider = "deepinfra", .variant = "turbo", .quantization = "fp8", .drop = k_structured},
           {.provider = "deepinfra", .quantization = "bf16", .price_pct = 180},
           {.provider = "groq",
            .quantization = "fp16",
            .price_pct = 450,
            .drop = k_json_mode | k_structured | k_logprobs},
           {.provider = "together", .quantization = "bf16", .price_pct = 600},
           {.provider = "cerebras", .quantization = "fp16", .price_pct = 650, .context_length = 65536},
           {.provider = "fireworks", .quantization = "fp16", .price_pct = 690}},
  });

  model_spec mistral{
      .id = "mistralai/mistral-7b-instruct",
      .name = "Mistral: Mistral 7B Instruct",
      .description =
          "Mistral 7B Instruct is a small, fast model tuned for chat and instruction following. "
          "It has no native tool calling or JSON mode.",
      .hugging_face_id = "mistralai/Mistral-7B-Instruct-v0.3",
      .created = unix_time(2024, 5, 27),
      .context_length = 32768,
      .max_completion_tokens = 16384,
      .tokenizer = "Mistral",
      .instruct_type = "mistral",
      .parameters = k_sampling | k_open_sampling,
      .prices = base_prices(28, 54),
      .categories = {"roleplay", "trivia"},
      .endpoints = {{.provider = "deepinfra", .quantization = "bf16"},
                    {.provider = "together", .quantization = "fp16", .price_pct = 700},
                    {.provider = "novita", .quantization = "fp8", .price_pct = 210}},
  };
  out.push_back(mistral);
  out.push_back(free_variant(mistral, {{.provider = "venice", .quantization = "bf16"},
                                       {.provider = "chutes", .quantization = "bf16"}}));

  model_spec deepseek_v3{
      .id = "deepseek/deepseek-chat-v3-0324",
      .name = "DeepSeek: DeepSeek V3 0324",
      .description =
          "DeepSeek V3 0324 is a 685B-parameter mixture-of-experts chat model with strong coding "
          "and tool use. First-party prices halve during the off-peak UTC window.",
      .hugging_face_id = "deepseek-ai/DeepSeek-V3-0324",
      .created = unix_time(2025, 3, 24),
      .context_length = 163840,
      .max_completion_tokens = 163840,
      .tokenizer = "DeepSeek",
      .parameters = k_sampling | k_open_sampling | k_tools | k_json_mode,
      .prices = base_prices(270, 1100),
      .overrides = {{.utc_start = 1630, .utc_end = 30, .prompt_pct = 50, .completion_pct = 50}},
      .knowledge_cutoff = "2024-07-01",
      .categories = {"programming", "science"},
      .endpoints = {{.provider = "deepseek"},
                    {.provider = "deepinfra", .quantization = "fp8", .price_pct = 105},
                    {.provider = "fireworks", .quantization = "fp8", .price_pct = 330}},
  };
  out.push_back(deepseek_v3);
  out.push_back(free_variant(deepseek_v3,
                             {{.provider = "chutes", .quantization = "fp8"},
                              {.provider = "siliconflow", .quantization = "fp8"},
                              {.provider = "atlas-cloud", .quantization = "fp8", .trains_on_data = true}}));

  out.push_back({
      .id = "openai/text-embedding-3-small",
      .name = "OpenAI: Text Embedding 3 Small",
      .description = "text-embedding-3-small is OpenAI's efficient embedding model for search, clustering "
                     "and retrieval.",
      .created = unix_time(2024, 1, 25),
      .context_length = 8192,
      .output = {"embeddings"},
      .tokenizer = "GPT",
      .prices = base_prices(20, 0),
      .categories = {"technology"},
      .endpoints = {{.provider = "openai"}},
  });

  out.push_back({
      .id = "openai/gpt-4o-audio-preview",
      .name = "OpenAI: GPT-4o Audio",
      .description = "GPT-4o Audio understands and produces speech alongside text, for voice agents and "
                     "audio analysis.",
      .canonical_slug = "openai/gpt-4o-audio-preview-2025-06-03",
      .created = unix_time(2025, 8, 15),
      .context_length = 128000,
      .max_completion_tokens = 16384,
      .input = {"text", "audio"},
      .output = {"text", "audio"},
      .tokenizer = "GPT",
      .parameters = k_sampling | k_tools | k_json_mode,
      .prices = base_prices(2500, 10000, {{p_audio, 40000}}),
      .is_moderated = true,
      .voices = {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"},
      .knowledge_cutoff = "2023-10-01",
      .categories = {"technology"},
      .endpoints = {{.provider = "openai"}},
  });

  out.push_back({
      .id = "openrouter/auto",
      .name = "Auto Router",
      .description = "Your prompt is processed by a meta-model and routed to one of dozens of models, "
                     "optimizing for quality. The response's `model` field names the model used.",
      .created = unix_time(2023, 11, 8),
      .context_length = 2000000,
      .input = {"text", "image", "file", "audio"},
      .tokenizer = "Router",
      .parameters = k_openai_chat | k_reasoning | params({"top_k", "repetition_penalty"}),
      .prices = {k_router_price, k_router_price},  // prompt and completion only
      .categories = {"programming", "trivia"},
      .endpoints = {{.provider = "openrouter"}},
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bulk templates

enum class reasoning_style { effort, budget, toggle };

struct name_part {
  std::string_view slug, display;
};

struct family_def {
  std::string_view slug, display;
  std::string_view output = "text";  // comma list; non-text families get no size/suffix parts
};

struct author_def {
  std::string_view slug, display, tokenizer, instruct_type;
  std::string_view hf_org;  // empty: closed weights, served only by first-party providers
  std::vector<std::string_view> first_party;
  reasoning_style style;
  std::size_t min_price, max_price;  // indices into k_price_ladder
  unsigned weight;                   // share of the generated text models
  std::vector<family_def> families;
  std::vector<name_part> sizes, suffixes;
};

// Prompt prices (nano-USD per token, i.e. thousandths of $/M tokens).
constexpr std::array<std::int64_t, 23> k_price_ladder = {20,   40,   60,   80,   100,  130,   150,  200,
                                                         250,  300,  400,  500,  600,  800,   1000, 1250,
                                                         1500, 2000, 2500, 3000, 5000, 10000, 15000};

const std::vector<author_def>& authors() {
  using S = reasoning_style;
  // clang-format off
  static const std::vector<author_def> table = {
      {"openai", "OpenAI", "GPT", "", "", {"openai", "azure"}, S::effort, 2, 21, 3,
       {{"gpt-4.1", "GPT-4.1"}, {"gpt-4o", "GPT-4o"}, {"gpt-5", "GPT-5"}, {"gpt-5.1", "GPT-5.1"},
        {"o3", "o3"}, {"o4", "o4"}, {"gpt-4-turbo", "GPT-4 Turbo"},
        {"gpt-image-1", "GPT Image 1", "image"}, {"gpt-5-image-mini", "GPT-5 Image Mini", "image,text"},
        {"text-embedding-3-large", "Text Embedding 3 Large", "embeddings"}},
       {{"", ""}, {"-mini", " Mini"}, {"-nano", " Nano"}, {"-pro", " Pro"}, {"-chat", " Chat"}},
       {{"", ""}, {"-preview", " Preview"}}},
      {"anthropic", "Anthropic", "Claude", "", "", {"anthropic", "amazon-bedrock", "google-vertex"},
       S::budget, 7, 22, 2,
       {{"claude-3", "Claude 3"}, {"claude-3.5", "Claude 3.5"}, {"claude-3.7", "Claude 3.7"},
        {"claude-4", "Claude 4"}, {"claude-4.1", "Claude 4.1"}},
       {{"-haiku", " Haiku"}, {"-sonnet", " Sonnet"}, {"-opus", " Opus"}},
       {{"", ""}}},
      {"google", "Google", "Gemini", "", "", {"google-vertex", "google-ai-studio"}, S::budget, 1, 19, 3,
       {{"gemini-1.5", "Gemini 1.5"}, {"gemini-2.0", "Gemini 2.0"}, {"gemini-2.5", "Gemini 2.5"},
        {"gemini-3", "Gemini 3"}, {"gemini-3-pro-image", "Gemini 3 Pro Image", "image,text"},
        {"imagen-4", "Imagen 4", "image"}, {"gemini-embedding-001", "Gemini Embedding 001", "embeddings"}},
       {{"-flash", " Flash"}, {"-flash-lite", " Flash Lite"}, {"-pro", " Pro"}, {"-flash-8b", " Flash 8B"}},
       {{"", ""}, {"-preview", " Preview"}, {"-exp", " Experimental"}}},
      {"meta-llama", "Meta", "Llama3", "llama3", "meta-llama", {}, S::toggle, 0, 10, 3,
       {{"llama-3", "Llama 3"}, {"llama-3.1", "Llama 3.1"}, {"llama-3.2", "Llama 3.2"},
        {"llama-3.3", "Llama 3.3"}, {"llama-guard-3", "Llama Guard 3"}},
       {{"-1b", " 1B"}, {"-3b", " 3B"}, {"-8b", " 8B"}, {"-11b", " 11B"}, {"-70b", " 70B"}, {"-90b", " 90B"},
        {"-405b", " 405B"}},
       {{"-instruct", " Instruct"}, {"", ""}}},
      {"mistralai", "Mistral", "Mistral", "mistral", "mistralai", {"mistral"}, S::toggle, 0, 12, 3,
       {{"mistral-small", "Mistral Small"}, {"mistral-medium", "Mistral Medium"},
        {"mistral-large", "Mistral Large"}, {"mixtral-8x7b", "Mixtral 8x7B"},
        {"mixtral-8x22b", "Mixtral 8x22B"},
        {"codestral", "Codestral"}, {"ministral-8b", "Ministral 8B"}, {"magistral", "Magistral"},
        {"devstral", "Devstral"}, {"pixtral", "Pixtral"}, {"mistral-embed", "Mistral Embed", "embeddings"}},
       {{"", ""}, {"-2409", " 2409"}, {"-2501", " 2501"}, {"-3.1", " 3.1"}, {"-3.2", " 3.2"}},
       {{"-instruct", " Instruct"}, {"", ""}}},
      {"qwen", "Qwen", "Qwen3", "qwen3", "Qwen", {"alibaba"}, S::toggle, 0, 12, 3,
       {{"qwen-2.5", "Qwen2.5"}, {"qwen3", "Qwen3"}, {"qwen3-coder", "Qwen3 Coder"}, {"qwq", "QwQ"},
        {"qwen-vl", "Qwen VL"}, {"qwen3-next", "Qwen3 Next"}, {"qwen-image", "Qwen Image", "image"},
        {"qwen3-embedding-8b", "Qwen3 Embedding 8B", "embeddings"}},
       {{"-7b", " 7B"}, {"-14b", " 14B"}, {"-32b", " 32B"}, {"-72b", " 72B"}, {"-30b-a3b", " 30B A3B"},
        {"-235b-a22b", " 235B A22B"}, {"-plus", " Plus"}, {"-max", " Max"}, {"-turbo", " Turbo"}},
       {{"-instruct", " Instruct"}, {"", ""}, {"-thinking", " Thinking"}}},
      {"deepseek", "DeepSeek", "DeepSeek", "deepseek-v3.1", "deepseek-ai", {"deepseek"}, S::toggle, 2, 12, 2,
       {{"deepseek-v3", "DeepSeek V3"}, {"deepseek-v3.1", "DeepSeek V3.1"},
        {"deepseek-v3.2", "DeepSeek V3.2"},
        {"deepseek-r1", "R1"}, {"deepseek-r1-distill-llama", "R1 Distill Llama"},
        {"deepseek-r1-distill-qwen", "R1 Distill Qwen"}, {"deepseek-coder", "DeepSeek Coder"},
        {"deepseek-prover", "DeepSeek Prover"}},
       {{"", ""}, {"-0324", " 0324"}, {"-0528", " 0528"}, {"-8b", " 8B"}, {"-32b", " 32B"}, {"-70b", " 70B"},
        {"-terminus", " Terminus"}, {"-exp", " Exp"}},
       {{"", ""}}},
      {"x-ai", "xAI", "Grok", "", "", {"xai"}, S::effort, 9, 20, 1,
       {{"grok-2", "Grok 2"}, {"grok-3", "Grok 3"}, {"grok-4", "Grok 4"}, {"grok-4.1", "Grok 4.1"},
        {"grok-code", "Grok Code"}},
       {{"", ""}, {"-mini", " Mini"}, {"-fast", " Fast"}, {"-beta", " Beta"}, {"-vision", " Vision"}},
       {{"", ""}}},
      {"cohere", "Cohere", "Cohere", "", "", {"cohere"}, S::toggle, 1, 17, 1,
       {{"command-r", "Command R"}, {"command-r-plus", "Command R+"}, {"command-a", "Command A"},
        {"command-r7b", "Command R7B"}},
       {{"", ""}, {"-08-2024", " (08-2024)"}, {"-12-2024", " (12-2024)"}, {"-03-2025", " (03-2025)"}},
       {{"", ""}}},
      {"microsoft", "Microsoft", "Other", "phi3", "microsoft", {"azure"}, S::toggle, 0, 8, 1,
       {{"phi-3-mini", "Phi-3 Mini"}, {"phi-3-medium", "Phi-3 Medium"}, {"phi-3.5-mini", "Phi-3.5 Mini"},
        {"phi-4", "Phi 4"}, {"wizardlm-2", "WizardLM-2"}, {"mai-ds-r1", "MAI DS R1"}},
       {{"", ""}, {"-128k", " 128K"}, {"-reasoning", " Reasoning"}, {"-multimodal", " Multimodal"},
        {"-8x22b", " 8x22B"}},
       {{"", ""}, {"-instruct", " Instruct"}}},
      {"nvidia", "NVIDIA", "Llama3", "nemotron", "nvidia", {"nvidia"}, S::toggle, 0, 10, 1,
       {{"llama-3.1-nemotron", "Llama 3.1 Nemotron"},
        {"llama-3.3-nemotron-super", "Llama 3.3 Nemotron Super"},
        {"nemotron-nano", "Nemotron Nano"}, {"nemotron-4", "Nemotron-4"}},
       {{"-70b", " 70B"}, {"-49b", " 49B"}, {"-9b", " 9B"}, {"-340b", " 340B"},
        {"-ultra-253b", " Ultra 253B"}},
       {{"-instruct", " Instruct"}, {"-v1", " v1"}, {"", ""}}},
      {"amazon", "Amazon", "Nova", "", "", {"amazon-bedrock"}, S::toggle, 0, 12, 1,
       {{"nova-micro", "Nova Micro"}, {"nova-lite", "Nova Lite"}, {"nova-pro", "Nova Pro"},
        {"nova-premier", "Nova Premier"}, {"nova-canvas", "Nova Canvas", "image"}},
       {{"-v1", " 1.0"}, {"-v2", " 2.0"}},
       {{"", ""}}},
      {"black-forest-labs", "Black Forest Labs", "Other", "", "black-forest-labs", {"black-forest-labs"},
       S::toggle, 0, 0, 0,
       {{"flux-1.1-pro", "FLUX1.1 [pro]", "image"}, {"flux-1-dev", "FLUX.1 [dev]", "image"},
        {"flux-1-pro", "FLUX.1 [pro]", "image"}, {"flux-kontext-pro", "FLUX.1 Kontext [pro]", "image"},
        {"flux-kontext-max", "FLUX.1 Kontext [max]", "image"}, {"flux-2-pro", "FLUX.2 [pro]", "image"}},
       {{"", ""}},
       {{"", ""}}},
      {"perplexity", "Perplexity", "Other", "", "", {"perplexity"}, S::toggle, 5, 16, 1,
       {{"sonar", "Sonar"}, {"sonar-pro", "Sonar Pro"}, {"sonar-reasoning", "Sonar Reasoning"},
        {"sonar-deep-research", "Sonar Deep Research"}, {"r1-1776", "R1 1776"}},
       {{"", ""}, {"-small", " Small"}, {"-large", " Large"}},
       {{"", ""}}},
      {"moonshotai", "MoonshotAI", "Other", "", "moonshotai", {"moonshotai"}, S::toggle, 5, 12, 1,
       {{"kimi-k2", "Kimi K2"}, {"kimi-dev", "Kimi Dev"}, {"kimi-vl", "Kimi VL"},
        {"kimi-linear", "Kimi Linear"}},
       {{"", ""}, {"-0905", " 0905"}, {"-72b", " 72B"}, {"-a3b", " A3B"}, {"-48b-a3b", " 48B A3B"}},
       {{"", ""}, {"-instruct", " Instruct"}, {"-thinking", " Thinking"}}},
      {"z-ai", "Z.AI", "Other", "", "zai-org", {"z-ai"}, S::toggle, 3, 12, 1,
       {{"glm-4-32b", "GLM 4 32B"}, {"glm-4.5", "GLM 4.5"}, {"glm-4.5-air", "GLM 4.5 Air"},
        {"glm-4.6", "GLM 4.6"}, {"glm-4.5v", "GLM 4.5V"}, {"glm-z1", "GLM Z1"}},
       {{"", ""}, {"-0414", " 0414"}},
       {{"", ""}}},
      {"nousresearch", "Nous", "Llama3", "chatml", "NousResearch", {}, S::toggle, 0, 8, 1,
       {{"hermes-2-pro-llama-3", "Hermes 2 Pro - Llama-3"}, {"hermes-3-llama-3.1", "Hermes 3 Llama 3.1"},
        {"hermes-4", "Hermes 4"}, {"deephermes-3-llama-3", "DeepHermes 3 Llama 3"}},
       {{"-8b", " 8B"}, {"-70b", " 70B"}, {"-405b", " 405B"}},
       {{"", ""}, {"-preview", " Preview"}}},
      {"ai21", "AI21", "Other", "", "ai21labs", {"ai21"}, S::toggle, 3, 14, 1,
       {{"jamba-1.5", "Jamba 1.5"}, {"jamba-1.6", "Jamba 1.6"}, {"jamba-1.7", "Jamba 1.7"}},
       {{"-mini", " Mini"}, {"-large", " Large"}},
       {{"", ""}}},
      {"minimax", "MiniMax", "Other", "", "MiniMaxAI", {"minimax"}, S::toggle, 3, 12, 1,
       {{"minimax-01", "MiniMax-01"}, {"minimax-m1", "MiniMax M1"}, {"minimax-m2", "MiniMax M2"},
        {"minimax-text-01", "MiniMax Text 01"}},
       {{"", ""}, {"-40k", " 40K"}, {"-80k", " 80K"}},
       {{"", ""}}},
      {"liquid", "Liquid", "Other", "", "", {"liquid"}, S::toggle, 0, 6, 1,
       {{"lfm-3b", "LFM 3B"}, {"lfm-7b", "LFM 7B"}, {"lfm-40b", "LFM 40B MoE"}, {"lfm2", "LFM2"}},
       {{"", ""}, {"-v2", " v2"}},
       {{"", ""}}},
  };
  // clang-format on
  return table;
}

constexpr std::array k_input_modalities = {"text"sv, "image"sv, "file"sv, "audio"sv, "video"sv};
constexpr std::array k_input_odds = {100u, 45u, 20u, 6u, 3u};  // percent of text models

constexpr std::array<std::int64_t, 17> k_context_lengths = {4096,   8192,   16384,   32768,   32768,  65536,
                                                            128000, 128000, 131072,  131072,  163840, 200000,
                                                            262144, 400000, 1000000, 1048576, 2000000};

constexpr std::array<std::int64_t, 6> k_completion_limits = {4096, 8192, 16384, 32768, 65536, 128000};

constexpr std::array k_host_quantizations = {"fp8"sv,  "fp8"sv,  "bf16"sv, "bf16"sv,   "fp16"sv,
                                             "int8"sv, "int4"sv, "fp4"sv,  "unknown"sv};

struct strength_def {
  std::string_view text, category;
};

constexpr std::array<strength_def, 10> k_strengths = {{
    {"coding and agentic workflows", "programming"},
    {"everyday chat and summarization", "trivia"},
    {"long-document analysis and research", "academia"},
    {"multilingual assistance and translation", "translation"},
    {"math and science problems", "science"},
    {"creative writing and roleplay", "roleplay"},
    {"marketing copy and SEO content", "marketing/seo"},
    {"financial analysis and reporting", "finance"},
    {"contract review and legal research", "legal"},
    {"clinical and health questions", "health"},
}};

constexpr std::array k_categories = {"programming"sv, "roleplay"sv, "marketing"sv,   "marketing/seo"sv,
                                     "technology"sv,  "science"sv,  "translation"sv, "legal"sv,
                                     "finance"sv,     "health"sv,   "trivia"sv,      "academia"sv};

constexpr std::array k_adjectives = {"efficient"sv,       "flagship"sv,        "compact"sv,
                                     "general-purpose"sv, "high-throughput"sv, "instruction-tuned"sv,
                                     "cost-effective"sv,  "frontier"sv};

class bulk_generator {
 public:
  bulk_generator(splitmix64& rng, const std::map<std::string, std::size_t, std::less<>>& taken)
      : rng_(rng), taken_(taken) {
    const auto& table = authors();
    for (const auto& a : table)
      for (const auto& f : a.families) {
        if (f.output == "text")
          for (unsigned w = 0; w < a.weight; ++w) text_pool_.push_back({&a, &f});
        else
          (f.output == "embeddings" ? embedding_pool_ : image_pool_).push_back({&a, &f});
      }
  }

  /// One new model (plus, sometimes, its ":free" variant) with an id not yet taken.
  std::vector<model_spec> next() {
    const auto roll = rng_.below(100);
    const auto& [a, f] = rng_.pick(roll < 5 ? image_pool_ : roll < 7 ? embedding_pool_ : text_pool_);
    std::vector<model_spec> out{random_model(*a, *f)};
    if (f->output == "text" && rng_.percent(12)) out.push_back(free_variant(out[0], free_endpoints(*a)));
    return out;
  }

 private:
  using pick_t = std::pair<const author_def*, const family_def*>;

  bool taken(std::string_view id) const { return taken_.find(id) != taken_.end(); }

  model_spec random_model(const author_def& a, const family_def& f) {
    model_spec m;
    const bool text = f.output == "text";
    m.created = rng_.between(unix_time(2023, 3, 1), unix_time(2026, 7, 31));
    std::string slug(f.slug), display(f.display);
    if (text) {
      const auto& size = rng_.pick(a.sizes);
      const auto& suffix = rng_.pick(a.suffixes);
      slug += concat({size.slug, suffix.slug});
      display += concat({size.display, suffix.display});
    }
    // Collisions become dated revisions ("qwen3-32b-2507"), as real catalogs do.
    if (taken(concat({a.slug, "/", slug}))) {
      const auto date = format_date(m.created, true);
      const auto yymm = date.substr(2, 4);
      slug += concat({"-", yymm});
      display += concat({" ", yymm});
      for (int n = 2; taken(concat({a.slug, "/", slug})); ++n) {
        slug += concat({"-v", std::to_string(n)});
        display += concat({" v", std::to_string(n)});
      }
    }
    m.id = concat({a.slug, "/", slug});
    m.name = concat({a.display, ": ", display});
    if (rng_.percent(50)) m.canonical_slug = concat({m.id, "-", format_date(m.created, true)});
    if (!a.hf_org.empty()) {
      std::string repo = display;
      std::replace(repo.begin(), repo.end(), ' ', '-');
      m.hugging_face_id = concat({a.hf_org, "/", repo});
    }
    m.tokenizer = a.tokenizer;
    m.instruct_type = a.instruct_type;
    m.is_moderated = a.slug == "openai" || a.slug == "anthropic";

    if (text)
      fill_text_traits(m, a);
    else if (f.output == "embeddings")
      fill_embedding_traits(m);
    else
      fill_image_traits(m, a, f);
    m.description = describe(m, a, short_name(m.name));

    if (rng_.percent(60)) {  // cutoffs are months: YYYY-MM-01
      m.knowledge_cutoff = format_date(m.created - rng_.between(120, 420) * 86400).replace(8, 2, "01");
    }
    if (rng_.percent(5)) m.expiration_date = format_date(m.created + rng_.between(200, 700) * 86400);
    m.endpoints = random_endpoints(a, m);
    return m;
  }

  void fill_text_traits(model_spec& m, const author_def& a) {
    for (std::size_t i = 1; i < k_input_modalities.size(); ++i)
      if (rng_.percent(k_input_odds[i])) m.input.push_back(k_input_modalities[i]);
    m.context_length = rng_.pick(k_context_lengths);
    if (rng_.percent(85))
      m.max_completion_tokens = std::min(m.context_length, rng_.pick(k_completion_limits));

    const bool open = !a.hf_org.empty();
    m.parameters = k_sampling | (open ? k_open_sampling : 0);
    if (rng_.percent(70)) m.parameters |= k_tools | (rng_.percent(50) ? k_parallel_tools : 0);
    if (rng_.percent(60)) m.parameters |= k_json_mode | (rng_.percent(70) ? k_structured : 0);
    if (rng_.percent(30)) m.parameters |= k_logprobs;
    if (rng_.percent(28)) {  // ~25% of the whole catalog
      m.reasoning = random_reasoning(a.style);
      m.parameters |= k_reasoning | (a.style == reasoning_style::effort ? k_effort : 0);
    }

    const auto prompt = k_price_ladder[rng_.between(a.min_price, a.max_price)];
    m.prices = base_prices(prompt, prompt * rng_.pick(std::array{2, 3, 4, 4, 5, 8}));
    if (m.reasoning) m.prices[p_internal_reasoning] = m.prices[p_completion];
    if (std::find(m.input.begin(), m.input.end(), "image") != m.input.end() && rng_.percent(50))
      m.prices[p_image] = rng_.pick(std::array<std::int64_t, 3>{217000, 1238000, 4816000});
    if (std::find(m.input.begin(), m.input.end(), "audio") != m.input.end()) m.prices[p_audio] = prompt * 3;
    if (a.slug == "perplexity") m.prices[p_web_search] = 5'000'000;
    if (rng_.percent(40)) m.prices[p_input_cache_read] = std::max<std::int64_t>(1, prompt / 4);
    if (a.style == reasoning_style::budget && m.prices[p_input_cache_read])
      m.prices[p_input_cache_write] = prompt * 5 / 4;

    if (m.context_length >= 262144 && rng_.percent(30))
      m.overrides.push_back({.min_prompt_tokens = m.context_length >= 1000000 ? 200000 : 128000,
                             .prompt_pct = 200,
                             .completion_pct = 150});
    if (a.slug == "deepseek" && rng_.percent(40))
      m.overrides.push_back({.utc_start = 1630, .utc_end = 30, .prompt_pct = 50, .completion_pct = 50});

    if (rng_.percent(5)) m.per_request_limits = {{m.context_length, m.max_completion_tokens.value_or(4096)}};
    if (rng_.percent(50)) {
      json::object d;
      d["temperature"] = rng_.pick(std::array{0.6, 0.7, 1.0});
      d["top_p"] =
          rng_.percent(30) ? json::value(nullptr) : json::value(rng_.pick(std::array{0.9, 0.95, 1.0}));
      if (open && rng_.percent(40)) d["top_k"] = rng_.pick(std::array{20, 40, 50});
      if (rng_.percent(30)) d["frequency_penalty"] = nullptr;
      m.default_parameters = std::move(d);
    }
    if (rng_.percent(30)) m.benchmarks = random_benchmarks();

    const auto& strength = k_strengths[rng_.below(k_strengths.size())];
    m.categories.push_back(strength.category);
    if (const auto extra = rng_.pick(k_categories); rng_.percent(30) && extra != strength.category)
      m.categories.push_back(extra);
  }

  void fill_embedding_traits(model_spec& m) {
    m.output = {"embeddings"};
    m.context_length = rng_.pick(std::array<std::int64_t, 2>{8192, 32768});
    m.prices = base_prices(k_price_ladder[rng_.below(5)], 0);
    m.categories = {"technology"};
  }

  void fill_image_traits(model_spec& m, const author_def& a, const family_def& f) {
    m.output = split_csv(f.output);
    if (rng_.percent(60)) m.input.push_back("image");
    m.context_length = rng_.pick(std::array<std::int64_t, 2>{4096, 32768});
    if (f.output == "image") {
      // Pure image generators are priced per image (i.e. per request).
      m.parameters = params({"seed"});
      m.prices = base_prices(0, 0);
      m.prices[p_request] =
          rng_.pick(std::array<std::int64_t, 4>{3'000'000, 25'000'000, 40'000'000, 55'000'000});
    } else {
      m.parameters = params({"temperature", "top_p", "max_tokens", "seed"});
      m.max_completion_tokens = m.context_length;
      const auto prompt = k_price_ladder[rng_.between(a.min_price, a.max_price)];
      m.prices = base_prices(prompt, prompt * 4);
      m.prices[p_image_output] = rng_.pick(std::array<std::int64_t, 2>{39'000'000, 120'000'000});
    }
    m.categories = {"marketing"};
  }

  reasoning_spec random_reasoning(reasoning_style style) {
    switch (style) {
      case reasoning_style::effort: {
        reasoning_spec r{
            .mandatory = rng_.percent(40), .efforts = {"high", "medium", "low"}, .default_effort = "medium"};
        if (rng_.percent(50)) r.efforts.push_back("minimal");
        return r;
      }
      case reasoning_style::budget:
        return {.default_enabled = false, .supports_max_tokens = true};
      case reasoning_style::toggle:
        break;
    }
    return {.mandatory = rng_.percent(50)};
  }

  json::object random_benchmarks() {
    constexpr std::array arenas = {"website"sv, "gamedev"sv, "uicomponent"sv, "svg"sv, "3d"sv};
    json::object aa;
    aa["intelligence_index"] = rng_.real(15, 75, 1);
    aa["coding_index"] = rng_.real(10, 70, 1);
    aa["agentic_index"] = rng_.percent(10) ? json::value(nullptr) : json::value(rng_.real(5, 65, 1));
    json::array design;
    const auto first = rng_.below(arenas.size());
    for (std::uint64_t i = 0, n = rng_.below(3); i < n; ++i)
      design.push_back({{"arena", "models"},
                        {"category", arenas[(first + i) % arenas.size()]},
                        {"elo", rng_.real(1000, 1450, 1)},
                        {"win_rate", rng_.real(20, 80, 1)},
                        {"rank", rng_.between(1, 80)}});
    return {{"artificial_analysis", std::move(aa)}, {"design_arena", std::move(design)}};
  }

  std::string describe(const model_spec& m, const author_def& a, std::string_view name) {
    const auto has = [](const auto& list, std::string_view v) {
      return std::find(list.begin(), list.end(), v) != list.end();
    };
    std::string d = concat({name, " is ", a.display, "'s ", rng_.pick(k_adjectives), " "});
    if (has(m.output, "embeddings"))
      return d + "text embedding model for semantic search, clustering and retrieval.";
    if (has(m.output, "image"))
      return d + "image generation model that turns text prompts into detailed, high-fidelity images.";
    const auto strength = std::find_if(k_strengths.begin(), k_strengths.end(),
                                       [&](const auto& s) { return s.category == m.categories.front(); });
    d += concat({"language model, tuned for ", strength->text, ". It offers a ",
                 std::to_string(m.context_length / 1000), "K-token context window"});
    if (has(m.input, "image")) d += " and understands images";
    d += '.';
    if (m.parameters & k_tools) d += " It supports tool calling";
    if (m.parameters & k_structured)
      d += (m.parameters & k_tools) ? " and structured outputs" : " It supports structured outputs";
    if (m.parameters & (k_tools | k_structured)) d += '.';
    if (m.reasoning) d += " It reasons step by step before answering and can return its reasoning tokens.";
    return d;
  }

  std::vector<std::string_view> hosts(provider_role role) const {
    std::vector<std::string_view> out;
    for (const auto& p : k_providers)
      if (p.role == role || (role == provider_role::host && p.role == provider_role::free_host))
        out.push_back(p.slug);
    return out;
  }

  /// Closed models run on (a prefix of) their author's providers; open weights on a random
  /// mix of inference hosts, sometimes with the author's own API first.
  std::vector<endpoint_spec> random_endpoints(const author_def& a, const model_spec& m) {
    std::vector<std::string_view> chosen;
    if (a.hf_org.empty()) {
      chosen.assign(a.first_party.begin(), a.first_party.begin() + rng_.between(1, a.first_party.size()));
    } else {
      if (!a.first_party.empty() && rng_.percent(60)) chosen.push_back(a.first_party.front());
      auto pool = hosts(provider_role::host);
      for (auto n = rng_.between(chosen.empty() ? 1 : 0, 4); n > 0; --n) {
        const auto i = rng_.below(pool.size());
        chosen.push_back(pool[i]);
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
    std::vector<endpoint_spec> out;
    for (auto slug : chosen) {
      const auto& p = provider(slug);
      endpoint_spec e{.provider = slug};
      if (!a.hf_org.empty())
        e.quantization = p.role == provider_role::first_party ? "bf16"sv : rng_.pick(k_host_quantizations);
      if (!p.variant.empty() && rng_.percent(25)) e.variant = p.variant;
      if (!out.empty()) {  // the first endpoint keeps the model's full feature set and base price
        e.price_pct = 5 * static_cast<int>(rng_.between(16, 50));
        if (rng_.percent(15)) e.drop |= k_tools | k_parallel_tools;
        if (rng_.percent(25)) e.drop |= k_json_mode | k_structured;
        if (rng_.percent(20)) e.context_length = std::max<std::int64_t>(4096, m.context_length / 2);
      }
      if (rng_.percent(5)) e.discount = rng_.real(0.1, 0.5, 2);
      if (rng_.percent(4)) e.status = rng_.pick(std::array{-1, -2, -3, -5, -10});
      e.has_stats = !rng_.percent(3);
      out.push_back(e);
    }
    return out;
  }

  std::vector<endpoint_spec> free_endpoints(const author_def& a) {
    if (a.hf_org.empty()) return {{.provider = a.first_party.front()}};
    const auto pool = hosts(provider_role::free_host);
    std::vector<endpoint_spec> out;
    const auto first = rng_.below(pool.size());
    for (std::uint64_t i = 0, n = rng_.between(1, pool.size()); i < n; ++i) {
      const auto& p = provider(pool[(first + i) % pool.size()]);
      out.push_back({.provider = p.slug,
                     .quantization = rng_.pick(k_host_quantizations),
                     .trains_on_data = p.trains_on_data || rng_.percent(40)});
    }
    return out;
  }

  splitmix64& rng_;
  const std::map<std::string, std::size_t, std::less<>>& taken_;
  std::vector<pick_t> text_pool_, image_pool_, embedding_pool_;
};

// ---------------------------------------------------------------------------------------------
// GET /models query handling

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(v)) return std::nullopt;
  return v;
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool icontains(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return lower(a) == lower(b); }) != hay.end();
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && icontains(a, b); }

template <class Range>
bool contains(const Range& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

struct model_filter {
  std::string_view category, q, arch;
  std::vector<std::string_view> parameters, inputs, outputs, authors, providers;
  bool all_outputs = false;
  bool zdr = false;
  std::optional<std::int64_t> min_context;
  // $ per million tokens: prompt (min/max_price) and completion (min/max_output_price).
  std::optional<double> min_price, max_price, min_output_price, max_output_price;

  bool matches(const model_info& m) const {
    if (!category.empty() && !contains(m.categories, category)) return false;
    if (!all_outputs && std::none_of(outputs.begin(), outputs.end(),
                                     [&](auto o) { return contains(m.output_modalities, o); }))
      return false;
    for (auto p : parameters)
      if (!contains(m.supported_parameters, p)) return false;
    for (auto in : inputs)
      if (!contains(m.input_modalities, in)) return false;
    if (!authors.empty() && !contains(authors, std::string_view(m.id).substr(0, m.id.find('/'))))
      return false;
    if (!q.empty() && !icontains(m.id, q) && !icontains(m.json.at("name").as_string(), q)) return false;
    if (min_context && m.context_length < *min_context) return false;
    if (!arch.empty() && !icontains(m.json.at("architecture").at("tokenizer").as_string(), arch))
      return false;
    if (zdr && std::none_of(m.endpoints.begin(), m.endpoints.end(), [](const auto& e) { return e.zdr; }))
      return false;
    if (!providers.empty() && std::none_of(m.endpoints.begin(), m.endpoints.end(), [&](const auto& e) {
          return std::any_of(providers.begin(), providers.end(), [&](auto p) {
            return iequals(p, e.provider_name) || iequals(p, e.provider_slug);
          });
        }))
      return false;
    return within(m.prompt_price, min_price, max_price) &&
           within(m.completion_price, min_output_price, max_output_price);
  }

 private:
  static bool within(double usd_per_token, const std::optional<double>& lo, const std::optional<double>& hi) {
    if (!lo && !hi) return true;
    if (usd_per_token < 0) return false;  // router pseudo-prices are no price at all
    const double per_million = usd_per_token * 1e6;
    // A tolerance so that "max_price=0.15" keeps a model priced at exactly $0.15/M.
    constexpr double eps = 1e-9;
    return (!lo || per_million >= *lo - eps) && (!hi || per_million <= *hi + eps);
  }
};

/// Sort key, smaller first; nullopt sorts last (as the real API places unscored models).
std::optional<double> sort_key(const model_info& m, std::string_view sort) {
  if (sort == "newest") return -static_cast<double>(m.json.at("created").as_int64());
  if (sort == "context-high-to-low") return -static_cast<double>(m.context_length);
  if (sort == "pricing-low-to-high" || sort == "pricing-high-to-low") {
    if (m.prompt_price < 0) return std::nullopt;
    const double average = (m.prompt_price + m.completion_price) / 2;
    return sort == "pricing-low-to-high" ? average : -average;
  }
  for (auto [name, key] : {std::pair{"intelligence-high-to-low"sv, "intelligence_index"sv},
                           std::pair{"coding-high-to-low"sv, "coding_index"sv},
                           std::pair{"agentic-high-to-low"sv, "agentic_index"sv}}) {
    if (sort != name) continue;
    const auto* b = m.json.if_contains("benchmarks");
    const auto* aa = b ? b->as_object().if_contains("artificial_analysis") : nullptr;
    const auto* v = aa ? aa->as_object().if_contains(key) : nullptr;
    if (v && v->is_number()) return -v->to_number<double>();
    return std::nullopt;
  }
  return std::nullopt;
}

bool is_supported_sort(std::string_view sort) {
  return sort == "newest" || sort == "context-high-to-low" || sort == "pricing-low-to-high" ||
         sort == "pricing-high-to-low" || sort == "intelligence-high-to-low" ||
         sort == "coding-high-to-low" || sort == "agentic-high-to-low";
}

}  // namespace

// ---------------------------------------------------------------------------------------------

catalog catalog::generate(std::uint64_t seed, std::size_t count) {
  catalog c;
  splitmix64 rng(seed);
  const auto add = [&](const model_spec& spec) {
    c.index_.emplace(spec.id, c.models_.size());
    c.models_.push_back(build_model(rng, spec));
  };
  const auto known = well_known_models();
  c.models_.reserve(std::max(count, known.size()) + 1);
  for (const auto& spec : known) add(spec);

  bulk_generator bulk(rng, c.index_);
  while (c.models_.size() < count)
    for (const auto& spec : bulk.next())
      if (c.models_.size() < count) add(spec);

  for (const auto& p : k_providers)
    if (p.listed) c.providers_.emplace_back(provider_json(p));
  return c;
}

const model_info* catalog::find(std::string_view id) const noexcept {
  const auto it = index_.find(id);
  return it == index_.end() ? nullptr : &models_[it->second];
}

std::optional<boost::json::object> catalog::list(const query_params& q, std::string& error) const {
  const auto get = [&](std::string_view key) -> std::optional<std::string_view> {
    const auto it = q.find(key);
    return it == q.end() ? std::nullopt : std::optional<std::string_view>(it->second);
  };
  const auto list_param = [&](std::string_view key) { return split_csv(get(key).value_or("")); };

  model_filter f;
  f.category = get("category").value_or("");
  f.q = get("q").value_or("");
  f.arch = get("arch").value_or("");
  f.parameters = list_param("supported_parameters");
  f.inputs = list_param("input_modalities");
  f.authors = list_param("model_authors");
  f.providers = list_param("providers");
  f.outputs = list_param("output_modalities");
  if (f.outputs.empty()) f.outputs = {"text"};
  f.all_outputs = contains(f.outputs, "all");
  f.zdr = get("zdr") == "true";

  if (const auto v = get("context")) {
    f.min_context = parse_number<std::int64_t>(*v);
    if (!f.min_context || *f.min_context < 1) {
      error = "Invalid context: expected an integer >= 1";
      return std::nullopt;
    }
  }
  for (auto [key, bound] : {std::pair{"min_price"sv, &f.min_price}, std::pair{"max_price"sv, &f.max_price},
                            std::pair{"min_output_price"sv, &f.min_output_price},
                            std::pair{"max_output_price"sv, &f.max_output_price}}) {
    const auto v = get(key);
    if (!v) continue;
    *bound = parse_number<double>(*v);
    if (!*bound || **bound < 0) {
      error = concat({"Invalid ", key, ": expected a number >= 0"});
      return std::nullopt;
    }
  }

  // Pagination is opt-in: only when offset or limit is present.
  const auto offset_text = get("offset"), limit_text = get("limit");
  const bool paginate = offset_text || limit_text;
  std::int64_t offset = 0, limit = 500;
  if (offset_text) {
    const auto v = parse_number<std::int64_t>(*offset_text);
    if (!v || *v < 0) {
      error = "Invalid offset: expected an integer >= 0";
      return std::nullopt;
    }
    offset = *v;
  }
  if (limit_text) {
    const auto v = parse_number<std::int64_t>(*limit_text);
    if (!v || *v < 1 || *v > 1000) {
      error = "Invalid limit: expected an integer between 1 and 1000";
      return std::nullopt;
    }
    limit = *v;
  }

  std::vector<const model_info*> hits;
  for (const auto& m : models_)
    if (f.matches(m)) hits.push_back(&m);

  if (const auto sort = get("sort").value_or(""); is_supported_sort(sort)) {
    std::vector<std::pair<std::optional<double>, const model_info*>> keyed;
    keyed.reserve(hits.size());
    for (const auto* m : hits) keyed.emplace_back(sort_key(*m, sort), m);
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      return a.first && (!b.first || *a.first < *b.first);
    });
    for (std::size_t i = 0; i < keyed.size(); ++i) hits[i] = keyed[i].second;
  }

  const auto total = static_cast<std::int64_t>(hits.size());
  const auto first = paginate ? std::min(offset, total) : 0;
  const auto last = paginate ? std::min(total, first + limit) : total;
  json::array data;
  data.reserve(static_cast<std::size_t>(last - first));
  for (auto i = first; i < last; ++i) data.emplace_back(hits[static_cast<std::size_t>(i)]->json);

  json::object body;
  body["data"] = std::move(data);
  body["total_count"] = total;
  body["links"] = {{"next", paginate && last < total
                                ? json::value(concat({"/api/v1/models?offset=", std::to_string(last),
                                                      "&limit=", std::to_string(limit)}))
                                : json::value(nullptr)}};
  return body;
}

std::optional<boost::json::object> catalog::endpoints(std::string_view author, std::string_view slug) const {
  const model_info* m = find(concat({author, "/", slug}));
  if (!m) return std::nullopt;
  json::object data;
  for (auto key : {"id", "name", "created", "description", "architecture"}) data[key] = m->json.at(key);
  json::array list;
  list.reserve(m->endpoints.size());
  // A router pseudo-model has no endpoints of its own: it serves through the model it picks
  // (and "OpenRouter" is not a ProviderName the spec allows on an endpoint).
  for (const auto& e : m->endpoints)
    if (e.provider_slug != "openrouter") list.emplace_back(e.json);
  data["endpoints"] = std::move(list);
  return json::object{{"data", std::move(data)}};
}

boost::json::object catalog::providers() const { return {{"data", providers_}}; }

}  // namespace openrouter::mock
