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
  /// `password`: requirepass (AUTH needed); empty: none.
  explicit redis_server(std::string password = {});
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  void start();
  void stop() noexcept;
  std::uint16_t port() const noexcept { return port_; }
  /// "redis://127.0.0.1:PORT"
  std::string url() const;
  /// Runs one command with redis-cli (e.g. "ZCARD key") and returns its answer, trimmed: what
  /// the fleet left in Redis, seen from outside the library.
  std::string command(const std::string& args) const;

 private:
  std::string password_, dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace test
