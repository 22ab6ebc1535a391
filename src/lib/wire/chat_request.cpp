#include "codecs.hpp"

#include <charconv>

namespace openrouter::wire {

namespace detail {
namespace {

/// max_price values: numbers on the wire we send; the spec types them as strings, so a numeric
/// string is accepted too.
struct number_or_numeric_string {
  static void decode(const json::value& jv, std::optional<double>& m, decode_ctx& c) {
    const json::string* s = jv.if_string();
    if (s == nullptr) return read(jv, m, c);
    double d = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), d);
    if (ec != std::errc() || end != s->data() + s->size() || s->empty())
      return c.fail(decode_errc::expected_number);
    m = d;
  }
  static json::value encode(const std::optional<double>& m, const encode_tag& t) { return to_value(m, t); }
};

}  // namespace
}  // namespace detail

namespace {
using namespace detail;

constexpr auto function_def_fields = std::tuple{
    req("name", &function_def::name),
    opt("description", &function_def::description),
    opt("parameters", &function_def::parameters),
    opt("strict", &function_def::strict),
};
constexpr auto tool_fields = std::tuple{
    opt("type", &tool::type),
    opt("function", &tool::function),
    opt("cache_control", &tool::cache_control),
};
constexpr auto json_schema_spec_fields = std::tuple{
    req("name", &json_schema_spec::name),
    opt("description", &json_schema_spec::description),
    opt("schema", &json_schema_spec::schema),
    opt("strict", &json_schema_spec::strict),
};
constexpr auto response_format_fields = std::tuple{
    opt("type", &response_format::type),
    opt("json_schema", &response_format::json_schema),
    opt("grammar", &response_format::grammar),
};
constexpr auto reasoning_config_fields = std::tuple{
    opt("effort", &reasoning_config::effort),
    opt("max_tokens", &reasoning_config::max_tokens),
    opt("exclude", &reasoning_config::exclude),
    opt("enabled", &reasoning_config::enabled),
    opt("summary", &reasoning_config::summary),
};
constexpr auto max_price_fields = std::tuple{
    with<number_or_numeric_string>("prompt", &max_price::prompt),
    with<number_or_numeric_string>("completion", &max_price::completion),
    with<number_or_numeric_string>("request", &max_price::request),
    with<number_or_numeric_string>("image", &max_price::image),
    with<number_or_numeric_string>("audio", &max_price::audio),
};
constexpr auto sort_config_fields = std::tuple{
    opt("by", &sort_config::by),
    opt("partition", &sort_config::partition),
};
constexpr auto provider_preferences_fields = std::tuple{
    opt("order", &provider_preferences::order),
    opt("allow_fallbacks", &provider_preferences::allow_fallbacks),
    opt("require_parameters", &provider_preferences::require_parameters),
    opt("data_collection", &provider_preferences::data_collection),
    opt("zdr", &provider_preferences::zdr),
    opt("enforce_distillable_text", &provider_preferences::enforce_distillable_text),
    opt("only", &provider_preferences::only),
    opt("ignore", &provider_preferences::ignore),
    opt("quantizations", &provider_preferences::quantizations),
    opt("sort", &provider_preferences::sort),
    opt("preferred_min_throughput", &provider_preferences::preferred_min_throughput),
    opt("preferred_max_latency", &provider_preferences::preferred_max_latency),
    opt("max_price", &provider_preferences::max_price),
};
constexpr auto chat_request_fields = std::tuple{
    opt("model", &chat_request::model),
    req("messages", &chat_request::messages),
    opt("models", &chat_request::models),
    opt("provider", &chat_request::provider),
    opt("stream", &chat_request::stream),
    opt("temperature", &chat_request::temperature),
    opt("top_p", &chat_request::top_p),
    opt("top_k", &chat_request::top_k),
    opt("frequency_penalty", &chat_request::frequency_penalty),
    opt("presence_penalty", &chat_request::presence_penalty),
    opt("repetition_penalty", &chat_request::repetition_penalty),
    opt("min_p", &chat_request::min_p),
    opt("top_a", &chat_request::top_a),
    opt("seed", &chat_request::seed),
    opt("max_tokens", &chat_request::max_tokens),
    opt("max_completion_tokens", &chat_request::max_completion_tokens),
    opt("stop", &chat_request::stop),
    opt("logit_bias", &chat_request::logit_bias),
    opt("logprobs", &chat_request::logprobs),
    opt("top_logprobs", &chat_request::top_logprobs),
    opt("response_format", &chat_request::response_format),
    opt("tools", &chat_request::tools),
    opt("tool_choice", &chat_request::tool_choice),
    opt("parallel_tool_calls", &chat_request::parallel_tool_calls),
    opt("plugins", &chat_request::plugins),
    opt("modalities", &chat_request::modalities),
    opt("image_config", &chat_request::image_config),
    opt("audio", &chat_request::audio),
    opt("reasoning", &chat_request::reasoning),
    opt("reasoning_effort", &chat_request::reasoning_effort),
    opt("include_reasoning", &chat_request::include_reasoning),
    opt("verbosity", &chat_request::verbosity),
    opt("web_search_options", &chat_request::web_search_options),
    opt("prediction", &chat_request::prediction),
    opt("user", &chat_request::user),
    opt("session_id", &chat_request::session_id),
    opt("metadata", &chat_request::metadata),
    opt("trace", &chat_request::trace),
    opt("debug", &chat_request::debug),
    opt("service_tier", &chat_request::service_tier),
    opt("cache_control", &chat_request::cache_control),
    opt("prompt_cache_key", &chat_request::prompt_cache_key),
    opt("prompt_cache_options", &chat_request::prompt_cache_options),
    opt("stop_server_tools_when", &chat_request::stop_server_tools_when),
    opt("route", &chat_request::route),
    opt("stream_options", &chat_request::stream_options),
    opt("transforms", &chat_request::transforms),
    opt("usage", &chat_request::usage),
};

response_format format_of(std::string type) {
  response_format f;
  f.type = std::move(type);
  return f;
}

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(function_def, function_def_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(tool, tool_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(json_schema_spec, json_schema_spec_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(response_format, response_format_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(reasoning_config, reasoning_config_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(max_price, max_price_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(sort_config, sort_config_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(provider_preferences, provider_preferences_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(chat_request, chat_request_fields)

tool function_tool(std::string name, std::string description, boost::json::value parameters,
                   std::optional<bool> strict) {
  tool t;
  function_def& f = t.function.emplace();
  f.name = std::move(name);
  if (!description.empty()) f.description = std::move(description);
  f.parameters = std::move(parameters);
  f.strict = strict;
  return t;
}

tool server_tool(std::string type, boost::json::object settings) {
  tool t;
  t.type = std::move(type);
  t.extra = std::move(settings);
  return t;
}

boost::json::value named_tool_choice(std::string_view function_name) {
  return {{"type", "function"}, {"function", {{"name", function_name}}}};
}

response_format text_format() { return format_of("text"); }
response_format json_object_format() { return format_of("json_object"); }

response_format json_schema_format(std::string name, boost::json::value schema,
                                   std::optional<bool> strict, std::string description) {
  response_format f = format_of("json_schema");
  json_schema_spec& s = f.json_schema.emplace();
  s.name = std::move(name);
  if (!description.empty()) s.description = std::move(description);
  s.schema = std::move(schema);
  s.strict = strict;
  return f;
}

boost::json::object file_parser_plugin(std::string_view pdf_engine) {
  boost::json::object p{{"id", "file-parser"}};
  if (!pdf_engine.empty()) p["pdf"] = {{"engine", pdf_engine}};
  return p;
}

boost::json::object web_plugin(std::optional<std::int64_t> max_results, std::string_view engine) {
  boost::json::object p{{"id", "web"}};
  if (!engine.empty()) p["engine"] = engine;
  if (max_results) p["max_results"] = *max_results;
  return p;
}

boost::json::object response_healing_plugin() { return {{"id", "response-healing"}}; }

boost::json::object context_compression_plugin(bool enabled, std::string_view engine) {
  boost::json::object p{{"id", "context-compression"}};
  if (!engine.empty()) p["engine"] = engine;
  if (!enabled) p["enabled"] = false;
  return p;
}

}  // namespace openrouter::wire
