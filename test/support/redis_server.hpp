#pragma once
// A real redis-server (the Debian package) started by a test on a free loopback port with a
// temporary directory, no persistence, and stopped (killed and reaped) by stop() or the
// destructor; the child dies with the test process too (PR_SET_PDEATHSIG). start() again
// restarts it on the same port (an outage, then recovery). A missing binary throws naming the
// package.

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace test {

class redis_server {
 public:
  enum class transport { plain, tls };
  /// `password`: requirepass (AUTH needed); empty: none. transport::tls: TLS only (no plain
  /// port), with a certificate for 127.0.0.1 from a CA of the test's own (ca_file()).
  explicit redis_server(std::string password = {}, transport t = transport::plain);
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  void start();
  void stop() noexcept;
  std::uint16_t port() const noexcept { return port_; }
  /// "redis://127.0.0.1:PORT" ("rediss://..." with TLS)
  std::string url() const;
  /// The CA (PEM file) that signed a TLS server's certificate; empty without TLS.
  std::string ca_file() const { return tls_ ? dir_ + "/ca.pem" : std::string(); }
  /// Runs one command with redis-cli (e.g. "ZCARD key") and returns its answer, trimmed: what
  /// the fleet left in Redis, seen from outside the library.
  std::string command(const std::string& args) const;

 private:
  std::string password_, dir_;
  bool tls_ = false;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace test
