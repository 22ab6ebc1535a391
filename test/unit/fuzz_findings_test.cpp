// Regression tests of what the fuzz targets (test/fuzz/) found, each next to the finding's input
// in test/fuzz/corpus/<target>/finding-*: batch ids that two lines shared, and numbers in mock
// scenarios that were cast without a range check. (gzip's findings are in http_gzip_test.)
#include "../../src/mock/scenario.hpp"
#include "batch/jsonl.hpp"
#include "http/origin.hpp"

#include <openrouter/error.hpp>

#include <openrouter/wire/all.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace batch = openrouter::cli::batch;
namespace mock = openrouter::mock;

BOOST_AUTO_TEST_SUITE(fuzz_findings_test)

// jsonl_fuzz: line 3 repeats id "3"; its error line goes under its line number "3" (taken), then
// "line-3", which line 2 had named explicitly: two output lines with one id, so resume and the
// caller cannot tell them apart.
BOOST_AUTO_TEST_CASE(batch_error_ids_never_collide_with_explicit_ids) {
  const std::vector<std::vector<std::string>> files = {
      {R"({"id":"3"})", R"({"id":"line-3"})", R"({"id":"3"})"},
      {R"({"id":"4"})", R"({"id":"line-4"})", R"({"id":"line-line-4"})", R"({"id":"4"})"},
      {R"({"id":"2"})", R"({"model":"m"})", R"({"id":"line-2"})", R"({"id":"2"})"},
  };
  for (const auto& lines : files) {
    batch::input_planner p({}, nullptr);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const batch::input_item it = p.next(lines[i], i + 1);
      BOOST_TEST(!it.id.empty());
      BOOST_TEST(ids.insert(it.id).second, "line " << i + 1 << " reuses the id \"" << it.id << "\"");
    }
  }
}

mock::scenario parse(const char* text) { return mock::scenario::parse(boost::json::parse(text)); }

// scenario_fuzz (UBSan): a negative or fractional seed was cast to uint64 (undefined; -1 became
// 18446744073709551615 with GCC), and integers were range-checked only after a cast to long long
// that is undefined for 1e300 or -1e300.
BOOST_AUTO_TEST_CASE(scenario_numbers_out_of_range_are_refused) {
  for (const char* text : {R"({"seed":-1})", R"({"seed":1.5})", R"({"seed":1e300})", R"({"seed":18446744073709551616})",
                           R"({"generation_delay_ms":1e300})", R"({"generation_delay_ms":-1e300})",
                           R"({"defaults":{"tokens":1e19}})", R"({"connection":{"close_after_requests":2.5}})"})
    BOOST_CHECK_THROW(parse(text), std::invalid_argument);
  BOOST_TEST(*parse(R"({"seed":18446744073709551615})").seed == 18446744073709551615ull);
  BOOST_TEST(*parse(R"({"seed":7})").seed == 7u);
  BOOST_CHECK_THROW(parse(R"({"generation_delay_ms":3600001})"), std::invalid_argument);  // limits::max_delay_s
  BOOST_TEST(*parse(R"({"generation_delay_ms":3600000})").generation_delay_ms == 3600000);
}

// scenario_fuzz (UBSan): a rate-limit window too long for a `long` made Retry-After the cast of
// an out-of-range double (undefined; a negative Retry-After with GCC).
// scenario_fuzz: Boost.JSON reads 1e400 as infinity and 0e300300 as NaN; a NaN window_s passed
// the "window_s > 0" check (every comparison with NaN is false), and made Retry-After NaN.
BOOST_AUTO_TEST_CASE(scenario_numbers_must_be_finite) {
  for (const char* name : {"fault/rate_limit;requests=1;window_s=0e300300", "fault/stall;seconds=1e400",
                           "fault/503;retry_after=1e999", "fault/503;rate=0e999"}) {
    std::string error;
    BOOST_TEST(!mock::parse_fault_model(name, error).has_value(), name);
    BOOST_TEST(!error.empty(), name);
  }
  BOOST_CHECK_THROW(parse(R"({"defaults":{"faults":[{"kind":"stall","seconds":1e400}]}})"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_long_rate_limit_window_gives_a_positive_retry_after) {
  const mock::scenario s =
      parse(R"({"models":{"m":{"faults":[{"kind":"rate_limit","requests":0,"window_s":3600}]}}})");
  BOOST_CHECK_THROW(parse(R"({"models":{"m":{"faults":[{"kind":"rate_limit","requests":0,"window_s":1e300}]}}})"),
                    std::invalid_argument);
  mock::fault_engine engine(1, 4096);
  const auto hit = engine.draw(s.rules_for("m"), false, std::chrono::steady_clock::time_point{});
  BOOST_TEST_REQUIRE(hit.has_value());
  BOOST_TEST_REQUIRE(hit->retry_after.has_value());
  BOOST_TEST(*hit->retry_after >= 1.0);
  BOOST_TEST(std::isfinite(*hit->retry_after));
}

// wire_body_fuzz: Boost.JSON reads 1e300225 as infinity; the decoders kept it (in `extra`, or
// in a double member) and serialize() wrote `Infinity`, which is not JSON: a result line or a
// re-sent document that nothing can read back.
BOOST_AUTO_TEST_CASE(numbers_beyond_double_are_invalid_json) {
  namespace wire = openrouter::wire;
  for (const char* text : {R"({"data":{"totauser_agentl_credits":1e300225}})", R"({"data":{"total_credits":1e400}})",
                           R"({"data":{"total_credits":-1e400}})", R"({"data":{"x":[{"y":[1,2e999]}]}})"}) {
    wire::credits c;
    wire::decode_error err;
    wire::parse_data(text, c, err);
    BOOST_TEST((err.code == wire::decode_errc::invalid_json), text << ": " << (err ? err.message() : wire::serialize(c)));
  }
  wire::chat_response r;
  wire::decode_error err;
  wire::parse(R"({"id":"g","choices":[],"usage":{"prompt_tokens":1,"cost":1e309}})", r, err);
  BOOST_TEST((err.code == wire::decode_errc::invalid_json));
  wire::chat_chunk chunk;
  boost::system::error_code ec;
  wire::parse_chat_chunk(R"({"id":"g","choices":[{"index":0,"delta":{"content":"x"}}],"x":1e400})", chunk, ec);
  BOOST_TEST((ec == wire::decode_errc::invalid_json));
  // the largest finite doubles still decode
  wire::credits c;
  wire::parse_data(R"({"data":{"total_credits":1.7976931348623157e308,"x":-4.9e-324}})", c, err);
  BOOST_TEST(!err);
  BOOST_TEST(wire::all_finite(boost::json::parse(R"([1,{"a":1e308}])")));
  BOOST_TEST(!wire::all_finite(boost::json::parse(R"([1,{"a":1e309}])")));
}

// origin_fuzz: Boost.URL reads "https://[::1]:8:03" with port 8 and the path ":03"; the base
// path then began without '/', and every request line would have carried ":03/chat/completions".
BOOST_AUTO_TEST_CASE(a_base_url_whose_path_does_not_start_with_a_slash_is_refused) {
  for (const char* url : {"https://[::1]:8:03", "http://[::1]:80:x/api"}) {
    boost::system::error_code ec;
    const auto o = openrouter::detail::parse_origin(url, ec);
    BOOST_TEST((ec == openrouter::errc::invalid_argument), url << " gave the base path \"" << o.base_path << "\"");
  }
  boost::system::error_code ec;
  const auto o = openrouter::detail::parse_origin("https://[::1]:8443/api/v1/", ec);
  BOOST_TEST(!ec);
  BOOST_TEST(o.base_path == "/api/v1");
  BOOST_TEST(o.port == 8443);
}

BOOST_AUTO_TEST_SUITE_END()
