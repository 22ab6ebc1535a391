#include "config.hpp"

#include <boost/json/parse.hpp>

#include <openssl/evp.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>

namespace openrouter::serve {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(const std::string& field, const std::string& what) { throw config_error(field + ": " + what); }

const json::object& object_at(const json::value& v, const std::string& field) {
  if (!v.is_object()) bad(field, "must be an object");
  return v.get_object();
}

std::string string_at(const json::value& v, const std::string& field, bool allow_empty = false) {
  if (!v.is_string()) bad(field, "must be a string");
  std::string s(v.get_string());
  if (!allow_empty && s.empty()) bad(field, "must not be empty");
  return s;
}

double number_at(const json::value& v, const std::string& field, const char* what) {
  double d = 0;
  if (v.is_int64()) d = static_cast<double>(v.get_int64());
  else if (v.is_uint64()) d = static_cast<double>(v.get_uint64());
  else if (v.is_double()) d = v.get_double();
  else bad(field, what);
  if (!std::isfinite(d) || d < 0) bad(field, what);
  return d;
}

std::uint64_t integer_at(const json::value& v, const std::string& field, std::uint64_t lo, std::uint64_t hi) {
  std::string what = "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  std::uint64_t n = 0;
  if (v.is_uint64()) n = v.get_uint64();
  else if (v.is_int64() && v.get_int64() >= 0) n = static_cast<std::uint64_t>(v.get_int64());
  else bad(field, what);
  if (n < lo || n > hi) bad(field, what);
  return n;
}

std::vector<std::string> strings_at(const json::value& v, const std::string& field) {
  if (!v.is_array()) bad(field, "must be an array of strings");
  std::vector<std::string> out;
  std::size_t i = 0;
  for (const auto& e : v.get_array()) out.push_back(string_at(e, field + "[" + std::to_string(i++) + "]"));
  return out;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

token_config parse_token(const json::value& v, const std::string& path) {
  token_config t;
  bool has_hash = false;
  for (const auto& [key, value] : object_at(v, path)) {
    std::string f = path + "." + std::string(key);
    if (key == "name") t.name = string_at(value, f);
    else if (key == "sha256") {
      t.sha256_hex = string_at(value, f);
      if (!is_hex64(t.sha256_hex))
        bad(f, "must be the SHA-256 of the token as 64 lower-case hex digits (`openrouter serve --hash-token`)");
      has_hash = true;
    } else if (key == "token") {
      bad(f, "plain tokens are not accepted: store its SHA-256 as \"sha256\" (`openrouter serve --hash-token`)");
    } else if (key == "budget_usd") t.budget_usd = number_at(value, f, "must be a non-negative number");
    else if (key == "requests_per_minute") t.requests_per_minute = number_at(value, f, "must be a non-negative number");
    else if (key == "allowed_models") t.allowed_models = strings_at(value, f);
    else if (key == "cors_origins") {
      t.cors_origins = strings_at(value, f);
      for (std::size_t i = 0; i < t.cors_origins.size(); ++i) {
        const auto& o = t.cors_origins[i];
        if (o != "*" && !o.starts_with("http://") && !o.starts_with("https://"))
          bad(f + "[" + std::to_string(i) + "]", "must be \"*\" or an origin such as https://app.example.com");
      }
    } else bad(f, "unknown key");
  }
  if (t.name.empty()) bad(path + ".name", "is required");
  if (!has_hash) bad(path + ".sha256", "is required");
  return t;
}

}  // namespace

gateway_config parse_config(const json::value& v) {
  gateway_config c;
  using ms = std::chrono::milliseconds;
  constexpr std::uint64_t day_ms = 86'400'000;
  for (const auto& [key, value] : object_at(v, "$")) {
    std::string f(key);
    if (key == "listen") c.listen = string_at(value, f);
    else if (key == "port") c.port = static_cast<std::uint16_t>(integer_at(value, f, 0, 65535));
    else if (key == "threads") c.threads = static_cast<unsigned>(integer_at(value, f, 1, 256));
    else if (key == "max_body_bytes") c.max_body_bytes = integer_at(value, f, 1, 1u << 30);
    else if (key == "max_header_bytes") c.max_header_bytes = integer_at(value, f, 1024, 1u << 20);
    else if (key == "max_connections") c.max_connections = integer_at(value, f, 1, 10'000'000);
    else if (key == "idle_timeout_ms") c.idle_timeout = ms(integer_at(value, f, 1, day_ms));
    else if (key == "read_timeout_ms") c.read_timeout = ms(integer_at(value, f, 1, day_ms));
    else if (key == "write_timeout_ms") c.write_timeout = ms(integer_at(value, f, 1, day_ms));
    else if (key == "drain_timeout_ms") c.drain_timeout = ms(integer_at(value, f, 0, day_ms));
    else if (key == "access_log") c.access_log = string_at(value, f);
    else if (key == "cert_file") c.cert_file = string_at(value, f);
    else if (key == "key_file") c.key_file = string_at(value, f);
    else if (key == "handshake_timeout_ms") c.handshake_timeout = ms(integer_at(value, f, 1, day_ms));
    else if (key == "generation_wait_ms") c.generation_wait = ms(integer_at(value, f, 0, 600'000));
    else if (key == "console") {
      if (!value.is_bool()) bad(f, "must be true or false");
      c.console = value.get_bool();
    } else if (key == "tokens") {
      if (!value.is_array()) bad(f, "must be an array");
      std::size_t i = 0;
      std::set<std::string> names, hashes;
      for (const auto& t : value.get_array()) {
        std::string p = "tokens[" + std::to_string(i++) + "]";
        c.tokens.push_back(parse_token(t, p));
        if (!names.insert(c.tokens.back().name).second) bad(p + ".name", "is used by another token");
        if (!hashes.insert(c.tokens.back().sha256_hex).second) bad(p + ".sha256", "is used by another token");
      }
    } else bad(f, "unknown key");
  }
  check_tls_files(c);
  return c;
}

void check_tls_files(const gateway_config& c) {
  if (!c.cert_file.empty() && c.key_file.empty()) bad("key_file", "is required with cert_file (TLS needs both)");
  if (c.cert_file.empty() && !c.key_file.empty()) bad("cert_file", "is required with key_file (TLS needs both)");
}

gateway_config load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(path + ": cannot read the file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw config_error(path + ": not valid JSON (" + ec.message() + ")");
  try {
    return parse_config(v);
  } catch (const config_error& e) {
    throw config_error(path + ": " + e.what());
  }
}

std::string sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), md, &n, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(digits[md[i] >> 4]);
    out.push_back(digits[md[i] & 15]);
  }
  return out;
}

bool model_allowed(const std::vector<std::string>& patterns, std::string_view model) {
  if (patterns.empty()) return true;
  for (const auto& p : patterns) {
    if (!p.empty() && p.back() == '*') {
      if (model.starts_with(std::string_view(p).substr(0, p.size() - 1))) return true;
    } else if (p == model) {
      return true;
    }
  }
  return false;
}

}  // namespace openrouter::serve
