#pragma once
// Request execution over the pool: one HTTP/1.1 exchange with per-phase deadlines, typed
// errors, response size limit, and the one hidden retry the design allows: a request whose
// WRITE failed on a reused keep-alive connection (the server never got all of it) is sent once
// more on a fresh connection. A request that was written is never sent again here - the
// server may have done (and billed) the work before the connection died; that failure surfaces
// as errc::connection_closed / connection_reset and the router decides, visibly. Idle
// connections the server closed are discarded at checkout (pool), before anything is written.
// Everything else about retrying belongs to the router.

#include "connection.hpp"
#include "origin.hpp"
#include "pool.hpp"
#include "tls_session.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/verb.hpp>

#include <memory>

#include <optional>
#include <string>

namespace openrouter::detail {

struct http_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  ///< relative to the base path, e.g. "/models?category=programming"
  std::string body;    ///< JSON; empty for GET
  bool event_stream = false;  ///< Accept: text/event-stream
  /// Accept-Encoding: gzip. Worth it for the large look-ups (the catalog shrinks about 10x);
  /// not for chat completions, whose small bodies would pay CPU on the hot path.
  bool accept_gzip = false;
  /// Authorization with client_config::management_key (when set) instead of api_key.
  bool management = false;
};

struct http_response {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

/// Deadlines of one operation, fixed when it starts.
struct deadlines {
  std::chrono::steady_clock::time_point total;  ///< max() when there is none
  static deadlines start(const timeouts& t);
  /// The earlier of now + `phase` and the total deadline; `total_binds` says which one it is.
  std::chrono::steady_clock::time_point phase(std::chrono::milliseconds phase, bool& total_binds) const;
};

/// A response whose body is read incrementally by the caller (streaming): the connection and
/// the parser positioned after the headers.
struct stream_lease {
  std::unique_ptr<connection> conn;
  std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::buffer_body>> parser;
  bool keep_alive = false;
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
  /// the parser for the caller to read the body and give back with release(); otherwise the
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

  pool_stats stats() const { return pool_.stats(); }
  const origin& target() const noexcept { return origin_; }
  /// The proxy connections go through (select_proxy() at construction), null when direct.
  const proxy_endpoint* proxy() const noexcept { return proxy_ ? &*proxy_ : nullptr; }
  const client_config& config() const noexcept { return cfg_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

 private:
  template <class Stream>
  boost::asio::awaitable<void> exchange(Stream& s, connection& c, const http_request& req, const deadlines& dl,
                                        http_response& out, diagnostics& diag, boost::system::error_code& ec,
                                        bool& write_failed, bool& keep_alive);
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

  template <class Stream>
  boost::asio::awaitable<void> stream_exchange(Stream& s, connection& c, const http_request& req, const deadlines& dl,
                                               http_response& out, stream_lease& lease, diagnostics& diag,
                                               boost::system::error_code& ec, bool& write_failed);
  /// Writes the request (head and body) within the idle deadline; sets `ec` on failure.
  template <class Stream>
  boost::asio::awaitable<void> write_request(Stream& s, connection& c, const http_request& req, const deadlines& dl,
                                             diagnostics& diag, boost::system::error_code& ec);
  /// diag.detail of a failed write or read on `c`: the phase, the peer, the system's reason
  /// (`e`), and for the response head of an http:// origin a hint when the server speaks TLS.
  void io_detail(const char* phase, connection& c, const boost::system::error_code& e,
                 const boost::system::error_code& ec, bool headers, diagnostics& diag) const;
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

/// Maps a lower-level failure (Asio, Beast, OpenSSL) to openrouter::errc; `total_binds` turns a
/// timeout into errc::total_timeout, else into `phase_timeout`.
boost::system::error_code map_io_error(const boost::system::error_code& ec, bool total_binds, errc phase_timeout);

}  // namespace openrouter::detail
