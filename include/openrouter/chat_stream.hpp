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

#include <openrouter/stream/event_stream.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_response.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace openrouter {

class client;
namespace detail {
struct chat_stream_state;
}

class chat_stream : public event_stream<wire::chat_chunk, detail::chat_stream_state> {
 public:
  using chunk_batch = event_batch;

  chat_stream() noexcept = default;  ///< an empty stream (what a failed async_chat_stream completes with)
  chat_stream(chat_stream&&) noexcept = default;
  chat_stream& operator=(chat_stream&&) noexcept = default;

  /// Everything received so far, folded into the non-streaming response shape.
  wire::chat_response result() const;
  std::string model() const;     ///< first non-empty model of the chunks
  std::string provider() const;  ///< first non-empty provider of the chunks
  std::size_t chunks_seen() const noexcept;  ///< decoded chunks (not counting [DONE])

  using state = detail::chat_stream_state;
  /// Internal: used by client::async_chat_stream.
  explicit chat_stream(std::shared_ptr<state> s) noexcept : event_stream(std::move(s)) {}
};

extern template class event_stream<wire::chat_chunk, detail::chat_stream_state>;

}  // namespace openrouter
