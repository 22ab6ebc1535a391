// Transport failures say what happened where: the phase, host:port, the address tried and the
// system's reason, with a hint for the usual mistakes (an untrusted CA, http:// aimed at a TLS
// port and the reverse), in diag.detail, in summary() and in the CLI's error line. A name that
// does not resolve is final, not retryable.
#include "support/cli_process.hpp"
#include "support/client_fixture.hpp"
#include "support/real_proxy.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A chat with `tweak` applied to a config aimed at a fresh mock (TLS unless `opts` says not).
struct attempt {
  explicit attempt(std::function<void(openrouter::client_config&)> tweak, openrouter::mock::server_options opts = {})
      : f(std::move(opts), std::move(tweak)) {
    std::tie(ec, res) =
        f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(chat_request(), f.diag, t); });
    summary = f.diag.summary(ec);
  }
  client_fixture f;
  error_code ec;
  wire::chat_response res;
  std::string summary;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(transport_diagnostics_test)

BOOST_AUTO_TEST_CASE(a_refused_port_names_host_port_address_and_errno) {
  const std::uint16_t dead = free_loopback_port();
  attempt a([&](openrouter::client_config& c) { c.base_url = "https://127.0.0.1:" + std::to_string(dead) + "/api/v1"; });
  BOOST_TEST(a.ec == errc::connect_failed, a.summary);
  const std::string where = "127.0.0.1:" + std::to_string(dead);
  BOOST_TEST(has(a.f.diag.detail, "connect " + where), a.f.diag.detail);
  BOOST_TEST(has(a.f.diag.detail, "address " + where), a.f.diag.detail);
  BOOST_TEST(has(a.f.diag.detail, "Connection refused (errno 111)"), a.f.diag.detail);
  BOOST_TEST(a.summary.starts_with("connection failed (connect " + where), a.summary);  // no status before it
  BOOST_TEST(openrouter::is_retryable(a.ec, a.f.diag));  // a server may come up
}

BOOST_AUTO_TEST_CASE(an_unresolvable_name_is_named_and_final) {
  attempt a([](openrouter::client_config& c) { c.base_url = "https://api.openrouter.invalid/api/v1"; });
  // ".invalid" never resolves (RFC 6761): the resolver says so, or (without any DNS at all)
  // that it could not ask - the one case worth a retry.
  BOOST_TEST((a.ec == errc::resolve_failed || a.ec == errc::resolve_try_again), a.summary);
  BOOST_TEST(openrouter::is_retryable(a.ec, a.f.diag) == (a.ec == errc::resolve_try_again), a.summary);
  BOOST_TEST(has(a.f.diag.detail, "resolve api.openrouter.invalid:443"), a.f.diag.detail);
  BOOST_TEST(has(a.summary, "host name did not resolve"), a.summary);
}

BOOST_AUTO_TEST_CASE(http_aimed_at_a_tls_port_hints_at_https) {
  attempt a([](openrouter::client_config& c) {
    auto url = c.base_url;  // https://127.0.0.1:PORT/api/v1
    c.base_url = "http://" + url.substr(url.find("://") + 3);
  });
  BOOST_TEST(a.ec.failed());
  BOOST_TEST(a.ec != errc::unexpected_content_type, a.summary);
  BOOST_TEST(has(a.f.diag.detail, "read from 127.0.0.1:" + std::to_string(a.f.server.get().port())), a.f.diag.detail);
  BOOST_TEST(has(a.f.diag.detail, "hint: the server may speak TLS on this port (an https:// base URL?)"),
             a.f.diag.detail);
  BOOST_TEST(!a.summary.starts_with("0 "), a.summary);
}

BOOST_AUTO_TEST_CASE(https_aimed_at_a_plain_http_port_hints_at_http) {
  openrouter::mock::server_options plain;
  plain.tls = false;
  attempt a(
      [](openrouter::client_config& c) {
        auto url = c.base_url;  // http://127.0.0.1:PORT/api/v1
        c.base_url = "https://" + url.substr(url.find("://") + 3);
      },
      plain);
  BOOST_TEST((a.ec == errc::tls_handshake_failed || a.ec == errc::connection_reset), a.summary);
  BOOST_TEST(has(a.f.diag.detail, "TLS with 127.0.0.1:" + std::to_string(a.f.server.get().port())), a.f.diag.detail);
  BOOST_TEST(has(a.f.diag.detail, "hint: the server may not speak TLS on this port"), a.f.diag.detail);
}

BOOST_AUTO_TEST_CASE(an_untrusted_ca_hints_at_the_ca_file) {
  attempt a([](openrouter::client_config& c) { c.tls.ca_pem.clear(); });  // the mock's CA not given
  BOOST_TEST(a.ec == errc::tls_verify_failed, a.summary);
  BOOST_TEST(has(a.f.diag.detail, "TLS with 127.0.0.1:"), a.f.diag.detail);
  BOOST_TEST((has(a.f.diag.detail, "self-signed") || has(a.f.diag.detail, "local issuer")), a.f.diag.detail);
  BOOST_TEST(has(a.summary, "tls.ca_file"), a.summary);
  BOOST_TEST(has(a.summary, "--ca-file"), a.summary);
  BOOST_TEST(!openrouter::is_retryable(a.ec, a.f.diag));
}

BOOST_AUTO_TEST_CASE(the_cli_prints_host_port_and_reason) {
  const std::string binary = OPENROUTER_BINARY_DIR "/openrouter";
  BOOST_TEST_REQUIRE(std::filesystem::exists(binary), binary << " is missing: build the openrouter-cli target first");
  cli::temp_dir dir;
  const std::uint16_t dead = free_loopback_port();
  auto r = cli::run(binary, dir,
                    {"chat", "--model", "openai/gpt-4o-mini", "--base-url",
                     "https://127.0.0.1:" + std::to_string(dead) + "/api/v1", "hello"},
                    {{"OPENROUTER_API_KEY", "sk-or-v1-cli-diag-0123456789"}});
  BOOST_TEST(r.code == 1, r);
  BOOST_TEST(has(r.err, "127.0.0.1:" + std::to_string(dead)), r);
  BOOST_TEST(has(r.err, "Connection refused"), r);
  BOOST_TEST(!has(r.err, "sk-or-v1-cli-diag"), r);
}

BOOST_AUTO_TEST_SUITE_END()
