#pragma once
// openrouter::responses_stream: one streamed Responses API call (POST /responses, stream:true),
// opened by client::async_responses_stream once the response headers arrived. The consumer
// pulls typed events with async_next; the socket is read only as events are pulled.
//
//   auto s = co_await cli.async_responses_stream(req, diag);
//   while (auto ev = co_await s.async_next())                // nullopt: clean end
//     if (ev->kind() == wire::responses_event_kind::output_text_delta) std::cout << ev->delta;
//   wire::responses_response full = s.result();
//
// Events are the named SSE events of the API (response.created, response.output_text.delta,
// response.completed, error, ...), decoded into wire::responses_event (the `event` field names
// the type when the data does not); the accumulator (stream/responses_accumulator.hpp) folds
// them into the final response.
//
// Outcomes of async_next: an event; std::nullopt at the clean end (the body ended after
// response.completed or response.incomplete); errc::stream_error on the call after an `error`
// event or a `response.failed` (both are delivered first; diagnostics::error holds the error's
// code and message); errc::stream_incomplete when the body ended without a terminal event
// ([DONE] alone is not one); errc::bad_json (diagnostics::body_excerpt holds the event) or
// errc::bad_sse for a malformed stream; errc::read_timeout, errc::total_timeout, transport
// errors, errc::response_too_large past max_stream_bytes, as for chat_stream. After a terminal
// outcome every further call completes the same way; result() keeps the partial output.
//
// Cancellation, cancel(), destruction, one pull at a time, the lifetime of the client and of
// the diagnostics: as chat_stream (chat_stream.hpp).

#include <openrouter/stream/event_stream.hpp>
#include <openrouter/wire/responses.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace openrouter {

class client;
namespace detail {
struct responses_stream_state;
}

class responses_stream : public event_stream<wire::responses_event, detail::responses_stream_state> {
 public:
  responses_stream() noexcept = default;  ///< an empty stream (what a failed async_responses_stream completes with)
  responses_stream(responses_stream&&) noexcept = default;
  responses_stream& operator=(responses_stream&&) noexcept = default;

  /// Everything received so far, folded into the non-streaming response (the final
  /// response.completed one when it arrived).
  wire::responses_response result() const;
  /// The output_text deltas received so far.
  std::string text() const;
  /// The final response's usage (usage.cost: what the call was charged); nullopt before it.
  std::optional<wire::responses_usage> usage() const;
  std::size_t events_seen() const noexcept;  ///< decoded events (not counting [DONE])

  using state = detail::responses_stream_state;
  /// Internal: used by client::async_responses_stream.
  explicit responses_stream(std::shared_ptr<state> s) noexcept : event_stream(std::move(s)) {}
};

extern template class event_stream<wire::responses_event, detail::responses_stream_state>;

}  // namespace openrouter
