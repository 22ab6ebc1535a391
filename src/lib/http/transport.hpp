#pragma once
// Request execution over the pool: one HTTP/1.1 exchange (over HTTP/1.1, or over an HTTP/2
// stream that speaks HTTP/1.1 bytes to it: h2_session.hpp) with per-phase deadlines, typed
// errors, response size limit, and the one hidden retry the design allows: a request whose
// WRITE failed on a reused keep-alive connection (the server never got all of it) is sent once
// more on a fresh connection. A request that was written is never sent again here - the
// server may have done (and billed) the work before the connection died; that failure surfaces
// as errc::connection_closed / connection_reset and the router decides, visibly. The HTTP/2
// counterpart: a stream the server refused unprocessed (REFUSED_STREAM, GOAWAY) is sent once
// more; any other stream failure surfaces (errc::stream_reset...). Idle
// connections the server closed are discarded at checkout (pool), before anything is written.
// Everything else about retrying belongs to the router.

#include "connection.hpp"
#include "exchange.hpp"
#include "exchange_runner.hpp"
#include "origin.hpp"
#include "pool.hpp"
#include "tls_session.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include <memory>

#include <optional>
#include <string>

namespace openrouter::detail {

/// One request, described by named fields: http_request{.method = post, .target = "/x",
/// .body = json, .event_stream = true}.
struct http_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target{};  ///< relative to the base path, e.g. "/models?category=programming"
  std::string body{};    ///< JSON (or `content_type`); empty for GET
  bool event_stream = false;  ///< Accept: text/event-stream
  /// Accept-Encoding: gzip. Worth it for the large look-ups (the catalog shrinks about 10x);
  /// not for chat completions, whose small bodies would pay CPU on the hot path.
  bool accept_gzip = false;
  /// Authorization with client_config::management_key (when set) instead of api_key.
  bool management = false;
  /// Content-Type of `body`; empty: application/json. Must not hold CR/LF (callers build it).
  std::string content_type{};
  /// Accept (a string literal); empty: application/json (text/event-stream with event_stream).
  std::string_view accept{};
};

/// A response whose body is read incrementally by the caller (streaming): the connection and
/// the exchange positioned after the headers (the caller calls x->read_pieces(), then drives it
/// with drive()).
struct stream_lease {
  std::unique_ptr<connection> conn;
  std::unique_ptr<exchange> x;
};

class transport {
 public:
  /// Throws std::invalid_argument for an unusable configuration (base URL, header values
  /// with CR/LF, unreadable CA file, an API key that would go over http:// to a host that is
  /// not loopback without client_config::allow_plaintext_key).
  transport(const boost::asio::any_io_executor& ex, const client_config& cfg);

  /// One request, the full body read (bounded by max_response_bytes). HTTP error statuses are
  /// not errors here: the caller maps them. Fills diag's headers-derived fields.
  boost::asio::awaitable<http_response> execute(const http_request& req, const deadlines& dl,
                                                diagnostics& diag, boost::system::error_code& ec);

  /// Sends `req` and reads the response headers (within timeouts.response_headers). When the
  /// status is 2xx and the content type is text/event-stream, `lease` holds the connection and
  /// the exchange for the caller to read the body and give back with release(); otherwise the
  /// whole body is read into `res.body` and the connection is already back in the pool. Same
  /// re-send rule as execute().
  boost::asio::awaitable<void> open_stream(const http_request& req, const deadlines& dl, diagnostics& diag,
                                           boost::system::error_code& ec, http_response& res, stream_lease& lease);
  /// Gives back a connection obtained through open_stream(): parked for reuse when `reusable`
  /// (the body was read to its end), else closed.
  void release(std::unique_ptr<connection> c, bool reusable);

  /// Opens up to `n` connections within the pool limits and parks them idle; returns how many
  /// were opened (stops at the first failure, reported in ec).
  boost::asio::awaitable<std::size_t> warmup(std::size_t n, const deadlines& dl, diagnostics& diag,
                                             boost::system::error_code& ec);

  /// The configured waits of an exchange's phases (a stream's reader drives its body with them).
  phase_timeouts phases() const noexcept;

  pool_stats stats() const { return pool_.stats(); }
  const origin& target() const noexcept { return origin_; }
  /// The proxy connections go through (select_proxy() at construction), null when direct.
  const proxy_endpoint* proxy() const noexcept { return proxy_ ? &*proxy_ : nullptr; }
  const client_config& config() const noexcept { return cfg_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

 private:
  /// A pooled connection (reused), or a new one connected within the deadlines; on failure
  /// `ec` is set (pool_timeout, connect errors; total_timeout when the total deadline binds).
  struct acquired {
    std::unique_ptr<connection> conn;
    bool reused = false;
  };
  boost::asio::awaitable<acquired> acquire(const deadlines& dl, bool fresh, diagnostics& diag,
                                           boost::system::error_code& ec);
  /// The one hidden retry: a request whose write failed (connection closed or reset) on a
  /// reused connection is re-sent once - the server provably never read all of it. Returns true
  /// after closing the dead connection when that is the case.
  bool resend_after(const boost::system::error_code& ec, bool reused, bool write_failed,
                    std::unique_ptr<connection>& conn);

  /// Whether a connection just opened speaks HTTP/2 (ALPN h2, or h2c when asked for).
  bool speaks_h2(connection& c) const noexcept;
  /// Starts an HTTP/2 session on `c`; null (ec: out_of_resources) when it cannot.
  std::shared_ptr<h2::session> start_h2(std::unique_ptr<connection> c, diagnostics& diag,
                                        boost::system::error_code& ec);
  /// The configured limits of an exchange of `req`.
  exchange::limits limits_for(const http_request& req) const noexcept;
  /// Connects `c` to the origin (through the proxy when there is one); a failure's detail
  /// notes the default base URL when it is the one in use.
  boost::asio::awaitable<void> connect(connection& c, std::chrono::steady_clock::time_point deadline,
                                       diagnostics& diag, boost::system::error_code& ec);
  std::string head(const http_request& req) const;
  void log(logger::level lvl, const std::string& msg) const;

  boost::asio::any_io_executor executor_;
  client_config cfg_;
  origin origin_;
  std::optional<proxy_endpoint> proxy_;  ///< the HTTPS proxy connections go through, if any
  tls_session_cache sessions_;  // before ssl_: the context points at it
  std::optional<boost::asio::ssl::context> ssl_;
  pool pool_;
  std::string fixed_headers_;  ///< Host, Authorization, User-Agent, attribution, extras
  std::string management_headers_;  ///< the same with the management key (when one is set)
};

/// Whether `host` (as in a base URL, IPv6 without brackets) is loopback: "localhost", an
/// address in 127.0.0.0/8 (also IPv4-mapped) or ::1. Only those may get the key over http://.
bool is_loopback_host(std::string_view host);

}  // namespace openrouter::detail
