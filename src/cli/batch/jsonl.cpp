#include "jsonl.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <istream>

namespace openrouter::cli::batch {

namespace json = boost::json;

std::uint64_t fnv1a(std::string_view s) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::optional<shard> shard::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  shard s;
  auto num = [](std::string_view t, std::uint32_t& out) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc() && p == t.data() + t.size() && !t.empty();
  };
  if (!num(text.substr(0, slash), s.k) || !num(text.substr(slash + 1), s.n)) return std::nullopt;
  if (s.n == 0 || s.k == 0 || s.k > s.n) return std::nullopt;
  return s;
}

bool shard::owns(std::string_view id) const noexcept { return n <= 1 || fnv1a(id) % n == k - 1; }

input_item input_planner::next(std::string_view text, std::size_t line_no) {
  input_item it;
  it.line = line_no;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.find_first_not_of(" \t") == std::string_view::npos) return it;  // blank

  it.id = std::to_string(line_no);
  auto invalid = [&](std::string cls, std::string why) {
    it.what = input_item::kind::invalid;
    it.error_class = std::move(cls);
    it.error = std::move(why);
  };
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) invalid("invalid_input", "line " + std::to_string(line_no) + " is not JSON (" + ec.message() + ")");
  else if (!v.is_object()) invalid("invalid_input", "line " + std::to_string(line_no) + " is not a JSON object");
  else {
    it.body = std::move(v.as_object());
    if (auto* id = it.body.if_contains("id")) {
      if (!id->is_string()) invalid("invalid_input", "line " + std::to_string(line_no) + ": \"id\" must be a string");
      else if (id->as_string().empty()) invalid("invalid_input", "line " + std::to_string(line_no) + ": \"id\" is empty");
      else it.id = std::string(id->as_string());
      it.body.erase("id");
    }
    if (it.what != input_item::kind::invalid) it.what = input_item::kind::request;
  }
  if (!seen_.insert(it.id).second) {
    // The id is taken: this line's error goes under its line number, or "line-N" (prefixed again
    // while that is taken too: no two lines ever share an id).
    std::string dup = it.id;
    it.id = std::to_string(line_no);
    while (seen_.count(it.id)) it.id = "line-" + it.id;
    seen_.insert(it.id);
    invalid("duplicate_id", "line " + std::to_string(line_no) + ": id \"" + dup + "\" was used on an earlier line");
    it.body = {};
  }
  if (!shard_.owns(it.id)) it.what = input_item::kind::other_shard;
  else if (done_ && done_->count(it.id)) it.what = input_item::kind::done;
  if (it.what != input_item::kind::request) it.body = {};
  return it;
}

output_scan scan_output(std::istream& in) {
  output_scan out;
  std::string l;
  while (std::getline(in, l)) {
    if (in.eof()) {  // no newline after it: a write cut short
      out.dropped_partial = true;
      break;
    }
    boost::system::error_code ec;
    json::value v = json::parse(l, ec);
    const json::string* id = nullptr;
    if (!ec && v.is_object()) {
      if (auto* p = v.as_object().if_contains("id"); p && p->is_string()) id = &p->as_string();
      if (v.as_object().contains("error")) ++out.error_lines;
    }
    if (!id) ++out.unreadable;
    else if (!out.ids.emplace(*id).second) ++out.duplicates;
    out.keep_bytes += l.size() + 1;
  }
  return out;
}

bool is_result_line(std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) return false;
  const auto* id = v.as_object().if_contains("id");
  return id && id->is_string() && !v.as_object().contains("error");
}

std::string error_line_json(const std::string& id, std::size_t line, std::string_view cls, unsigned status,
                            std::string_view code, const std::string& message, json::object extra) {
  json::object err;
  err["class"] = cls;
  if (!code.empty()) err["code"] = code;
  if (status) err["status"] = status;
  err["message"] = message;
  json::object o;
  o["id"] = id;
  o["line"] = line;
  o["error"] = std::move(err);
  for (auto& kv : extra) o[kv.key()] = std::move(kv.value());
  std::string s = json::serialize(o);
  s += '\n';
  return s;
}

std::string result_line_json(const std::string& id, std::size_t line, json::object fields) {
  json::object o;
  o["id"] = id;
  o["line"] = line;
  for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
  std::string s = json::serialize(o);
  s += '\n';
  return s;
}

}  // namespace openrouter::cli::batch
