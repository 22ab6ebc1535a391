#include <openrouter/media/remote_assets.hpp>

#include <openrouter/media/data_url.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <cctype>
#include <cstdint>

namespace openrouter::media {
namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// The special-purpose ranges of the IANA registries (IPv4 and IPv6 Special-Purpose Address
// Registries), plus the cloud metadata endpoints. A range whose `opt_in` flag is set in the options
// passes; the others never do. First match wins, so specific entries come before the ranges
// that contain them.
enum class opt_in : std::uint8_t { none, loopback, private_ };

struct v4_range {
  std::array<unsigned char, 4> net;
  unsigned bits;
  const char* why;
  opt_in flag;
};

constexpr v4_range v4_ranges[] = {
    {{0, 0, 0, 0}, 8, "unspecified (0.0.0.0/8)", opt_in::none},
    {{127, 0, 0, 0}, 8, "loopback", opt_in::loopback},
    {{169, 254, 169, 254}, 32, "cloud metadata", opt_in::none},
    {{100, 100, 100, 200}, 32, "cloud metadata", opt_in::none},  // Alibaba Cloud
    {{169, 254, 0, 0}, 16, "link-local", opt_in::none},
    {{10, 0, 0, 0}, 8, "private", opt_in::private_},
    {{172, 16, 0, 0}, 12, "private", opt_in::private_},
    {{192, 168, 0, 0}, 16, "private", opt_in::private_},
    {{100, 64, 0, 0}, 10, "private (shared address space, 100.64.0.0/10)", opt_in::private_},
    {{192, 0, 0, 0}, 24, "IETF protocol assignments (192.0.0.0/24)", opt_in::none},
    {{192, 0, 2, 0}, 24, "documentation (192.0.2.0/24)", opt_in::none},
    {{198, 51, 100, 0}, 24, "documentation (198.51.100.0/24)", opt_in::none},
    {{203, 0, 113, 0}, 24, "documentation (203.0.113.0/24)", opt_in::none},
    {{192, 88, 99, 0}, 24, "6to4 relay anycast (192.88.99.0/24, deprecated)", opt_in::none},
    {{198, 18, 0, 0}, 15, "benchmarking (198.18.0.0/15)", opt_in::none},
    {{224, 0, 0, 0}, 4, "multicast", opt_in::none},
    {{240, 0, 0, 0}, 4, "broadcast/reserved (240.0.0.0/4)", opt_in::none},
};

// IPv6 addresses that embed an IPv4 address are decided as follows (see address_refusal):
// IPv4-mapped (::ffff:0:0/96) by the IPv4 address, under the same options; NAT64's well-known
// prefix (64:ff9b::/96), which DNS64 synthesizes for IPv4-only hosts, by the IPv4 address under
// no opt-in (RFC 6052 keeps non-global IPv4 out of it); every other form as a whole range:
// IPv4-compatible (::/96), 6to4 (2002::/16), Teredo (2001::/32) and local-use NAT64
// (64:ff9b:1::/48) are deprecated or local, and no public asset host has such an address.
struct v6_range {
  std::array<unsigned char, 16> net;
  unsigned bits;
  const char* why;
  opt_in flag;
};

constexpr v6_range v6_ranges[] = {
    {{}, 128, "unspecified", opt_in::none},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback", opt_in::loopback},
    {{}, 96, "IPv4-compatible (::/96, deprecated)", opt_in::none},
    {{0, 0x64, 0xff, 0x9b, 0, 1}, 48, "local-use NAT64 (64:ff9b:1::/48)", opt_in::none},
    {{0x01, 0, 0, 0, 0, 0, 0, 0}, 64, "discard-only (100::/64)", opt_in::none},
    {{0x01, 0, 0, 0, 0, 0, 0, 1}, 64, "dummy prefix (100:0:0:1::/64)", opt_in::none},
    {{0x20, 0x01, 0, 0}, 32, "Teredo (2001::/32)", opt_in::none},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation (2001:db8::/32)", opt_in::none},
    {{0x20, 0x01, 0, 0}, 23, "IETF protocol assignments (2001::/23)", opt_in::none},
    {{0x20, 0x02}, 16, "6to4 (2002::/16)", opt_in::none},
    {{0x3f, 0xff}, 20, "documentation (3fff::/20)", opt_in::none},
    {{0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54}, 128, "cloud metadata", opt_in::none},
    {{0xfc}, 7, "private", opt_in::private_},
    {{0xfe, 0x80}, 10, "link-local", opt_in::none},
    {{0xfe, 0xc0}, 10, "private (site-local, fec0::/10)", opt_in::private_},
    {{0xff}, 8, "multicast", opt_in::none},
};

template <std::size_t N>
bool in(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& net, unsigned bits) noexcept {
  for (std::size_t i = 0; i < N && bits > 0; ++i, bits = bits > 8 ? bits - 8 : 0) {
    const unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((a[i] & mask) != (net[i] & mask)) return false;
  }
  return true;
}

bool opted_in(opt_in f, const remote_asset_options& o) noexcept {
  return (f == opt_in::loopback && o.allow_loopback) || (f == opt_in::private_ && o.allow_private);
}

std::string v4_refusal(const ip::address_v4& a, const remote_asset_options& o) {
  const auto b = a.to_bytes();
  for (const auto& r : v4_ranges)
    if (in(b, r.net, r.bits)) return opted_in(r.flag, o) ? "" : r.why;
  return {};
}

std::string v6_refusal(const ip::address_v6& a, const remote_asset_options& o) {
  if (a.is_v4_mapped()) return v4_refusal(ip::make_address_v4(ip::v4_mapped, a), o);
  const auto b = a.to_bytes();
  if (in(b, {0, 0x64, 0xff, 0x9b}, 96)) {
    const ip::address_v4 v4({b[12], b[13], b[14], b[15]});
    const std::string why = v4_refusal(v4, remote_asset_options{});
    return why.empty() ? why : "NAT64 (64:ff9b::/96) of " + v4.to_string() + ", " + why;
  }
  for (const auto& r : v6_ranges)
    if (in(b, r.net, r.bits)) return opted_in(r.flag, o) ? "" : r.why;
  // Only 2000::/3 is allocated for global unicast; the rest is reserved by the IETF.
  if ((b[0] & 0xe0) != 0x20) return "not global unicast (outside 2000::/3)";
  return {};
}

}  // namespace

bool host_allowed(std::string_view host, const remote_asset_options& opts) {
  host = trim(host);
  if (host.empty()) return false;
  for (const auto& h : opts.allowed_hosts)
    if (iequal(trim(h), host)) return true;
  return false;
}

std::string url_refusal(std::string_view url, const remote_asset_options& opts) {
  if (is_data_url(url)) return {};
  auto u = boost::urls::parse_uri(trim(url));
  if (!u) return "not a URL";
  std::string scheme = u->scheme();
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "http" && scheme != "https") return "scheme " + scheme + " is not allowed";
  std::string host = u->host_address();
  if (!host_allowed(host, opts)) return "host " + host + " is not allowlisted";
  return {};
}

std::vector<asset_violation> find_asset_violations(const std::vector<wire::message>& messages,
                                                   const remote_asset_options& opts) {
  std::vector<asset_violation> out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto* parts = messages[i].content ? std::get_if<std::vector<wire::content_part>>(&*messages[i].content) : nullptr;
    if (!parts) continue;
    for (std::size_t j = 0; j < parts->size(); ++j) {
      const auto& p = (*parts)[j];
      auto at = "messages[" + std::to_string(i) + "].content[" + std::to_string(j) + "]";
      if (p.image_url)
        if (auto why = url_refusal(p.image_url->url, opts); !why.empty())
          out.push_back({at + ".image_url.url", std::move(why)});
      if (p.file && p.file->file_data)
        if (auto why = url_refusal(*p.file->file_data, opts); !why.empty())
          out.push_back({at + ".file.file_data", std::move(why)});
    }
  }
  return out;
}

namespace {

// A Messages content block's source URL ({type:"url", url}), if it has one.
std::string_view source_url(const boost::json::value& source) {
  const auto* o = source.if_object();
  if (!o) return {};
  const auto* type = o->if_contains("type");
  const auto* url = o->if_contains("url");
  if (!type || !url || !type->is_string() || *type != "url" || !url->is_string()) return {};
  return url->get_string();
}

void block_violations(const boost::json::value& source, const std::string& at, const remote_asset_options& opts,
                      std::vector<asset_violation>& out) {
  if (auto url = source_url(source); !url.empty())
    if (auto why = url_refusal(url, opts); !why.empty()) out.push_back({at + ".source.url", std::move(why)});
}

boost::system::error_code refuse(const std::vector<asset_violation>& v, diagnostics& diag) {
  if (v.empty()) return {};
  std::string detail;
  for (const auto& x : v) detail += (detail.empty() ? "" : "; ") + x.path + ": " + x.reason;
  diag.detail = std::move(detail);
  return make_error_code(errc::remote_asset_not_allowed);
}

}  // namespace

std::vector<asset_violation> find_asset_violations(const std::vector<wire::messages_message>& messages,
                                                   const remote_asset_options& opts) {
  std::vector<asset_violation> out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto* blocks = std::get_if<std::vector<wire::messages_content_block>>(&messages[i].content);
    if (!blocks) continue;
    for (std::size_t j = 0; j < blocks->size(); ++j) {
      const auto& b = (*blocks)[j];
      auto at = "messages[" + std::to_string(i) + "].content[" + std::to_string(j) + "]";
      block_violations(b.source, at, opts, out);
      if (const auto* inner = b.content.if_array())  // a tool_result's blocks
        for (std::size_t k = 0; k < inner->size(); ++k)
          if (const auto* o = (*inner)[k].if_object())
            if (const auto* src = o->if_contains("source"))
              block_violations(*src, at + ".content[" + std::to_string(k) + "]", opts, out);
    }
  }
  return out;
}

boost::system::error_code check_assets(const std::vector<wire::message>& messages, const remote_asset_options& opts,
                                       diagnostics& diag) {
  return refuse(find_asset_violations(messages, opts), diag);
}

boost::system::error_code check_assets(const std::vector<wire::messages_message>& messages,
                                       const remote_asset_options& opts, diagnostics& diag) {
  return refuse(find_asset_violations(messages, opts), diag);
}

std::string address_refusal(std::string_view text, const remote_asset_options& opts) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(text), ec);
  if (ec) return "not an IP address";
  std::string why = a.is_v4() ? v4_refusal(a.to_v4(), opts) : v6_refusal(a.to_v6(), opts);
  return why.empty() ? why : std::string(text) + " is " + why;
}

}  // namespace openrouter::media
