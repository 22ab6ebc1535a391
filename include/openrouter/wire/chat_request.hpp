#pragma once
// The body of POST /chat/completions (spec ChatRequest, reference §2). Every member is optional
// except `messages`; unset members are omitted from the JSON, never sent as null. Fields we do not
// model go in `extra`, which is merged into the output (a set typed member wins over `extra`).
//
//   chat_request req{.model = "openai/gpt-4o-mini",
//                    .messages = {message::system("Be brief."), message::user("hi")},
//                    .temperature = 0.2};
//   std::string body = serialize(req);
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/percentiles.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// The function of a function tool; parameters is a JSON Schema object.
struct function_def {
  std::string name{};  // at most 64 chars of [a-zA-Z0-9_-]
  std::optional<std::string> description{};
  boost::json::value parameters{};
  std::optional<bool> strict{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(function_def);

/// A tool: type "function" with `function`, or an OpenRouter server tool ("openrouter:web_search",
/// ...) whose settings travel in `extra`.
struct tool {
  std::string type = "function";
  std::optional<function_def> function{};
  std::optional<wire::cache_control> cache_control{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(tool);

tool function_tool(std::string name, std::string description = {},
                   boost::json::value parameters = nullptr, std::optional<bool> strict = {});
/// A server tool, e.g. server_tool("openrouter:web_search", {{"max_results", 3}}).
tool server_tool(std::string type, boost::json::object settings = {});

/// tool_choice forcing one function: {type:"function", function:{name}}. The other choices are
/// the strings "none", "auto" and "required".
boost::json::value named_tool_choice(std::string_view function_name);

struct json_schema_spec {
  std::string name{};  // at most 64 chars of [a-zA-Z0-9_-]
  std::optional<std::string> description{};
  boost::json::value schema{};
  std::optional<bool> strict{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(json_schema_spec);

/// response_format, discriminated by type: text, json_object, json_schema, grammar, python.
struct response_format {
  std::string type{};
  std::optional<json_schema_spec> json_schema{};  // json_schema
  std::optional<std::string> grammar{};           // grammar
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(response_format);

response_format text_format();
/// JSON mode: the prompt must ask for JSON too.
response_format json_object_format();
response_format json_schema_format(std::string name, boost::json::value schema,
                                   std::optional<bool> strict = true, std::string description = {});

/// reasoning: effort (max|xhigh|high|medium|low|minimal|none), an Anthropic/Gemini-style
/// max_tokens budget, exclude (reason but omit it), enabled, summary (auto|concise|detailed).
struct reasoning_config {
  std::optional<std::string> effort{};
  std::optional<std::int64_t> max_tokens{};
  std::optional<bool> exclude{};
  std::optional<bool> enabled{};
  std::optional<std::string> summary{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(reasoning_config);

/// provider.max_price, a hard filter: prompt/completion in USD per million tokens, request per
/// request, image per image. Sent as numbers; numeric strings are accepted when decoding (the spec
/// types them as strings, the docs send numbers).
struct max_price {
  std::optional<double> prompt{};
  std::optional<double> completion{};
  std::optional<double> request{};
  std::optional<double> image{};
  std::optional<double> audio{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(max_price);

/// provider.sort as an object: by (price|throughput|latency|exacto), partition (model|none).
struct sort_config {
  std::optional<std::string> by{};
  std::optional<std::string> partition{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(sort_config);

/// A routing preference given as one number (applies to p50) or as per-percentile cutoffs.
using percentile_preference = std::variant<double, percentiles>;

/// provider preferences (spec ProviderPreferences, reference §2.5). Empty lists are not sent.
struct provider_preferences {
  std::vector<std::string> order{};
  std::optional<bool> allow_fallbacks{};         // server default true
  std::optional<bool> require_parameters{};      // server default false
  std::optional<std::string> data_collection{};  // allow|deny
  std::optional<bool> zdr{};
  std::optional<bool> enforce_distillable_text{};
  std::vector<std::string> only{};
  std::vector<std::string> ignore{};
  std::vector<std::string> quantizations{};
  std::optional<std::variant<std::string, sort_config>> sort{};
  std::optional<percentile_preference> preferred_min_throughput{};  // tokens/s
  std::optional<percentile_preference> preferred_max_latency{};     // seconds
  std::optional<wire::max_price> max_price{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(provider_preferences);

/// Plugins are open-ended (discriminated by "id"); these build the common ones.
/// engine: mistral-ocr | cloudflare-ai | native (empty: server default).
boost::json::object file_parser_plugin(std::string_view pdf_engine = {});
/// Deprecated upstream in favour of the openrouter:web_search server tool.
boost::json::object web_plugin(std::optional<std::int64_t> max_results = {},
                               std::string_view engine = {});
/// Repairs malformed JSON output (non-streaming, with a JSON response_format).
boost::json::object response_healing_plugin();
/// Successor of transforms:["middle-out"]; enabled=false turns off the default for small contexts.
boost::json::object context_compression_plugin(bool enabled = true,
                                               std::string_view engine = "middle-out");

struct chat_request {
  std::optional<std::string> model{};  // absent: the account's default model
  std::vector<message> messages{};     // required, at least one
  std::vector<std::string> models{};   // fallback list, tried in order after `model`
  std::optional<wire::provider_preferences> provider{};
  std::optional<bool> stream{};

  // sampling
  std::optional<double> temperature{};
  std::optional<double> top_p{};
  std::optional<std::int64_t> top_k{};
  std::optional<double> frequency_penalty{};
  std::optional<double> presence_penalty{};
  std::optional<double> repetition_penalty{};
  std::optional<double> min_p{};
  std::optional<double> top_a{};
  std::optional<std::int64_t> seed{};
  std::optional<std::int64_t> max_tokens{};  // deprecated upstream: prefer max_completion_tokens
  std::optional<std::int64_t> max_completion_tokens{};
  std::optional<std::variant<std::string, std::vector<std::string>>> stop{};  // at most 4
  std::map<std::string, double> logit_bias{};  // token id -> bias in [-100, 100]
  std::optional<bool> logprobs{};
  std::optional<std::int64_t> top_logprobs{};  // needs logprobs:true

  // output shape and tools
  std::optional<wire::response_format> response_format{};
  std::vector<tool> tools{};         // send them on every request of a tool loop
  boost::json::value tool_choice{};  // "none" | "auto" | "required" | named_tool_choice(...)
  std::optional<bool> parallel_tool_calls{};
  std::vector<boost::json::object> plugins{};
  std::vector<std::string> modalities{};  // output: text, image, audio
  boost::json::object image_config{};     // aspect_ratio, image_size, provider-specific keys
  boost::json::object audio{};            // audio output: {voice, format}; needs stream:true
  std::optional<reasoning_config> reasoning{};
  std::optional<std::string> reasoning_effort{};  // shorthand of reasoning.effort
  std::optional<bool> include_reasoning{};        // deprecated alias
  std::optional<std::string> verbosity{};
  boost::json::object web_search_options{};
  boost::json::value prediction{};  // {type:"content", content}

  // identity, caching, observability
  std::optional<std::string> user{};
  std::optional<std::string> session_id{};        // at most 256 chars; sticky routing key
  std::map<std::string, std::string> metadata{};  // at most 16 pairs
  boost::json::object trace{};
  boost::json::object debug{};  // {echo_upstream_body: true}, streaming only
  std::optional<std::string> service_tier{};
  std::optional<wire::cache_control> cache_control{};
  std::optional<std::string> prompt_cache_key{};
  boost::json::object prompt_cache_options{};
  boost::json::value stop_server_tools_when{};

  // deprecated or legacy, still accepted by the server
  std::optional<std::string> route{};     // alias of provider.sort.partition
  boost::json::value stream_options{};    // no-op: usage is always sent
  std::vector<std::string> transforms{};  // legacy: use context_compression_plugin()
  boost::json::object usage{};            // legacy {include:true}, no-op

  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chat_request);

}  // namespace openrouter::wire
