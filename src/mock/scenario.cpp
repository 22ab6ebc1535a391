#include "scenario.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

constexpr std::pair<std::string_view, fault_kind> kind_names[] = {
    {"http_error", fault_kind::http_error},
    {"wrapped_transient", fault_kind::wrapped_transient},
    {"rate_limit", fault_kind::rate_limit},
    {"error_in_body", fault_kind::error_in_body},
    {"mid_stream_error", fault_kind::mid_stream_error},
    {"reset", fault_kind::reset},
    {"stall", fault_kind::stall},
    {"malformed_json", fault_kind::malformed_json},
    {"malformed_sse", fault_kind::malformed_sse},
    {"no_done", fault_kind::no_done},
};

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw std::invalid_argument("scenario " + path + ": " + what);
}

std::string shown(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, end);
}

// Every number of a scenario or a fault model name is checked against its range here, before
// any conversion: no NaN, no infinity, no 1e300 reaches a cast or a timer.
double number(const json::value& v, const std::string& path, double lo, double hi) {
  double d;
  if (v.is_int64()) d = static_cast<double>(v.get_int64());
  else if (v.is_uint64()) d = static_cast<double>(v.get_uint64());
  else if (v.is_double()) d = v.get_double();
  else bad(path, "expected a number");
  if (!std::isfinite(d)) bad(path, "expected a finite number");
  if (d < lo || d > hi) bad(path, shown(d) + " is out of range [" + shown(lo) + ", " + shown(hi) + "]");
  return d;
}

int integer(const json::value& v, const std::string& path, int lo, int hi) {
  double d = number(v, path, lo, hi);
  if (d != std::floor(d)) bad(path, "expected an integer");
  return static_cast<int>(d);
}

bool boolean(const json::value& v, const std::string& path) {
  if (!v.is_bool()) bad(path, "expected true or false");
  return v.get_bool();
}

std::string string(const json::value& v, const std::string& path) {
  if (!v.is_string()) bad(path, "expected a string");
  return std::string(v.get_string());
}

const json::object& object(const json::value& v, const std::string& path) {
  if (!v.is_object()) bad(path, "expected an object");
  return v.get_object();
}

fault parse_fault(const json::value& v, const std::string& path) {
  fault f;
  bool has_kind = false;
  for (const auto& [key, value] : object(v, path)) {
    std::string p = path + "." + std::string(key);
    if (key == "kind") {
      std::string name = string(value, p);
      bool found = false;
      for (auto [n, k] : kind_names)
        if (n == name) f.kind = k, found = true;
      if (!found) bad(p, "unknown fault kind '" + name + "'");
      has_kind = true;
    } else if (key == "status") f.status = integer(value, p, 400, 599);
    else if (key == "retry_after") f.retry_after = number(value, p, 0, limits::max_retry_after_s);
    else if (key == "after_tokens") f.after_tokens = integer(value, p, -1, limits::max_tokens);
    else if (key == "seconds") f.seconds = number(value, p, 0, limits::max_delay_s);
    else if (key == "rate") f.rate = number(value, p, 0, 1);
    else if (key == "count") f.count = integer(value, p, -1, limits::max_count);
    else if (key == "stream") f.stream = boolean(value, p);
    else if (key == "message") f.message = string(value, p);
    else if (key == "error_type") f.error_type = string(value, p);
    else if (key == "string_code") f.string_code = boolean(value, p);
    else if (key == "requests") f.requests = integer(value, p, 0, limits::max_count);
    else if (key == "window_s") f.window_s = number(value, p, 0, limits::max_delay_s);
    else bad(p, "unknown field");
  }
  if (!has_kind) bad(path, "missing \"kind\"");
  switch (f.kind) {
    case fault_kind::http_error:
      if (f.status < 400 || f.status > 599) bad(path + ".status", "http_error needs a 4xx/5xx status");
      break;
    case fault_kind::rate_limit:
      if (f.window_s <= 0) bad(path + ".window_s", "rate_limit needs window_s > 0");
      break;
    case fault_kind::wrapped_transient:
      if (f.status == 0) f.status = 429;
      break;
    case fault_kind::error_in_body:
    case fault_kind::mid_stream_error:
      if (f.status == 0) f.status = 502;
      break;
    default: break;
  }
  return f;
}

// Pacing keys may appear in a model rule object or a fault model name.
bool parse_pacing_key(pacing& pace, std::string_view key, const json::value& value, const std::string& p) {
  constexpr int max_ms = static_cast<int>(limits::max_delay_s * 1000);
  if (key == "ttft_ms") pace.ttft_ms = integer(value, p, 0, max_ms);
  else if (key == "itl_ms") pace.itl_ms = integer(value, p, 0, max_ms);
  else if (key == "tokens") pace.tokens = integer(value, p, 0, limits::max_tokens);
  else if (key == "write_mode") {
    std::string mode = string(value, p);
    if (mode != "coalesced" && mode != "per_event") bad(p, "expected \"coalesced\" or \"per_event\"");
    pace.coalesce = mode == "coalesced";
  } else if (key == "comments_before") pace.comments_before = integer(value, p, 0, limits::max_comments);
  else if (key == "comment_every") pace.comment_every = integer(value, p, 0, limits::max_tokens);
  else return false;
  return true;
}

scripted_reply parse_reply(const json::value& v, const std::string& path) {
  scripted_reply r;
  for (const auto& [key, value] : object(v, path)) {
    std::string p = path + "." + std::string(key);
    if (key == "content") {
      r.content = string(value, p);
    } else if (key == "tool_calls") {
      if (!value.is_array() || value.get_array().empty()) bad(p, "expected a non-empty array");
      std::size_t i = 0;
      for (const auto& c : value.get_array()) {
        std::string cp = p + "[" + std::to_string(i++) + "]";
        const json::object& call = object(c, cp);
        auto name = call.find("name");
        if (name == call.end()) bad(cp, "missing \"name\"");
        auto args = call.find("arguments");
        std::string text = args == call.end() ? "{}"
                           : args->value().is_string() ? std::string(args->value().get_string())
                                                       : json::serialize(args->value());
        r.tool_calls.emplace_back(string(name->value(), cp + ".name"), std::move(text));
      }
    } else {
      bad(p, "unknown field");
    }
  }
  if (r.content.has_value() == !r.tool_calls.empty()) bad(path, "needs exactly one of \"content\" and \"tool_calls\"");
  return r;
}

model_rules parse_rules(const json::value& v, const std::string& path, const pacing& base) {
  model_rules r;
  r.pace = base;
  r.key = path;
  for (const auto& [key, value] : object(v, path)) {
    std::string p = path + "." + std::string(key);
    if (key == "faults") {
      if (!value.is_array()) bad(p, "expected an array");
      std::size_t i = 0;
      for (const auto& f : value.get_array()) r.faults.push_back(parse_fault(f, p + "[" + std::to_string(i++) + "]"));
    } else if (key == "replies") {
      if (!value.is_array()) bad(p, "expected an array");
      std::size_t i = 0;
      for (const auto& rv : value.get_array()) r.replies.push_back(parse_reply(rv, p + "[" + std::to_string(i++) + "]"));
    } else if (!parse_pacing_key(r.pace, key, value, p)) {
      bad(p, "unknown field");
    }
  }
  return r;
}

// "fault/..." names: values are JSON scalars (numbers, true/false) or bare strings.
json::value scalar(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec && !v.is_structured()) return v;
  return json::string(text);
}

}  // namespace

std::string_view to_string(fault_kind k) noexcept {
  for (auto [n, kind] : kind_names)
    if (kind == k) return n;
  return "unknown";
}

scenario scenario::parse(const json::value& v) {
  scenario s;
  if (v.is_null()) return s;
  const json::object& root = object(v, "$");
  // Defaults first: model rules inherit their pacing.
  if (auto it = root.find("defaults"); it != root.end()) s.defaults = parse_rules(it->value(), "$.defaults", {});
  s.defaults.key = "$.defaults";
  for (const auto& [key, value] : root) {
    std::string p = "$." + std::string(key);
    if (key == "defaults") continue;
    if (key == "seed") {
      if (value.is_uint64()) s.seed = value.get_uint64();
      else if (value.is_int64() && value.get_int64() >= 0) s.seed = static_cast<std::uint64_t>(value.get_int64());
      else bad(p, "expected an integer within [0, 2^64)");
    } else if (key == "generation_delay_ms")
      s.generation_delay_ms = integer(value, p, 0, static_cast<int>(limits::max_delay_s * 1000));
    else if (key == "connection") {
      for (const auto& [ck, cv] : object(value, p)) {
        std::string cp = p + "." + std::string(ck);
        if (ck == "close_after_requests") s.close_after_requests = integer(cv, cp, 0, limits::max_count);
        else if (ck == "announce_close") s.announce_close = boolean(cv, cp);
        else bad(cp, "unknown field");
      }
    } else if (key == "models") {
      for (const auto& [mk, mv] : object(value, p)) {
        std::string mp = p + "[\"" + std::string(mk) + "\"]";
        s.models.emplace_back(std::string(mk), parse_rules(mv, mp, s.defaults.pace));
      }
    } else {
      bad(p, "unknown field");
    }
  }
  return s;
}

model_rules scenario::rules_for(std::string_view model) const {
  const model_rules* best = &defaults;
  std::size_t best_len = 0;
  for (const auto& [pattern, rules] : models) {
    if (pattern == model) {
      best = &rules;
      break;
    }
    if (!pattern.empty() && pattern.back() == '*') {
      std::string_view prefix(pattern.data(), pattern.size() - 1);
      if (model.starts_with(prefix) && prefix.size() + 1 > best_len) {
        best = &rules;
        best_len = prefix.size() + 1;
      }
    }
  }
  model_rules r = *best;
  std::string error;
  if (auto named = parse_fault_model(model, error)) {
    // A fault model's own pacing keys win; its faults come first.
    if (named->pace_set) r.pace = named->pace;
    named->faults.insert(named->faults.end(), r.faults.begin(), r.faults.end());
    r.faults = std::move(named->faults);
    r.key = named->key;
  }
  return r;
}

std::optional<model_rules> parse_fault_model(std::string_view model, std::string& error) {
  error.clear();
  constexpr std::string_view prefix = "fault/";
  // "pace/KEY=V;..." is "fault/none;KEY=V;...": pacing only, no fault.
  constexpr std::string_view pace_prefix = "pace/";
  std::string pace_form;
  if (model.starts_with(pace_prefix)) {
    pace_form = "none;" + std::string(model.substr(pace_prefix.size()));
  } else if (!model.starts_with(prefix)) {
    return std::nullopt;
  }
  std::string_view rest = pace_form.empty() ? model.substr(prefix.size()) : std::string_view(pace_form);
  bool no_fault = false;  // "none": pacing keys only
  json::object fo;
  model_rules r;
  r.key = std::string(model);
  bool first = true;
  while (!rest.empty() || first) {
    std::size_t semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    if (first) {
      int status = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), status);
      if (ec == std::errc{} && end == part.data() + part.size()) {
        fo["kind"] = "http_error";
        fo["status"] = status;
      } else if (part == "none") {
        no_fault = true;
      } else {
        fo["kind"] = part;
      }
      first = false;
      continue;
    }
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      error = "fault model parameter '" + std::string(part) + "' is not key=value";
      return std::nullopt;
    }
    std::string_view key = part.substr(0, eq);
    json::value value = scalar(part.substr(eq + 1));
    try {
      if (parse_pacing_key(r.pace, key, value, std::string(key))) r.pace_set = true;
      else if (no_fault) {
        error = std::string(model) + ": '" + std::string(key) +
                "' is not a pacing key (a pacing-only name takes ttft_ms, itl_ms, tokens, write_mode, "
                "comments_before, comment_every)";
        return std::nullopt;
      } else fo[key] = std::move(value);
    } catch (const std::invalid_argument& e) {
      error = e.what();
      return std::nullopt;
    }
  }
  if (no_fault) return r;
  try {
    r.faults.push_back(parse_fault(fo, std::string(model)));
  } catch (const std::invalid_argument& e) {
    error = e.what();
    return std::nullopt;
  }
  return r;
}

std::optional<fault> fault_engine::draw(const model_rules& rules, bool stream,
                                        std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < rules.faults.size(); ++i) {
    const fault& f = rules.faults[i];
    if (f.stream && *f.stream != stream) continue;
    rule_state& st = touch(rules.key + "#" + std::to_string(i));
    if (f.count >= 0 && st.fired >= f.count) continue;
    if (f.kind == fault_kind::rate_limit) {
      auto length = std::chrono::duration<double>(f.window_s);
      if (st.window_used == 0 || now - st.window_start >= length) st.window_start = now, st.window_used = 0;
      if (st.window_used < f.requests) {
        ++st.window_used;
        continue;
      }
      fault hit = f;
      double left = std::chrono::duration<double>(length - (now - st.window_start)).count();
      hit.retry_after = left < 1 ? 1.0 : std::ceil(left);
      hit.status = 429;
      ++st.fired;
      return hit;
    }
    // 53 random bits -> [0, 1): mt19937_64 is specified exactly, so draws are reproducible.
    double draw = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    if (f.rate < 1 && draw >= f.rate) continue;
    ++st.fired;
    return f;
  }
  return std::nullopt;
}

fault_engine::rule_state& fault_engine::touch(const std::string& id) {
  if (auto it = rules_.find(id); it != rules_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  lru_.push_front(id);
  auto& st = rules_[id];
  st.lru = lru_.begin();
  if (rules_.size() > max_rules_) {  // never the one just added: max_rules_ >= 1
    rules_.erase(lru_.back());
    lru_.pop_back();
  }
  return st;
}

std::size_t fault_engine::tracked() const {
  std::lock_guard lock(mutex_);
  return rules_.size();
}

void fault_engine::reseed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  rng_.seed(seed);
  rules_.clear();
  lru_.clear();
}

}  // namespace openrouter::mock
