#pragma once
// One streamed chunk of POST /chat/completions with stream:true (spec ChatStreamChunk, reference
// §4.2): the JSON of one SSE `data:` event. Decoding happens once per event: parse_chat_chunk()
// decodes the common chunk shape (text deltas) without an intermediate JSON tree, straight into
// the caller's chunk, reusing its capacity; other chunks, like parse(), go through a JSON tree in a
// stack-backed arena. Either way the result is the same.
//
// Remember: `choices` may be empty (usage chunk, debug chunk); usage comes once, in the last chunk
// before [DONE]; a mid-stream failure is a chunk with a top-level `error` and
// finish_reason:"error"; tool-call fragments must be assembled by `index`.
#include <openrouter/wire/error_body.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/usage.hpp>

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::wire {

struct function_delta {
  std::optional<std::string> name{};       // first fragment only
  std::optional<std::string> arguments{};  // append the fragments in order
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(function_delta);

/// A fragment of tool call number `index`; the first fragment brings id, type and function.name.
/// Some upstreams leave `index` out: the accumulator then goes by `id`, else continues the call
/// it saw last.
struct tool_call_delta {
  std::optional<std::int64_t> index{};
  std::optional<std::string> id{};
  std::optional<std::string> type{};
  std::optional<function_delta> function{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(tool_call_delta);

struct chunk_delta {
  std::optional<std::string> role{};
  std::optional<std::string> content{};  // may be "" or null on tool-call/finish deltas
  std::optional<std::string> reasoning{};
  boost::json::value reasoning_details{};
  std::optional<std::string> refusal{};
  std::vector<tool_call_delta> tool_calls{};
  std::vector<image_output> images{};  // complete data URLs, normally in a late chunk
  boost::json::value audio{};          // {id?, data?, transcript?, expires_at?}
  boost::json::value annotations{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chunk_delta);

struct chunk_choice {
  std::int64_t index = 0;
  chunk_delta delta{};
  std::optional<std::string> finish_reason{};
  std::optional<std::string> native_finish_reason{};
  boost::json::value logprobs{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chunk_choice);

struct chat_chunk {
  std::string id{};
  std::string object{};
  std::optional<std::int64_t> created{};
  std::string model{};
  std::string provider{};
  std::optional<std::string> system_fingerprint{};
  std::optional<std::string> service_tier{};
  std::vector<chunk_choice> choices{};
  std::optional<chat_usage> usage{};         // the final usage chunk (choices empty)
  std::optional<api_error> error{};          // mid-stream error; the stream ends after it
  boost::json::value openrouter_metadata{};  // final chunk, opt-in
  boost::json::value debug{};                // {echo_upstream_body: {...}}, opt-in
  boost::json::object extra{};

  /// The content delta this chunk adds to the choice with `index` (the first choice by
  /// default): "" when the chunk has no such choice or its delta carries no content (a role,
  /// tool-call, finish, usage or error chunk). Concatenating text() over a stream gives the
  /// choice's text.
  std::string_view text(std::int64_t index = 0) const noexcept;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chat_chunk);

/// Decodes one SSE data payload into `out` (replacing its contents). Reuse `out` across the
/// chunks of a stream: once its buffers have grown, text chunks decode without heap allocations
/// (and a run of chunks the fast path cannot take goes straight to the JSON tree). Fails with a
/// decode_errc value; use parse(json, out, decode_error&) to also learn which field was wrong.
void parse_chat_chunk(std::string_view json, chat_chunk& out, boost::system::error_code& ec);

}  // namespace openrouter::wire
