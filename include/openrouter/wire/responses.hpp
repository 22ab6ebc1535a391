#pragma once
// POST /responses (the OpenResponses API): the request (spec ResponsesRequest), the response
// (OpenResponsesResult) and the events of its stream (StreamEvents).
//
// Typed members for what a caller reads; everything else (server tools, plugins, the many
// nullable echoes of the request in the response, events we do not model) is kept in `extra`,
// so serialize(parse(x)) reproduces x.
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/usage.hpp>

#include <boost/json/array.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// `input`: one text (a user message), or the conversation as a list of input items kept as
/// JSON ({type:"message", role, content}, {type:"function_call_output", call_id, output}, earlier
/// output items sent back...). responses_message() and function_call_output() build the usual ones.
using responses_input = std::variant<std::string, boost::json::array>;

/// {"type":"message","role":role,"content":text}: an input message (role user, system,
/// developer or assistant).
boost::json::object responses_message(std::string_view role, std::string_view text);
/// {"type":"function_call_output","call_id":call_id,"output":output}: a tool's result.
boost::json::object function_call_output(std::string_view call_id, std::string_view output);

struct responses_request {
  std::string model{};
  std::vector<std::string> models{};  ///< fallback models
  responses_input input{std::string{}};
  std::optional<std::string> instructions{};
  std::optional<std::int64_t> max_output_tokens{};
  std::optional<double> temperature{};
  std::optional<double> top_p{};
  std::optional<std::int64_t> top_k{};
  std::optional<double> frequency_penalty{};
  std::optional<double> presence_penalty{};
  boost::json::value tools{};        ///< [{type:"function", name, description, parameters}, server tools...]
  boost::json::value tool_choice{};  ///< "auto", "none", "required" or {type:"function", name}
  std::optional<bool> parallel_tool_calls{};
  std::optional<reasoning_config> reasoning{};
  boost::json::value text{};  ///< {format: {type:"json_schema", ...}, verbosity}
  std::optional<provider_preferences> provider{};
  boost::json::value plugins{};
  std::vector<std::string> include{};
  boost::json::object metadata{};
  std::optional<bool> stream{};  ///< set by the client operation (async_responses: off; stream: on)
  std::optional<std::string> user{};
  std::optional<std::string> session_id{};
  std::optional<std::string> safety_identifier{};
  std::optional<std::string> prompt_cache_key{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_request);

/// A content part of an output item: output_text (text, annotations, logprobs), refusal
/// (refusal), reasoning_text / summary_text (text).
struct response_content {
  std::string type{};
  std::string text{};
  std::optional<std::string> refusal{};
  boost::json::value annotations{};
  boost::json::value logprobs{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(response_content);

/// One output item: a message (role, content), a reasoning item (content, summary, encrypted
/// content in extra), a function call (call_id, name, arguments), a server tool's call (its
/// members in extra; a web fetch's `content` is the fetched text, a string, kept in extra).
struct response_output_item {
  std::string type{};
  std::string id{};
  std::optional<std::string> status{};
  std::optional<std::string> role{};
  std::vector<response_content> content{};
  std::vector<response_content> summary{};
  std::optional<std::string> call_id{};
  std::optional<std::string> name{};
  std::optional<std::string> arguments{};
  boost::json::object extra{};

  /// The output_text parts of a message, concatenated; "" for other items.
  std::string text() const;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(response_output_item);

struct responses_input_tokens_details {
  std::int64_t cached_tokens = 0;
  std::optional<std::int64_t> cache_write_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_input_tokens_details);

struct responses_output_tokens_details {
  std::int64_t reasoning_tokens = 0;
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_output_tokens_details);

struct responses_cost_details {
  std::optional<double> upstream_inference_cost{};  ///< BYOK only
  std::optional<double> upstream_inference_input_cost{};
  std::optional<double> upstream_inference_output_cost{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_cost_details);

struct responses_usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<responses_input_tokens_details> input_tokens_details{};
  std::optional<responses_output_tokens_details> output_tokens_details{};
  std::optional<double> cost{};  ///< credits (USD) charged
  std::optional<bool> is_byok{};
  std::optional<responses_cost_details> cost_details{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_usage);

/// The `error` of a failed response (spec ResponsesErrorField): code "server_error",
/// "rate_limit_exceeded", "invalid_prompt"...
struct responses_error {
  std::string code{};
  std::string message{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_error);

/// The response (the 200 body, and the `response` of created/in_progress/completed/failed/
/// incomplete events).
struct responses_response {
  std::string id{};
  std::string object{};  ///< "response"
  std::optional<std::int64_t> created_at{};
  std::optional<std::int64_t> completed_at{};
  std::string model{};
  std::string status{};  ///< completed, incomplete, in_progress, failed, cancelled, queued
  std::vector<response_output_item> output{};
  std::optional<responses_error> error{};
  boost::json::value incomplete_details{};  ///< {reason: "max_output_tokens" | "content_filter"}
  std::optional<responses_usage> usage{};
  std::optional<std::string> output_text{};
  boost::json::value openrouter_metadata{};
  boost::json::object extra{};

  /// Every output_text of the message items, concatenated.
  std::string text() const;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_response);

/// The events of a streamed response, by their `type`.
enum class responses_event_kind {
  created,                          ///< response.created
  in_progress,                      ///< response.in_progress
  output_item_added,                ///< response.output_item.added
  output_item_done,                 ///< response.output_item.done
  content_part_added,               ///< response.content_part.added
  content_part_done,                ///< response.content_part.done
  output_text_delta,                ///< response.output_text.delta
  output_text_done,                 ///< response.output_text.done
  refusal_delta,                    ///< response.refusal.delta
  refusal_done,                     ///< response.refusal.done
  function_call_arguments_delta,    ///< response.function_call_arguments.delta
  function_call_arguments_done,     ///< response.function_call_arguments.done
  reasoning_text_delta,             ///< response.reasoning_text.delta
  reasoning_text_done,              ///< response.reasoning_text.done
  reasoning_summary_text_delta,     ///< response.reasoning_summary_text.delta
  reasoning_summary_text_done,      ///< response.reasoning_summary_text.done
  completed,                        ///< response.completed: the final response, clean end
  incomplete,                       ///< response.incomplete: the final response (max_output_tokens...), clean end
  failed,                           ///< response.failed: the final response, with its error
  error,                            ///< error: a mid-stream error (code, message, param)
  other,                            ///< any other type (server tools, annotations...): in extra
};

/// "response.output_text.delta" -> responses_event_kind::output_text_delta; other for unknown.
responses_event_kind responses_event_kind_of(std::string_view type) noexcept;

/// One event of the stream. Members are set per kind; a member another kind would carry, or one
/// of an event we do not model, stays in `extra`.
struct responses_event {
  std::string type{};
  std::optional<std::int64_t> sequence_number{};
  std::optional<responses_response> response{};  ///< created, in_progress, completed, failed, incomplete
  std::optional<std::int64_t> output_index{};
  std::optional<std::int64_t> content_index{};
  std::optional<std::int64_t> summary_index{};
  std::string item_id{};
  std::optional<response_output_item> item{};  ///< output_item.added / done
  std::optional<response_content> part{};      ///< content_part.added / done
  std::string delta{};                         ///< every *.delta
  std::optional<std::string> text{};           ///< output_text.done, reasoning_*.done
  std::optional<std::string> refusal{};        ///< refusal.done
  std::optional<std::string> arguments{};      ///< function_call_arguments.done
  std::optional<std::string> name{};           ///< function_call_arguments.done: the function's name
  // the error event
  boost::json::value code{};  ///< a string ("rate_limit_exceeded") or a number
  std::optional<std::string> message{};
  boost::json::value param{};
  boost::json::object extra{};

  responses_event_kind kind() const noexcept { return responses_event_kind_of(type); }
};
OPENROUTER_WIRE_JSON_CONVERSIONS(responses_event);

/// Decodes one event's data. Lenient: a member of the wrong JSON kind (a newer event reusing a
/// name) is left unset with its raw value in `extra`; only text that is not a JSON object fails.
/// `sse_type` (the SSE `event` field, "" or "message" when absent) fills `type` when the data has none.
void parse_responses_event(std::string_view data, std::string_view sse_type, responses_event& out, decode_error& err);

}  // namespace openrouter::wire
