#include "header_values.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cmath>

namespace openrouter::detail {
namespace chr = std::chrono;
using sys_clock = chr::system_clock;

namespace {

constexpr std::int64_t cap_ms = max_server_wait.count();

std::string_view trim(std::string_view v) noexcept {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr std::array<std::string_view, 7> short_days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_days{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A cursor over the value; every take_* fails (returns false) without consuming on mismatch.
struct cursor {
  std::string_view s;
  bool lit(std::string_view l) noexcept {
    if (s.substr(0, l.size()) != l) return false;
    s.remove_prefix(l.size());
    return true;
  }
  // Exactly n digits.
  bool num(std::size_t n, int& out) noexcept {
    if (s.size() < n) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!digit(s[i])) return false;
      v = v * 10 + (s[i] - '0');
    }
    out = v;
    s.remove_prefix(n);
    return true;
  }
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, int& index) noexcept {
    for (std::size_t i = 0; i < N; ++i)
      if (lit(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    return false;
  }
  // "HH:MM:SS"
  bool time(int& h, int& m, int& sec) noexcept {
    return num(2, h) && lit(":") && num(2, m) && lit(":") && num(2, sec) && h <= 23 && m <= 59 && sec <= 60;
  }
};

// Seconds since the epoch of a valid civil date and time whose weekday is `wday` (0 = Sunday).
std::optional<std::int64_t> to_seconds(int year, int month0, int day, int h, int m, int sec, int wday) noexcept {
  if (year < 1 || year > 9999) return std::nullopt;
  chr::year_month_day ymd{chr::year(year), chr::month(static_cast<unsigned>(month0 + 1)),
                          chr::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  chr::sys_days days(ymd);
  if (chr::weekday(days).c_encoding() != static_cast<unsigned>(wday)) return std::nullopt;
  if (sec == 60) sec = 59;  // a leap second: one second early is close enough
  return static_cast<std::int64_t>(days.time_since_epoch().count()) * 86400 + h * 3600 + m * 60 + sec;
}

int year_of(sys_clock::time_point now) noexcept {
  return static_cast<int>(chr::year_month_day(chr::floor<chr::days>(now)).year());
}

// The HTTP-date as seconds since the epoch (any year 1..9999).
std::optional<std::int64_t> http_date_seconds(std::string_view v, sys_clock::time_point now) noexcept {
  int wday = 0, day = 0, mon = 0, year = 0, h = 0, m = 0, sec = 0;
  cursor c{trim(v)};
  cursor imf = c;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (imf.name(short_days, wday) && imf.lit(", ") && imf.num(2, day) && imf.lit(" ") && imf.name(months, mon) &&
      imf.lit(" ") && imf.num(4, year) && imf.lit(" ") && imf.time(h, m, sec) && imf.lit(" GMT") && imf.s.empty())
    return to_seconds(year, mon, day, h, m, sec, wday);
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  cursor rfc850 = c;
  int yy = 0;
  if (rfc850.name(long_days, wday) && rfc850.lit(", ") && rfc850.num(2, day) && rfc850.lit("-") &&
      rfc850.name(months, mon) && rfc850.lit("-") && rfc850.num(2, yy) && rfc850.lit(" ") && rfc850.time(h, m, sec) &&
      rfc850.lit(" GMT") && rfc850.s.empty()) {
    // The latest year ending in yy that is at most 50 years ahead of now (RFC 9110 §5.6.7).
    int now_year = year_of(now);
    year = now_year - now_year % 100 + yy;
    if (year > now_year + 50) year -= 100;
    return to_seconds(year, mon, day, h, m, sec, wday);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  cursor asc = c;
  if (asc.name(short_days, wday) && asc.lit(" ") && asc.name(months, mon) && asc.lit(" ")) {
    bool d = asc.lit(" ") ? asc.num(1, day) : asc.num(2, day);
    if (d && asc.lit(" ") && asc.time(h, m, sec) && asc.lit(" ") && asc.num(4, year) && asc.s.empty())
      return to_seconds(year, mon, day, h, m, sec, wday);
  }
  return std::nullopt;
}

// delta-seconds with an optional fraction, in milliseconds saturated at the cap.
std::optional<std::int64_t> delta_ms(std::string_view v) noexcept {
  std::size_t i = 0;
  std::int64_t secs = 0;
  constexpr std::int64_t cap_secs = cap_ms / 1000;
  while (i < v.size() && digit(v[i])) {
    if (secs <= cap_secs) secs = secs * 10 + (v[i] - '0');  // saturates (just) above the cap
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::int64_t ms = 0;
  if (i < v.size() && v[i] == '.') {
    ++i;
    std::size_t first = i;
    std::int64_t scale = 100;
    while (i < v.size() && digit(v[i])) {
      ms += (v[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == first) return std::nullopt;
  }
  if (i != v.size()) return std::nullopt;
  if (secs > cap_secs) return cap_ms;
  return std::min(secs * 1000 + ms, cap_ms);
}

}  // namespace

chr::milliseconds clamp_wait(chr::milliseconds d) noexcept {
  if (d.count() < 0) return chr::milliseconds(0);
  return d > max_server_wait ? max_server_wait : d;
}

std::optional<chr::milliseconds> clamp_wait_seconds(double seconds) noexcept {
  if (std::isnan(seconds) || seconds < 0) return std::nullopt;
  // Compared as doubles before any conversion: 1e30 or +inf never reach the cast.
  if (seconds * 1000.0 >= static_cast<double>(cap_ms)) return max_server_wait;
  return chr::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

std::optional<chr::milliseconds> parse_retry_after(std::string_view v, sys_clock::time_point now) noexcept {
  v = trim(v);
  if (v.empty()) return std::nullopt;
  if (digit(v.front())) {
    if (auto ms = delta_ms(v)) return chr::milliseconds(*ms);
    return std::nullopt;
  }
  auto date = http_date_seconds(v, now);
  if (!date) return std::nullopt;
  // Compared in seconds (a year-9999 date does not fit a nanosecond time_point).
  std::int64_t now_ms = chr::duration_cast<chr::milliseconds>(now.time_since_epoch()).count();
  std::int64_t now_s = now_ms / 1000;
  if (*date <= now_s) return chr::milliseconds(0);
  if (*date - now_s > cap_ms / 1000 + 1) return max_server_wait;
  return clamp_wait(chr::milliseconds(*date * 1000 - now_ms));
}

std::optional<std::int64_t> parse_header_integer(std::string_view v) noexcept {
  v = trim(v);
  if (v.empty() || v.size() > 16) return std::nullopt;  // 1e15 has 16 digits
  std::int64_t n = 0;
  for (char c : v) {
    if (!digit(c)) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > max_header_integer) return std::nullopt;
  return n;
}

std::optional<sys_clock::time_point> parse_rate_limit_reset(std::string_view v, sys_clock::time_point now) noexcept {
  auto n = parse_header_integer(v);
  if (!n) return std::nullopt;
  // Above 1e12 it can only be milliseconds (1e12 seconds is 33,000 years from now).
  std::int64_t ms = *n > 1'000'000'000'000 ? *n : *n * 1000;  // <= 1e15: no overflow
  std::int64_t now_ms = chr::duration_cast<chr::milliseconds>(now.time_since_epoch()).count();
  if (ms - now_ms > cap_ms) ms = now_ms + cap_ms;
  return sys_clock::time_point(chr::duration_cast<sys_clock::duration>(chr::milliseconds(ms)));
}

std::optional<sys_clock::time_point> parse_http_date(std::string_view v, sys_clock::time_point now) noexcept {
  auto s = http_date_seconds(v, now);
  // What a system_clock::time_point holds (nanoseconds: 1677..2262) with a margin.
  constexpr std::int64_t lo = -2'208'988'800;  // 1900-01-01
  constexpr std::int64_t hi = 7'258'118'400;   // 2200-01-01
  if (!s || *s < lo || *s >= hi) return std::nullopt;
  return sys_clock::time_point(chr::duration_cast<sys_clock::duration>(chr::seconds(*s)));
}

std::string format_http_date(sys_clock::time_point t) {
  auto secs = chr::floor<chr::seconds>(t);
  auto days = chr::floor<chr::days>(secs);
  chr::year_month_day ymd(days);
  chr::hh_mm_ss<chr::seconds> tod(secs - days);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                        std::string(short_days[chr::weekday(days).c_encoding()]).c_str(),
                        static_cast<unsigned>(ymd.day()),
                        std::string(months[static_cast<unsigned>(ymd.month()) - 1]).c_str(), static_cast<int>(ymd.year()),
                        static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                        static_cast<int>(tod.seconds().count()));
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

}  // namespace openrouter::detail
