#pragma once
// Responses API events -> the final response (sans-I/O), as stream::accumulator does for chat.
//
//   stream::responses_accumulator acc;
//   for each event:  acc.feed(event);              // or feed_data(sse_type, data, ec)
//   at EOF:          acc.outcome() -> complete | error | incomplete
//                    acc.result()  -> wire::responses_response (partial output included)
//
// Merge rules:
// - response.created / in_progress: their `response` is the snapshot the output is built on.
// - output_item.added puts the item at its output_index (keeping the content, summary or
//   arguments that deltas arriving before it built); content_part.added the part at its
//   content_index; *.delta events append to the text (output_text, refusal, reasoning_text,
//   reasoning_summary_text) or the arguments (function_call_arguments) of the item at their
//   output_index (an item or part announced by no *.added event is created); *.done events and
//   output_item.done replace what the deltas built with the server's final value.
// - response.completed / incomplete / failed: their `response` is the result; when it lists
//   no output (a server that sends it only through events), the output built from the events
//   is used.
// - error: recorded (code, message, param); the outcome is `error`.
// Unknown event types are counted and otherwise ignored (their data stays in the events).
#include <openrouter/stream/accumulator.hpp>
#include <openrouter/wire/responses.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::stream {

class responses_accumulator {
 public:
  /// Folds one event.
  void feed(const wire::responses_event& ev);
  /// One SSE event: "[DONE]" calls done(); anything else is decoded with
  /// wire::parse_responses_event and fed. Data that does not decode sets `ec` and changes nothing.
  void feed_data(std::string_view sse_type, std::string_view data, boost::system::error_code& ec);
  /// The [DONE] sentinel arrived (some servers end the stream with it after response.completed).
  void done() noexcept { done_ = true; }
  void reset();

  std::size_t event_count() const noexcept { return events_; }
  bool done_seen() const noexcept { return done_; }
  /// response.completed or response.incomplete arrived.
  bool finished() const noexcept { return finished_; }
  /// response.failed or an error event arrived.
  bool error_seen() const noexcept { return failed_ || error_.has_value(); }
  /// complete after completed/incomplete; error after failed or an error event; incomplete
  /// otherwise (the body ended without a terminal event, [DONE] or not).
  stream_outcome outcome() const noexcept;
  boost::system::error_code outcome_code() const noexcept { return make_error_code(outcome()); }
  /// The error event's fields, or the failed response's error; nullopt when none.
  std::optional<wire::responses_error> error() const;

  // --- cheap views ----------------------------------------------------------------------------
  /// The text of every output_text so far (all message items, in output order).
  const std::string& text() const noexcept { return text_; }
  std::string_view id() const noexcept;
  std::string_view model() const noexcept;
  /// The usage of the final response (nullopt before it).
  const std::optional<wire::responses_usage>& usage() const noexcept;

  /// The response so far, shaped like the non-streaming body.
  wire::responses_response result() const;

 private:
  wire::response_output_item& item_at(std::optional<std::int64_t> index, std::string_view item_id,
                                      std::string_view type);
  static wire::response_content& part_at(std::vector<wire::response_content>& parts,
                                         std::optional<std::int64_t> index, std::string_view type);

  std::size_t events_ = 0;
  bool done_ = false, finished_ = false, failed_ = false;
  wire::responses_response snapshot_{};          // from created / in_progress
  std::optional<wire::responses_response> final_{};  // from completed / incomplete / failed
  std::vector<wire::response_output_item> items_{};  // by output_index
  std::optional<wire::responses_error> error_{};
  std::string text_;
  std::optional<wire::responses_usage> no_usage_{};
};

}  // namespace openrouter::stream
