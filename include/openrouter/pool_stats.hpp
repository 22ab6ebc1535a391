#pragma once
// Connection-pool statistics a caller can read (client::pool_statistics()).

#include <cstdint>

namespace openrouter {

struct pool_stats {
  std::uint64_t connections_opened = 0;  ///< successful connects
  std::uint64_t connect_failures = 0;
  std::uint64_t tls_handshakes = 0;
  std::uint64_t tls_resumptions = 0;     ///< ... of which resumed a previous session (abbreviated)
  std::uint64_t reuses = 0;              ///< requests served by an idle keep-alive connection
  std::uint64_t waits = 0;               ///< acquisitions that had to queue
  std::uint64_t wait_timeouts = 0;       ///< ... and gave up (errc::pool_timeout)
  std::uint64_t evictions = 0;           ///< idle connections closed (expired, or closed by the server)
  /// ... of which the server had closed (FIN, reset, TLS close_notify), seen at checkout before
  /// a request was written on them: the request went on another connection, sent once.
  std::uint64_t stale_discards = 0;
  /// Requests re-sent (once, on a new connection) because writing them failed on a reused
  /// connection: the server never got the whole request. A failure after the request was
  /// written is never re-sent here; it surfaces as errc::connection_closed / connection_reset.
  std::uint64_t resends = 0;
  std::uint64_t in_use = 0;              ///< connections lent out now
  std::uint64_t idle = 0;                ///< connections parked now
};

}  // namespace openrouter
