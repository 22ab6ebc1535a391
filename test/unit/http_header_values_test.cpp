// Header values a server sends (src/lib/http/header_values.cpp), table-driven: Retry-After as
// delta-seconds or any of the three HTTP-date formats, X-RateLimit-* integers, the seconds of
// an error body's availability.retry_after. Nothing a server sends can overflow a cast or ask
// for a wait longer than max_server_wait (24 h). Also the excerpt of a body (redacted before
// it is cut) and which hosts count as loopback for the key.
#include "detail/excerpt.hpp"
#include "http/header_values.hpp"
#include "http/transport.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace {

namespace chr = std::chrono;
using namespace std::chrono_literals;
using openrouter::detail::max_server_wait;

// 2026-01-01T00:00:00Z, a Thursday.
const chr::system_clock::time_point now{chr::seconds(1'767'225'600)};

struct retry_case {
  const char* value;
  std::optional<chr::milliseconds> expected;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(http_header_values_test)

BOOST_AUTO_TEST_CASE(retry_after_values) {
  const std::optional<chr::milliseconds> none;
  const retry_case cases[] = {
      {"120", 120s},
      {"0", 0ms},
      {"1.5", 1500ms},  // OpenRouter's decimals
      {"0.0015", 1ms},
      {" 7 ", 7s},
      {"\t7", 7s},
      {"86400", max_server_wait},
      {"86401", max_server_wait},                  // clamped, not refused
      {"31536000", max_server_wait},               // a year
      {"99999999999999999999999999999", max_server_wait},  // beyond any integer type
      {"1e30", none},
      {"1E3", none},
      {"inf", none},
      {"Infinity", none},
      {"nan", none},
      {"-1", none},
      {"+1", none},
      {"120abc", none},
      {"12 0", none},
      {"1.", none},
      {".5", none},
      {"0x10", none},
      {"", none},
      {"   ", none},
      // HTTP-dates, relative to now
      {"Thu, 01 Jan 2026 00:02:00 GMT", 120s},
      {"Thursday, 01-Jan-26 00:02:00 GMT", 120s},
      {"Thu Jan  1 00:02:00 2026", 120s},
      {"Sun, 06 Nov 1994 08:49:37 GMT", 0ms},  // in the past
      {"Sunday, 06-Nov-94 08:49:37 GMT", 0ms},
      {"Sun Nov  6 08:49:37 1994", 0ms},
      {"Thu, 31 Dec 2099 23:59:59 GMT", max_server_wait},
      {"Fri, 31 Dec 9999 23:59:59 GMT", max_server_wait},  // beyond a nanosecond time_point
      {"Fri, 01 Jan 2026 00:02:00 GMT", none},  // wrong weekday
      {"Thu, 01 Jan 2026 00:02:00 UTC", none},
      {"Thu, 1 Jan 2026 00:02:00 GMT", none},
      {"Mon, 30 Feb 2026 00:00:00 GMT", none},
      {"Thu, 01 Jan 2026 24:00:00 GMT", none},
      {"Thu, 01 Jan 2026 00:02:00 GMT garbage", none},
      {"Thu, 01 Foo 2026 00:02:00 GMT", none},
  };
  for (const auto& c : cases) {
    auto got = openrouter::detail::parse_retry_after(c.value, now);
    BOOST_TEST(got.has_value() == c.expected.has_value(), '"' << c.value << '"');
    if (got && c.expected) BOOST_TEST(got->count() == c.expected->count(), '"' << c.value << '"');
  }
}

BOOST_AUTO_TEST_CASE(rfc850_two_digit_years_are_at_most_50_years_ahead) {
  using openrouter::detail::parse_http_date;
  // From 2026: "75" is 2075 (49 years ahead), "77" is 1977 (2077 would be 51 years ahead).
  auto y75 = parse_http_date("Tuesday, 01-Jan-75 00:00:00 GMT", now);
  auto y77 = parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT", now);
  BOOST_TEST_REQUIRE(y75.has_value());
  BOOST_TEST_REQUIRE(y77.has_value());
  BOOST_TEST(openrouter::detail::format_http_date(*y75) == "Tue, 01 Jan 2075 00:00:00 GMT");
  BOOST_TEST(openrouter::detail::format_http_date(*y77) == "Sat, 01 Jan 1977 00:00:00 GMT");
}

BOOST_AUTO_TEST_CASE(http_dates_round_trip) {
  for (std::int64_t off : {0ll, 1ll, 86'399ll, -1'000'000'000ll, 1'000'000'000ll, 951'782'400ll - 1'767'225'600ll}) {
    auto t = now + chr::seconds(off);
    auto s = openrouter::detail::format_http_date(t);
    auto back = openrouter::detail::parse_http_date(s, now);
    BOOST_TEST_REQUIRE(back.has_value(), s);
    BOOST_TEST((*back == t), s);
  }
}

BOOST_AUTO_TEST_CASE(availability_seconds_are_clamped_before_any_cast) {
  using openrouter::detail::clamp_wait_seconds;
  const double inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(clamp_wait_seconds(1e30).value().count() == max_server_wait.count());
  BOOST_TEST(clamp_wait_seconds(inf).value().count() == max_server_wait.count());
  BOOST_TEST(clamp_wait_seconds(std::numeric_limits<double>::max()).value().count() == max_server_wait.count());
  BOOST_TEST(!clamp_wait_seconds(std::nan("")).has_value());
  BOOST_TEST(!clamp_wait_seconds(-inf).has_value());
  BOOST_TEST(!clamp_wait_seconds(-1).has_value());
  BOOST_TEST(clamp_wait_seconds(0).value().count() == 0);
  BOOST_TEST(clamp_wait_seconds(2.5).value().count() == 2500);
  BOOST_TEST(clamp_wait_seconds(86400.0).value().count() == max_server_wait.count());
}

BOOST_AUTO_TEST_CASE(rate_limit_integers_are_strict) {
  using openrouter::detail::parse_header_integer;
  BOOST_TEST(parse_header_integer("100").value() == 100);
  BOOST_TEST(parse_header_integer(" 0 ").value() == 0);
  BOOST_TEST(parse_header_integer("1000000000000000").value() == 1'000'000'000'000'000);
  for (const char* bad : {"", "-1", "+1", "1e3", "12abc", "1.5", "inf", "nan", "1000000000000001",
                          "99999999999999999999999", "0x10", "1 2"})
    BOOST_TEST(!parse_header_integer(bad).has_value(), '"' << bad << '"');
}

BOOST_AUTO_TEST_CASE(rate_limit_reset_seconds_or_milliseconds_bounded) {
  using openrouter::detail::parse_rate_limit_reset;
  const auto in_60s = now + 60s;
  BOOST_TEST((parse_rate_limit_reset("1767225660000", now).value() == in_60s));  // milliseconds
  BOOST_TEST((parse_rate_limit_reset("1767225660", now).value() == in_60s));     // seconds
  BOOST_TEST((parse_rate_limit_reset("1000", now).value() == chr::system_clock::time_point(1000s)));  // the past stays
  // A reset years ahead is no later than now + the cap.
  BOOST_TEST((parse_rate_limit_reset("999999999999999", now).value() == now + max_server_wait));
  BOOST_TEST((parse_rate_limit_reset("1000000000000", now).value() == now + max_server_wait));  // 1e12 s
  for (const char* bad : {"1e30", "inf", "-5", "17672256600000000000", "abc", ""})
    BOOST_TEST(!parse_rate_limit_reset(bad, now).has_value(), '"' << bad << '"');
}

BOOST_AUTO_TEST_CASE(excerpt_redacts_a_key_that_straddles_the_cut) {
  using openrouter::detail::excerpt;
  const std::string key = "sk-or-v1-0123456789abcdef0123456789abcdef";
  for (std::size_t start = 500; start <= 512; ++start) {  // the key begins before, at and after the cut
    std::string body(start, 'x');
    body += key;
    body += std::string(100, 'y');
    std::string e = excerpt(body, key);
    BOOST_TEST(e.size() <= 512u);
    // No piece of the key's secret part (8 characters or more of it) is in the excerpt.
    for (std::size_t i = 0; i + 8 <= key.size(); ++i)
      BOOST_TEST(e.find(key.substr(i, 8)) == std::string::npos, "start " << start << ": " << e.substr(490));
  }
  // Several keys, the excerpt still bounded and every one redacted.
  std::string many;
  for (int i = 0; i < 40; ++i) many += key + " ";
  std::string e = excerpt(many, key);
  BOOST_TEST(e.size() <= 512u);
  BOOST_TEST(e.find("sk-or") == std::string::npos);
  BOOST_TEST(e.find("[redacted]") == 0u);
}

BOOST_AUTO_TEST_CASE(excerpt_never_cuts_inside_a_utf8_sequence) {
  using openrouter::detail::excerpt;
  for (std::size_t pad = 0; pad < 4; ++pad) {
    std::string body(pad, 'a');
    while (body.size() < 600) body += "\xe2\x82\xac";  // U+20AC, 3 bytes
    std::string e = excerpt(body, "");
    BOOST_TEST(e.size() <= 512u);
    BOOST_TEST(e.size() >= 509u);
    BOOST_TEST((e.size() - pad) % 3 == 0u, "pad " << pad << ": cut inside a sequence");
  }
}

BOOST_AUTO_TEST_CASE(loopback_hosts) {
  using openrouter::detail::is_loopback_host;
  for (const char* h : {"localhost", "LocalHost", "127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"})
    BOOST_TEST(is_loopback_host(h), h);
  for (const char* h : {"10.255.255.1", "api.example.com", "localhost.evil.com", "128.0.0.1", "::", "0.0.0.0",
                        "::ffff:10.0.0.1", "evil-localhost", ""})
    BOOST_TEST(!is_loopback_host(h), h);
}

BOOST_AUTO_TEST_SUITE_END()
