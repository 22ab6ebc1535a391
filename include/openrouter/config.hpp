#pragma once
// client_config: everything a client is configured with, as a plain aggregate with documented
// defaults. `client_config::from_env()` fills what the environment provides.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter {

/// A dependency-free logger: the client calls `sink` for records at or above `min_level`.
/// Records never contain the API key or request bodies.
struct logger {
  enum class level { debug, info, warning, error };
  level min_level = level::warning;
  std::function<void(level, std::string_view)> sink;  ///< empty: no logging
};

struct timeouts {
  /// Resolve + TCP connect + TLS handshake of a new connection.
  std::chrono::milliseconds connect{std::chrono::seconds(10)};
  /// From the request being written to the response headers. Non-streaming completions only
  /// send headers once the model has finished, so this is generous by default.
  std::chrono::milliseconds response_headers{std::chrono::minutes(10)};
  /// Longest silence between two reads of a response body (streams: between events, including
  /// OpenRouter's keep-alive comments).
  std::chrono::milliseconds read_idle{std::chrono::seconds(90)};
  /// The whole operation, pool wait included; zero means no overall deadline.
  std::chrono::milliseconds total{0};
};

struct pool_options {
  std::size_t max_connections = 256;  ///< across all origins
  std::size_t max_per_origin = 256;   ///< per scheme+host+port
  /// How long a request waits (FIFO) for a connection when the limits are reached.
  std::chrono::milliseconds acquire_timeout{std::chrono::seconds(30)};
  /// Idle keep-alive connections older than this are closed rather than reused.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(50)};
};

struct tls_options {
  bool use_system_store = true;  ///< trust the system's CA certificates
  std::string ca_file;           ///< an extra CA (PEM file), e.g. openrouter-mock's
  std::string ca_pem;            ///< an extra CA given in memory
  /// Offer the last session ticket on new connections (an abbreviated handshake). The peer's
  /// certificate was verified when the session was made.
  bool session_resumption = true;
  // There is deliberately no way to turn verification off.
};

/// Which remote (http/https) assets a request may reference, and how the client fetches one
/// itself (client::async_fetch_asset). data: URLs are always allowed. Private and loopback
/// addresses are refused by default because a fetch must not reach the caller's own network
/// (SSRF); link-local, cloud metadata, unspecified and multicast addresses are always refused.
struct remote_asset_options {
  /// Hosts that image_url.url / file.file_data may name, compared exactly and
  /// case-insensitively after trimming. Empty: only data: URLs pass.
  std::vector<std::string> allowed_hosts;
  bool allow_loopback = false;  ///< 127.0.0.0/8, ::1 (tests)
  bool allow_private = false;   ///< 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10
  bool allow_http = false;      ///< fetch plain http:// (https:// always verifies the peer)
  std::size_t max_bytes = 20u << 20;  ///< larger assets fail with errc::asset_too_large
  unsigned max_redirects = 3;         ///< each target must be allowlisted and pass the address checks
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  ///< the whole fetch, redirects included
  /// Fetch through the HTTPS proxy (client_config::proxy) when one applies to the asset's host.
  /// Off: such a fetch fails with errc::remote_asset_proxy_refused, because the proxy resolves
  /// the name and the private/loopback/metadata address screening cannot happen (only the
  /// host allowlist still does).
  bool allow_proxy = false;
};

/// The HTTPS proxy (HTTP CONNECT, then TLS to the origin through the tunnel with the origin's
/// name verified as without a proxy). Only https:// base URLs go through a proxy: the API key
/// travels only inside the origin's TLS, never to or through a proxy in clear text, so an
/// http:// base URL (a local server) always connects directly. See the README, "Proxies".
struct proxy_options {
  /// "http://[user:password@]host[:port]" (port 1080 when none is given). The user and
  /// password (percent-encoded in the URL) go to the proxy only, as Proxy-Authorization:
  /// Basic; they are never logged nor in diagnostics. Empty: https_proxy / HTTPS_PROXY from
  /// the environment, which never applies to a loopback origin (127.0.0.0/8, ::1, localhost).
  std::string url;
  /// Hosts that bypass the proxy, curl's NO_PROXY syntax: comma-separated domain suffixes,
  /// "*", IP addresses and CIDR ranges. Empty: no_proxy / NO_PROXY from the environment.
  std::string no_proxy;
  /// No proxy at all, whatever `url` and the environment say (CLI: --no-proxy).
  bool disabled = false;
};

// --- HTTP/2 (issue 14) ----------------------------------------------------------------------
/// Which HTTP version the client speaks (client_config::http_version).
enum class http_version {
  /// https://: offer "h2, http/1.1" by ALPN and speak whichever the server picks; http://:
  /// HTTP/1.1.
  automatic,
  http1,  ///< HTTP/1.1 only (no ALPN offer)
  /// https://: as automatic (a server that does not pick h2 still gets HTTP/1.1); http://: h2c
  /// with prior knowledge (the server must speak HTTP/2 in clear text).
  http2,
};

/// HTTP/2 connection settings (client_config::http2).
struct http2_options {
  /// The per-stream receive window: what one stream may hold unread before the server must
  /// wait for its consumer. It bounds the memory of a slow consumer.
  std::uint32_t stream_window = 256u << 10;
  /// The connection's receive window (shared by its streams): large, so a fast stream is never
  /// throttled by a slow consumer on another stream.
  std::uint32_t connection_window = 64u << 20;
  /// Streams one connection carries at most, whatever the server allows
  /// (SETTINGS_MAX_CONCURRENT_STREAMS); more open another connection within the pool limits.
  std::size_t max_streams_per_connection = 100;
  /// A connection with streams open on which nothing has arrived for this long is sent a PING:
  /// it keeps NATs and the server's idle timers from dropping a quiet stream's connection, and
  /// proves the peer alive. 0: never.
  std::chrono::milliseconds ping_interval{std::chrono::seconds(30)};
  /// No answer to that PING (nor any other frame) within this long: the connection is dead, its
  /// streams fail with errc::connection_closed (the detail says so) and the pool drops it.
  ///
  /// A request given up on (a timeout, a cancellation) while nothing at all has arrived on its
  /// connection since it was sent makes the connection suspect, whatever ping_interval says: it
  /// takes no new stream until a frame arrives, and a PING goes out at once, with this timeout.
  /// So the retry of a request that timed out on a dead connection goes out on another one.
  /// Keep it positive: 0 turns that suspicion off, and a PING sent on ping_interval would find
  /// its connection dead at once.
  std::chrono::milliseconds ping_timeout{std::chrono::seconds(10)};
  /// Whether connections without streams are kept alive too: pinged every ping_interval, and
  /// closed (GOAWAY) by the client after pool.idle_timeout. Off by default: an idle connection
  /// then rests with no I/O pending, so io_context::run() returns once the caller's work is
  /// done, as over HTTP/1.1; the pool expires it at its next use, and a connection the server
  /// closed while it rested is noticed before a request goes out on it (the request then goes
  /// out once, on another connection). On (a long-running server): run() returns only after
  /// idle_timeout, or once the client is destroyed.
  bool ping_idle = false;
};
// --- end HTTP/2 ------------------------------------------------------------------------------

struct client_config {
  /// "https://openrouter.ai/api/v1" by default; any OpenAI-compatible base URL works,
  /// http:// included (local vLLM / llama.cpp servers).
  std::string base_url = "https://openrouter.ai/api/v1";
  /// Sent only as "Authorization: Bearer <key>". Never logged, never in an error message.
  /// Never sent in clear text: with an http:// base URL whose host is not loopback
  /// (127.0.0.0/8, ::1, "localhost") the client constructor throws std::invalid_argument
  /// naming the host, unless allow_plaintext_key is set.
  std::string api_key;
  /// Send api_key over plain http:// to a host that is not loopback (a trusted local network
  /// server). Off: a typo in OPENROUTER_BASE_URL must not leak the key. CLI: --allow-plaintext-key.
  bool allow_plaintext_key = false;
  /// The management (provisioning) key, sent instead of api_key on the account operations
  /// that need one (GET /credits, GET /activity). Empty: those send api_key too. Same rules as
  /// api_key: never logged, never in clear text to a host that is not loopback.
  std::string management_key;
  std::string site_url;  ///< HTTP-Referer (app attribution), sent only when set
  std::string app_name;  ///< X-OpenRouter-Title, sent only when set
  bool send_legacy_title = false;  ///< also send the legacy X-Title
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::string user_agent;  ///< empty: "openrouter-cpp/<version>"

  timeouts timeout;
  pool_options pool;
  tls_options tls;
  /// Responses larger than this fail with errc::response_too_large (Beast's 8 MB default
  /// would cut a large catalog).
  std::size_t max_response_bytes = 64u << 20;
  /// Data of one server-sent event of a stream (one chunk; a generated image arrives as one);
  /// larger fails with errc::bad_sse.
  std::size_t max_stream_event_bytes = 32u << 20;
  /// Body bytes of one whole stream (events, comments, keep-alives): more fails the stream
  /// with errc::response_too_large (the chunks before it are delivered first).
  std::size_t max_stream_bytes = 128u << 20;
  // Fixed limits whatever the server sends (not configurable): response headers 64 KiB; one
  // connection's read buffer 128 KiB, which also bounds a chunk-size line with its extensions
  // and a chunked trailer (more fails with errc::response_too_large); an SSE comment, `event`
  // or `id` field 64 KiB (errc::bad_sse).
  logger log;
  // --- HTTP/2 (issue 14)
  /// automatic: h2 when the server picks it by ALPN (https:// only), else HTTP/1.1.
  openrouter::http_version http_version = openrouter::http_version::automatic;
  http2_options http2;
  // ---
  remote_asset_options remote_assets;
  proxy_options proxy;

  /// Defaults overridden by OPENROUTER_API_KEY, OPENROUTER_MANAGEMENT_KEY, OPENROUTER_BASE_URL, OPENROUTER_SITE_URL,
  /// OPENROUTER_APP_NAME and OPENROUTER_CA_FILE when they are set and non-empty, and
  /// remote_assets.allowed_hosts by OPENROUTER_ALLOWED_REMOTE_ASSET_HOSTS (comma-separated).
  static client_config from_env();
};

}  // namespace openrouter
