#pragma once
// HTTPS proxies without I/O: the proxy URL, curl's NO_PROXY rules, which proxy (if any) a
// connection to an origin goes through, the CONNECT request and the parse of its answer. The
// I/O that uses them is in connection.cpp.

#include "origin.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace openrouter {
struct proxy_options;
}

namespace openrouter::detail {

/// "host:port", IPv6 literals bracketed.
std::string host_port(std::string_view host, std::uint16_t port);

/// An HTTP proxy that tunnels (CONNECT) to the origin.
struct proxy_endpoint {
  std::string host;           ///< without brackets for IPv6 literals
  std::uint16_t port = 1080;  ///< curl's default when the URL names none
  /// "Basic <base64(user:password)>" when the URL carries credentials. Sent only in the
  /// CONNECT request to the proxy; never logged, never in diagnostics.
  std::string authorization;
  /// "host:port" ("[::1]:port"): what logs and diagnostics may name (no credentials).
  std::string display() const;
};

/// Parses "http://[user[:password]@]host[:port][/]" or "host[:port]" (curl's forms; the user
/// and password percent-decoded). Returns nullopt with `error` set (never quoting the
/// credentials) for anything else: https:// or socks proxies, a path, a query, no host.
std::optional<proxy_endpoint> parse_proxy_url(std::string_view url, std::string& error);

/// curl's NO_PROXY rules: a comma-separated list (spaces around entries ignored); "*" alone
/// matches every host; an IP literal matches that address, a CIDR range ("10.0.0.0/8",
/// "fd00::/8") every address in it (only for hosts that are IP literals, as curl: names are
/// not resolved for this); any other entry is a domain name that matches itself and its
/// subdomains ("example.com" and ".example.com" both match "api.example.com" and
/// "example.com"), case-insensitively, a trailing dot ignored. IPv6 entries may be bracketed.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

/// Reads an environment variable (nullopt when unset); the real one is std::getenv.
using env_lookup = std::function<std::optional<std::string>(const char*)>;
env_lookup process_env();

/// The proxy a connection to `o` goes through, nullopt for a direct connection:
/// - only https:// origins are proxied (the API key never crosses a proxy in clear text);
/// - `opts.disabled`: none;
/// - `opts.url` when set, else https_proxy / HTTPS_PROXY from `env` (lower case first, like
///   curl); a proxy from the environment never applies to a loopback origin;
/// - a host matching `opts.no_proxy` when set, else no_proxy / NO_PROXY, goes direct.
/// An unusable URL sets `error` (naming where it came from, not its credentials).
std::optional<proxy_endpoint> select_proxy(const proxy_options& opts, const origin& o, const env_lookup& env,
                                           std::string& error);

/// The CONNECT request for `o` through `p`: "CONNECT host:port HTTP/1.1", Host, the proxy's
/// credentials when it has some, User-Agent. Nothing of the origin's request (the API key
/// travels only inside the TLS that follows).
std::string connect_request(const origin& o, const proxy_endpoint& p, std::string_view user_agent);

/// The proxy's answer to CONNECT, parsed from the bytes as they come.
class connect_response {
 public:
  enum class state { need_more, done, bad };
  connect_response();
  ~connect_response();
  connect_response(const connect_response&) = delete;
  connect_response& operator=(const connect_response&) = delete;
  /// Feeds the bytes received next. Once done, leftover() says how many of them followed the
  /// response head (after a 2xx those would be the origin's, which must not speak before the
  /// TLS client does).
  state feed(std::string_view more);
  std::size_t leftover() const noexcept { return leftover_; }
  unsigned status() const noexcept { return status_; }
  /// The reason phrase, printable characters only, at most 80 of them.
  const std::string& reason() const noexcept { return reason_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  unsigned status_ = 0;
  std::string reason_;
  std::size_t leftover_ = 0;
};

}  // namespace openrouter::detail
