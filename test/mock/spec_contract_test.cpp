// Contract test: openrouter-mock's responses against the official OpenRouter OpenAPI spec
// (OPENROUTER_OPENAPI_SPEC: the pinned copy in spec/ unless configured otherwise). A missing
// spec fails every case: the suite never skips. Response schemas are looked up per operation and status in the spec's `paths`.
//
// Objects are checked closed (test::openapi::check_options::closed_objects): a member the
// spec's schema does not declare is a violation unless the condensed reference
// (../shared/openrouter-api.md) documents it; those few are listed below, each with the
// section that documents it.
#include "support/fixtures.hpp"
#include "support/openapi_check.hpp"
#include "detail/multipart.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <map>
#include <sstream>

using namespace test;
namespace json = boost::json;

namespace {

// Members that the spec's schemas lack but the reference (../shared/openrouter-api.md)
// documents, by section. Only these are let through the closed-object check.

// POST /chat/completions 200 application/json (spec ChatResult).
const std::set<std::string> k_chat_result_extras = {
    "$.provider",                                    // §3.1 "provider?: string // [docs examples, not in spec]"
    "$.choices[*].native_finish_reason",             // §3.1 "native_finish_reason?: string|null // [docs]"
    "$.choices[*].error",                            // §3.1, §3.4: provider error after partial output
    "$.choices[*].message.annotations",              // §3.1 "annotations?: [...] // [docs]", §3.4 PDF annotations
    "$.choices[*].message.images[*].type",           // §3.1 "images?: [{type?:\"image_url\", image_url:{url}}]"
    "$.usage.completion_tokens_details.image_tokens",  // §3.2 "image_tokens?: int"
};

// POST /chat/completions 200 text/event-stream, each chunk (spec ChatStreamChunk).
const std::set<std::string> k_chunk_extras = {
    "$.provider",                                    // §4.2 "provider?: string // [docs]"
    "$.choices[*].native_finish_reason",             // §4.2 "native_finish_reason?: string|null"
    "$.choices[*].delta.images",                     // §4.2 "images?: [{type:\"image_url\", ...}] // [docs]"
    "$.usage.completion_tokens_details.image_tokens",  // §3.2 (usage chunk: "usage?: ChatUsage")
};

// Error envelopes (spec *Response / *ResponseErrorData).
const std::set<std::string> k_error_extras = {
    "$.error.availability",  // §5.1 envelope "availability"?: {...}; §5.5 model-availability errors (additive)
};

// 200 answers' members that the spec's schemas lack but the official SDK (@openrouter/sdk
// 1.3.19, test/sdk) requires, by the spec path they answer: the SDK is newer than the spec.
const std::map<std::string_view, std::set<std::string>> k_sdk_extras = {
    {"/models/{author}/{slug}/endpoints", {"$.data.endpoints[*].supports_tool_choice"}},  // PublicEndpoint
    {"/key", {"$.data.allowed_data_regions", "$.data.free_model_daily_requests",       // GetCurrentKeyData
              "$.data.organization_id", "$.data.workspace_id"}},
    {"/endpoints/zdr", {"$.data[*].supports_tool_choice"}},  // PublicEndpoint, as above
    {"/keys", {"$.data[*].external_user", "$.data.external_user"}},  // ListData, CreateKeysData
    {"/keys/{hash}", {"$.data.external_user"}},                       // GetKeyData, UpdateKeysData
};

std::set<std::string> sdk_extras(std::string_view path) {
  auto it = k_sdk_extras.find(path);
  return it == k_sdk_extras.end() ? std::set<std::string>{} : it->second;
}

const openapi::spec* spec_or_skip() {
  static const std::optional<openapi::spec> spec = openapi::spec::load(OPENROUTER_OPENAPI_SPEC);
  if (!spec) BOOST_ERROR("OpenAPI spec not found at " OPENROUTER_OPENAPI_SPEC " (pinned: spec/openrouter-openapi.json)");
  return spec ? &*spec : nullptr;
}

openapi::check_options closed(const std::set<std::string>& extras = {}) { return {true, extras}; }

std::string lines(const std::vector<std::string>& v, std::size_t max = 40) {
  std::ostringstream out;
  for (std::size_t i = 0; i < v.size() && i < max; ++i) out << "\n  " << v[i];
  if (v.size() > max) out << "\n  ... and " << v.size() - max << " more";
  return out.str();
}

/// The schema the spec gives `method path` for `status` and `media`; fails the test case when
/// the spec has none.
const json::value& schema_of(const openapi::spec& spec, std::string_view path, std::string_view method,
                             unsigned status, std::string_view media = "application/json") {
  const json::value* s = spec.response_schema(path, method, status, media);
  BOOST_REQUIRE_MESSAGE(s, "the spec defines no " << media << " response for " << method << " " << path << " "
                                                  << status);
  return *s;
}

void expect_conforms(const openapi::spec& spec, const json::value& instance, const json::value& schema,
                     const std::string& what, const openapi::check_options& options) {
  auto violations = spec.validate(instance, schema, options);
  BOOST_TEST(violations.empty(), what << " violates the spec (" << violations.size() << "):" << lines(violations));
}

/// GETs `target` (under /api/v1), expects `status` and a JSON body conforming to the spec's
/// schema for `path` (the templated path, e.g. /models/{author}/{slug}/endpoints).
json::value get_conforming(mock_fixture& f, const openapi::spec& spec, const std::string& target,
                           std::string_view path, unsigned status = 200) {
  auto r = f.client.get(api(target));
  BOOST_TEST_REQUIRE(r.status == status, "GET " << target << " answered " << r.status << ": " << r.body);
  auto v = r.json();
  expect_conforms(spec, v, schema_of(spec, path, "get", status), "GET " + target,
                  closed(status == 200 ? sdk_extras(path) : k_error_extras));
  return v;
}

/// Sends `method target` (under /api/v1) with a JSON `body` (none when empty), expects `status`
/// and a JSON answer conforming to the spec's schema for `path` (templated) at that status.
json::value call_conforming(mock_fixture& f, const openapi::spec& spec, const std::string& method,
                            const std::string& target, std::string_view path, const std::string& body, unsigned status) {
  auto r = f.client.request(method, api(target), body, body.empty() ? std::map<std::string, std::string>{}
                                                                     : std::map<std::string, std::string>{{"Content-Type", "application/json"}});
  BOOST_TEST_REQUIRE(r.status == status, method << " " << target << " answered " << r.status << ": " << r.body);
  std::string lower = method;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto v = r.json();
  expect_conforms(spec, v, schema_of(spec, path, lower, status), method + " " + target,
                  closed(status < 300 ? sdk_extras(path) : k_error_extras));
  return v;
}

/// POSTs a chat completion, expects a JSON answer (200 or an error status) conforming to the
/// spec's schema for that status.
json::value chat_conforming(mock_fixture& f, const openapi::spec& spec, const json::object& body,
                            const std::string& what, unsigned status = 200) {
  auto r = f.chat(body);
  BOOST_TEST_REQUIRE(r.status == status, what << " answered " << r.status << ": " << r.body);
  BOOST_TEST(r.header("content-type") == "application/json");
  auto v = r.json();
  expect_conforms(spec, v, schema_of(spec, "/chat/completions", "post", status), what,
                  closed(status == 200 ? k_chat_result_extras : k_error_extras));
  return v;
}

/// The schema of one streamed chunk: the `data` of the spec's text/event-stream event schema.
const json::value& chunk_schema(const openapi::spec& spec) {
  const auto& event = spec.deref(schema_of(spec, "/chat/completions", "post", 200, "text/event-stream"));
  const json::value* data = event.as_object().if_contains("properties");
  data = data ? data->as_object().if_contains("data") : nullptr;
  BOOST_REQUIRE_MESSAGE(data, "the text/event-stream schema of /chat/completions has no `data` property");
  return *data;
}

/// Streams a chat completion and checks every data event but the [DONE] sentinel against the
/// chunk schema. Returns the parsed chunks.
std::vector<json::value> stream_conforming(mock_fixture& f, const openapi::spec& spec, json::object body,
                                           const std::string& what) {
  body["stream"] = true;
  auto r = f.chat(body);
  BOOST_TEST_REQUIRE(r.status == 200u, what << " answered " << r.status << ": " << r.body);
  BOOST_TEST(r.header("content-type") == "text/event-stream");
  std::vector<json::value> chunks;
  for (const auto& data : sse_data(r.body)) {
    if (data == "[DONE]") continue;  // the spec's x-speakeasy-sse-sentinel, not JSON
    chunks.push_back(json::parse(data));
    expect_conforms(spec, chunks.back(), chunk_schema(spec), what + " chunk #" + std::to_string(chunks.size() - 1),
                    closed(k_chunk_extras));
  }
  BOOST_TEST(!chunks.empty(), what << " streamed no chunk");
  return chunks;
}

constexpr std::string_view k_endpoints_path = "/models/{author}/{slug}/endpoints";
constexpr std::string_view k_auto_router = "openrouter/auto";

json::array weather_tools() {
  auto params = json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})");
  json::array tools;
  for (const char* name : {"get_weather", "get_forecast"})
    tools.push_back(json::object{
        {"type", "function"},
        {"function", json::object{{"name", name}, {"description", "weather"}, {"parameters", params}}}});
  return tools;
}

json::object tools_body() {
  auto body = chat_body("openai/gpt-4o-mini", "Weather in Paris?");
  body["tools"] = weather_tools();
  return body;
}

json::object image_body() {
  auto body = chat_body("google/gemini-2.5-flash-image", "Draw a teacup");
  body["modalities"] = json::array{"image", "text"};
  return body;
}

json::object pdf_body() {
  json::object file{{"filename", "invoice.pdf"}, {"file_data", "data:application/pdf;base64,JVBERi0xLjQK"}};
  json::array content{json::object{{"type", "text"}, {"text", "Total?"}},
                      json::object{{"type", "file"}, {"file", file}}};
  json::object parser{{"id", "file-parser"}, {"pdf", json::object{{"engine", "cloudflare-ai"}}}};
  return {{"model", "openai/gpt-4o-mini"},
          {"messages", json::array{json::object{{"role", "user"}, {"content", content}}}},
          {"plugins", json::array{parser}}};
}

json::object json_schema_body() {
  auto body = chat_body("openai/gpt-4o-mini", "Extract the invoice");
  auto schema = json::parse(R"({"type": "object", "additionalProperties": false, "required": ["total", "currency"],
                                 "properties": {"total": {"type": "number"}, "currency": {"type": "string"}}})");
  json::object format{{"name", "invoice"}, {"strict", true}, {"schema", schema}};
  body["response_format"] = json::object{{"type", "json_schema"}, {"json_schema", format}};
  return body;
}

json::object reasoning_body() {
  auto body = chat_body("anthropic/claude-sonnet-4.5", "Think first");
  body["reasoning"] = json::object{{"effort", "high"}};
  return body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(spec_contract_test)

// The checker's rules on a tiny inline document: runs with or without the official spec.
BOOST_AUTO_TEST_CASE(checker_rules) {
  const openapi::spec doc(json::parse(R"({"components": {"schemas": {
    "Price": {"type": "string"},
    "Item": {"type": "object", "required": ["id"], "properties": {
      "id": {"type": "integer"}, "price": {"$ref": "#/components/schemas/Price"},
      "tags": {"type": "array", "items": {"type": "string"}}, "note": {"type": ["string", "null"]},
      "old": {"type": "string", "nullable": true}, "kind": {"type": "string", "enum": ["a", "b"]}, "v": {"const": 1}}},
    "Named": {"allOf": [{"$ref": "#/components/schemas/Item"},
                        {"properties": {"name": {"type": "string"}}, "required": ["name"]}]},
    "Items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
    "Either": {"anyOf": [{"type": "number"}, {"$ref": "#/components/schemas/Price"}]},
    "Map": {"type": "object", "additionalProperties": {"type": "number"}},
    "Closed": {"type": "object", "properties": {"a": {}}, "additionalProperties": false},
    "BaseUsage": {"type": "object", "required": ["tokens"], "properties": {"tokens": {"type": "integer"}}},
    "Usage": {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/BaseUsage"},
                                   {"type": "object", "properties": {"cost": {"type": "number"}}}]},
                        {"type": "null"}]},
    "Result": {"allOf": [{"type": "object", "properties": {"id": {"type": "string"},
                                                           "usage": {"$ref": "#/components/schemas/BaseUsage"}}},
                         {"type": "object", "properties": {"usage": {"$ref": "#/components/schemas/Usage"}}}]},
    "Pick": {"anyOf": [{"required": ["a"], "properties": {"a": {}}},
                       {"required": ["b"], "properties": {"b": {}, "c": {}}}]}}}})"));
  auto check = [&](const std::string& name, std::string_view instance, const openapi::check_options& o = {}) {
    return doc.validate(json::parse(instance), json::object{{"$ref", "#/components/schemas/" + name}}, o);
  };
  using violations = std::vector<std::string>;
  BOOST_TEST(check("Item", R"({"id": 3.0, "price": "1", "tags": ["x"], "note": null, "old": null, "kind": "a", "v": 1,
                               "extra": true})").empty());
  BOOST_TEST(check("Item", R"({"id": 3.5})") == violations{"$.id: expected integer, got number"});
  BOOST_TEST(check("Item", R"({"id": 18446744073709551615})").empty());  // uint64
  BOOST_TEST(check("Item", "{}") == violations{"$.id: required member missing"});
  BOOST_TEST(check("Item", R"({"id": 1, "price": 2})") == violations{"$.price: expected string, got integer"});
  BOOST_TEST(check("Item", R"({"id": 1, "tags": ["x", 1]})") == violations{"$.tags[1]: expected string, got integer"});
  BOOST_TEST(check("Item", R"({"id": 1, "kind": "c"})") == violations{R"($.kind: value "c" not in enum ["a", "b"])"});
  BOOST_TEST(check("Item", R"({"id": 1, "v": 2})") == violations{"$.v: expected const 1, got 2"});
  BOOST_TEST(check("Item", R"({"id": 1, "note": 1})") == violations{"$.note: expected string or null, got integer"});
  BOOST_TEST(check("Item", R"({"id": 1, "old": 1})") == violations{"$.old: expected string, got integer"});
  BOOST_TEST(check("Item", "[]") == violations{"$: expected object, got array"});
  BOOST_TEST(check("Named", R"({"id": 1})") == violations{"$.name: required member missing"});
  BOOST_TEST(check("Named", R"({"id": "1", "name": "n"})") == violations{"$.id: expected integer, got string"});
  BOOST_TEST(check("Either", "1.5").empty());
  BOOST_TEST(check("Either", R"("x")").empty());
  auto none = check("Either", "true");
  BOOST_TEST_REQUIRE(none.size() == 2u);
  BOOST_TEST(none[0] == "$: matches no branch of anyOf; the closest, #0, fails with:");
  BOOST_TEST(none[1] == "  $: expected number, got boolean");
  BOOST_TEST(check("Map", R"({"a": 1, "b": "x"})") == violations{"$.b: expected number, got string"});
  BOOST_TEST(check("Closed", R"({"a": 1, "b": 2})") == violations{"$.b: unknown member (additionalProperties: false)"});
  // Closed objects: members declared across allOf are known; allowances name paths with [*].
  openapi::check_options closed_mode{true, {}};
  BOOST_TEST(check("Named", R"({"id": 1, "name": "n"})", closed_mode).empty());
  BOOST_TEST(check("Named", R"({"id": 1, "name": "n", "x": 0})", closed_mode) ==
             violations{"$.x: member not in the spec's schema (closed-object check)"});
  BOOST_TEST(check("Map", R"({"a": 1})", closed_mode).empty());  // additionalProperties keeps it open
  // A member declared in each of two allOf parts (the spec's OpenResponsesResult.usage): its
  // value may hold what either declaration declares, here through allOf inside anyOf...
  BOOST_TEST(check("Result", R"({"id": "r", "usage": {"tokens": 1, "cost": 0.5}})", closed_mode).empty());
  BOOST_TEST(check("Result", R"({"id": "r", "usage": null})").size() == 1u);  // BaseUsage wants an object
  // ...and nothing else: a member no schema declares is still reported, at any depth.
  BOOST_TEST(check("Result", R"({"id": "r", "usage": {"tokens": 1, "cost": 0.5, "bogus": 1}, "x": 0})", closed_mode) ==
             (violations{"$.x: member not in the spec's schema (closed-object check)",
                         "$.usage.bogus: member not in the spec's schema (closed-object check)"}));
  // Only branches that hold declare members: "c" belongs to the branch that fails (no "b").
  BOOST_TEST(check("Pick", R"({"a": 1})", closed_mode).empty());
  BOOST_TEST(check("Pick", R"({"a": 1, "c": 2})", closed_mode) ==
             violations{"$.c: member not in the spec's schema (closed-object check)"});
  BOOST_TEST(check("Pick", R"({"a": 1, "b": 2, "c": 3})", closed_mode).empty());  // both hold
  closed_mode.allowed_extras = {"$[*].x"};
  BOOST_TEST(check("Items", R"([{"id": 1, "x": 0}, {"id": 2, "x": 0, "y": 0}])", closed_mode) ==
             violations{"$[1].y: member not in the spec's schema (closed-object check)"});
}

BOOST_AUTO_TEST_CASE(spec_is_usable) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  // The operations this suite relies on exist, and their 200 responses have schemas.
  for (auto [path, method] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"/models", "get"}, {"/models/user", "get"}, {"/models/{author}/{slug}/endpoints", "get"},
           {"/providers", "get"}, {"/generation", "get"}, {"/key", "get"}, {"/chat/completions", "post"}})
    BOOST_TEST(spec->response_schema(path, method, 200) != nullptr, method << " " << path);
  BOOST_TEST(spec->response_schema("/chat/completions", "post", 200, "text/event-stream") != nullptr);
  // The checker is not vacuous: a wrong chat response is caught, with a path.
  auto bad = json::parse(R"({"id":"x","object":"chat.completion","created":1.5,"model":"m","system_fingerprint":null,
                             "choices":[{"index":0,"finish_reason":"stop","message":{"role":"user","content":7}}]})");
  auto violations = spec->validate(bad, schema_of(*spec, "/chat/completions", "post", 200));
  std::string all = lines(violations);
  BOOST_TEST(all.find("$.created: expected integer, got number") != std::string::npos, all);
  BOOST_TEST(all.find("$.choices[0].message.role") != std::string::npos, all);
  BOOST_TEST(all.find("$.choices[0].message.content: matches no branch of anyOf") != std::string::npos, all);
}

BOOST_AUTO_TEST_CASE(models_catalog) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  auto text = get_conforming(f, *spec, "/models", "/models");
  auto all = get_conforming(f, *spec, "/models?output_modalities=all", "/models");
  std::size_t n_text = text.at("data").as_array().size(), n_all = all.at("data").as_array().size();
  BOOST_TEST(n_text > 0u);
  BOOST_TEST(n_all > n_text);  // image-only and embedding models join
  BOOST_TEST(all.at("total_count").to_number<std::size_t>() == n_all);
  get_conforming(f, *spec, "/models/user", "/models/user");
  // The check bites on this very document: one wrong price type is reported, with its path.
  all.at("data").at(3).at("pricing").as_object()["prompt"] = 0.5;
  BOOST_TEST(spec->validate(all, schema_of(*spec, "/models", "get", 200), closed()) ==
                 std::vector<std::string>{"$.data[3].pricing.prompt: expected string, got number"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(model_endpoints) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  for (std::string id : {"meta-llama/llama-3.3-70b-instruct", "mistralai/mistral-7b-instruct:free",
                         "openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash-image"}) {
    auto v = get_conforming(f, *spec, "/models/" + id + "/endpoints", k_endpoints_path);
    BOOST_TEST(!v.at("data").at("endpoints").as_array().empty(), id);
  }
  // And every other model of the catalog (the auto router has its own case below).
  auto all = f.client.get(api("/models?output_modalities=all")).json();
  for (const auto& m : all.at("data").as_array()) {
    std::string id(m.at("id").as_string());
    if (id != k_auto_router) get_conforming(f, *spec, "/models/" + id + "/endpoints", k_endpoints_path);
  }
  get_conforming(f, *spec, "/models/nobody/nothing/endpoints", k_endpoints_path, 404);
}

// The auto router: its endpoint list (empty: it serves through the model it picks) and its
// completions, which report the real model and provider (reference §11).
BOOST_AUTO_TEST_CASE(auto_router) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  get_conforming(f, *spec, "/models/" + std::string(k_auto_router) + "/endpoints", k_endpoints_path);
  auto v = chat_conforming(f, *spec, chat_body(std::string(k_auto_router)), "auto router chat");
  get_conforming(f, *spec, "/generation?id=" + std::string(v.at("id").as_string()), "/generation");
}

BOOST_AUTO_TEST_CASE(providers_and_key) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  get_conforming(f, *spec, "/providers", "/providers");
  get_conforming(f, *spec, "/key", "/key");
  // Without a key: the 401 envelope of each authenticated operation.
  f.client.set_api_key("");
  get_conforming(f, *spec, "/key", "/key", 401);
  get_conforming(f, *spec, "/models/user", "/models/user", 401);
  chat_conforming(f, *spec, chat_body("openai/gpt-4o-mini"), "unauthenticated chat", 401);
}

// GET /credits (a management key's; another key gets 403) and GET /models/count.
BOOST_AUTO_TEST_CASE(credits_and_model_count) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  openrouter::mock::server_options opts;
  opts.management_key = "sk-or-v1-mgmt-contract";
  mock_fixture f(opts);
  get_conforming(f, *spec, "/credits", "/credits", 403);
  auto text = get_conforming(f, *spec, "/models/count", "/models/count");
  auto all = get_conforming(f, *spec, "/models/count?output_modalities=all", "/models/count");
  BOOST_TEST(text.at("data").at("count").as_int64() ==
             static_cast<std::int64_t>(f.client.get(api("/models")).json().at("data").as_array().size()));
  BOOST_TEST(all.at("data").at("count").as_int64() > text.at("data").at("count").as_int64());
  f.client.set_api_key("sk-or-v1-mgmt-contract");
  auto credits = get_conforming(f, *spec, "/credits", "/credits");
  BOOST_TEST(credits.at("data").at("total_credits").as_double() == 100.0);
  f.client.set_api_key("");
  get_conforming(f, *spec, "/credits", "/credits", 401);
}

// API key management: every answer of /keys and /keys/{hash} against the spec, with the
// management key; 403 for a user key where the spec lists it (POST), 401 without a key, 404 for
// an unknown hash, 400 for a bad body.
BOOST_AUTO_TEST_CASE(api_keys) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  openrouter::mock::server_options opts;
  opts.management_key = "sk-or-v1-mgmt-contract";
  mock_fixture f(opts);
  auto call = [&](const std::string& method, const std::string& target, std::string_view path, const std::string& body,
                  unsigned status) { return call_conforming(f, *spec, method, target, path, body, status); };
  call("POST", "/keys", "/keys", R"({"name":"x"})", 403);  // a user key
  f.client.set_api_key("sk-or-v1-mgmt-contract");
  auto made = call("POST", "/keys", "/keys", R"({"name":"contract","limit":12.5,"limit_reset":"weekly",
                   "expires_at":"2030-01-01T00:00:00Z","include_byok_in_limit":true})", 201);
  const std::string hash(made.at("data").at("hash").as_string());
  BOOST_TEST(made.at("key").as_string().starts_with("sk-or-v1-"));
  call("POST", "/keys", "/keys", R"({"limit":1})", 400);
  call("POST", "/keys", "/keys", R"({"name":"x","limit_reset":"hourly"})", 400);
  auto list = call("GET", "/keys", "/keys", "", 200);
  BOOST_TEST(list.at("data").as_array().size() == 1u);
  call("GET", "/keys?offset=-1", "/keys", "", 400);
  auto got = call("GET", "/keys/" + hash, "/keys/{hash}", "", 200);
  BOOST_TEST(got.at("data").at("name") == "contract");
  auto patched = call("PATCH", "/keys/" + hash, "/keys/{hash}", R"({"disabled":true,"limit":null,"limit_reset":null})", 200);
  BOOST_TEST(patched.at("data").at("limit").is_null());
  BOOST_TEST(patched.at("data").at("disabled").as_bool());
  call("PATCH", "/keys/" + hash, "/keys/{hash}", R"({"disabled":"yes"})", 400);
  BOOST_TEST(call("GET", "/keys", "/keys", "", 200).at("data").as_array().empty());  // disabled
  BOOST_TEST(call("GET", "/keys?include_disabled=true", "/keys", "", 200).at("data").as_array().size() == 1u);
  auto deleted = call("DELETE", "/keys/" + hash, "/keys/{hash}", "", 200);
  BOOST_TEST(deleted.at("deleted").as_bool());
  call("GET", "/keys/" + hash, "/keys/{hash}", "", 404);
  call("PATCH", "/keys/" + hash, "/keys/{hash}", R"({"name":"y"})", 404);
  call("DELETE", "/keys/" + hash, "/keys/{hash}", "", 404);
  f.client.set_api_key("");
  call("GET", "/keys", "/keys", "", 401);
  call("DELETE", "/keys/" + hash, "/keys/{hash}", "", 401);
}

// Presets: every answer of /presets, /presets/{slug}, the three creations (chat, Messages and
// Responses bodies), /versions and /versions/{version} against the spec, with their 400s (a body
// that is no such request, a bad page), 404s (unknown preset or version) and 401 (no key).
BOOST_AUTO_TEST_CASE(presets) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  auto call = [&](const std::string& method, const std::string& target, std::string_view path, const std::string& body,
                  unsigned status) { return call_conforming(f, *spec, method, target, path, body, status); };
  auto made = call("POST", "/presets/contract/chat/completions", "/presets/{slug}/chat/completions",
                   R"({"model":"openai/gpt-4o-mini","temperature":0.7,"stream":true,
                       "messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hello"}]})", 200);
  BOOST_TEST(made.at("data").at("designated_version").at("config").at("model") == "openai/gpt-4o-mini");
  BOOST_TEST(made.at("data").at("designated_version").at("system_prompt") == "Be kind.");
  BOOST_TEST(!made.at("data").at("designated_version").at("config").as_object().contains("stream"));
  call("POST", "/presets/contract/chat/completions", "/presets/{slug}/chat/completions", R"({"model":"x"})", 400);
  auto from_messages = call("POST", "/presets/contract/messages", "/presets/{slug}/messages",
                            R"({"model":"anthropic/claude-3.5-haiku","max_tokens":64,"system":"Be brief.",
                                "messages":[{"role":"user","content":"Hi"}]})", 200);
  BOOST_TEST(from_messages.at("data").at("designated_version").at("version").as_int64() == 2);
  BOOST_TEST(from_messages.at("data").at("designated_version").at("system_prompt") == "Be brief.");
  call("POST", "/presets/contract/messages", "/presets/{slug}/messages", R"({"model":"x"})", 400);
  auto from_responses = call("POST", "/presets/other/responses", "/presets/{slug}/responses",
                             R"({"model":"openai/gpt-4o-mini","instructions":"Answer in French.","input":"Hi"})", 200);
  BOOST_TEST(from_responses.at("data").at("designated_version").at("system_prompt") == "Answer in French.");
  BOOST_TEST(!from_responses.at("data").at("designated_version").at("config").as_object().contains("input"));
  call("POST", "/presets/other/responses", "/presets/{slug}/responses", "[1]", 400);

  auto list = call("GET", "/presets", "/presets", "", 200);
  BOOST_TEST(list.at("total_count").as_int64() == 2);
  BOOST_TEST_REQUIRE(list.at("data").as_array().size() == 2u);
  BOOST_TEST(list.at("data").at(0).at("slug") == "other");  // most recently updated first
  BOOST_TEST(call("GET", "/presets?offset=1&limit=1", "/presets", "", 200).at("data").at(0).at("slug") == "contract");
  call("GET", "/presets?limit=101", "/presets", "", 400);
  call("GET", "/presets?offset=-1", "/presets", "", 400);
  auto got = call("GET", "/presets/contract", "/presets/{slug}", "", 200);
  BOOST_TEST(got.at("data").at("designated_version").at("version").as_int64() == 2);
  call("GET", "/presets/nope", "/presets/{slug}", "", 404);
  auto versions = call("GET", "/presets/contract/versions", "/presets/{slug}/versions", "", 200);
  BOOST_TEST(versions.at("total_count").as_int64() == 2);
  BOOST_TEST(versions.at("data").at(0).at("version").as_int64() == 1);  // oldest first
  call("GET", "/presets/contract/versions?limit=0", "/presets/{slug}/versions", "", 400);
  call("GET", "/presets/nope/versions", "/presets/{slug}/versions", "", 404);
  auto v1 = call("GET", "/presets/contract/versions/1", "/presets/{slug}/versions/{version}", "", 200);
  BOOST_TEST(v1.at("data").at("config").at("temperature").as_double() == 0.7);
  call("GET", "/presets/contract/versions/3", "/presets/{slug}/versions/{version}", "", 404);
  call("GET", "/presets/contract/versions/x", "/presets/{slug}/versions/{version}", "", 400);
  call("GET", "/presets/nope/versions/1", "/presets/{slug}/versions/{version}", "", 404);
  f.client.set_api_key("");
  call("GET", "/presets", "/presets", "", 401);
  call("POST", "/presets/contract/messages", "/presets/{slug}/messages", R"({"model":"x","messages":[]})", 401);
}

// POST /embeddings (one input, a batch, base64, token ids, multimodal; error answers) and
// GET /embeddings/models.
BOOST_AUTO_TEST_CASE(embeddings) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  const std::string model = "openai/text-embedding-3-small";
  auto embed = [&](json::object body, unsigned status, const std::string& what) {
    auto r = f.client.post(api("/embeddings"), body);
    BOOST_TEST_REQUIRE(r.status == status, what << " answered " << r.status << ": " << r.body);
    auto v = r.json();
    expect_conforms(*spec, v, schema_of(*spec, "/embeddings", "post", status), what,
                    closed(status == 200 ? std::set<std::string>{} : k_error_extras));
    return v;
  };
  auto one = embed({{"model", model}, {"input", "The quick brown fox"}}, 200, "one input");
  BOOST_TEST(one.at("data").at(0).at("embedding").as_array().size() == 1536u);
  auto batch = embed({{"model", model}, {"input", json::array{"a", "b", "c"}}, {"dimensions", 4}}, 200, "batch");
  BOOST_TEST_REQUIRE(batch.at("data").as_array().size() == 3u);
  BOOST_TEST(batch.at("data").at(2).at("index").as_int64() == 2);
  BOOST_TEST(batch.at("data").at(1).at("embedding").as_array().size() == 4u);
  BOOST_TEST(batch.at("data").at(0).at("embedding") != batch.at("data").at(1).at("embedding"));
  auto b64 = embed({{"model", model}, {"input", "a"}, {"dimensions", 4}, {"encoding_format", "base64"}}, 200, "base64");
  BOOST_TEST(b64.at("data").at(0).at("embedding").as_string().size() == 24u);  // 16 bytes of float32
  embed({{"model", model}, {"input", json::array{json::array{1, 2, 3}, json::array{4}}}}, 200, "token ids");
  json::array parts{json::object{{"type", "text"}, {"text", "a cat"}},
                    json::object{{"type", "image_url"}, {"image_url", json::object{{"url", "https://x/cat.png"}}}}};
  embed({{"model", model}, {"input", json::array{json::object{{"content", parts}}}}}, 200, "multimodal");
  embed({{"model", model}, {"input", ""}}, 400, "empty input");
  embed({{"model", model}, {"input", "x"}, {"dimensions", 0}}, 400, "dimensions 0");
  embed({{"model", model}, {"input", "x"}, {"encoding_format", "int8"}}, 400, "unknown encoding");
  embed({{"model", "openai/gpt-4o-mini"}, {"input", "x"}}, 404, "a chat model");
  embed({{"model", "nobody/nothing"}, {"input", "x"}}, 404, "unknown model");
  auto models = get_conforming(f, *spec, "/embeddings/models", "/embeddings/models");
  BOOST_TEST(!models.at("data").as_array().empty());
  for (const auto& m : models.at("data").as_array())
    BOOST_TEST(json::serialize(m.at("architecture").at("output_modalities")).find("embeddings") != std::string::npos);
  f.client.set_api_key("");
  embed({{"model", model}, {"input", "x"}}, 401, "unauthenticated");
}

// GET /activity (management key; rows after completions, a date filter, a bad date),
// GET /endpoints/zdr, GET /model/{author}/{slug} and GET /generation/content.
BOOST_AUTO_TEST_CASE(activity_zdr_model_and_generation_content) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  openrouter::mock::server_options opts;
  opts.management_key = "sk-or-v1-mgmt-contract";
  mock_fixture f(opts);
  get_conforming(f, *spec, "/activity", "/activity", 403);
  auto r = f.chat(chat_body("openai/gpt-4o-mini"));
  BOOST_TEST_REQUIRE(r.status == 200u);
  const std::string id = r.header("x-generation-id");
  f.chat(chat_body("openai/gpt-4o-mini", "stream me", true));
  f.client.set_api_key("sk-or-v1-mgmt-contract");
  auto activity = get_conforming(f, *spec, "/activity", "/activity");
  BOOST_TEST_REQUIRE(activity.at("data").as_array().size() == 1u);
  BOOST_TEST(activity.at("data").at(0).at("requests").as_int64() == 2);
  auto none = get_conforming(f, *spec, "/activity?date=2000-01-01", "/activity");
  BOOST_TEST(none.at("data").as_array().empty());
  get_conforming(f, *spec, "/activity?date=soon", "/activity", 400);

  auto zdr = get_conforming(f, *spec, "/endpoints/zdr", "/endpoints/zdr");
  BOOST_TEST(!zdr.at("data").as_array().empty());
  auto model = get_conforming(f, *spec, "/model/openai/gpt-4o-mini", "/model/{author}/{slug}");
  BOOST_TEST(model.at("data").at("id").as_string() == "openai/gpt-4o-mini");
  get_conforming(f, *spec, "/model/mistralai/mistral-7b-instruct:free", "/model/{author}/{slug}");
  get_conforming(f, *spec, "/model/nobody/nothing", "/model/{author}/{slug}", 404);

  auto content = get_conforming(f, *spec, "/generation/content?id=" + id, "/generation/content");
  BOOST_TEST(content.at("data").at("output").at("completion").is_string());
  get_conforming(f, *spec, "/generation/content?id=gen-unknown", "/generation/content", 404);
  f.client.set_api_key("");
  get_conforming(f, *spec, "/activity", "/activity", 401);
  get_conforming(f, *spec, "/generation/content?id=" + id, "/generation/content", 401);
}

BOOST_AUTO_TEST_CASE(generation) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  // Plain, streamed, free, reasoning, tool-call and image completions, each looked up.
  std::vector<std::pair<json::object, std::string>> chats = {
      {chat_body("openai/gpt-4o-mini"), "plain"},
      {chat_body("openai/gpt-4o-mini", "stream me", true), "streamed"},
      {chat_body("mistralai/mistral-7b-instruct:free"), "free"},
      {reasoning_body(), "reasoning"},
      {tools_body(), "tool call"},
      {image_body(), "image"}};
  std::string last_id;
  for (const auto& [body, what] : chats) {
    auto r = f.chat(body);
    BOOST_TEST_REQUIRE(r.status == 200u, what << " answered " << r.status << ": " << r.body);
    last_id = r.header("x-generation-id");
    BOOST_TEST_REQUIRE(!last_id.empty(), what << ": no X-Generation-Id");
    get_conforming(f, *spec, "/generation?id=" + last_id, "/generation");
  }
  get_conforming(f, *spec, "/generation?id=gen-unknown", "/generation", 404);
  f.client.set_api_key("");
  get_conforming(f, *spec, "/generation?id=" + last_id, "/generation", 401);
}

BOOST_AUTO_TEST_CASE(chat_completions) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  chat_conforming(f, *spec, chat_body("openai/gpt-4o-mini"), "plain chat");
  auto tools = chat_conforming(f, *spec, tools_body(), "tool call");
  BOOST_TEST(tools.at("choices").at(0).at("finish_reason").as_string() == "tool_calls");
  auto image = chat_conforming(f, *spec, image_body(), "image output");
  BOOST_TEST(!image.at("choices").at(0).at("message").at("images").as_array().empty());
  auto pdf = chat_conforming(f, *spec, pdf_body(), "PDF with file-parser");
  BOOST_TEST(!pdf.at("choices").at(0).at("message").at("annotations").as_array().empty());
  chat_conforming(f, *spec, json_schema_body(), "json_schema response_format");
  auto reasoning = chat_conforming(f, *spec, reasoning_body(), "reasoning");
  BOOST_TEST(reasoning.at("choices").at(0).at("message").at("reasoning").is_string());
  auto error = chat_conforming(f, *spec, chat_body("fault/error_in_body;after_tokens=2"), "error in body");
  BOOST_TEST(error.at("choices").at(0).at("finish_reason").as_string() == "error");
}

BOOST_AUTO_TEST_CASE(chat_streams) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  stream_conforming(f, *spec, chat_body("openai/gpt-4o-mini", "Hello"), "text stream");
  stream_conforming(f, *spec, reasoning_body(), "reasoning stream");
  stream_conforming(f, *spec, tools_body(), "tool-call stream");
  stream_conforming(f, *spec, image_body(), "image stream");
  auto error = stream_conforming(f, *spec, chat_body("fault/mid_stream_error;after_tokens=2"), "mid-stream error");
  BOOST_TEST(error.back().as_object().contains("error"));
}

BOOST_AUTO_TEST_CASE(error_envelopes) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  for (auto [model, status] : std::vector<std::pair<std::string, unsigned>>{
           {"fault/400", 400}, {"fault/401", 401}, {"fault/402", 402}, {"fault/402;retry_after=5", 402},
           {"fault/403", 403}, {"fault/404", 404}, {"fault/408", 408}, {"fault/429", 429},
           {"fault/http_error;status=429;retry_after=2", 429}, {"fault/500", 500}, {"fault/502", 502},
           {"fault/503", 503}, {"fault/524", 524}, {"fault/529", 529}, {"fault/wrapped_transient", 400}}) {
    if (!spec->response_schema("/chat/completions", "post", status)) {
      BOOST_TEST_MESSAGE("the spec defines no " << status << " response for POST /chat/completions; " << model
                                                << " not checked");
      continue;
    }
    auto v = chat_conforming(f, *spec, chat_body(model), model, status);
    BOOST_TEST(v.at("error").at("code") == status, model);
  }
  // Errors the mock reaches on its own: a rejected parameter, no endpoint for the requested
  // modalities, and a failure before the first token of a stream (plain JSON, reference §4.6).
  auto bad = chat_body("openai/gpt-4o-mini");
  bad["temperature"] = 5;
  chat_conforming(f, *spec, bad, "temperature out of range", 400);
  auto no_image = image_body();
  no_image["model"] = "mistralai/mistral-7b-instruct";
  chat_conforming(f, *spec, no_image, "image output from a text-only model", 404);
  chat_conforming(f, *spec, chat_body("fault/402", "stream me", true), "pre-stream 402", 402);
}

BOOST_AUTO_TEST_CASE(payload_too_large) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  openrouter::mock::server_options opts;
  opts.max_request_body = 1024;
  mock_fixture f(opts);
  chat_conforming(f, *spec, chat_body("openai/gpt-4o-mini", std::string(4096, 'x')), "oversized request", 413);
}

// POST /responses: JSON answers (text, function calls, reasoning, a failed response, errors)
// and every event of the streams against the spec's StreamEvents.
BOOST_AUTO_TEST_CASE(responses) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  auto post = [&](json::object body, unsigned status, const std::string& what) {
    auto r = f.client.post(api("/responses"), body);
    BOOST_TEST_REQUIRE(r.status == status, what << " answered " << r.status << ": " << r.body);
    return r;
  };
  auto conforming = [&](json::object body, const std::string& what, unsigned status = 200) {
    auto v = post(std::move(body), status, what).json();
    expect_conforms(*spec, v, schema_of(*spec, "/responses", "post", status), what,
                    closed(status == 200 ? std::set<std::string>{} : k_error_extras));
    return v;
  };
  json::array fn_tools;
  for (const auto& t : weather_tools()) {
    const auto& fn = t.at("function").as_object();
    fn_tools.push_back(json::object{{"type", "function"}, {"name", fn.at("name")}, {"description", fn.at("description")},
                                    {"parameters", fn.at("parameters")}});
  }
  const json::object text{{"model", "openai/gpt-4o-mini"}, {"input", "Hello"}};
  json::object tools{{"model", "openai/gpt-4o-mini"},
                     {"input", json::array{json::object{{"type", "message"}, {"role", "user"}, {"content", "Weather in Paris?"}}}},
                     {"tools", fn_tools}};
  const json::object reasoning{{"model", "anthropic/claude-sonnet-4.5"}, {"input", "Think first"},
                               {"reasoning", json::object{{"effort", "high"}}}};
  auto plain = conforming(text, "plain");
  BOOST_TEST(plain.at("status").as_string() == "completed");
  auto calls = conforming(tools, "function call");
  BOOST_TEST(calls.at("output").at(0).at("type").as_string() == "function_call");
  conforming(reasoning, "reasoning");
  json::object failed = text;
  failed["model"] = "fault/error_in_body;after_tokens=2";
  BOOST_TEST(conforming(failed, "failed response").at("status").as_string() == "failed");
  conforming({{"model", "openai/gpt-4o-mini"}}, "no input", 400);
  conforming({{"model", "nobody/nothing"}, {"input", "x"}}, "unknown model", 400);
  conforming({{"model", "fault/429"}, {"input", "x"}}, "rate limited", 429);

  const auto& event = spec->deref(schema_of(*spec, "/responses", "post", 200, "text/event-stream"));
  const json::value* data = event.as_object().if_contains("properties");
  data = data ? data->as_object().if_contains("data") : nullptr;
  BOOST_REQUIRE_MESSAGE(data, "the text/event-stream schema of /responses has no `data` property");
  auto stream = [&](json::object body, const std::string& what) {
    body["stream"] = true;
    // Each stream on a connection of its own: the mock closes the connection after a stream it
    // ended with an error, and this test client does not reconnect by itself.
    test::http_client client(f.server.get());
    auto r = client.post(api("/responses"), body);
    BOOST_TEST_REQUIRE(r.status == 200u, what << " answered " << r.status << ": " << r.body);
    BOOST_TEST(r.header("content-type") == "text/event-stream");
    std::vector<json::value> events;
    for (const auto& e : split_sse(r.body)) {
      if (e.comment || e.data == "[DONE]") continue;
      events.push_back(json::parse(e.data));
      // The SSE event name is the data's type (clients dispatch on either).
      BOOST_TEST(e.event == std::string(events.back().at("type").as_string()), what);
      expect_conforms(*spec, events.back(), *data, what + " event #" + std::to_string(events.size() - 1) + " (" +
                                                       json::serialize(events.back().at("type")) + ")",
                      closed());
    }
    BOOST_TEST_REQUIRE(!events.empty(), what << " streamed no event");
    return events;
  };
  auto s = stream(text, "text stream");
  BOOST_TEST(s.front().at("type").as_string() == "response.created");
  BOOST_TEST(s.back().at("type").as_string() == "response.completed");
  stream(tools, "function-call stream");
  stream(reasoning, "reasoning stream");
  json::object error = text;
  error["model"] = "fault/mid_stream_error;after_tokens=2";
  BOOST_TEST(stream(error, "error event").back().at("type").as_string() == "error");
  BOOST_TEST(stream(failed, "failed stream").back().at("type").as_string() == "response.failed");
}

// POST /rerank, POST /images, GET /images/models, POST /audio/speech (audio/* body) and
// POST /audio/transcriptions (multipart upload and the JSON form): answers and error answers.
BOOST_AUTO_TEST_CASE(rerank_images_and_audio) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  auto post = [&](const std::string& path, const std::string& body, const std::string& type, unsigned status,
                  const std::string& what) {
    auto r = f.client.request("POST", api(path), body, {{"content-type", type}});
    BOOST_TEST_REQUIRE(r.status == status, what << " answered " << r.status << ": " << r.body);
    if (status != 200 || path != "/audio/speech") {
      BOOST_TEST(r.header("content-type") == "application/json", what);
      expect_conforms(*spec, r.json(), schema_of(*spec, path, "post", status), what,
                      closed(status == 200 ? std::set<std::string>{} : k_error_extras));
    }
    return r;
  };
  auto post_json = [&](const std::string& path, const json::object& body, unsigned status, const std::string& what) {
    return post(path, json::serialize(body), "application/json", status, what);
  };

  json::array docs{"Paris is the capital of France.", json::object{{"text", "Berlin"}, {"image", "https://x/b.png"}}};
  auto rr = post_json("/rerank", {{"model", "cohere/rerank-v3.5"}, {"query", "capital of France"}, {"documents", docs}, {"top_n", 2}},
                      200, "rerank").json();
  BOOST_TEST(rr.at("results").as_array().size() == 2u);
  BOOST_TEST(rr.at("usage").at("cost").as_double() > 0);
  post_json("/rerank", {{"model", "cohere/rerank-v3.5"}, {"query", "q"}, {"documents", json::array{}}}, 400, "rerank without documents");
  post_json("/rerank", {{"model", "nobody/nothing"}, {"query", "q"}, {"documents", docs}}, 404, "rerank, unknown model");
  post_json("/rerank", {{"model", "fault/502"}, {"query", "q"}, {"documents", docs}}, 502, "rerank, provider error");

  auto img = post_json("/images", {{"model", "black-forest-labs/flux-1-schnell"}, {"prompt", "a fox"}, {"n", 2}}, 200, "images").json();
  BOOST_TEST(img.at("data").as_array().size() == 2u);
  BOOST_TEST(img.at("usage").at("cost").as_double() > 0);
  post_json("/images", {{"model", "black-forest-labs/flux-1-schnell"}, {"prompt", ""}}, 400, "images without prompt");
  post_json("/images", {{"model", "openai/gpt-4o-mini"}, {"prompt", "x"}}, 404, "images from a text model");
  post_json("/images", {{"model", "fault/402"}, {"prompt", "x"}}, 402, "images, out of credits");
  auto models = get_conforming(f, *spec, "/images/models", "/images/models");
  BOOST_TEST(!models.at("data").as_array().empty());

  auto speech = post_json("/audio/speech", {{"model", "openai/gpt-4o-mini-tts"}, {"input", "Hello"}}, 200, "speech");
  BOOST_TEST(speech.header("content-type") == "audio/pcm");  // the spec's default format
  BOOST_TEST(speech.body.size() == 5u * 60 * 24 * 2);
  post_json("/audio/speech", {{"model", "openai/gpt-4o-mini-tts"}, {"input", "x"}, {"response_format", "ogg"}}, 400, "speech, unknown format");
  post_json("/audio/speech", {{"model", "fault/429"}, {"input", "x"}}, 429, "speech, rate limited");

  openrouter::detail::multipart_form form;
  form.add_file("file", "hello.wav", "audio/wav", std::string(64000, '\0'));
  form.add_field("model", "openai/whisper-large-v3");
  form.add_field("response_format", "verbose_json");
  form.add_field("timestamp_granularities[]", "word");
  auto upload = form.encode();
  auto tr = post("/audio/transcriptions", upload.body, upload.content_type, 200, "transcription").json();
  BOOST_TEST(tr.at("duration").as_double() == 2.0);  // 64,000 bytes without a WAV header
  BOOST_TEST(tr.at("words").as_array().size() == 4u);
  BOOST_TEST(tr.at("usage").at("cost").as_double() > 0);
  json::object stt{{"model", "openai/whisper-large-v3"}, {"input_audio", json::object{{"data", "AAAAAA=="}, {"format", "wav"}}}};
  BOOST_TEST(!post_json("/audio/transcriptions", stt, 200, "transcription, JSON form").json().at("text").as_string().empty());
  std::string cut = upload.body.substr(0, upload.body.size() - 8);  // no closing boundary
  post("/audio/transcriptions", cut, upload.content_type, 400, "transcription, truncated multipart");
  post("/audio/transcriptions", upload.body, "multipart/form-data", 400, "transcription without a boundary");
  post("/audio/transcriptions", "hello", "text/plain", 400, "transcription, wrong content type");
  f.client.set_api_key("");
  post_json("/rerank", {{"model", "cohere/rerank-v3.5"}, {"query", "q"}, {"documents", docs}}, 401, "rerank, unauthenticated");
}

// POST /messages: JSON answers (text, tool use, thinking, errors in the Anthropic shape) and
// every event of the streams (text, tool use with input_json_delta, thinking, a mid-stream
// error event) against the spec's MessagesResult, AnthropicMessagesErrorResponse and
// MessagesStreamEvents. OpenRouter's `cost`, `is_byok` and `cost_details` in message_delta's
// usage (where a stream's final usage is) are the one extension the event schema lacks (the
// message's usage schema has them).
BOOST_AUTO_TEST_CASE(messages) {
  auto* spec = spec_or_skip();
  if (!spec) return;
  mock_fixture f;
  auto conforming = [&](json::object body, const std::string& what, unsigned status = 200) {
    auto r = f.client.post(api("/messages"), body);
    BOOST_TEST_REQUIRE(r.status == status, what << " answered " << r.status << ": " << r.body);
    auto v = r.json();
    expect_conforms(*spec, v, schema_of(*spec, "/messages", "post", status), what, closed());
    return v;
  };
  json::array tools;
  for (const auto& t : weather_tools()) {
    const auto& fn = t.at("function").as_object();
    tools.push_back(json::object{{"name", fn.at("name")}, {"description", fn.at("description")},
                                 {"input_schema", fn.at("parameters")}});
  }
  auto user = [](std::string_view text) {
    return json::array{json::object{{"role", "user"}, {"content", text}}};
  };
  const json::object text{{"model", "anthropic/claude-3.5-haiku"}, {"max_tokens", 64}, {"messages", user("Hello")}};
  json::object tool_use = text;
  tool_use["messages"] = user("Weather in Paris?");
  tool_use["tools"] = tools;
  const json::object thinking{{"model", "anthropic/claude-sonnet-4.5"}, {"max_tokens", 256}, {"messages", user("Think first")},
                              {"thinking", json::object{{"type", "enabled"}, {"budget_tokens", 128}}}};
  auto plain = conforming(text, "plain");
  BOOST_TEST(plain.at("stop_reason").as_string() == "end_turn");
  BOOST_TEST(plain.at("usage").at("cost").is_number());
  auto calls = conforming(tool_use, "tool use");
  BOOST_TEST(calls.at("content").at(0).at("type").as_string() == "tool_use");
  BOOST_TEST(calls.at("stop_reason").as_string() == "tool_use");
  BOOST_TEST(conforming(thinking, "thinking").at("content").at(0).at("type").as_string() == "thinking");
  conforming({{"model", "anthropic/claude-3.5-haiku"}}, "no messages", 400);
  auto unknown = conforming({{"model", "nobody/nothing"}, {"messages", user("x")}}, "unknown model", 400);
  BOOST_TEST(unknown.at("error").at("type").as_string() == "invalid_request_error");
  BOOST_TEST(conforming({{"model", "fault/429"}, {"messages", user("x")}}, "rate limited", 429)
                 .at("error").at("type").as_string() == "rate_limit_error");
  BOOST_TEST(conforming({{"model", "fault/error_in_body;status=529"}, {"messages", user("x")}}, "provider overloaded", 529)
                 .at("error").at("type").as_string() == "overloaded_error");

  const auto& event = spec->deref(schema_of(*spec, "/messages", "post", 200, "text/event-stream"));
  const json::value* data = event.as_object().if_contains("properties");
  data = data ? data->as_object().if_contains("data") : nullptr;
  BOOST_REQUIRE_MESSAGE(data, "the text/event-stream schema of /messages has no `data` property");
  auto stream = [&](json::object body, const std::string& what) {
    body["stream"] = true;
    test::http_client client(f.server.get());  // a connection of its own (see responses)
    auto r = client.post(api("/messages"), body);
    BOOST_TEST_REQUIRE(r.status == 200u, what << " answered " << r.status << ": " << r.body);
    BOOST_TEST(r.header("content-type") == "text/event-stream");
    std::vector<json::value> events;
    for (const auto& e : split_sse(r.body)) {
      if (e.comment || e.data == "[DONE]") continue;
      events.push_back(json::parse(e.data));
      std::string type(events.back().at("type").as_string());
      BOOST_TEST(e.event == type, what);  // the SSE event name is the data's type
      std::set<std::string> extras;
      if (type == "message_delta") extras = {"$.usage.cost", "$.usage.is_byok", "$.usage.cost_details"};
      expect_conforms(*spec, events.back(), *data, what + " event #" + std::to_string(events.size() - 1) + " (" + type + ")",
                      closed(extras));
    }
    BOOST_TEST_REQUIRE(!events.empty(), what << " streamed no event");
    return events;
  };
  auto s = stream(text, "text stream");
  BOOST_TEST(s.front().at("type").as_string() == "message_start");
  BOOST_TEST(s.back().at("type").as_string() == "message_stop");
  stream(tool_use, "tool-use stream");
  stream(thinking, "thinking stream");
  json::object error = text;
  error["model"] = "fault/mid_stream_error;after_tokens=2";
  auto e = stream(error, "error event");
  BOOST_TEST(e.back().at("type").as_string() == "error");
  BOOST_TEST(!e.back().at("error").at("message").as_string().empty());
}

BOOST_AUTO_TEST_SUITE_END()
