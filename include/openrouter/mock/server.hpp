#pragma once
// openrouter-mock as a library: a faithful local OpenRouter server that tests (ours and our
// users') start in-process on an ephemeral loopback port. The standalone `openrouter-mock`
// executable is a thin command line over this header.
//
// The server runs on the executor it is given (`server`) or on a thread of its own
// (`background_server`). Every public member is safe to call from any thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::mock {

/// The largest catalog the mock generates (server_options::catalog_size).
inline constexpr std::size_t max_catalog_size = 100'000;

struct server_options {
  std::string host = "127.0.0.1";  ///< loopback only unless you know better
  std::uint16_t port = 0;          ///< 0 picks a free port
  bool tls = true;                 ///< HTTPS (default) or plain HTTP

  /// PEM files for the server certificate and key. Empty: a CA and a certificate for
  /// localhost/127.0.0.1/::1 are generated at start.
  std::string cert_file, key_file;

  std::uint64_t seed = 1;  ///< catalog, generated text and fault rates derive from it
  std::size_t catalog_size = 320;  ///< at most max_catalog_size

  /// Empty: any non-empty Bearer key is accepted. Otherwise only this key.
  std::string api_key;
  /// The management key: the only key the key-management routes (/keys) accept, and the one
  /// GET /key reports as is_management_key. Empty: no key is a management key.
  std::string management_key;

  /// Presets, by slug: each a config {"model": ..., parameters..., "system_prompt": ...} that a
  /// chat request naming model "@preset/SLUG" resolves to (its own parameters win). POST
  /// /presets/{slug}/chat/completions adds or re-versions presets at run time.
  std::map<std::string, boost::json::object> presets;

  /// Fault and pacing scenario (see README "Scenario format"); null means none.
  boost::json::value scenario;

  /// How long /generation?id= answers 404 after a completion, as the real one lags.
  std::chrono::milliseconds generation_delay{0};

  // Limits (README "openrouter-mock", "Limits"): whatever a client sends, the mock stays up
  // and keeps serving its other clients. Every limit is per server.

  /// Open connections at most; a connection accepted beyond it is closed at once, unanswered
  /// (counted in server_stats::connections_refused). 0: no limit.
  std::size_t max_connections = 16384;
  /// A request's header must be complete this long after its first byte arrived; on a new
  /// connection the clock starts at accept (and covers the TLS handshake). A slow client
  /// (slowloris) is cut off here.
  std::chrono::milliseconds header_timeout{30'000};
  /// A keep-alive connection waits this long for the first byte of its next request.
  std::chrono::milliseconds idle_timeout{300'000};
  /// A request's body must be complete this long after its header.
  std::chrono::milliseconds body_timeout{60'000};
  /// Each write of a response must finish within this (a client that stops reading). Scripted
  /// pacing (stalls, token gaps) is not counted against any of these deadlines.
  std::chrono::milliseconds write_timeout{60'000};
  std::size_t max_header_bytes = 64u << 10;  ///< a larger request header gets 431
  std::size_t max_request_body = 64u << 20;  ///< larger requests get 413
  /// Fault counters and rate-limit windows kept per fault rule (a scenario rule, or each
  /// distinct "fault/..." model name); beyond it the least recently used is forgotten.
  std::size_t max_fault_rules = 4096;
  /// The last N POST /chat/completions requests kept for server::chat_log() (when each
  /// arrived, its model, the status answered): what a test of a client's pacing reads. 0: none.
  std::size_t chat_log_size = 0;

  // --- HTTP/2 (issue 14) ----------------------------------------------------------------------
  /// Serve HTTP/2 as well: "h2" offered by ALPN on the TLS listener, h2c with prior knowledge on
  /// plain HTTP. Off: HTTP/1.1 only (ALPN picks "http/1.1"). The same handlers and scenario
  /// faults either way; over h2 a TCP reset fault (`reset`, mid-body or mid-stream) resets the
  /// stream (RST_STREAM(INTERNAL_ERROR)) and leaves the connection to its other streams.
  bool http2 = false;
  /// HTTP/2 connection faults (per connection).
  struct http2_faults {
    std::uint32_t max_concurrent_streams = 100;  ///< SETTINGS_MAX_CONCURRENT_STREAMS
    /// SETTINGS_INITIAL_WINDOW_SIZE: how much a client may send per stream before the mock
    /// reads it (a tiny window makes request bodies crawl in WINDOW_UPDATE steps).
    std::uint32_t initial_window_size = 65535;
    /// After this many streams a connection sends GOAWAY (last stream id: the N-th) and ends once
    /// they are done; later streams are refused unprocessed. 0: never.
    std::size_t goaway_after_streams = 0;
    /// The first N streams of each connection are reset with REFUSED_STREAM, unprocessed.
    std::size_t refuse_first_streams = 0;
    /// false: PING frames are never answered (a peer that went silent, for clients' PING timeouts).
    bool answer_pings = true;
    /// Every response's header block is padded with `x-pad` fields to at least this many bytes
    /// (a header flood, for clients' limits on a response head). 0: none.
    std::size_t response_header_bytes = 0;
  } h2;
  // --- end HTTP/2 ---------------------------------------------------------------------------------
};

/// What the mock recorded about one completion (also served by /generation?id=).
struct generation_record {
  std::string id;
  std::string requested_model;  ///< `model` as sent (or the first of `models`)
  std::string model;            ///< the model that served
  std::string provider;         ///< provider display name
  bool streamed = false;
  bool cancelled = false;  ///< the client went away before the stream ended
  std::string finish_reason;
  std::int64_t prompt_tokens = 0, completion_tokens = 0;
  double cost = 0;
  int file_parses = 0;  ///< PDFs parsed for this request (0 when annotations were reused)
  std::string completion_text;  ///< the generated content (GET /generation/content)
  std::map<std::string, std::string> headers;  ///< attribution headers, lower-case names
  boost::json::value request;                  ///< the request body as received
  std::chrono::system_clock::time_point created;
};

/// One POST /chat/completions as the mock received and answered it (server::chat_log()).
struct chat_log_entry {
  std::chrono::steady_clock::time_point received;  ///< its header and body read whole
  std::string model;    ///< `model` as sent (or the first of `models`); "" when unreadable
  unsigned status = 0;  ///< the status answered (200 for a stream, whatever happens in it)
};

struct server_stats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_open = 0;
  std::uint64_t requests = 0;
  std::uint64_t tls_handshakes = 0;
  std::uint64_t streams_open = 0;
  std::uint64_t gzip_responses = 0;  ///< bodies sent gzip-encoded (Accept-Encoding: gzip)
  std::uint64_t peer_closed_during_stall = 0;  ///< stalls cut short because the client hung up
  std::uint64_t connections_refused = 0;  ///< closed unanswered at accept: max_connections reached
  std::uint64_t connections_timed_out = 0;  ///< closed by header, idle, body or write deadline
  std::uint64_t connection_errors = 0;  ///< connections ended by an unexpected exception (logged)
  std::uint64_t fault_rules_tracked = 0;  ///< per-rule fault state kept (at most max_fault_rules)
  /// POST /chat/completions requests read whole (header and body), whatever the answer: what an
  /// upstream would bill or at least see. Tests compare it with the attempts a client reports.
  std::uint64_t chat_requests = 0;
  std::uint64_t h2_connections = 0;  ///< connections that spoke HTTP/2 (ALPN h2 or h2c)
  std::uint64_t h2_streams = 0;      ///< HTTP/2 streams answered (refused ones not counted)
  std::uint64_t h2_refused_streams = 0;  ///< streams reset with REFUSED_STREAM (fault or after GOAWAY)
  std::uint64_t h2_pings = 0;  ///< PING frames received (not ACKs)
};

class server {
 public:
  /// Loads or generates certificates and the catalog; throws std::runtime_error on bad
  /// options (unreadable PEM, invalid scenario, a zero deadline, a catalog_size beyond
  /// max_catalog_size, max_header_bytes below 1 KiB).
  server(boost::asio::any_io_executor ex, server_options opts);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts accepting. Throws boost::system::system_error if it cannot bind.
  void start();
  /// Stops accepting and closes every connection. Idempotent.
  void stop();

  std::uint16_t port() const;
  /// "https://127.0.0.1:PORT/api/v1" (or http://)
  std::string base_url() const;
  /// The CA certificate (PEM) that clients must trust; empty for plain HTTP or given certs.
  std::string ca_pem() const;

  /// Replaces the scenario for requests that start from now on (throws if invalid).
  void set_scenario(boost::json::value scenario);

  std::vector<generation_record> generations() const;
  std::optional<generation_record> generation(std::string_view id) const;
  server_stats stats() const;
  /// The last server_options::chat_log_size chat requests, oldest first.
  std::vector<chat_log_entry> chat_log() const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

/// A server on a thread of its own: started by the constructor, stopped by the destructor.
class background_server {
 public:
  explicit background_server(server_options opts = {});
  ~background_server();
  background_server(const background_server&) = delete;
  background_server& operator=(const background_server&) = delete;

  server& get() noexcept;
  server* operator->() noexcept { return &get(); }

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace openrouter::mock
