// HTTPS proxies without I/O: the proxy URL, curl's NO_PROXY rules, which proxy a connection
// takes (configuration over environment, loopback and http:// origins direct), the CONNECT
// request (no API key in it) and the parse of the proxy's answer.
#include "http/proxy.hpp"

#include <openrouter/config.hpp>

#include <boost/test/unit_test.hpp>

#include <map>

using namespace openrouter::detail;
using openrouter::proxy_options;

namespace {

origin https_origin(std::string host, std::uint16_t port = 443) {
  origin o;
  o.tls = true;
  o.host = std::move(host);
  o.port = port;
  return o;
}

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_proxy_test)

BOOST_AUTO_TEST_CASE(proxy_urls_parse_with_and_without_credentials) {
  std::string err;
  auto p = parse_proxy_url("http://proxy.corp:3128", err);
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->host == "proxy.corp");
  BOOST_TEST(p->port == 3128);
  BOOST_TEST(p->authorization.empty());
  BOOST_TEST(p->display() == "proxy.corp:3128");

  p = parse_proxy_url("http://alice:s%40cret@10.0.0.1:8080/", err);
  BOOST_TEST_REQUIRE(p.has_value(), err);
  // base64("alice:s@cret")
  BOOST_TEST(p->authorization == "Basic YWxpY2U6c0BjcmV0");
  BOOST_TEST(p->display() == "10.0.0.1:8080");  // never the credentials

  p = parse_proxy_url("proxy.corp", err);  // curl's scheme-less form, its default port
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->port == 1080);

  p = parse_proxy_url("http://[::1]:3128", err);
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->host == "::1");
  BOOST_TEST(p->display() == "[::1]:3128");

  p = parse_proxy_url("http://u:@h:1", err);  // an empty password is a password
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->authorization == "Basic dTo=");
}

BOOST_AUTO_TEST_CASE(unusable_proxy_urls_are_refused_without_quoting_credentials) {
  for (std::string_view bad : {"https://proxy:3128", "socks5://proxy:1080", "http://proxy:3128/path",
                               "http://proxy:3128?x=1", "http://:3128", "http://proxy:0", "http://u:p%0d%0a@proxy:1"}) {
    std::string err;
    BOOST_TEST(!parse_proxy_url(bad, err).has_value(), bad);
    BOOST_TEST(!err.empty(), bad);
    BOOST_TEST(err.find("p%0d") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(no_proxy_follows_curls_rules) {
  // Domain suffixes, with or without a leading dot, on label boundaries only.
  BOOST_TEST(no_proxy_matches("example.com", "example.com"));
  BOOST_TEST(no_proxy_matches("example.com", "api.example.com"));
  BOOST_TEST(no_proxy_matches(".example.com", "api.example.com"));
  BOOST_TEST(no_proxy_matches(".example.com", "example.com"));
  BOOST_TEST(!no_proxy_matches("example.com", "badexample.com"));
  BOOST_TEST(!no_proxy_matches("api.example.com", "example.com"));
  BOOST_TEST(no_proxy_matches("EXAMPLE.com", "Api.Example.COM."));  // case and a trailing dot
  // Lists with spaces and empty entries.
  BOOST_TEST(no_proxy_matches(" foo.org , ,example.com ", "x.example.com"));
  BOOST_TEST(!no_proxy_matches("foo.org,bar.org", "example.com"));
  BOOST_TEST(!no_proxy_matches("", "example.com"));
  // "*" alone matches everything; inside a list it is no wildcard (curl).
  BOOST_TEST(no_proxy_matches("*", "anything.at.all"));
  BOOST_TEST(no_proxy_matches(" * ", "10.1.2.3"));
  BOOST_TEST(!no_proxy_matches("foo.org,*", "example.com"));
  // IP literals match exactly; names are not resolved.
  BOOST_TEST(no_proxy_matches("127.0.0.1", "127.0.0.1"));
  BOOST_TEST(!no_proxy_matches("127.0.0.1", "127.0.0.2"));
  BOOST_TEST(!no_proxy_matches("127.0.0.1", "localhost"));
  BOOST_TEST(no_proxy_matches("::1", "::1"));
  BOOST_TEST(no_proxy_matches("[::1]", "[::1]"));
  // CIDR ranges, both families, and prefixes that are not byte-aligned.
  BOOST_TEST(no_proxy_matches("10.0.0.0/8", "10.200.3.4"));
  BOOST_TEST(!no_proxy_matches("10.0.0.0/8", "11.0.0.1"));
  BOOST_TEST(no_proxy_matches("192.168.0.0/23", "192.168.1.77"));
  BOOST_TEST(!no_proxy_matches("192.168.0.0/23", "192.168.2.1"));
  BOOST_TEST(no_proxy_matches("0.0.0.0/0", "8.8.8.8"));
  BOOST_TEST(no_proxy_matches("fd00::/8", "fd12:3456::1"));
  BOOST_TEST(!no_proxy_matches("fd00::/8", "fe80::1"));
  BOOST_TEST(!no_proxy_matches("10.0.0.0/8", "fd00::1"));  // another family
  BOOST_TEST(!no_proxy_matches("10.0.0.0/8", "ten.example"));  // a name is not an address
  BOOST_TEST(!no_proxy_matches("10.0.0.0/33", "10.0.0.1"));    // a prefix longer than the address
  BOOST_TEST(!no_proxy_matches("10.0.0.0/x", "10.0.0.1"));
}

BOOST_AUTO_TEST_CASE(configuration_wins_over_the_environment) {
  std::string err;
  auto env = env_of({{"HTTPS_PROXY", "http://env-upper:1"}, {"https_proxy", "http://env-lower:2"}});
  proxy_options opts;
  auto p = select_proxy(opts, https_origin("api.example.com"), env, err);
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->host == "env-lower");  // lower case first, as curl
  p = select_proxy(opts, https_origin("api.example.com"), env_of({{"HTTPS_PROXY", "http://env-upper:1"}}), err);
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->host == "env-upper");

  opts.url = "http://configured:3";
  p = select_proxy(opts, https_origin("api.example.com"), env, err);
  BOOST_TEST_REQUIRE(p.has_value(), err);
  BOOST_TEST(p->host == "configured");

  opts.disabled = true;  // "no proxy", whatever the rest says
  BOOST_TEST(!select_proxy(opts, https_origin("api.example.com"), env, err).has_value());
  BOOST_TEST(err.empty());
}

BOOST_AUTO_TEST_CASE(no_proxy_from_configuration_or_environment) {
  std::string err;
  proxy_options opts;
  opts.url = "http://configured:3";
  auto env = env_of({{"NO_PROXY", "api.example.com"}});
  BOOST_TEST(!select_proxy(opts, https_origin("api.example.com"), env, err).has_value());  // env NO_PROXY applies
  BOOST_TEST(select_proxy(opts, https_origin("other.example"), env, err).has_value());
  BOOST_TEST(!select_proxy(opts, https_origin("x.internal"), env_of({{"no_proxy", ".internal"}}), err).has_value());
  opts.no_proxy = "other.example";  // the configured list replaces the environment's
  BOOST_TEST(select_proxy(opts, https_origin("api.example.com"), env, err).has_value());
  BOOST_TEST(!select_proxy(opts, https_origin("other.example"), env, err).has_value());
}

BOOST_AUTO_TEST_CASE(http_origins_and_loopback_under_an_environment_proxy_go_direct) {
  std::string err;
  auto env = env_of({{"HTTPS_PROXY", "http://env:1"}});
  origin plain = https_origin("api.example.com", 80);
  plain.tls = false;
  proxy_options opts;
  BOOST_TEST(!select_proxy(opts, plain, env, err).has_value());
  opts.url = "http://configured:3";
  BOOST_TEST(!select_proxy(opts, plain, env, err).has_value());  // the key never crosses a proxy in clear
  opts.url.clear();
  for (const char* host : {"127.0.0.1", "localhost", "::1", "127.3.2.1"})
    BOOST_TEST(!select_proxy(opts, https_origin(host), env, err).has_value(), host);
  // A configured proxy applies to loopback (a proxy on this machine, as in the tests).
  opts.url = "http://configured:3";
  BOOST_TEST(select_proxy(opts, https_origin("127.0.0.1"), env, err).has_value());
}

BOOST_AUTO_TEST_CASE(a_broken_proxy_setting_names_its_source_not_its_credentials) {
  std::string err;
  proxy_options opts;
  BOOST_TEST(!select_proxy(opts, https_origin("a.example"), env_of({{"HTTPS_PROXY", "socks5://u:hunter2@h:1"}}), err));
  BOOST_TEST(err.find("HTTPS_PROXY") != std::string::npos, err);
  BOOST_TEST(err.find("hunter2") == std::string::npos, err);
  opts.url = "ftp://u:hunter2@h";
  BOOST_TEST(!select_proxy(opts, https_origin("a.example"), env_of({}), err));
  BOOST_TEST(err.find("client_config::proxy.url") != std::string::npos, err);
  BOOST_TEST(err.find("hunter2") == std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(the_connect_request_carries_the_proxy_credentials_only) {
  std::string err;
  auto p = parse_proxy_url("http://alice:pw@proxy:3128", err);
  BOOST_TEST_REQUIRE(p.has_value());
  origin o = https_origin("api.example.com");
  BOOST_TEST(connect_request(o, *p, "ua/1") ==
             "CONNECT api.example.com:443 HTTP/1.1\r\nHost: api.example.com:443\r\n"
             "Proxy-Authorization: Basic YWxpY2U6cHc=\r\nUser-Agent: ua/1\r\n\r\n");
  BOOST_TEST(connect_request(https_origin("::1", 8443), *parse_proxy_url("h:1", err), "ua").starts_with(
      "CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\nUser-Agent: ua\r\n\r\n"));
}

BOOST_AUTO_TEST_CASE(connect_answers_parse_piece_by_piece) {
  const std::string ok = "HTTP/1.1 200 Connection established\r\nProxy-Agent: x\r\n\r\n";
  connect_response r;
  connect_response::state st = connect_response::state::need_more;
  for (char c : ok) {
    BOOST_TEST_REQUIRE((st == connect_response::state::need_more));
    st = r.feed(std::string_view(&c, 1));
  }
  BOOST_TEST((st == connect_response::state::done));
  BOOST_TEST(r.status() == 200);
  BOOST_TEST(r.reason() == "Connection established");
  BOOST_TEST(r.leftover() == 0);

  connect_response denied;  // a body after the head is not read (nor needed)
  BOOST_TEST((denied.feed("HTTP/1.0 407 Proxy Authentication Required\r\nContent-Length: 5\r\n\r\nabcde") ==
              connect_response::state::done));
  BOOST_TEST(denied.status() == 407);
  BOOST_TEST(denied.leftover() == 5);

  connect_response bytes_after;
  BOOST_TEST((bytes_after.feed("HTTP/1.1 200 OK\r\n\r\n\x16\x03") == connect_response::state::done));
  BOOST_TEST(bytes_after.leftover() == 2);

  connect_response garbage;
  BOOST_TEST((garbage.feed("SSH-2.0-OpenSSH_9.2\r\n\r\n") == connect_response::state::bad));
}

BOOST_AUTO_TEST_SUITE_END()
