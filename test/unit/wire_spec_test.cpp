// Contract test against the official OpenAPI spec: every JSON key our wire types model must exist
// in the matching spec schema ($ref, allOf/anyOf/oneOf and array items resolved), unless it is on
// the explicit allow-list of documented-but-not-in-spec (or legacy) fields.
#include <openrouter/wire/all.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

class openapi_spec {
 public:
  explicit openapi_spec(json::value doc) : doc_(std::move(doc)) {}

  /// The property names a value may carry at `steps` below the schema at JSON pointer `root`:
  /// every alternative of every schema on the way is considered.
  std::set<std::string> properties_at(std::string_view root,
                                      const std::vector<std::string_view>& steps) const {
    std::vector<const json::value*> current = expand(doc_.at_pointer(root));
    for (std::string_view step : steps) {
      std::vector<const json::value*> next;
      for (const json::value* s : current)
        if (const json::value* props = s->as_object().if_contains("properties"))
          if (const json::value* p = props->as_object().if_contains(step))
            for (const json::value* e : expand(*p)) next.push_back(e);
      current = std::move(next);
    }
    std::set<std::string> names;
    for (const json::value* s : current)
      if (const json::value* props = s->as_object().if_contains("properties"))
        for (const auto& kv : props->as_object()) names.emplace(kv.key());
    return names;
  }

 private:
  /// The schema, its $ref target, its allOf/anyOf/oneOf members and its array items, flattened.
  std::vector<const json::value*> expand(const json::value& schema) const {
    std::vector<const json::value*> out;
    std::set<const json::value*> seen;
    expand_into(schema, out, seen);
    return out;
  }

  void expand_into(const json::value& schema, std::vector<const json::value*>& out,
                   std::set<const json::value*>& seen) const {
    if (!schema.is_object() || !seen.insert(&schema).second) return;
    const json::object& o = schema.get_object();
    if (const json::value* ref = o.if_contains("$ref")) {
      std::string_view target = ref->as_string();
      target.remove_prefix(1);  // "#/components/..." -> "/components/..."
      expand_into(doc_.at_pointer(target), out, seen);
    }
    out.push_back(&schema);
    for (std::string_view combinator : {"allOf", "anyOf", "oneOf"})
      if (const json::value* alternatives = o.if_contains(combinator))
        for (const json::value& alternative : alternatives->as_array()) expand_into(alternative, out, seen);
    if (const json::value* items = o.if_contains("items")) expand_into(*items, out, seen);
  }

  json::value doc_;
};

struct contract {
  std::string_view type_name;
  std::span<const std::string_view> keys;
  std::string_view root;  // JSON pointer into the spec
  std::vector<std::string_view> steps;
  std::vector<std::string_view> allowed;  // modeled although not in the spec
};

template <class T>
std::span<const std::string_view> keys_of() {
  return json_keys(std::type_identity<T>{});
}

constexpr std::string_view chat_request_schema = "/components/schemas/ChatRequest";
constexpr std::string_view chat_result_schema = "/components/schemas/ChatResult";
constexpr std::string_view chunk_schema = "/components/schemas/ChatStreamChunk";
constexpr std::string_view usage_schema = "/components/schemas/ChatUsage";
constexpr std::string_view model_schema = "/components/schemas/Model";

const std::vector<contract>& contracts() {
  static const std::vector<contract> all = {
      // request (§2). Docs-only request fields: reference §2.1 (verbosity, web_search_options,
      // include_reasoning), §2.8 (audio output), legacy transforms and usage.
      {"chat_request", keys_of<chat_request>(), chat_request_schema, {},
       {"audio", "verbosity", "web_search_options", "include_reasoning", "transforms", "usage"}},
      // annotations go back on assistant messages for PDF re-use (§2.2, docs)
      {"message", keys_of<message>(), chat_request_schema, {"messages"}, {"annotations"}},
      {"content_part", keys_of<content_part>(), chat_request_schema, {"messages", "content"}, {}},
      {"cache_control", keys_of<cache_control>(), chat_request_schema, {"messages", "content", "cache_control"}, {}},
      {"image_url_ref", keys_of<image_url_ref>(), chat_request_schema, {"messages", "content", "image_url"}, {}},
      {"file_ref", keys_of<file_ref>(), chat_request_schema, {"messages", "content", "file"}, {}},
      {"input_audio_ref", keys_of<input_audio_ref>(), chat_request_schema, {"messages", "content", "input_audio"}, {}},
      {"video_url_ref", keys_of<video_url_ref>(), chat_request_schema, {"messages", "content", "video_url"}, {}},
      {"tool_call", keys_of<tool_call>(), chat_request_schema, {"messages", "tool_calls"}, {}},
      {"function_call", keys_of<function_call>(), chat_request_schema, {"messages", "tool_calls", "function"}, {}},
      // the docs show generated images as {type:"image_url", image_url:{url}}
      {"image_output", keys_of<image_output>(), chat_request_schema, {"messages", "images"}, {"type"}},
      {"tool", keys_of<tool>(), chat_request_schema, {"tools"}, {}},
      {"function_def", keys_of<function_def>(), chat_request_schema, {"tools", "function"}, {}},
      {"response_format", keys_of<response_format>(), chat_request_schema, {"response_format"}, {}},
      {"json_schema_spec", keys_of<json_schema_spec>(), chat_request_schema, {"response_format", "json_schema"}, {}},
      // §2.9: the docs add max_tokens, exclude and enabled to the spec's {effort, summary}
      {"reasoning_config", keys_of<reasoning_config>(), chat_request_schema, {"reasoning"},
       {"max_tokens", "exclude", "enabled"}},
      {"provider_preferences", keys_of<provider_preferences>(), chat_request_schema, {"provider"}, {}},
      {"max_price", keys_of<max_price>(), chat_request_schema, {"provider", "max_price"}, {}},
      {"sort_config", keys_of<sort_config>(), chat_request_schema, {"provider", "sort"}, {}},
      {"percentiles", keys_of<percentiles>(), chat_request_schema, {"provider", "preferred_max_latency"}, {}},

      // response (§3): provider and native_finish_reason are in the docs' examples; choices[].error
      // is documented for provider errors after partial output.
      {"chat_response", keys_of<chat_response>(), chat_result_schema, {}, {"provider"}},
      {"chat_choice", keys_of<chat_choice>(), chat_result_schema, {"choices"}, {"native_finish_reason", "error"}},
      {"message (response)", keys_of<message>(), chat_result_schema, {"choices", "message"},
       {"annotations", "tool_call_id"}},
      {"chat_usage", keys_of<chat_usage>(), usage_schema, {}, {"server_tool_use"}},  // legacy name
      {"prompt_token_details", keys_of<prompt_token_details>(), usage_schema, {"prompt_tokens_details"}, {}},
      {"completion_token_details", keys_of<completion_token_details>(), usage_schema,
       {"completion_tokens_details"}, {"image_tokens"}},  // §3.2 and the §3.4 example
      {"cost_breakdown", keys_of<cost_breakdown>(), usage_schema, {"cost_details"}, {}},
      {"server_tool_usage", keys_of<server_tool_usage>(), usage_schema, {"server_tool_use_details"}, {}},

      // stream chunk (§4.2): provider, debug, native_finish_reason, delta images/annotations are in
      // the docs; the error object gains error_type/http_status/availability (§5.1, §5.5).
      {"chat_chunk", keys_of<chat_chunk>(), chunk_schema, {}, {"provider", "debug"}},
      {"chunk_choice", keys_of<chunk_choice>(), chunk_schema, {"choices"}, {"native_finish_reason"}},
      {"chunk_delta", keys_of<chunk_delta>(), chunk_schema, {"choices", "delta"}, {"images", "annotations"}},
      {"tool_call_delta", keys_of<tool_call_delta>(), chunk_schema, {"choices", "delta", "tool_calls"}, {}},
      {"function_delta", keys_of<function_delta>(), chunk_schema, {"choices", "delta", "tool_calls", "function"}, {}},
      {"api_error", keys_of<api_error>(), chunk_schema, {"error"}, {"error_type", "http_status", "availability"}},
      {"error_body", keys_of<error_body>(), "/components/schemas/BadRequestResponse", {}, {}},

      // catalog (§7, §9, §10)
      {"model", keys_of<model>(), model_schema, {}, {}},
      {"model_architecture", keys_of<model_architecture>(), model_schema, {"architecture"}, {}},
      {"model_pricing", keys_of<model_pricing>(), model_schema, {"pricing"}, {}},
      {"top_provider_info", keys_of<top_provider_info>(), model_schema, {"top_provider"}, {}},
      {"request_limits", keys_of<request_limits>(), model_schema, {"per_request_limits"}, {}},
      {"model_links", keys_of<model_links>(), model_schema, {"links"}, {}},
      {"models_page", keys_of<models_page>(), "/components/schemas/ModelsListResponse", {}, {}},
      {"page_links", keys_of<page_links>(), "/components/schemas/ModelsListResponse", {"links"}, {}},
      {"endpoint", keys_of<endpoint>(), "/components/schemas/PublicEndpoint", {}, {}},
      {"percentiles (endpoint)", keys_of<percentiles>(), "/components/schemas/PublicEndpoint", {"latency_last_30m"}, {}},
      {"model_endpoints", keys_of<model_endpoints>(), "/components/schemas/ListEndpointsResponse", {}, {}},
      {"provider_info", keys_of<provider_info>(),
       "/paths/~1providers/get/responses/200/content/application~1json/schema", {"data"}, {}},
      {"provider_list", keys_of<provider_list>(),
       "/paths/~1providers/get/responses/200/content/application~1json/schema", {}, {}},

      // generation (§11)
      {"generation", keys_of<generation>(), "/components/schemas/GenerationResponse", {"data"}, {}},
      {"provider_response", keys_of<provider_response>(), "/components/schemas/GenerationResponse",
       {"data", "provider_responses"}, {}},

      // key and credits (§12, §13)
      {"key_info", keys_of<key_info>(), "/paths/~1key/get/responses/200/content/application~1json/schema", {"data"}, {}},
      {"credits", keys_of<credits>(), "/paths/~1credits/get/responses/200/content/application~1json/schema",
       {"data"}, {}},
  };
  return all;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_spec_test)

BOOST_AUTO_TEST_CASE(modeled_fields_exist_in_the_spec) {
  std::ifstream file(OPENROUTER_OPENAPI_SPEC);
  if (!file) {
    BOOST_TEST_MESSAGE("SKIPPED: spec not found at " OPENROUTER_OPENAPI_SPEC);
    return;
  }
  std::stringstream text;
  text << file.rdbuf();
  const openapi_spec spec(json::parse(text.str()));

  for (const contract& c : contracts()) {
    BOOST_TEST_CONTEXT(c.type_name) {
      const std::set<std::string> in_spec = spec.properties_at(c.root, c.steps);
      BOOST_TEST_REQUIRE(!in_spec.empty(), "no schema properties found for " << c.type_name);
      const std::set<std::string_view> allowed(c.allowed.begin(), c.allowed.end());
      for (std::string_view key : c.keys)
        BOOST_TEST((in_spec.contains(std::string(key)) || allowed.contains(key)),
                   c.type_name << "." << key << " is modeled but not in the spec (nor allow-listed)");
      // an allow-listed key the spec has gained is a stale entry
      for (std::string_view key : c.allowed)
        BOOST_WARN_MESSAGE(!in_spec.contains(std::string(key)),
                           c.type_name << "." << key << " is now in the spec: drop it from the allow-list");
    }
  }
}

BOOST_AUTO_TEST_CASE(the_resolver_sees_what_it_should) {
  // Guards the contract test itself: resolution through $ref/oneOf/items finds real fields, does
  // not find invented ones, and the allow-listed docs-only fields really are absent from the spec.
  // It also checks the reverse direction for fields clients branch on.
  std::ifstream file(OPENROUTER_OPENAPI_SPEC);
  if (!file) {
    BOOST_TEST_MESSAGE("SKIPPED: spec not found at " OPENROUTER_OPENAPI_SPEC);
    return;
  }
  std::stringstream text;
  text << file.rdbuf();
  const openapi_spec spec(json::parse(text.str()));
  BOOST_TEST(spec.properties_at(chat_request_schema, {"messages", "content"}).contains("image_url"));
  BOOST_TEST(spec.properties_at(chat_request_schema, {"messages"}).contains("tool_call_id"));
  BOOST_TEST(!spec.properties_at(chat_request_schema, {}).contains("definitely_not_a_field"));
  BOOST_TEST(!spec.properties_at(chat_result_schema, {}).contains("provider"));
  BOOST_TEST(!spec.properties_at(chat_result_schema, {"choices"}).contains("native_finish_reason"));
  BOOST_TEST(spec.properties_at(chat_result_schema, {"nope"}).empty());

  const auto chunk = spec.properties_at(chunk_schema, {});
  for (std::string_view key : {"id", "choices", "usage", "error", "model"}) BOOST_TEST(chunk.contains(std::string(key)));
  const auto usage = spec.properties_at(usage_schema, {});
  for (std::string_view key : {"prompt_tokens", "completion_tokens", "total_tokens", "cost"})
    BOOST_TEST(usage.contains(std::string(key)));
  const auto pricing = spec.properties_at(model_schema, {"pricing"});
  for (std::string_view key : {"prompt", "completion", "request", "image"}) BOOST_TEST(pricing.contains(std::string(key)));
}

BOOST_AUTO_TEST_SUITE_END()
