// Schema -> program. Two passes over each document: index() records the base URI of every
// subschema and the schemas that `$id` names, then compile_node() builds nodes from the root.
// $refs are queued and resolved after the root is built, so reference cycles cost nothing
// (they are node indices); cycles that never step into the instance are rejected at the end.

#include <openrouter/schema/validator.hpp>

#include "format.hpp"
#include "json_util.hpp"
#include "program.hpp"
#include "regex.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace openrouter::schema {
namespace detail {
namespace {

namespace json = boost::json;

// Base URI of a schema that has neither an `$id` nor compile_options::base_uri.
constexpr std::string_view default_base = "urn:openrouter-schema:root";

struct compile_failure {
  schema::error err;
};

[[noreturn]] void fail(error_kind k, std::string location, std::string message) {
  throw compile_failure{{k, std::move(location), std::move(message)}};
}

std::string child(const std::string& loc, std::string_view token) {
  std::string out = loc;
  out += '/';
  append_pointer_token(out, token);
  return out;
}

std::pair<std::string_view, std::string_view> split_fragment(std::string_view uri) {
  auto hash = uri.find('#');
  if (hash == std::string_view::npos) return {uri, {}};
  return {uri.substr(0, hash), uri.substr(hash + 1)};
}

std::string percent_decode(std::string_view s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int h = hex(s[i + 1]);
      int l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out += static_cast<char>(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// RFC 3986 reference resolution. A same-document reference ("#...") is handled by hand so
// that fragments Boost.URL would reject (unencoded characters in a pointer) still work.
std::string resolve_uri(std::string_view base, std::string_view ref, const std::string& location) {
  if (!ref.empty() && ref.front() == '#') return std::string(split_fragment(base).first) + std::string(ref);
  auto b = boost::urls::parse_uri(base);
  auto r = boost::urls::parse_uri_reference(ref);
  if (!b || !r) fail(error_kind::invalid_schema, location, "not a URI reference: " + std::string(ref));
  boost::urls::url out;
  if (!boost::urls::resolve(*b, *r, out)) fail(error_kind::invalid_schema, location, "cannot resolve " + std::string(ref));
  return std::string(out.buffer());
}

// Keywords that take one subschema, an array of them, or an object of them.
constexpr std::array<std::string_view, 9> single_keywords = {
    "additionalItems", "additionalProperties", "contains", "propertyNames", "not", "if", "then", "else", "items"};
constexpr std::array<std::string_view, 4> array_keywords = {"items", "allOf", "anyOf", "oneOf"};
constexpr std::array<std::string_view, 4> map_keywords = {"properties", "patternProperties", "definitions", "dependencies"};

template <class Fn>
void for_each_subschema(const json::object& o, const std::string& loc, Fn&& fn) {
  auto is_schema = [](const json::value& v) { return v.is_object() || v.is_bool(); };
  for (const auto& kv : o) {
    std::string_view k = kv.key();
    const json::value& v = kv.value();
    if (std::find(single_keywords.begin(), single_keywords.end(), k) != single_keywords.end() && is_schema(v)) {
      fn(v, child(loc, k));
    } else if (std::find(array_keywords.begin(), array_keywords.end(), k) != array_keywords.end() && v.is_array()) {
      std::string base = child(loc, k);
      std::size_t i = 0;
      for (const auto& e : v.get_array()) {
        if (is_schema(e)) fn(e, child(base, std::to_string(i)));
        ++i;
      }
    } else if (std::find(map_keywords.begin(), map_keywords.end(), k) != map_keywords.end() && v.is_object()) {
      std::string base = child(loc, k);
      for (const auto& e : v.get_object())
        if (is_schema(e.value())) fn(e.value(), child(base, e.key()));
    }
  }
}

bool annotation(std::string_view k) {
  static constexpr std::array<std::string_view, 9> names = {
      "$schema", "$id", "$comment", "title", "description", "default", "examples", "readOnly", "writeOnly"};
  return std::find(names.begin(), names.end(), k) != names.end();
}

// Draft 7 formats this validator does not assert (internationalized names need IDNA tables).
bool draft7_format(std::string_view name) { return name == "idn-email" || name == "idn-hostname"; }

std::uint8_t type_bit_of(std::string_view name) {
  if (name == "null") return t_null;
  if (name == "boolean") return t_boolean;
  if (name == "object") return t_object;
  if (name == "array") return t_array;
  if (name == "number") return t_number;
  if (name == "string") return t_string;
  if (name == "integer") return t_integer;
  return 0;
}

class compiler {
 public:
  compiler(program& prog, const compile_options& opts) : prog_(prog), opts_(opts) {}

  void run() {
    std::string root_base = opts_.base_uri.empty() ? std::string(default_base) : opts_.base_uri;
    root_base = std::string(split_fragment(root_base).first);
    add_document(prog_.root, root_base, "");
    for (const auto& d : prog_.documents) {
      if (!d.schema) fail(error_kind::invalid_schema, d.uri, "compile_options::documents: no schema");
      std::string uri(split_fragment(d.uri).first);
      add_document(*d.schema, uri, uri);
    }
    compile_node(prog_.root, "#", root_base, 0, "");
    for (std::size_t i = 0; i < pending_.size(); ++i) {  // resolve() may queue more
      pending p = pending_[i];
      resolve(p);
    }
    check_cycles();
    if (opts_.on_unsupported == unsupported_policy::fail && !prog_.unsupported.empty()) {
      const auto& u = prog_.unsupported.front();
      fail(error_kind::unsupported, u.schema_location,
           std::string(to_string(u.kind)) + ": " + u.keyword + (u.detail.empty() ? "" : " (" + u.detail + ")"));
    }
  }

 private:
  struct id_entry {
    const json::value* v;
    std::string location;
  };
  struct pending {
    node_id node;
    std::size_t check;
    std::string uri;  // absolute
    std::string location;
  };

  void add_document(const json::value& doc, const std::string& uri, const std::string& prefix) {
    ids_.insert_or_assign(uri, id_entry{&doc, prefix + "#"});
    index(doc, uri, prefix + "#", 0);
  }

  void index(const json::value& v, const std::string& base, const std::string& loc, std::size_t depth) {
    if (depth > opts_.max_schema_depth)
      fail(error_kind::too_deep, loc, "schema nested deeper than max_schema_depth");
    if (!v.is_object()) return;
    const auto& o = v.get_object();
    std::string b = base;
    const json::value* id = o.if_contains("$id");
    if (id && id->is_string() && !o.contains("$ref")) {  // draft 7: $ref hides its siblings, $id too
      std::string abs = resolve_uri(base, id->get_string(), child(loc, "$id"));
      auto [doc, frag] = split_fragment(abs);
      ids_.insert_or_assign(frag.empty() ? std::string(doc) : abs, id_entry{&v, loc});
      b = std::string(doc);
    }
    base_of_.emplace(&v, b);
    for_each_subschema(o, loc, [&](const json::value& sub, std::string sub_loc) { index(sub, b, sub_loc, depth + 1); });
  }

  void report(unsupported_kind kind, std::string keyword, std::string location, std::string detail) {
    prog_.unsupported.push_back({kind, std::move(keyword), std::move(location), std::move(detail)});
  }

  std::shared_ptr<const regex> make_regex(std::string_view pattern, const std::string& loc) {
    try {
      return std::make_shared<const regex>(pattern);
    } catch (const std::invalid_argument& e) {
      fail(error_kind::bad_regex, loc, "invalid regular expression \"" + std::string(pattern) + "\": " + e.what());
    }
  }

  static std::uint64_t count_of(const json::value& v, const std::string& loc, std::string_view kw) {
    if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_double() && is_integral(v) && v.get_double() >= 0 && v.get_double() < 1.8e19)
      return static_cast<std::uint64_t>(v.get_double());
    fail(error_kind::invalid_schema, loc, std::string(kw) + " must be a non-negative integer");
  }

  node_id compile_node(const json::value& v, const std::string& loc, const std::string& inherited_base,
                       std::size_t depth, std::string_view parent_keyword) {
    if (auto it = compiled_.find(&v); it != compiled_.end()) return it->second;
    if (depth > opts_.max_schema_depth) fail(error_kind::too_deep, loc, "schema nested deeper than max_schema_depth");
    const auto id = static_cast<node_id>(prog_.nodes.size());
    prog_.nodes.emplace_back();
    prog_.nodes[id].location = loc;
    compiled_.emplace(&v, id);

    std::vector<check> checks;
    auto add = [&](op code, std::string_view kw) -> check& {
      checks.emplace_back();
      checks.back().code = code;
      checks.back().keyword = std::string(kw);
      checks.back().location = child(loc, kw);
      return checks.back();
    };

    if (v.is_bool()) {
      if (!v.get_bool()) {
        checks.emplace_back();
        checks.back().code = op::false_schema;
        checks.back().keyword = parent_keyword.empty() ? "false" : std::string(parent_keyword);
        checks.back().location = loc;
      }
      prog_.nodes[id].checks = std::move(checks);
      return id;
    }
    if (!v.is_object()) fail(error_kind::invalid_schema, loc, "a schema must be an object or a boolean");

    const auto& o = v.get_object();
    std::string base;
    if (auto it = base_of_.find(&v); it != base_of_.end()) base = it->second;
    else if (const json::value* idv = o.if_contains("$id"); idv && idv->is_string() && !o.contains("$ref"))
      base = std::string(split_fragment(resolve_uri(inherited_base, idv->get_string(), child(loc, "$id"))).first);
    else base = inherited_base;

    auto sub = [&](const json::value& s, const std::string& sloc, std::string_view kw) {
      if (!s.is_object() && !s.is_bool())
        fail(error_kind::invalid_schema, sloc, std::string(kw) + ": a schema must be an object or a boolean");
      return compile_node(s, sloc, base, depth + 1, kw);
    };
    auto schema_array = [&](const json::value& arr, std::string_view kw, bool non_empty) {
      std::string kloc = child(loc, kw);
      if (!arr.is_array() || (non_empty && arr.get_array().empty()))
        fail(error_kind::invalid_schema, kloc, std::string(kw) + " must be a non-empty array of schemas");
      std::vector<node_id> ids;
      std::size_t i = 0;
      for (const auto& e : arr.get_array()) ids.push_back(sub(e, child(kloc, std::to_string(i++)), kw));
      return ids;
    };
    auto number = [&](const json::value& n, std::string_view kw) {
      if (!n.is_number())
        fail(error_kind::invalid_schema, child(loc, kw),
             std::string(kw) + (n.is_bool() ? " must be a number in draft 7 (the draft 4 boolean form is not supported)"
                                            : " must be a number"));
    };
    std::map<std::string, std::shared_ptr<const regex>, std::less<>> pattern_cache;
    auto pattern_regex = [&](std::string_view key, const std::string& rloc) {
      auto it = pattern_cache.find(key);
      if (it != pattern_cache.end()) return it->second;
      auto re = make_regex(key, rloc);
      pattern_cache.emplace(std::string(key), re);
      return re;
    };

    if (const json::value* ref = o.if_contains("$ref")) {
      if (!ref->is_string()) fail(error_kind::invalid_schema, child(loc, "$ref"), "$ref must be a string");
      check& c = add(op::ref, "$ref");
      pending_.push_back({id, checks.size() - 1, resolve_uri(base, ref->get_string(), c.location), c.location});
      for (const auto& kv : o) {
        std::string_view k = kv.key();
        if (k == "$ref" || annotation(k)) continue;
        if (k == "definitions") {
          if (kv.value().is_object())
            for (const auto& d : kv.value().get_object()) sub(d.value(), child(child(loc, k), d.key()), k);
          continue;
        }
        report(unsupported_kind::beside_ref, std::string(k), child(loc, k), "ignored next to $ref");
      }
      prog_.nodes[id].checks = std::move(checks);
      return id;
    }

    constexpr std::size_t no_check = ~std::size_t{0};
    std::size_t content_check = no_check;  // contentEncoding and contentMediaType make one check
    for (const auto& kv : o) {
      std::string_view k = kv.key();
      const json::value& val = kv.value();
      std::string kloc = child(loc, k);
      if (annotation(k)) {
        if (k == "$id" && !val.is_string()) fail(error_kind::invalid_schema, kloc, "$id must be a string");
      } else if (k == "definitions") {
        if (!val.is_object()) fail(error_kind::invalid_schema, kloc, "definitions must be an object");
        for (const auto& d : val.get_object()) sub(d.value(), child(kloc, d.key()), k);
      } else if (k == "format") {
        if (!val.is_string()) fail(error_kind::invalid_schema, kloc, "format must be a string");
        auto f = format_from_name(val.get_string());
        if (f && opts_.assert_formats) {
          check& c = add(op::format, k);
          c.count = static_cast<std::uint64_t>(*f);
          c.names = {std::string(val.get_string())};
        } else {
          report(unsupported_kind::not_validated, std::string(k), kloc,
                 std::string(val.get_string()) + (f || draft7_format(val.get_string()) ? "" : " (unknown format)"));
        }
      } else if (k == "contentMediaType" || k == "contentEncoding") {
        if (!val.is_string()) fail(error_kind::invalid_schema, kloc, std::string(k) + " must be a string");
        std::string_view known = k == "contentEncoding" ? "base64" : "application/json";
        if (opts_.assert_formats && val.get_string() == known) {
          if (content_check == no_check) {
            content_check = checks.size();
            check& c = add(op::content, k);
            c.names = {child(loc, "contentEncoding"), child(loc, "contentMediaType")};
          }
          checks[content_check].count |= k == "contentEncoding" ? content_base64 : content_json;
        } else {
          report(unsupported_kind::not_validated, std::string(k), kloc, std::string(val.get_string()));
        }
      } else if (k == "type") {
        std::uint8_t mask = 0;
        auto add_type = [&](const json::value& t) {
          std::uint8_t bit = t.is_string() ? type_bit_of(t.get_string()) : 0;
          if (!bit) fail(error_kind::invalid_schema, kloc, "unknown type " + preview(t));
          mask |= bit;
        };
        if (val.is_array()) {
          if (val.get_array().empty()) fail(error_kind::invalid_schema, kloc, "type must not be an empty array");
          for (const auto& t : val.get_array()) add_type(t);
        } else {
          add_type(val);
        }
        add(op::type, k).types = mask;
      } else if (k == "enum" || k == "const") {
        if (k == "enum" && !val.is_array()) fail(error_kind::invalid_schema, kloc, "enum must be an array");
        if (json_depth(val, opts_.max_schema_depth) > opts_.max_schema_depth)
          fail(error_kind::too_deep, kloc, "value nested deeper than max_schema_depth");
        add(k == "enum" ? op::enum_ : op::const_, k).value = val;
      } else if (k == "multipleOf") {
        number(val, k);
        if (compare_numbers(val, json::value(0)) <= 0)
          fail(error_kind::invalid_schema, kloc, "multipleOf must be greater than 0");
        add(op::multiple_of, k).value = val;
      } else if (k == "maximum" || k == "exclusiveMaximum" || k == "minimum" || k == "exclusiveMinimum") {
        number(val, k);
        op code = k == "maximum"            ? op::maximum
                  : k == "exclusiveMaximum" ? op::exclusive_maximum
                  : k == "minimum"          ? op::minimum
                                            : op::exclusive_minimum;
        add(code, k).value = val;
      } else if (k == "maxLength" || k == "minLength" || k == "maxItems" || k == "minItems" ||
                 k == "maxProperties" || k == "minProperties") {
        std::uint64_t n = count_of(val, kloc, k);
        op code = k == "maxLength"  ? op::max_length
                  : k == "minLength" ? op::min_length
                  : k == "maxItems"  ? op::max_items
                  : k == "minItems"  ? op::min_items
                  : k == "maxProperties" ? op::max_properties
                                         : op::min_properties;
        add(code, k).count = n;
      } else if (k == "pattern") {
        if (!val.is_string()) fail(error_kind::invalid_schema, kloc, "pattern must be a string");
        add(op::pattern, k).regexes.push_back(pattern_regex(val.get_string(), kloc));
      } else if (k == "items") {
        if (val.is_array()) {
          auto ids = schema_array(val, k, false);
          node_id additional = no_node;
          if (const json::value* ai = o.if_contains("additionalItems"))
            additional = sub(*ai, child(loc, "additionalItems"), "additionalItems");
          check& c = add(op::items_tuple, k);
          c.subs = std::move(ids);
          c.sub = additional;
        } else {
          node_id s = sub(val, kloc, k);
          add(op::items, k).sub = s;
        }
      } else if (k == "additionalItems") {
        const json::value* items = o.if_contains("items");
        if (!items || !items->is_array()) sub(val, kloc, k);  // no effect without tuple items, but must be a schema
      } else if (k == "uniqueItems") {
        if (!val.is_bool()) fail(error_kind::invalid_schema, kloc, "uniqueItems must be a boolean");
        if (val.get_bool()) add(op::unique_items, k);
      } else if (k == "contains") {
        node_id s = sub(val, kloc, k);
        add(op::contains, k).sub = s;
      } else if (k == "required") {
        if (!val.is_array()) fail(error_kind::invalid_schema, kloc, "required must be an array of strings");
        std::vector<std::string> names;
        for (const auto& n : val.get_array()) {
          if (!n.is_string()) fail(error_kind::invalid_schema, kloc, "required must be an array of strings");
          names.emplace_back(n.get_string());
        }
        if (!names.empty()) add(op::required, k).names = std::move(names);
      } else if (k == "properties" || k == "patternProperties") {
        if (!val.is_object()) fail(error_kind::invalid_schema, kloc, std::string(k) + " must be an object");
        std::vector<std::string> names;
        std::vector<std::shared_ptr<const regex>> res;
        std::vector<node_id> ids;
        for (const auto& p : val.get_object()) {
          std::string ploc = child(kloc, p.key());
          if (k == "patternProperties") res.push_back(pattern_regex(p.key(), ploc));
          else names.emplace_back(p.key());
          ids.push_back(sub(p.value(), ploc, k));
        }
        check& c = add(k == "properties" ? op::properties : op::pattern_properties, k);
        c.names = std::move(names);
        c.regexes = std::move(res);
        c.subs = std::move(ids);
      } else if (k == "additionalProperties") {
        node_id s = sub(val, kloc, k);
        std::vector<std::string> names;
        std::vector<std::shared_ptr<const regex>> res;
        if (const json::value* props = o.if_contains("properties"); props && props->is_object())
          for (const auto& p : props->get_object()) names.emplace_back(p.key());
        if (const json::value* pats = o.if_contains("patternProperties"); pats && pats->is_object())
          for (const auto& p : pats->get_object())
            res.push_back(pattern_regex(p.key(), child(child(loc, "patternProperties"), p.key())));
        std::sort(names.begin(), names.end());
        check& c = add(op::additional_properties, k);
        c.sub = s;
        c.names = std::move(names);
        c.regexes = std::move(res);
      } else if (k == "dependencies") {
        if (!val.is_object()) fail(error_kind::invalid_schema, kloc, "dependencies must be an object");
        std::vector<std::string> names;
        std::vector<node_id> ids;
        std::vector<std::vector<std::string>> deps;
        for (const auto& d : val.get_object()) {
          std::string dloc = child(kloc, d.key());
          names.emplace_back(d.key());
          if (d.value().is_array()) {
            std::vector<std::string> list;
            for (const auto& n : d.value().get_array()) {
              if (!n.is_string()) fail(error_kind::invalid_schema, dloc, "a dependency list holds property names");
              list.emplace_back(n.get_string());
            }
            ids.push_back(no_node);
            deps.push_back(std::move(list));
          } else {
            ids.push_back(sub(d.value(), dloc, k));
            deps.emplace_back();
          }
        }
        check& c = add(op::dependencies, k);
        c.names = std::move(names);
        c.subs = std::move(ids);
        c.dep_names = std::move(deps);
      } else if (k == "propertyNames") {
        node_id s = sub(val, kloc, k);
        add(op::property_names, k).sub = s;
      } else if (k == "allOf" || k == "anyOf" || k == "oneOf") {
        auto ids = schema_array(val, k, true);
        add(k == "allOf" ? op::all_of : k == "anyOf" ? op::any_of : op::one_of, k).subs = std::move(ids);
      } else if (k == "not") {
        node_id s = sub(val, kloc, k);
        add(op::not_, k).sub = s;
      } else if (k == "if") {
        node_id cond = sub(val, kloc, k);
        node_id then_id = no_node, else_id = no_node;
        if (const json::value* t = o.if_contains("then")) then_id = sub(*t, child(loc, "then"), "then");
        if (const json::value* e = o.if_contains("else")) else_id = sub(*e, child(loc, "else"), "else");
        check& c = add(op::if_then_else, k);
        c.sub = cond;
        c.subs = {then_id, else_id};
      } else if (k == "then" || k == "else") {
        if (!o.contains("if")) sub(val, kloc, k);  // no effect without if, but must be a schema
      } else {
        report(unsupported_kind::unknown_keyword, std::string(k), kloc, "not a draft 7 keyword");
      }
    }
    prog_.nodes[id].checks = std::move(checks);
    return id;
  }

  void resolve(const pending& p) {
    auto [doc, frag_raw] = split_fragment(p.uri);
    std::string frag = percent_decode(frag_raw);
    node_id target = no_node;
    if (!frag.empty() && frag.front() != '/') {  // a plain name, declared by an $id "#name"
      auto it = ids_.find(p.uri);
      if (it == ids_.end()) it = ids_.find(std::string(doc) + "#" + frag);
      if (it != ids_.end()) {
        const json::value& v = *it->second.v;
        auto b = base_of_.find(&v);
        target = compile_node(v, it->second.location, b == base_of_.end() ? std::string(doc) : b->second, 0, "");
      } else if (ids_.contains(std::string(doc))) {
        fail(error_kind::invalid_schema, p.location, "$ref " + p.uri + " names no schema");
      }
    } else if (auto it = ids_.find(std::string(doc)); it != ids_.end()) {
      const json::value* v = it->second.v;
      std::string loc = it->second.location;
      std::string base = base_of_.count(v) ? base_of_[v] : std::string(doc);
      std::string parent_base = base;
      std::string_view rest = frag;
      while (!rest.empty()) {  // rest starts with '/'
        rest.remove_prefix(1);
        auto slash = rest.find('/');
        std::string token(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
        std::string key;
        for (std::size_t i = 0; i < token.size(); ++i) {
          if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
            key += token[i + 1] == '0' ? '~' : '/';
            ++i;
          } else {
            key += token[i];
          }
        }
        const json::value* next = nullptr;
        if (v->is_object()) {
          next = v->get_object().if_contains(key);
        } else if (v->is_array() && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos &&
                   (key.size() == 1 || key[0] != '0') && key.size() < 10) {
          std::size_t i = std::stoul(key);
          if (i < v->get_array().size()) next = &v->get_array()[i];
        }
        if (!next) fail(error_kind::invalid_schema, p.location, "$ref " + p.uri + " points to nothing");
        parent_base = base;
        v = next;
        if (auto b = base_of_.find(v); b != base_of_.end()) base = b->second;
        loc = child(loc, key);
      }
      target = compile_node(*v, loc, parent_base, 0, "");
    }
    check& c = prog_.nodes[p.node].checks[p.check];
    if (target == no_node) {
      c.unresolved = p.uri;
      report(unsupported_kind::unresolved_ref, "$ref", p.location, p.uri);
    } else {
      c.sub = target;
    }
  }

  // A loop of $refs and in-place applicators (allOf, anyOf, oneOf, not, if/then/else, schema
  // dependencies) would evaluate the same instance forever: reject it. Iterative DFS.
  void check_cycles() {
    const std::size_t n = prog_.nodes.size();
    std::vector<std::uint8_t> color(n, 0);  // 0 new, 1 on the stack, 2 done
    auto edges = [&](node_id id) {
      std::vector<std::pair<node_id, const check*>> out;
      for (const auto& c : prog_.nodes[id].checks) {
        switch (c.code) {
          case op::ref:
          case op::not_:
            if (c.sub != no_node) out.emplace_back(c.sub, &c);
            break;
          case op::if_then_else:
            out.emplace_back(c.sub, &c);
            [[fallthrough]];
          case op::all_of:
          case op::any_of:
          case op::one_of:
          case op::dependencies:
            for (node_id s : c.subs)
              if (s != no_node) out.emplace_back(s, &c);
            break;
          default:
            break;
        }
      }
      return out;
    };
    struct frame {
      node_id id;
      std::vector<std::pair<node_id, const check*>> out;
      std::size_t next = 0;
    };
    for (node_id start = 0; start < n; ++start) {
      if (color[start]) continue;
      std::vector<frame> stack;
      stack.push_back({start, edges(start)});
      color[start] = 1;
      while (!stack.empty()) {
        frame& f = stack.back();
        if (f.next == f.out.size()) {
          color[f.id] = 2;
          stack.pop_back();
          continue;
        }
        auto [to, via] = f.out[f.next++];
        if (color[to] == 1)
          fail(error_kind::ref_cycle, via->location,
               "a loop of $ref and in-place applicators through " + prog_.nodes[to].location +
                   " never descends into the instance");
        if (color[to] == 0) {
          color[to] = 1;
          auto out = edges(to);
          stack.push_back({to, std::move(out)});
        }
      }
    }
  }

  program& prog_;
  const compile_options& opts_;
  std::unordered_map<std::string, id_entry> ids_;  // absolute URI (no fragment, or a plain-name one) -> schema
  std::unordered_map<const json::value*, std::string> base_of_;  // schema -> its base URI (after its own $id)
  std::unordered_map<const json::value*, node_id> compiled_;
  std::vector<pending> pending_;
};

}  // namespace
}  // namespace detail

boost::system::result<validator, error> compile(const boost::json::value& schema, const compile_options& opts) {
  auto prog = std::make_shared<detail::program>();
  prog->root = schema;
  prog->documents = opts.documents;
  try {
    detail::compiler(*prog, opts).run();
  } catch (const detail::compile_failure& f) {
    return f.err;
  }
  return validator(std::move(prog));
}

}  // namespace openrouter::schema
