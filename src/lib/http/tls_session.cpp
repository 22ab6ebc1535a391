#include "tls_session.hpp"

namespace openrouter::detail {

namespace {

// Our own ex_data slot: Asio keeps its verify callback in the context's app data (index 0)
// and deletes whatever it finds there.
int cache_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

tls_session_cache* cache_of(SSL* ssl) {
  return static_cast<tls_session_cache*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), cache_index()));
}

}  // namespace

tls_session_cache::~tls_session_cache() {
  if (last_) SSL_SESSION_free(last_);
}

void tls_session_cache::install(SSL_CTX* ctx) {
  SSL_CTX_set_ex_data(ctx, cache_index(), this);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, &tls_session_cache::on_new_session);
}

int tls_session_cache::on_new_session(SSL* ssl, SSL_SESSION* s) {
  auto* self = cache_of(ssl);
  if (!self) return 0;
  // A copy: OpenSSL marks a connection's own session non-resumable when the connection ends
  // without a TLS shutdown, which is how most of ours end (a reset, an idle close, a cancel).
  SSL_SESSION* copy = SSL_SESSION_dup(s);
  if (!copy) return 0;
  std::lock_guard lock(self->m_);
  if (self->last_) SSL_SESSION_free(self->last_);
  self->last_ = copy;
  return 0;  // OpenSSL keeps (and frees) its own
}

void tls_session_cache::offer(SSL* ssl) {
  auto* self = cache_of(ssl);
  if (!self) return;
  SSL_SESSION* s = nullptr;
  {
    std::lock_guard lock(self->m_);
    // Each connection gets its own copy: OpenSSL writes into a connection's session during
    // the handshake (peer chain, tickets), so one SSL_SESSION must not serve two at once.
    if (self->last_ && SSL_SESSION_is_resumable(self->last_)) s = SSL_SESSION_dup(self->last_);
  }
  if (!s) return;
  SSL_set_session(ssl, s);  // takes its own reference
  SSL_SESSION_free(s);
}

}  // namespace openrouter::detail
