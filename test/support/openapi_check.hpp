#pragma once
// A small checker of JSON values against the schemas of an OpenAPI 3.1 document, for contract
// tests. It understands the subset of JSON Schema the OpenRouter spec uses for responses:
// $ref, allOf, anyOf/oneOf (at least one branch holds; discriminator ignored), type (a string
// or an array such as ["string","null"]), nullable, enum, const, required, properties, items
// and additionalProperties. Validation keywords such as minimum or pattern are not checked.

#include <boost/json/value.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace test::openapi {

struct check_options {
  /// JSON Schema leaves an object open when its schema does not mention additionalProperties.
  /// With closed_objects, such an object (one whose schemas declare properties) may only hold
  /// the members declared (in properties or required) by some schema applied at its location:
  /// through $ref and allOf, the anyOf/oneOf branches that hold (the closest one when none
  /// does), and every declaration of the member in its parent's schemas. This catches a server
  /// that invents or misspells fields. Schemas that do say additionalProperties are honored
  /// either way (one other than false leaves the object open).
  bool closed_objects = false;
  /// Members accepted anyway in closed mode, as instance paths with array indices written
  /// [*], e.g. "$.choices[*].native_finish_reason".
  std::set<std::string> allowed_extras;
};

class spec {
 public:
  explicit spec(boost::json::value document);

  /// The spec in `file`; nullopt when the file does not exist. Throws when it is not JSON.
  static std::optional<spec> load(const std::string& file);

  const boost::json::value& document() const noexcept { return doc_; }

  /// The value a local reference ("#/components/schemas/Model") points to. Throws
  /// std::invalid_argument when it does not resolve.
  const boost::json::value& resolve(std::string_view ref) const;

  /// `schema` itself, or what its $ref points to (followed until a schema without $ref).
  const boost::json::value& deref(const boost::json::value& schema) const;

  /// paths[path][method].responses[status].content[media].schema (with a $ref'd response
  /// object resolved), or nullptr when the spec defines none.
  const boost::json::value* response_schema(std::string_view path, std::string_view method, unsigned status,
                                            std::string_view media = "application/json") const;

  /// The violations of `schema` by `instance`, one per line, as "<json path>: <what is wrong>",
  /// e.g. "$.data[3].pricing.prompt: expected string, got number". Empty: it conforms.
  std::vector<std::string> validate(const boost::json::value& instance, const boost::json::value& schema,
                                    const check_options& options = {}, const std::string& root = "$") const;

 private:
  boost::json::value doc_;
};

}  // namespace test::openapi
