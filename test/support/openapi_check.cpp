#include "openapi_check.hpp"

#include "schema/json_util.hpp"  // src/lib: the type names of JSON Schema

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace test::openapi {
namespace json = boost::json;

namespace {

const json::value* find(const json::value* v, std::initializer_list<std::string_view> keys) {
  for (auto key : keys) {
    if (!v || !v->is_object()) return nullptr;
    v = v->get_object().if_contains(key);
  }
  return v;
}

const json::array& array_or_empty(const json::object& s, std::string_view key) {
  static const json::array empty;
  auto* v = s.if_contains(key);
  return v && v->is_array() ? v->get_array() : empty;
}

// The JSON Schema type name of a value ("integer" for any whole number), as the schema
// validator names it.
std::string type_of(const json::value& v) { return openrouter::schema::detail::type_name(v); }

bool has_type(const json::value& v, std::string_view type) {
  if (type == "number") return v.is_number();
  if (type == "integer" && v.is_double()) {
    double d = v.get_double();
    return std::isfinite(d) && std::trunc(d) == d;
  }
  return type_of(v) == type;
}

std::string member_path(const std::string& path, std::string_view name) {
  bool plain = !name.empty();
  for (unsigned char c : name) plain = plain && (std::isalnum(c) || c == '_' || c == '-');
  return plain ? path + "." + std::string(name) : path + "[" + json::serialize(json::string(name)) + "]";
}

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

/// "$.data[3].id" -> "$.data[*].id": the form check_options::allowed_extras uses.
std::string wildcard(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    std::size_t end = i + 1;
    while (path[i] == '[' && end < path.size() && std::isdigit(static_cast<unsigned char>(path[end]))) ++end;
    if (end > i + 1 && end < path.size() && path[end] == ']') {
      out += "[*]";
      i = end;
    } else {
      out += path[i];
    }
  }
  return out;
}

std::string short_json(const json::value& v) {
  std::string s = json::serialize(v);
  return s.size() <= 60 ? s : s.substr(0, 57) + "...";
}

std::string list(const json::array& values, std::size_t max = 8) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size() && i < max; ++i) out += (i ? ", " : "") + json::serialize(values[i]);
  return out + (values.size() > max ? ", ...]" : "]");
}

class checker {
 public:
  checker(const spec& s, const check_options& o) : spec_(s), opts_(o) {}

  std::vector<std::string> violations;

  void check(const json::value& v, const json::value& schema, const std::string& path) {
    if (schema.is_bool()) {
      if (!schema.get_bool()) fail(path, "no value is allowed here (schema false)");
      return;
    }
    if (!schema.is_object()) return;
    const json::object& s = schema.get_object();
    if (!type_holds(v, s, path)) return;  // the rest would only add noise
    if (auto* e = s.if_contains("enum"); e && e->is_array() && !contains(e->get_array(), v))
      fail(path, "value " + short_json(v) + " not in enum " + list(e->get_array()));
    if (auto* c = s.if_contains("const"); c && *c != v)
      fail(path, "expected const " + short_json(*c) + ", got " + short_json(v));
    if (auto* ref = s.if_contains("$ref")) check(v, spec_.resolve(ref->as_string()), path);
    for (const auto& sub : array_or_empty(s, "allOf")) check(v, sub, path);
    for (std::string_view key : {"anyOf", "oneOf"})
      if (auto* alts = s.if_contains(key); alts && alts->is_array()) at_least_one(v, alts->get_array(), path, key);
    if (v.is_object()) check_members(v.get_object(), s, path);
    if (auto* items = s.if_contains("items"); items && v.is_array())
      for (std::size_t i = 0; i < v.get_array().size(); ++i) check(v.get_array()[i], *items, index_path(path, i));
  }

  /// The closed-object check, once every schema has been applied: an object may hold the
  /// members that any schema applied at its location declares. Those schemas are the ones
  /// reached through $ref and allOf, the branches of anyOf/oneOf that hold, and, when a parent
  /// object's allOf parts each declare the member, every one of those declarations (the spec's
  /// OpenResponsesResult declares `usage` in two parts: OpenAIResponsesUsage and Usage, which
  /// adds cost). An object none of whose schemas declares members, or one that some schema
  /// leaves open (additionalProperties other than false), is not checked.
  void check_closed_objects() {
    if (!opts_.closed_objects) return;
    for (const auto& [path, seen] : seen_) {
      if (seen.open || seen.declared.empty()) continue;
      for (const auto& [name, value] : *seen.instance) {
        std::string at = member_path(path, name);
        if (!seen.declared.contains(std::string(name)) && !opts_.allowed_extras.contains(wildcard(at)))
          fail(at, "member not in the spec's schema (closed-object check)");
      }
    }
  }

 private:
  /// What the schemas applied at one instance location declare of its members.
  struct members_seen {
    const json::object* instance = nullptr;
    std::set<std::string> declared;
    bool open = false;
  };

  const spec& spec_;
  const check_options& opts_;
  /// By instance path, in the order first seen (the order of the report), and its index.
  std::vector<std::pair<std::string, members_seen>> seen_;
  std::map<std::string, std::size_t, std::less<>> seen_index_;

  void fail(const std::string& path, const std::string& what) { violations.push_back(path + ": " + what); }

  members_seen& seen_at(const std::string& path, const json::object& instance) {
    auto [it, added] = seen_index_.try_emplace(path, seen_.size());
    if (added) seen_.emplace_back(path, members_seen{&instance, {}, false});
    return seen_[it->second].second;
  }

  /// Takes in what a branch of anyOf/oneOf saw (the branch is part of this location's schema).
  void merge_seen(const checker& branch) {
    for (const auto& [path, m] : branch.seen_) {
      members_seen& mine = seen_at(path, *m.instance);
      mine.declared.insert(m.declared.begin(), m.declared.end());
      mine.open = mine.open || m.open;
    }
  }

  static bool contains(const json::array& values, const json::value& v) {
    for (const auto& x : values)
      if (x == v) return true;
    return false;
  }

  bool type_holds(const json::value& v, const json::object& s, const std::string& path) {
    auto* t = s.if_contains("type");
    if (!t) return true;
    if (v.is_null() && s.contains("nullable") && s.at("nullable") == true) return true;
    json::array types = t->is_array() ? t->get_array() : json::array{*t};
    for (const auto& type : types)
      if (type.is_string() && has_type(v, type.get_string())) return true;
    std::string expected;
    for (const auto& type : types) expected += (expected.empty() ? "" : " or ") + std::string(type.as_string());
    fail(path, "expected " + expected + ", got " + type_of(v));
    return false;
  }

  /// anyOf and oneOf alike: some branch must hold (a oneOf's exclusivity is not checked). The
  /// members declared by every branch that holds count as declared here; when none holds, the
  /// closest branch's (its violations are reported).
  void at_least_one(const json::value& v, const json::array& alts, const std::string& path, std::string_view key) {
    std::optional<checker> closest;
    std::string closest_name;
    bool closest_type_fits = false, held = false;
    for (std::size_t i = 0; i < alts.size(); ++i) {
      checker branch(spec_, opts_);
      branch.check(v, alts[i], path);
      if (branch.violations.empty()) {
        held = true;
        merge_seen(branch);
        continue;
      }
      if (held) continue;
      // Closest: a branch whose type at least fits, then the fewest violations.
      bool type_fits = !branch.violations.front().starts_with(path + ": expected ");
      if (!closest || std::pair(!type_fits, branch.violations.size()) <
                          std::pair(!closest_type_fits, closest->violations.size())) {
        closest_type_fits = type_fits;
        auto* ref = find(&alts[i], {"$ref"});
        closest_name = ref && ref->is_string() ? std::string(ref->get_string()) : "#" + std::to_string(i);
        closest.emplace(std::move(branch));
      }
    }
    if (held) return;
    fail(path, "matches no branch of " + std::string(key) + "; the closest, " + closest_name + ", fails with:");
    for (auto& c : closest->violations) violations.push_back("  " + c);
    merge_seen(*closest);
  }

  void check_members(const json::object& o, const json::object& s, const std::string& path) {
    if (opts_.closed_objects) seen_at(path, o);  // an object is reported before its members
    for (const auto& name : array_or_empty(s, "required"))
      if (name.is_string() && !o.contains(name.get_string()))
        fail(member_path(path, name.get_string()), "required member missing");
    auto* props = s.if_contains("properties");
    auto* extra = s.if_contains("additionalProperties");
    for (const auto& [name, value] : o) {
      const json::value* declared = find(props, {name});
      if (declared) check(value, *declared, member_path(path, name));
      else if (extra && *extra == false) fail(member_path(path, name), "unknown member (additionalProperties: false)");
      else if (extra) check(value, *extra, member_path(path, name));
    }
    if (!opts_.closed_objects) return;
    // What this schema (not its parts: check() visits those at the same path) declares.
    members_seen& seen = seen_at(path, o);
    if (extra && *extra != false) seen.open = true;
    if (props && props->is_object())
      for (const auto& p : props->get_object()) seen.declared.insert(std::string(p.key()));
    for (const auto& name : array_or_empty(s, "required"))
      if (name.is_string()) seen.declared.insert(std::string(name.get_string()));
  }
};

}  // namespace

spec::spec(json::value document) : doc_(std::move(document)) {}

std::optional<spec> spec::load(const std::string& file) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return spec(json::parse(text.str()));
}

const json::value& spec::resolve(std::string_view ref) const {
  if (!ref.starts_with("#")) throw std::invalid_argument("only local $refs are supported: " + std::string(ref));
  try {
    return doc_.at_pointer(ref.substr(1));
  } catch (const std::exception&) {
    throw std::invalid_argument("unresolvable $ref: " + std::string(ref));
  }
}

const json::value& spec::deref(const json::value& schema) const {
  const json::value* s = &schema;
  for (const json::value* ref; (ref = find(s, {"$ref"})) && ref->is_string();) s = &resolve(ref->get_string());
  return *s;
}

const json::value* spec::response_schema(std::string_view path, std::string_view method, unsigned status,
                                         std::string_view media) const {
  const json::value* responses = find(&doc_, {"paths", path, method, "responses"});
  std::string code = std::to_string(status), range = code.substr(0, 1) + "XX";
  const json::value* response = nullptr;
  for (std::string_view key : {std::string_view(code), std::string_view(range), std::string_view("default")})
    if ((response = find(responses, {key}))) break;
  if (auto* ref = find(response, {"$ref"}); ref && ref->is_string()) response = &resolve(ref->get_string());
  return find(response, {"content", media, "schema"});
}

std::vector<std::string> spec::validate(const json::value& instance, const json::value& schema,
                                        const check_options& options, const std::string& root) const {
  checker c(*this, options);
  c.check(instance, schema, root);
  c.check_closed_objects();
  return std::move(c.violations);
}

}  // namespace test::openapi
