// HTTPS through real proxies started by the tests on loopback (tinyproxy and squid, the Debian
// packages): CONNECT, then TLS with the in-process mock as the origin, verified as without a
// proxy. The API key travels only inside the origin's TLS (a tap records every byte the client
// sends to the proxy); the proxy's refusals, 407 and a dead or silent proxy have typed errors.
#include "support/cli_process.hpp"
#include "support/client_fixture.hpp"
#include "support/real_proxy.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::chat_stream;
using openrouter::errc;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

const std::string key = "sk-or-v1-proxy-test-KEY-5ecret";

// A loopback relay in front of a proxy that records what the client sends it.
class tap {
 public:
  explicit tap(std::uint16_t upstream) : upstream_(upstream) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 64) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("tap: cannot listen");
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { run(); });
  }
  ~tap() {
    stop_ = true;
    ::shutdown(listen_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_);
    for (auto& t : workers_) t.join();
  }
  std::uint16_t port() const { return port_; }
  std::string sent() {
    std::lock_guard l(m_);
    return sent_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      int c = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      workers_.emplace_back([this, c] { relay(c); });
    }
  }
  void relay(int client) {
    int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(upstream_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      char buf[16384];
      while (!stop_) {
        pollfd p[2] = {{client, POLLIN, 0}, {up, POLLIN, 0}};
        if (::poll(p, 2, 100) <= 0) continue;
        if (p[0].revents) {
          ssize_t n = ::read(client, buf, sizeof buf);
          if (n <= 0) break;
          {
            std::lock_guard l(m_);
            sent_.append(buf, static_cast<std::size_t>(n));
          }
          if (::send(up, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
        }
        if (p[1].revents) {
          ssize_t n = ::read(up, buf, sizeof buf);
          if (n <= 0 || ::send(client, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) break;
        }
      }
    }
    ::close(up);
    ::close(client);
  }

  std::uint16_t upstream_, port_ = 0;
  int listen_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex m_;
  std::string sent_;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
};

openrouter::mock::server_options keyed() {
  openrouter::mock::server_options o;
  o.api_key = key;  // the mock answers only this key: a success proves it got the header
  return o;
}

std::pair<error_code, chat_stream> open_stream(client_fixture& f, wire::chat_request req) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
  f.cli.async_chat_stream(std::move(req), f.diag,
                          [slot](error_code ec, chat_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}

// Streams `req` to its end; returns the error (if any) and the text.
std::pair<error_code, std::string> stream_text(client_fixture& f, wire::chat_request req) {
  auto [ec, s] = open_stream(f, std::move(req));
  std::string text;
  while (!ec) {
    auto [e, c] = f.run<std::optional<wire::chat_chunk>>([&](auto t) { return s.async_next(t); });
    if (e) return {e, text};
    if (!c) break;
    for (const auto& ch : c->choices)
      if (ch.delta.content) text += *ch.delta.content;
  }
  return {ec, text};
}

std::string mock_authority(client_fixture& f) { return "127.0.0.1:" + std::to_string(f.server.get().port()); }

// A chat and a stream through `kind` (with credentials when `auth`), the key only inside TLS.
void chat_and_stream_through(real_proxy::kind kind, bool auth) {
  real_proxy_options po;
  if (auth) po.credentials = std::make_pair(std::string("alice"), std::string("pr0xy-pw"));
  real_proxy proxy(kind, po);
  tap t(proxy.port());
  auto f_owner = std::make_unique<client_fixture>(keyed(), [&](openrouter::client_config& c) {
    c.api_key = key;
    c.proxy.url = "http://" + std::string(auth ? "alice:pr0xy-pw@" : "") + "127.0.0.1:" + std::to_string(t.port());
  });
  client_fixture& f = *f_owner;
  auto req = chat_request("openai/gpt-4o-mini", "echo: through the proxy");
  auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(req, f.diag, tok); });
  BOOST_TEST_REQUIRE(!ec, proxy.name() << ": " << f.diag.summary(ec));
  BOOST_TEST(res.text().find("through the proxy") != std::string::npos);
  auto [sec, text] = stream_text(f, chat_request("openai/gpt-4o-mini", "echo: streamed via proxy"));
  BOOST_TEST_REQUIRE(!sec, proxy.name() << ": " << f.diag.summary(sec));
  BOOST_TEST(text.find("streamed via proxy") != std::string::npos, text);

  // What the client sent the proxy: a CONNECT to the origin, the proxy's credentials when it
  // has some, then TLS. Never the API key, never the origin's request in clear.
  const std::string sent = t.sent();
  BOOST_TEST(sent.starts_with("CONNECT " + mock_authority(f) + " HTTP/1.1\r\n"), sent.substr(0, 200));
  BOOST_TEST(sent.find(key) == std::string::npos);
  BOOST_TEST(sent.find("Authorization: Bearer") == std::string::npos);
  BOOST_TEST(sent.find("/chat/completions") == std::string::npos);
  BOOST_TEST((sent.find("Proxy-Authorization: Basic") != std::string::npos) == auth);
  // Same origin verification as without a proxy: the mock's certificate for 127.0.0.1.
  BOOST_TEST(f.cli.pool_statistics().tls_handshakes >= 1u);
  // The proxy saw the tunnel (its log names the CONNECT; squid writes it when the tunnel
  // ends, so the client and its pooled connections go first) and nothing of the key.
  f_owner.reset();
  std::string log = proxy.log();
  for (int i = 0; i < 200 && log.find("CONNECT") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    log = proxy.log();
  }
  BOOST_TEST(log.find("CONNECT") != std::string::npos, log);
  BOOST_TEST(log.find(key) == std::string::npos);
}

void wrong_credentials_are_407(real_proxy::kind kind) {
  real_proxy proxy(kind, {std::make_pair(std::string("alice"), std::string("right-pw")), 0});
  for (std::string creds : {"alice:wrong-pw@", "", "mallory:right-pw@"}) {
    client_fixture f(keyed(), [&](openrouter::client_config& c) {
      c.api_key = key;
      c.proxy.url = "http://" + creds + "127.0.0.1:" + std::to_string(proxy.port());
    });
    auto [ec, res] =
        f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
    BOOST_TEST(ec == errc::proxy_auth_required, proxy.name() << " " << creds << ": " << f.diag.summary(ec));
    BOOST_TEST(!openrouter::is_retryable(ec, f.diag));
    BOOST_TEST(f.diag.detail.find("proxy 127.0.0.1:" + std::to_string(proxy.port())) != std::string::npos,
               f.diag.detail);
    // Neither the password nor the key anywhere a caller prints.
    BOOST_TEST(f.diag.summary(ec).find("pw") == std::string::npos, f.diag.summary(ec));
    BOOST_TEST(f.diag.summary(ec).find(key) == std::string::npos);
    BOOST_TEST(f.diag.http_status == 0u);  // the origin never answered
    BOOST_TEST(f.server.get().stats().requests == 0u);
  }
}

void a_refusal_names_the_proxys_status(real_proxy::kind kind) {
  // The proxy allows CONNECT to one port only, not the mock's.
  real_proxy proxy(kind, {std::nullopt, 1});
  client_fixture f(keyed(), [&](openrouter::client_config& c) {
    c.api_key = key;
    c.proxy.url = proxy.url();
  });
  auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
  BOOST_TEST(ec == errc::proxy_refused, proxy.name() << ": " << f.diag.summary(ec));
  BOOST_TEST(f.diag.proxy_status == 403u);
  BOOST_TEST(f.diag.detail.find("403") != std::string::npos, f.diag.detail);
  BOOST_TEST(f.diag.detail.find("CONNECT " + mock_authority(f)) != std::string::npos, f.diag.detail);
  BOOST_TEST(!openrouter::is_retryable(ec, f.diag));  // a policy, not a passing failure
  BOOST_TEST(f.diag.summary(ec).starts_with("the proxy refused"), f.diag.summary(ec));  // no "403 " of an origin
}

struct env_var {
  env_var(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~env_var() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(proxy_test)

BOOST_AUTO_TEST_CASE(chat_and_stream_through_tinyproxy) { chat_and_stream_through(real_proxy::kind::tinyproxy, false); }
BOOST_AUTO_TEST_CASE(chat_and_stream_through_squid) { chat_and_stream_through(real_proxy::kind::squid, false); }
BOOST_AUTO_TEST_CASE(chat_and_stream_through_tinyproxy_with_basic_auth) {
  chat_and_stream_through(real_proxy::kind::tinyproxy, true);
}
BOOST_AUTO_TEST_CASE(chat_and_stream_through_squid_with_basic_auth) {
  chat_and_stream_through(real_proxy::kind::squid, true);
}
BOOST_AUTO_TEST_CASE(tinyproxy_wrong_credentials_are_proxy_auth_required) {
  wrong_credentials_are_407(real_proxy::kind::tinyproxy);
}
BOOST_AUTO_TEST_CASE(squid_wrong_credentials_are_proxy_auth_required) {
  wrong_credentials_are_407(real_proxy::kind::squid);
}
BOOST_AUTO_TEST_CASE(tinyproxy_refusal_is_proxy_refused_with_its_status) {
  a_refusal_names_the_proxys_status(real_proxy::kind::tinyproxy);
}
BOOST_AUTO_TEST_CASE(squid_refusal_is_proxy_refused_with_its_status) {
  a_refusal_names_the_proxys_status(real_proxy::kind::squid);
}

BOOST_AUTO_TEST_CASE(no_proxy_bypasses_the_proxy) {
  const std::uint16_t dead = free_loopback_port();  // nobody listens: a proxied request would fail
  {
    client_fixture f(keyed(), [&](openrouter::client_config& c) {
      c.api_key = key;
      c.proxy.url = "http://127.0.0.1:" + std::to_string(dead);
      c.proxy.no_proxy = "localhost, 127.0.0.0/8";
    });
    auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
    BOOST_TEST(!ec, f.diag.summary(ec));
  }
  {
    env_var np("NO_PROXY", "example.com,127.0.0.1");
    client_fixture f(keyed(), [&](openrouter::client_config& c) {
      c.api_key = key;
      c.proxy.url = "http://127.0.0.1:" + std::to_string(dead);
    });
    auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
    BOOST_TEST(!ec, f.diag.summary(ec));
  }
  {  // and without a match the (dead) proxy is used: the bypass above was the rule's doing
    env_var np("NO_PROXY", "example.com");
    client_fixture f(keyed(), [&](openrouter::client_config& c) {
      c.api_key = key;
      c.proxy.url = "http://127.0.0.1:" + std::to_string(dead);
    });
    auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
    BOOST_TEST(ec == errc::connect_failed, f.diag.summary(ec));
  }
}

BOOST_AUTO_TEST_CASE(a_dead_proxy_port_names_the_proxy) {
  const std::uint16_t dead = free_loopback_port();
  client_fixture f(keyed(), [&](openrouter::client_config& c) {
    c.api_key = key;
    c.proxy.url = "http://user:secret-pw@127.0.0.1:" + std::to_string(dead);
  });
  auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
  BOOST_TEST(ec == errc::connect_failed, f.diag.summary(ec));
  const std::string s = f.diag.summary(ec);
  BOOST_TEST(s.find("connect proxy 127.0.0.1:" + std::to_string(dead)) != std::string::npos, s);
  BOOST_TEST(s.find("Connection refused") != std::string::npos, s);
  BOOST_TEST(s.find("secret-pw") == std::string::npos, s);
}

BOOST_AUTO_TEST_CASE(a_proxy_that_never_answers_connect_times_out) {
  // Listening, never accepting: the kernel completes the TCP handshake, nobody reads CONNECT.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  client_fixture f(keyed(), [&](openrouter::client_config& c) {
    c.api_key = key;
    c.proxy.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
    c.timeout.connect = 1s;
  });
  auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); },
                                              60s);
  BOOST_TEST(ec == errc::connect_timeout, f.diag.summary(ec));
  BOOST_TEST(f.diag.detail.find("CONNECT " + mock_authority(f)) != std::string::npos, f.diag.detail);
}

BOOST_AUTO_TEST_CASE(the_environment_proxy_is_used_for_remote_hosts) {
  const std::uint16_t dead = free_loopback_port();
  env_var hp("HTTPS_PROXY", ("http://127.0.0.1:" + std::to_string(dead)).c_str());
  env_var lp("https_proxy", ("http://127.0.0.1:" + std::to_string(dead)).c_str());
  // A name that never resolves: only the proxy would resolve it, so a connect error naming
  // the proxy shows the environment was followed.
  client_fixture f(keyed(), [&](openrouter::client_config& c) { c.base_url = "https://api.openrouter.invalid/api/v1"; });
  auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return f.cli.async_chat(chat_request(), f.diag, tok); });
  BOOST_TEST(ec == errc::connect_failed, f.diag.summary(ec));
  BOOST_TEST(f.diag.detail.find("proxy 127.0.0.1:" + std::to_string(dead)) != std::string::npos, f.diag.detail);
  // --no-proxy's setting: direct, so the name's own failure.
  client_fixture g(keyed(), [&](openrouter::client_config& c) {
    c.base_url = "https://api.openrouter.invalid/api/v1";
    c.proxy.disabled = true;
  });
  std::tie(ec, res) = g.run<wire::chat_response>([&](auto tok) { return g.cli.async_chat(chat_request(), g.diag, tok); });
  BOOST_TEST((ec == errc::resolve_failed || ec == errc::resolve_try_again), g.diag.summary(ec));
}

BOOST_AUTO_TEST_CASE(asset_fetches_through_a_proxy_are_refused_unless_allowed) {
  real_proxy proxy(real_proxy::kind::tinyproxy);
  auto tweak = [&](bool allow) {
    return [&proxy, allow](openrouter::client_config& c) {
      c.proxy.url = proxy.url();
      c.remote_assets.allowed_hosts = {"127.0.0.1"};
      c.remote_assets.allow_loopback = true;
      c.remote_assets.allow_proxy = allow;
    };
  };
  client_fixture refused({}, tweak(false));
  const std::string url = refused.server.get().base_url() + "/providers";
  auto [ec, body] = refused.run<std::string>([&](auto t) { return refused.cli.async_fetch_asset(url, refused.diag, t); });
  BOOST_TEST(ec == errc::remote_asset_proxy_refused, refused.diag.summary(ec));
  BOOST_TEST(refused.diag.detail.find("allow_proxy") != std::string::npos, refused.diag.detail);
  BOOST_TEST(refused.server.get().stats().connections_accepted == 0u);

  // Allowed: the fetch goes through the proxy (and gets as far as the content-type check:
  // /providers is JSON, not an image).
  client_fixture allowed({}, tweak(true));
  const std::string url2 = allowed.server.get().base_url() + "/providers";
  std::tie(ec, body) = allowed.run<std::string>([&](auto t) { return allowed.cli.async_fetch_asset(url2, allowed.diag, t); });
  BOOST_TEST(ec == errc::asset_bad_content_type, allowed.diag.summary(ec));
  BOOST_TEST(proxy.log().find("CONNECT " + mock_authority(allowed)) != std::string::npos, proxy.log());
}

BOOST_AUTO_TEST_CASE(the_cli_goes_through_proxy_and_no_proxy_goes_direct) {
  const std::string binary = OPENROUTER_BINARY_DIR "/openrouter";
  BOOST_TEST_REQUIRE(std::filesystem::exists(binary), binary << " is missing: build the openrouter-cli target first");
  real_proxy proxy(real_proxy::kind::tinyproxy, {std::make_pair(std::string("cli"), std::string("cli-pw")), 0});
  openrouter::mock::background_server server(keyed());
  cli::temp_dir dir;
  const std::string ca = dir.write("ca.pem", server->ca_pem()).string();
  const std::map<std::string, std::string> env{{"OPENROUTER_API_KEY", key}};
  std::vector<std::string> args{"--base-url", server->base_url(), "--ca-file", ca, "chat", "--model",
                                "openai/gpt-4o-mini", "--proxy", proxy.url(), "echo: via the cli"};
  auto r = cli::run(binary, dir, args, env);
  BOOST_TEST(r.code == 0, r);
  BOOST_TEST(r.out.find("via the cli") != std::string::npos, r);
  BOOST_TEST(proxy.log().find("CONNECT") != std::string::npos, proxy.log());
  BOOST_TEST(proxy.log().find(key) == std::string::npos);
  // Wrong proxy credentials: the CLI says so, without the password.
  args[8] = "http://cli:wrong-pw@127.0.0.1:" + std::to_string(proxy.port());
  r = cli::run(binary, dir, args, env);
  BOOST_TEST(r.code == 1, r);
  BOOST_TEST(r.err.find("proxy requires authentication") != std::string::npos, r);
  BOOST_TEST(r.err.find("wrong-pw") == std::string::npos, r);
  // --no-proxy: direct, whatever --proxy says.
  args[8] = "http://127.0.0.1:" + std::to_string(free_loopback_port());
  args.insert(args.end() - 1, "--no-proxy");
  r = cli::run(binary, dir, args, env);
  BOOST_TEST(r.code == 0, r);
}

BOOST_AUTO_TEST_SUITE_END()
