#include <openrouter/media/remote_assets.hpp>

#include <openrouter/media/data_url.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <cctype>

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

std::string v4_refusal(const ip::address_v4& a, const remote_asset_options& o) {
  auto b = a.to_bytes();
  if (a.is_unspecified() || b[0] == 0) return "unspecified";
  if (a.is_loopback()) return o.allow_loopback ? "" : "loopback";
  if (a == ip::make_address_v4("169.254.169.254")) return "cloud metadata";
  if (b[0] == 169 && b[1] == 254) return "link-local";
  if (a.is_multicast()) return "multicast";
  if (a == ip::address_v4::broadcast() || b[0] >= 240) return "broadcast/reserved";
  bool priv = b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
              (b[0] == 100 && (b[1] & 0xc0) == 64);  // 100.64/10, carrier-grade NAT
  if (priv) return o.allow_private ? "" : "private";
  return {};
}

std::string v6_refusal(const ip::address_v6& a, const remote_asset_options& o) {
  if (a.is_v4_mapped()) return v4_refusal(ip::make_address_v4(ip::v4_mapped, a), o);
  auto b = a.to_bytes();
  if (a.is_unspecified()) return "unspecified";
  if (a.is_loopback()) return o.allow_loopback ? "" : "loopback";
  if (a.is_multicast()) return "multicast";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfd && b[1] == 0x00 && b[2] == 0x0e && b[3] == 0xc2) return "cloud metadata";  // fd00:ec2::254
  if ((b[0] & 0xfe) == 0xfc) return o.allow_private ? "" : "private";
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

boost::system::error_code check_assets(const std::vector<wire::message>& messages, const remote_asset_options& opts,
                                       diagnostics& diag) {
  auto v = find_asset_violations(messages, opts);
  if (v.empty()) return {};
  std::string detail;
  for (const auto& x : v) detail += (detail.empty() ? "" : "; ") + x.path + ": " + x.reason;
  diag.detail = std::move(detail);
  return make_error_code(errc::remote_asset_not_allowed);
}

std::string address_refusal(std::string_view text, const remote_asset_options& opts) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(text), ec);
  if (ec) return "not an IP address";
  std::string why = a.is_v4() ? v4_refusal(a.to_v4(), opts) : v6_refusal(a.to_v6(), opts);
  return why.empty() ? why : std::string(text) + " is " + why;
}

}  // namespace openrouter::media
