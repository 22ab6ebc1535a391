#pragma once
// openrouter::messages_stream: one streamed Messages API call (POST /messages, stream:true),
// opened by client::async_messages_stream once the response headers arrived. The consumer
// pulls typed events with async_next; the socket is read only as events are pulled.
//
//   auto s = co_await cli.async_messages_stream(req, diag);
//   while (auto ev = co_await s.async_next())                // nullopt: clean end
//     if (ev->kind() == wire::messages_event_kind::content_block_delta && ev->delta)
//       std::cout << ev->delta->text;
//   wire::messages_response full = s.result();
//
// Events are the named SSE events of the API (message_start, content_block_start,
// content_block_delta, content_block_stop, message_delta, message_stop, ping, error), decoded
// into wire::messages_event (the `event` field names the type when the data does not); the
// accumulator (stream/messages_accumulator.hpp) folds them into the final message, tool_use
// input assembled from its input_json_delta pieces.
//
// Outcomes of async_next: an event; std::nullopt at the clean end (the body ended after
// message_stop); errc::stream_error on the call after an `error` event (delivered first;
// diagnostics::error holds its message, and its type, e.g. "overloaded_error", as error_type);
// errc::stream_incomplete when the body ended without message_stop ([DONE] alone is not one);
// errc::bad_json (diagnostics::body_excerpt holds the event) or errc::bad_sse for a malformed
// stream; errc::read_timeout, errc::total_timeout, transport errors, errc::response_too_large
// past max_stream_bytes, as for chat_stream. After a terminal outcome every further call
// completes the same way; result() keeps the partial message.
//
// Cancellation, cancel(), destruction, one pull at a time, the lifetime of the client and of
// the diagnostics: as chat_stream (chat_stream.hpp).

#include <openrouter/stream/event_stream.hpp>
#include <openrouter/wire/messages.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace openrouter {

class client;
namespace detail {
struct messages_stream_state;
}

class messages_stream : public event_stream<wire::messages_event, detail::messages_stream_state> {
 public:
  messages_stream() noexcept = default;  ///< an empty stream (what a failed async_messages_stream completes with)
  messages_stream(messages_stream&&) noexcept = default;
  messages_stream& operator=(messages_stream&&) noexcept = default;

  /// Everything received so far, folded into the non-streaming message.
  wire::messages_response result() const;
  /// The text_delta pieces received so far.
  std::string text() const;
  /// The usage so far: message_start's, updated by message_delta (usage.cost: what the call
  /// was charged, when the server reports it); nullopt before message_start.
  std::optional<wire::messages_usage> usage() const;
  std::size_t events_seen() const noexcept;  ///< decoded events (not counting [DONE])

  using state = detail::messages_stream_state;
  /// Internal: used by client::async_messages_stream.
  explicit messages_stream(std::shared_ptr<state> s) noexcept : event_stream(std::move(s)) {}
};

extern template class event_stream<wire::messages_event, detail::messages_stream_state>;

}  // namespace openrouter
