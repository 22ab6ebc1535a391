// libFuzzer target for the SSRF screen of server-side asset fetches (media::address_refusal):
// every address a fetch resolves is judged by it before connecting.
//
// The input is [form byte][address bytes...]. The form byte picks an IPv4 address (4 bytes) or
// an IPv6 address (16 bytes), written out as text; the rest of the input is also tried as text
// as it is. Properties:
// - address_refusal never throws, refuses text that is not an address, and is deterministic;
// - the IPv6 forms that embed an IPv4 address are never weaker than the IPv4 address itself:
//   IPv4-mapped (::ffff:a) gets exactly a's verdict; NAT64 (64:ff9b::a) is refused whenever a is
//   refused with no range opened; IPv4-compatible (::a), 6to4 (2002:a::/48) and Teredo
//   (2001:0:...) are refused whatever a is;
// - opening loopback or private ranges never closes anything, and never opens a cloud metadata
//   address or a link-local one.
#include "fuzz_common.hpp"

#include <openrouter/config.hpp>
#include <openrouter/media/remote_assets.hpp>

#include <boost/asio/ip/address.hpp>

#include <array>

namespace openrouter::fuzz::address_screen {

namespace ip = boost::asio::ip;

inline std::string v6_text(const std::array<unsigned char, 16>& b) { return ip::address_v6(b).to_string(); }

inline std::string check(const std::uint8_t* data, std::size_t size) {
  const remote_asset_options closed;
  remote_asset_options open;
  open.allow_loopback = true;
  open.allow_private = true;

  // the raw text
  const std::string raw(as_text(data, size));
  const std::string raw_why = media::address_refusal(raw, closed);
  boost::system::error_code ec;
  (void)ip::make_address(raw, ec);
  if (ec && raw_why.empty()) return "text that is not an address was let through: " + printable(raw);
  if (media::address_refusal(raw, closed) != raw_why) return "not deterministic for " + printable(raw);

  if (size < 5) return {};
  const std::array<unsigned char, 4> v4b{data[1], data[2], data[3], data[4]};
  const ip::address_v4 v4(v4b);
  const std::string a = v4.to_string();
  const std::string why = media::address_refusal(a, closed);

  auto refused = [&](const std::string& text) { return !media::address_refusal(text, closed).empty(); };
  auto embed = [&](std::array<unsigned char, 16> b, std::size_t at) {
    for (std::size_t i = 0; i < 4; ++i) b[at + i] = v4b[i];
    return v6_text(b);
  };
  const std::string mapped = embed({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 12);
  if (media::address_refusal(mapped, closed).empty() != why.empty())
    return "IPv4-mapped " + mapped + " is judged otherwise than " + a + " (" + why + ")";
  if (media::address_refusal(mapped, open).empty() != media::address_refusal(a, open).empty())
    return "IPv4-mapped " + mapped + " is judged otherwise than " + a + " with the ranges opened";
  const std::string nat64 = embed({0, 0x64, 0xff, 0x9b}, 12);
  if (!why.empty() && (!refused(nat64) || media::address_refusal(nat64, open).empty()))
    return "NAT64 " + nat64 + " is let through though " + a + " is refused (" + why + ")";
  const std::string compat = embed({}, 12);
  if (!refused(compat)) return "IPv4-compatible " + compat + " is let through";
  std::array<unsigned char, 16> six{0x20, 0x02};
  const std::string sixtofour = embed(six, 2);
  if (!refused(sixtofour)) return "6to4 " + sixtofour + " is let through";
  std::array<unsigned char, 16> teredo{0x20, 0x01, 0, 0};
  for (std::size_t i = 0; i < 4; ++i) teredo[12 + i] = static_cast<unsigned char>(~v4b[i]);
  for (std::size_t i = 5; i < 9 && i < size; ++i) teredo[i - 1] = data[i];  // the server's address
  if (!refused(v6_text(teredo))) return "Teredo " + v6_text(teredo) + " is let through";

  // any IPv6 address from the input
  if (size >= 17) {
    std::array<unsigned char, 16> b{};
    for (std::size_t i = 0; i < 16; ++i) b[i] = data[1 + i];
    const std::string t = v6_text(b);
    const std::string c = media::address_refusal(t, closed), o = media::address_refusal(t, open);
    if (c.empty() && !o.empty()) return "opening ranges closed " + t + " (" + o + ")";
    if (!c.empty() && o.empty() && c.find("loopback") == std::string::npos && c.find("private") == std::string::npos)
      return "opening loopback/private ranges opened " + t + ", refused as " + c;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80 && o.empty()) return "link-local " + t + " let through";
  }
  if (media::address_refusal(a, closed).empty() && !media::address_refusal(a, open).empty())
    return "opening ranges closed " + a;
  if ((why.find("metadata") != std::string::npos || why.find("link-local") != std::string::npos) &&
      media::address_refusal(a, open).empty())
    return "opening ranges opened " + a + " (" + why + ")";
  return {};
}

}  // namespace openrouter::fuzz::address_screen

OPENROUTER_FUZZ_TARGET("address_screen_fuzz", openrouter::fuzz::address_screen::check)
