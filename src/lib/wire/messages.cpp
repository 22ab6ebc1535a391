#include "codecs.hpp"

#include <array>
#include <utility>

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto messages_content_block_fields = std::tuple{
    req("type", &messages_content_block::type),
    opt("text", &messages_content_block::text),
    opt("citations", &messages_content_block::citations),
    opt("source", &messages_content_block::source),
    opt("id", &messages_content_block::id),
    opt("name", &messages_content_block::name),
    opt("input", &messages_content_block::input),
    opt("tool_use_id", &messages_content_block::tool_use_id),
    opt("content", &messages_content_block::content),
    opt("is_error", &messages_content_block::is_error),
    opt("thinking", &messages_content_block::thinking),
    opt("signature", &messages_content_block::signature),
    opt("data", &messages_content_block::data),
    opt("cache_control", &messages_content_block::cache_control),
};
constexpr auto messages_message_fields = std::tuple{
    req("role", &messages_message::role),
    req("content", &messages_message::content),
};
constexpr auto messages_request_fields = std::tuple{
    req("model", &messages_request::model),
    opt("models", &messages_request::models),
    req("messages", &messages_request::messages),
    opt("system", &messages_request::system),
    opt("max_tokens", &messages_request::max_tokens),
    opt("temperature", &messages_request::temperature),
    opt("top_p", &messages_request::top_p),
    opt("top_k", &messages_request::top_k),
    opt("stop_sequences", &messages_request::stop_sequences),
    opt("tools", &messages_request::tools),
    opt("tool_choice", &messages_request::tool_choice),
    opt("thinking", &messages_request::thinking),
    opt("metadata", &messages_request::metadata),
    opt("stream", &messages_request::stream),
    opt("provider", &messages_request::provider),
    opt("plugins", &messages_request::plugins),
    opt("user", &messages_request::user),
    opt("session_id", &messages_request::session_id),
};
constexpr auto messages_usage_fields = std::tuple{
    req("input_tokens", &messages_usage::input_tokens),
    req("output_tokens", &messages_usage::output_tokens),
    opt("cache_creation_input_tokens", &messages_usage::cache_creation_input_tokens),
    opt("cache_read_input_tokens", &messages_usage::cache_read_input_tokens),
    opt("cache_creation", &messages_usage::cache_creation),
    opt("server_tool_use", &messages_usage::server_tool_use),
    opt("output_tokens_details", &messages_usage::output_tokens_details),
    opt("service_tier", &messages_usage::service_tier),
    opt("cost", &messages_usage::cost),
    opt("is_byok", &messages_usage::is_byok),
    opt("cost_details", &messages_usage::cost_details),
};
constexpr auto messages_response_fields = std::tuple{
    opt("id", &messages_response::id),
    opt("type", &messages_response::type),
    opt("role", &messages_response::role),
    opt("model", &messages_response::model),
    opt("content", &messages_response::content),
    opt("stop_reason", &messages_response::stop_reason),
    opt("stop_sequence", &messages_response::stop_sequence),
    opt("usage", &messages_response::usage),
    opt("provider", &messages_response::provider),
    opt("openrouter_metadata", &messages_response::openrouter_metadata),
};
constexpr auto messages_error_fields = std::tuple{
    req("type", &messages_error::type),
    req("message", &messages_error::message),
    opt("error_type", &messages_error::error_type),
};
constexpr auto messages_delta_fields = std::tuple{
    opt("type", &messages_delta::type),
    opt("text", &messages_delta::text),
    opt("partial_json", &messages_delta::partial_json),
    opt("thinking", &messages_delta::thinking),
    opt("signature", &messages_delta::signature),
    opt("stop_reason", &messages_delta::stop_reason),
    opt("stop_sequence", &messages_delta::stop_sequence),
};
constexpr auto messages_event_fields = std::tuple{
    req("type", &messages_event::type),
    opt("message", &messages_event::message),
    opt("index", &messages_event::index),
    opt("content_block", &messages_event::content_block),
    opt("delta", &messages_event::delta),
    opt("usage", &messages_event::usage),
    opt("error", &messages_event::error),
};

constexpr std::array<std::pair<std::string_view, messages_event_kind>, 8> event_kinds{{
    {"message_start", messages_event_kind::message_start},
    {"content_block_start", messages_event_kind::content_block_start},
    {"content_block_delta", messages_event_kind::content_block_delta},
    {"content_block_stop", messages_event_kind::content_block_stop},
    {"message_delta", messages_event_kind::message_delta},
    {"message_stop", messages_event_kind::message_stop},
    {"ping", messages_event_kind::ping},
    {"error", messages_event_kind::error},
}};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_content_block, messages_content_block_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_message, messages_message_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_request, messages_request_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_usage, messages_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_response, messages_response_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_error, messages_error_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_delta, messages_delta_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(messages_event, messages_event_fields)

messages_content_block messages_text(std::string_view text) {
  messages_content_block b;
  b.type = "text";
  b.text = std::string(text);
  return b;
}

messages_content_block messages_image_url(std::string_view url) {
  messages_content_block b;
  b.type = "image";
  b.source = boost::json::object{{"type", "url"}, {"url", url}};
  return b;
}

messages_content_block messages_image_base64(std::string_view media_type, std::string_view data) {
  messages_content_block b;
  b.type = "image";
  b.source = boost::json::object{{"type", "base64"}, {"media_type", media_type}, {"data", data}};
  return b;
}

messages_content_block messages_tool_use(std::string_view id, std::string_view name, boost::json::value input) {
  messages_content_block b;
  b.type = "tool_use";
  b.id = std::string(id);
  b.name = std::string(name);
  b.input = std::move(input);
  return b;
}

messages_content_block messages_tool_result(std::string_view tool_use_id, std::string_view content, bool is_error) {
  messages_content_block b;
  b.type = "tool_result";
  b.tool_use_id = std::string(tool_use_id);
  b.content = boost::json::string(content);
  if (is_error) b.is_error = true;
  return b;
}

std::string messages_response::text() const {
  std::string out;
  for (const auto& b : content)
    if (b.type == "text" && b.text) out += *b.text;
  return out;
}

std::vector<const messages_content_block*> messages_response::tool_uses() const {
  std::vector<const messages_content_block*> out;
  for (const auto& b : content)
    if (b.type == "tool_use") out.push_back(&b);
  return out;
}

bool has_output(const messages_event& e) noexcept {
  if (e.kind() != messages_event_kind::content_block_delta || !e.delta) return false;
  return !e.delta->text.empty() || !e.delta->partial_json.empty() || !e.delta->thinking.empty();
}

messages_event_kind messages_event_kind_of(std::string_view type) noexcept {
  for (const auto& [name, kind] : event_kinds)
    if (name == type) return kind;
  return messages_event_kind::other;
}

void parse_messages_event(std::string_view data, std::string_view sse_type, messages_event& out, decode_error& err) {
  alignas(std::max_align_t) unsigned char buffer[parse_buffer_size];
  json::monotonic_resource arena(buffer, sizeof buffer);
  const json::value jv = parse_text(data, arena, err);
  if (err) {
    out = messages_event{};
    return;
  }
  if (!jv.is_object()) {
    out = messages_event{};
    err.code = make_error_code(decode_errc::expected_object);
    return;
  }
  detail::from_json(jv, out, err, /*lenient=*/true);
  if (!err && out.type.empty() && !sse_type.empty() && sse_type != "message") out.type = sse_type;
}

}  // namespace openrouter::wire
