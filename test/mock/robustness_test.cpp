// openrouter-mock as a robust service: whatever a client sends (garbage, nothing, one byte at a
// time, oversize headers and bodies, hostile fault parameters, exceptions inside a handler),
// the mock closes that connection and keeps serving everyone else. Loopback only; every
// deadline here is a short configured one and every wait is bounded.
#include "support/fixtures.hpp"

#include "../../src/mock/test_hooks.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace test;
namespace json = boost::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

// A raw loopback TCP connection: what a hostile or broken client does, byte by byte.
class raw_conn {
 public:
  explicit raw_conn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~raw_conn() { close(); }
  raw_conn(const raw_conn&) = delete;
  raw_conn& operator=(const raw_conn&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // False once the peer has closed (EPIPE/ECONNRESET): a hostile client just stops then.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes or `limit` passes. True when it closed; `got` collects bytes.
  bool closed_within(std::chrono::milliseconds limit, std::string* got = nullptr) {
    auto end = clock_type::now() + limit;
    char buf[4096];
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_type::now());
      if (left <= 0ms) return false;
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r == 0) return false;
      if (r < 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
      if (n > 0 && got) got->append(buf, static_cast<std::size_t>(n));
    }
  }

  // Whether the connection is still open after `wait` (nothing read from it counts as open).
  bool still_open_after(std::chrono::milliseconds wait) { return !closed_within(wait); }

 private:
  int fd_ = -1;
};

openrouter::mock::server_options plain(std::chrono::milliseconds header, std::chrono::milliseconds idle) {
  openrouter::mock::server_options o;
  o.tls = false;
  o.header_timeout = header;
  o.idle_timeout = idle;
  o.body_timeout = header;
  return o;
}

// Polls `cond` every 10 ms for at most `limit`.
template <class F>
bool eventually(F cond, std::chrono::milliseconds limit = 10s) {
  auto end = clock_type::now() + limit;
  while (clock_type::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return cond();
}

unsigned status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return static_cast<unsigned>(std::stoi(response.substr(9, 3)));
}

const std::string models_request = "GET /api/v1/models?limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(robustness_test)

BOOST_AUTO_TEST_CASE(connections_beyond_the_limit_are_closed_at_once) {
  auto o = plain(30s, 30s);
  o.max_connections = 4;
  mock_fixture f(o);
  auto& srv = f.server.get();
  std::vector<std::unique_ptr<raw_conn>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<raw_conn>(srv.port()));
  BOOST_REQUIRE(eventually([&] { return srv.stats().connections_open == 4; }));
  raw_conn extra(srv.port());
  BOOST_TEST(extra.closed_within(10s));
  BOOST_TEST(srv.stats().connections_refused >= 1u);
  BOOST_TEST(srv.stats().connections_open == 4u);
  // The held ones are untouched, and once they go, new clients are served again.
  BOOST_TEST(held[0]->send(models_request));
  std::string got;
  held[0]->closed_within(1s, &got);
  BOOST_TEST(status_of(got) == 200u);
  held.clear();
  BOOST_REQUIRE(eventually([&] { return srv.stats().connections_open == 0; }));
  BOOST_TEST(f.client.get(api("/models?limit=1")).status == 200u);
}

BOOST_AUTO_TEST_CASE(a_slowloris_is_cut_off_at_the_header_deadline) {
  mock_fixture f(plain(500ms, 60s));
  auto& srv = f.server.get();
  raw_conn slow(srv.port());
  const std::string header = "POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nX-Pad: " +
                             std::string(400, 'a') + "\r\n\r\n";
  // One byte every 50 ms, each well within any per-read timeout; the header would take 24 s.
  auto start = clock_type::now();
  bool cut = false;
  for (std::size_t i = 0; i < header.size() && clock_type::now() - start < 15s; ++i) {
    if (!slow.send(header.substr(i, 1)) || !slow.still_open_after(50ms)) {
      cut = true;
      break;
    }
  }
  BOOST_TEST(cut);
  BOOST_TEST((clock_type::now() - start < 15s));
  // The counter is bumped as the mock's side of the connection ends, which may trail the close.
  BOOST_TEST(eventually([&] { return srv.stats().connections_timed_out >= 1u; }));
  BOOST_TEST(f.client.get(api("/models?limit=1")).status == 200u);
}

BOOST_AUTO_TEST_CASE(a_silent_new_connection_is_closed_at_the_header_deadline) {
  // Idle deadline long, header deadline short: a connection that never sends its first
  // request is held to the header deadline.
  mock_fixture f(plain(300ms, 60s));
  raw_conn silent(f.server->port());
  BOOST_TEST(silent.closed_within(10s));
  raw_conn half(f.server->port());
  BOOST_TEST(half.send("GET /api/v1/models HTTP/1.1\r\nHost: local"));
  BOOST_TEST(half.closed_within(10s));
  BOOST_TEST(eventually([&] { return f.server->stats().connections_timed_out >= 2u; }));
}

BOOST_AUTO_TEST_CASE(an_idle_keep_alive_connection_is_closed_at_the_idle_deadline) {
  mock_fixture f(plain(60s, 300ms));
  raw_conn c(f.server->port());
  BOOST_TEST(c.send(models_request));
  std::string got;
  // The response arrives, then (with nothing more sent) the idle deadline closes it.
  BOOST_TEST(c.closed_within(10s, &got));
  BOOST_TEST(status_of(got) == 200u);
}

BOOST_AUTO_TEST_CASE(scripted_pacing_is_not_cut_by_the_deadlines) {
  // Deadlines far shorter than the scripted stream: the stream still plays out in full.
  auto o = plain(200ms, 200ms);
  o.scenario = json::parse(R"({"defaults":{"itl_ms":60,"tokens":12}})");
  mock_fixture f(o);
  auto r = f.chat(chat_body("openai/gpt-4o-mini", "Say hello", true));
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(!r.error.failed());
  auto data = sse_data(r.body);
  BOOST_REQUIRE(!data.empty());
  BOOST_TEST(data.back() == "[DONE]");
  BOOST_TEST((r.elapsed >= 600ms));
  // A stall before the headers, longer than every deadline.
  auto s = f.chat(chat_body("fault/stall;seconds=0.6"));
  BOOST_TEST(s.status == 200u);
}

BOOST_AUTO_TEST_CASE(hostile_fault_parameters_get_a_400) {
  mock_fixture f(plain(30s, 30s));
  // Streaming requests: the old mock answered these with endless or undefined streams.
  const char* names[] = {
      "fault/stall;seconds=1e300",
      "fault/stall;seconds=1e400",
      "fault/stall;seconds=-1",
      "fault/stall;seconds=inf",
      "fault/stall;seconds=NaN",
      "fault/stall;seconds=86401",
      "fault/stall;seconds=1;after_tokens=-7",
      "fault/http_error;status=429;retry_after=1e300",
      "fault/http_error;status=429;retry_after=-5",
      "fault/rate_limit;requests=1;window_s=1e300",
      "fault/rate_limit;requests=-1",
      "fault/mid_stream_error;status=70000",
      "fault/wrapped_transient;status=-3",
      "fault/503;rate=2",
      "fault/503;count=-2",
      "fault/503;count=99999999999999999999",
      "fault/reset;after_tokens=99999999999",
      "fault/stall;seconds=1;tokens=1000000000",
      "fault/503;ttft_ms=1000000000",
      "fault/503;itl_ms=99999999",
      "fault/503;comments_before=1000000000",
      "fault/503;comment_every=-1",
      "fault/503;tokens=1.5",
  };
  for (const char* name : names) {
    BOOST_TEST_CONTEXT(name) {
      auto r = f.client.request("POST", api("/chat/completions"),
                                json::serialize(chat_body(name, "Say hello", true)), {}, 5s);
      BOOST_TEST(r.status == 400u);
      if (r.status == 400u) {
        auto e = r.json().at("error").as_object();
        BOOST_TEST(e.at("code").as_int64() == 400);
        BOOST_TEST(!e.at("message").as_string().empty());
      }
    }
  }
  // A request's own numbers: a generation far beyond anything a model produces.
  json::object big = chat_body("openai/gpt-4o-mini", "Say hello", true);
  big["max_tokens"] = 1'000'000'000'000;
  auto r = f.client.request("POST", api("/chat/completions"), json::serialize(big), {}, 5s);
  BOOST_TEST(r.status == 400u);
  // Schemas that would ask for gigabytes of output.
  for (const char* schema : {R"({"type":"string","minLength":1e7})",
                             R"({"type":"array","minItems":1e12})",
                             R"({"type":"array","minItems":100,"items":{"type":"array","minItems":100,"items":
                                 {"type":"array","minItems":100,"items":{"type":"array","minItems":100}}}})"}) {
    BOOST_TEST_CONTEXT(schema) {
      json::object req = chat_body("openai/gpt-4o-mini");
      req["response_format"] = {{"type", "json_schema"},
                                {"json_schema", {{"name", "x"}, {"schema", json::parse(schema)}}}};
      auto s = f.client.request("POST", api("/chat/completions"), json::serialize(req), {}, 10s);
      BOOST_TEST(s.status == 400u);
    }
  }
  // The same bounds hold for scenarios.
  for (const char* scen : {R"({"seed":-1})", R"({"seed":1e300})", R"({"generation_delay_ms":-1})",
                           R"({"defaults":{"tokens":1000000000}})", R"({"connection":{"close_after_requests":-1}})",
                           R"({"defaults":{"faults":[{"kind":"stall","seconds":1e300}]}})",
                           R"({"models":{"x":{"faults":[{"kind":"rate_limit","window_s":-1}]}}})"}) {
    BOOST_TEST_CONTEXT(scen) { BOOST_CHECK_THROW(f.server->set_scenario(json::parse(scen)), std::runtime_error); }
  }
  // And the mock still serves good requests.
  BOOST_TEST(f.chat(chat_body("fault/http_error;status=429;retry_after=2")).status == 429u);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200u);
}

BOOST_AUTO_TEST_CASE(per_rule_fault_state_is_bounded) {
  auto o = plain(30s, 30s);
  o.max_fault_rules = 8;
  mock_fixture f(o);
  // One fault that fires once: after 40 other rules, its counter was forgotten (LRU) and it
  // fires again. Without a bound every distinct name would be kept forever.
  const std::string once = "fault/503;count=1";
  BOOST_TEST(f.chat(chat_body(once)).status == 503u);
  BOOST_TEST(f.chat(chat_body(once)).status == 200u);
  for (int i = 0; i < 40; ++i)
    BOOST_TEST(f.chat(chat_body("fault/503;count=1;message=m" + std::to_string(i))).status == 503u);
  BOOST_TEST(f.server->stats().fault_rules_tracked <= 8u);
  BOOST_TEST(f.server->stats().fault_rules_tracked >= 1u);
  BOOST_TEST(f.chat(chat_body(once)).status == 503u);
}

BOOST_AUTO_TEST_CASE(an_exception_in_a_handler_closes_only_its_connection) {
  mock_fixture f(plain(30s, 30s));
  struct reset_hook {
    ~reset_hook() { openrouter::mock::test_hooks::on_request = nullptr; }
  } guard;
  openrouter::mock::test_hooks::on_request = +[](std::string_view target) {
    if (target.find("throw=bad_alloc") != std::string_view::npos) throw std::bad_alloc();
    if (target.find("throw=logic") != std::string_view::npos) throw std::logic_error("boom");
    if (target.find("throw=int") != std::string_view::npos) throw 42;
  };
  for (const char* what : {"bad_alloc", "logic", "int"}) {
    BOOST_TEST_CONTEXT(what) {
      http_client victim(f.server.get());
      auto r = victim.get(api("/models?throw=") + what);
      BOOST_TEST(r.status == 500u);
      BOOST_TEST(f.client.get(api("/models?limit=1")).status == 200u);
    }
  }
  BOOST_TEST(f.server->stats().connection_errors == 3u);
}

BOOST_AUTO_TEST_CASE(oversize_headers_and_bodies_are_refused) {
  auto o = plain(5s, 5s);
  o.max_header_bytes = 8 << 10;
  o.max_request_body = 64 << 10;
  mock_fixture f(o);
  {
    raw_conn c(f.server->port());
    c.send("GET /api/v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + std::string(20 << 10, 'h') + "\r\n\r\n");
    std::string got;
    BOOST_TEST(c.closed_within(10s, &got));
    BOOST_TEST(status_of(got) == 431u);
  }
  {
    raw_conn c(f.server->port());
    c.send("POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000000\r\n\r\n");
    c.send(std::string(4096, '{'));
    std::string got;
    BOOST_TEST(c.closed_within(10s, &got));
    BOOST_TEST(status_of(got) == 413u);
  }
  {
    // Chunked: no length announced, the limit still counts every byte.
    raw_conn c(f.server->port());
    c.send("POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
    std::string chunk = "4000\r\n" + std::string(0x4000, ' ') + "\r\n";
    for (int i = 0; i < 8 && c.send(chunk); ++i) {
    }
    std::string got;
    BOOST_TEST(c.closed_within(10s, &got));
    BOOST_TEST(status_of(got) == 413u);
  }
  BOOST_TEST(f.client.get(api("/models?limit=1")).status == 200u);
}

BOOST_AUTO_TEST_CASE(tls_half_open_and_garbage) {
  openrouter::mock::server_options o;
  o.header_timeout = 300ms;
  mock_fixture f(o);
  raw_conn silent(f.server->port());
  BOOST_TEST(silent.closed_within(10s));
  raw_conn garbage(f.server->port());
  garbage.send(std::string(300, '\x16'));
  BOOST_TEST(garbage.closed_within(10s));
  BOOST_TEST(f.client.get(api("/models?limit=1")).status == 200u);
}

BOOST_AUTO_TEST_CASE(a_storm_of_hostile_clients_while_a_normal_client_is_served) {
  auto o = plain(300ms, 5s);
  o.max_connections = 64;
  o.max_header_bytes = 8 << 10;
  o.max_request_body = 64 << 10;
  mock_fixture f(o);
  auto& srv = f.server.get();
  const auto port = srv.port();
  std::atomic<bool> stop{false};
  std::atomic<int> hostile_done{0};

  std::vector<std::thread> storm;
  // Garbage: random bytes, and bytes that almost look like HTTP.
  storm.emplace_back([&] {
    std::mt19937 rng(12);
    for (int i = 0; i < 30 && !stop; ++i) {
      raw_conn c(port);
      std::string bytes(1 + rng() % 3000, '\0');
      for (auto& b : bytes) b = static_cast<char>(rng());
      if (i % 3 == 1) bytes = "GET /" + bytes + " HTTP/1.1\r\n\r\n";
      if (i % 3 == 2) bytes = "POST /api/v1/chat/completions HTTP/1.1\r\nContent-Length: -5\r\n\r\n" + bytes;
      c.send(bytes);
      c.closed_within(3s);
    }
    ++hostile_done;
  });
  // Half-open connections (nothing sent, or half a header), held until the mock drops them.
  storm.emplace_back([&] {
    std::vector<std::unique_ptr<raw_conn>> held;
    for (int i = 0; i < 20; ++i) {
      held.push_back(std::make_unique<raw_conn>(port));
      if (i % 2) held.back()->send("GET /api/v1/models HTTP/1.1\r\nHost: loc");
    }
    for (auto& c : held) c->closed_within(10s);
    ++hostile_done;
  });
  // Slow clients: one byte per 40 ms.
  for (int k = 0; k < 3; ++k)
    storm.emplace_back([&] {
      for (int round = 0; round < 3 && !stop; ++round) {
        raw_conn c(port);
        for (char ch : models_request)
          if (!c.send(std::string(1, ch)) || !c.still_open_after(40ms)) break;
      }
      ++hostile_done;
    });
  // Oversize headers and bodies, and hostile fault parameters on well-formed requests.
  storm.emplace_back([&] {
    for (int i = 0; i < 5 && !stop; ++i) {
      raw_conn h(port);
      h.send("GET /api/v1/models HTTP/1.1\r\nX-Big: " + std::string(32 << 10, 'h') + "\r\n\r\n");
      h.closed_within(3s);
      raw_conn b(port);
      b.send("POST /api/v1/chat/completions HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n" + std::string(70000, 'x'));
      b.closed_within(3s);
      http_client hostile("127.0.0.1", port, "");
      hostile.request("POST", api("/chat/completions"),
                      json::serialize(chat_body("fault/stall;seconds=1e300;tokens=1000000000", "x", true)), {}, 3s);
    }
    ++hostile_done;
  });

  // The normal client, throughout.
  int served = 0, failed = 0;
  const int hostile_threads = static_cast<int>(storm.size());
  auto start = clock_type::now();
  while (hostile_done < hostile_threads && clock_type::now() - start < 60s) {
    auto r = served % 2 ? f.client.get(api("/models?limit=1")) : f.chat(chat_body("openai/gpt-4o-mini"));
    if (r.status == 200u) ++served;
    else ++failed;
  }
  stop = true;
  for (auto& t : storm) t.join();
  BOOST_TEST(failed == 0);
  BOOST_TEST(served > 0);
  // Every hostile connection is gone; only the normal client's may remain.
  BOOST_TEST(eventually([&] { return srv.stats().connections_open <= 1; }));
  BOOST_TEST(eventually([&] { return srv.stats().connections_timed_out >= 10u; }));
  BOOST_TEST(f.client.get(api("/models?limit=1")).status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
