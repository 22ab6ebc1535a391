#pragma once
// HTTP/2 on the client (issue 14): one nghttp2 client session per connection, driven by Asio on
// a strand of its own, and the stream that stands behind the connection seam (connection.hpp).
// Private to src/lib/http.
//
// The session owns a connection that is connected and speaks h2 (TLS whose ALPN picked "h2",
// or h2c with prior knowledge). One coroutine on the session's strand does all its I/O, one
// operation at a time (the library's TLS stream allows no more): it writes whatever nghttp2
// wants to send, then waits for the socket to be readable - or for a stream to ask for a write,
// which cancels that wait - and feeds what it reads to nghttp2. nghttp2 runs no thread of its
// own and never touches the socket.
//
// A stream is what an exchange (exchange.hpp) drives: an AsyncStream of HTTP/1.1 bytes. The
// exchange writes its HTTP/1.1 request; the stream turns the head into HTTP/2 headers (the body
// goes out as DATA) and hands back the response as HTTP/1.1 bytes: a status line, the headers,
// the body delimited by its Content-Length or by the end of the stream (read as EOF). The one
// exchange keeps every limit, decoding and diagnostic for both protocols.
//
// Stream-level outcomes are typed (errors of openrouter::category()): RST_STREAM(REFUSED_STREAM)
// and a GOAWAY below the stream's id are errc::stream_refused with unprocessed() true (the server
// provably never processed the request: the transport re-sends it once); any other RST_STREAM
// is errc::stream_reset (its code in failure_detail()); a connection that fails ends all its
// streams with the one cause (connection_closed / connection_reset). Flow control is manual:
// the windows reopen only as the stream's reader takes the bytes, so a slow consumer holds at
// most its stream window.

#include "buffer_sequence.hpp"

#include <openrouter/config.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace openrouter::detail {
class connection;
}

namespace openrouter::detail::h2 {

struct stream_state;
class session;

/// One HTTP/2 stream as an AsyncStream of HTTP/1.1 bytes (see the file comment). Its reads and
/// writes complete on their handler's executor; it may be used from any one strand at a time.
class stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using io_handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;

  stream(std::shared_ptr<session> s, std::shared_ptr<stream_state> st);
  ~stream();
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  executor_type get_executor() noexcept;

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](io_handler h, boost::asio::mutable_buffer b) { start_read(b, std::move(h)); }, token,
        first_buffer(buffers));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](io_handler h, std::string&& b) { start_write(std::move(b), std::move(h)); }, token, flatten(buffers));
  }

  /// The deadline of the next reads (a read waiting past it fails with beast::error::timeout).
  void expires_at(std::chrono::steady_clock::time_point t) noexcept { deadline_ = t; }
  void expires_never() noexcept { deadline_ = std::chrono::steady_clock::time_point::max(); }

  /// Ends the stream: RST_STREAM(CANCEL) when it is not finished yet (the connection and its
  /// other streams carry on); a read in progress completes with operation_aborted.
  void close() noexcept;
  /// After a failed read: whether the server provably never processed the request.
  bool unprocessed() const noexcept;
  /// After a failed read: what the server said (the RST_STREAM or GOAWAY code), else empty.
  std::string failure_detail() const;
  /// Response bytes received and not yet read (a hint: the read buffer's size is chosen by it).
  std::size_t available() const noexcept;
  session& owner() noexcept { return *session_; }

 private:
  void start_read(boost::asio::mutable_buffer b, io_handler h);
  void start_write(std::string&& bytes, io_handler h);

  std::shared_ptr<session> session_;
  std::shared_ptr<stream_state> st_;
  std::string request_;  // the HTTP/1.1 request as written so far
  bool submitted_ = false;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
};

/// One HTTP/2 client connection. Created by start(); lives while its I/O runs or streams use it.
class session : public std::enable_shared_from_this<session> {
 public:
  struct options {
    http2_options settings;
    bool tls = true;  ///< the :scheme
    /// With settings.ping_idle, a session without streams for this long says GOAWAY and closes
    /// (the pool's idle expiry, kept by the session itself: its PINGs would otherwise keep an
    /// unused connection open). Without it, a session without streams rests with no I/O
    /// pending (io_context::run() may return) and the pool expires it at its next use.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(50)};
  };
  /// What the pool hears from a session, on the session's strand: the streams it may carry now
  /// (SETTINGS_MAX_CONCURRENT_STREAMS, capped by options), and whether it takes new streams at
  /// all (false after a GOAWAY or once the connection is gone; then it never will again).
  using notify_fn = std::function<void(session&, std::size_t max_streams, bool usable)>;

  /// Starts the session on `c` (connected, speaking h2): the preface and SETTINGS go out, the
  /// I/O loop runs on a strand of `ex`. Throws std::bad_alloc when nghttp2 cannot allocate.
  static std::shared_ptr<session> start(const boost::asio::any_io_executor& ex, std::unique_ptr<connection> c,
                                        const options& o, notify_fn notify);
  ~session();

  /// A new stream on this session; its request goes out as an exchange writes it.
  std::unique_ptr<stream> open_stream();
  /// Sends GOAWAY and closes the connection once written (from any thread). Streams still open
  /// fail with errc::connection_closed.
  void shutdown() noexcept;

  /// "host:port (address A:P)" of the connection.
  const std::string& peer() const noexcept { return peer_; }
  bool resumed() const noexcept { return resumed_; }
  /// Streams opened on this session so far.
  std::size_t streams_opened() const noexcept { return opened_.load(); }

  // Private to this file's implementation (h2_session.cpp); public for nghttp2's callbacks.
  struct impl;
  session(const boost::asio::any_io_executor& ex, std::unique_ptr<connection> c, const options& o, notify_fn notify);
  std::unique_ptr<impl> im_;

 private:
  friend class stream;
  std::string peer_;
  bool resumed_ = false;
  std::atomic<std::size_t> opened_{0};
};

}  // namespace openrouter::detail::h2
