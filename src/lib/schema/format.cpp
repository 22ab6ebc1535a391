#include "format.hpp"

#include "regex.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <stdexcept>
#include <string>

namespace openrouter::schema::detail {
namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool hex(char c) noexcept { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads exactly n digits at s[i...] into out.
bool digits(std::string_view s, std::size_t& i, int n, int& out) noexcept {
  if (i + static_cast<std::size_t>(n) > s.size()) return false;
  out = 0;
  for (int k = 0; k < n; ++k, ++i) {
    if (!digit(s[i])) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool expect(std::string_view s, std::size_t& i, char c) noexcept {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

// RFC 3339 full-date at s[i...].
bool full_date(std::string_view s, std::size_t& i) noexcept {
  int y = 0, m = 0, d = 0;
  if (!digits(s, i, 4, y) || !expect(s, i, '-') || !digits(s, i, 2, m) || !expect(s, i, '-') || !digits(s, i, 2, d))
    return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[static_cast<std::size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
}

// RFC 3339 full-time (partial-time and a required offset) at s[i...] up to the end.
bool full_time(std::string_view s, std::size_t i) noexcept {
  int h = 0, m = 0, sec = 0;
  if (!digits(s, i, 2, h) || !expect(s, i, ':') || !digits(s, i, 2, m) || !expect(s, i, ':') || !digits(s, i, 2, sec))
    return false;
  if (h > 23 || m > 59 || sec > 60) return false;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  int offset = 0;  // minutes east of UTC
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int sign = s[i++] == '+' ? 1 : -1;
    int oh = 0, om = 0;
    if (!digits(s, i, 2, oh) || !expect(s, i, ':') || !digits(s, i, 2, om) || oh > 23 || om > 59) return false;
    offset = sign * (oh * 60 + om);
  } else {
    return false;
  }
  if (i != s.size()) return false;
  if (sec == 60) {  // a leap second is 23:59:60 UTC
    int utc = ((h * 60 + m - offset) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool date_time(std::string_view s) noexcept {
  std::size_t i = 0;
  if (!full_date(s, i) || i >= s.size() || (s[i] != 'T' && s[i] != 't')) return false;
  return full_time(s, i + 1);
}

// RFC 1123 host name: dot-separated labels of letters, digits and hyphens, 1-63 each, no
// hyphen at either end of a label, 253 bytes at most.
bool hostname(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!alpha(c) && !digit(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Dotted-quad, decimal, no leading zeros (which some parsers read as octal).
bool ipv4(std::string_view s) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    int v = 0;
    while (i < s.size() && digit(s[i]) && i - start < 3) v = v * 10 + (s[i++] - '0');
    std::size_t len = i - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    if (++parts == 4) return i == s.size();
    if (!expect(s, i, '.')) return false;
  }
}

// RFC 4291 section 2.2 text forms, without a zone.
bool ipv6(std::string_view s) noexcept {
  int groups = 0;
  bool gap = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    gap = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    // an embedded IPv4 address ends the text and counts as two groups
    std::size_t next_colon = s.find(':', i);
    if (next_colon == std::string_view::npos && s.find('.', i) != std::string_view::npos) {
      if (!ipv4(s.substr(i))) return false;
      groups += 2;
      break;
    }
    std::size_t start = i;
    while (i < s.size() && hex(s[i]) && i - start < 4) ++i;
    if (i == start) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap) return false;
      gap = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // a single trailing colon
    }
  }
  return gap ? groups <= 7 : groups == 8;
}

bool email(std::string_view s) noexcept {
  std::size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return false;
  for (char c : local)
    if (!alpha(c) && !digit(c) && std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) == std::string_view::npos)
      return false;
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    std::string_view lit = domain.substr(1, domain.size() - 2);
    return lit.substr(0, 5) == "IPv6:" ? ipv6(lit.substr(5)) : ipv4(lit);
  }
  return hostname(domain);
}

// An IRI becomes a URI when its non-ASCII characters are percent-encoded (RFC 3987 3.1).
std::string iri_to_uri(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else {
      static constexpr char digits_hex[] = "0123456789ABCDEF";
      out += '%';
      out += digits_hex[b >> 4];
      out += digits_hex[b & 0xF];
    }
  }
  return out;
}

// RFC 3986 URI (or reference). Boost.URL 1.81 accepts "http://2001:0db8:85a3::7334" as
// authority "2001:0" and path "db8:85a3::7334", which RFC 3986 forbids (after an authority
// the path is empty or starts with '/'), so that and the port are checked here.
bool uri_like(std::string_view s, bool reference) {
  if (s.find_first_of("\\ ") != std::string_view::npos) return false;
  auto r = reference ? boost::urls::parse_uri_reference(s) : boost::urls::parse_uri(s);
  if (!r) return false;
  if (!r->has_authority()) return true;
  if (std::string_view path = r->encoded_path(); !path.empty() && path.front() != '/') return false;
  std::string_view auth = r->encoded_authority();
  if (auto at = auth.rfind('@'); at != std::string_view::npos) auth.remove_prefix(at + 1);
  if (!auth.empty() && auth.front() == '[') {
    auto close = auth.find(']');
    if (close == std::string_view::npos) return false;
    auth.remove_prefix(close + 1);
  } else if (auto colon = auth.find(':'); colon != std::string_view::npos) {
    auth.remove_prefix(colon);
  } else {
    return true;
  }
  if (auth.empty()) return true;
  if (auth.front() != ':') return false;
  auth.remove_prefix(1);
  return auth.find_first_not_of("0123456789") == std::string_view::npos;
}

bool json_pointer(std::string_view s) noexcept {
  if (s.empty()) return true;
  if (s[0] != '/') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  return true;
}

bool relative_json_pointer(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size() && digit(s[i])) ++i;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  std::string_view rest = s.substr(i);
  return rest == "#" || json_pointer(rest);
}

// RFC 6570: literals and well-formed {expressions}.
bool uri_template(std::string_view s) noexcept {
  bool in_expr = false;
  std::size_t expr_start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '{') {
      if (in_expr) return false;
      in_expr = true;
      expr_start = i + 1;
    } else if (c == '}') {
      if (!in_expr || i == expr_start) return false;
      in_expr = false;
    } else if (!in_expr && (c == ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '^' ||
                            c == '`' || c == '|')) {
      return false;
    }
  }
  return !in_expr;
}

bool uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !hex(s[i])) return false;
  }
  return true;
}

int b64(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (digit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<format> format_from_name(std::string_view n) noexcept {
  static constexpr std::pair<std::string_view, format> names[] = {
      {"date-time", format::date_time},
      {"date", format::date},
      {"time", format::time},
      {"email", format::email},
      {"hostname", format::hostname},
      {"ipv4", format::ipv4},
      {"ipv6", format::ipv6},
      {"uri", format::uri},
      {"uri-reference", format::uri_reference},
      {"iri", format::iri},
      {"iri-reference", format::iri_reference},
      {"uri-template", format::uri_template},
      {"json-pointer", format::json_pointer},
      {"relative-json-pointer", format::relative_json_pointer},
      {"regex", format::regex},
      {"uuid", format::uuid},
  };
  for (auto [name, f] : names)
    if (name == n) return f;
  return std::nullopt;
}

bool format_matches(format f, std::string_view s) {
  switch (f) {
    case format::date_time: return date_time(s);
    case format::date: {
      std::size_t i = 0;
      return full_date(s, i) && i == s.size();
    }
    case format::time: return full_time(s, 0);
    case format::email: return email(s);
    case format::hostname: return hostname(s);
    case format::ipv4: return ipv4(s);
    case format::ipv6: return ipv6(s);
    case format::uri: return uri_like(s, false);
    case format::uri_reference: return uri_like(s, true);
    case format::iri: return uri_like(iri_to_uri(s), false);
    case format::iri_reference: return uri_like(iri_to_uri(s), true);
    case format::uri_template: return uri_template(s);
    case format::json_pointer: return json_pointer(s);
    case format::relative_json_pointer: return relative_json_pointer(s);
    case format::regex:
      try {
        detail::regex re(s);
        return true;
      } catch (const std::invalid_argument&) {
        return false;
      }
    case format::uuid: return uuid(s);
  }
  return true;
}

bool is_base64(std::string_view s) noexcept {
  if (s.size() % 4 != 0) return false;
  std::size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  for (std::size_t i = 0; i + pad < s.size(); ++i)
    if (b64(s[i]) < 0) return false;
  return true;
}

std::string base64_decode(std::string_view s) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = b64(c);
    if (v < 0) break;  // padding
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

bool is_json_text(std::string_view s) {
  boost::system::error_code ec;
  boost::json::monotonic_resource mr;  // freed at once: no recursive destruction of a deep text
  boost::json::parse_options po;
  po.max_depth = 10000;  // the parser itself is not recursive
  boost::json::parse(s, ec, &mr, po);
  return !ec;
}

}  // namespace openrouter::schema::detail
