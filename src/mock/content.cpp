#include "content.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cmath>

namespace openrouter::mock {
namespace json = boost::json;

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

namespace {

constexpr std::array<std::string_view, 64> words = {
    "the",     "model",   "routes",   "tokens",  "through", "a",        "provider", "and",
    "returns", "stream",  "chunks",   "with",    "usage",   "cost",     "latency",  "fast",
    "request", "answer",  "context",  "window",  "price",   "cheap",    "server",   "client",
    "retry",   "backoff", "fallback", "policy",  "budget",  "quota",    "signal",   "event",
    "data",    "done",    "error",    "success", "careful", "reliable", "precise",  "simple",
    "async",   "await",   "socket",   "buffer",  "parser",  "header",   "payload",  "json",
    "schema",  "object",  "array",    "string",  "number",  "value",    "field",    "result",
    "image",   "file",    "text",     "tool",    "call",    "reason",   "think",    "write"};

const json::value* resolve(const json::value& schema, const json::value& root) {
  const json::object* o = schema.if_object();
  if (!o) return &schema;
  auto it = o->find("$ref");
  if (it == o->end() || !it->value().is_string()) return &schema;
  std::string_view ref = it->value().get_string();
  if (!ref.starts_with("#")) return &schema;
  json::error_code ec;
  const json::value* target = root.find_pointer(ref.substr(1), ec);
  return target ? target : &schema;
}

double num(const json::object& o, std::string_view key, double fallback) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_number()) return fallback;
  return it->value().to_number<double>();
}

// What one instance may still use: a hostile schema (minItems 1e12, nested arrays, minLength
// 1e9) fails fast instead of exhausting memory.
struct instance_budget {
  std::size_t values = 0, string_bytes = 0;
  void value() {
    if (++values > max_instance_values)
      throw instance_too_large("the schema's smallest instance has more than " + std::to_string(max_instance_values) +
                               " values, more than the mock generates");
  }
  void string(double bytes) {
    if (!(bytes <= static_cast<double>(max_instance_string_bytes - string_bytes)))
      throw instance_too_large("the schema's strings need more than " + std::to_string(max_instance_string_bytes) +
                               " bytes, more than the mock generates");
    string_bytes += static_cast<std::size_t>(bytes);
  }
};

json::value instance(const json::value& in, const json::value& root, std::uint64_t seed, int depth, instance_budget& b) {
  b.value();
  const json::value& schema = *resolve(in, root);
  const json::object* o = schema.if_object();
  if (!o || depth > 16) return json::object{};
  if (auto it = o->find("const"); it != o->end()) return it->value();
  if (auto it = o->find("enum"); it != o->end() && it->value().is_array() && !it->value().get_array().empty()) {
    const auto& arr = it->value().get_array();
    return arr[mix(seed) % arr.size()];
  }
  for (std::string_view key : {"anyOf", "oneOf"}) {
    if (auto it = o->find(key); it != o->end() && it->value().is_array() && !it->value().get_array().empty())
      return instance(it->value().get_array()[0], root, seed, depth + 1, b);
  }
  if (auto it = o->find("allOf"); it != o->end() && it->value().is_array()) {
    // Merge object members produced by every branch (the common use of allOf).
    json::object merged;
    for (const auto& part : it->value().get_array()) {
      json::value v = instance(part, root, seed, depth + 1, b);
      if (auto* po = v.if_object())
        for (auto& [k, val] : *po) merged[k] = val;
      else
        return v;
    }
    return merged;
  }
  std::string type = "object";
  if (auto it = o->find("type"); it != o->end()) {
    if (it->value().is_string()) type = it->value().get_string();
    else if (it->value().is_array() && !it->value().get_array().empty() && it->value().get_array()[0].is_string())
      type = it->value().get_array()[0].get_string();
  } else if (!o->contains("properties")) {
    type = o->contains("items") ? "array" : "string";
  }
  if (type == "object") {
    json::object out;
    std::uint64_t i = 0;
    if (auto it = o->find("properties"); it != o->end() && it->value().is_object())
      for (const auto& [name, sub] : it->value().get_object())
        out[name] = instance(sub, root, mix(seed + ++i), depth + 1, b);
    return out;
  }
  if (type == "array") {
    json::array out;
    auto items = o->find("items");
    double want = std::min(num(*o, "minItems", 2), num(*o, "maxItems", 1e9));
    if (!(want >= 0)) want = 0;  // negative or NaN
    // Every element is a value of the budget, counted before any is made: an array of arrays
    // of minItems fails at once instead of after millions of leaves.
    if (want > static_cast<double>(max_instance_values - b.values)) {
      b.values = max_instance_values;
      b.value();  // throws
    }
    auto n = static_cast<std::size_t>(want);
    if (items == o->end()) b.values += n;
    for (std::size_t i = 0; i < n; ++i)
      out.push_back(items != o->end() ? instance(items->value(), root, mix(seed + i), depth + 1, b)
                                      : json::value(static_cast<std::int64_t>(i)));
    return out;
  }
  if (type == "integer" || type == "number") {
    double lo = num(*o, "minimum", 0), hi = num(*o, "maximum", lo + 100);
    if (o->contains("exclusiveMinimum")) lo = num(*o, "exclusiveMinimum", lo) + 1;
    if (o->contains("exclusiveMaximum")) hi = num(*o, "exclusiveMaximum", hi) - 1;
    // Beyond 2^53 (or not finite) there is no integer arithmetic to do: the bound itself.
    constexpr double exact = 9.0e15;
    if (!(std::abs(lo) < exact) || !(std::abs(hi) < exact)) {
      double v = std::isfinite(lo) ? lo : std::isfinite(hi) ? hi : 0.0;
      return v;
    }
    if (hi < lo) hi = lo;
    auto v = static_cast<std::int64_t>(std::ceil(lo)) +
             static_cast<std::int64_t>(mix(seed) % static_cast<std::uint64_t>(hi - lo + 1));
    if (type == "number" && v + 0.5 <= hi) return static_cast<double>(v) + 0.5;
    return v;
  }
  if (type == "boolean") return (mix(seed) & 1) != 0;
  if (type == "null") return nullptr;
  // string
  std::string s(words[mix(seed) % words.size()]);
  double min_d = num(*o, "minLength", 0), max_d = num(*o, "maxLength", 1e6);
  b.string(std::max(min_d, static_cast<double>(s.size())));
  auto min_len = min_d > 0 ? static_cast<std::size_t>(min_d) : 0;
  auto max_len = max_d >= 0 && max_d < 1e6 ? static_cast<std::size_t>(max_d) : std::size_t{1'000'000};
  if (s.size() < min_len) s.resize(min_len, 'x');
  if (s.size() > max_len) s.resize(max_len);
  return json::string(s);
}

std::uint32_t crc32(const unsigned char* p, std::size_t n, std::uint32_t crc = 0xffffffffu) {
  for (std::size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return crc;
}

void put32(std::string& out, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}

void chunk(std::string& png, const char* type, const std::string& data) {
  put32(png, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  put32(png, crc32(reinterpret_cast<const unsigned char*>(body.data()), body.size()) ^ 0xffffffffu);
}

}  // namespace

std::string token_text(std::uint64_t seed, std::size_t i) {
  std::string_view w = words[mix(seed + i) % words.size()];
  std::string out;
  out.reserve(w.size() + 1);
  if (i) out.push_back(' ');
  out += w;
  return out;
}

json::value instance_of(const json::value& schema, const json::value& root, std::uint64_t seed) {
  instance_budget b;
  return instance(schema, root, seed, 0, b);
}

std::string png_data_url(std::uint64_t seed) {
  // An 8x8 RGB image: IHDR, one IDAT holding a zlib stream of a single stored deflate
  // block (no compressor needed), IEND.
  constexpr std::uint32_t side = 8;
  std::string raw;
  for (std::uint32_t y = 0; y < side; ++y) {
    raw.push_back(0);  // filter: none
    for (std::uint32_t x = 0; x < side; ++x) {
      std::uint64_t c = mix(seed + y * side + x);
      raw.push_back(static_cast<char>(c & 0xff));
      raw.push_back(static_cast<char>((c >> 8) & 0xff));
      raw.push_back(static_cast<char>((c >> 16) & 0xff));
    }
  }
  std::string z = {'\x78', '\x01', '\x01'};
  auto len = static_cast<std::uint16_t>(raw.size());
  z.push_back(static_cast<char>(len & 0xff));
  z.push_back(static_cast<char>(len >> 8));
  z.push_back(static_cast<char>(~len & 0xff));
  z.push_back(static_cast<char>((~len >> 8) & 0xff));
  z += raw;
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put32(z, (b << 16) | a);

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, side);
  put32(ihdr, side);
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", {});

  std::string b64(4 * ((png.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                          reinterpret_cast<const unsigned char*>(png.data()), static_cast<int>(png.size()));
  b64.resize(static_cast<std::size_t>(n));
  return "data:image/png;base64," + b64;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  }
  return out;
}

}  // namespace openrouter::mock
