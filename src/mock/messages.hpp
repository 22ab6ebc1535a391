#pragma once
// POST /messages (the Anthropic Messages API) for openrouter-mock, sans-I/O. The request is
// translated into the chat pipeline's request (system to a system message, content blocks to
// parts: text, image and document sources, tool_use to an assistant's tool_calls, tool_result
// to tool messages; tools' input_schema, tool_choice, thinking, stop_sequences, max_tokens),
// so validation, `models` fallback, routing, the scenario's faults and pacing, the plan and the
// generation record are chat's; the answer is rendered in the Messages shape: a JSON
// MessagesResult (usage with cost), or the named SSE events (message_start, ping,
// content_block_start, content_block_delta with text_delta / thinking_delta / input_json_delta,
// content_block_stop, message_delta with the final usage and its cost, message_stop, [DONE]).
// Pacing: the first text_delta (or input_json_delta) after `ttft_ms`, the next ones `itl_ms`
// apart. In-band faults: mid_stream_error and error_in_body send an `error` event ({type:
// "error", error:{type, message}}) and close; error_in_body without a stream is an error body;
// no_done ends the body without message_stop; reset, stall and malformed_* as for chat.
// Every error body is in the Anthropic shape ({type:"error", error:{type, message, error_type},
// request_id}), as the spec's AnthropicMessagesErrorResponse.

#include "chat.hpp"
#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

http_reply handle_messages(mock_state& state, std::string_view body, const header_map& headers);

/// An error reply of OpenRouter's envelope ({error:{code, message, metadata}}) rewritten in the
/// Anthropic shape; anything else (a 2xx, a body that is not that envelope) unchanged.
http_reply as_messages_error(http_reply reply);

}  // namespace openrouter::mock
