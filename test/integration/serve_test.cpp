// `openrouter serve` (src/serve): the gateway started in-process on port 0 in front of an
// in-process openrouter-mock (verified HTTPS), driven by plain HTTP callers: JSON and streamed
// chat, disconnects, fallbacks, tokens, budgets, limits, metrics, the access log, drain; the
// reference skill's /api/openrouter/* routes; TLS termination (the library's own client over
// HTTPS, plain HTTP and silent callers on the TLS port, unusable certificates); and the built
// binary printing its `listening` line and draining on SIGTERM.
#include "support/cli_process.hpp"
#include "support/client_fixture.hpp"
#include "support/http_client.hpp"

#include <serve/config.hpp>
#include <serve/gateway.hpp>
#include <tls/server_tls.hpp>

#include <openrouter/client.hpp>
#include <openrouter/mock/server.hpp>
#include <openrouter/sync_client.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
namespace serve = openrouter::serve;
namespace mock = openrouter::mock;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

const std::string upstream_key = "sk-or-v1-test-0123456789abcdef";  // test::config_for's

/// Polls `cond` every 10 ms for up to `limit`.
bool eventually(const std::function<bool()>& cond, std::chrono::seconds limit = 20s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

/// The gateway on a 2-thread io_context, the mock as its upstream.
struct gateway_fixture {
  explicit gateway_fixture(serve::gateway_options o = {}, mock::server_options mo = {})
      : mock(std::move(mo)), cli(ioc.get_executor(), test::config_for(mock.get())) {
    o.config.listen = "127.0.0.1";
    o.config.port = 0;
    gw = std::make_unique<serve::gateway>(ioc.get_executor(), cli, o);
    gw->start();
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~gateway_fixture() {
    gw->stop();
    eventually([&] { return gw->in_flight() == 0; }, 10s);
    work.reset();
    ioc.stop();
    for (auto& t : threads) t.join();
  }
  test::http_client caller(std::string token = "") {
    return test::http_client("127.0.0.1", gw->port(), ca_pem, "localhost", std::move(token));
  }

  std::string ca_pem;  // set: the gateway serves TLS with a certificate this CA signed

  mock::background_server mock;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  openrouter::client cli;
  std::unique_ptr<serve::gateway> gw;
  std::vector<std::thread> threads;
};

json::value chat_body(const std::string& model, bool stream = false) {
  return json::object{{"model", model},
                      {"stream", stream},
                      {"messages", json::array{json::object{{"role", "user"}, {"content", "hello"}}}}};
}

/// A raw caller socket: what it received so far, read with a deadline.
struct raw_caller {
  explicit raw_caller(std::uint16_t port) { s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)); }
  void send(const std::string& bytes) { asio::write(s, asio::buffer(bytes)); }
  void post(const std::string& path, const std::string& body, const std::string& token = "") {
    std::string r = "POST " + path + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n";
    if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
    send(r + "\r\n" + body);
  }
  /// Reads until `done(received)` or EOF; throws after `limit`.
  const std::string& read_until(const std::function<bool(const std::string&)>& done, std::chrono::seconds limit = 30s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done(received) && !eof) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no such data in time: " + received);
      pollfd p{s.native_handle(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(s.native_handle(), buf, sizeof buf, 0);
      if (n <= 0) eof = true;
      else received.append(buf, static_cast<std::size_t>(n));
    }
    return received;
  }
  void close() {
    boost::system::error_code ec;
    s.close(ec);
  }
  asio::io_context io;
  tcp::socket s{io};
  std::string received;
  bool eof = false;
};

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

/// Content deltas of an SSE body (test-side parse of the gateway's events).
std::string sse_text(const std::string& body) {
  std::string text;
  for (const auto& e : test::split_sse(body)) {
    if (e.comment || e.data == "[DONE]") continue;
    auto v = json::parse(e.data);
    for (const auto& c : v.at("choices").as_array())
      if (auto* d = c.as_object().if_contains("delta"))
        if (auto* ct = d->as_object().if_contains("content"); ct && ct->is_string()) text += ct->as_string();
  }
  return text;
}

serve::token_config token(std::string name, const std::string& secret) {
  serve::token_config t;
  t.name = std::move(name);
  t.sha256_hex = serve::sha256_hex(secret);
  return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(serve_test)

BOOST_AUTO_TEST_CASE(json_chat_models_and_health_for_a_loopback_caller_without_tokens) {
  gateway_fixture f;
  auto c = f.caller();
  auto h = c.get("/healthz");
  BOOST_TEST(h.status == 200u);
  BOOST_TEST(h.body == R"({"status":"ok"})");

  auto r = c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini"));
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  auto v = r.json();
  BOOST_TEST(v.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(!v.at("choices").at(0).at("message").at("content").as_string().empty());
  BOOST_TEST(v.at("usage").at("cost").as_double() > 0);
  BOOST_TEST(f.mock->stats().chat_requests == 1u);

  auto m = c.get("/api/v1/models");
  BOOST_TEST_REQUIRE(m.status == 200u);
  BOOST_TEST(m.json().at("data").as_array().size() > 100u);
  auto unknown = c.get("/api/v1/nothing");
  BOOST_TEST(unknown.status == 404u);
  BOOST_TEST(unknown.json().at("error").at("code").as_int64() == 404);
}

BOOST_AUTO_TEST_CASE(a_stream_reaches_the_caller_while_the_upstream_is_still_generating) {
  gateway_fixture f;
  raw_caller c(f.gw->port());
  // 20 tokens, 200 ms apart: the upstream needs about 4 s for the whole answer.
  c.post("/api/v1/chat/completions", json::serialize(chat_body("pace/itl_ms=200;tokens=20", true)));
  c.read_until([](const std::string& s) { return s.find("\"content\":\"") != std::string::npos &&
                                                 s.find("\"content\":\"\"") != s.rfind("\"content\":\""); });
  // The first content chunk is here; the mock is still streaming the rest.
  BOOST_TEST(f.mock->stats().streams_open == 1u);
  BOOST_TEST(c.received.find("[DONE]") == std::string::npos);
  BOOST_TEST(c.received.find("Content-Type: text/event-stream") != std::string::npos);
  BOOST_TEST(c.received.find("Transfer-Encoding: chunked") != std::string::npos);
  c.read_until([](const std::string& s) { return s.find("0\r\n\r\n") != std::string::npos; });
  BOOST_TEST(count(c.received, "data: [DONE]") == 1u);
  // The mock counts its stream closed just after its last write, which may be after the
  // gateway forwarded that write.
  BOOST_TEST(eventually([&] { return f.mock->stats().streams_open == 0u; }, 10s));
}

BOOST_AUTO_TEST_CASE(a_streamed_answer_is_whole_and_matches_the_upstream) {
  gateway_fixture f;
  auto c = f.caller();
  auto r = c.post("/api/v1/chat/completions", chat_body("pace/itl_ms=5;tokens=30", true));
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  BOOST_TEST(!r.error.failed());
  std::string text = sse_text(r.body);
  BOOST_TEST(!text.empty());
  auto gens = f.mock->generations();
  BOOST_TEST_REQUIRE(gens.size() == 1u);
  BOOST_TEST(gens[0].completion_tokens == 30);
  BOOST_TEST(!gens[0].cancelled);
}

BOOST_AUTO_TEST_CASE(the_callers_disconnect_cancels_the_upstream_stream) {
  gateway_fixture f;
  raw_caller c(f.gw->port());
  c.post("/api/v1/chat/completions", json::serialize(chat_body("pace/itl_ms=200;tokens=200", true)));
  c.read_until([](const std::string& s) { return count(s, "data: {") >= 2; });
  BOOST_TEST(f.mock->stats().streams_open == 1u);
  c.close();
  // 200 tokens would take 40 s: the mock sees the gateway hang up long before.
  BOOST_TEST(eventually([&] { return f.mock->stats().streams_open == 0; }));
  BOOST_TEST(eventually([&] {
    auto g = f.mock->generations();
    return g.size() == 1 && g[0].cancelled;
  }));
  BOOST_TEST(eventually([&] { return f.gw->in_flight() == 0; }));
  BOOST_TEST(eventually([&] {
    return f.gw->metrics_text().find(R"(model="pace/itl_ms=200;tokens=200",outcome="caller_gone",stream="true"} 1)") !=
           std::string::npos;
  }), f.gw->metrics_text());
}

BOOST_AUTO_TEST_CASE(a_caller_that_stops_reading_is_cut_off_and_the_answer_is_not_buffered) {
  serve::gateway_options o;
  o.config.write_timeout = 1s;
  gateway_fixture f(o);
  raw_caller c(f.gw->port());
  // About 60 MB of events as fast as the mock can write them; the caller reads none of it.
  c.post("/api/v1/chat/completions", json::serialize(chat_body("pace/tokens=200000", true)));
  BOOST_TEST_REQUIRE(eventually([&] { return f.mock->stats().streams_open == 1; }));
  // The gateway holds one event at a time: the mock is held back by TCP, never finishes, and
  // once the gateway's write to the caller times out it hangs up on the upstream too.
  BOOST_TEST(eventually([&] {
    auto g = f.mock->generations();
    return g.size() == 1 && g[0].cancelled;
  }, 60s));
  BOOST_TEST(f.mock->stats().streams_open == 0u);
  BOOST_TEST(eventually([&] { return f.gw->in_flight() == 0; }));
  auto m = f.gw->metrics_text();
  BOOST_TEST(m.find(R"(outcome="caller_gone",stream="true"} 1)") != std::string::npos, m);
}

BOOST_AUTO_TEST_CASE(the_callers_disconnect_cancels_a_stalled_json_request) {
  gateway_fixture f;
  raw_caller c(f.gw->port());
  c.post("/api/v1/chat/completions", json::serialize(chat_body("fault/stall;seconds=60")));
  BOOST_TEST_REQUIRE(eventually([&] { return f.mock->stats().chat_requests == 1; }));
  c.close();
  // The stall would last 60 s; the mock records the peer's close during it.
  BOOST_TEST(eventually([&] { return f.mock->stats().peer_closed_during_stall == 1; }));
  BOOST_TEST(eventually([&] { return f.gw->in_flight() == 0; }));
  BOOST_TEST(f.mock->stats().chat_requests == 1u);  // cancelled, not retried
  // Still counted: the metrics (and the console's ops view) show the hang-up.
  BOOST_TEST(eventually([&] {
    return f.gw->metrics_text().find(R"(model="fault/stall;seconds=60",outcome="caller_gone",stream="false"} 1)") !=
           std::string::npos;
  }), f.gw->metrics_text());
  BOOST_TEST(f.gw->metrics_text().find(R"(route="/api/v1/chat/completions",status="499"} 1)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_failing_first_model_falls_back_to_the_policys_next) {
  serve::gateway_options o;
  o.policy.models = {"openai/gpt-4o-mini"};
  o.policy.max_attempts_per_model = 1;
  gateway_fixture f(o);
  auto c = f.caller();
  auto r = c.post("/api/v1/chat/completions", chat_body("fault/503"));
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  BOOST_TEST(r.json().at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(f.mock->stats().chat_requests == 2u);
  // Streams fall back the same way (before their first content).
  auto s = c.post("/api/v1/chat/completions", chat_body("fault/503", true));
  BOOST_TEST_REQUIRE(s.status == 200u, s.body);
  BOOST_TEST(s.body.find("\"model\":\"openai/gpt-4o-mini\"") != std::string::npos);
  BOOST_TEST(count(s.body, "data: [DONE]") == 1u);
  auto metrics = f.gw->metrics_text();
  BOOST_TEST(metrics.find(R"(openrouter_gateway_attempts_total{model="fault/503",class="overloaded"} 2)") !=
             std::string::npos, metrics);
}

BOOST_AUTO_TEST_CASE(upstream_errors_come_back_as_openrouter_error_bodies) {
  gateway_fixture f;  // no fallbacks
  auto c = f.caller();
  auto r = c.post("/api/v1/chat/completions", chat_body("fault/404"));
  BOOST_TEST(r.status == 404u);
  auto e = r.json().at("error");
  BOOST_TEST(e.at("code").as_int64() == 404);
  BOOST_TEST(!e.at("message").as_string().empty());
  auto bad = c.request("POST", "/api/v1/chat/completions", "{not json", {{"Content-Type", "application/json"}});
  BOOST_TEST(bad.status == 400u);
  BOOST_TEST(bad.json().at("error").at("code").as_int64() == 400);
  // A mid-stream error after content: an error event, no [DONE].
  auto s = c.post("/api/v1/chat/completions", chat_body("fault/mid_stream_error;after_tokens=3", true));
  BOOST_TEST(s.status == 200u);
  BOOST_TEST(s.body.find("\"finish_reason\":\"error\"") != std::string::npos, s.body);
  BOOST_TEST(s.body.find("[DONE]") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_upstream_key_is_never_in_a_response_or_a_log_line) {
  test::cli::temp_dir dir;
  serve::gateway_options o;
  o.config.access_log = (dir.path / "access.jsonl").string();
  mock::server_options mo;
  mo.api_key = "sk-or-v1-a-different-key";  // the mock refuses the gateway's key: 401 upstream
  std::string everything;
  {
    gateway_fixture f(o, mo);
    auto c = f.caller();
    auto r = c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini"));
    BOOST_TEST(r.status == 502u);
    BOOST_TEST(r.json().at("error").at("message").as_string() == "upstream refused the gateway's credentials");
    for (const auto& [k, v] : r.headers) everything += k + ": " + v + "\n";
    everything += r.body;
    for (const char* p : {"/api/v1/models", "/metrics", "/healthz"}) {
      auto x = c.get(p);
      for (const auto& [k, v] : x.headers) everything += k + ": " + v + "\n";
      everything += x.body;
    }
    auto s = c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini", true));
    everything += s.body;
    everything += f.gw->metrics_text();
  }
  std::string log = test::read_file(dir.path / "access.jsonl");
  BOOST_TEST(test::cli::lines(log).size() == 5u, log);
  for (const auto& line : test::cli::lines(log)) BOOST_TEST(json::parse(line).is_object());
  BOOST_TEST(everything.find(upstream_key) == std::string::npos);
  BOOST_TEST(log.find(upstream_key) == std::string::npos);
  BOOST_TEST(everything.find("0123456789abcdef") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(tokens_are_checked_and_a_wrong_token_gets_a_bare_401) {
  serve::gateway_options o;
  o.config.tokens = {token("team-a", "tok-a-secret")};
  gateway_fixture f(o);
  auto none = f.caller("");
  for (const std::string& t : {std::string(""), std::string("tok-b"), std::string("tok-a-secreT")}) {
    auto c = f.caller(t);
    auto r = c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini"));
    BOOST_TEST(r.status == 401u);
    BOOST_TEST(r.body == R"({"error":{"code":401,"message":"unauthorized"}})");
    BOOST_TEST(c.get("/api/v1/models").status == 401u);
    BOOST_TEST(c.get("/metrics").status == 401u);
  }
  BOOST_TEST(f.mock->stats().chat_requests == 0u);
  auto ok = f.caller("tok-a-secret");
  BOOST_TEST(ok.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini")).status == 200u);
  BOOST_TEST(ok.get("/healthz").status == 200u);
}

BOOST_AUTO_TEST_CASE(each_token_has_its_allowed_models_budget_and_rate_limit) {
  serve::gateway_options o;
  auto a = token("team-a", "tok-a");
  a.allowed_models = {"openai/*"};
  a.budget_usd = 1e-9;  // spent by its first answer
  auto b = token("team-b", "tok-b");
  b.requests_per_minute = 2;
  o.config.tokens = {a, b};
  gateway_fixture f(o);

  auto ca = f.caller("tok-a");
  auto denied = ca.post("/api/v1/chat/completions", chat_body("anthropic/claude-3.5-haiku"));
  BOOST_TEST(denied.status == 403u);
  BOOST_TEST(std::string(denied.json().at("error").at("message").as_string()).find("not allowed") != std::string::npos);
  auto fallback_list = json::object{{"model", "openai/gpt-4o-mini"},
                                    {"models", json::array{"anthropic/claude-3.5-haiku"}},
                                    {"messages", json::array{json::object{{"role", "user"}, {"content", "x"}}}}};
  BOOST_TEST(ca.post("/api/v1/chat/completions", fallback_list).status == 403u);
  BOOST_TEST(f.mock->stats().chat_requests == 0u);
  BOOST_TEST(ca.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini")).status == 200u);
  auto broke = ca.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini"));
  BOOST_TEST(broke.status == 402u);
  BOOST_TEST(f.mock->stats().chat_requests == 1u);

  auto cb = f.caller("tok-b");  // budgets and limits are per token
  BOOST_TEST(cb.post("/api/v1/chat/completions", chat_body("anthropic/claude-3.5-haiku")).status == 200u);
  BOOST_TEST(cb.post("/api/v1/chat/completions", chat_body("anthropic/claude-3.5-haiku")).status == 200u);
  auto limited = cb.post("/api/v1/chat/completions", chat_body("anthropic/claude-3.5-haiku"));
  BOOST_TEST(limited.status == 429u);
  BOOST_TEST(!limited.header("retry-after").empty());
  BOOST_TEST(f.mock->stats().chat_requests == 3u);
  auto metrics = f.gw->metrics_text();
  BOOST_TEST(metrics.find("openrouter_gateway_spend_usd_total{caller=\"team-a\"}") != std::string::npos);
  BOOST_TEST(metrics.find("openrouter_gateway_spend_usd_total{caller=\"team-b\"}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cors_origins_are_per_token) {
  serve::gateway_options o;
  auto a = token("web", "tok-web");
  a.cors_origins = {"https://app.example.com"};
  o.config.tokens = {a};
  gateway_fixture f(o);
  auto c = f.caller("tok-web");
  auto pre = c.request("OPTIONS", "/api/v1/chat/completions", "", {{"Origin", "https://app.example.com"}});
  BOOST_TEST(pre.status == 204u);
  BOOST_TEST(pre.header("access-control-allow-origin") == "https://app.example.com");
  auto other = c.request("OPTIONS", "/api/v1/chat/completions", "", {{"Origin", "https://evil.example.com"}});
  BOOST_TEST(other.header("access-control-allow-origin").empty());
  auto r = c.request("GET", "/api/v1/models", "", {{"Origin", "https://app.example.com"}});
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("access-control-allow-origin") == "https://app.example.com");
}

BOOST_AUTO_TEST_CASE(request_body_and_header_limits) {
  serve::gateway_options o;
  o.config.max_body_bytes = 1024;
  o.config.max_header_bytes = 2048;
  gateway_fixture f(o);
  auto c = f.caller();
  auto big = c.request("POST", "/api/v1/chat/completions", std::string(4096, 'x'), {{"Content-Type", "application/json"}});
  BOOST_TEST(big.status == 413u);
  BOOST_TEST(big.json().at("error").at("code").as_int64() == 413);
  auto c2 = f.caller();
  auto fat = c2.request("GET", "/healthz", "", {{"X-Fat", std::string(4096, 'y')}});
  BOOST_TEST(fat.status == 431u);
  BOOST_TEST(f.mock->stats().chat_requests == 0u);
  raw_caller junk(f.gw->port());
  junk.send("NOT AN HTTP REQUEST\r\n\r\n");
  junk.read_until([](const std::string&) { return false; });  // to EOF
  BOOST_TEST(junk.received.starts_with("HTTP/1.1 400 "), junk.received);
  auto c3 = f.caller();
  BOOST_TEST(c3.get("/healthz").status == 200u);
}

BOOST_AUTO_TEST_CASE(metrics_after_traffic) {
  gateway_fixture f;
  auto c = f.caller();
  BOOST_TEST(c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini")).status == 200u);
  BOOST_TEST(c.post("/api/v1/chat/completions", chat_body("pace/itl_ms=1;tokens=5", true)).status == 200u);
  BOOST_TEST(c.post("/api/v1/chat/completions", chat_body("fault/400")).status == 400u);
  auto m = c.get("/metrics");
  BOOST_TEST_REQUIRE(m.status == 200u);
  BOOST_TEST(m.header("content-type").starts_with("text/plain; version=0.0.4"));
  const std::string& t = m.body;
  for (const char* needle :
       {R"(openrouter_gateway_requests_total{model="openai/gpt-4o-mini",outcome="success",stream="false"} 1)",
        R"(openrouter_gateway_requests_total{model="pace/itl_ms=1;tokens=5",outcome="success",stream="true"} 1)",
        R"(openrouter_gateway_requests_total{model="fault/400",outcome="bad_request",stream="false"} 1)",
        R"(openrouter_gateway_attempts_total{model="openai/gpt-4o-mini",class="success"} 1)",
        R"(openrouter_gateway_attempts_total{model="fault/400",class="bad_request"} 1)",
        "openrouter_gateway_in_flight 0\n",
        R"(openrouter_gateway_e2e_seconds_count{stream="false"} 2)",
        R"(openrouter_gateway_e2e_seconds_count{stream="true"} 1)", "openrouter_gateway_ttft_seconds_count 1\n",
        R"(openrouter_gateway_ttft_seconds_bucket{le="+Inf"} 1)", R"(openrouter_upstream_pool{stat="connections_opened"})",
        R"(openrouter_gateway_breaker_state{model="openai/gpt-4o-mini",state="closed"} 1)",
        R"(openrouter_gateway_spend_usd_total{caller="loopback"} )"})
    BOOST_TEST(t.find(needle) != std::string::npos, "missing " << needle << " in\n" << t);
}

BOOST_AUTO_TEST_CASE(an_upstream_speaking_http2_carries_the_callers_on_one_connection) {
  mock::server_options mo;
  mo.http2 = true;  // the gateway's client picks h2 by ALPN, as with OpenRouter's edge
  gateway_fixture f({}, mo);
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    callers.emplace_back([&] {
      auto c = f.caller();
      for (int j = 0; j < 5; ++j)
        if (c.post("/api/v1/chat/completions", chat_body("pace/itl_ms=2;tokens=5", j % 2 == 0)).status == 200u) ++ok;
    });
  for (auto& t : callers) t.join();
  BOOST_TEST(ok.load() == 40);
  const std::string t = f.caller().get("/metrics").body;
  for (const char* needle : {R"(openrouter_upstream_pool{stat="h2_connections_opened"} 1)",
                             R"(openrouter_upstream_pool{stat="h2_streams_opened"} 40)",
                             R"(openrouter_upstream_pool{stat="connections_opened"} 1)"})
    BOOST_TEST(t.find(needle) != std::string::npos, "missing " << needle << " in\n" << t);
  BOOST_TEST(f.mock->stats().h2_streams == 40u);
}

BOOST_AUTO_TEST_CASE(drain_lets_a_stream_finish_and_refuses_new_connections) {
  gateway_fixture f;
  raw_caller c(f.gw->port());
  c.post("/api/v1/chat/completions", json::serialize(chat_body("pace/itl_ms=50;tokens=20", true)));
  c.read_until([](const std::string& s) { return count(s, "data: {") >= 2; });
  std::atomic<bool> drained{false};
  f.gw->drain([&] { drained = true; });
  BOOST_TEST(eventually([&] {
    boost::system::error_code ec;
    asio::io_context io;
    tcp::socket s(io);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), f.gw->port()), ec);
    return ec.failed();
  }));
  c.read_until([](const std::string& s) { return s.find("0\r\n\r\n") != std::string::npos; });
  BOOST_TEST(count(c.received, "data: [DONE]") == 1u);
  c.read_until([](const std::string&) { return false; });  // then the gateway hangs up: EOF
  BOOST_TEST(c.eof);
  BOOST_TEST(eventually([&] { return drained.load(); }));
  BOOST_TEST(!f.mock->generations().at(0).cancelled);
}

BOOST_AUTO_TEST_CASE(config_validation_names_the_field) {
  auto error_of = [](const std::string& text) -> std::string {
    try {
      serve::parse_config(json::parse(text));
    } catch (const serve::config_error& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string h(64, 'a');
  BOOST_TEST(error_of(("{\"tokens\":[{\"name\":\"a\",\"sha256\":\"" + h + "\"},{\"name\":\"b\",\"sha256\":\"" +
                       std::string(64, 'b') + "\",\"budget_usd\":-1}]}")) ==
             "tokens[1].budget_usd: must be a non-negative number");
  BOOST_TEST(error_of(R"({"tokens":[{"name":"a","token":"plain"}]})").starts_with("tokens[0].token: plain tokens are not accepted"));
  BOOST_TEST(error_of(R"({"tokens":[{"name":"a","sha256":"abc"}]})").starts_with("tokens[0].sha256: must be the SHA-256"));
  BOOST_TEST(error_of(R"({"tokens":[{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}]})") ==
             "tokens[0].name: is required");
  BOOST_TEST(error_of(R"({"port":70000})") == "port: must be a whole number from 0 to 65535");
  BOOST_TEST(error_of(R"({"threads":0})") == "threads: must be a whole number from 1 to 256");
  BOOST_TEST(error_of(R"({"colour":"blue"})") == "colour: unknown key");
  BOOST_TEST(error_of(R"({"tokens":[{"name":"a","sha256":")" + h + R"(","allowed_models":"x"}]})") ==
             "tokens[0].allowed_models: must be an array of strings");
  BOOST_TEST(error_of(R"({"tokens":[{"name":"a","sha256":")" + h + R"(","cors_origins":["example.com"]}]})")
                 .starts_with("tokens[0].cors_origins[0]: must be"));
  BOOST_TEST(error_of(R"({"tokens":[{"name":"a","sha256":")" + h + R"("},{"name":"a","sha256":")" +
                      std::string(64, 'c') + R"("}]})") == "tokens[1].name: is used by another token");
  auto ok = serve::parse_config(json::parse(R"({"listen":"0.0.0.0","port":0,"threads":4,"tokens":[{"name":"a","sha256":")" +
                                             h + R"(","budget_usd":2.5,"requests_per_minute":60}]})"));
  BOOST_TEST(ok.threads == 4u);
  BOOST_TEST(ok.tokens.at(0).budget_usd.value() == 2.5);
  BOOST_TEST(serve::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(the_binary_prints_its_listening_line_serves_and_drains_on_sigterm) {
  mock::background_server upstream;
  test::cli::temp_dir dir;
  auto ca = dir.write("ca.pem", upstream->ca_pem());
  auto config = dir.write("gw.json", R"({"port": 0, "threads": 2, "tokens": [{"name": "ci", "sha256": ")" +
                                          serve::sha256_hex("ci-token") + R"("}]})");
  test::cli_process p(dir.path,
                      {"serve", "--config", config.string(), "--base-url", upstream->base_url(), "--ca-file",
                       ca.string(), "--access-log", (dir.path / "access.jsonl").string()},
                      {{"OPENROUTER_API_KEY", upstream_key}});
  BOOST_TEST_REQUIRE(eventually([&] { return p.out().find('\n') != std::string::npos || !p.running(); }),
                     p.err());
  std::string line = p.out();
  BOOST_TEST_REQUIRE(line.starts_with("listening http://127.0.0.1:"), line << p.err());
  BOOST_TEST(test::cli::lines(line).size() == 1u);
  auto port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  test::http_client c("127.0.0.1", port, "", "localhost", "ci-token");
  auto r = c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini"));
  BOOST_TEST(r.status == 200u, r.body);
  c.set_api_key("wrong");
  BOOST_TEST(c.post("/api/v1/chat/completions", chat_body("openai/gpt-4o-mini")).status == 401u);
  ::kill(p.pid(), SIGTERM);
  BOOST_TEST(p.wait(30s) == 0, p.err());
  std::string log = test::read_file(dir.path / "access.jsonl");
  BOOST_TEST(test::cli::lines(log).size() == 2u, log);
  BOOST_TEST(log.find("ci-token") == std::string::npos);
  BOOST_TEST(log.find(upstream_key) == std::string::npos);
  BOOST_TEST(p.err().find(upstream_key) == std::string::npos);

  // A bad config: exit 2, the field named.
  auto bad = dir.write("bad.json", R"({"tokens": [{"name": "x", "sha256": ")" + std::string(64, '0') +
                                       R"(", "budget_usd": "lots"}]})");
  auto res = test::cli::run(OPENROUTER_BINARY_DIR "/openrouter", dir, {"serve", "--config", bad.string()},
                            {{"OPENROUTER_API_KEY", upstream_key}});
  BOOST_TEST(res.code == 2);
  BOOST_TEST(res.err.find("tokens[0].budget_usd: must be a non-negative number") != std::string::npos, res.err);
}

// The binary sizes its upstream pool to the callers it admits: 300 streams in flight at once each
// get their own upstream connection at once (the client's default pool, 256, would queue 44 of
// them until others finish).
BOOST_AUTO_TEST_CASE(the_binary_gives_every_admitted_stream_its_own_upstream_connection) {
  mock::background_server upstream;
  test::cli::temp_dir dir;
  auto ca = dir.write("ca.pem", upstream->ca_pem());
  test::cli_process p(dir.path, {"serve", "--port", "0", "--base-url", upstream->base_url(), "--ca-file", ca.string()},
                      {{"OPENROUTER_API_KEY", upstream_key}});
  BOOST_TEST_REQUIRE(eventually([&] { return p.out().find('\n') != std::string::npos || !p.running(); }), p.err());
  const std::string line = p.out();
  BOOST_TEST_REQUIRE(line.starts_with("listening http://127.0.0.1:"), line << p.err());
  const auto port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));

  constexpr int streams = 300;
  // 30 s before the first token: every stream stays open upstream while we look.
  const std::string body = json::serialize(chat_body("pace/ttft_ms=30000;tokens=2", true));
  std::string request = "POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        "Content-Length: ";
  request.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  asio::io_context io;
  std::vector<tcp::socket> callers;
  for (int i = 0; i < streams; ++i) {
    callers.emplace_back(io);
    callers.back().connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(callers.back(), asio::buffer(request));
  }
  test::http_client c("127.0.0.1", port, "", "localhost", "");
  auto pool_stat = [&](const std::string& stat) {
    const std::string text = c.get("/metrics").body;
    const std::string key = "openrouter_upstream_pool{stat=\"" + stat + "\"} ";
    const auto at = text.find(key);
    return at == std::string::npos ? -1 : std::stoi(text.substr(at + key.size()));
  };
  BOOST_TEST(eventually([&] { return upstream->stats().streams_open >= static_cast<std::uint64_t>(streams); }, 30s),
             "streams open upstream: " << upstream->stats().streams_open);
  BOOST_TEST(pool_stat("in_use") == streams);
  BOOST_TEST(pool_stat("waits") == 0);
  for (auto& s : callers) s.close();
  ::kill(p.pid(), SIGTERM);
  BOOST_TEST(p.wait(30s) == 0, p.err());
}

// --- TLS termination ---------------------------------------------------------------------------

namespace {

/// A CA and a localhost certificate (the mock's generator, src/tls), as PEM files in `dir`.
struct tls_files {
  explicit tls_files(const test::cli::temp_dir& dir) : m(openrouter::tls::generate_tls_material()) {
    ca = dir.write("ca.pem", m.ca_pem);
    cert = dir.write("cert.pem", m.cert_pem);
    key = dir.write("key.pem", m.key_pem);
  }
  openrouter::tls::tls_material m;
  std::filesystem::path ca, cert, key;
};

serve::gateway_options tls_options(const tls_files& t) {
  serve::gateway_options o;
  o.config.cert_file = t.cert.string();
  o.config.key_file = t.key.string();
  return o;
}

/// The library's own blocking client aimed at the gateway over HTTPS, trusting `ca_file` only.
openrouter::client_config gateway_client_config(const serve::gateway& gw, const std::filesystem::path& ca_file,
                                                std::string token) {
  openrouter::client_config cfg;
  cfg.base_url = gw.url() + "/api/v1";
  cfg.api_key = std::move(token);  // the gateway token: the library sends it as Bearer
  cfg.tls.ca_file = ca_file.string();
  cfg.tls.use_system_store = false;
  return cfg;
}

std::string config_error_of(serve::gateway_options o) {
  asio::io_context io;
  mock::background_server upstream;
  openrouter::client cli(io.get_executor(), test::config_for(upstream.get()));
  try {
    serve::gateway gw(io.get_executor(), cli, std::move(o));
  } catch (const serve::config_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

BOOST_AUTO_TEST_CASE(tls_the_librarys_client_chats_and_streams_through_the_gateway) {
  test::cli::temp_dir dir;
  tls_files t(dir);
  auto o = tls_options(t);
  o.config.tokens = {token("app", "tok-app")};
  gateway_fixture f(o);
  BOOST_TEST_REQUIRE(f.gw->url().starts_with("https://127.0.0.1:"), f.gw->url());

  openrouter::sync_client cli(gateway_client_config(*f.gw, t.ca, "tok-app"));
  auto answer = cli.chat(test::chat_request("openai/gpt-4o-mini"));
  BOOST_TEST(!answer.text().empty());
  std::string streamed;
  std::size_t chunks = 0;
  auto all = cli.chat_stream(test::chat_request("pace/itl_ms=5;tokens=20"), [&](const openrouter::wire::chat_chunk& c) {
    streamed += c.text();
    ++chunks;
    return true;
  });
  BOOST_TEST(chunks >= 20u);
  BOOST_TEST(!streamed.empty());
  BOOST_TEST(all.text() == streamed);
  auto gens = f.mock->generations();
  BOOST_TEST_REQUIRE(gens.size() == 2u);
  BOOST_TEST(gens[1].completion_text == streamed);  // what upstream generated, whole, over TLS
  BOOST_TEST(gens[1].streamed);
  // A wrong token over TLS: the library's typed 401.
  openrouter::sync_client stranger(gateway_client_config(*f.gw, t.ca, "tok-wrong"));
  BOOST_CHECK_THROW(stranger.chat(test::chat_request()), openrouter::api_error);
  BOOST_TEST(f.mock->stats().chat_requests == 2u);
}

BOOST_AUTO_TEST_CASE(tls_plain_http_gets_a_clear_400_and_a_silent_caller_is_dropped_at_the_handshake_deadline) {
  test::cli::temp_dir dir;
  tls_files t(dir);
  auto o = tls_options(t);
  o.config.handshake_timeout = 300ms;
  o.config.read_timeout = 10min;  // only the handshake deadline can close the silent caller
  o.config.idle_timeout = 10min;
  gateway_fixture f(o);

  raw_caller plain(f.gw->port());
  plain.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n");
  plain.read_until([](const std::string&) { return false; });  // to EOF
  BOOST_TEST(plain.received.starts_with("HTTP/1.1 400 "), plain.received);
  BOOST_TEST(plain.received.find("this port serves HTTPS only") != std::string::npos, plain.received);

  raw_caller silent(f.gw->port());  // connects, sends nothing
  silent.read_until([](const std::string&) { return false; });
  BOOST_TEST(silent.eof);
  BOOST_TEST(silent.received.empty());
  BOOST_TEST(eventually([&] {
    return f.gw->metrics_text().find("openrouter_gateway_tls_handshake_failures_total 2\n") != std::string::npos;
  }));
  // Neither hurt the gateway: a TLS caller is served.
  f.ca_pem = t.m.ca_pem;
  auto c = f.caller();
  auto h = c.get("/healthz");
  BOOST_TEST(h.status == 200u);
  BOOST_TEST(!h.error.failed());
}

BOOST_AUTO_TEST_CASE(tls_unusable_certificate_or_key_fails_at_start_up_naming_it) {
  test::cli::temp_dir dir;
  tls_files t(dir);
  tls_files other(dir);  // (overwrites the files of t: take other's PEM, then write t's again)
  auto cert = dir.write("cert.pem", t.m.cert_pem), key = dir.write("key.pem", t.m.key_pem);
  auto other_key = dir.write("other-key.pem", other.m.key_pem);
  auto junk = dir.write("junk.pem", "not a certificate\n");
  auto missing = (dir.path / "missing.pem").string();
  auto with = [&](const std::string& c, const std::string& k) {
    serve::gateway_options o;
    o.config.cert_file = c;
    o.config.key_file = k;
    return config_error_of(o);
  };
  BOOST_TEST(with(missing, key.string()) == "cert_file: " + missing + ": cannot read the file");
  BOOST_TEST(with(junk.string(), key.string()).starts_with("cert_file: " + junk.string() + ": not a usable PEM certificate"));
  BOOST_TEST(with(cert.string(), junk.string()).starts_with("key_file: " + junk.string() + ": not a usable PEM private key"));
  BOOST_TEST(with(cert.string(), other_key.string()) ==
             "key_file: " + other_key.string() + ": the private key does not match the certificate");
  BOOST_TEST(with(cert.string(), "") == "key_file: is required with cert_file (TLS needs both)");
  BOOST_TEST(with(cert.string(), key.string()) == "no error");

  // The same through the JSON config and the command line (exit 2, the reason on stderr).
  BOOST_CHECK_THROW(serve::parse_config(json::parse(R"({"cert_file":"c.pem"})")), serve::config_error);
  auto res = test::cli::run(OPENROUTER_BINARY_DIR "/openrouter", dir,
                            {"serve", "--port", "0", "--cert", cert.string(), "--key", other_key.string()},
                            {{"OPENROUTER_API_KEY", upstream_key}});
  BOOST_TEST(res.code == 2);
  BOOST_TEST(res.err.find("the private key does not match the certificate") != std::string::npos, res.err);
  BOOST_TEST(res.out.empty(), res.out);  // no `listening` line
}

// --- the reference skill's routes ---------------------------------------------------------------

namespace {

bool free_pricing(const json::object& pricing) {
  for (const char* k : {"prompt", "completion", "request", "image"})
    if (auto* p = pricing.if_contains(k); p && p->as_string() != "0") return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(skill_models_free_models_and_providers) {
  gateway_fixture f;
  auto c = f.caller();
  auto all = c.get("/api/openrouter/models");
  BOOST_TEST_REQUIRE(all.status == 200u, all.body);
  auto v = all.json().as_object();
  BOOST_TEST(v.at("cached").as_bool() == false);
  const auto& models = v.at("models").as_array();
  auto upstream = c.get("/api/v1/models").json().at("data").as_array();
  BOOST_TEST(models.size() == upstream.size());
  std::string last;
  for (const auto& mv : models) {
    const auto& m = mv.as_object();
    for (const char* k : {"id", "name", "provider", "description", "contextLength", "inputModalities",
                          "outputModalities", "supportedParameters", "pricing"})
      BOOST_TEST(m.contains(k), k << " missing in " << json::serialize(m));
    std::string id(m.at("id").as_string());
    BOOST_TEST(m.at("provider").as_string() == id.substr(0, id.find('/')));
    std::string key = std::string(m.at("provider").as_string()) + "\n" + std::string(m.at("name").as_string());
    BOOST_TEST((last <= key), last << " before " << key);  // sorted by provider, then name
    last = key;
  }
  BOOST_TEST(c.get("/api/openrouter/models").json().at("cached").as_bool() == true);

  auto vision = c.get("/api/openrouter/models?visionOnly=true").json().at("models").as_array();
  BOOST_TEST(!vision.empty());
  BOOST_TEST(vision.size() < models.size());
  for (const auto& m : vision) {
    const auto& in = m.at("inputModalities").as_array();
    BOOST_TEST((std::find(in.begin(), in.end(), json::value("image")) != in.end()));
  }

  auto free = c.get("/api/openrouter/free-models");
  BOOST_TEST_REQUIRE(free.status == 200u, free.body);
  std::size_t expected = 0;
  for (const auto& m : upstream)
    if (free_pricing(m.at("pricing").as_object())) ++expected;
  const auto free_models = free.json().at("models").as_array();
  BOOST_TEST(expected > 0u);
  BOOST_TEST(free_models.size() == expected);
  for (const auto& m : free_models) BOOST_TEST(free_pricing(m.at("pricing").as_object()));

  auto p = c.get("/api/openrouter/providers");
  BOOST_TEST_REQUIRE(p.status == 200u, p.body);
  const auto providers = p.json().at("providers").as_array();
  BOOST_TEST(providers.size() > 3u);
  for (std::size_t i = 1; i < providers.size(); ++i)
    BOOST_TEST((providers[i - 1].at("name").as_string() <= providers[i].at("name").as_string()));
  BOOST_TEST(p.json().at("cached").as_bool() == false);
  BOOST_TEST(c.get("/api/openrouter/providers").json().at("cached").as_bool() == true);
  BOOST_TEST(c.request("POST", "/api/openrouter/models", "{}").status == 405u);
}

BOOST_AUTO_TEST_CASE(skill_chat_json_and_sse_take_the_policy_path) {
  serve::gateway_options o;
  o.policy.models = {"openai/gpt-4o-mini"};
  o.policy.max_attempts_per_model = 1;
  gateway_fixture f(o);
  auto c = f.caller();
  auto messages = json::array{json::object{{"role", "user"}, {"content", "hello"}}};
  // fault/503 fails; the policy's fallback serves it, as on /api/v1/chat/completions.
  auto r = c.post("/api/openrouter/chat", json::object{{"model", "fault/503"}, {"messages", messages}});
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  auto v = r.json().as_object();
  BOOST_TEST(v.size() == 4u, r.body);  // id, model, choices, usage
  BOOST_TEST(v.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(v.at("id").as_string().starts_with("gen-"));
  BOOST_TEST(!v.at("choices").at(0).at("message").at("content").as_string().empty());
  BOOST_TEST(v.at("usage").at("cost").as_double() > 0);
  BOOST_TEST(f.mock->stats().chat_requests == 2u);

  auto s = c.post("/api/openrouter/chat",
                  json::object{{"model", "pace/itl_ms=1;tokens=12"}, {"stream", true}, {"messages", messages}});
  BOOST_TEST_REQUIRE(s.status == 200u, s.body);
  BOOST_TEST(s.header("content-type") == "text/event-stream");
  BOOST_TEST(count(s.body, "data: [DONE]") == 1u);
  BOOST_TEST(!sse_text(s.body).empty());

  // The templates' defaults: model openai/gpt-4o-mini, temperature 0.
  auto d = c.post("/api/openrouter/chat", json::object{{"messages", messages}});
  BOOST_TEST_REQUIRE(d.status == 200u, d.body);
  auto gens = f.mock->generations();
  BOOST_TEST_REQUIRE(gens.size() == 3u);
  BOOST_TEST(gens.back().requested_model == "openai/gpt-4o-mini");
  BOOST_TEST(gens.back().request.at("temperature").to_number<double>() == 0.0);

  auto bad = c.post("/api/openrouter/chat", json::object{{"model", "openai/gpt-4o-mini"}});
  BOOST_TEST(bad.status == 400u);
  BOOST_TEST(bad.body == R"({"error":"messages is required"})");
  auto metrics = f.gw->metrics_text();
  BOOST_TEST(metrics.find(R"(openrouter_gateway_responses_total{route="/api/openrouter/chat",status="200"} 3)") !=
             std::string::npos, metrics);
}

BOOST_AUTO_TEST_CASE(skill_generation_waits_out_the_lag_and_an_unknown_id_is_a_clear_404) {
  serve::gateway_options o;
  o.config.generation_wait = 3s;
  mock::server_options mo;
  mo.generation_delay = 500ms;  // /generation?id= answers 404 this long after the completion
  gateway_fixture f(o, mo);
  auto c = f.caller();
  auto r = c.post("/api/openrouter/chat", chat_body("openai/gpt-4o-mini"));
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  std::string id(r.json().at("id").as_string());
  auto before = f.mock->stats().requests;
  auto g = c.get("/api/openrouter/generation/" + id);  // at once: upstream still answers 404
  BOOST_TEST_REQUIRE(g.status == 200u, g.body);
  auto gen = g.json().at("generation");
  BOOST_TEST(gen.at("id").as_string() == id);
  BOOST_TEST(gen.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(gen.at("total_cost").to_number<double>() > 0);
  BOOST_TEST(f.mock->stats().requests - before >= 2u);  // a 404 first, then the record

  before = f.mock->stats().requests;
  auto unknown = c.get("/api/openrouter/generation/gen-never-issued");
  BOOST_TEST(unknown.status == 404u);
  std::string msg(unknown.json().at("error").as_string());
  BOOST_TEST(msg.find("gen-never-issued not found") != std::string::npos, msg);
  BOOST_TEST(msg.find("3000 ms") != std::string::npos, msg);
  BOOST_TEST(f.mock->stats().requests - before >= 2u);  // it kept asking until the deadline
  BOOST_TEST(c.get("/api/openrouter/generation/").status == 400u);  // no id
  BOOST_TEST(c.get("/api/openrouter/generation/a%2").status == 400u);
  // An upstream error keeps its status, in the templates' error shape.
  auto upstream_error = c.post("/api/openrouter/chat", chat_body("fault/404"));
  BOOST_TEST(upstream_error.status == 404u);
  BOOST_TEST(upstream_error.json().at("error").is_string(), upstream_error.body);
  std::string log_route = f.gw->metrics_text();
  BOOST_TEST(log_route.find(R"(route="/api/openrouter/generation/:id",status="404")") != std::string::npos);
  BOOST_TEST(log_route.find("gen-never-issued") == std::string::npos);  // ids are not metric labels
}

BOOST_AUTO_TEST_CASE(skill_routes_need_a_token_with_access) {
  serve::gateway_options o;
  auto a = token("web", "tok-web");
  a.allowed_models = {"anthropic/*"};
  a.cors_origins = {"https://app.example.com"};
  o.config.tokens = {a};
  gateway_fixture f(o);
  auto messages = json::array{json::object{{"role", "user"}, {"content", "hello"}}};
  for (const std::string& t : {std::string(""), std::string("tok-other")}) {
    auto c = f.caller(t);
    for (const char* p : {"/api/openrouter/models", "/api/openrouter/free-models", "/api/openrouter/providers",
                          "/api/openrouter/generation/gen-1", "/api/openrouter/model-endpoints?model=openai/gpt-4o-mini"}) {
      auto r = c.get(p);
      BOOST_TEST(r.status == 401u, p);
      BOOST_TEST(r.body == R"({"error":"unauthorized"})", p);
    }
    auto r = c.post("/api/openrouter/chat", json::object{{"model", "anthropic/claude-3.5-haiku"}, {"messages", messages}});
    BOOST_TEST(r.status == 401u);
    BOOST_TEST(r.body == R"({"error":"unauthorized"})");
  }
  BOOST_TEST(f.mock->stats().requests == 0u);  // nothing reached upstream
  auto ok = f.caller("tok-web");
  // The token's model list applies to /chat (its default model included).
  auto denied = ok.post("/api/openrouter/chat", json::object{{"messages", messages}});
  BOOST_TEST(denied.status == 403u);
  BOOST_TEST(denied.json().at("error").as_string() == "model openai/gpt-4o-mini is not allowed for this token");
  auto allowed = ok.request("POST", "/api/openrouter/chat",
                            json::serialize(json::object{{"model", "anthropic/claude-3.5-haiku"}, {"messages", messages}}),
                            {{"Content-Type", "application/json"}, {"Origin", "https://app.example.com"}});
  BOOST_TEST(allowed.status == 200u, allowed.body);
  BOOST_TEST(allowed.header("access-control-allow-origin") == "https://app.example.com");
  BOOST_TEST(ok.get("/api/openrouter/providers").status == 200u);
  BOOST_TEST(f.mock->stats().chat_requests == 1u);
}

BOOST_AUTO_TEST_CASE(skill_model_endpoints) {
  gateway_fixture f;
  auto c = f.caller();
  auto r = c.get("/api/openrouter/model-endpoints?model=meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  auto v = r.json().as_object();
  BOOST_TEST(v.at("id").as_string() == "meta-llama/llama-3.3-70b-instruct");
  const auto& eps = v.at("endpoints").as_array();
  BOOST_TEST(eps.size() == 6u);  // the mock's catalog: six endpoints for this model
  for (const auto& e : eps) {
    BOOST_TEST(e.as_object().contains("provider_name"));
    BOOST_TEST(e.as_object().contains("pricing"));
  }
  // %-encoded query values are decoded; the same answer.
  auto enc = c.get("/api/openrouter/model-endpoints?model=meta-llama%2Fllama-3.3-70b-instruct");
  BOOST_TEST(enc.status == 200u);
  BOOST_TEST(enc.json().at("endpoints").as_array().size() == 6u);

  auto missing = c.get("/api/openrouter/model-endpoints");
  BOOST_TEST(missing.status == 400u);
  BOOST_TEST(missing.json().at("error").as_string().find("model is required") != std::string::npos);
  BOOST_TEST(c.get("/api/openrouter/model-endpoints?model=%00x/y").status == 400u);
  auto no_slash = c.get("/api/openrouter/model-endpoints?model=gpt");
  BOOST_TEST(no_slash.status == 400u);
  BOOST_TEST(no_slash.json().at("error").as_string().find("author/slug") != std::string::npos, no_slash.body);
  auto unknown = c.get("/api/openrouter/model-endpoints?model=nobody/nothing");
  BOOST_TEST(unknown.status == 404u, unknown.body);
  BOOST_TEST(unknown.json().at("error").is_string());
  BOOST_TEST(c.request("POST", "/api/openrouter/model-endpoints?model=a/b", "{}").status == 405u);
}

// --- the web console ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(console_is_served_without_a_token_with_security_and_caching_headers) {
  serve::gateway_options o;
  o.config.tokens = {token("web", "tok-web")};
  gateway_fixture f(o);
  auto c = f.caller();  // no token: the page holds no secret
  auto page = c.get("/");
  BOOST_TEST_REQUIRE(page.status == 200u, page.body);
  BOOST_TEST(page.header("content-type") == "text/html; charset=utf-8");
  const std::string csp = page.header("content-security-policy");
  BOOST_TEST(csp.find("default-src 'none'") != std::string::npos, csp);
  BOOST_TEST(csp.find("script-src 'self'") != std::string::npos, csp);
  BOOST_TEST(csp.find("connect-src 'self'") != std::string::npos, csp);
  BOOST_TEST(csp.find("frame-ancestors 'none'") != std::string::npos, csp);
  BOOST_TEST(csp.find("unsafe-inline") == std::string::npos, csp);
  BOOST_TEST(page.header("x-content-type-options") == "nosniff");
  BOOST_TEST(page.header("referrer-policy") == "no-referrer");
  BOOST_TEST(page.header("x-frame-options") == "DENY");
  BOOST_TEST(page.header("cache-control") == "no-cache");
  const std::string etag = page.header("etag");
  BOOST_TEST((etag.size() == 34 && etag.front() == '"' && etag.back() == '"'), etag);
  BOOST_TEST(page.body.find("<!doctype html>") == 0u);
  BOOST_TEST(page.body.find(upstream_key) == std::string::npos);

  // Every file the page names is served with its type (and nothing from another origin).
  const std::pair<std::string, std::string> refs[] = {{"/console/console.js", "text/javascript; charset=utf-8"},
                                                      {"/console/console.css", "text/css; charset=utf-8"},
                                                      {"/console/icon.svg", "image/svg+xml"}};
  for (const auto& [path, type] : refs) {
    BOOST_TEST(page.body.find("\"" + path + "\"") != std::string::npos, path);
    auto r = c.get(path);
    BOOST_TEST(r.status == 200u, path);
    BOOST_TEST(r.header("content-type") == type, path);
    BOOST_TEST(!r.header("content-security-policy").empty(), path);
    BOOST_TEST(r.header("etag") != etag, path);
    BOOST_TEST(r.body.find(upstream_key) == std::string::npos);
  }
  BOOST_TEST(page.body.find("http://") == std::string::npos);
  BOOST_TEST(page.body.find("https://") == std::string::npos);
  BOOST_TEST(page.body.find("<script>") == std::string::npos);  // no inline script: the CSP would block it

  // Revalidation: the same ETag is a 304 without a body; another one the file again.
  auto same = c.request("GET", "/", "", {{"If-None-Match", "W/\"x\", " + etag}});
  BOOST_TEST(same.status == 304u);
  BOOST_TEST(same.body.empty());
  BOOST_TEST(same.header("etag") == etag);
  BOOST_TEST(same.header("content-length").empty());
  auto other = c.request("GET", "/", "", {{"If-None-Match", "\"stale\""}});
  BOOST_TEST(other.status == 200u);
  BOOST_TEST(other.body == page.body);

  auto missing = c.get("/console/nothing.js");
  BOOST_TEST(missing.status == 404u);
  BOOST_TEST(!missing.header("content-security-policy").empty());
  BOOST_TEST(c.get("/console/index.html").status == 404u);  // one URL per file
  auto post = c.request("POST", "/", "x");
  BOOST_TEST(post.status == 405u);
  BOOST_TEST(post.header("allow") == "GET");
  // The API itself still needs the token.
  BOOST_TEST(c.get("/api/openrouter/models").status == 401u);
  BOOST_TEST(c.get("/metrics").status == 401u);
  BOOST_TEST(f.gw->metrics_text().find(R"(route="console",status="200")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(console_can_be_turned_off) {
  serve::gateway_options o;
  o.config.console = false;
  gateway_fixture f(o);
  auto c = f.caller();
  BOOST_TEST(c.get("/").status == 404u);
  BOOST_TEST(c.get("/console/console.js").status == 404u);
  BOOST_TEST(serve::parse_config(json::parse(R"({"console": false})")).console == false);
  BOOST_CHECK_EXCEPTION(serve::parse_config(json::parse(R"({"console": "no"})")), serve::config_error,
                        [](const serve::config_error& e) { return std::string(e.what()) == "console: must be true or false"; });
}

BOOST_AUTO_TEST_SUITE_END()
