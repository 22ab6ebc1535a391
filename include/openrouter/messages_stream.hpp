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

#include <openrouter/completion.hpp>
#include <openrouter/error.hpp>
#include <openrouter/wire/messages.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace openrouter {

class client;

class messages_stream {
 public:
  using next_handler =
      boost::asio::any_completion_handler<void(boost::system::error_code, std::optional<wire::messages_event>)>;
  /// Events handed out together by async_next_batch: valid until the next pull or destruction.
  using event_batch = std::span<const wire::messages_event>;
  using batch_handler = boost::asio::any_completion_handler<void(boost::system::error_code, event_batch)>;

  messages_stream() noexcept;  ///< an empty stream (what a failed async_messages_stream completes with)
  ~messages_stream();
  messages_stream(messages_stream&&) noexcept;
  messages_stream& operator=(messages_stream&&) noexcept;
  messages_stream(const messages_stream&) = delete;
  messages_stream& operator=(const messages_stream&) = delete;

  /// Completes with the next event, or std::nullopt at the clean end (see above).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next(Token&& token = {}) {
    return detail::initiate<std::optional<wire::messages_event>>(
        std::forward<Token>(token), diagnostics_ptr(), [this](diagnostics&, next_handler h) { do_next(std::move(h)); });
  }

  /// Every event decoded and not yet handed out (at least one), or an empty batch at the clean
  /// end; as chat_stream::async_next_batch.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next_batch(Token&& token = {}) {
    return detail::initiate<event_batch>(std::forward<Token>(token), diagnostics_ptr(),
                                         [this](diagnostics&, batch_handler h) { do_next_batch(std::move(h)); });
  }

  /// Stops the stream from any thread: the connection is closed, a pending and every later
  /// pull completes with asio::error::operation_aborted. No effect after the end.
  void cancel() noexcept;

  bool is_open() const noexcept;
  /// Everything received so far, folded into the non-streaming message.
  wire::messages_response result() const;
  /// The text_delta pieces received so far.
  std::string text() const;
  /// The usage so far: message_start's, updated by message_delta (usage.cost: what the call
  /// was charged, when the server reports it); nullopt before message_start.
  std::optional<wire::messages_usage> usage() const;
  /// X-Generation-Id (else the message's id).
  std::string generation_id() const;
  std::size_t events_seen() const noexcept;    ///< decoded events (not counting [DONE])
  std::size_t comments_seen() const noexcept;  ///< SSE comments (keep-alives)
  /// From now on the stream writes its diagnostics into `d` (call while no pull is pending).
  void rebind_diagnostics(diagnostics& d) noexcept;
  /// When the last byte of the body arrived.
  std::chrono::steady_clock::time_point last_activity() const noexcept;

  diagnostics* diagnostics_ptr() const noexcept;
  /// Internal (completion.hpp): the stream owns `d` and writes into it from now on.
  void keep_diagnostics(std::shared_ptr<diagnostics> d) noexcept;

  struct state;
  /// Internal: used by client::async_messages_stream.
  explicit messages_stream(std::shared_ptr<state> s) noexcept;

 private:
  void do_next(next_handler h);
  void do_next_batch(batch_handler h);
  void abandon() noexcept;
  std::shared_ptr<state> st_;
};

}  // namespace openrouter
