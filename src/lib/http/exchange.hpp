#pragma once
// One HTTP/1.1 request/response exchange, sans I/O: bytes in, the next action out. Private to
// src/lib. It owns everything about the exchange that is not I/O: the request's bytes, the
// response parser, the limits (head, whole body, streamed body), the diagnostic headers
// (Retry-After in both RFC 9110 forms, X-RateLimit-*, X-Generation-Id), content encoding, and
// the facts the re-send rule is decided on. It never touches a socket, a timer or a coroutine:
// the one I/O runner (exchange_runner.hpp) performs the actions it asks for on a connection,
// for plain requests, streams and asset fetches alike, and tests drive it byte by byte.
//
//   exchange x(head, body, conn.buffer(), limits);
//   for (;;) switch (auto a = x.next()) {
//     case write:   write x.request() fully, then x.written();
//     case read:    read some bytes into x.buffer() (commit them), then nothing, or
//                   x.eof() when the peer closed;
//     case headers: look at x.response() / x.header(); then x.read_whole() (the default) or
//                   x.read_pieces() to have the body handed out piece by piece;
//     case piece:   x.piece() holds the next body bytes (they live in the caller's buffer);
//     case done:    x.response().body holds the body (whole mode); x.reusable() says whether
//                   the connection may carry another request;
//     case failed:  x.error() (an openrouter::errc), x.detail().
//   }

#include "read_buffer.hpp"

#include <openrouter/error.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace openrouter::detail {

/// The response of one exchange as the callers see it.
struct http_response {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

class exchange {
 public:
  enum class action { write, read, headers, piece, done, failed };
  /// Which wait a write or read action is (the runner picks its deadline from it): the request,
  /// the response head, or the body.
  enum class phase { request, head, body };

  struct limits {
    std::size_t head = 64 * 1024;  ///< the response head
    std::size_t whole_body = 0;    ///< a body read whole (after decoding too); 0: none
    std::size_t streamed_body = 0; ///< a body handed out in pieces, in all; 0: none
    /// Whether a gzip-encoded body is accepted (and decoded) in whole mode. Any other encoding,
    /// or gzip when not asked for, fails the exchange with errc::bad_response.
    bool accept_gzip = false;
  };

  /// `head` is the request head (ending in an empty line), `body` its body (it must outlive the
  /// exchange); `in` is the connection's read buffer (bytes of the response are parsed out of
  /// it; its maximum size bounds a head line, a chunk-size line or a trailer).
  exchange(std::string head, std::string_view body, read_buffer& in, const limits& l);
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;

  /// What to do next. Parses whatever `buffer()` holds first: a read is asked for only when
  /// the bytes there do not complete the next step.
  action next();
  phase current_phase() const noexcept { return phase_; }

  // The runner's side.
  /// The request's bytes (write action; empty after written()).
  std::array<boost::asio::const_buffer, 2> request() const noexcept;
  /// The request was written in full.
  void written() noexcept;
  /// Where a read action puts its bytes (then commit them).
  read_buffer& buffer() noexcept { return in_; }
  /// The peer closed the connection (end of stream): a body delimited by the close ends here,
  /// anything else is incomplete.
  void eof();
  /// The runner failed the exchange with an I/O error already mapped to an openrouter::errc.
  void fail(boost::system::error_code ec, std::string detail = {});

  // The caller's side.
  /// After the headers action: read the body whole, bounded by limits.whole_body (the default
  /// if the caller only calls next() again).
  void read_whole();
  /// After the headers action: hand the body out in pieces of at most `size` bytes (at most
  /// piece_size), bounded in all by limits.streamed_body. Content encodings are refused in this
  /// mode.
  void read_pieces(std::size_t size = piece_size);
  /// The body bytes of the last piece action. They live in a buffer of the calling thread's,
  /// shared by every exchange on it (an open stream waiting for its next bytes holds no piece
  /// buffer of its own): valid until this thread calls next() on an exchange again, so a
  /// piece is consumed before the caller's next suspension.
  std::string_view piece() const noexcept { return piece_; }
  static constexpr std::size_t piece_size = 4096;

  /// Status, content type and (whole mode, after done) the body.
  http_response& response() noexcept { return response_; }
  /// A response header's value, empty when absent (valid after the headers action).
  std::string_view header(std::string_view name) const;
  /// The response's diagnostic headers, parsed strictly (valid after the headers action).
  void read_diagnostics(diagnostics& diag) const;

  /// Whether the whole request was written (diagnostics::request_sent). The re-send rule: a
  /// request that was not is provably unread by the server.
  bool request_written() const noexcept { return written_; }
  /// Done, the response allows keep-alive and nothing of it is left unread.
  bool reusable() const noexcept;
  /// Body bytes handed out or read so far.
  std::size_t body_bytes() const noexcept { return body_bytes_; }
  const boost::system::error_code& error() const noexcept { return error_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  action parse();
  action finish_body();
  action failed(errc e, std::string detail);

  enum class body_mode { undecided, whole, pieces };

  std::string head_;
  std::string_view body_;
  read_buffer& in_;
  limits limits_;
  boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
  phase phase_ = phase::request;
  body_mode mode_ = body_mode::undecided;
  bool written_ = false;
  bool headers_seen_ = false;  // the headers action was returned
  bool eof_ = false;
  bool done_ = false;
  bool gzip_ = false;
  std::size_t piece_size_ = piece_size;
  std::string_view piece_;
  std::size_t body_bytes_ = 0;
  http_response response_;
  boost::system::error_code error_;
  std::string detail_;
};

}  // namespace openrouter::detail
