#pragma once
// The compiled form of a schema: a flat vector of nodes (one per subschema reached from the
// root), each a list of checks run in the order the schema wrote its keywords. Subschemas are
// node indices, so $ref cycles are just indices and the program is trivially shareable.

#include <openrouter/schema/validator.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace openrouter::schema::detail {

class regex;  // regex.hpp

using node_id = std::uint32_t;
inline constexpr node_id no_node = ~node_id{0};

// Bits of the `type` keyword. `integer` is a bit of its own so that {"type":"integer"} can
// accept 1.0 while {"type":"number"} accepts every number.
enum type_bit : std::uint8_t {
  t_null = 1,
  t_boolean = 2,
  t_object = 4,
  t_array = 8,
  t_number = 16,
  t_string = 32,
  t_integer = 64,
};

enum class op : std::uint8_t {
  false_schema,  // the boolean schema false: every instance fails
  ref,
  type,
  enum_,
  const_,
  multiple_of,
  maximum,
  exclusive_maximum,
  minimum,
  exclusive_minimum,
  max_length,
  min_length,
  pattern,
  items,             // one schema for every item: sub
  items_tuple,       // subs[i] for item i; additionalItems (if any) in sub
  max_items,
  min_items,
  unique_items,
  contains,
  max_properties,
  min_properties,
  required,
  properties,              // names[i] -> subs[i]
  pattern_properties,      // regexes[i] -> subs[i]
  additional_properties,   // sub for names not in `names` (sorted) and matching none of `regexes`
  dependencies,            // names[i] -> subs[i] (schema form) or dep_names[i] (array form, subs[i] == no_node)
  property_names,
  all_of,
  any_of,
  one_of,
  not_,
  if_then_else,  // sub = if, subs = {then or no_node, else or no_node}
  format,        // count = detail::format
  content,       // count: content_base64 | content_json; names = {contentEncoding location, contentMediaType location}
};

enum content_bit : std::uint8_t {
  content_base64 = 1,
  content_json = 2,
};

struct check {
  op code{};
  std::string keyword;   // as written in the schema, for violations
  std::string location;  // the keyword's schema location
  boost::json::value value;  // the number of numeric checks, the const, the enum array
  std::uint64_t count = 0;   // min/max length, items, properties
  std::uint8_t types = 0;
  node_id sub = no_node;
  std::vector<node_id> subs;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> dep_names;
  std::vector<std::shared_ptr<const regex>> regexes;
  // op::ref that could not be resolved (remote): the absolute URI, reached => error
  std::string unresolved;
};

struct node {
  std::string location;
  std::vector<check> checks;
};

struct program {
  std::vector<node> nodes;  // nodes[0] is the root
  std::vector<unsupported_keyword> unsupported;
  // The schema and the extra documents, kept alive: checks never point into them today,
  // but keeping them makes that safe should one ever need to.
  boost::json::value root;
  std::vector<document> documents;
};

// An error raised during evaluation (too_deep, regex_limit, unresolved_ref): unwinds to
// validate(), which turns it into validation_result::error.
struct eval_failure {
  schema::error err;
};

}  // namespace openrouter::schema::detail
