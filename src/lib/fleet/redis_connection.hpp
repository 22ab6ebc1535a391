#pragma once
// One connection to Redis driven by Asio: its socket (with TLS for rediss://, OpenSSL through
// asio::ssl, the certificate and host name verified), commands in RESP (resp.hpp) pipelined,
// replies parsed by hiredis's reader. No extra thread. Every call has a deadline; a call that
// misses it completes with errc::total_timeout and the connection is dropped (its late reply is
// ignored).
// Not thread-safe: use it on one strand. Private to src/lib/fleet.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::fleet {

/// A reply, copied out of hiredis's.
struct reply {
  enum class kind : std::uint8_t { nil, integer, string, status, error, array };
  kind k = kind::nil;
  long long integer = 0;
  std::string str;  ///< string, status, error
  std::vector<reply> elements;
};

/// Where and how to connect (from a redis:// URL).
struct endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string user;      ///< AUTH user (Redis 6 ACLs); empty: the default user
  std::string password;  ///< AUTH password; empty: no AUTH
  int db = 0;
  bool tls = false;      ///< rediss://: TLS, the server's certificate verified (system CAs, and ca_file)
  std::string ca_file;   ///< an extra CA (PEM file) for rediss://
};

/// redis://[user@]host[:port][/db] or rediss://... The password is never read from the URL
/// (it would show in process lists and logs): it comes from the caller (REDIS_PASSWORD).
endpoint parse_redis_url(std::string_view url, boost::system::error_code& ec, std::string& what);

class connection : public std::enable_shared_from_this<connection> {
 public:
  using done_fn = std::function<void(boost::system::error_code, reply)>;
  static std::shared_ptr<connection> create(boost::asio::any_io_executor ex, endpoint ep);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects, AUTHs and SELECTs within `deadline`; `done` gets the error and a reason.
  void connect(std::chrono::milliseconds deadline, std::function<void(boost::system::error_code, std::string)> done);
  /// One command, already in RESP (resp.hpp: resp_command); `done` within `deadline`, once.
  void command(const std::string& resp, std::chrono::milliseconds deadline, done_fn done);
  bool connected() const noexcept;
  /// Drops the connection: pending calls complete with errc::connection_closed.
  void close();

  struct impl;

 private:
  explicit connection(std::shared_ptr<impl> i) : impl_(std::move(i)) {}
  std::shared_ptr<impl> impl_;
};

}  // namespace openrouter::fleet
