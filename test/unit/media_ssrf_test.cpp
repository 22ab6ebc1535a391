// The address screen of server-side asset fetches (media::address_refusal): every special-purpose
// range of the IANA IPv4 and IPv6 registries, at its edges (first address, last address, and the
// addresses just outside), with the reason it is refused; the forms of IPv6 that embed an IPv4
// address; and what allow_loopback / allow_private open (their own ranges only).
#include <openrouter/config.hpp>
#include <openrouter/media/remote_assets.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace media = openrouter::media;

namespace {

struct row {
  const char* ip;
  const char* why;  // a substring of the refusal; "" when the address may be fetched
};

void check(const std::vector<row>& rows, const openrouter::remote_asset_options& opts) {
  for (const row& r : rows) {
    const std::string got = media::address_refusal(r.ip, opts);
    if (std::string(r.why).empty())
      BOOST_TEST(got.empty(), r.ip << " is refused (" << got << ") but is a public address");
    else
      BOOST_TEST(got.find(r.why) != std::string::npos, r.ip << ": \"" << got << "\", expected \"" << r.why << "\"");
  }
}

// IPv4: each range's first and last address, then one outside on either side.
const std::vector<row> v4_rows = {
    {"0.0.0.0", "unspecified"}, {"0.255.255.255", "unspecified"}, {"1.0.0.0", ""},
    {"9.255.255.255", ""}, {"10.0.0.0", "private"}, {"10.255.255.255", "private"}, {"11.0.0.0", ""},
    {"100.63.255.255", ""}, {"100.64.0.0", "private"}, {"100.127.255.255", "private"}, {"100.128.0.0", ""},
    {"100.100.100.200", "cloud metadata"},
    {"126.255.255.255", ""}, {"127.0.0.0", "loopback"}, {"127.255.255.255", "loopback"}, {"128.0.0.0", ""},
    {"169.253.255.255", ""}, {"169.254.0.0", "link-local"}, {"169.254.255.255", "link-local"}, {"169.255.0.0", ""},
    {"169.254.169.254", "cloud metadata"},
    {"172.15.255.255", ""}, {"172.16.0.0", "private"}, {"172.31.255.255", "private"}, {"172.32.0.0", ""},
    {"191.255.255.255", ""}, {"192.0.0.0", "IETF protocol assignments"}, {"192.0.0.255", "IETF protocol assignments"},
    {"192.0.1.0", ""},
    {"192.0.1.255", ""}, {"192.0.2.0", "documentation"}, {"192.0.2.255", "documentation"}, {"192.0.3.0", ""},
    {"192.88.98.255", ""}, {"192.88.99.0", "6to4 relay"}, {"192.88.99.255", "6to4 relay"}, {"192.88.100.0", ""},
    {"192.167.255.255", ""}, {"192.168.0.0", "private"}, {"192.168.255.255", "private"}, {"192.169.0.0", ""},
    {"198.17.255.255", ""}, {"198.18.0.0", "benchmarking"}, {"198.19.255.255", "benchmarking"}, {"198.20.0.0", ""},
    {"198.51.99.255", ""}, {"198.51.100.0", "documentation"}, {"198.51.100.255", "documentation"}, {"198.51.101.0", ""},
    {"203.0.112.255", ""}, {"203.0.113.0", "documentation"}, {"203.0.113.255", "documentation"}, {"203.0.114.0", ""},
    {"223.255.255.255", ""}, {"224.0.0.0", "multicast"}, {"239.255.255.255", "multicast"},
    {"240.0.0.0", "reserved"}, {"255.255.255.254", "reserved"}, {"255.255.255.255", "broadcast"},
    {"8.8.8.8", ""}, {"93.184.216.34", ""},
};

// IPv6, the same way. Outside 2000::/3 everything is reserved, so the neighbours of ranges
// there are refused too, as "not global unicast".
const std::vector<row> v6_rows = {
    {"::", "unspecified"}, {"::1", "loopback"},
    // IPv4-compatible ::/96 (deprecated), refused whole
    {"::0.0.0.2", "IPv4-compatible"}, {"::8.8.8.8", "IPv4-compatible"}, {"::255.255.255.255", "IPv4-compatible"},
    {"::1:0:0", "not global unicast"},
    // IPv4-mapped ::ffff:0:0/96, judged as the IPv4 address
    {"::fffe:ffff:ffff", "not global unicast"}, {"::ffff:0.0.0.0", "unspecified"},
    {"::ffff:255.255.255.255", "broadcast"}, {"::ffff:8.8.8.8", ""}, {"::ffff:192.0.0.1", "IETF protocol"},
    {"::ffff:198.18.0.1", "benchmarking"}, {"::1:0:0:0", "not global unicast"},
    // NAT64 well-known prefix 64:ff9b::/96, judged as the IPv4 address
    {"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", "not global unicast"}, {"64:ff9b::", "NAT64"},
    {"64:ff9b::0.0.0.0", "unspecified"}, {"64:ff9b::127.0.0.1", "loopback"}, {"64:ff9b::10.0.0.1", "private"},
    {"64:ff9b::169.254.169.254", "cloud metadata"}, {"64:ff9b::192.0.0.170", "IETF protocol"},
    {"64:ff9b::8.8.8.8", ""}, {"64:ff9b::93.184.216.34", ""}, {"64:ff9b::255.255.255.255", "broadcast"},
    {"64:ff9b::1:0:0", "not global unicast"},
    // NAT64 local-use 64:ff9b:1::/48, refused whole
    {"64:ff9b:0:ffff:ffff:ffff:ffff:ffff", "not global unicast"}, {"64:ff9b:1::", "local-use NAT64"},
    {"64:ff9b:1::808:808", "local-use NAT64"}, {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "local-use NAT64"},
    {"64:ff9b:2::", "not global unicast"},
    // discard-only and dummy prefixes
    {"ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "not global unicast"}, {"100::", "discard-only"},
    {"100::ffff:ffff:ffff:ffff", "discard-only"}, {"100:0:0:1::", "dummy"}, {"100:0:0:1:ffff:ffff:ffff:ffff", "dummy"},
    {"100:0:0:2::", "not global unicast"},
    // global unicast 2000::/3 edges
    {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "not global unicast"}, {"2000::", ""},
    {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""}, {"4000::", "not global unicast"},
    // Teredo 2001::/32 inside IETF protocol assignments 2001::/23
    {"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""}, {"2001::", "Teredo"},
    {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"}, {"2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "Teredo"},
    {"2001:1::", "IETF protocol assignments"}, {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "IETF protocol assignments"},
    {"2001:200::", ""},
    // documentation
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", ""}, {"2001:db8::", "documentation"},
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "documentation"}, {"2001:db9::", ""},
    {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""}, {"3fff::", "documentation"},
    {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation"}, {"3fff:1000::", ""},
    // 6to4 2002::/16, refused whole (whatever IPv4 address it embeds)
    {"2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ""}, {"2002::", "6to4"}, {"2002:808:808::", "6to4"},
    {"2002:7f00:1::", "6to4"}, {"2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "6to4"}, {"2003::", ""},
    // unique-local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8
    {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "not global unicast"}, {"fc00::", "private"},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "private"}, {"fd00:ec2::254", "cloud metadata"},
    {"fe00::", "not global unicast"}, {"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "not global unicast"},
    {"fe80::", "link-local"}, {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local"},
    {"fec0::", "site-local"}, {"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "site-local"},
    {"ff00::", "multicast"}, {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast"},
    {"2606:4700::1111", ""}, {"2a00:1450:4001:82b::200e", ""},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(media_ssrf_test)

BOOST_AUTO_TEST_CASE(ipv4_special_purpose_ranges) { check(v4_rows, {}); }

BOOST_AUTO_TEST_CASE(ipv6_special_purpose_ranges) { check(v6_rows, {}); }

BOOST_AUTO_TEST_CASE(opt_ins_open_their_own_ranges_only) {
  openrouter::remote_asset_options opts;
  opts.allow_loopback = true;
  opts.allow_private = true;
  check({{"127.0.0.1", ""}, {"::1", ""}, {"::ffff:127.0.0.1", ""}, {"10.0.0.1", ""}, {"100.64.0.1", ""},
         {"::ffff:192.168.1.1", ""}, {"fc00::1", ""}, {"fec0::1", ""},
         // metadata, link-local and the ranges with no flag stay closed
         {"169.254.169.254", "cloud metadata"}, {"100.100.100.200", "cloud metadata"}, {"fd00:ec2::254", "cloud metadata"},
         {"169.254.1.1", "link-local"}, {"fe80::1", "link-local"}, {"192.0.0.8", "IETF protocol"},
         {"198.18.0.1", "benchmarking"}, {"2002:a00:1::", "6to4"}, {"2001::1", "Teredo"}, {"::10.0.0.1", "IPv4-compatible"},
         // NAT64 never carries a non-global address, so the flags do not open it
         {"64:ff9b::127.0.0.1", "loopback"}, {"64:ff9b::10.0.0.1", "private"}, {"64:ff9b::c0a8:101", "private"}},
        opts);
}

BOOST_AUTO_TEST_CASE(unparsable_addresses_are_refused) {
  for (const char* ip : {"", "not-an-ip", "1.2.3", "1.2.3.4.5", "::ffff:1.2.3.256", "[::1]"})
    BOOST_TEST(!media::address_refusal(ip, {}).empty(), ip);
}

BOOST_AUTO_TEST_SUITE_END()
