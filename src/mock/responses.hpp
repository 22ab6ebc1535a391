#pragma once
// POST /responses (the Responses API) for openrouter-mock, sans-I/O. The request is translated
// into the chat pipeline's request (input items to messages, instructions to a system message,
// max_output_tokens, function tools, text.format), so validation, `models` fallback, routing,
// the scenario's faults and pacing, the plan and the generation record are chat's; the answer
// is rendered in the Responses shape: a JSON OpenResponsesResult, or the named SSE events
// (response.created, response.in_progress, response.output_item.added,
// response.content_part.added, response.output_text.delta..., response.completed, [DONE]).
// Pacing: the first output_text.delta after `ttft_ms`, the next ones `itl_ms` apart. In-band
// faults: mid_stream_error sends an `error` event, error_in_body a `response.failed` (a JSON
// response with status "failed"), no_done ends the body without response.completed; reset,
// stall and malformed_* as for chat.

#include "chat.hpp"
#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

http_reply handle_responses(mock_state& state, std::string_view body, const header_map& headers);

}  // namespace openrouter::mock
