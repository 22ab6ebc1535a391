#pragma once
// The remote-asset policy (sans-I/O): which URLs a chat request may hand to OpenRouter, and which
// resolved addresses a server-side fetch may connect to. The client enforces the first on every
// chat request before anything is sent; client::async_fetch_asset applies both.

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>
#include <openrouter/wire/message.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace openrouter::media {

/// One URL the policy refuses.
struct asset_violation {
  std::string path;    ///< JSON path, e.g. "messages[0].content[1].image_url.url"
  std::string reason;  ///< e.g. "host evil.example is not allowlisted"
};

/// Whether `host` is on the allowlist (entries trimmed, compared case-insensitively).
bool host_allowed(std::string_view host, const remote_asset_options& opts);

/// Why `url` may not be sent or fetched (empty when it may): data: URLs always pass, http(s)
/// URLs only when their host is allowlisted, anything else never.
std::string url_refusal(std::string_view url, const remote_asset_options& opts);

/// Every image_url.url and file.file_data of `messages` that the policy refuses, in order.
std::vector<asset_violation> find_asset_violations(const std::vector<wire::message>& messages,
                                                   const remote_asset_options& opts);

/// errc::remote_asset_not_allowed when find_asset_violations() finds any; `diag.detail` then lists
/// every offending path with its reason ("messages[0].content[1].image_url.url: host ...; ...").
boost::system::error_code check_assets(const std::vector<wire::message>& messages, const remote_asset_options& opts,
                                       diagnostics& diag);

/// Why a fetch may not connect to the IP address `ip` (textual, v4 or v6): "loopback",
/// "private", "link-local", "cloud metadata", "unspecified", "multicast", "broadcast", or an
/// unparsable address; empty when it may. IPv4-mapped IPv6 addresses are judged as IPv4.
std::string address_refusal(std::string_view ip, const remote_asset_options& opts);

}  // namespace openrouter::media
