#include "connection.hpp"

#include <openrouter/error.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <map>
#include <mutex>
#include <sys/socket.h>

namespace openrouter::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

connection::connection(const asio::any_io_executor& ex, const origin& o, asio::ssl::context* ctx) {
  if (o.tls) tls_.emplace(ex, *ctx);
  else plain_.emplace(ex);
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
  if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again ||
      ec == asio::error::no_data)
    return errc::resolve_failed;
  return errc::connect_failed;
}

}  // namespace

asio::awaitable<void> connection::connect(const origin& o, std::chrono::steady_clock::time_point deadline,
                                          tls_session_cache* sessions, diagnostics& diag, error_code& ec) {
  ec = {};
  auto& stream = tcp();
  tcp::resolver resolver(stream.get_executor());
  error_code e;
  auto endpoints = co_await resolver.async_resolve(o.host, std::to_string(o.port),
                                                   asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    ec = make_error_code(e == asio::error::operation_aborted ? errc::connect_timeout : classify_connect(e, false));
    if (e == asio::error::operation_aborted) ec = e;
    co_return;
  }
  stream.expires_at(deadline);
  co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    ec = e == asio::error::operation_aborted ? e : make_error_code(classify_connect(e, false));
    co_return;
  }
  stream.socket().set_option(tcp::no_delay(true), e);
  if (!tls_) co_return;

  // SNI and hostname verification (RFC 6125) for the configured host.
  if (!SSL_set_tlsext_host_name(tls_->native_handle(), o.host.c_str())) {
    ec = make_error_code(errc::tls_handshake_failed);
    co_return;
  }
  tls_->set_verify_mode(asio::ssl::verify_peer);
  tls_->set_verify_callback(asio::ssl::host_name_verification(o.host));
  if (sessions) sessions->apply(o.key(), *tls_);
  co_await tls_->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    long verify = SSL_get_verify_result(tls_->native_handle());
    if (verify != X509_V_OK) {
      diag.detail = X509_verify_cert_error_string(verify);
      ec = make_error_code(errc::tls_verify_failed);
    } else {
      ec = e == asio::error::operation_aborted ? e : make_error_code(classify_connect(e, true));
    }
    co_return;
  }
  resumed_session = SSL_session_reused(tls_->native_handle()) == 1;
}

bool connection::idle_alive() noexcept {
  auto& sock = tcp().socket();
  if (!sock.is_open()) return false;
  // Anything readable on an idle keep-alive connection is EOF, a reset, a TLS close_notify or
  // garbage: in every case the connection must not carry the next request.
  if (buffer_.size() != 0) return false;
  char c;
  ssize_t n = ::recv(sock.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void connection::close() noexcept {
  error_code ec;
  tcp().socket().close(ec);
}

struct tls_session_cache::impl {
  std::mutex mutex;
  std::map<std::string, SSL_SESSION*, std::less<>> sessions;
  ~impl() {
    for (auto& [k, s] : sessions) SSL_SESSION_free(s);
  }
};

tls_session_cache::tls_session_cache() : impl_(std::make_unique<impl>()) {}
tls_session_cache::~tls_session_cache() = default;

void tls_session_cache::apply(const std::string& key, connection::tls_stream& s) {
  std::lock_guard lock(impl_->mutex);
  if (auto it = impl_->sessions.find(key); it != impl_->sessions.end())
    SSL_set_session(s.native_handle(), it->second);
}

void tls_session_cache::store(const std::string& key, connection::tls_stream& s) {
  // TLS 1.3 tickets arrive after the handshake, so this is called once a response was read.
  SSL_SESSION* session = SSL_get1_session(s.native_handle());
  if (!session) return;
  if (!SSL_SESSION_is_resumable(session)) {
    SSL_SESSION_free(session);
    return;
  }
  std::lock_guard lock(impl_->mutex);
  auto [it, inserted] = impl_->sessions.try_emplace(key, session);
  if (!inserted) {
    SSL_SESSION_free(it->second);
    it->second = session;
  }
}

}  // namespace openrouter::detail
