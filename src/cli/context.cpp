#include "context.hpp"

#include "common/policy_file.hpp"

#include "common/numbers.hpp"
#include "common/text.hpp"

#include <boost/json/parse.hpp>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace openrouter::cli {

// The key from the environment, so that no message we print can carry it.
std::string& api_key_for_redaction() {
  static std::string key;
  return key;
}

std::string& management_key_for_redaction() {
  static std::string key;
  return key;
}

std::string redact(std::string s) {
  for (const std::string* k : {&api_key_for_redaction(), &management_key_for_redaction()}) {
    const std::string& key = *k;
    if (key.size() >= 4)
      for (std::size_t pos; (pos = s.find(key)) != std::string::npos;) s.replace(pos, key.size(), "[redacted]");
  }
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';  // one line
  return s;
}

void error_line(std::string_view msg) {
  if (msg.starts_with("openrouter: ")) msg.remove_prefix(12);  // library exceptions carry it already
  std::string line = redact(std::string(msg));
  if (::isatty(STDERR_FILENO) == 1) {  // server text in a message must not steer the terminal
    text::terminal_filter f;
    line = f.feed(line) + f.finish();
  }
  std::cerr << "openrouter: " << line << std::endl;
}

void print_json(const json::value& v) { std::cout << pretty_json(v); }

// "a,b" and repeated flags alike: {"a", "b"}.
std::vector<std::string> list_option(const po::variables_map& vm, const char* name) {
  std::vector<std::string> out;
  if (!vm.count(name)) return out;
  for (const auto& v : vm[name].as<std::vector<std::string>>()) {
    std::string_view s = v;
    while (true) {
      auto comma = s.find(',');
      std::string_view part = s.substr(0, comma);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
      if (!part.empty()) out.emplace_back(part);
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
  }
  return out;
}

namespace {

std::string given(const std::string& text) { return " (got '" + redact(text) + "')"; }

std::string shortest(double d) {
  std::ostringstream os;
  os << d;
  return os.str();
}

}  // namespace

std::int64_t integer_option(const po::variables_map& vm, const char* name, std::int64_t lo, std::int64_t hi) {
  const std::string& text = vm[name].as<std::string>();
  auto v = numbers::parse_int(text);
  if (!v || *v < lo || *v > hi)
    throw usage_error(std::string("--") + name + " must be a whole number from " + std::to_string(lo) + " to " +
                      std::to_string(hi) + given(text));
  return *v;
}

std::uint64_t unsigned_option(const po::variables_map& vm, const char* name, std::uint64_t hi) {
  const std::string& text = vm[name].as<std::string>();
  auto v = numbers::parse_uint(text);
  if (!v || *v > hi)
    throw usage_error(std::string("--") + name + " must be a whole number from 0 to " + std::to_string(hi) +
                      given(text));
  return *v;
}

double real_option(const po::variables_map& vm, const char* name, double lo, double hi, bool lo_open,
                   bool allow_infinity) {
  const std::string& text = vm[name].as<std::string>();
  auto v = numbers::parse_real(text);
  bool ok = v && !std::isnan(*v) && (lo_open ? *v > lo : *v >= lo) &&
            (*v <= hi || (allow_infinity && *v == std::numeric_limits<double>::infinity()));
  if (!ok)
    throw usage_error(std::string("--") + name + " must be a number " + (lo_open ? "above " : "from ") +
                      shortest(lo) + (lo_open ? " and up to " : " to ") + shortest(hi) +
                      (allow_infinity ? " (or inf)" : "") + given(text));
  return *v;
}

std::chrono::milliseconds seconds_option(const po::variables_map& vm, const char* name, bool allow_zero) {
  double s = real_option(vm, name, 0, 1e7, !allow_zero);
  return std::chrono::milliseconds(std::llround(s * 1000));
}

std::string read_whole_file(const std::string& file, std::string_view what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::string msg = "cannot read the ";
    msg += what;
    msg += " ";
    msg += file;
    throw usage_error(msg);
  }
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// --policy FILE (JSON, see routing::policy_from_json), with --model and --fallback naming the
// candidates when given. nullopt when the request is not routed.
std::optional<routing::policy> routing_policy(const po::variables_map& vm) {
  std::vector<std::string> fallbacks = list_option(vm, "fallback");
  if (!vm.count("policy") && fallbacks.empty()) return std::nullopt;
  routing::policy p;
  if (vm.count("policy")) {
    const std::string file = vm["policy"].as<std::string>();
    std::string what;
    p = policy_file::load(read_whole_file(file, "policy file"), what);
    if (!what.empty())
      throw usage_error("policy file " + file + ": " + what + " (see `openrouter policy --example`)");
  }
  if (vm.count("model")) {
    p.models = {vm["model"].as<std::string>()};
    p.models.insert(p.models.end(), fallbacks.begin(), fallbacks.end());
  } else if (!fallbacks.empty()) {
    throw usage_error("--fallback needs --model (the first candidate)");
  }
  return p;
}

void json_option(po::options_description& o, const char* what) {
  o.add_options()("json", po::bool_switch(), what);
}

}  // namespace openrouter::cli
