#pragma once
// One keep-alive HTTP/1.1 connection, plain or TLS, owned by exactly one request at a time
// (the pool hands it out and takes it back).

#include "h2_session.hpp"
#include "origin.hpp"
#include "proxy.hpp"
#include "read_buffer.hpp"
#include "tls_stream.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <optional>

namespace openrouter {
struct diagnostics;
struct tls_options;
}

namespace openrouter::detail {

/// A client TLS context that verifies peers against the system store and/or the extra CA of
/// `tls`. Throws std::invalid_argument for an unreadable or invalid extra CA.
boost::asio::ssl::context make_tls_context(const tls_options& tls);

/// diag.detail for a socket that could not be opened: EMFILE/ENFILE say "too many open files".
std::string socket_failure_detail(const boost::system::error_code& e);

/// Judges a resolved address before it is connected to: empty when it may be, else why not
/// (server-side asset fetches refuse the caller's own network).
using address_screen = std::function<std::string(const boost::asio::ip::address&)>;

/// The system's reason for a failure: strerror's text and, for an errno, its number
/// ("Connection refused (errno 111)").
std::string system_reason(const boost::system::error_code& e);

// The connection seam. A connection is layers put together by connect(): a TCP socket to the
// first hop (the origin, or an HTTP proxy), optionally an HTTP CONNECT tunnel through that
// proxy to the origin, optionally TLS with the origin (its name verified, whatever the first
// hop). Above it, an exchange needs only the byte stream (visit()), its deadline (tcp()), the
// read buffer, the idle probe and close(): the same surface an HTTP/2 stream multiplexed on a
// shared connection offers (h2_session.hpp): a connection made from an h2::stream is that
// stream, its bytes HTTP/1.1 as the exchange expects them, its deadline the stream's own.
class connection {
 public:
  /// The read buffer's capacity during a burst: the most one read from the socket (or TLS)
  /// can bring.
  static constexpr std::size_t read_buffer_size = read_block_size;
  /// The most the read buffer may ever hold: a response head (64 KiB limit), a chunk-size line
  /// with its extensions or a chunked trailer that does not fit fails the read with
  /// http::error::buffer_overflow (errc::response_too_large) instead of growing the buffer.
  static constexpr std::size_t max_read_buffer = 128 * 1024;

  connection(const boost::asio::any_io_executor& ex, const origin& o, boost::asio::ssl::context* ctx);
  /// One stream of an HTTP/2 session (h2_session.hpp) behind the seam.
  explicit connection(std::unique_ptr<h2::stream> s);

  /// The constructor without exceptions: the first socket of an io_context creates its reactor,
  /// which needs descriptors of its own and throws when the process has none left. Fails with
  /// errc::out_of_resources (no descriptor or memory left) or errc::connect_failed, `diag.detail`
  /// saying why.
  static std::unique_ptr<connection> create(const boost::asio::any_io_executor& ex, const origin& o,
                                            boost::asio::ssl::context* ctx, diagnostics& diag,
                                            boost::system::error_code& ec);

  /// Resolve, connect, TLS handshake (verifying the peer for o.host), all before `deadline`.
  /// Fails with an openrouter::errc; `diag.detail` names the TLS verification failure. With a
  /// `screen`, only the resolved addresses it accepts are tried; none left fails with
  /// errc::remote_asset_address_refused (the reason in `diag.detail`).
  ///
  /// With a `proxy`, the TCP connection goes to the proxy (its addresses are not screened: the
  /// caller decides whether that is acceptable), which is asked to CONNECT to o.host:o.port;
  /// TLS then runs through the tunnel with the origin exactly as without a proxy (SNI and the
  /// certificate check name o.host). The proxy's refusal fails with errc::proxy_refused
  /// (diag.proxy_status), 407 with errc::proxy_auth_required, a proxy that hangs up first
  /// with errc::proxy_tunnel_closed; `deadline` covers the CONNECT exchange too.
  ///
  /// `diag.detail` of a failure names the phase (resolve, connect, proxy, TLS), host:port, the
  /// address tried, the system's reason and, for the usual mistakes, a hint.
  boost::asio::awaitable<void> connect(const origin& o, std::chrono::steady_clock::time_point deadline,
                                       diagnostics& diag, boost::system::error_code& ec,
                                       const address_screen* screen = nullptr,
                                       const proxy_endpoint* proxy = nullptr);

  /// "host:port (address A:P)" of the origin, "via proxy H:P" when tunnelled: the context of
  /// a failure after connect() (write and read phases).
  const std::string& peer() const noexcept { return peer_; }

  /// Whether the TLS handshake resumed an earlier session.
  bool resumed() noexcept;

  /// Calls f(stream) with the plain or the TLS stream.
  template <class F>
  decltype(auto) visit(F&& f) {
    if (h2_) return f(*h2_);
    if (tls_) return f(*tls_);
    return f(*plain_);
  }

  /// The TCP layer (not of an HTTP/2 stream: its session owns the socket).
  boost::beast::tcp_stream& tcp() noexcept { return tls_ ? tls_->next_layer() : *plain_; }
  /// The deadline of the next reads and writes (the stream's own for an HTTP/2 stream).
  void expires_at(std::chrono::steady_clock::time_point t) noexcept;
  void expires_never() noexcept;
  /// TLS bytes received and not yet read (plaintext or ciphertext).
  bool tls_buffered() const noexcept;

  /// The HTTP/2 stream this connection is, or null (HTTP/1.1).
  h2::stream* h2_stream() noexcept { return h2_.get(); }
  /// Whether the server picked h2 by ALPN during the handshake.
  bool alpn_h2() const noexcept;
  /// After a failure: the server provably never processed the request (an HTTP/2 stream refused
  /// with REFUSED_STREAM or above a GOAWAY's last stream id).
  bool unprocessed() const noexcept { return h2_ && h2_->unprocessed(); }
  /// After a failure: what the protocol said about it (an RST_STREAM or GOAWAY code), else empty.
  std::string failure_detail() const { return h2_ ? h2_->failure_detail() : std::string(); }
  read_buffer& buffer() noexcept { return buffer_; }
  /// Call before reading a body. Beast reads at most the buffer's free capacity (at least 512
  /// bytes), and a body parsed out of the buffer never lets it grow: when bytes are already
  /// waiting (a burst), this gives the next read read_buffer_size; when the read will wait (a
  /// stream between tokens), it gives back all but the unparsed bytes (a chunk's trailing CRLF
  /// waits for the next size line), so a waiting stream holds no 16 KiB of it.
  void prepare_read() noexcept;
  /// Frees the read buffer if it holds nothing (a connection parked in the pool).
  void release_buffer() noexcept;
  /// TLS with the origin (an HTTP/2 stream counts as TLS: the hints for plain HTTP do not apply).
  bool is_tls() const noexcept { return tls_ != nullptr || h2_ != nullptr; }

  /// Whether an idle connection is still usable, checked without blocking just before it
  /// would carry a request: false when the peer closed it (FIN, reset, TLS close_notify) or
  /// sent bytes nobody asked for. TLS session tickets that arrived meanwhile are processed.
  bool idle_alive() noexcept;
  /// Closes the socket (a stream that is cancelled mid-response is closed, never reused).
  void close() noexcept;

  std::chrono::steady_clock::time_point idle_since{};
  std::size_t uses = 0;

 private:
  // The layers of connect().
  boost::asio::awaitable<void> dial(const std::string& host, std::uint16_t port, const char* what,
                                    std::chrono::steady_clock::time_point deadline, diagnostics& diag,
                                    boost::system::error_code& ec, const address_screen* screen);
  boost::asio::awaitable<void> tunnel(const origin& o, const proxy_endpoint& proxy,
                                      std::chrono::steady_clock::time_point deadline, diagnostics& diag,
                                      boost::system::error_code& ec);
  boost::asio::awaitable<void> handshake(const origin& o, diagnostics& diag, boost::system::error_code& ec);

  std::string peer_;
  std::optional<boost::beast::tcp_stream> plain_;
  // On the heap: a connection that is an HTTP/2 stream (thousands per session) carries no
  // unused TLS layer (2.6 KiB each).
  std::unique_ptr<tls_stream> tls_;
  std::unique_ptr<h2::stream> h2_;
  read_buffer buffer_{max_read_buffer};
};

}  // namespace openrouter::detail
