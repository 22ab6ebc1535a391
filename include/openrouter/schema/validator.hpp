#pragma once
// JSON Schema (draft 7) validation on Boost.JSON values, sans-I/O: compile a schema once, then
// validate any number of instances with it (from any number of threads: a validator is
// immutable, and copies share the compiled form).
//
//   auto v = openrouter::schema::compile(schema);
//   if (!v) throw std::runtime_error(v.error().message);      // bad regex, bad keyword value...
//   for (const auto& u : v->unsupported()) log(u.schema_location, u.keyword);  // never silent
//   auto r = v->validate(instance);
//   if (!r.valid()) std::cerr << r.violations.front().describe() << '\n';
//     // "$.items[2].name: expected string, got integer (type at #/properties/items/items/properties/name/type)"
//
// Every draft 7 assertion and applicator is implemented. `format` is asserted for the common
// formats (see compile_options::assert_formats), `contentEncoding` for base64 and
// `contentMediaType` for application/json; any other format or media type is accepted and
// listed in unsupported() as not validated, and so are keywords draft 7 does not define.
// $ref resolves local JSON pointers, `$id` base URIs and plain-name fragments of the schema
// itself and of documents handed in through compile_options::documents; nothing is ever
// fetched, so any other remote $ref is listed as unresolved (and fails validation with
// error_kind::unresolved_ref if an instance reaches it).
//
// `pattern` and `patternProperties` use Boost.Regex in its ECMAScript mode over code points,
// compiled once at compile(); `$` matches at the end of the string only and `.` does not match
// line terminators, as in ECMA-262. The matcher is not recursive, so a long input cannot
// overflow the stack; a match too costly for Boost.Regex's limits is error_kind::regex_limit.

#include <boost/json/fwd.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace openrouter::schema {

/// Why a schema did not compile, or why an instance could not be given a verdict.
enum class error_kind : std::uint8_t {
  invalid_schema,  ///< a keyword's value is not what draft 7 allows (e.g. "minLength": -1)
  bad_regex,       ///< a `pattern` or `patternProperties` key is not a valid regular expression
  unsupported,     ///< compile_options::on_unsupported == fail and an unsupported() entry exists
  unresolved_ref,  ///< evaluation reached a $ref to a document that was not available (a local $ref to
                   ///< nothing is invalid_schema at compile time)
  ref_cycle,       ///< $refs and in-place applicators form a loop that never descends into the instance
  too_deep,        ///< schema nesting or evaluation depth exceeded its limit
  regex_limit,     ///< a regex match exceeded Boost.Regex's complexity limit
};

/// A short name, e.g. "bad_regex".
const char* to_string(error_kind k) noexcept;

struct error {
  error_kind kind{};
  std::string schema_location;  ///< where in the schema, e.g. "#/properties/a/pattern"
  std::string message;
};

/// Why a keyword of the schema is not validated.
enum class unsupported_kind : std::uint8_t {
  unknown_keyword,  ///< not a draft 7 keyword: ignored, as draft 7 says
  not_validated,    ///< a format or content keyword kept as an annotation (unknown name, idn-*, other
                    ///< media types, or compile_options::assert_formats off)
  unresolved_ref,   ///< a $ref to a document that is neither this schema nor in compile_options::documents
  beside_ref,       ///< a keyword next to $ref: ignored, as draft 7 says (annotations and definitions are not listed)
};

const char* to_string(unsupported_kind k) noexcept;

struct unsupported_keyword {
  unsupported_kind kind{};
  std::string keyword;          ///< e.g. "format"
  std::string schema_location;  ///< the keyword's location, e.g. "#/properties/a/format"
  std::string detail;           ///< e.g. the format name, or the $ref's absolute URI
};

/// An extra document $ref may point into, as if it had been fetched from `uri`.
struct document {
  std::string uri;  ///< absolute, without fragment, e.g. "http://localhost:1234/name.json"
  std::shared_ptr<const boost::json::value> schema;
};

enum class unsupported_policy : std::uint8_t {
  report,  ///< compile, and list them in validator::unsupported()
  fail,    ///< compile fails with error_kind::unsupported naming the first one
};

struct compile_options {
  unsupported_policy on_unsupported = unsupported_policy::report;
  /// Documents that $ref may resolve to besides the schema itself (nothing is fetched).
  std::vector<document> documents{};
  /// Assert the formats this validator knows (date-time, date, time, email, hostname, ipv4,
  /// ipv6, uri, uri-reference, iri, iri-reference, uri-template, json-pointer,
  /// relative-json-pointer, regex, uuid) and the content keywords it knows (contentEncoding
  /// "base64", contentMediaType "application/json"). Draft 7 makes these optional: false keeps
  /// them annotations, listed in unsupported() as not validated. Other format names and media
  /// types are always listed so.
  bool assert_formats = true;
  /// The schema's own base URI when it has no `$id` at its root.
  std::string base_uri{};
  /// Deepest nesting of subschemas accepted (and of values inside `enum` / `const`).
  std::size_t max_schema_depth = 256;
};

/// One failed assertion.
struct violation {
  std::string instance_pointer;  ///< JSON Pointer to the failing value: "/items/2/name" ("" is the root)
  std::string instance_path;     ///< the same, readable: "$.items[2].name" ("$" is the root)
  std::string schema_location;   ///< the failing keyword: "#/properties/items/items/properties/name/type"
                                 ///< (after a $ref: where the target lives, prefixed by its document
                                 ///< URI when that is not the root schema's)
  std::string keyword;           ///< "type"
  std::string message;           ///< "expected string, got integer"

  /// "$.items[2].name: expected string, got integer (type at #/.../type)"
  std::string describe() const;
};

struct validate_options {
  /// Violations to collect before stopping; 1 gives the first violation only (the fastest).
  /// Inside anyOf, oneOf, not and if, branches are tried silently and the applicator itself
  /// is the violation.
  std::size_t max_violations = 1;
  /// Deepest nesting of evaluation (each level of the instance and each in-place applicator
  /// or $ref is one level). Beyond it the result carries error_kind::too_deep.
  std::size_t max_depth = 512;
};

struct validation_result {
  std::vector<violation> violations;  ///< empty when valid
  std::optional<schema::error> error;  ///< set when no verdict could be reached (too_deep, unresolved_ref, regex_limit)

  bool valid() const noexcept { return violations.empty() && !error; }
};

namespace detail {
struct program;
}

class validator;

/// Compiles a draft 7 schema (a JSON object or boolean). The schema and the documents are
/// copied or shared: they need not outlive the validator.
boost::system::result<validator, error> compile(const boost::json::value& schema, const compile_options& opts = {});

/// A compiled schema. Cheap to copy (copies share the immutable compiled form).
class validator {
 public:
  validation_result validate(const boost::json::value& instance, const validate_options& opts = {}) const;
  /// Just the verdict: stops at the first failure, builds no message. False also when
  /// validate() would carry an error.
  bool is_valid(const boost::json::value& instance) const;

  /// Keywords that were accepted but are not validated: those of the schema in its order,
  /// then those met while following $refs.
  const std::vector<unsupported_keyword>& unsupported() const noexcept;

 private:
  friend boost::system::result<validator, error> compile(const boost::json::value&, const compile_options&);
  explicit validator(std::shared_ptr<const detail::program> p) noexcept : prog_(std::move(p)) {}
  std::shared_ptr<const detail::program> prog_;
};

/// What result<>::value() calls when it holds an error: throws std::invalid_argument naming it.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

}  // namespace openrouter::schema
