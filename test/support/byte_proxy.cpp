#include "byte_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace test {

namespace {

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void no_delay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

byte_proxy::byte_proxy(std::uint16_t upstream_port) : upstream_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(0);
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 16) != 0) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("byte_proxy: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { run(); });
}

byte_proxy::~byte_proxy() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  thread_.join();
  ::close(listen_fd_);
}

void byte_proxy::configure(std::size_t piece, std::optional<std::size_t> cut_after, bool reset) {
  std::lock_guard lock(m_);
  piece_ = std::max<std::size_t>(piece, 1);
  cut_after_ = cut_after;
  reset_ = reset;
}

bool byte_proxy::wait_idle() {
  std::unique_lock lock(m_);
  return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return !busy_; });
}

std::size_t byte_proxy::last_forwarded() {
  std::lock_guard lock(m_);
  return last_forwarded_;
}

void byte_proxy::run() {
  while (true) {
    {
      std::lock_guard lock(m_);
      if (stop_) return;
    }
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) != 1) continue;
    int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    {
      std::lock_guard lock(m_);
      busy_ = true;
    }
    serve(c);
    {
      std::lock_guard lock(m_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

void byte_proxy::serve(int c) {
  std::size_t piece;
  std::optional<std::size_t> cut;
  bool reset;
  {
    std::lock_guard lock(m_);
    piece = piece_;
    cut = cut_after_;
    reset = reset_;
  }
  int u = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = loopback(upstream_);
  if (u < 0 || ::connect(u, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    if (u >= 0) ::close(u);
    ::close(c);
    return;
  }
  no_delay(c);
  no_delay(u);
  std::size_t forwarded = 0;  // server -> client
  bool cut_now = false;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!cut_now && std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(m_);
      if (stop_) break;
    }
    pollfd p[2] = {{c, POLLIN, 0}, {u, POLLIN, 0}};
    if (::poll(p, 2, 50) < 0) break;
    bool closed = false;
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {  // client -> server, as it comes
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0 || ::send(u, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) closed = true;
    }
    if (!closed && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {  // server -> client, piece by piece
      std::size_t want = sizeof buf;
      if (cut) want = std::min(want, *cut - forwarded);
      if (want == 0) {
        cut_now = true;
        break;
      }
      ssize_t n = ::recv(u, buf, want, 0);
      if (n <= 0) closed = true;
      for (ssize_t off = 0; off < n && !closed;) {
        ssize_t w = ::send(c, buf + off, std::min<std::size_t>(piece, static_cast<std::size_t>(n - off)), MSG_NOSIGNAL);
        if (w <= 0) closed = true;
        else off += w, forwarded += static_cast<std::size_t>(w);
      }
      if (cut && forwarded >= *cut) cut_now = true;
    }
    if (closed) break;
  }
  if (cut_now && reset) {
    linger l{1, 0};  // close() sends a RST
    ::setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  ::close(c);
  ::close(u);
  std::lock_guard lock(m_);
  last_forwarded_ = forwarded;
}

}  // namespace test
