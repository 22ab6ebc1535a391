// The connection's own TLS stream (src/lib/http/tls_stream): OpenSSL reading the socket through
// a custom BIO. Against a blocking OpenSSL server on a thread (no Asio on that side), sometimes
// behind a proxy that forwards a few bytes at a time, so that TLS records arrive split at
// arbitrary points.
#include "http/connection.hpp"
#include "http/tls_stream.hpp"
#include "http/transport.hpp"

#include "../../src/mock/tls.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <chrono>
#include <functional>
#include <random>
#include <stdexcept>
#include <thread>

namespace asio = boost::asio;
using boost::system::error_code;
using openrouter::detail::connection;
using openrouter::detail::origin;
using namespace std::chrono_literals;

namespace {

const openrouter::mock::tls_material& material() {
  static const auto m = openrouter::mock::generate_tls_material();
  return m;
}

// A listening loopback socket (blocking), closed on destruction.
struct listener {
  int fd = -1;
  std::uint16_t port = 0;
  explicit listener(const char* ip) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4) != 0)
      throw std::runtime_error(std::string("cannot listen on ") + ip);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~listener() { ::close(fd); }
  // Waits up to 20 s for a connection; -1 if none came.
  int accept() const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20000) != 1) return -1;
    return ::accept(fd, nullptr, nullptr);
  }
};

int connect_to(const char* ip, std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A TLS server for one connection, run by `script` on a thread of its own. Blocking OpenSSL on
// a socket with 20 s timeouts, so that a test that goes wrong fails instead of hanging.
class tls_server {
 public:
  using script = std::function<void(SSL*, int fd)>;
  tls_server(const char* ip, script s) : listen_(ip) {
    ::signal(SIGPIPE, SIG_IGN);  // OpenSSL's socket BIO writes with write(): a closed peer is EPIPE
    ctx_ = SSL_CTX_new(TLS_server_method());
    BIO* cb = BIO_new_mem_buf(material().cert_pem.data(), static_cast<int>(material().cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO_free(cb);
    BIO* kb = BIO_new_mem_buf(material().key_pem.data(), static_cast<int>(material().key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    SSL_CTX_use_certificate(ctx_, cert);
    SSL_CTX_use_PrivateKey(ctx_, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    thread_ = std::thread([this, s = std::move(s)] {
      int fd = listen_.accept();
      if (fd < 0) return;
      timeval tv{20, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        handshaken = true;
        s(ssl, fd);
      }
      SSL_free(ssl);
      ::close(fd);
      done = true;
    });
  }
  ~tls_server() {
    if (thread_.joinable()) thread_.join();
    SSL_CTX_free(ctx_);
  }
  std::uint16_t port() const { return listen_.port; }
  std::atomic<bool> handshaken{false}, done{false};

 private:
  listener listen_;
  SSL_CTX* ctx_ = nullptr;
  std::thread thread_;
};

// Reads exactly n bytes of plaintext; false on failure.
bool read_exact(SSL* ssl, std::string& out, std::size_t n) {
  char buf[8192];
  while (out.size() < n) {
    int r = SSL_read(ssl, buf, static_cast<int>(std::min(sizeof buf, n - out.size())));
    if (r <= 0) return false;
    out.append(buf, static_cast<std::size_t>(r));
  }
  return true;
}

// Forwards bytes between a client and `upstream_port` a few at a time (1 to 23 bytes per send,
// TCP_NODELAY), so that the client's reads see TLS records cut at arbitrary points.
class dribbling_proxy {
 public:
  explicit dribbling_proxy(std::uint16_t upstream_port) : listen_("127.0.0.1") {
    thread_ = std::thread([this, upstream_port] {
      int c = listen_.accept();
      if (c < 0) return;
      int u = connect_to("127.0.0.1", upstream_port);
      int one = 1;
      ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (u >= 0) ::setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::minstd_rand rng(42);
      char buf[4096];
      auto deadline = std::chrono::steady_clock::now() + 30s;
      while (u >= 0 && std::chrono::steady_clock::now() < deadline) {
        pollfd p[2] = {{c, POLLIN, 0}, {u, POLLIN, 0}};
        if (::poll(p, 2, 200) < 0) break;
        bool closed = false;
        for (int i = 0; i < 2 && !closed; ++i) {
          if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
          ssize_t n = ::recv(p[i].fd, buf, sizeof buf, 0);
          if (n <= 0) {
            closed = true;
            break;
          }
          int to = i == 0 ? u : c;
          for (ssize_t off = 0; off < n;) {
            ssize_t piece = std::min<ssize_t>(n - off, 1 + static_cast<ssize_t>(rng() % 23));
            ssize_t w = ::send(to, buf + off, static_cast<std::size_t>(piece), MSG_NOSIGNAL);
            if (w <= 0) {
              closed = true;
              break;
            }
            off += w;
          }
        }
        if (closed) break;
      }
      if (u >= 0) ::close(u);
      ::close(c);
    });
  }
  ~dribbling_proxy() {
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return listen_.port; }

 private:
  listener listen_;
  std::thread thread_;
};

// The client side: a connection made by the library's own connect (verification included).
struct client_side {
  asio::io_context ioc;
  openrouter::tls_options tls;
  std::optional<asio::ssl::context> ctx;
  origin o;
  std::unique_ptr<connection> conn;
  openrouter::diagnostics diag;

  client_side(const std::string& host, std::uint16_t port) {
    tls.use_system_store = false;
    tls.ca_pem = material().ca_pem;
    ctx.emplace(openrouter::detail::make_tls_context(tls));
    o.tls = true;
    o.host = host;
    o.port = port;
    conn = std::make_unique<connection>(ioc.get_executor(), o, &*ctx);
  }

  error_code connect() {
    std::optional<error_code> result;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          error_code ec;
          co_await conn->connect(o, std::chrono::steady_clock::now() + 20s, diag, ec);
          result = ec;
        },
        asio::detached);
    run_until([&] { return result.has_value(); });
    return *result;
  }

  template <class Done>
  void run_until(Done done) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("operation did not complete in time");
      ioc.restart();
      ioc.run_for(10ms);
    }
  }

  openrouter::detail::tls_stream& tls_stream() {
    openrouter::detail::tls_stream* s = nullptr;
    conn->visit([&](auto& stream) {
      if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, openrouter::detail::tls_stream>) s = &stream;
    });
    BOOST_REQUIRE(s);
    return *s;
  }
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::minstd_rand rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_stream_test)

BOOST_AUTO_TEST_CASE(large_writes_and_reads_survive_records_cut_anywhere) {
  // A write of three buffers (small, large, small) and a read of the echo, the records cut into
  // 1 to 23 byte pieces on the way back.
  const std::string head = "HEAD " + std::string(90, 'h');
  const std::string body = random_bytes(300 * 1024 + 7, 1);
  const std::string tail = "tail\r\n";
  const std::size_t total = head.size() + body.size() + tail.size();
  std::string received_by_server;
  tls_server srv("127.0.0.1", [&](SSL* ssl, int) {
    if (!read_exact(ssl, received_by_server, total)) return;
    // Echo in uneven pieces: many records of different sizes.
    std::size_t off = 0, piece = 1;
    while (off < received_by_server.size()) {
      std::size_t n = std::min(piece, received_by_server.size() - off);
      if (SSL_write(ssl, received_by_server.data() + off, static_cast<int>(n)) <= 0) return;
      off += n;
      piece = piece * 3 % 20011 + 1;
    }
    SSL_shutdown(ssl);
  });
  dribbling_proxy proxy(srv.port());
  client_side c("127.0.0.1", proxy.port());
  BOOST_REQUIRE_MESSAGE(!c.connect(), c.diag.detail);
  auto& s = c.tls_stream();
  s.next_layer().expires_after(30s);

  std::optional<error_code> wrote;
  std::array<asio::const_buffer, 3> out{asio::buffer(head), asio::buffer(body), asio::buffer(tail)};
  asio::async_write(s, out, [&](error_code ec, std::size_t n) {
    BOOST_TEST(n == total);
    wrote = ec;
  });
  c.run_until([&] { return wrote.has_value(); });
  BOOST_TEST(!*wrote, wrote->message());

  std::string echo(total, '\0');
  std::optional<error_code> read;
  asio::async_read(s, asio::buffer(echo), [&](error_code ec, std::size_t n) {
    BOOST_TEST(n == total);
    read = ec;
  });
  c.run_until([&] { return read.has_value(); });
  BOOST_TEST(!*read, read->message());
  BOOST_TEST((received_by_server == head + body + tail));
  BOOST_TEST((echo == head + body + tail));

  // The server's close_notify is an orderly end: eof, not truncation.
  char more[16];
  std::optional<error_code> last;
  s.async_read_some(asio::buffer(more), [&](error_code ec, std::size_t) { last = ec; });
  c.run_until([&] { return last.has_value(); });
  BOOST_TEST((*last == asio::error::eof), last->message());
}

BOOST_AUTO_TEST_CASE(a_cut_connection_is_truncation) {
  // The server sends a few bytes and drops the TCP connection without close_notify: the
  // bytes arrive, then the cut is reported as such (never as a clean end).
  tls_server srv("127.0.0.1", [](SSL* ssl, int fd) {
    SSL_write(ssl, "partial", 7);
    ::shutdown(fd, SHUT_RDWR);
  });
  client_side c("127.0.0.1", srv.port());
  BOOST_REQUIRE_MESSAGE(!c.connect(), c.diag.detail);
  auto& s = c.tls_stream();
  s.next_layer().expires_after(30s);
  std::string got;
  std::optional<error_code> end;
  std::function<void()> pull;
  char buf[64];
  pull = [&] {
    s.async_read_some(asio::buffer(buf), [&](error_code ec, std::size_t n) {
      got.append(buf, n);
      if (ec) end = ec;
      else pull();
    });
  };
  pull();
  c.run_until([&] { return end.has_value(); });
  BOOST_TEST(got == "partial");
  BOOST_TEST((*end == asio::ssl::error::stream_truncated), end->message());
  BOOST_TEST((openrouter::detail::map_io_error(*end, false, openrouter::errc::read_timeout) ==
              openrouter::errc::connection_closed));
}

BOOST_AUTO_TEST_CASE(an_ip_literal_must_match_the_certificate) {
  // The mock's certificate names 127.0.0.1, ::1 and localhost. 127.0.0.2 is loopback too, but
  // not in the certificate: the handshake must fail verification, whatever CA signed it.
  tls_server srv("127.0.0.2", [](SSL*, int) {});
  client_side c("127.0.0.2", srv.port());
  error_code ec = c.connect();
  BOOST_TEST((ec == openrouter::errc::tls_verify_failed), ec.message());
  BOOST_TEST(c.diag.detail.find("IP address mismatch") != std::string::npos, c.diag.detail);
  BOOST_TEST(!srv.handshaken.load());
}

BOOST_AUTO_TEST_CASE(a_name_must_match_the_certificate_too) {
  // Same check for a DNS name: "localhost" is in the certificate and passes.
  tls_server srv("127.0.0.1", [](SSL* ssl, int) { SSL_write(ssl, "x", 1); });
  client_side c("localhost", srv.port());
  error_code ec = c.connect();
  BOOST_TEST(!ec, ec.message() << " " << c.diag.detail);
  BOOST_TEST(!c.conn->resumed());
}

BOOST_AUTO_TEST_CASE(overlapping_reads_are_refused) {
  tls_server srv("127.0.0.1", [](SSL* ssl, int) {
    std::string in;
    read_exact(ssl, in, 1);  // hold the connection until the client writes
    SSL_write(ssl, "ok", 2);
  });
  client_side c("127.0.0.1", srv.port());
  BOOST_REQUIRE_MESSAGE(!c.connect(), c.diag.detail);
  auto& s = c.tls_stream();
  s.next_layer().expires_after(30s);
  char a[8], b[8];
  std::optional<error_code> first, second;
  std::size_t first_n = 0;
  s.async_read_some(asio::buffer(a), [&](error_code ec, std::size_t n) {
    first = ec;
    first_n = n;
  });
  s.async_read_some(asio::buffer(b), [&](error_code ec, std::size_t) { second = ec; });
  c.run_until([&] { return second.has_value(); });
  BOOST_TEST((*second == asio::error::in_progress), second->message());
  BOOST_TEST(!first.has_value());  // the first read still waits, undisturbed
  c.conn->close();  // ends the first read (and the server's wait)
  c.run_until([&] { return first.has_value(); });
  BOOST_TEST(first->failed());
}

BOOST_AUTO_TEST_SUITE_END()
