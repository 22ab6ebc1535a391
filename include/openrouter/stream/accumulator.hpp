#pragma once
// Chunks -> final message (sans-I/O). The accumulator folds the decoded chunks of a
// stream:true chat completion (reference §4) into the same wire::chat_response a non-streaming
// call returns, and says how the stream ended. It never touches a socket: the streaming client
// feeds it what the SSE parser decoded and calls done() on [DONE].
//
//   stream::accumulator acc;
//   for each SSE data event:  acc.feed_data(data, ec);  // or feed(chunk) / done() on [DONE]
//   at EOF:                   acc.outcome() -> complete | error | incomplete
//                             acc.take()    -> wire::chat_response (partial output included)
//
// Feeding is amortized O(size of the delta): text goes into std::string buffers that only grow,
// tool-call fragments are found through small index/id maps. Not thread-safe (one stream, one
// accumulator).
#include <openrouter/error.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_response.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace openrouter::stream {

/// How a stream ended (or would end, if the connection closed now).
enum class stream_outcome {
  complete,    ///< every choice got a finish reason (with or without [DONE]), or [DONE] arrived
  error,       ///< a mid-stream error chunk, or finish_reason "error" (partial output kept)
  incomplete,  ///< EOF without [DONE] and without a finish reason (dropped connection)
};

/// "complete", "error", "incomplete".
std::string_view to_string(stream_outcome o) noexcept;

/// complete -> no error; error -> errc::stream_error; incomplete -> errc::stream_incomplete.
boost::system::error_code make_error_code(stream_outcome o) noexcept;

/// A tool call being assembled, with the `index` its fragments carry.
struct partial_tool_call {
  std::int64_t index = 0;  ///< wire index (ordering key; gaps are kept as sent)
  wire::tool_call call{};  ///< id, type, function.name and the arguments text so far
};

/// A tool call whose arguments are not a JSON text (see invalid_tool_arguments()).
struct invalid_tool_call {
  std::size_t choice = 0;  ///< position in chat_response::choices
  std::size_t call = 0;    ///< position in message::tool_calls
  std::string id{};
  std::string name{};
  boost::system::error_code ec{};  ///< the JSON parser's error
};

/// The tool calls of `msg` whose function.arguments do not parse as one JSON value (trailing
/// text included). Empty or blank arguments count as valid when `empty_is_valid` (a call of a
/// function without parameters; treat it as {}). Empty result: every call is usable. `choice`
/// is copied into each entry.
std::vector<invalid_tool_call> invalid_tool_arguments(const wire::message& msg,
                                                      bool empty_is_valid = true,
                                                      std::size_t choice = 0);
/// Same, over every choice of a response (streamed or not).
std::vector<invalid_tool_call> invalid_tool_arguments(const wire::chat_response& response,
                                                      bool empty_is_valid = true);

/// Folds chat chunks into a chat_response.
///
/// Merge rules:
/// - id, model, provider, created, system_fingerprint, service_tier: first non-empty wins.
///   openrouter_metadata: last non-null wins. Unknown chunk keys land in the result's `extra`
///   (last wins). Debug echo chunks are kept apart (debug()).
/// - Per choice (by `index`, result ordered by index): role (first; "assistant" if never sent);
///   content, reasoning, refusal concatenated; images appended; annotations appended with exact
///   duplicates dropped; audio data and transcript concatenated, its other keys (id,
///   expires_at, ...) last wins; logprobs arrays (content, refusal) concatenated;
///   finish_reason and native_finish_reason last non-null wins.
/// - content: a string when only strings came; content parts (a delta whose `content` is an
///   array, which a lenient decode leaves in delta.extra) switch it to a part list, with
///   consecutive text merged. It stays null when no content delta came, and is reported null
///   when empty next to tool calls (what the non-streaming answer says).
/// - reasoning_details: fragments that carry an integer `index` are merged per (index, type):
///   `text`, `summary` and `data` concatenated, `signature` last wins, other keys first wins.
///   Items without an index are appended as sent. (Replaying one fragment per delta breaks
///   Anthropic's signed thinking blocks on the next turn.)
/// - Tool calls: keyed by `index`, with `id` as a second key. A fragment whose id is known goes
///   to that call whatever its index; a new id on an index already held by another id starts a
///   new call ordered after it (providers that send every call at index 0, or omit the index,
///   which decodes as 0); a fragment without id goes to the newest call of its index, creating
///   it when the index is new (arguments before the head, or an index gap; a later head for
///   that index adopts the call), or starting a new one when it brings another function name
///   after arguments have begun (a name before any argument is a name in pieces). Arguments are
///   concatenated; a repeated head (same id and name) whose arguments equal the whole text so
///   far is a re-send and is dropped. Arguments are not parsed here: see
///   invalid_tool_arguments().
/// - usage: last non-null wins (the usage chunk has choices: []).
/// - A top-level `error` (mid-stream error) is recorded (last wins) and copied into every
///   choice whose finish_reason is "error" (into the first choice when none is), as the
///   non-streaming body does.
class accumulator {
 public:
  accumulator() = default;

  /// Folds one decoded chunk. The rvalue overload moves its strings and JSON values (images).
  void feed(const wire::chat_chunk& chunk);
  void feed(wire::chat_chunk&& chunk);
  /// The [DONE] sentinel arrived.
  void done() noexcept { done_ = true; }
  /// One SSE data payload: "[DONE]" calls done(); anything else is decoded with
  /// wire::parse_chat_chunk and fed. A payload that does not decode sets `ec` (a
  /// wire::decode_errc) and changes nothing.
  void feed_data(std::string_view data, boost::system::error_code& ec);
  /// Back to the initial state.
  void reset();

  // --- state ------------------------------------------------------------------------------
  std::size_t chunk_count() const noexcept { return chunks_; }
  /// A finish reason was seen on some choice.
  bool finish_seen() const noexcept { return finish_seen_; }
  /// Every choice seen so far has a finish reason (false before the first choice).
  bool all_finished() const noexcept;
  /// A chunk with a top-level `error` was seen.
  bool error_seen() const noexcept { return error_.has_value(); }
  /// done() was called.
  bool done_seen() const noexcept { return done_; }
  /// The classification of the stream if it ended now (call it at EOF).
  stream_outcome outcome() const noexcept;
  /// make_error_code(outcome()).
  boost::system::error_code outcome_code() const noexcept { return make_error_code(outcome()); }
  /// The mid-stream error object; nullptr when none.
  const wire::api_error* error() const noexcept { return error_ ? &*error_ : nullptr; }

  // --- cheap views of the output so far (for UIs) -------------------------------------------
  std::string_view id() const noexcept { return id_; }
  std::string_view model() const noexcept { return model_; }
  std::string_view provider() const noexcept { return provider_; }
  const std::optional<wire::chat_usage>& usage() const noexcept { return usage_; }
  /// Choice indexes seen, ascending.
  std::vector<std::int64_t> choice_indexes() const;
  /// All the text of choice `choice` so far (string content and text parts); "" if unknown.
  std::string_view text(std::int64_t choice = 0) const noexcept;
  std::string_view reasoning(std::int64_t choice = 0) const noexcept;
  std::string_view refusal(std::int64_t choice = 0) const noexcept;
  /// Last non-null finish reason of the choice; nullptr when none yet.
  const std::string* finish_reason(std::int64_t choice = 0) const noexcept;
  const std::string* native_finish_reason(std::int64_t choice = 0) const noexcept;
  /// Tool calls of the choice, ordered by index, arguments as received so far.
  std::span<const partial_tool_call> tool_calls(std::int64_t choice = 0) const noexcept;
  std::span<const wire::image_output> images(std::int64_t choice = 0) const noexcept;
  /// The `debug` objects of debug echo chunks, in order (opt-in, one per provider tried).
  const boost::json::array& debug() const noexcept { return debug_; }

  /// invalid_tool_arguments() over the calls assembled so far (call it after the stream).
  std::vector<invalid_tool_call> invalid_tool_arguments(bool empty_is_valid = true) const;

  // --- the final answer --------------------------------------------------------------------
  /// The response so far, shaped like the non-streaming body (object "chat.completion").
  wire::chat_response result() const;
  /// Same, moving the buffers out; the accumulator is reset.
  wire::chat_response take();

 private:
  struct choice_state {
    std::int64_t index = 0;
    std::string role;
    std::string text;  // every text delta, also in parts mode (for text())
    bool content_seen = false;
    bool parts_mode = false;
    std::vector<wire::content_part> parts;
    std::string reasoning;
    std::string refusal;
    boost::json::array details;  // reasoning_details, merged
    std::map<std::pair<std::int64_t, std::string>, std::size_t> detail_by_key;  // (index, type)
    std::vector<partial_tool_call> calls;  // ordered by (index, arrival)
    std::unordered_map<std::int64_t, std::size_t> call_by_index;  // newest call of each index
    std::unordered_map<std::string, std::size_t> call_by_id;
    std::int64_t last_call_index = 0;  // of the fragment fed last (for fragments without index)
    std::vector<wire::image_output> images;
    boost::json::array annotations;
    bool audio_seen = false;
    boost::json::object audio_meta;
    std::string audio_data, audio_transcript;
    boost::json::object logprobs;
    std::optional<std::string> finish_reason, native_finish_reason;
    std::optional<wire::api_error> error;  // a choice-level error (choices[].error)
    boost::json::object choice_extra, message_extra;
  };

  template <class Chunk>
  void feed_impl(Chunk&& chunk);
  template <class Choice>
  void feed_choice(Choice&& in);
  template <class Delta>
  void feed_delta(choice_state& c, Delta&& d);
  template <class Fragment>
  void feed_tool_call(choice_state& c, Fragment&& f);
  static std::size_t new_call(choice_state& c, std::int64_t index, std::string id);
  static void feed_detail(choice_state& c, const boost::json::value& item);
  static void append_text(choice_state& c, std::string_view s);
  static void append_parts(choice_state& c, const boost::json::array& parts);

  choice_state& choice_at(std::int64_t index);
  const choice_state* find_choice(std::int64_t index) const noexcept;
  static wire::chat_choice build_choice(choice_state& c, bool move);
  wire::chat_response build(bool move);

  std::size_t chunks_ = 0;
  bool done_ = false;
  bool finish_seen_ = false;
  std::string id_, model_, provider_;
  std::optional<std::int64_t> created_;
  std::optional<std::string> system_fingerprint_, service_tier_;
  std::vector<choice_state> choices_;  // ordered by index
  std::optional<wire::chat_usage> usage_;
  std::optional<wire::api_error> error_;
  boost::json::value openrouter_metadata_;
  boost::json::array debug_;
  boost::json::object extra_;
};

}  // namespace openrouter::stream
