#include "json_util.hpp"

#include <openrouter/wire/json.hpp>

#include "program.hpp"

#include <boost/json/serialize.hpp>

#include <cmath>
#include <functional>
#include <limits>

namespace openrouter::schema::detail {
namespace {

namespace json = boost::json;

constexpr double two_64 = 18446744073709551616.0;

// |v| as an exact integer, when v is integral and |v| < 2^64.
bool magnitude(const json::value& v, std::uint64_t& out) noexcept {
  switch (v.kind()) {
    case json::kind::int64: {
      std::int64_t i = v.get_int64();
      out = i < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
      return true;
    }
    case json::kind::uint64:
      out = v.get_uint64();
      return true;
    case json::kind::double_: {
      double d = std::fabs(v.get_double());
      if (!(d < two_64) || std::trunc(d) != d) return false;
      out = static_cast<std::uint64_t>(d);
      return true;
    }
    default:
      return false;
  }
}

double to_double(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::int64:
      return static_cast<double>(v.get_int64());
    case json::kind::uint64:
      return static_cast<double>(v.get_uint64());
    default:
      return v.get_double();
  }
}

[[noreturn]] void too_deep() {
  throw eval_failure{{error_kind::too_deep, {}, "value nested deeper than the depth limit"}};
}

}  // namespace

bool is_integral(const json::value& v) noexcept {
  if (v.is_int64() || v.is_uint64()) return true;
  if (!v.is_double()) return false;
  double d = v.get_double();
  return std::isfinite(d) && std::trunc(d) == d;
}

bool is_multiple_of(const json::value& a, const json::value& divisor) noexcept {
  std::uint64_t ma = 0, md = 0;
  if (magnitude(a, ma) && magnitude(divisor, md) && md != 0) return ma % md == 0;
  // Decimal fractions have no exact binary form, so x / d of two decimal literals lands within
  // a few ulps of the true quotient: accept a quotient that close to an integer.
  double q = to_double(a) / to_double(divisor);
  if (!std::isfinite(q)) return false;
  double r = std::nearbyint(q);
  return std::fabs(q - r) <= 8 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::fabs(q));
}

bool json_equal(const json::value& a, const json::value& b, std::size_t max_depth) {
  bool deep = false;
  const bool same = wire::same_json(a, b, max_depth, deep);
  if (deep) too_deep();
  return same;
}

std::size_t json_hash(const json::value& v, std::size_t max_depth) {
  if (max_depth == 0) too_deep();
  auto mix = [](std::size_t h, std::size_t x) { return h ^ (x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2)); };
  switch (v.kind()) {
    case json::kind::null: return 0x51;
    case json::kind::bool_: return v.get_bool() ? 0x7 : 0x3;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return std::hash<double>{}(to_double(v));  // 1 and 1.0 hash alike
    case json::kind::string: return std::hash<std::string_view>{}(v.get_string());
    case json::kind::array: {
      std::size_t h = 0xa5;
      for (const auto& e : v.get_array()) h = mix(h, json_hash(e, max_depth - 1));
      return h;
    }
    case json::kind::object: {
      std::size_t h = 0x0b;
      for (const auto& kv : v.get_object())  // order-independent: objects compare unordered
        h += mix(std::hash<std::string_view>{}(kv.key()), json_hash(kv.value(), max_depth - 1));
      return h;
    }
  }
  return 0;
}

std::size_t json_depth(const json::value& v, std::size_t limit) {
  if (limit == 0) return 1;
  std::size_t deepest = 0;
  if (v.is_array())
    for (const auto& e : v.get_array()) deepest = std::max(deepest, json_depth(e, limit - 1));
  else if (v.is_object())
    for (const auto& kv : v.get_object()) deepest = std::max(deepest, json_depth(kv.value(), limit - 1));
  return deepest + 1;
}

std::size_t code_points(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

const char* type_name(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "?";
}

std::string preview(const json::value& v, std::size_t max) {
  if (v.is_array()) return "an array of " + std::to_string(v.get_array().size()) + " items";
  if (v.is_object()) return "an object of " + std::to_string(v.get_object().size()) + " properties";
  std::string s = json::serialize(v);
  if (s.size() > max) {
    while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;  // cut at a code point
    s.resize(max);
    s += "...";
  }
  return s;
}

void append_pointer_token(std::string& out, std::string_view token) {
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}

}  // namespace openrouter::schema::detail
