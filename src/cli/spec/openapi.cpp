#include "openapi.hpp"

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace openrouter::cli::spec {
namespace json = boost::json;

openapi_document openapi_document::load(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read the OpenAPI spec " + file);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec) throw std::invalid_argument(file + " is not JSON (" + ec.message() + ")");
  if (!doc.is_object() || !doc.get_object().contains("paths"))
    throw std::invalid_argument(file + " is not an OpenAPI document (no \"paths\")");
  return openapi_document(std::move(doc));
}

bool openapi_document::has(std::string_view root) const {
  boost::system::error_code ec;
  const json::value* v = doc_.find_pointer(root, ec);
  return v && v->is_object();
}

bool openapi_document::has_operation(std::string_view path, std::string_view method) const {
  const json::value* paths = doc_.as_object().if_contains("paths");
  const json::value* item = paths && paths->is_object() ? paths->get_object().if_contains(path) : nullptr;
  return item && item->is_object() && item->get_object().contains(method);
}

void openapi_document::expand_into(const json::value& schema, std::vector<const json::value*>& out,
                                   std::set<const json::value*>& seen, bool items) const {
  if (!schema.is_object() || !seen.insert(&schema).second) return;
  const json::object& o = schema.get_object();
  if (const json::value* ref = o.if_contains("$ref"); ref && ref->is_string()) {
    std::string_view target = ref->get_string();
    if (target.starts_with("#")) {
      target.remove_prefix(1);  // "#/components/..." -> "/components/..."
      boost::system::error_code ec;
      if (const json::value* t = doc_.find_pointer(target, ec)) expand_into(*t, out, seen, items);
    }
  }
  out.push_back(&schema);
  for (std::string_view combinator : {"allOf", "anyOf", "oneOf"})
    if (const json::value* alternatives = o.if_contains(combinator); alternatives && alternatives->is_array())
      for (const json::value& alternative : alternatives->get_array()) expand_into(alternative, out, seen, items);
  if (const json::value* i = o.if_contains("items"); i && items) expand_into(*i, out, seen, items);
}

std::vector<const json::value*> openapi_document::expand(const json::value& schema, bool items) const {
  std::vector<const json::value*> out;
  std::set<const json::value*> seen;
  expand_into(schema, out, seen, items);
  return out;
}

std::vector<const json::value*> openapi_document::schemas_at(std::string_view root,
                                                             const std::vector<std::string_view>& steps) const {
  boost::system::error_code ec;
  const json::value* start = doc_.find_pointer(root, ec);
  if (!start) return {};
  std::vector<const json::value*> current = expand(*start);
  for (std::string_view step : steps) {
    std::vector<const json::value*> next;
    for (const json::value* s : current)
      if (const json::value* props = s->get_object().if_contains("properties"); props && props->is_object())
        if (const json::value* p = props->get_object().if_contains(step))
          for (const json::value* e : expand(*p)) next.push_back(e);
    current = std::move(next);
  }
  return current;
}

std::set<std::string> openapi_document::properties_at(std::string_view root,
                                                      const std::vector<std::string_view>& steps) const {
  std::set<std::string> names;
  for (const json::value* s : schemas_at(root, steps))
    if (const json::value* props = s->get_object().if_contains("properties"); props && props->is_object())
      for (const auto& kv : props->get_object()) names.emplace(kv.key());
  return names;
}

namespace {

std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return "string";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::object: return "object";
    case json::kind::array: return "array";
    case json::kind::null: return "null";
  }
  return "null";
}

}  // namespace

std::set<std::string> openapi_document::member_types(std::string_view root, const std::vector<std::string_view>& steps,
                                                     std::string_view key) const {
  std::vector<const json::value*> member;  // the member's own schemas: its items are another level
  for (const json::value* parent : schemas_at(root, steps))
    if (const json::value* props = parent->get_object().if_contains("properties"); props && props->is_object())
      if (const json::value* p = props->get_object().if_contains(key))
        for (const json::value* e : expand(*p, false)) member.push_back(e);
  std::set<std::string> types;
  for (const json::value* s : member) {
    const json::object& o = s->get_object();
    if (const json::value* t = o.if_contains("type")) {
      if (t->is_string()) types.emplace(t->get_string());
      else if (t->is_array())
        for (const auto& x : t->get_array())
          if (x.is_string()) types.emplace(x.get_string());
    }
    if (const json::value* c = o.if_contains("const")) types.insert(kind_of(*c));
    if (const json::value* e = o.if_contains("enum"); e && e->is_array())
      for (const auto& x : e->get_array()) types.insert(kind_of(x));
  }
  types.erase("null");
  return types;
}

}  // namespace openrouter::cli::spec
