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

#include <openrouter/completion.hpp>
#include <openrouter/error.hpp>
#include <openrouter/wire/responses.hpp>

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

class responses_stream {
 public:
  using next_handler =
      boost::asio::any_completion_handler<void(boost::system::error_code, std::optional<wire::responses_event>)>;
  /// Events handed out together by async_next_batch: valid until the next pull or destruction.
  using event_batch = std::span<const wire::responses_event>;
  using batch_handler = boost::asio::any_completion_handler<void(boost::system::error_code, event_batch)>;

  responses_stream() noexcept;  ///< an empty stream (what a failed async_responses_stream completes with)
  ~responses_stream();
  responses_stream(responses_stream&&) noexcept;
  responses_stream& operator=(responses_stream&&) noexcept;
  responses_stream(const responses_stream&) = delete;
  responses_stream& operator=(const responses_stream&) = delete;

  /// Completes with the next event, or std::nullopt at the clean end (see above).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next(Token&& token = {}) {
    return detail::initiate<std::optional<wire::responses_event>>(
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
  /// Everything received so far, folded into the non-streaming response (the final
  /// response.completed one when it arrived).
  wire::responses_response result() const;
  /// The output_text deltas received so far.
  std::string text() const;
  /// The final response's usage (usage.cost: what the call was charged); nullopt before it.
  std::optional<wire::responses_usage> usage() const;
  /// X-Generation-Id (else the response's id).
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
  /// Internal: used by client::async_responses_stream.
  explicit responses_stream(std::shared_ptr<state> s) noexcept;

 private:
  void do_next(next_handler h);
  void do_next_batch(batch_handler h);
  void abandon() noexcept;
  std::shared_ptr<state> st_;
};

}  // namespace openrouter
