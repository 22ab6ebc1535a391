#pragma once
// Where each wire type we model lives in OpenRouter's OpenAPI spec: the schema (a JSON pointer
// plus property steps below it), the JSON keys the type models, the keys modeled on purpose
// although the spec lacks them (documented elsewhere, or legacy), and the JSON kinds our
// decoder accepts for each key. Used by `openrouter spec-check` and the wire contract test.

#include <boost/json/value.hpp>

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::cli::spec {

struct wire_contract {
  std::string_view type_name;
  std::span<const std::string_view> keys;
  std::string_view root;  // JSON pointer into the spec
  std::vector<std::string_view> steps;
  std::vector<std::string_view> allowed;  // modeled although not in the spec
  /// Whether the type's decoder takes `value` for member `key` (a wrong kind is rejected).
  bool (*accepts)(std::string_view key, const boost::json::value& value);
};

const std::vector<wire_contract>& wire_contracts();

/// The JSON Schema types ("string", "integer", "number", "boolean", "object", "array") our
/// decoder accepts for member `key` of contract `c`, found by decoding a sample of each.
std::set<std::string> accepted_types(const wire_contract& c, std::string_view key);

/// An operation the client sends.
struct wire_endpoint {
  std::string_view method;  // lower case, as in the spec
  std::string_view path;
};
const std::vector<wire_endpoint>& wire_endpoints();

}  // namespace openrouter::cli::spec
