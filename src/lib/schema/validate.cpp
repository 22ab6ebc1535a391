// Evaluation of a compiled program against an instance. One recursive walk: eval() runs a
// node's checks in schema order; a check that applies subschemas calls eval() again (one level
// of depth per call, so the depth limit bounds the stack). In silent mode (no sink) the first
// failure ends the walk and no message is built; applicators that need a verdict rather than
// violations (anyOf, oneOf, not, if, contains, propertyNames) always test silently.

#include <openrouter/schema/validator.hpp>

#include "format.hpp"
#include "json_util.hpp"
#include "program.hpp"
#include "regex.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace openrouter::schema {
namespace detail {
namespace {

namespace json = boost::json;

struct segment {
  std::string_view key;
  std::size_t index = 0;
  bool is_index = false;
};

std::string types_text(std::uint8_t mask) {
  static constexpr std::pair<std::uint8_t, const char*> names[] = {
      {t_object, "object"}, {t_array, "array"},     {t_string, "string"}, {t_integer, "integer"},
      {t_number, "number"}, {t_boolean, "boolean"}, {t_null, "null"}};
  std::vector<const char*> parts;
  for (auto [bit, name] : names)
    if (mask & bit) parts.push_back(name);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " or " : ", ";
    out += parts[i];
  }
  return out;
}

bool type_matches(std::uint8_t mask, const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null: return mask & t_null;
    case json::kind::bool_: return mask & t_boolean;
    case json::kind::object: return mask & t_object;
    case json::kind::array: return mask & t_array;
    case json::kind::string: return mask & t_string;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return (mask & t_number) || ((mask & t_integer) && is_integral(v));
  }
  return false;
}

bool identifier(std::string_view k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
  });
}

// Built by appends: GCC 12 warns (-Wrestrict, a false positive) on "literal" + std::string&&.
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

class evaluator {
 public:
  evaluator(const program& p, std::vector<violation>* sink, const validate_options& o)
      : prog_(p), sink_(sink), max_(std::max<std::size_t>(o.max_violations, 1)), max_depth_(o.max_depth) {}

  bool eval(node_id id, const json::value& inst, std::size_t depth) {
    const node& n = prog_.nodes[id];
    if (depth > max_depth_)
      throw eval_failure{{error_kind::too_deep, n.location,
                          "evaluation nested deeper than max_depth at instance " + path_text()}};
    bool ok = true;
    for (const check& c : n.checks) {
      if (!run(c, inst, depth)) {
        ok = false;
        if (stop()) return false;
      }
    }
    return ok;
  }

 private:
  bool stop() const noexcept { return !sink_ || sink_->size() >= max_; }

  template <class Message>
  bool fail(const check& c, Message&& make_message) {
    if (sink_ && sink_->size() < max_)
      sink_->push_back({pointer(), path_text(), c.location, c.keyword, make_message()});
    return false;
  }

  // A violation whose keyword is not the check's own (the content check covers two).
  template <class Message>
  bool fail_at(const char* keyword, const std::string& location, Message&& make_message) {
    if (sink_ && sink_->size() < max_) sink_->push_back({pointer(), path_text(), location, keyword, make_message()});
    return false;
  }

  std::string pointer() const {
    std::string out;
    for (const auto& s : path_) {
      out += '/';
      if (s.is_index) out += std::to_string(s.index);
      else append_pointer_token(out, s.key);
    }
    return out;
  }

  std::string path_text() const {
    std::string out = "$";
    for (const auto& s : path_) {
      if (s.is_index) {
        out += '[';
        out += std::to_string(s.index);
        out += ']';
      } else if (identifier(s.key)) {
        out += '.';
        out += s.key;
      } else {
        out += "['";
        for (char ch : s.key) {
          if (ch == '\'' || ch == '\\') out += '\\';
          out += ch;
        }
        out += "']";
      }
    }
    return out;
  }

  bool sub_at(node_id id, const json::value& v, std::size_t depth, segment seg) {
    path_.push_back(seg);
    bool r = eval(id, v, depth + 1);
    path_.pop_back();
    return r;
  }

  // A verdict only, without violations.
  bool test(node_id id, const json::value& v, std::size_t depth) {
    auto* saved = sink_;
    sink_ = nullptr;
    bool r = eval(id, v, depth + 1);
    sink_ = saved;
    return r;
  }

  // The first violation of a subschema, to explain an applicator's failure.
  std::optional<violation> first_violation(node_id id, const json::value& v, std::size_t depth) {
    std::vector<violation> tmp;
    auto* saved = sink_;
    auto saved_max = max_;
    sink_ = &tmp;
    max_ = 1;
    eval(id, v, depth + 1);
    sink_ = saved;
    max_ = saved_max;
    if (tmp.empty()) return std::nullopt;
    return std::move(tmp.front());
  }

  std::string branch_reasons(const check& c, const json::value& inst, std::size_t depth) {
    std::string out;
    for (std::size_t i = 0; i < c.subs.size(); ++i) {
      auto v = first_violation(c.subs[i], inst, depth);
      if (!v) continue;
      out += out.empty() ? " (" : "; ";
      out += '#';
      out += std::to_string(i);
      out += ": ";
      if (v->instance_path != path_text()) {
        out += "at ";
        out += v->instance_path;
        out += ": ";
      }
      out += v->message;
    }
    if (!out.empty()) out += ")";
    return out;
  }

  bool run(const check& c, const json::value& inst, std::size_t depth) {
    switch (c.code) {
      case op::false_schema:
        return fail(c, [&] {
          if (c.keyword == "additionalProperties") return std::string("property not allowed (additionalProperties is false)");
          if (c.keyword == "additionalItems" || c.keyword == "items") return "item not allowed (" + c.keyword + " is false)";
          return std::string("no value allowed here (the schema is false)");
        });

      case op::ref:
        if (!c.unresolved.empty())
          throw eval_failure{{error_kind::unresolved_ref, c.location, "$ref " + c.unresolved + " was not resolved"}};
        return eval(c.sub, inst, depth + 1);

      case op::type:
        if (type_matches(c.types, inst)) return true;
        return fail(c, [&] { return "expected " + types_text(c.types) + ", got " + type_name(inst) + " " + preview(inst); });

      case op::enum_:
        for (const auto& e : c.value.get_array())
          if (json_equal(inst, e, max_depth_)) return true;
        return fail(c, [&] { return preview(inst) + " is not one of " + preview_array(c.value); });

      case op::const_:
        if (json_equal(inst, c.value, max_depth_)) return true;
        return fail(c, [&] { return "expected " + preview(c.value) + ", got " + preview(inst); });

      case op::multiple_of:
        if (!inst.is_number() || is_multiple_of(inst, c.value)) return true;
        return fail(c, [&] { return preview(inst) + " is not a multiple of " + preview(c.value); });

      case op::maximum:
      case op::exclusive_maximum:
      case op::minimum:
      case op::exclusive_minimum: {
        if (!inst.is_number()) return true;
        int cmp = compare_numbers(inst, c.value);
        bool ok = c.code == op::maximum             ? cmp <= 0
                  : c.code == op::exclusive_maximum ? cmp < 0
                  : c.code == op::minimum           ? cmp >= 0
                                                    : cmp > 0;
        if (ok) return true;
        return fail(c, [&] {
          const char* what = c.code == op::maximum             ? " is greater than the maximum "
                             : c.code == op::exclusive_maximum ? " is not less than the exclusive maximum "
                             : c.code == op::minimum           ? " is less than the minimum "
                                                               : " is not greater than the exclusive minimum ";
          return preview(inst) + what + preview(c.value);
        });
      }

      case op::max_length:
      case op::min_length: {
        if (!inst.is_string()) return true;
        std::size_t n = code_points(inst.get_string());
        if (c.code == op::max_length ? n <= c.count : n >= c.count) return true;
        return fail(c, [&] {
          return "string of " + std::to_string(n) + " characters is " +
                 (c.code == op::max_length ? "longer than maxLength " : "shorter than minLength ") +
                 std::to_string(c.count);
        });
      }

      case op::pattern:
        if (!inst.is_string() || c.regexes.front()->search(inst.get_string())) return true;
        return fail(c, [&] { return preview(inst) + " does not match the pattern " + quoted(c.regexes.front()->source()); });

      case op::items:
      case op::items_tuple: {
        if (!inst.is_array()) return true;
        const auto& arr = inst.get_array();
        bool ok = true;
        for (std::size_t i = 0; i < arr.size(); ++i) {
          node_id s = c.code == op::items ? c.sub : (i < c.subs.size() ? c.subs[i] : c.sub);
          if (s == no_node) break;
          if (!sub_at(s, arr[i], depth, {{}, i, true})) {
            ok = false;
            if (stop()) return false;
          }
        }
        return ok;
      }

      case op::max_items:
      case op::min_items: {
        if (!inst.is_array()) return true;
        std::size_t n = inst.get_array().size();
        if (c.code == op::max_items ? n <= c.count : n >= c.count) return true;
        return fail(c, [&] {
          return "array of " + std::to_string(n) + " items has " +
                 (c.code == op::max_items ? "more than maxItems " : "fewer than minItems ") + std::to_string(c.count);
        });
      }

      case op::unique_items: {
        if (!inst.is_array()) return true;
        auto dup = find_duplicate(inst.get_array());
        if (!dup) return true;
        return fail(c, [&] {
          return "items " + std::to_string(dup->first) + " and " + std::to_string(dup->second) + " are equal";
        });
      }

      case op::contains: {
        if (!inst.is_array()) return true;
        const auto& arr = inst.get_array();
        for (std::size_t i = 0; i < arr.size(); ++i) {
          path_.push_back({{}, i, true});
          bool r = test(c.sub, arr[i], depth);
          path_.pop_back();
          if (r) return true;
        }
        return fail(c, [&] {
          return arr.empty() ? std::string("empty array: contains needs one matching item")
                             : "none of the " + std::to_string(arr.size()) + " items matches the contains schema";
        });
      }

      case op::max_properties:
      case op::min_properties: {
        if (!inst.is_object()) return true;
        std::size_t n = inst.get_object().size();
        if (c.code == op::max_properties ? n <= c.count : n >= c.count) return true;
        return fail(c, [&] {
          return "object of " + std::to_string(n) + " properties has " +
                 (c.code == op::max_properties ? "more than maxProperties " : "fewer than minProperties ") +
                 std::to_string(c.count);
        });
      }

      case op::required: {
        if (!inst.is_object()) return true;
        bool ok = true;
        for (const auto& name : c.names) {
          if (inst.get_object().contains(name)) continue;
          ok = fail(c, [&] { return "required property " + quoted(name) + " is missing"; });
          if (stop()) return false;
        }
        return ok;
      }

      case op::properties: {
        if (!inst.is_object()) return true;
        const auto& obj = inst.get_object();
        bool ok = true;
        for (std::size_t i = 0; i < c.names.size(); ++i) {
          auto it = obj.find(c.names[i]);
          if (it == obj.end()) continue;
          if (!sub_at(c.subs[i], it->value(), depth, {it->key(), 0, false})) {
            ok = false;
            if (stop()) return false;
          }
        }
        return ok;
      }

      case op::pattern_properties: {
        if (!inst.is_object()) return true;
        bool ok = true;
        for (const auto& kv : inst.get_object()) {
          for (std::size_t i = 0; i < c.regexes.size(); ++i) {
            if (!c.regexes[i]->search(kv.key())) continue;
            if (!sub_at(c.subs[i], kv.value(), depth, {kv.key(), 0, false})) {
              ok = false;
              if (stop()) return false;
            }
          }
        }
        return ok;
      }

      case op::additional_properties: {
        if (!inst.is_object()) return true;
        bool ok = true;
        for (const auto& kv : inst.get_object()) {
          if (std::binary_search(c.names.begin(), c.names.end(), kv.key())) continue;
          if (std::any_of(c.regexes.begin(), c.regexes.end(), [&](const auto& re) { return re->search(kv.key()); }))
            continue;
          if (!sub_at(c.sub, kv.value(), depth, {kv.key(), 0, false})) {
            ok = false;
            if (stop()) return false;
          }
        }
        return ok;
      }

      case op::dependencies: {
        if (!inst.is_object()) return true;
        const auto& obj = inst.get_object();
        bool ok = true;
        for (std::size_t i = 0; i < c.names.size(); ++i) {
          if (!obj.contains(c.names[i])) continue;
          if (c.subs[i] != no_node) {
            if (!eval(c.subs[i], inst, depth + 1)) ok = false;
          } else {
            for (const auto& needed : c.dep_names[i]) {
              if (obj.contains(needed)) continue;
              ok = fail(c, [&] { return "property " + quoted(c.names[i]) + " requires property " + quoted(needed); });
              if (stop()) return false;
            }
          }
          if (!ok && stop()) return false;
        }
        return ok;
      }

      case op::property_names: {
        if (!inst.is_object()) return true;
        bool ok = true;
        for (const auto& kv : inst.get_object()) {
          json::value name(kv.key());
          if (test(c.sub, name, depth)) continue;
          ok = false;
          if (sink_ && sink_->size() < max_) {
            auto v = first_violation(c.sub, name, depth);
            violation out{pointer(), path_text(), c.location, c.keyword,
                          "property name " + quoted(kv.key()) + " does not match propertyNames"};
            if (v) {
              out.schema_location = v->schema_location;
              out.keyword = v->keyword;
              out.message = "property name " + quoted(kv.key()) + ": " + v->message;
            }
            sink_->push_back(std::move(out));
          }
          if (stop()) return false;
        }
        return ok;
      }

      case op::all_of: {
        bool ok = true;
        for (node_id s : c.subs) {
          if (!eval(s, inst, depth + 1)) {
            ok = false;
            if (stop()) return false;
          }
        }
        return ok;
      }

      case op::any_of:
        for (node_id s : c.subs)
          if (test(s, inst, depth)) return true;
        return fail(c, [&] {
          return "matches none of the " + std::to_string(c.subs.size()) + " schemas of anyOf" + branch_reasons(c, inst, depth);
        });

      case op::one_of: {
        std::vector<std::size_t> passed;
        for (std::size_t i = 0; i < c.subs.size() && passed.size() < 2; ++i)
          if (test(c.subs[i], inst, depth)) passed.push_back(i);
        if (passed.size() == 1) return true;
        return fail(c, [&] {
          if (passed.empty())
            return "matches none of the " + std::to_string(c.subs.size()) + " schemas of oneOf" + branch_reasons(c, inst, depth);
          return "matches more than one schema of oneOf (#" + std::to_string(passed[0]) + " and #" +
                 std::to_string(passed[1]) + ")";
        });
      }

      case op::not_:
        if (!test(c.sub, inst, depth)) return true;
        return fail(c, [&] { return std::string("matches the schema of not"); });

      case op::format:
        if (!inst.is_string() || format_matches(static_cast<format>(c.count), inst.get_string())) return true;
        return fail(c, [&] { return preview(inst) + " is not a valid " + c.names.front(); });

      case op::content: {
        if (!inst.is_string()) return true;
        std::string_view s = inst.get_string();
        std::string decoded;
        if (c.count & content_base64) {
          if (!is_base64(s)) return fail_at("contentEncoding", c.names[0], [&] { return preview(inst) + " is not base64"; });
          decoded = base64_decode(s);
          s = decoded;
        }
        if ((c.count & content_json) && !is_json_text(s))
          return fail_at("contentMediaType", c.names[1], [&] { return std::string("content is not application/json"); });
        return true;
      }

      case op::if_then_else: {
        node_id branch = test(c.sub, inst, depth) ? c.subs[0] : c.subs[1];
        if (branch == no_node) return true;
        return eval(branch, inst, depth + 1);
      }
    }
    return true;
  }

  std::string preview_array(const json::value& arr) const {
    std::string out = "[";
    const auto& a = arr.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (out.size() > 120) {
        out += ", ... (" + std::to_string(a.size()) + " values)";
        break;
      }
      if (i) out += ", ";
      out += preview(a[i], 40);
    }
    return out + "]";
  }

  // Indices of two equal items (by JSON equality), the first pair in index order of the later one.
  std::optional<std::pair<std::size_t, std::size_t>> find_duplicate(const json::array& arr) const {
    const std::size_t n = arr.size();
    if (n < 2) return std::nullopt;
    if (n <= 16) {
      for (std::size_t j = 1; j < n; ++j)
        for (std::size_t i = 0; i < j; ++i)
          if (json_equal(arr[i], arr[j], max_depth_)) return std::pair{i, j};
      return std::nullopt;
    }
    std::vector<std::size_t> hashes(n);
    for (std::size_t i = 0; i < n; ++i) hashes[i] = json_hash(arr[i], max_depth_);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return hashes[a] != hashes[b] ? hashes[a] < hashes[b] : a < b;
    });
    std::optional<std::pair<std::size_t, std::size_t>> best;
    for (std::size_t s = 0; s < n;) {
      std::size_t e = s + 1;
      while (e < n && hashes[order[e]] == hashes[order[s]]) ++e;
      for (std::size_t x = s + 1; x < e; ++x)
        for (std::size_t y = s; y < x; ++y)
          if ((!best || order[x] < best->second) && json_equal(arr[order[y]], arr[order[x]], max_depth_))
            best = std::pair{order[y], order[x]};
      s = e;
    }
    return best;
  }

  const program& prog_;
  std::vector<violation>* sink_;
  std::size_t max_;
  std::size_t max_depth_;
  std::vector<segment> path_;
};

}  // namespace
}  // namespace detail

const char* to_string(error_kind k) noexcept {
  switch (k) {
    case error_kind::invalid_schema: return "invalid_schema";
    case error_kind::bad_regex: return "bad_regex";
    case error_kind::unsupported: return "unsupported";
    case error_kind::unresolved_ref: return "unresolved_ref";
    case error_kind::ref_cycle: return "ref_cycle";
    case error_kind::too_deep: return "too_deep";
    case error_kind::regex_limit: return "regex_limit";
  }
  return "?";
}

const char* to_string(unsupported_kind k) noexcept {
  switch (k) {
    case unsupported_kind::unknown_keyword: return "unknown_keyword";
    case unsupported_kind::not_validated: return "not_validated";
    case unsupported_kind::unresolved_ref: return "unresolved_ref";
    case unsupported_kind::beside_ref: return "beside_ref";
  }
  return "?";
}

std::string violation::describe() const {
  return instance_path + ": " + message + " (" + keyword + " at " + schema_location + ")";
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw std::invalid_argument(std::string("JSON schema: ") + to_string(e.kind) + " at " + e.schema_location + ": " +
                              e.message);
}

validation_result validator::validate(const boost::json::value& instance, const validate_options& opts) const {
  validation_result r;
  detail::evaluator ev(*prog_, &r.violations, opts);
  try {
    ev.eval(0, instance, 0);
  } catch (const detail::eval_failure& f) {
    r.error = f.err;
  }
  return r;
}

bool validator::is_valid(const boost::json::value& instance) const {
  detail::evaluator ev(*prog_, nullptr, validate_options{});
  try {
    return ev.eval(0, instance, 0);
  } catch (const detail::eval_failure&) {
    return false;
  }
}

const std::vector<unsupported_keyword>& validator::unsupported() const noexcept { return prog_->unsupported; }

}  // namespace openrouter::schema
