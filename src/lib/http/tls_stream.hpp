#pragma once
// A lean client TLS stream over beast::tcp_stream. Private to src/lib/http.
//
// Why not Asio's ssl::stream: it moves every byte through two 17 KiB engine buffers and a
// 2 x 17 KiB OpenSSL BIO pair, about 70 KiB per connection whether busy or idle, and three
// copies of each ciphertext byte. Here OpenSSL's BIO reads the socket itself: ciphertext goes
// from the kernel into a read block taken only while it holds bytes OpenSSL has not consumed
// (recycled per thread, read_buffer.hpp), or for the rest of a big record straight into
// OpenSSL's own record buffer (released while a connection is idle, SSL_MODE_RELEASE_BUFFERS);
// a 2 KiB buffer takes the bytes of each wait for input (bio_access::read in tls_stream_impl.hpp
// says why OpenSSL's own read-ahead is off). The outgoing ciphertext is kept only until it is
// written. Timeouts stay the tcp_stream's own (expires_at before an operation bounds everything
// it does).
//
// The async operations are type-erased (any_completion_handler): their state machine is
// compiled once in tls_stream.cpp instead of being instantiated for every caller.
//
// Threads: everything an operation does after its initiating call (the socket's completions,
// the tcp_stream's timeout, OpenSSL's work, the BIO's reads of the socket) runs on the executor
// associated with the operation's completion handler - the caller's strand - never on the bare
// I/O executor. A strand that closes the connection is thus never concurrent with a read of it.
//
// One operation at a time (read, write or handshake): HTTP/1.1 on a client connection never
// needs more. An overlapping call fails with asio::error::in_progress.
//
// The lower layer is a template parameter only so that tests can put an in-memory stream under
// the TLS layer (test/support/test_stream.hpp); the library uses tls_stream (over tcp_stream),
// compiled once in tls_stream.cpp. The definitions live in tls_stream_impl.hpp.

#include "buffer_sequence.hpp"
#include "read_buffer.hpp"

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <utility>

struct ssl_st;

namespace openrouter::detail {

template <class>
struct bio_access;

/// A non-blocking read from the lower layer: the bytes that are there now (at most `len`), 0
/// with would_block when none are, 0 with eof at the end, 0 with the error otherwise.
std::size_t tls_try_read(boost::beast::tcp_stream& s, char* out, std::size_t len, boost::system::error_code& ec);
template <class Lower>
std::size_t tls_try_read(Lower& s, char* out, std::size_t len, boost::system::error_code& ec) {
  return s.try_read_some(out, len, ec);
}

template <class Lower>
class basic_tls_stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using next_layer_type = Lower;
  using io_handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
  using handshake_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
  /// Up to this many buffers of a write are taken per call (the rest on the next call).
  static constexpr std::size_t max_write_buffers = 16;
  using write_buffers = std::array<boost::asio::const_buffer, max_write_buffers>;

  /// A client stream over a lower layer made from `lower` (an executor, or a test stream);
  /// throws std::bad_alloc when OpenSSL cannot allocate. Renegotiation is refused
  /// (SSL_OP_NO_RENEGOTIATION).
  template <class LowerArg>
  basic_tls_stream(LowerArg&& lower, boost::asio::ssl::context& ctx) : next_(std::forward<LowerArg>(lower)) {
    init(ctx);
  }
  ~basic_tls_stream();
  basic_tls_stream(const basic_tls_stream&) = delete;
  basic_tls_stream& operator=(const basic_tls_stream&) = delete;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  ssl_st* native_handle() noexcept { return ssl_; }
  /// Received bytes not yet consumed by the TLS layer or not yet read as plaintext.
  bool has_buffered_input() const noexcept;
  /// For a stream with no operation running (an idle pooled connection): processes, without
  /// blocking, whatever the peer sent meanwhile. True when that was nothing or only TLS
  /// housekeeping (TLS 1.3 session tickets); false when the peer closed (close_notify, EOF,
  /// a reset) or sent application data or garbage nobody asked for. `socket_readable` false (the
  /// caller polled the socket and nothing arrived) with nothing buffered here: alive, without
  /// asking OpenSSL or the socket again.
  bool probe_idle(bool socket_readable = true) noexcept;

  template <class Token>
  auto async_handshake(Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
        [this](handshake_handler h) { start_handshake(std::move(h)); }, token);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](io_handler h, boost::asio::mutable_buffer b) { start_read(b, std::move(h)); }, token,
        first_buffer(buffers));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    write_buffers bufs{};
    std::size_t n = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && n < bufs.size(); ++it)
      if (boost::asio::const_buffer b(*it); b.size() > 0) bufs[n++] = b;
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](io_handler h, const write_buffers& b, std::size_t count) { start_write(b, count, std::move(h)); }, token,
        bufs, n);
  }

 private:
  enum class op_kind { none, handshake, read, write };
  struct outcome {
    enum { done, want_input, failed } what = done;
    std::size_t n = 0;
    boost::system::error_code ec;
  };
  struct io_done;
  struct canceller;
  friend struct bio_access<Lower>;

  void init(boost::asio::ssl::context& ctx);
  /// The executor the current operation's intermediate handlers run on (see tls_stream_impl.hpp).
  void bind_op_executor(const boost::asio::any_completion_executor& handler_ex);

  void start_handshake(handshake_handler h);
  void start_read(boost::asio::mutable_buffer b, io_handler h);
  void start_write(const write_buffers& b, std::size_t count, io_handler h);
  bool begin(op_kind k);
  /// Takes the caller's cancellation slot for the operation (see canceller).
  void watch_cancellation(boost::asio::cancellation_slot caller);
  outcome step();
  void advance();
  void handle(const outcome& o);
  void on_io(int which, const boost::system::error_code& ec, std::size_t n);
  void wait_input();
  void flush();
  void complete(boost::system::error_code ec, std::size_t n);

  next_layer_type next_;
  ssl_st* ssl_ = nullptr;
  op_kind kind_ = op_kind::none;
  bool initiating_ = false;  // still inside the initiating call: complete through a post
  bool eof_ = false;         // the peer closed its side
  bool drained_ = false;     // the socket had nothing more to read when last asked
  boost::system::error_code sock_err_;  // a socket error seen inside OpenSSL's BIO calls
  executor_type op_ex_;  // the current operation's: its handler's executor (see io_done)
  // Cancellation of the current operation: the caller's slot holds a canceller, which records
  // the request and forwards it to the socket operation in progress through lower_cancel_.
  boost::asio::cancellation_slot caller_slot_;
  boost::asio::cancellation_signal lower_cancel_;
  bool cancelled_ = false;
  // The current operation.
  io_handler io_h_;
  handshake_handler hs_h_;
  boost::asio::mutable_buffer read_buf_;
  write_buffers write_bufs_{};
  std::size_t write_count_ = 0;
  std::size_t write_index_ = 0, write_offset_ = 0;  // where the next SSL_write starts
  std::size_t done_bytes_ = 0;  // plaintext consumed by the write so far
  outcome saved_;               // the outcome waiting for a flush to end (see handle())
  // Ciphertext: received (one wait's worth), read ahead (a read block, held only while it has
  // bytes OpenSSL has not taken) and to send.
  std::array<char, 2048> in_;
  std::size_t in_pos_ = 0, in_len_ = 0;
  char* ahead_ = nullptr;
  std::size_t ahead_pos_ = 0, ahead_len_ = 0;
  void drop_ahead() noexcept;
  std::string out_;
};

extern template class basic_tls_stream<boost::beast::tcp_stream>;
/// The library's TLS stream.
using tls_stream = basic_tls_stream<boost::beast::tcp_stream>;

}  // namespace openrouter::detail
