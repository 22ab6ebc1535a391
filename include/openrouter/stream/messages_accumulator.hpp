#pragma once
// Messages API events -> the final message (sans-I/O), as stream::accumulator does for chat.
//
//   stream::messages_accumulator acc;
//   for each event:  acc.feed(event);              // or feed_data(sse_type, data, ec)
//   at EOF:          acc.outcome() -> complete | error | incomplete
//                    acc.result()  -> wire::messages_response (partial content included)
//
// Merge rules:
// - message_start: its `message` is the snapshot the result is built on (id, model, usage so far).
// - content_block_start puts the block at its index; content_block_delta appends, in place, to
//   the block at its index: text_delta to text, thinking_delta to thinking, signature_delta to
//   signature, citations_delta to citations, input_json_delta to the block's input text; a
//   block announced by no content_block_start is created (a text block for a text_delta, a
//   tool_use block for input_json_delta).
// - content_block_stop parses the tool input assembled from the input_json_delta pieces into the
//   block's `input` (once per block). Input that is not JSON (a cut or broken stream) leaves
//   `input` as announced and keeps the text under the block's extra "partial_json";
//   invalid_inputs() counts those blocks.
// - message_delta: stop_reason, stop_sequence (and its other members into the message's extra);
//   its usage updates the snapshot's: output_tokens, and every member it sets (input_tokens when
//   not 0, cache counts, cost, is_byok, cost_details).
// - message_stop: the clean end (its openrouter_metadata kept). error: recorded; the outcome is
//   `error`. ping and unknown types are counted and otherwise ignored.
// Indices are bounded (below 4096): a hostile index never allocates without limit.
#include <openrouter/stream/accumulator.hpp>
#include <openrouter/wire/messages.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::stream {

class messages_accumulator {
 public:
  /// Folds one event.
  void feed(const wire::messages_event& ev);
  /// One SSE event: "[DONE]" calls done(); anything else is decoded with
  /// wire::parse_messages_event and fed. Data that does not decode sets `ec` and changes nothing.
  void feed_data(std::string_view sse_type, std::string_view data, boost::system::error_code& ec);
  /// The [DONE] sentinel arrived (OpenRouter may end the stream with it after message_stop).
  void done() noexcept { done_ = true; }
  void reset();

  std::size_t event_count() const noexcept { return events_; }
  bool done_seen() const noexcept { return done_; }
  /// message_stop arrived.
  bool finished() const noexcept { return finished_; }
  /// An error event arrived.
  bool error_seen() const noexcept { return error_.has_value(); }
  /// complete after message_stop; error after an error event; incomplete otherwise (the body
  /// ended without message_stop, [DONE] or not).
  stream_outcome outcome() const noexcept;
  boost::system::error_code outcome_code() const noexcept { return make_error_code(outcome()); }
  /// The error event's error; nullopt when none.
  const std::optional<wire::messages_error>& error() const noexcept { return error_; }
  /// Tool inputs whose assembled text was not JSON (kept raw in the block's extra "partial_json").
  std::size_t invalid_inputs() const noexcept { return invalid_inputs_; }

  // --- cheap views ----------------------------------------------------------------------------
  /// The text of every text_delta so far, in arrival order.
  const std::string& text() const noexcept { return text_; }
  std::string_view id() const noexcept { return message_.id; }
  std::string_view model() const noexcept { return message_.model; }
  /// The usage so far (message_start's, updated by message_delta).
  const std::optional<wire::messages_usage>& usage() const noexcept { return message_.usage; }
  /// stop_reason from message_delta (nullopt before it).
  const std::optional<std::string>& stop_reason() const noexcept { return message_.stop_reason; }

  /// The message so far, shaped like the non-streaming body.
  wire::messages_response result() const;

 private:
  struct block {
    wire::messages_content_block b;
    std::string input_json;  // the input_json_delta pieces, appended in place
    bool input_done = false;
  };
  block& block_at(std::optional<std::int64_t> index, std::string_view type);
  // Parses `x.input_json` into x.b.input; false (and the text kept in extra) when it is not JSON.
  static bool finish_input(block& x);

  std::size_t events_ = 0, invalid_inputs_ = 0;
  bool done_ = false, finished_ = false;
  wire::messages_response message_{};
  std::vector<block> blocks_{};  // by index
  std::optional<wire::messages_error> error_{};
  std::string text_;
};

}  // namespace openrouter::stream
