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
  std::uint64_t waits = 0;  ///< acquisitions queued by the limits (not those awaiting an h2 probe)
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
  // --- HTTP/2 (issue 14): an HTTP/2 connection holds one pool slot and carries many streams;
  // in_use, idle and reuses count HTTP/1.1 connections only.
  std::uint64_t h2_connections_opened = 0;  ///< ... of connections_opened: spoke HTTP/2 (ALPN h2, or h2c)
  std::uint64_t h2_connections = 0;         ///< HTTP/2 connections open now
  std::uint64_t h2_streams = 0;             ///< streams open on them now
  std::uint64_t h2_streams_opened = 0;      ///< streams opened in all
  std::uint64_t h2_max_streams_per_connection = 0;  ///< the most streams one connection carried at once
  /// Requests re-sent once because the server refused their stream unprocessed
  /// (RST_STREAM(REFUSED_STREAM), or above a GOAWAY's last stream id); also counted in resends.
  std::uint64_t h2_refused_resends = 0;
};

}  // namespace openrouter
