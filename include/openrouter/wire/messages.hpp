#pragma once
// POST /messages (the Anthropic Messages API as OpenRouter serves it): the request (spec
// MessagesRequest), the response (MessagesResult) and the events of its stream
// (MessagesStreamEvents: message_start, content_block_start/delta/stop, message_delta,
// message_stop, ping, error).
//
// Typed members for what a caller reads; everything else (server tools' blocks, citations,
// context management, OpenRouter's routing metadata, events we do not model) is kept in `extra`,
// so serialize(parse(x)) reproduces x.
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/usage.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// One content block, of a request's message or of the response. By `type`:
/// - text: text (citations in the response);
/// - image / document: source ({type:"base64", media_type, data} or {type:"url", url});
/// - tool_use (response, and sent back in an assistant turn): id, name, input (a JSON object);
/// - tool_result (a user turn's answer to a tool_use): tool_use_id, content (a string or an
///   array of text/image blocks), is_error;
/// - thinking: thinking, signature; redacted_thinking: data;
/// - server tools' blocks (server_tool_use, web_search_tool_result...): id/name/input when they
///   have them, the rest in extra.
struct messages_content_block {
  std::string type{};
  std::optional<std::string> text{};
  boost::json::value citations{};
  boost::json::value source{};
  std::optional<std::string> id{};
  std::optional<std::string> name{};
  boost::json::value input{};
  std::optional<std::string> tool_use_id{};
  boost::json::value content{};
  std::optional<bool> is_error{};
  std::optional<std::string> thinking{};
  std::optional<std::string> signature{};
  std::optional<std::string> data{};
  std::optional<wire::cache_control> cache_control{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_content_block);

/// {type:"text", text}
messages_content_block messages_text(std::string_view text);
/// {type:"image", source:{type:"url", url}}: subject to the client's remote-asset policy.
messages_content_block messages_image_url(std::string_view url);
/// {type:"image", source:{type:"base64", media_type, data}} (data: base64, no data: prefix).
messages_content_block messages_image_base64(std::string_view media_type, std::string_view data);
/// {type:"tool_use", id, name, input}: an assistant turn's tool call, sent back.
messages_content_block messages_tool_use(std::string_view id, std::string_view name, boost::json::value input);
/// {type:"tool_result", tool_use_id, content, is_error?}: a tool's answer.
messages_content_block messages_tool_result(std::string_view tool_use_id, std::string_view content, bool is_error = false);

/// A message's (and the system prompt's) content: one text, or content blocks.
using messages_content = std::variant<std::string, std::vector<messages_content_block>>;

/// One turn: role "user" or "assistant" (OpenRouter also takes "system").
struct messages_message {
  std::string role{};
  messages_content content{std::string{}};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_message);

struct messages_request {
  std::string model{};
  std::vector<std::string> models{};  ///< fallback models
  std::vector<messages_message> messages{};
  std::optional<messages_content> system{};  ///< a string or text blocks
  std::optional<std::int64_t> max_tokens{};
  std::optional<double> temperature{};
  std::optional<double> top_p{};
  std::optional<std::int64_t> top_k{};
  std::vector<std::string> stop_sequences{};
  boost::json::value tools{};        ///< [{name, description, input_schema}, server tools...]
  boost::json::value tool_choice{};  ///< {type:"auto"|"any"|"none"} or {type:"tool", name}
  boost::json::value thinking{};     ///< {type:"enabled", budget_tokens} / {type:"disabled"}
  boost::json::object metadata{};    ///< {user_id}
  std::optional<bool> stream{};  ///< set by the client operation (async_messages: off; stream: on)
  std::optional<provider_preferences> provider{};
  boost::json::value plugins{};
  std::optional<std::string> user{};
  std::optional<std::string> session_id{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_request);

/// The usage of a message (and of message_delta events, where input_tokens may be null).
struct messages_usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::optional<std::int64_t> cache_creation_input_tokens{};
  std::optional<std::int64_t> cache_read_input_tokens{};
  boost::json::value cache_creation{};         ///< {ephemeral_5m_input_tokens, ephemeral_1h_input_tokens}
  boost::json::value server_tool_use{};        ///< {web_search_requests, web_fetch_requests}
  boost::json::value output_tokens_details{};  ///< {thinking_tokens}
  std::optional<std::string> service_tier{};
  std::optional<double> cost{};  ///< credits (USD) charged (OpenRouter's extension)
  std::optional<bool> is_byok{};
  std::optional<cost_breakdown> cost_details{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_usage);

/// The message (the 200 body, and the `message` of message_start).
struct messages_response {
  std::string id{};
  std::string type{};  ///< "message"
  std::string role{};  ///< "assistant"
  std::string model{};
  std::vector<messages_content_block> content{};
  /// end_turn, max_tokens, stop_sequence, tool_use, pause_turn, refusal...; unset while streaming
  std::optional<std::string> stop_reason{};
  std::optional<std::string> stop_sequence{};
  std::optional<messages_usage> usage{};
  std::optional<std::string> provider{};
  boost::json::value openrouter_metadata{};
  boost::json::object extra{};

  /// The text blocks, concatenated.
  std::string text() const;
  /// The tool_use blocks, in order.
  std::vector<const messages_content_block*> tool_uses() const;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_response);

/// The `error` of an error event or of an error body: type "overloaded_error", "api_error",
/// "rate_limit_error"...; OpenRouter adds error_type (its ApiErrorType).
struct messages_error {
  std::string type{};
  std::string message{};
  std::optional<std::string> error_type{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_error);

/// The `delta` of content_block_delta (type text_delta: text; input_json_delta: partial_json;
/// thinking_delta: thinking; signature_delta: signature; citations_delta: citation in extra) and
/// of message_delta (stop_reason, stop_sequence; container and stop_details in extra).
struct messages_delta {
  std::string type{};
  std::string text{};
  std::string partial_json{};
  std::string thinking{};
  std::string signature{};
  std::optional<std::string> stop_reason{};
  std::optional<std::string> stop_sequence{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_delta);

/// The events of a streamed message, by their `type`.
enum class messages_event_kind {
  message_start,        ///< the message as it starts (id, model, usage so far), no content
  content_block_start,  ///< content_block at index (text "", tool_use with input {})
  content_block_delta,  ///< delta at index: text_delta, input_json_delta, thinking_delta...
  content_block_stop,   ///< the block at index is complete
  message_delta,        ///< stop_reason and the final usage
  message_stop,         ///< clean end
  ping,                 ///< keep-alive
  error,                ///< a mid-stream error (error.type, error.message)
  other,                ///< any other type: in extra
};

/// "content_block_delta" -> messages_event_kind::content_block_delta; other for unknown.
messages_event_kind messages_event_kind_of(std::string_view type) noexcept;

/// One event of the stream. Members are set per kind; one of an event we do not model stays in
/// `extra`.
struct messages_event {
  std::string type{};
  std::optional<messages_response> message{};              ///< message_start
  std::optional<std::int64_t> index{};                     ///< content_block_*
  std::optional<messages_content_block> content_block{};  ///< content_block_start
  std::optional<messages_delta> delta{};                   ///< content_block_delta, message_delta
  std::optional<messages_usage> usage{};                   ///< message_delta
  std::optional<messages_error> error{};                   ///< error
  boost::json::object extra{};

  messages_event_kind kind() const noexcept { return messages_event_kind_of(type); }
};
OPENROUTER_WIRE_JSON_CONVERSIONS(messages_event);

/// Decodes one event's data. Lenient: a member of the wrong JSON kind (a newer event reusing a
/// name) is left unset with its raw value in `extra`; only text that is not a JSON object fails.
/// `sse_type` (the SSE `event` field, "" or "message" when absent) fills `type` when the data has none.
void parse_messages_event(std::string_view data, std::string_view sse_type, messages_event& out, decode_error& err);

}  // namespace openrouter::wire
