#include "origin.hpp"

#include <openrouter/error.hpp>

#include <boost/url/parse.hpp>

namespace openrouter::detail {

std::string origin::key() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

origin parse_origin(std::string_view base_url, boost::system::error_code& ec) {
  ec = {};
  origin o;
  auto u = boost::urls::parse_absolute_uri(base_url);
  if (!u || u->has_userinfo() || u->has_query() || u->has_fragment() || u->host().empty()) {
    ec = make_error_code(errc::invalid_argument);
    return o;
  }
  if (u->scheme() == "https") o.tls = true;
  else if (u->scheme() == "http") o.tls = false;
  else {
    ec = make_error_code(errc::invalid_argument);
    return o;
  }
  o.host = u->host_type() == boost::urls::host_type::ipv6 ? std::string(u->host_address()) : std::string(u->encoded_host());
  std::uint16_t default_port = o.tls ? 443 : 80;
  o.port = u->has_port() ? u->port_number() : default_port;
  if (u->has_port() && o.port == 0) {
    ec = make_error_code(errc::invalid_argument);
    return o;
  }
  o.base_path = std::string(u->encoded_path());
  if (!o.base_path.empty() && o.base_path.front() != '/') {  // "https://[::1]:8:03": not a path a request target can start
    ec = make_error_code(errc::invalid_argument);
    return o;
  }
  while (!o.base_path.empty() && o.base_path.back() == '/') o.base_path.pop_back();
  std::string h = u->host_type() == boost::urls::host_type::ipv6 ? "[" + o.host + "]" : o.host;
  o.host_header = o.port == default_port ? h : h + ":" + std::to_string(o.port);
  return o;
}

}  // namespace openrouter::detail
