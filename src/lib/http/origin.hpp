#pragma once
// Where requests go: scheme, host, port and the base path of the configured base URL.

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace openrouter::detail {

struct origin {
  bool tls = true;
  std::string host;       ///< without brackets for IPv6 literals
  std::uint16_t port = 443;
  std::string base_path;  ///< e.g. "/api/v1", no trailing slash
  std::string host_header;  ///< "host" or "host:port" when the port is not the default

  /// "https://openrouter.ai:443" - the pool's key.
  std::string key() const;
};

/// Parses "https://host[:port]/base/path". Fails with errc::invalid_argument for anything
/// else (other schemes, user-info, query or fragment).
origin parse_origin(std::string_view base_url, boost::system::error_code& ec);

}  // namespace openrouter::detail
