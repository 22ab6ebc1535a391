// libFuzzer target for the JSON Schema compiler and validator (src/lib/schema/): schemas come
// from callers and from structured-output requests, instances from model output.
//
// The input is a JSON array [schema, instance, ...] (anything else is skipped). Properties:
// - compile() and validate() never throw and never crash (deep nesting, $ref cycles, regexes);
// - validate() and is_valid() agree (is_valid is false also when validate() carries an error);
// - validating twice gives the same verdict and the same violations (the compiled form is
//   immutable); collecting more violations never turns a verdict around.
#include "fuzz_common.hpp"

#include <openrouter/schema/validator.hpp>

#include <boost/json/parse.hpp>

#include <new>

namespace openrouter::fuzz::schema_check {

namespace json = boost::json;

inline std::string check(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return {};  // keeps regex and $ref work per input small
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 300;
  const json::value v = json::parse(as_text(data, size), ec, {}, po);
  if (ec || !v.is_array() || v.get_array().empty()) return {};
  const json::array& a = v.get_array();
  try {
    auto compiled = schema::compile(a[0]);
    if (!compiled) return {};
    (void)compiled->unsupported();
    for (std::size_t i = 1; i < a.size() && i < 4; ++i) {
      const json::value& instance = a[i];
      const schema::validation_result one = compiled->validate(instance);
      schema::validate_options many;
      many.max_violations = 16;
      const schema::validation_result all = compiled->validate(instance, many);
      const bool quick = compiled->is_valid(instance);
      if (one.valid() != quick) return "validate() and is_valid() disagree";
      if (one.valid() != all.valid()) return "max_violations changes the verdict";
      const schema::validation_result again = compiled->validate(instance, many);
      if (again.violations.size() != all.violations.size()) return "validating twice differs";
      for (std::size_t k = 0; k < all.violations.size(); ++k) {
        if (again.violations[k].describe() != all.violations[k].describe()) return "validating twice differs";
        if (all.violations[k].instance_path.empty() || all.violations[k].instance_path[0] != '$')
          return "a violation without an instance path";
      }
      if (all.violations.size() > many.max_violations) return "more violations than max_violations";
    }
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return std::string("threw ") + e.what();
  }
  return {};
}

}  // namespace openrouter::fuzz::schema_check

OPENROUTER_FUZZ_TARGET("schema_fuzz", openrouter::fuzz::schema_check::check)
