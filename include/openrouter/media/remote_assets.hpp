#pragma once
// The remote-asset policy (sans-I/O): which URLs a chat request may hand to OpenRouter, and which
// resolved addresses a server-side fetch may connect to. The client enforces the first on every
// chat request before anything is sent; client::async_fetch_asset applies both.

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/messages.hpp>

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

/// The same for a Messages API request: every image/document block's source.url (a source of
/// type "url"), in the messages and in their tool_result blocks' content.
std::vector<asset_violation> find_asset_violations(const std::vector<wire::messages_message>& messages,
                                                   const remote_asset_options& opts);

/// errc::remote_asset_not_allowed when find_asset_violations() finds any; `diag.detail` then lists
/// every offending path with its reason ("messages[0].content[1].image_url.url: host ...; ...").
boost::system::error_code check_assets(const std::vector<wire::message>& messages, const remote_asset_options& opts,
                                       diagnostics& diag);
boost::system::error_code check_assets(const std::vector<wire::messages_message>& messages,
                                       const remote_asset_options& opts, diagnostics& diag);

/// Why a fetch may not connect to the IP address `ip` (textual, v4 or v6), e.g. "loopback",
/// "private", "link-local", "cloud metadata", "documentation (192.0.2.0/24)", "Teredo
/// (2001::/32)", or an unparsable address; empty when it may. Every special-purpose range of
/// the IANA IPv4 and IPv6 registries that is not globally reachable is refused, and every IPv6
/// address outside 2000::/3. Only loopback (allow_loopback) and private ranges (allow_private:
/// 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10) can be opened. IPv6 forms that
/// embed an IPv4 address: IPv4-mapped (::ffff:a.b.c.d) is judged as that IPv4 address; NAT64's
/// well-known prefix (64:ff9b::a.b.c.d) as that IPv4 address with no range opened; IPv4-
/// compatible (::a.b.c.d), 6to4 (2002::/16), Teredo (2001::/32) and local-use NAT64
/// (64:ff9b:1::/48) are refused whole.
std::string address_refusal(std::string_view ip, const remote_asset_options& opts);

}  // namespace openrouter::media
