#pragma once
// openrouter::chat_stream: one streaming chat completion (stream:true), opened by
// client::async_chat_stream once the response headers arrived. The consumer pulls decoded
// chunks with async_next; the socket is read only as chunks are pulled (backpressure).
//
//   auto s = co_await cli.async_chat_stream(req, diag);
//   while (auto chunk = co_await s.async_next()) use(*chunk);   // nullopt: clean end
//   wire::chat_response full = s.result();
//
// async_next_batch hands out every chunk already decoded at once, as a view into the stream
// (no copy or move of a chunk, one completion per network read instead of one per chunk: the
// form for high-throughput consumers; an empty batch is the clean end):
//
//   for (auto batch = co_await s.async_next_batch(); !batch.empty(); batch = co_await s.async_next_batch())
//     for (const wire::chat_chunk& c : batch) use(c);
//
// Outcomes of async_next: a chunk; std::nullopt at the clean end ([DONE], or EOF after every
// choice got a finish reason); errc::stream_error on the call after a mid-stream error chunk
// (diagnostics::error holds the chunk's error); errc::stream_incomplete when the body ended
// without [DONE] and without a finish reason; errc::bad_json (diagnostics::body_excerpt holds
// the event) or errc::bad_sse for a malformed stream; errc::read_timeout when no byte (keep-alive
// comments count) arrived within timeouts.read_idle; errc::total_timeout; transport errors.
// After a terminal outcome every further call completes the same way. result() keeps the
// partial output after a failure.
//
// Cancellation of async_next (terminal) closes the connection, which stops generation (and
// billing) upstream. Destroying a stream that has not reached its end closes the connection
// too (a pull still pending then completes with an error); a stream read to its end gives the
// connection back to the pool.
//
// cancel() (from any thread) ends the stream with operation_aborted and closes its connection.
//
// One async_next at a time. The client and the diagnostics given to async_chat_stream must
// outlive the stream.

#include <openrouter/completion.hpp>
#include <openrouter/error.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_response.hpp>

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

class chat_stream {
 public:
  using next_handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::optional<wire::chat_chunk>)>;
  /// Chunks handed out together by async_next_batch: valid until the next async_next or
  /// async_next_batch call on the stream, or its destruction.
  using chunk_batch = std::span<const wire::chat_chunk>;
  using batch_handler = boost::asio::any_completion_handler<void(boost::system::error_code, chunk_batch)>;

  chat_stream() noexcept;  ///< an empty stream (what a failed async_chat_stream completes with)
  ~chat_stream();
  chat_stream(chat_stream&&) noexcept;
  chat_stream& operator=(chat_stream&&) noexcept;
  chat_stream(const chat_stream&) = delete;
  chat_stream& operator=(const chat_stream&) = delete;

  /// Completes with the next chunk, or std::nullopt at the clean end (see above). With a
  /// throwing token (default, use_awaitable, use_future) a failure throws api_error with the
  /// stream's diagnostics (completion.hpp).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next(Token&& token = {}) {
    return detail::initiate<std::optional<wire::chat_chunk>>(
        std::forward<Token>(token), diagnostics_ptr(),
        [this](diagnostics&, next_handler h) { do_next(std::move(h)); });
  }

  /// Completes with every chunk decoded and not yet handed out (at least one; the socket is
  /// read when there is none), or an empty batch at the clean end. Outcomes, errors and
  /// cancellation as for async_next: chunks decoded before a failure are handed out first, the
  /// failure on the call after them. The chunks stay valid until the next call (either form)
  /// or the stream's destruction; copy what must live longer. Mixes freely with async_next.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next_batch(Token&& token = {}) {
    return detail::initiate<chunk_batch>(std::forward<Token>(token), diagnostics_ptr(),
                                         [this](diagnostics&, batch_handler h) { do_next_batch(std::move(h)); });
  }

  /// Stops the stream from anywhere (any thread; safe while a pull is pending, and before or
  /// after one): the connection is closed (which stops generation and billing upstream), a
  /// pending async_next completes with asio::error::operation_aborted, and so does every later
  /// one (chunks already decoded but not yet pulled are dropped; result() keeps what arrived).
  /// No effect on a stream that already reached its end or failed.
  void cancel() noexcept;
  /// Same as cancel().
  void close() noexcept { cancel(); }

  /// Whether the stream is open (not empty and not yet at a terminal outcome).
  bool is_open() const noexcept;
  /// Everything received so far, folded into the non-streaming response shape.
  wire::chat_response result() const;
  /// X-Generation-Id (else the chunks' id).
  std::string generation_id() const;
  std::string model() const;     ///< first non-empty model of the chunks
  std::string provider() const;  ///< first non-empty provider of the chunks
  std::size_t chunks_seen() const noexcept;    ///< decoded chunks (not counting [DONE])
  std::size_t comments_seen() const noexcept;  ///< SSE comments, e.g. ": OPENROUTER PROCESSING"
  /// From now on the stream writes its diagnostics (a mid-stream error's details) into `d`
  /// instead of the object it was opened with. `d` must outlive the stream's operations; call it
  /// while no async_next is pending.
  void rebind_diagnostics(diagnostics& d) noexcept;
  /// When the last byte of the body arrived (the headers' arrival before that).
  std::chrono::steady_clock::time_point last_activity() const noexcept;

  /// The diagnostics the stream writes into (nullptr for an empty stream).
  diagnostics* diagnostics_ptr() const noexcept;
  /// Internal (completion.hpp): the stream owns `d` and writes into it from now on (a stream
  /// opened without caller diagnostics).
  void keep_diagnostics(std::shared_ptr<diagnostics> d) noexcept;

  struct state;
  /// Internal: used by client::async_chat_stream.
  explicit chat_stream(std::shared_ptr<state> s) noexcept;

 private:
  void do_next(next_handler h);
  void do_next_batch(batch_handler h);
  void abandon() noexcept;
  std::shared_ptr<state> st_;
};

}  // namespace openrouter
