#include "jsonl.hpp"

#include "common/text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
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

std::optional<line_reader::line> line_reader::next() {
  buf_.clear();
  line out;
  char chunk[64 * 1024];
  while (true) {
    in_.getline(chunk, sizeof chunk);
    const auto got = static_cast<std::size_t>(in_.gcount());
    const bool delimited = !in_.fail() && !in_.eof();  // the '\n' was read (and counted)
    const std::size_t content = delimited ? got - 1 : got;
    out.length += content;
    offset_ += got;
    if (buf_.size() < max_) buf_.append(chunk, std::min(content, max_ - buf_.size()));
    if (delimited) {
      out.complete = true;
      break;
    }
    if (in_.eof() || in_.bad()) {
      if (out.length == 0) return std::nullopt;  // nothing after the last '\n'
      break;
    }
    in_.clear();  // failbit: the chunk was full, the line goes on
  }
  out.too_long = out.length > max_;
  out.text = buf_;
  return out;
}

bool line_reader::failed() const noexcept { return in_.bad(); }

std::optional<std::string> explicit_id(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* id = v.as_object().if_contains("id");
  if (!id || !id->is_string() || id->as_string().empty()) return std::nullopt;
  return std::string(id->as_string());
}

bool input_planner::taken(const std::string& id) const {
  return seen_.count(id) || (explicit_ && explicit_->count(id));
}

std::string input_planner::generated_id(std::size_t line_no) const {
  std::string id = std::to_string(line_no);
  if (!taken(id)) return id;
  const std::string base = "line-" + id;
  id = base;
  for (std::size_t k = 2; taken(id); ++k) id = base + "-" + std::to_string(k);
  return id;
}

input_item input_planner::too_long(std::size_t line_no, std::uint64_t length, std::size_t max) {
  input_item it;
  it.line = line_no;
  it.id = generated_id(line_no);
  it.what = input_item::kind::invalid;
  it.error_class = "invalid_input";
  it.error = "line " + std::to_string(line_no) + " is " + std::to_string(length) +
             " bytes long, more than --max-line-bytes (" + std::to_string(max) + ")";
  seen_.insert(it.id);
  return finish(std::move(it));
}

input_item input_planner::finish(input_item it) {
  if (!shard_.owns(it.id)) it.what = input_item::kind::other_shard;
  else if (done_ && done_->count(it.id)) it.what = input_item::kind::done;
  if (it.what != input_item::kind::request) it.body = {};
  return it;
}

input_item input_planner::next(std::string_view text, std::size_t line_no) {
  input_item it;
  it.line = line_no;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.find_first_not_of(" \t") == std::string_view::npos) return it;  // blank

  bool has_id = false;
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
      else {
        it.id = std::string(id->as_string());
        has_id = true;
      }
      it.body.erase("id");
    }
    if (it.what != input_item::kind::invalid) it.what = input_item::kind::request;
  }
  if (has_id && seen_.count(it.id)) {
    // The id is taken: this line's error goes under a generated id.
    invalid("duplicate_id", "line " + std::to_string(line_no) + ": id \"" + it.id + "\" was used on an earlier line");
    it.body = {};
    has_id = false;
  }
  if (!has_id) {
    it.id = generated_id(line_no);
    if (it.id != std::to_string(line_no))
      it.note = "line " + std::to_string(line_no) + " has no usable \"id\" and " + std::to_string(line_no) +
                " is the id of another line: its id is \"" + it.id + "\"";
  }
  seen_.insert(it.id);
  return finish(std::move(it));
}

namespace {

/// What an output line says: its id (none: not a line of ours) and whether it is an error line.
struct line_facts {
  std::optional<std::string> id;
  bool error = false;
};

/// A line too long to parse whole: every line we write starts {"id":"...","line":N, and an
/// error line goes on with ,"error":{ (error_line_json and result_line_json keep that order).
line_facts leading_facts(std::string_view prefix) {
  line_facts f;
  constexpr std::string_view open = R"({"id":")";
  if (!prefix.starts_with(open)) return f;
  std::size_t end = open.size();
  for (; end < prefix.size() && prefix[end] != '"'; ++end)
    if (prefix[end] == '\\') ++end;  // an escape: skip the escaped character
  if (end >= prefix.size()) return f;
  boost::system::error_code ec;
  json::value id = json::parse(prefix.substr(open.size() - 1, end - open.size() + 2), ec);
  if (ec || !id.is_string()) return f;
  f.id = std::string(id.as_string());
  std::string_view rest = prefix.substr(end + 1);
  constexpr std::string_view line_key = R"(,"line":)";
  if (rest.starts_with(line_key)) {
    rest.remove_prefix(line_key.size());
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') rest.remove_prefix(1);
  }
  f.error = rest.starts_with(R"(,"error":)");
  return f;
}

line_facts facts_of(const line_reader::line& l) {
  if (l.too_long) return leading_facts(l.text);
  line_facts f;
  boost::system::error_code ec;
  json::value v = json::parse(l.text, ec);
  if (ec || !v.is_object()) return f;
  if (auto* p = v.as_object().if_contains("id"); p && p->is_string()) f.id = std::string(p->as_string());
  f.error = v.as_object().contains("error");
  return f;
}

}  // namespace

output_scan scan_output(std::istream& in, std::size_t max_line) {
  output_scan out;
  line_reader r(in, max_line);
  while (auto l = r.next()) {
    if (!l->complete) {  // no newline after it: a write cut short
      out.dropped_partial = true;
      break;
    }
    line_facts f = facts_of(*l);
    if (f.id && f.error) ++out.error_lines;
    if (!f.id) ++out.unreadable;
    else if (!out.ids.emplace(std::move(*f.id)).second) ++out.duplicates;
    out.keep_bytes = r.offset();
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

std::vector<byte_range> lines_to_keep(std::istream& in, std::size_t max_line) {
  std::vector<byte_range> keep;
  line_reader r(in, max_line);
  std::uint64_t begin = 0;
  while (auto l = r.next()) {
    if (!l->complete) break;
    line_facts f = facts_of(*l);
    if (!(f.id && f.error)) {
      if (!keep.empty() && keep.back().second == begin) keep.back().second = r.offset();
      else keep.emplace_back(begin, r.offset());
    }
    begin = r.offset();
  }
  return keep;
}

namespace {

/// Every string of `v` (keys too) as valid UTF-8.
void make_valid_utf8(json::value& v) {
  if (v.is_string()) {
    if (!text::is_valid_utf8(v.get_string())) v = text::to_valid_utf8(v.get_string());
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) make_valid_utf8(e);
  } else if (v.is_object()) {
    auto& o = v.get_object();
    bool keys_ok = std::all_of(o.begin(), o.end(), [](const auto& kv) { return text::is_valid_utf8(kv.key()); });
    if (!keys_ok) {
      json::object fixed;
      for (auto& kv : o) fixed[text::to_valid_utf8(kv.key())] = std::move(kv.value());
      o = std::move(fixed);
    }
    for (auto& kv : o) make_valid_utf8(kv.value());
  }
}

std::string serialize_line(json::object o) {
  json::value v(std::move(o));
  make_valid_utf8(v);
  std::string s = json::serialize(v);
  s += '\n';
  return s;
}

}  // namespace

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
  return serialize_line(std::move(o));
}

std::string result_line_json(const std::string& id, std::size_t line, json::object fields) {
  json::object o;
  o["id"] = id;
  o["line"] = line;
  for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
  return serialize_line(std::move(o));
}

}  // namespace openrouter::cli::batch
