#pragma once
// Which stream events carry output, per endpoint: what starts an answer (the time to first
// token a benchmark or a gateway measures, and the point after which the router no longer
// fails a stream over). Sans-I/O.

namespace openrouter::wire {

struct chat_chunk;
struct responses_event;
struct messages_event;

/// A non-empty content, reasoning or refusal delta, a tool-call or an image delta.
bool has_output(const chat_chunk& c) noexcept;
/// A non-empty output_text, refusal, reasoning or function-call-arguments delta.
bool has_output(const responses_event& e) noexcept;
/// A content_block_delta with non-empty text, tool input JSON or thinking.
bool has_output(const messages_event& e) noexcept;

}  // namespace openrouter::wire
