#pragma once
// TLS session resumption for one client's origin: the last session ticket the server sent is
// offered on the next connection, so a new connection costs an abbreviated handshake (no
// certificate chain to send and verify, no full key exchange on TLS 1.2). Private to src/lib.
//
// One cache per SSL_CTX (the transport owns both); the context finds its cache through an
// ex_data slot of its own. Thread-safe: connections of one client may connect from several threads.

#include <openssl/ssl.h>

#include <mutex>

namespace openrouter::detail {

class tls_session_cache {
 public:
  tls_session_cache() = default;
  ~tls_session_cache();
  tls_session_cache(const tls_session_cache&) = delete;
  tls_session_cache& operator=(const tls_session_cache&) = delete;

  /// Makes `ctx` hand new sessions to this cache (client-side caching, no internal store).
  void install(SSL_CTX* ctx);
  /// Before a handshake: offers the cached session (if any, still resumable) to `ssl`.
  static void offer(SSL* ssl);

 private:
  static int on_new_session(SSL* ssl, SSL_SESSION* s);
  std::mutex m_;
  SSL_SESSION* last_ = nullptr;  // one reference owned
};

}  // namespace openrouter::detail
