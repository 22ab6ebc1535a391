// Shared wire conventions: decode_error and its category, same_json, number encoding, and the
// extras/null rules every type follows (exercised through small types).
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/percentiles.hpp>
#include <openrouter/wire/usage.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <limits>

namespace json = boost::json;
using namespace openrouter::wire;

BOOST_AUTO_TEST_SUITE(wire_json_test)

BOOST_AUTO_TEST_CASE(decode_errors_are_error_codes) {
  const boost::system::error_code ec = decode_errc::expected_string;  // implicit: is_error_code_enum
  BOOST_TEST(ec.category().name() == std::string("openrouter.wire.decode"));
  BOOST_TEST(ec.message() == "expected a JSON string");
  BOOST_TEST(make_error_code(decode_errc::invalid_json).message() == "invalid JSON");

  decode_error err{ec, "choices[0].message.content"};
  BOOST_TEST(static_cast<bool>(err));
  BOOST_TEST(err.message() == "expected a JSON string at choices[0].message.content");
  BOOST_TEST(!decode_error{});
}

BOOST_AUTO_TEST_CASE(same_json_compares_numbers_by_value) {
  BOOST_TEST(same_json(json::parse("1"), json::parse("1.0")));
  BOOST_TEST(same_json(json::parse("[1, 2.5]"), json::parse("[1.0, 2.5]")));
  BOOST_TEST(same_json(json::parse(R"({"a":1,"b":[true,null]})"), json::parse(R"({"b":[true,null],"a":1})")));
  BOOST_TEST(!same_json(json::parse("1"), json::parse("1.5")));
  BOOST_TEST(!same_json(json::parse("1"), json::parse(R"("1")")));
  BOOST_TEST(!same_json(json::parse(R"({"a":1})"), json::parse(R"({"a":1,"b":2})")));
  BOOST_TEST(!same_json(json::parse(R"({"a":1})"), json::parse(R"({"b":1})")));
  BOOST_TEST(!same_json(json::parse("[1,2]"), json::parse("[2,1]")));
  BOOST_TEST(same_json(json::value(std::uint64_t{7}), json::value(std::int64_t{7})));
}

BOOST_AUTO_TEST_CASE(same_json_is_exact_bounded_and_the_one_equality) {
  // 2^53 + 1 has no double: comparing through double would call these equal.
  BOOST_TEST(!same_json(json::value(std::int64_t{9007199254740993}), json::value(9007199254740992.0)));
  BOOST_TEST(same_json(json::value(std::int64_t{9007199254740992}), json::value(9007199254740992.0)));
  BOOST_TEST(!same_json(json::value(std::uint64_t{18446744073709551615u}), json::value(18446744073709551616.0)));
  BOOST_TEST(!same_json(json::value(std::int64_t{-1}), json::value(std::uint64_t{18446744073709551615u})));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(!same_json(json::value(nan), json::value(nan)));
  BOOST_TEST(!same_json(json::value(std::int64_t{0}), json::value(nan)));
  BOOST_TEST(compare_numbers(json::value(std::int64_t{-3}), json::value(2.5)) < 0);
  BOOST_TEST(compare_numbers(json::value(std::uint64_t{3}), json::value(2.5)) > 0);
  // Bounded: a nesting deeper than the bound is reported, not walked.
  const json::value deep = json::parse("[[[[1]]]]");
  bool too_deep = false;
  BOOST_TEST(same_json(deep, deep, 5, too_deep));
  BOOST_TEST(!too_deep);
  BOOST_TEST(!same_json(deep, deep, 4, too_deep));
  BOOST_TEST(too_deep);
}

BOOST_AUTO_TEST_CASE(doubles_are_written_as_integers_when_integral) {
  const percentiles p{.p50 = 3.0, .p75 = 0.25, .p90 = -2.0, .p99 = std::numeric_limits<double>::quiet_NaN()};
  const json::value v = json::value_from(p);
  BOOST_TEST(v.at("p50").is_int64());
  BOOST_TEST(v.at("p50").as_int64() == 3);
  BOOST_TEST(v.at("p75").as_double() == 0.25);
  BOOST_TEST(v.at("p90").as_int64() == -2);
  BOOST_TEST(v.at("p99").is_null());  // JSON has no NaN
  BOOST_TEST(serialize(percentiles{.p50 = 1e300}).find("E300") != std::string::npos);  // beyond 2^53: stays a double
}

BOOST_AUTO_TEST_CASE(integers_accept_int_uint_and_integral_doubles) {
  chat_usage u;
  decode_error err;
  parse(R"({"prompt_tokens": 5.0, "completion_tokens": 9223372036854775807, "total_tokens": -1})", u, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(u.prompt_tokens == 5);
  BOOST_TEST(u.completion_tokens == std::numeric_limits<std::int64_t>::max());
  BOOST_TEST(u.total_tokens == -1);

  parse(R"({"prompt_tokens": 9223372036854775808})", u, err);  // uint64, too big for int64
  BOOST_TEST(err.code == make_error_code(decode_errc::out_of_range));
  parse(R"({"prompt_tokens": 1e30})", u, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::out_of_range));
  parse(R"({"prompt_tokens": 0.5})", u, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::expected_integer));
}

BOOST_AUTO_TEST_CASE(unset_members_are_omitted_and_nulls_round_trip) {
  BOOST_TEST(serialize(percentiles{}) == "{}");
  BOOST_TEST(serialize(percentiles{.p90 = 3}) == R"({"p90":3})");

  percentiles p;
  decode_error err;
  parse(R"({"p50": null, "p75": 1, "p_new": "x"})", p, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(!p.p50.has_value());
  BOOST_TEST(p.extra.at("p50").is_null());
  BOOST_TEST(p.extra.at("p_new").as_string() == "x");
  BOOST_TEST(same_json(json::value_from(p), json::parse(R"({"p50": null, "p75": 1, "p_new": "x"})")));

  // once the caller sets the member, the typed value wins over the remembered null
  p.p50 = 2;
  BOOST_TEST(json::value_from(p).at("p50") == 2);
}

BOOST_AUTO_TEST_CASE(json_keys_list_the_modeled_keys) {
  const auto keys = json_keys(std::type_identity<percentiles>{});
  BOOST_TEST_REQUIRE(keys.size() == 4u);
  BOOST_TEST(keys[0] == "p50");
  BOOST_TEST(keys[3] == "p99");
  BOOST_TEST(json_keys(std::type_identity<chat_usage>{}).size() == 10u);
}

BOOST_AUTO_TEST_SUITE_END()
