#include "proxy.hpp"

#include <openrouter/config.hpp>
#include <openrouter/media/data_url.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace openrouter::detail {
namespace asio = boost::asio;
namespace http = boost::beast::http;

bool is_loopback_host(std::string_view host);  // transport.cpp

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view unbracket(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

// Whether `a` lies in the range `net`/`bits` (same family only).
bool in_range(const asio::ip::address& a, const asio::ip::address& net, unsigned bits) {
  if (a.is_v4() != net.is_v4()) return false;
  auto prefix_equal = [bits](const auto& x, const auto& y) {
    if (bits > x.size() * 8) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      unsigned take = bits > i * 8 ? std::min(8u, bits - static_cast<unsigned>(i * 8)) : 0;
      if (take == 0) return true;
      unsigned mask = (0xffu << (8 - take)) & 0xffu;
      if ((x[i] & mask) != (y[i] & mask)) return false;
    }
    return true;
  };
  if (a.is_v4()) return prefix_equal(a.to_v4().to_bytes(), net.to_v4().to_bytes());
  return prefix_equal(a.to_v6().to_bytes(), net.to_v6().to_bytes());
}

}  // namespace

std::string host_port(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  std::string out;
  out.reserve(host.size() + 8);
  if (v6) out += '[';
  out += host;
  if (v6) out += ']';
  out += ':';
  out += std::to_string(port);
  return out;
}

std::string proxy_endpoint::display() const { return host_port(host, port); }

std::optional<proxy_endpoint> parse_proxy_url(std::string_view url, std::string& error) {
  error.clear();
  std::string text(trim(url));
  if (text.find("://") == std::string::npos) text = "http://" + text;
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) {
    error = "not a proxy URL (expected http://[user:password@]host[:port])";
    return std::nullopt;
  }
  if (lower(u->scheme()) != "http") {
    error = "proxy scheme '" + std::string(u->scheme()) + "' is not supported (only http:// proxies, which tunnel TLS with CONNECT)";
    return std::nullopt;
  }
  if (u->host().empty() || u->has_query() || u->has_fragment() ||
      !(u->encoded_path().empty() || u->encoded_path() == "/")) {
    error = "not a proxy URL (expected http://[user:password@]host[:port])";
    return std::nullopt;
  }
  proxy_endpoint p;
  p.host = u->host_type() == boost::urls::host_type::ipv6 ? std::string(u->host_address()) : lower(u->encoded_host());
  if (u->has_port()) {
    p.port = u->port_number();
    if (p.port == 0) {
      error = "the proxy URL's port is not a number from 1 to 65535";
      return std::nullopt;
    }
  }
  if (u->has_userinfo()) {
    std::string credentials = u->user() + ":" + u->password();
    if (credentials.find_first_of("\r\n") != std::string::npos) {
      error = "the proxy URL's credentials contain CR or LF";
      return std::nullopt;
    }
    p.authorization = "Basic " + media::base64_encode(credentials);
  }
  return p;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host_in) {
  std::string_view list = trim(no_proxy);
  if (list == "*") return true;
  std::string host = lower(unbracket(host_in));
  while (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return false;
  boost::system::error_code not_ip;
  const auto host_ip = asio::ip::make_address(host, not_ip);
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string entry = lower(trim(list.substr(start, comma - start)));
    start = comma + 1;
    if (entry.empty()) continue;
    if (auto slash = entry.find('/'); slash != std::string::npos) {  // a CIDR range
      if (not_ip) continue;  // names are not resolved for NO_PROXY (as curl)
      boost::system::error_code e;
      auto net = asio::ip::make_address(std::string(unbracket(std::string_view(entry).substr(0, slash))), e);
      std::string_view bits_text = std::string_view(entry).substr(slash + 1);
      if (e || bits_text.empty() || bits_text.size() > 3 ||
          !std::all_of(bits_text.begin(), bits_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        continue;
      if (in_range(host_ip, net, static_cast<unsigned>(std::stoul(std::string(bits_text))))) return true;
      continue;
    }
    boost::system::error_code e;
    auto addr = asio::ip::make_address(std::string(unbracket(entry)), e);
    if (!e) {  // an IP literal matches that address only
      if (!not_ip && addr == host_ip) return true;
      continue;
    }
    std::string_view name = entry;
    while (!name.empty() && name.front() == '.') name.remove_prefix(1);
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty()) continue;
    if (host == name) return true;
    if (host.size() > name.size() && host.ends_with(name) && host[host.size() - name.size() - 1] == '.') return true;
  }
  return false;
}

env_lookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    if (const char* v = std::getenv(name)) return std::string(v);
    return std::nullopt;
  };
}

std::optional<proxy_endpoint> select_proxy(const proxy_options& opts, const origin& o, const env_lookup& env,
                                           std::string& error) {
  error.clear();
  if (opts.disabled || !o.tls) return std::nullopt;
  auto first_set = [&env](std::initializer_list<const char*> names) -> std::pair<std::string, const char*> {
    for (const char* n : names)
      if (auto v = env(n); v && !trim(*v).empty()) return {*v, n};
    return {std::string(), nullptr};
  };
  std::string url = opts.url;
  const char* source = "client_config::proxy.url";
  bool from_env = false;
  if (trim(url).empty()) {
    auto [v, name] = first_set({"https_proxy", "HTTPS_PROXY"});
    if (!name) return std::nullopt;
    url = v;
    source = name;
    from_env = true;
  }
  std::string why;
  auto p = parse_proxy_url(url, why);
  if (!p) {
    error = std::string(source) + ": " + why;
    return std::nullopt;
  }
  if (from_env && is_loopback_host(o.host)) return std::nullopt;
  std::string no_proxy = opts.no_proxy;
  if (trim(no_proxy).empty()) no_proxy = first_set({"no_proxy", "NO_PROXY"}).first;
  if (no_proxy_matches(no_proxy, o.host)) return std::nullopt;
  return p;
}

std::string connect_request(const origin& o, const proxy_endpoint& p, std::string_view user_agent) {
  std::string target = host_port(o.host, o.port);
  std::string out = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
  if (!p.authorization.empty()) out += "Proxy-Authorization: " + p.authorization + "\r\n";
  out += "User-Agent: ";
  out += user_agent;
  out += "\r\n\r\n";
  return out;
}

struct connect_response::impl {
  http::response_parser<http::empty_body> parser;
  std::string data;
};

connect_response::connect_response() : impl_(std::make_unique<impl>()) {
  impl_->parser.skip(true);  // a CONNECT answer's head is all there is to read
  impl_->parser.header_limit(16 * 1024);
}

connect_response::~connect_response() = default;

connect_response::state connect_response::feed(std::string_view more) {
  impl_->data.append(more);
  boost::system::error_code ec;
  std::size_t n = impl_->parser.put(asio::buffer(impl_->data), ec);
  if (ec == http::error::need_more) {
    impl_->data.erase(0, n);
    return state::need_more;
  }
  if (ec || !impl_->parser.is_header_done()) return state::bad;
  status_ = impl_->parser.get().result_int();
  reason_.clear();
  for (char c : impl_->parser.get().reason())
    if (reason_.size() < 80 && c >= 0x20 && c < 0x7f) reason_ += c;
  leftover_ = impl_->data.size() - n;
  return state::done;
}

}  // namespace openrouter::detail
