// JSON Schema (draft 7) validator: violation locations in a structured-output style schema,
// collection of several violations, unsupported keywords (reported or an error), bad regexes
// and bad keyword values at compile time, ECMA-262 regex details, number semantics, depth
// guards and $ref cycles; then the official JSON Schema Test Suite (Debian package
// json-schema-test-suite), every case of every draft7 file, with a pass table.
#include <openrouter/schema/validator.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

namespace json = boost::json;
namespace schema = openrouter::schema;
namespace fs = std::filesystem;

namespace openrouter::schema {
inline std::ostream& boost_test_print_type(std::ostream& os, error_kind k) { return os << to_string(k); }
}  // namespace openrouter::schema

namespace {

schema::validator compiled(std::string_view text, const schema::compile_options& opts = {}) {
  auto r = schema::compile(json::parse(text), opts);
  BOOST_TEST_REQUIRE(r.has_value(), "compile failed: " << (r ? "" : r.error().schema_location + ": " + r.error().message));
  return *r;
}

schema::error compile_error(std::string_view text, const schema::compile_options& opts = {}) {
  auto r = schema::compile(json::parse(text), opts);
  BOOST_TEST_REQUIRE(!r.has_value(), "compiled, but an error was expected: " << text);
  return r.error();
}

// A structured-output style schema: strict objects, arrays of objects, enums, nullable fields.
constexpr std::string_view order_schema = R"({
  "type": "object",
  "properties": {
    "customer": {"type": "string", "minLength": 1},
    "status": {"enum": ["open", "shipped", "closed"]},
    "items": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "properties": {
          "name": {"type": "string"},
          "qty": {"type": "integer", "minimum": 1},
          "note": {"type": ["string", "null"]}
        },
        "required": ["name", "qty", "note"],
        "additionalProperties": false
      }
    }
  },
  "required": ["customer", "status", "items"],
  "additionalProperties": false
})";

}  // namespace

BOOST_AUTO_TEST_SUITE(json_schema_test)

BOOST_AUTO_TEST_CASE(first_violation_locations_in_a_nested_schema) {
  auto v = compiled(order_schema);
  BOOST_TEST(v.unsupported().empty());

  auto ok = json::parse(R"({"customer":"ada","status":"open","items":[{"name":"a","qty":1,"note":null}]})");
  BOOST_TEST(v.validate(ok).valid());
  BOOST_TEST(v.is_valid(ok));

  auto bad = json::parse(R"({"customer":"ada","status":"open","items":[
      {"name":"a","qty":1,"note":null},{"name":"b","qty":2,"note":"x"},{"name":42,"qty":0,"note":null}]})");
  auto r = v.validate(bad);
  BOOST_TEST(!r.valid());
  BOOST_TEST(!r.error.has_value());
  BOOST_TEST_REQUIRE(r.violations.size() == 1u);
  const auto& x = r.violations.front();
  BOOST_TEST(x.instance_pointer == "/items/2/name");
  BOOST_TEST(x.instance_path == "$.items[2].name");
  BOOST_TEST(x.schema_location == "#/properties/items/items/properties/name/type");
  BOOST_TEST(x.keyword == "type");
  BOOST_TEST(x.message == "expected string, got integer 42");
  BOOST_TEST(x.describe() == "$.items[2].name: expected string, got integer 42 (type at "
                             "#/properties/items/items/properties/name/type)");
  BOOST_TEST(!v.is_valid(bad));
}

BOOST_AUTO_TEST_CASE(all_violations_in_schema_order_and_bounded) {
  auto v = compiled(order_schema);
  auto bad = json::parse(R"({"status":"lost","items":[{"name":"a","qty":0,"extra/~key":1}],"zip":1})");
  auto r = v.validate(bad, {.max_violations = 100});
  BOOST_TEST(!r.error.has_value());
  std::vector<std::string> got;
  for (const auto& x : r.violations) got.push_back(x.instance_pointer + " " + x.keyword + " " + x.message);
  std::vector<std::string> want = {
      "/status enum \"lost\" is not one of [\"open\", \"shipped\", \"closed\"]",
      "/items/0/qty minimum 0 is less than the minimum 1",
      "/items/0 required required property \"note\" is missing",
      "/items/0/extra~1~0key additionalProperties property not allowed (additionalProperties is false)",
      "/ required required property \"customer\" is missing",
      "/zip additionalProperties property not allowed (additionalProperties is false)",
  };
  want[4] = " required required property \"customer\" is missing";  // the root's pointer is ""
  BOOST_TEST(got == want, boost::test_tools::per_element());
  BOOST_TEST(r.violations[3].instance_path == "$.items[0]['extra/~key']");
  BOOST_TEST(r.violations[3].schema_location == "#/properties/items/items/additionalProperties");
  BOOST_TEST(r.violations[4].instance_path == "$");

  auto two = v.validate(bad, {.max_violations = 2});
  BOOST_TEST(two.violations.size() == 2u);
  BOOST_TEST(two.violations[1].instance_pointer == "/items/0/qty");
}

BOOST_AUTO_TEST_CASE(applicator_messages_name_the_branches) {
  auto v = compiled(R"({"properties":{"a":{"anyOf":[{"type":"string"},{"type":"object","required":["k"]}]},
                                     "b":{"oneOf":[{"minimum":0},{"maximum":10}]},
                                     "c":{"propertyNames":{"pattern":"^[a-z]+$"}}}})");
  auto r = v.validate(json::parse(R"({"a":{},"b":5,"c":{"ok":1,"Bad":2}})"), {.max_violations = 10});
  BOOST_TEST_REQUIRE(r.violations.size() == 3u);
  BOOST_TEST(r.violations[0].keyword == "anyOf");
  BOOST_TEST(r.violations[0].schema_location == "#/properties/a/anyOf");
  BOOST_TEST(r.violations[0].message ==
             "matches none of the 2 schemas of anyOf (#0: expected string, got object an object of 0 properties; "
             "#1: required property \"k\" is missing)");
  BOOST_TEST(r.violations[1].message == "matches more than one schema of oneOf (#0 and #1)");
  BOOST_TEST(r.violations[2].instance_pointer == "/c");
  BOOST_TEST(r.violations[2].keyword == "pattern");
  BOOST_TEST(r.violations[2].schema_location == "#/properties/c/propertyNames/pattern");
  BOOST_TEST(r.violations[2].message == "property name \"Bad\": \"Bad\" does not match the pattern \"^[a-z]+$\"");
}

BOOST_AUTO_TEST_CASE(unsupported_keywords_are_reported_with_their_location) {
  auto v = compiled(R"({"properties":{"a":{"type":"string","format":"idn-email"},
                                     "b":{"contentEncoding":"quoted-printable","x-custom":1},
                                     "c":{"$ref":"http://example.invalid/other.json#/x","type":"string"}}})");
  std::vector<std::string> got;
  for (const auto& u : v.unsupported())
    got.push_back(std::string(schema::to_string(u.kind)) + " " + u.keyword + " " + u.schema_location + " " + u.detail);
  std::vector<std::string> want = {
      "not_validated format #/properties/a/format idn-email",
      "not_validated contentEncoding #/properties/b/contentEncoding quoted-printable",
      "unknown_keyword x-custom #/properties/b/x-custom not a draft 7 keyword",
      "beside_ref type #/properties/c/type ignored next to $ref",
      "unresolved_ref $ref #/properties/c/$ref http://example.invalid/other.json#/x",
  };
  BOOST_TEST(got == want, boost::test_tools::per_element());

  // Not validated means accepted: a string that is no e-mail address passes.
  BOOST_TEST(v.validate(json::parse(R"({"a":"not an address"})")).valid());
  // An instance that reaches the unresolved $ref gets no verdict.
  auto r = v.validate(json::parse(R"({"c":1})"));
  BOOST_TEST(r.violations.empty());
  BOOST_TEST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == schema::error_kind::unresolved_ref);
  BOOST_TEST(r.error->schema_location == "#/properties/c/$ref");
  BOOST_TEST(!v.is_valid(json::parse(R"({"c":1})")));

  auto e = compile_error(R"({"properties":{"a":{"format":"int32"}}})",
                         {.on_unsupported = schema::unsupported_policy::fail});
  BOOST_TEST(e.kind == schema::error_kind::unsupported);
  BOOST_TEST(e.schema_location == "#/properties/a/format");
  BOOST_TEST(e.message == "not_validated: format (int32 (unknown format))");
  // Annotations are accepted silently, even under the fail policy.
  auto quiet = compiled(R"({"$schema":"http://json-schema.org/draft-07/schema#","$comment":"c","title":"t",
                          "description":"d","default":1,"examples":[1],"readOnly":true,"writeOnly":false})",
                        {.on_unsupported = schema::unsupported_policy::fail});
  BOOST_TEST(quiet.unsupported().empty());
}

BOOST_AUTO_TEST_CASE(formats_and_content_are_asserted_unless_disabled) {
  constexpr std::string_view text = R"({"properties":{"when":{"format":"date-time"},"id":{"format":"uuid"},
      "ip":{"format":"ipv4"},"mail":{"format":"email"},"blob":{"contentEncoding":"base64","contentMediaType":"application/json"}}})";
  auto v = compiled(text);
  BOOST_TEST(v.unsupported().empty());
  BOOST_TEST(v.is_valid(json::parse(R"({"when":"2024-02-29T23:59:60Z","id":"123e4567-e89b-12d3-a456-426614174000",
      "ip":"10.0.0.1","mail":"a.b@example.com","blob":"eyJhIjpbMV19"})")));
  auto r = v.validate(json::parse(R"({"when":"2023-02-29T10:00:00Z","id":"123e4567","ip":"10.0.0.01",
      "mail":"a..b@example.com","blob":"eyJhIjpbMQ=="})"), {.max_violations = 10});
  std::vector<std::string> got;
  for (const auto& x : r.violations) got.push_back(x.instance_pointer + " " + x.keyword + " " + x.schema_location + " " + x.message);
  std::vector<std::string> want = {
      "/when format #/properties/when/format \"2023-02-29T10:00:00Z\" is not a valid date-time",
      "/id format #/properties/id/format \"123e4567\" is not a valid uuid",
      "/ip format #/properties/ip/format \"10.0.0.01\" is not a valid ipv4",
      "/mail format #/properties/mail/format \"a..b@example.com\" is not a valid email",
      "/blob contentMediaType #/properties/blob/contentMediaType content is not application/json",  // {"a":[1
  };
  BOOST_TEST(got == want, boost::test_tools::per_element());
  auto not_b64 = v.validate(json::parse(R"({"blob":"not base64!"})"));
  BOOST_TEST_REQUIRE(not_b64.violations.size() == 1u);
  BOOST_TEST(not_b64.violations[0].keyword == "contentEncoding");

  auto annotations_only = compiled(text, {.assert_formats = false});
  BOOST_TEST(annotations_only.unsupported().size() == 6u);
  BOOST_TEST(annotations_only.is_valid(json::parse(R"({"when":"yesterday","blob":"!"})")));
}

BOOST_AUTO_TEST_CASE(extra_documents_resolve_remote_refs) {
  schema::compile_options opts;
  opts.documents.push_back({"http://example.invalid/defs.json",
                            std::make_shared<const json::value>(json::parse(R"({"definitions":{"id":{"type":"integer"}}})"))});
  auto v = compiled(R"({"items":{"$ref":"http://example.invalid/defs.json#/definitions/id"}})", opts);
  BOOST_TEST(v.unsupported().empty());
  auto r = v.validate(json::parse(R"([1, "x"])"));
  BOOST_TEST_REQUIRE(r.violations.size() == 1u);
  BOOST_TEST(r.violations[0].instance_pointer == "/1");
  BOOST_TEST(r.violations[0].schema_location == "http://example.invalid/defs.json#/definitions/id/type");
}

BOOST_AUTO_TEST_CASE(ids_set_base_uris_and_name_fragments) {
  auto v = compiled(R"({"$id":"http://example.invalid/root.json",
                       "properties":{"a":{"$ref":"item.json"},"b":{"$ref":"#positive"}},
                       "definitions":{"item":{"$id":"item.json","type":"string"},
                                      "pos":{"$id":"#positive","minimum":0}}})");
  BOOST_TEST(v.unsupported().empty());
  auto r = v.validate(json::parse(R"({"a":1,"b":-1})"), {.max_violations = 5});
  BOOST_TEST_REQUIRE(r.violations.size() == 2u);
  BOOST_TEST(r.violations[0].schema_location == "#/definitions/item/type");
  BOOST_TEST(r.violations[1].schema_location == "#/definitions/pos/minimum");
  BOOST_TEST(v.is_valid(json::parse(R"({"a":"x","b":0})")));
}

BOOST_AUTO_TEST_CASE(bad_schemas_fail_to_compile_with_a_location) {
  auto e = compile_error(R"({"properties":{"a":{"pattern":"(unclosed"}}})");
  BOOST_TEST(e.kind == schema::error_kind::bad_regex);
  BOOST_TEST(e.schema_location == "#/properties/a/pattern");
  BOOST_TEST(e.message.find("(unclosed") != std::string::npos);

  e = compile_error(R"({"patternProperties":{"[a-":{}}})");
  BOOST_TEST(e.kind == schema::error_kind::bad_regex);
  BOOST_TEST(e.schema_location == "#/patternProperties/[a-");

  e = compile_error(R"({"pattern":"^a\\Z"})");  // .NET/Perl's \Z is no ECMA-262 escape
  BOOST_TEST(e.kind == schema::error_kind::bad_regex);
  BOOST_TEST(e.message.find("not an ECMA-262 escape") != std::string::npos);

  e = compile_error(R"({"definitions":{"n":{"minLength":-1}}})");
  BOOST_TEST(e.kind == schema::error_kind::invalid_schema);
  BOOST_TEST(e.schema_location == "#/definitions/n/minLength");

  e = compile_error(R"({"exclusiveMaximum":true,"maximum":3})");
  BOOST_TEST(e.kind == schema::error_kind::invalid_schema);
  BOOST_TEST(e.schema_location == "#/exclusiveMaximum");

  e = compile_error(R"({"type":"text"})");
  BOOST_TEST(e.kind == schema::error_kind::invalid_schema);
  e = compile_error(R"({"items":[1]})");
  BOOST_TEST(e.schema_location == "#/items/0");
  e = compile_error(R"({"$ref":"#/definitions/missing"})");
  BOOST_TEST(e.kind == schema::error_kind::invalid_schema);
  BOOST_TEST(e.schema_location == "#/$ref");
  e = compile_error(R"({"multipleOf":0})");
  BOOST_TEST(e.schema_location == "#/multipleOf");

  // result<>::value() turns the error into an exception naming it.
  BOOST_CHECK_THROW(schema::compile(json::parse(R"({"pattern":"["})")).value(), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(regexes_follow_ecma_262) {
  auto v = compiled(R"({"properties":{"end":{"pattern":"^abc$"},"dot":{"pattern":"^a.c$"},
                                     "digit":{"pattern":"^\\d+$"},"space":{"pattern":"^\\s$"},
                                     "esc":{"pattern":"^\\u00e9+$"},"empty":{"pattern":"[]"}}})");
  auto valid = [&](std::string_view doc) { return v.validate(json::parse(doc)).valid(); };
  BOOST_TEST(valid(R"({"end":"abc"})"));
  BOOST_TEST(!valid(R"({"end":"abc\n"})"));   // $ is the end of the string, not of a line
  BOOST_TEST(!valid(R"({"end":"x\nabc"})"));  // ^ likewise
  BOOST_TEST(valid(R"({"dot":"a\u00e9c"})"));  // . is one code point, not one byte
  BOOST_TEST(!valid(R"({"dot":"a\nc"})"));
  BOOST_TEST(!valid(R"({"digit":"\u0663"})"));  // \d is ASCII only
  BOOST_TEST(valid(R"({"space":"\u00a0"})"));   // \s has the Unicode spaces
  BOOST_TEST(valid(R"({"esc":"\u00e9\u00e9"})"));
  BOOST_TEST(!valid(R"({"empty":""})"));  // [] matches nothing

  // A long input: the matcher keeps its state on the heap, so this neither crashes nor fails.
  auto long_run = compiled(R"({"pattern":"^(a|b)*$"})");
  json::value s = json::string(std::string(1'000'000, 'a'));
  auto r = long_run.validate(s);
  BOOST_TEST((r.valid() || (r.error && r.error->kind == schema::error_kind::regex_limit)));
  BOOST_TEST(compiled(R"({"pattern":"^a*$"})").validate(s).valid());
}

BOOST_AUTO_TEST_CASE(numbers_and_lengths) {
  auto mult = compiled(R"({"multipleOf":0.0001})");
  BOOST_TEST(mult.is_valid(json::parse("0.0075")));
  BOOST_TEST(!mult.is_valid(json::parse("0.00751")));
  auto int_mult = compiled(R"({"multipleOf":3})");
  BOOST_TEST(int_mult.is_valid(json::parse("9007199254740993")));  // 2^53+1 is; as a double (2^53) it is not
  BOOST_TEST(!int_mult.is_valid(json::parse("9007199254740994")));
  BOOST_TEST(!int_mult.is_valid(json::parse("-9223372036854775807")));
  BOOST_TEST(int_mult.is_valid(json::parse("-9.0")));
  auto integer = compiled(R"({"type":"integer","maximum":18446744073709551615})");
  BOOST_TEST(integer.is_valid(json::parse("1.0")));
  BOOST_TEST(!integer.is_valid(json::parse("1.5")));
  BOOST_TEST(integer.is_valid(json::parse("18446744073709551615")));
  auto c = compiled(R"({"const":{"a":[1,2.0]}})");
  BOOST_TEST(c.is_valid(json::parse(R"({"a":[1.0,2]})")));
  BOOST_TEST(!c.is_valid(json::parse(R"({"a":[2,1]})")));
  auto len = compiled(R"({"maxLength":2,"minLength":2})");
  BOOST_TEST(len.is_valid(json::parse(R"("\u00e9\ud83d\ude00")")));  // 2 code points, 6 bytes
  BOOST_TEST(!len.is_valid(json::parse(R"("abc")")));
  auto u = compiled(R"({"uniqueItems":true})");
  json::array many;
  for (int i = 0; i < 100; ++i) many.push_back(i);
  BOOST_TEST(u.is_valid(many));
  many.push_back(json::value(57.0));
  auto r = u.validate(many);
  BOOST_TEST_REQUIRE(r.violations.size() == 1u);
  BOOST_TEST(r.violations[0].message == "items 57 and 100 are equal");
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_a_typed_error) {
  // A schema nested 5000 levels deep.
  json::value deep_schema = json::object{{"type", "string"}};
  for (int i = 0; i < 5000; ++i) {
    json::object o;
    o.emplace("items", std::move(deep_schema));
    deep_schema = std::move(o);
  }
  auto e = schema::compile(deep_schema);
  BOOST_TEST_REQUIRE(!e.has_value());
  BOOST_TEST(e.error().kind == schema::error_kind::too_deep);

  // An instance nested 5000 levels deep, against a recursive schema and in uniqueItems.
  json::monotonic_resource mr;  // nothing to free item by item: no recursive destruction either
  json::value deep{json::array(&mr)};
  for (int i = 0; i < 5000; ++i) {
    json::array a(&mr);
    a.push_back(std::move(deep));
    deep = std::move(a);
  }
  auto rec = compiled(R"({"type":"array","items":{"$ref":"#"}})");
  auto r = rec.validate(deep);
  BOOST_TEST_REQUIRE(r.error.has_value());
  BOOST_TEST(r.error->kind == schema::error_kind::too_deep);
  BOOST_TEST(!rec.is_valid(deep));
  // A deep but allowed instance passes.
  json::value shallow = json::array();
  for (int i = 0; i < 100; ++i) {
    json::array a;
    a.push_back(std::move(shallow));
    shallow = std::move(a);
  }
  BOOST_TEST(rec.validate(shallow).valid());

  json::array twice(&mr);
  twice.push_back(deep);
  twice.push_back(deep);
  auto uniq = compiled(R"({"uniqueItems":true})").validate(twice);
  BOOST_TEST_REQUIRE(uniq.error.has_value());
  BOOST_TEST(uniq.error->kind == schema::error_kind::too_deep);
}

BOOST_AUTO_TEST_CASE(ref_cycles_that_never_descend_are_rejected) {
  auto e = compile_error(R"({"$ref":"#"})");
  BOOST_TEST(e.kind == schema::error_kind::ref_cycle);
  e = compile_error(R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"anyOf":[{"type":"null"},{"$ref":"#/definitions/a"}]}},
                     "properties":{"x":{"$ref":"#/definitions/a"}}})");
  BOOST_TEST(e.kind == schema::error_kind::ref_cycle);
  e = compile_error(R"({"not":{"allOf":[{"$ref":"#"}]}})");
  BOOST_TEST(e.kind == schema::error_kind::ref_cycle);

  // Recursion through properties is fine: a linked list.
  auto list = compiled(R"({"type":"object","required":["v"],"properties":{"v":{"type":"integer"},"next":{"$ref":"#"}}})");
  BOOST_TEST(list.is_valid(json::parse(R"({"v":1,"next":{"v":2,"next":{"v":3}}})")));
  auto r = list.validate(json::parse(R"({"v":1,"next":{"v":2,"next":{"v":"3"}}})"));
  BOOST_TEST_REQUIRE(r.violations.size() == 1u);
  BOOST_TEST(r.violations[0].instance_pointer == "/next/next/v");
  BOOST_TEST(r.violations[0].schema_location == "#/properties/v/type");
}

// --- the official JSON Schema Test Suite -----------------------------------------------------

namespace {

fs::path suite_root() {
  if (const char* env = std::getenv("JSON_SCHEMA_TEST_SUITE")) return env;
  return "/usr/share/json-schema-test-suite";
}

// The draft 7 meta-schema, which definitions.json and one ref.json case $ref by its URI.
// Debian's python3-jsonschema ships a copy; without it those cases count as unsupported.
constexpr const char* meta_schema_path = "/usr/lib/python3/dist-packages/jsonschema/schemas/draft7.json";

json::value read_json(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

// The suite's remotes/ directory, served as http://localhost:1234/ by its own harness: here
// handed to compile() as documents, so nothing is fetched.
std::vector<schema::document> suite_documents(const fs::path& root) {
  std::vector<schema::document> docs;
  fs::path remotes = root / "remotes";
  if (fs::is_directory(remotes))
    for (const auto& e : fs::recursive_directory_iterator(remotes))
      if (e.is_regular_file() && e.path().extension() == ".json")
        docs.push_back({"http://localhost:1234/" + fs::relative(e.path(), remotes).generic_string(),
                        std::make_shared<const json::value>(read_json(e.path()))});
  if (fs::exists(meta_schema_path))
    docs.push_back({"http://json-schema.org/draft-07/schema", std::make_shared<const json::value>(read_json(meta_schema_path))});
  return docs;
}

struct file_tally {
  std::string name;
  std::size_t passed = 0, failed = 0, unsupported = 0;
};

}  // namespace

BOOST_AUTO_TEST_CASE(official_suite_draft7) {
  const fs::path root = suite_root();
  const fs::path dir = root / "tests" / "draft7";
  if (!fs::is_directory(dir)) {
    BOOST_TEST_MESSAGE("SKIPPED: JSON Schema Test Suite not found at " << dir.string()
                                                                       << " (Debian package json-schema-test-suite)");
    return;
  }
  schema::compile_options opts;
  opts.documents = suite_documents(root);

  std::vector<fs::path> required, optional;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    (e.path().parent_path() == dir ? required : optional).push_back(e.path());
  }
  std::sort(required.begin(), required.end());
  std::sort(optional.begin(), optional.end());
  BOOST_TEST_REQUIRE(required.size() >= 30u);  // the package is there: its draft7 files must be too

  std::vector<file_tally> tallies;
  auto run_file = [&](const fs::path& file, bool must_pass) {
    file_tally t{fs::relative(file, dir).generic_string()};
    const json::value doc = read_json(file);
    for (const auto& group : doc.as_array()) {
      const auto& g = group.as_object();
      const std::string gdesc(g.at("description").as_string());
      auto v = schema::compile(g.at("schema"), opts);
      if (!v) {
        for (const auto& test : g.at("tests").as_array()) {
          (void)test;
          ++t.failed;
        }
        if (must_pass)
          BOOST_ERROR(t.name << " / " << gdesc << ": compile failed: " << v.error().schema_location << ": "
                             << v.error().message);
        continue;
      }
      bool needs_remote = std::any_of(v->unsupported().begin(), v->unsupported().end(), [](const auto& u) {
        return u.kind == schema::unsupported_kind::unresolved_ref;
      });
      for (const auto& test : g.at("tests").as_array()) {
        const auto& tc = test.as_object();
        const bool expected = tc.at("valid").as_bool();
        if (needs_remote) {
          ++t.unsupported;
          continue;
        }
        auto r = v->validate(tc.at("data"));
        bool ok = !r.error && r.valid() == expected && v->is_valid(tc.at("data")) == expected;
        ok ? ++t.passed : ++t.failed;
        if (!ok && !must_pass)
          BOOST_TEST_MESSAGE("optional, failed: " << t.name << " / " << gdesc << " / " << tc.at("description").as_string()
                                                  << ": " << json::serialize(tc.at("data")));
        if (must_pass) {
          BOOST_TEST_CONTEXT(t.name << " / " << gdesc << " / " << tc.at("description").as_string()) {
            BOOST_TEST(!r.error.has_value(), (r.error ? r.error->message : ""));
            BOOST_TEST(r.valid() == expected);
            BOOST_TEST(v->is_valid(tc.at("data")) == expected);
          }
        }
      }
    }
    tallies.push_back(t);
  };
  for (const auto& f : required) run_file(f, true);
  const std::size_t n_required = tallies.size();
  for (const auto& f : optional) run_file(f, false);

  auto table = [&](std::size_t from, std::size_t to, const char* title) {
    std::ostringstream os;
    file_tally total{"total"};
    os << title << "\n" << std::left << std::setw(44) << "file" << std::right << std::setw(8) << "passed" << std::setw(8)
       << "failed" << std::setw(13) << "unsupported" << "\n";
    auto row = [&](const file_tally& t) {
      os << std::left << std::setw(44) << t.name << std::right << std::setw(8) << t.passed << std::setw(8) << t.failed
         << std::setw(13) << t.unsupported << "\n";
    };
    for (std::size_t i = from; i < to; ++i) {
      row(tallies[i]);
      total.passed += tallies[i].passed;
      total.failed += tallies[i].failed;
      total.unsupported += tallies[i].unsupported;
    }
    row(total);
    BOOST_TEST_MESSAGE(os.str());
  };
  table(0, n_required, "JSON Schema Test Suite, draft7 (required):");
  table(n_required, tallies.size(), "JSON Schema Test Suite, draft7/optional (reported, not required):");
}

BOOST_AUTO_TEST_SUITE_END()
