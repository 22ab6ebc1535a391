// The client against servers that misbehave on purpose (a raw plain-HTTP server on loopback,
// one thread per connection, scripted per test):
// - every send is accounted for: a request the server read and then died on is never re-sent
//   behind the caller's back (a typed, retryable error; with a router, a visible second
//   attempt); a keep-alive connection the server closed while it was idle costs nothing; a
//   request whose write failed is re-sent once (the server never got it);
// - memory is bounded whatever the server sends: an endless header line, an endless chunk
//   extension, an endless SSE line, an endless stream each end in a typed error, early;
// - the key never goes in clear text to a host that is not loopback.
#include "support/cli_process.hpp"
#include "support/client_fixture.hpp"

#include "http/header_values.hpp"

#include <openrouter/client.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace wire = openrouter::wire;
using asio::ip::tcp;
using openrouter::errc;

namespace {

const std::string test_key = "sk-or-v1-hostile-test-0123456789abcdef";

std::string chat_json(int n) {
  return R"({"id":"gen-)" + std::to_string(n) +
         R"(","object":"chat.completion","created":1,"model":"openai/gpt-4o-mini","provider":"P",)"
         R"("choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],)"
         R"("usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2,"cost":0.000001}})";
}

std::string ok_response(int n) {
  std::string body = chat_json(n);
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// A loopback plain-HTTP server; each accepted connection runs `script` on a thread of its own.
class raw_server {
 public:
  struct conn {
    raw_server& srv;
    std::shared_ptr<tcp::socket> sock;
    std::size_t index;  // 0 for the first connection accepted
    beast::flat_buffer buf;
    std::string last_target, last_authorization;

    // Reads one whole request; counts it. False at EOF or error.
    bool read_request() {
      http::request_parser<http::string_body> p;
      p.body_limit(64u << 20);
      boost::system::error_code ec;
      http::read(*sock, buf, p, ec);
      if (ec) return false;
      last_target = std::string(p.get().target());
      if (auto it = p.get().find(http::field::authorization); it != p.get().end())
        last_authorization = std::string(it->value());
      ++srv.reads;
      return true;
    }
    // Reads at least `n` bytes of whatever comes (a request's start), without counting a request.
    void read_some_bytes(std::size_t n) {
      std::size_t got = 0;
      char tmp[4096];
      boost::system::error_code ec;
      while (got < n && !ec) got += sock->read_some(asio::buffer(tmp), ec);
    }
    // Blocks until the peer closes the connection (or the server stops).
    void wait_for_peer_close() {
      char tmp[4096];
      boost::system::error_code ec;
      while (!ec) sock->read_some(asio::buffer(tmp), ec);
    }
    bool write(std::string_view s) {
      boost::system::error_code ec;
      asio::write(*sock, asio::buffer(s), ec);
      if (!ec) srv.bytes_sent += s.size();
      return !ec;
    }
    // Writes `piece` again and again until the peer goes away or `limit` bytes are sent.
    void write_repeatedly(std::string_view piece, std::size_t limit) {
      std::size_t sent = 0;
      while (sent < limit && write(piece)) sent += piece.size();
    }
    // Closes with a TCP reset (SO_LINGER 0).
    void reset() {
      boost::system::error_code ec;
      sock->set_option(asio::socket_base::linger(true, 0), ec);
      srv.close(*this);
    }
    void close() { srv.close(*this); }
  };
  using script = std::function<void(conn&)>;

  explicit raw_server(script s) : script_(std::move(s)) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~raw_server() {
    stopping_ = true;
    {  // wake the accept
      boost::system::error_code ec;
      tcp::socket s(ioc_);
      s.connect(acceptor_.local_endpoint(), ec);
    }
    accept_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (auto& c : open_) ::shutdown(c->native_handle(), SHUT_RDWR);  // unblocks the scripts
    }
    for (auto& t : threads_) t.join();
  }
  raw_server(const raw_server&) = delete;
  raw_server& operator=(const raw_server&) = delete;

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/api/v1";
  }
  std::atomic<int> reads{0}, connections{0}, closed{0};
  std::atomic<std::size_t> bytes_sent{0};

 private:
  void accept_loop() {
    while (true) {
      auto sock = std::make_shared<tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*sock, ec);
      if (stopping_ || ec) return;
      std::size_t index = static_cast<std::size_t>(connections++);
      {
        std::lock_guard lock(mutex_);
        open_.push_back(sock);
      }
      threads_.emplace_back([this, sock, index] {
        conn c{*this, sock, index, {}, {}, {}};
        try {
          script_(c);
        } catch (...) {
        }
        close(c);
      });
    }
  }
  void close(conn& c) {
    std::lock_guard lock(mutex_);
    auto it = std::find(open_.begin(), open_.end(), c.sock);
    if (it == open_.end()) return;  // already closed
    open_.erase(it);
    boost::system::error_code ec;
    c.sock->close(ec);
    ++closed;
  }

  script script_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_, {asio::ip::make_address("127.0.0.1"), 0}};
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::vector<std::thread> threads_;  // touched by the accept thread only, until it is joined
  std::mutex mutex_;
  std::list<std::shared_ptr<tcp::socket>> open_;
};

// Serves every request of the connection normally.
void serve(raw_server::conn& c) {
  while (c.read_request()) {
    if (!c.write(ok_response(c.srv.reads.load()))) return;
  }
}

// The first connection answers its first request, reads the second one whole, "works" for a
// second and dies with a reset; later connections are healthy.
void read_then_die(raw_server::conn& c) {
  if (c.index > 0) return serve(c);
  if (!c.read_request() || !c.write(ok_response(1))) return;
  if (!c.read_request()) return;
  std::this_thread::sleep_for(1s);
  c.reset();
}

openrouter::client_config plain_config(const std::string& base_url) {
  openrouter::client_config cfg;
  cfg.base_url = base_url;
  cfg.api_key = test_key;
  cfg.timeout.total = 60s;
  return cfg;
}

struct plain_client {
  explicit plain_client(const std::string& url, std::function<void(openrouter::client_config&)> tweak = {})
      : cli(ioc.get_executor(), [&] {
          auto cfg = plain_config(url);
          if (tweak) tweak(cfg);
          return cfg;
        }()) {}
  asio::io_context ioc;
  openrouter::client cli;
  openrouter::diagnostics diag;

  std::tuple<boost::system::error_code, wire::chat_response> chat() {
    test::outcome<wire::chat_response> o;
    cli.async_chat(test::chat_request(), diag, o.handler());
    return test::wait(ioc, o);
  }
  // Opens a stream and reads it to its end: (error, chunks seen).
  std::pair<boost::system::error_code, std::size_t> stream() {
    std::optional<std::pair<boost::system::error_code, openrouter::chat_stream>> opened;
    cli.async_chat_stream(test::chat_request(), diag, [&](boost::system::error_code e, openrouter::chat_stream st) {
      opened.emplace(e, std::move(st));
    });
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!opened) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the stream did not open in time");
      ioc.restart();
      ioc.run_for(10ms);
    }
    if (opened->first) return {opened->first, 0};
    openrouter::chat_stream& s = opened->second;
    std::size_t chunks = 0;
    while (true) {
      test::outcome<std::optional<wire::chat_chunk>> next;
      s.async_next(next.handler());
      auto [nec, c] = test::wait(ioc, next);
      if (nec) return {nec, chunks};
      if (!c) return {{}, chunks};
      ++chunks;
    }
  }
};

std::string sse_head() {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
}
std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}
std::string sse_event(int i) {
  return "data: {\"id\":\"gen-s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{"
         "\"index\":0,\"delta\":{\"content\":\"t" +
         std::to_string(i) + "\"},\"finish_reason\":null}]}\n\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_hostile_server_test)

// ---- every send is accounted for ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(request_read_then_reset_is_not_resent) {
  raw_server srv(read_then_die);
  plain_client c(srv.base_url());
  auto [ec1, r1] = c.chat();
  BOOST_TEST_REQUIRE(!ec1, ec1.message());
  auto [ec2, r2] = c.chat();
  // The server read request 2 once and died: the caller gets a typed, retryable error, and the
  // server never sees request 2 again.
  BOOST_TEST((ec2 == errc::connection_reset || ec2 == errc::connection_closed), ec2.message());
  BOOST_TEST(openrouter::is_retryable(ec2, c.diag));
  BOOST_TEST(srv.reads.load() == 2);
  BOOST_TEST(srv.connections.load() == 1);
  BOOST_TEST(c.cli.pool_statistics().resends == 0u);
}

BOOST_AUTO_TEST_CASE(streamed_request_read_then_reset_is_not_resent) {
  raw_server srv(read_then_die);
  plain_client c(srv.base_url());
  auto [ec1, r1] = c.chat();  // parks the keep-alive connection
  BOOST_TEST_REQUIRE(!ec1, ec1.message());
  auto [ec2, chunks] = c.stream();
  BOOST_TEST((ec2 == errc::connection_reset || ec2 == errc::connection_closed), ec2.message());
  BOOST_TEST(srv.reads.load() == 2);
  BOOST_TEST(srv.connections.load() == 1);
  BOOST_TEST(c.cli.pool_statistics().resends == 0u);
}

BOOST_AUTO_TEST_CASE(router_retries_visibly_and_every_send_is_an_attempt) {
  raw_server srv(read_then_die);
  plain_client c(srv.base_url());
  auto [ec1, r1] = c.chat();
  BOOST_TEST_REQUIRE(!ec1, ec1.message());
  openrouter::routing::policy p;
  p.models = {"openai/gpt-4o-mini"};
  p.backoff.initial = 10ms;
  p.backoff.max = 50ms;
  p.max_attempts_per_model = 3;
  p.deadline = 30s;
  openrouter::router r(c.cli, p, {}, 7);
  openrouter::request_record rec;
  test::outcome<wire::chat_response> o;
  r.async_chat(test::chat_request(), c.diag, rec, o.handler());
  auto [ec, res] = test::wait(c.ioc, o);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(rec.attempts.size() == 2u);
  // Request 1 (direct) plus the routed request's two attempts: three reads, three sends.
  BOOST_TEST(srv.reads.load() == 1 + static_cast<int>(rec.attempts.size()));
  BOOST_TEST(c.cli.pool_statistics().resends == 0u);
}

BOOST_AUTO_TEST_CASE(idle_connection_closed_by_the_server_costs_nothing) {
  // The server closes each connection shortly after its one response, while the client has it
  // parked: the next request goes out once, on a new connection, and succeeds.
  raw_server srv([](raw_server::conn& c) {
    if (!c.read_request() || !c.write(ok_response(c.srv.reads.load()))) return;
    std::this_thread::sleep_for(100ms);
    c.close();
  });
  plain_client c(srv.base_url());
  for (int i = 0; i < 3; ++i) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (srv.closed.load() < i && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(20ms);  // the FIN reaches the client's socket
    auto [ec, r] = c.chat();
    BOOST_TEST(!ec, "request " << i << ": " << ec.message());
  }
  BOOST_TEST(srv.reads.load() == 3);
  BOOST_TEST(srv.connections.load() == 3);
  auto st = c.cli.pool_statistics();
  BOOST_TEST(st.stale_discards == 2u);
  BOOST_TEST(st.resends == 0u);
}

BOOST_AUTO_TEST_CASE(request_whose_write_failed_is_sent_once_more) {
  // The server reads a few bytes of request 2 (16 MiB: more than the socket buffers hold) and
  // resets: the write fails, the server never got the request, the one re-send is safe.
  raw_server srv([](raw_server::conn& c) {
    if (c.index > 0) return serve(c);
    if (!c.read_request() || !c.write(ok_response(1))) return;
    c.read_some_bytes(1000);
    c.reset();
  });
  plain_client c(srv.base_url());
  auto [ec1, r1] = c.chat();
  BOOST_TEST_REQUIRE(!ec1, ec1.message());
  test::outcome<wire::chat_response> o;
  c.cli.async_chat(test::chat_request("openai/gpt-4o-mini", std::string(16u << 20, 'x')), c.diag, o.handler());
  auto [ec2, r2] = test::wait(c.ioc, o);
  BOOST_TEST(!ec2, ec2.message());
  BOOST_TEST(srv.reads.load() == 2);  // request 2 read whole once, on the second connection
  BOOST_TEST(srv.connections.load() == 2);
  BOOST_TEST(c.cli.pool_statistics().resends == 1u);
}

BOOST_AUTO_TEST_CASE(cli_batch_attempts_match_server_reads) {
  raw_server srv(read_then_die);
  test::cli::temp_dir dir;
  std::string input;
  for (int i = 0; i < 3; ++i)
    input += R"({"id":"q)" + std::to_string(i) +
             R"(","model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})" "\n";
  auto in = dir.write("in.jsonl", input);
  auto policy = dir.write("policy.json", R"({"backoff": {"initial_ms": 1, "max_ms": 5},
                                             "breaker": {"enabled": false}, "retry_budget": {"enabled": false}})");
  auto out = dir.path / "out.jsonl";
  auto r = test::cli::run(OPENROUTER_BINARY_DIR "/openrouter", dir,
                          {"--base-url", srv.base_url(), "batch", "--input", in.string(), "--output", out.string(),
                           "--concurrency", "1", "--policy", policy.string(), "--no-progress"},
                          {{"OPENROUTER_API_KEY", test_key}}, 120s);
  BOOST_TEST(r.code == 0, r);
  long attempts = 0;
  int lines = 0;
  for (const auto& l : test::cli::lines(test::cli::slurp(out))) {
    auto v = boost::json::parse(l).as_object();
    BOOST_TEST(!v.contains("error"), l);
    attempts += static_cast<long>(v.at("attempts").as_int64());
    ++lines;
  }
  BOOST_TEST(lines == 3);
  BOOST_TEST(attempts == 4);  // one request was read, lost with its connection, and tried again
  BOOST_TEST(attempts == srv.reads.load());
}

// ---- every number from a server is range-checked -----------------------------------------------

BOOST_AUTO_TEST_CASE(server_numbers_are_range_checked) {
  const auto now = std::chrono::system_clock::now();
  const std::string error_body = R"({"error":{"code":429,"message":"slow down"}})";
  const std::string huge_availability =
      R"({"error":{"code":429,"message":"slow down","availability":{"code":"x","retry_after":1e300}}})";
  const std::vector<std::pair<std::string, std::string>> replies{
      {"Retry-After: 120abc\r\n", error_body},
      {"Retry-After: 1e30\r\nX-RateLimit-Reset: 1e30\r\nX-RateLimit-Remaining: 12abc\r\nX-RateLimit-Limit: -5\r\n",
       error_body},
      {"Retry-After: 31536000\r\nX-RateLimit-Reset: 99999999999999\r\nX-RateLimit-Remaining: 7\r\n", error_body},
      {"Retry-After: " + openrouter::detail::format_http_date(now + 120s) + "\r\n", error_body},
      {"", huge_availability},
  };
  raw_server srv([&replies](raw_server::conn& c) {
    while (c.read_request()) {
      const auto& [headers, body] = replies.at(static_cast<std::size_t>(c.srv.reads.load() - 1));
      c.write("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n" + headers +
              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }
  });
  plain_client c(srv.base_url());
  auto chat = [&] {
    auto [ec, r] = c.chat();
    BOOST_TEST(ec == errc::rate_limited, ec.message());
    return c.diag;
  };
  auto d = chat();  // 120abc: not a number
  BOOST_TEST(!d.retry_after.has_value());
  d = chat();  // exponents and signs: refused, not cast
  BOOST_TEST(!d.retry_after.has_value());
  BOOST_TEST(!d.rate_limit_reset.has_value());
  BOOST_TEST(!d.rate_limit_remaining.has_value());
  BOOST_TEST(!d.rate_limit_limit.has_value());
  d = chat();  // a year: clamped to 24 h; a reset far ahead: no later than 24 h from now
  BOOST_TEST_REQUIRE(d.retry_after.has_value());
  BOOST_TEST(d.retry_after->count() == std::chrono::milliseconds(24h).count());
  BOOST_TEST_REQUIRE(d.rate_limit_reset.has_value());
  BOOST_TEST((*d.rate_limit_reset <= std::chrono::system_clock::now() + 24h));
  BOOST_TEST(d.rate_limit_remaining.value() == 7);
  d = chat();  // an HTTP-date two minutes ahead
  BOOST_TEST_REQUIRE(d.retry_after.has_value());
  BOOST_TEST(d.retry_after->count() > 100'000);
  BOOST_TEST(d.retry_after->count() <= 121'000);
  d = chat();  // availability.retry_after 1e300 s in the body: clamped
  BOOST_TEST_REQUIRE(d.retry_after.has_value());
  BOOST_TEST(d.retry_after->count() == std::chrono::milliseconds(24h).count());
}

// ---- memory per connection and per stream is bounded -------------------------------------------

BOOST_AUTO_TEST_CASE(endless_header_line) {
  raw_server srv([](raw_server::conn& c) {
    if (!c.read_request()) return;
    c.write("HTTP/1.1 200 OK\r\nX-Endless: ");
    c.write_repeatedly(std::string(64 * 1024, 'a'), 256u << 20);
  });
  plain_client c(srv.base_url());
  auto [ec, r] = c.chat();
  BOOST_TEST(ec == errc::response_too_large, ec.message());
  BOOST_TEST(srv.bytes_sent.load() < (64u << 20));  // the client stopped reading early
}

BOOST_AUTO_TEST_CASE(endless_chunk_extension) {
  for (bool streamed : {false, true}) {
    raw_server srv([streamed](raw_server::conn& c) {
      if (!c.read_request()) return;
      c.write(streamed ? sse_head() + chunk(sse_event(0))
                       : "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      c.write("5;ext=");
      // 64 MiB of one chunk-size line, then silence (the connection stays open).
      c.write_repeatedly(std::string(64 * 1024, 'e'), 64u << 20);
      c.wait_for_peer_close();
    });
    plain_client c(srv.base_url(), [](openrouter::client_config& cfg) { cfg.timeout.read_idle = 10s; });
    auto ec = streamed ? c.stream().first : std::get<0>(c.chat());
    BOOST_TEST(ec == errc::response_too_large, (streamed ? "stream: " : "chat: ") << ec.message());
    BOOST_TEST(srv.bytes_sent.load() < (32u << 20), srv.bytes_sent.load());  // read no further than the cap
  }
}

BOOST_AUTO_TEST_CASE(endless_sse_line) {
  raw_server srv([](raw_server::conn& c) {
    if (!c.read_request()) return;
    c.write(sse_head() + chunk("data: "));
    c.write_repeatedly(chunk(std::string(64 * 1024, 'd')), 256u << 20);
  });
  plain_client c(srv.base_url(), [](openrouter::client_config& cfg) { cfg.max_stream_event_bytes = 1u << 20; });
  auto [ec, chunks] = c.stream();
  BOOST_TEST(ec == errc::bad_sse, ec.message());
  BOOST_TEST(srv.bytes_sent.load() < (64u << 20));
}

BOOST_AUTO_TEST_CASE(stream_longer_than_max_stream_bytes) {
  raw_server srv([](raw_server::conn& c) {
    if (!c.read_request()) return;
    c.write(sse_head());
    std::string many;
    for (int i = 0; i < 100; ++i) many += sse_event(i);
    c.write_repeatedly(chunk(many), 1u << 30);  // never ends on its own
  });
  plain_client c(srv.base_url(), [](openrouter::client_config& cfg) { cfg.max_stream_bytes = 1u << 20; });
  auto [ec, chunks] = c.stream();
  BOOST_TEST(ec == errc::response_too_large, ec.message());
  BOOST_TEST(chunks > 1000u);  // the chunks before the limit were delivered
  BOOST_TEST(c.diag.detail.find("max_stream_bytes") != std::string::npos, c.diag.detail);
  BOOST_TEST(srv.bytes_sent.load() < (64u << 20));
}

// ---- the key never leaves over plain HTTP ------------------------------------------------------

BOOST_AUTO_TEST_CASE(key_refused_over_plain_http_to_a_remote_host) {
  auto cfg = plain_config("http://10.255.255.1:9/api/v1");
  auto start = std::chrono::steady_clock::now();
  try {
    asio::io_context ioc;
    openrouter::client cli(ioc.get_executor(), cfg);
    BOOST_ERROR("the client was built: the key would go in clear text to 10.255.255.1");
  } catch (const std::invalid_argument& e) {
    std::string m = e.what();
    BOOST_TEST(m.find("10.255.255.1") != std::string::npos, m);
    BOOST_TEST(m.find("allow_plaintext_key") != std::string::npos, m);
    BOOST_TEST(m.find(test_key) == std::string::npos);
  }
  BOOST_TEST((std::chrono::steady_clock::now() - start < 2s));  // refused before any connect
  // Opting in, without a key, or over https: built.
  asio::io_context ioc;
  auto opted = cfg;
  opted.allow_plaintext_key = true;
  BOOST_CHECK_NO_THROW(openrouter::client(ioc.get_executor(), opted));
  auto keyless = cfg;
  keyless.api_key.clear();
  BOOST_CHECK_NO_THROW(openrouter::client(ioc.get_executor(), keyless));
  auto tls = cfg;
  tls.base_url = "https://10.255.255.1:9/api/v1";
  BOOST_CHECK_NO_THROW(openrouter::client(ioc.get_executor(), tls));
  for (const char* host : {"http://localhost:9/api/v1", "http://127.0.0.2:9/api/v1", "http://[::1]:9/api/v1"}) {
    auto loop = cfg;
    loop.base_url = host;
    BOOST_CHECK_NO_THROW(openrouter::client(ioc.get_executor(), loop));
  }
}

BOOST_AUTO_TEST_CASE(key_goes_to_a_loopback_http_server) {
  std::string auth;
  raw_server srv([&auth](raw_server::conn& c) {
    if (!c.read_request()) return;
    auth = c.last_authorization;
    c.write(ok_response(1));
  });
  plain_client c(srv.base_url());
  auto [ec, r] = c.chat();
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST(auth == "Bearer " + test_key);
}

BOOST_AUTO_TEST_CASE(cli_refuses_the_key_over_plain_http_unless_told) {
  test::cli::temp_dir dir;
  const std::map<std::string, std::string> env{{"OPENROUTER_API_KEY", test_key}};
  auto r = test::cli::run(OPENROUTER_BINARY_DIR "/openrouter", dir,
                          {"--base-url", "http://10.255.255.1:9/api/v1", "key"}, env, 30s);
  BOOST_TEST(r.code == 2, r);
  BOOST_TEST(r.err.find("10.255.255.1") != std::string::npos, r);
  BOOST_TEST(r.err.find("--allow-plaintext-key") != std::string::npos, r);
  BOOST_TEST(r.err.find(test_key) == std::string::npos);
  // With the flag the key may go: the command then tries the host and fails to reach it (a
  // request failure, exit 1, not a usage error). 0.0.0.0 is not a loopback host to the check,
  // but a connect to it never leaves this machine (Linux treats it as the local host): the
  // test sends nothing past loopback.
  auto opted = test::cli::run(OPENROUTER_BINARY_DIR "/openrouter", dir,
                              {"--base-url", "http://0.0.0.0:9/api/v1", "--allow-plaintext-key", "--timeout", "1",
                               "key"},
                              env, 30s);
  BOOST_TEST(opted.code == 1, opted);
  // The flag is documented in the help.
  auto help = test::cli::run(OPENROUTER_BINARY_DIR "/openrouter", dir, {"--help"}, env, 30s);
  BOOST_TEST(help.out.find("--allow-plaintext-key") != std::string::npos, help);
}

BOOST_AUTO_TEST_SUITE_END()
