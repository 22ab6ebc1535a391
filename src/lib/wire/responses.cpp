#include "codecs.hpp"
#include <openrouter/wire/output.hpp>

#include <array>
#include <utility>

namespace openrouter::wire {

namespace {
using namespace detail;

// `input`: a string, or the list of input items kept as JSON.
struct input_codec {
  static void decode(const json::value& jv, responses_input& m, decode_ctx& c) {
    if (const auto* s = jv.if_string()) {
      m.emplace<std::string>(s->data(), s->size());
      return;
    }
    if (const auto* a = jv.if_array()) {
      m.emplace<json::array>(*a, json::storage_ptr());  // its own storage: jv lives in the parse arena
      return;
    }
    if (jv.is_null()) return;
    c.fail(decode_errc::unexpected_kind);
  }
  static json::value encode(const responses_input& m, const encode_tag& t) {
    if (const auto* s = std::get_if<std::string>(&m)) return json::value(json::string_view(*s), t.sp);
    return json::value(std::get<json::array>(m), t.sp);
  }
};

// An output item's `content`: the parts of a message or a reasoning item, or, for a web fetch
// server tool's item (spec OutputWebFetchServerToolItem), the fetched text, a string: that one
// leaves `content` empty and stays in `extra` (where the item's other tool members are).
struct content_codec : default_codec {
  static void decode(const json::value& jv, std::vector<response_content>& m, decode_ctx& c) {
    if (jv.is_string()) return;
    read(jv, m, c);
  }
};

constexpr auto responses_request_fields = std::tuple{
    req("model", &responses_request::model),
    opt("models", &responses_request::models),
    field<responses_request, responses_input, input_codec>{"input", &responses_request::input, true},
    opt("instructions", &responses_request::instructions),
    opt("max_output_tokens", &responses_request::max_output_tokens),
    opt("temperature", &responses_request::temperature),
    opt("top_p", &responses_request::top_p),
    opt("top_k", &responses_request::top_k),
    opt("frequency_penalty", &responses_request::frequency_penalty),
    opt("presence_penalty", &responses_request::presence_penalty),
    opt("tools", &responses_request::tools),
    opt("tool_choice", &responses_request::tool_choice),
    opt("parallel_tool_calls", &responses_request::parallel_tool_calls),
    opt("reasoning", &responses_request::reasoning),
    opt("text", &responses_request::text),
    opt("provider", &responses_request::provider),
    opt("plugins", &responses_request::plugins),
    opt("include", &responses_request::include),
    opt("metadata", &responses_request::metadata),
    opt("stream", &responses_request::stream),
    opt("user", &responses_request::user),
    opt("session_id", &responses_request::session_id),
    opt("safety_identifier", &responses_request::safety_identifier),
    opt("prompt_cache_key", &responses_request::prompt_cache_key),
};
constexpr auto response_content_fields = std::tuple{
    req("type", &response_content::type),
    opt("text", &response_content::text),
    opt("refusal", &response_content::refusal),
    opt("annotations", &response_content::annotations),
    opt("logprobs", &response_content::logprobs),
};
constexpr auto response_output_item_fields = std::tuple{
    req("type", &response_output_item::type),
    opt("id", &response_output_item::id),
    opt("status", &response_output_item::status),
    opt("role", &response_output_item::role),
    with<content_codec>("content", &response_output_item::content),
    opt("summary", &response_output_item::summary),
    opt("call_id", &response_output_item::call_id),
    opt("name", &response_output_item::name),
    opt("arguments", &response_output_item::arguments),
};
constexpr auto responses_input_tokens_details_fields = std::tuple{
    req("cached_tokens", &responses_input_tokens_details::cached_tokens),
    opt("cache_write_tokens", &responses_input_tokens_details::cache_write_tokens),
};
constexpr auto responses_output_tokens_details_fields = std::tuple{
    req("reasoning_tokens", &responses_output_tokens_details::reasoning_tokens),
};
constexpr auto responses_cost_details_fields = std::tuple{
    opt("upstream_inference_cost", &responses_cost_details::upstream_inference_cost),
    opt("upstream_inference_input_cost", &responses_cost_details::upstream_inference_input_cost),
    opt("upstream_inference_output_cost", &responses_cost_details::upstream_inference_output_cost),
};
constexpr auto responses_usage_fields = std::tuple{
    req("input_tokens", &responses_usage::input_tokens),
    opt("input_tokens_details", &responses_usage::input_tokens_details),
    req("output_tokens", &responses_usage::output_tokens),
    opt("output_tokens_details", &responses_usage::output_tokens_details),
    req("total_tokens", &responses_usage::total_tokens),
    opt("cost", &responses_usage::cost),
    opt("is_byok", &responses_usage::is_byok),
    opt("cost_details", &responses_usage::cost_details),
};
constexpr auto responses_error_fields = std::tuple{
    req("code", &responses_error::code),
    req("message", &responses_error::message),
};
constexpr auto responses_response_fields = std::tuple{
    opt("id", &responses_response::id),
    opt("object", &responses_response::object),
    opt("created_at", &responses_response::created_at),
    opt("completed_at", &responses_response::completed_at),
    opt("model", &responses_response::model),
    opt("status", &responses_response::status),
    opt("output", &responses_response::output),
    opt("error", &responses_response::error),
    opt("incomplete_details", &responses_response::incomplete_details),
    opt("usage", &responses_response::usage),
    opt("output_text", &responses_response::output_text),
    opt("openrouter_metadata", &responses_response::openrouter_metadata),
};
constexpr auto responses_event_fields = std::tuple{
    req("type", &responses_event::type),
    opt("sequence_number", &responses_event::sequence_number),
    opt("response", &responses_event::response),
    opt("output_index", &responses_event::output_index),
    opt("content_index", &responses_event::content_index),
    opt("summary_index", &responses_event::summary_index),
    opt("item_id", &responses_event::item_id),
    opt("item", &responses_event::item),
    opt("part", &responses_event::part),
    opt("delta", &responses_event::delta),
    opt("text", &responses_event::text),
    opt("refusal", &responses_event::refusal),
    opt("arguments", &responses_event::arguments),
    opt("name", &responses_event::name),
    opt("code", &responses_event::code),
    opt("message", &responses_event::message),
    opt("param", &responses_event::param),
};

constexpr std::array<std::pair<std::string_view, responses_event_kind>, 20> event_kinds{{
    {"response.created", responses_event_kind::created},
    {"response.in_progress", responses_event_kind::in_progress},
    {"response.output_item.added", responses_event_kind::output_item_added},
    {"response.output_item.done", responses_event_kind::output_item_done},
    {"response.content_part.added", responses_event_kind::content_part_added},
    {"response.content_part.done", responses_event_kind::content_part_done},
    {"response.output_text.delta", responses_event_kind::output_text_delta},
    {"response.output_text.done", responses_event_kind::output_text_done},
    {"response.refusal.delta", responses_event_kind::refusal_delta},
    {"response.refusal.done", responses_event_kind::refusal_done},
    {"response.function_call_arguments.delta", responses_event_kind::function_call_arguments_delta},
    {"response.function_call_arguments.done", responses_event_kind::function_call_arguments_done},
    {"response.reasoning_text.delta", responses_event_kind::reasoning_text_delta},
    {"response.reasoning_text.done", responses_event_kind::reasoning_text_done},
    {"response.reasoning_summary_text.delta", responses_event_kind::reasoning_summary_text_delta},
    {"response.reasoning_summary_text.done", responses_event_kind::reasoning_summary_text_done},
    {"response.completed", responses_event_kind::completed},
    {"response.incomplete", responses_event_kind::incomplete},
    {"response.failed", responses_event_kind::failed},
    {"error", responses_event_kind::error},
}};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_request, responses_request_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(response_content, response_content_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(response_output_item, response_output_item_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_input_tokens_details, responses_input_tokens_details_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_output_tokens_details, responses_output_tokens_details_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_cost_details, responses_cost_details_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_usage, responses_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_error, responses_error_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_response, responses_response_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(responses_event, responses_event_fields)

boost::json::object responses_message(std::string_view role, std::string_view text) {
  return {{"type", "message"}, {"role", role}, {"content", text}};
}

boost::json::object function_call_output(std::string_view call_id, std::string_view output) {
  return {{"type", "function_call_output"}, {"call_id", call_id}, {"output", output}};
}

std::string response_output_item::text() const {
  std::string out;
  if (type != "message") return out;
  for (const auto& c : content)
    if (c.type == "output_text") out += c.text;
  return out;
}

std::string responses_response::text() const {
  std::string out;
  for (const auto& item : output) out += item.text();
  return out;
}

bool has_output(const responses_event& e) noexcept {
  using k = responses_event_kind;
  switch (e.kind()) {
    case k::output_text_delta:
    case k::refusal_delta:
    case k::function_call_arguments_delta:
    case k::reasoning_text_delta:
    case k::reasoning_summary_text_delta: return !e.delta.empty();
    default: return false;
  }
}

responses_event_kind responses_event_kind_of(std::string_view type) noexcept {
  for (const auto& [name, kind] : event_kinds)
    if (name == type) return kind;
  return responses_event_kind::other;
}

void parse_responses_event(std::string_view data, std::string_view sse_type, responses_event& out,
                           decode_error& err) {
  alignas(std::max_align_t) unsigned char buffer[parse_buffer_size];
  json::monotonic_resource arena(buffer, sizeof buffer);
  const json::value jv = parse_text(data, arena, err);
  if (err) {
    out = responses_event{};
    return;
  }
  if (!jv.is_object()) {
    out = responses_event{};
    err.code = make_error_code(decode_errc::expected_object);
    return;
  }
  detail::from_json(jv, out, err, /*lenient=*/true);
  if (!err && out.type.empty() && !sse_type.empty() && sse_type != "message") out.type = sse_type;
}

}  // namespace openrouter::wire
