#pragma once
// A loopback TCP proxy between a client and a server on 127.0.0.1 that delivers the server's
// bytes a few at a time (one send per piece, TCP_NODELAY) and can cut the connection after
// exactly K of them (FIN or RST): drives a client's readers through split deliveries and
// through a failure at every byte of a response. Serves one connection at a time on a thread
// of its own; stops in its destructor. Loopback only.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

namespace test {

class byte_proxy {
 public:
  explicit byte_proxy(std::uint16_t upstream_port);
  ~byte_proxy();
  byte_proxy(const byte_proxy&) = delete;
  byte_proxy& operator=(const byte_proxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }

  /// For the connections accepted from now on: the server's bytes go out `piece` at a time;
  /// after `cut_after` of them the client's connection is closed (reset when `reset`) and so is
  /// the server's.
  void configure(std::size_t piece, std::optional<std::size_t> cut_after, bool reset = false);
  /// Waits (at most 20 s) until every accepted connection is finished; false on timeout.
  bool wait_idle();
  /// Server-to-client bytes forwarded on the last finished connection.
  std::size_t last_forwarded();

 private:
  void run();
  void serve(int client);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t upstream_;
  std::mutex m_;
  std::condition_variable cv_;
  std::size_t piece_ = 1;
  std::optional<std::size_t> cut_after_;
  bool reset_ = false;
  bool busy_ = false;
  bool stop_ = false;
  std::size_t last_forwarded_ = 0;
  std::thread thread_;
};

}  // namespace test
