#include "connection.hpp"
#include "tls_session.hpp"

#include "../detail/cancel.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>
#include <openrouter/version.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace openrouter::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("openrouter: cannot read CA file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

asio::ssl::context make_tls_context(const tls_options& tls) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  // OpenSSL frees a connection's record buffers (~34 KiB) while it has nothing in flight:
  // idle pooled connections and streams waiting for their next token are most of them.
  SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  if (tls.use_system_store) ctx.set_default_verify_paths();
  std::string extra = tls.ca_pem;
  if (!tls.ca_file.empty()) extra += "\n" + read_file(tls.ca_file);
  if (!extra.empty()) {
    error_code e;
    ctx.add_certificate_authority(asio::buffer(extra), e);
    if (e) throw std::invalid_argument("openrouter: the extra CA is not a valid PEM certificate");
  }
  return ctx;
}

connection::connection(const asio::any_io_executor& ex, const origin& o, asio::ssl::context* ctx) {
  if (o.tls) tls_ = std::make_unique<tls_stream>(ex, *ctx);
  else plain_.emplace(ex);
}

connection::connection(std::unique_ptr<h2::stream> s) : peer_(s->owner().peer() + " (HTTP/2)"), h2_(std::move(s)) {}

void connection::expires_at(std::chrono::steady_clock::time_point t) noexcept {
  if (h2_) h2_->expires_at(t);
  else tcp().expires_at(t);
}

void connection::expires_never() noexcept {
  if (h2_) h2_->expires_never();
  else tcp().expires_never();
}

bool connection::tls_buffered() const noexcept { return tls_ && tls_->has_buffered_input(); }

bool connection::alpn_h2() const noexcept {
  if (!tls_) return false;
  const unsigned char* p = nullptr;
  unsigned int n = 0;
  SSL_get0_alpn_selected(const_cast<tls_stream&>(*tls_).native_handle(), &p, &n);
  return n == 2 && p[0] == 'h' && p[1] == '2';
}

void connection::prepare_read() noexcept {
  if (h2_) {  // bytes waiting in the stream: a full read; else nothing held between reads
    try {
      if (h2_->available() > 0) buffer_.reserve(read_buffer_size);
      else if (buffer_.size() == 0 && buffer_.capacity() > 0) buffer_.shrink_to_fit();
    } catch (const std::bad_alloc&) {
    }
    return;
  }
  // Unparsed bytes (a stream's chunk ends in a CRLF the parser takes with the next chunk's
  // size line) are kept either way; only the free capacity is decided here.
  bool waiting = tls_ && tls_->has_buffered_input();
  if (!waiting) {
    int n = 0;
    waiting = ::ioctl(tcp().socket().native_handle(), FIONREAD, &n) == 0 && n > 0;
  }
  try {
    if (waiting) buffer_.reserve(read_buffer_size);
    else if (buffer_.capacity() > 0) buffer_.shrink_to_fit();
  } catch (const std::bad_alloc&) {  // Beast's 512-byte reads still work
  }
}

void connection::release_buffer() noexcept {
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
}

namespace {

bool out_of_descriptors(const error_code& e) {
  return e == boost::system::errc::too_many_files_open || e == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

std::string socket_failure_detail(const error_code& e) {
  if (e == boost::system::errc::too_many_files_open)
    return "too many open files (EMFILE): the process has no file descriptor left for a socket";
  if (e == boost::system::errc::too_many_files_open_in_system)
    return "too many open files in the system (ENFILE): no file descriptor left for a socket";
  return "cannot open a socket: " + e.message();
}

std::unique_ptr<connection> connection::create(const asio::any_io_executor& ex, const origin& o,
                                               asio::ssl::context* ctx, diagnostics& diag, error_code& ec) {
  ec = {};
  try {
    return std::make_unique<connection>(ex, o, ctx);
  } catch (const boost::system::system_error& e) {
    diag.detail = socket_failure_detail(e.code());
    ec = make_error_code(out_of_descriptors(e.code()) ? errc::out_of_resources : errc::connect_failed);
  } catch (const std::bad_alloc&) {
    diag.detail = "cannot open a socket: out of memory";
    ec = make_error_code(errc::out_of_resources);
  }
  return nullptr;
}

namespace {

// A connect-phase failure in our own terms.
errc classify_connect(const error_code& ec, bool tls_phase) {
  if (ec == beast::error::timeout) return errc::connect_timeout;
  if (tls_phase) {
    // OpenSSL reports a failed verification as "certificate verify failed".
    if (ec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED)
      return errc::tls_verify_failed;
    if (ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
      return errc::connection_reset;
    return errc::tls_handshake_failed;
  }
  if (ec == asio::error::host_not_found_try_again) return errc::resolve_try_again;
  if (ec == asio::error::host_not_found || ec == asio::error::no_data) return errc::resolve_failed;
  return errc::connect_failed;
}

std::string address_text(const tcp::endpoint& ep) { return host_port(ep.address().to_string(), ep.port()); }

// The usual reason a certificate does not verify against a local server: its CA is not trusted.
bool unknown_ca(long verify) {
  return verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY || verify == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
         verify == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
         verify == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

}  // namespace

std::string system_reason(const error_code& e) {
  std::string r = e.message();
  if (e.category() == boost::system::system_category() || e.category() == boost::system::generic_category())
    r += " (errno " + std::to_string(e.value()) + ")";
  return r;
}

asio::awaitable<void> connection::connect(const origin& o, std::chrono::steady_clock::time_point deadline,
                                          diagnostics& diag, error_code& ec, const address_screen* screen,
                                          const proxy_endpoint* proxy) {
  ec = {};
  if (proxy) {
    // The proxy resolves and reaches the origin: its addresses cannot be screened here.
    co_await dial(proxy->host, proxy->port, "proxy ", deadline, diag, ec, nullptr);
    if (ec) co_return;
    peer_ = host_port(o.host, o.port) + " via proxy " + peer_;
    co_await tunnel(o, *proxy, deadline, diag, ec);
    if (ec) co_return;
  } else {
    co_await dial(o.host, o.port, "", deadline, diag, ec, screen);
    if (ec) co_return;
  }
  if (!tls_) co_return;
  tcp().expires_at(deadline);
  co_await handshake(o, diag, ec);
}

asio::awaitable<void> connection::dial(const std::string& host, std::uint16_t port, const char* what,
                                       std::chrono::steady_clock::time_point deadline, diagnostics& diag,
                                       error_code& ec, const address_screen* screen) {
  auto& stream = tcp();
  const std::string target = what + host_port(host, port);
  tcp::resolver resolver(stream.get_executor());
  error_code e;
  // The resolver has no deadline of its own: the getaddrinfo thread cannot be stopped, but the
  // wait for it can.
  auto endpoints = co_await resolver.async_resolve(host, std::to_string(port),
                                                   asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    if (e == asio::error::operation_aborted) {
      ec = e;
      co_return;
    }
    ec = make_error_code(classify_connect(e, false));
    diag.detail = "resolve " + target + ": " + e.message();
    if (ec == errc::resolve_try_again) diag.detail += " (the resolver said: try again)";
    co_return;
  }
  if (cancelled(co_await asio::this_coro::cancellation_state, ec)) co_return;
  // The addresses are judged once, as resolved, and only those are connected to: a name that
  // resolves differently a moment later (DNS rebinding) cannot slip past the screen.
  std::vector<tcp::endpoint> allowed;
  for (const auto& entry : endpoints) {
    std::string why = screen ? (*screen)(entry.endpoint().address()) : std::string();
    if (why.empty()) allowed.push_back(entry.endpoint());
    else diag.detail = why;
  }
  if (allowed.empty()) {
    ec = make_error_code(screen ? errc::remote_asset_address_refused : errc::resolve_failed);
    if (!screen) diag.detail = "resolve " + target + ": no address";
    co_return;
  }
  // Each address in turn, opening the socket ourselves: Asio's range connect turns a socket it
  // could not open (EMFILE, ENFILE) into operation_aborted, which would read as the caller's
  // cancellation. Here operation_aborted can only be the caller's.
  const std::string screened = diag.detail;  // the screen's reasons, if an address was refused
  std::string failures;  // "A:P: reason" of each address that failed
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    auto& sock = stream.socket();
    sock.close(e);
    sock.open(allowed[i].protocol(), e);
    if (e) {
      diag.detail = socket_failure_detail(e);
      // Out of descriptors, every address fails alike (and no server is to blame); another
      // family may just be unsupported.
      if (out_of_descriptors(e)) {
        ec = make_error_code(errc::out_of_resources);
        co_return;
      }
      ec = make_error_code(errc::connect_failed);
      continue;
    }
    stream.expires_at(deadline);
    co_await stream.async_connect(allowed[i], asio::redirect_error(asio::use_awaitable, e));
    if (!e) {
      ec = {};
      diag.detail = screened;  // an address before this one may have failed
      peer_ = host_port(host, port) + " (address " + address_text(allowed[i]) + ")";
      break;
    }
    if (e == asio::error::operation_aborted) {
      ec = e;
      co_return;
    }
    ec = make_error_code(classify_connect(e, false));
    if (!failures.empty()) failures += "; ";
    failures += "address " + address_text(allowed[i]) + ": " +
                (ec == errc::connect_timeout ? std::string("no answer before the connect deadline") : system_reason(e));
    diag.detail = "connect " + target + ": " + failures;
    if (ec == errc::connect_timeout) co_return;  // the deadline covers every address
    if (cancelled(co_await asio::this_coro::cancellation_state, ec)) co_return;
  }
  if (ec) co_return;
  stream.socket().set_option(tcp::no_delay(true), e);
}

asio::awaitable<void> connection::tunnel(const origin& o, const proxy_endpoint& proxy,
                                         std::chrono::steady_clock::time_point deadline, diagnostics& diag,
                                         error_code& ec) {
  // The CONNECT exchange: the proxy's credentials (if any), never the origin's request. The
  // tunnel's deadline is the connect deadline: a proxy that never answers cannot hang us.
  auto& stream = tcp();
  const std::string where = "proxy " + proxy.display() + " CONNECT " + host_port(o.host, o.port);
  const std::string request = connect_request(o, proxy, user_agent());
  error_code e;
  if (cancelled(co_await asio::this_coro::cancellation_state, ec)) co_return;
  stream.expires_at(deadline);
  co_await asio::async_write(stream, asio::buffer(request), asio::redirect_error(asio::use_awaitable, e));
  connect_response answer;
  auto state = connect_response::state::need_more;
  std::array<char, 1024> piece;
  while (!e && state == connect_response::state::need_more) {
    std::size_t n = co_await stream.async_read_some(asio::buffer(piece), asio::redirect_error(asio::use_awaitable, e));
    if (n > 0) state = answer.feed(std::string_view(piece.data(), n));
  }
  if (state == connect_response::state::need_more) {  // the I/O failed first
    if (e == asio::error::operation_aborted) {
      ec = e;
    } else if (e == beast::error::timeout) {
      ec = make_error_code(errc::connect_timeout);
      diag.detail = where + ": no answer before the connect deadline";
    } else {
      ec = make_error_code(errc::proxy_tunnel_closed);
      diag.detail = where + ": the proxy closed the connection before answering (" + system_reason(e) + ")";
    }
    co_return;
  }
  if (state == connect_response::state::bad) {
    ec = make_error_code(errc::bad_response);
    diag.detail = where + ": the answer is not HTTP; is " + proxy.display() + " an HTTP proxy?";
    co_return;
  }
  const unsigned status = answer.status();
  std::string said = std::to_string(status) + (answer.reason().empty() ? "" : " " + answer.reason());
  // 407 is the standard answer; tinyproxy answers wrong credentials with 401. Either way, before
  // the tunnel exists, only the proxy can have said it.
  if (status == 407 || status == 401) {
    ec = make_error_code(errc::proxy_auth_required);
    diag.proxy_status = status;
    diag.detail = where + ": " + said +
                  (proxy.authorization.empty() ? "; the proxy wants credentials: http://user:password@host:port"
                                               : "; the proxy did not accept the credentials of the proxy URL");
    co_return;
  }
  if (status < 200 || status > 299) {
    ec = make_error_code(errc::proxy_refused);
    diag.proxy_status = status;
    diag.detail = where + ": refused with " + said;
    co_return;
  }
  if (answer.leftover() != 0) {  // the origin cannot speak before our ClientHello
    ec = make_error_code(errc::bad_response);
    diag.detail = where + ": bytes after the proxy's 2xx before the TLS handshake";
    co_return;
  }
}

asio::awaitable<void> connection::handshake(const origin& o, diagnostics& diag, error_code& ec) {
  error_code e;
  // SNI (not for IP literals, RFC 6066 §3) and OpenSSL's own peer name check (RFC 6125: DNS
  // names without partial wildcards, IP addresses against IP SANs). Always the origin's name,
  // never a proxy's.
  SSL* ssl = tls_->native_handle();
  error_code not_ip;
  asio::ip::make_address(o.host, not_ip);
  bool named = not_ip ? SSL_set_tlsext_host_name(ssl, o.host.c_str()) == 1 && SSL_set1_host(ssl, o.host.c_str()) == 1
                      : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o.host.c_str()) == 1;
  if (!named) {
    ec = make_error_code(errc::tls_handshake_failed);
    co_return;
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  if (cancelled(co_await asio::this_coro::cancellation_state, ec)) co_return;
  tls_session_cache::offer(tls_->native_handle());
  co_await tls_->async_handshake(asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    const std::string where = "TLS with " + peer_ + ": ";
    long verify = SSL_get_verify_result(tls_->native_handle());
    if (verify != X509_V_OK) {
      diag.detail = where + X509_verify_cert_error_string(verify);
      if (unknown_ca(verify))
        diag.detail += "; hint: the server's certificate is not signed by a CA this client trusts (for a local "
                       "server such as openrouter-mock, set tls.ca_file, CLI --ca-file or OPENROUTER_CA_FILE)";
      ec = make_error_code(errc::tls_verify_failed);
    } else if (e == asio::error::operation_aborted) {
      ec = e;
    } else {
      ec = make_error_code(classify_connect(e, true));
      diag.detail = where + (ec == errc::connect_timeout ? std::string("no handshake before the connect deadline")
                                                         : system_reason(e));
      bool not_tls = e.category() == asio::error::get_ssl_category() &&
                     ERR_GET_REASON(static_cast<unsigned long>(e.value())) == SSL_R_WRONG_VERSION_NUMBER;
      if (not_tls || ec == errc::connection_reset)
        diag.detail += "; hint: the server may not speak TLS on this port (a plain-HTTP server wants an http:// "
                       "base URL)";
    }
    co_return;
  }
}

bool connection::idle_alive() noexcept {
  if (h2_) return false;  // a stream is never parked: its session is
  auto& sock = tcp().socket();
  if (!sock.is_open()) return false;
  // Bytes left over after the last response: garbage (or a pipelined answer nobody asked for).
  if (buffer_.size() != 0) return false;
  // The peer's FIN or reset shows as POLLRDHUP/POLLHUP/POLLERR even when data is pending
  // before it (a TLS close_notify followed by the FIN).
  pollfd p{sock.native_handle(), static_cast<short>(POLLIN | POLLRDHUP), 0};
  if (::poll(&p, 1, 0) < 0) return false;
  if ((p.revents & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL)) != 0) return false;
  // TLS: let OpenSSL process what arrived. Session tickets (a TLS 1.3 server sends them after
  // the handshake) leave the connection usable; a close_notify, an alert or application data
  // do not.
  if (tls_) return tls_->probe_idle((p.revents & POLLIN) != 0);
  // Plain HTTP: anything readable on an idle connection is EOF, a reset or garbage.
  if ((p.revents & POLLIN) != 0) return false;
  return true;
}

bool connection::resumed() noexcept {
  if (h2_) return false;
  return tls_ && SSL_session_reused(tls_->native_handle()) == 1;
}

void connection::close() noexcept {
  if (h2_) return h2_->close();
  error_code ec;
  tcp().socket().close(ec);
}

}  // namespace openrouter::detail
