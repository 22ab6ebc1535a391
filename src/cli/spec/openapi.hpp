#pragma once
// Navigation in an OpenAPI document (JSON) for `openrouter spec-check` and the wire contract
// test: which members a schema declares at a path of property names, and which JSON types
// it gives a member. $ref, allOf/anyOf/oneOf and array items are followed; every alternative
// counts (a member declared by any branch is declared).

#include <boost/json/value.hpp>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::cli::spec {

class openapi_document {
 public:
  explicit openapi_document(boost::json::value doc) : doc_(std::move(doc)) {}
  /// The document in `file`. Throws std::invalid_argument when it is unreadable or not JSON.
  static openapi_document load(const std::string& file);

  const boost::json::value& json() const noexcept { return doc_; }

  /// Whether the JSON pointer `root` resolves to a schema.
  bool has(std::string_view root) const;
  /// Whether paths[path][method] exists (method in lower case).
  bool has_operation(std::string_view path, std::string_view method) const;

  /// The property names a value may carry at `steps` below the schema at JSON pointer `root`.
  std::set<std::string> properties_at(std::string_view root, const std::vector<std::string_view>& steps) const;

  /// The JSON types ("string", "integer", ...; "null" left out) the schema gives member `key`
  /// at `steps` below `root`, from type, const and enum; empty when it says nothing about them.
  std::set<std::string> member_types(std::string_view root, const std::vector<std::string_view>& steps,
                                     std::string_view key) const;

 private:
  /// The schema, its $ref target, its allOf/anyOf/oneOf members and (with `items`) its array
  /// items, flattened.
  std::vector<const boost::json::value*> expand(const boost::json::value& schema, bool items = true) const;
  std::vector<const boost::json::value*> schemas_at(std::string_view root, const std::vector<std::string_view>& steps) const;
  void expand_into(const boost::json::value& schema, std::vector<const boost::json::value*>& out,
                   std::set<const boost::json::value*>& seen, bool items) const;

  boost::json::value doc_;
};

}  // namespace openrouter::cli::spec
