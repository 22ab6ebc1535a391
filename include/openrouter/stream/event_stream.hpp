#pragma once
// openrouter::event_stream<Event, State>: the pull handle chat_stream, responses_stream and
// messages_stream share (include those; this is their common part). It pulls typed events one
// at a time (async_next) or every decoded event at once (async_next_batch), cancels from any
// thread, and reports what the stream saw. Each stream adds what its events fold into (result(),
// text(), usage()...). The members are defined in the library for the three event types only
// (explicit instantiations): State is the library's own, never the caller's.
//
// The outcomes, cancellation and lifetime rules are chat_stream's (chat_stream.hpp).

#include <openrouter/completion.hpp>
#include <openrouter/error.hpp>

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

template <class Event, class State>
class event_stream {
 public:
  using event_type = Event;
  using next_handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::optional<Event>)>;
  /// Events handed out together by async_next_batch: valid until the next async_next or
  /// async_next_batch call on the stream, or its destruction.
  using event_batch = std::span<const Event>;
  using batch_handler = boost::asio::any_completion_handler<void(boost::system::error_code, event_batch)>;

  event_stream(const event_stream&) = delete;
  event_stream& operator=(const event_stream&) = delete;

  /// Completes with the next event, or std::nullopt at the clean end. With a throwing token
  /// (default, use_awaitable, use_future) a failure throws api_error with the stream's
  /// diagnostics (completion.hpp).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next(Token&& token = {}) {
    return detail::initiate<std::optional<Event>>(std::forward<Token>(token), diagnostics_ptr(),
                                                  [this](diagnostics&, next_handler h) { do_next(std::move(h)); });
  }

  /// Completes with every event decoded and not yet handed out (at least one; the socket is
  /// read when there is none), or an empty batch at the clean end. Outcomes, errors and
  /// cancellation as for async_next: events decoded before a failure are handed out first, the
  /// failure on the call after them. The events stay valid until the next call (either form)
  /// or the stream's destruction; copy what must live longer. Mixes freely with async_next.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next_batch(Token&& token = {}) {
    return detail::initiate<event_batch>(std::forward<Token>(token), diagnostics_ptr(),
                                         [this](diagnostics&, batch_handler h) { do_next_batch(std::move(h)); });
  }

  /// Stops the stream from anywhere (any thread; safe while a pull is pending, and before or
  /// after one): the connection is closed (which stops generation and billing upstream), a
  /// pending pull completes with asio::error::operation_aborted, and so does every later one
  /// (events decoded but not yet pulled are dropped; what the stream folded keeps what arrived).
  /// No effect on a stream that already reached its end or failed.
  void cancel() noexcept;
  /// Same as cancel().
  void close() noexcept { cancel(); }

  /// Whether the stream is open (not empty and not yet at a terminal outcome).
  bool is_open() const noexcept;
  /// X-Generation-Id (else the events' id).
  std::string generation_id() const;
  std::size_t comments_seen() const noexcept;  ///< SSE comments, e.g. ": OPENROUTER PROCESSING"
  /// From now on the stream writes its diagnostics (a mid-stream error's details) into `d`
  /// instead of the object it was opened with. `d` must outlive the stream's operations; call it
  /// while no pull is pending.
  void rebind_diagnostics(diagnostics& d) noexcept;
  /// When the last byte of the body arrived (the headers' arrival before that).
  std::chrono::steady_clock::time_point last_activity() const noexcept;

  /// The diagnostics the stream writes into (nullptr for an empty stream).
  diagnostics* diagnostics_ptr() const noexcept;
  /// Internal (completion.hpp): the stream owns `d` and writes into it from now on (a stream
  /// opened without caller diagnostics).
  void keep_diagnostics(std::shared_ptr<diagnostics> d) noexcept;

 protected:
  event_stream() noexcept = default;
  explicit event_stream(std::shared_ptr<State> s) noexcept : st_(std::move(s)) {}
  /// Destroying a stream that has not reached its end closes its connection.
  ~event_stream();
  event_stream(event_stream&&) noexcept = default;
  event_stream& operator=(event_stream&& o) noexcept;

  std::shared_ptr<State> st_;

 private:
  void do_next(next_handler h);
  void do_next_batch(batch_handler h);
  void abandon() noexcept;
};

}  // namespace openrouter
