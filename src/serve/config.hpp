#pragma once
// The gateway's configuration (`openrouter serve --config FILE`): where it listens, its limits,
// and the callers it serves (gateway tokens, stored as SHA-256 hashes, each with its own budget,
// rate limit, allowed models and CORS origins). Sans-I/O: parse_config validates a JSON value
// and names the offending field in its error.

#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::serve {

/// A caller of the gateway. The token itself is never stored: only its SHA-256 (hex).
struct token_config {
  std::string name;        ///< for logs and metrics (never the token)
  std::string sha256_hex;  ///< 64 lower-case hex digits
  std::optional<double> budget_usd;  ///< spend cap (sum of usage.cost); none: unlimited
  double requests_per_minute = 0;    ///< 0: unlimited
  std::vector<std::string> allowed_models;  ///< exact ids or "prefix/*"; empty: every model
  std::vector<std::string> cors_origins;    ///< exact origins or "*"; empty: no CORS
};

struct gateway_config {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8080;  ///< 0: a free port
  unsigned threads = 1;
  std::size_t max_body_bytes = 4u << 20;     ///< larger request bodies: 413
  std::size_t max_header_bytes = 16u << 10;  ///< larger request headers: 431
  std::size_t max_connections = 10'000;      ///< beyond: closed at accept
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};   ///< keep-alive wait for a request
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};   ///< a request's header and body
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};  ///< each write to the caller
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(30)};  ///< SIGTERM: in-flight deadline
  std::string access_log;  ///< JSONL file; empty: none
  /// TLS termination: PEM certificate chain and private key. Both set: the gateway serves HTTPS
  /// only; both empty: plain HTTP.
  std::string cert_file, key_file;
  /// A new TLS connection must complete its handshake within this (a caller that connects and
  /// sends nothing is dropped).
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  /// GET /api/openrouter/generation/:id polls upstream while it answers 404 (a fresh generation's
  /// record lags its completion) for at most this long, then answers 404.
  std::chrono::milliseconds generation_wait{std::chrono::seconds(10)};
  /// The web console at / (src/serve/console.hpp); false: those paths are 404s.
  bool console = true;
  std::vector<token_config> tokens;
};

/// A configuration error; what() is "FIELD: problem", e.g. "tokens[1].budget_usd: must be a
/// non-negative number".
struct config_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// Validates and reads a configuration (every key optional; unknown keys are errors):
///   {"listen": "127.0.0.1", "port": 8080, "threads": 1, "max_body_bytes": 4194304,
///    "max_header_bytes": 16384, "max_connections": 10000, "idle_timeout_ms": 60000,
///    "read_timeout_ms": 30000, "write_timeout_ms": 30000, "drain_timeout_ms": 30000,
///    "access_log": "access.jsonl", "cert_file": "cert.pem", "key_file": "key.pem",
///    "handshake_timeout_ms": 10000, "generation_wait_ms": 10000, "console": true,
///    "tokens": [{"name": "team-a", "sha256": "<64 hex>", "budget_usd": 5,
///                "requests_per_minute": 60, "allowed_models": ["openai/*"],
///                "cors_origins": ["https://app.example.com"]}]}
/// cert_file and key_file go together. Throws config_error.
gateway_config parse_config(const boost::json::value& v);
/// Throws config_error when only one of cert_file and key_file is set.
void check_tls_files(const gateway_config& c);
/// Reads and parses a file (config_error naming the file when it cannot be read or parsed).
gateway_config load_config_file(const std::string& path);

/// SHA-256 of `text`, 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

/// Whether `model` matches one of `patterns` (exact, or "prefix*"). An empty list allows all.
bool model_allowed(const std::vector<std::string>& patterns, std::string_view model);

}  // namespace openrouter::serve
