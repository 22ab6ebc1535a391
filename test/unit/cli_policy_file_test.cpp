// `openrouter policy --example`: the printed example loads, sets every value to the loader's
// default, and names every key the loader reads (checked against src/lib/routing/policy.cpp, so
// the two cannot drift apart); policy files may carry comments.
#include "common/policy_file.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <boost/test/unit_test.hpp>

using namespace openrouter;
namespace json = boost::json;
namespace pf = openrouter::cli::policy_file;

namespace {

// Every key path of `v` ("backoff.initial_ms"), objects walked, overrides' children excluded.
void keys_of(const json::object& o, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& kv : o) {
    std::string path = prefix + std::string(kv.key());
    out.insert(path);
    if (kv.value().is_object() && kv.key() != "overrides") keys_of(kv.value().get_object(), path + ".", out);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_policy_file_test)

BOOST_AUTO_TEST_CASE(the_example_loads_and_holds_the_defaults) {
  std::string what;
  routing::policy p = pf::load(pf::example(), what);
  BOOST_TEST_REQUIRE(what.empty(), what);
  routing::policy d;
  BOOST_TEST(p.models.size() == 2u);
  BOOST_TEST(p.classifier.overrides.size() == 2u);
  BOOST_TEST(p.server_side_fallback == d.server_side_fallback);
  BOOST_TEST(p.max_attempts == d.max_attempts);
  BOOST_TEST(p.max_attempts_per_model == d.max_attempts_per_model);
  BOOST_TEST(p.deadline.count() == d.deadline.count());
  BOOST_TEST(p.attempt_timeout.count() == d.attempt_timeout.count());
  BOOST_TEST(p.max_cost_usd == d.max_cost_usd);
  BOOST_TEST(p.max_request_cost_usd == d.max_request_cost_usd);
  BOOST_TEST(p.filter_by_catalog == d.filter_by_catalog);
  BOOST_TEST(p.catalog_max_age.count() == d.catalog_max_age.count());
  BOOST_TEST(p.require_parameters == d.require_parameters);
  BOOST_TEST(p.backoff.initial.count() == d.backoff.initial.count());
  BOOST_TEST(p.backoff.multiplier == d.backoff.multiplier);
  BOOST_TEST(p.backoff.max.count() == d.backoff.max.count());
  BOOST_TEST((p.backoff.jitter == d.backoff.jitter));
  BOOST_TEST(p.backoff.retry_after_cap.count() == d.backoff.retry_after_cap.count());
  BOOST_TEST(p.backoff.fallback_over.count() == d.backoff.fallback_over.count());
  BOOST_TEST(p.use_breakers == d.use_breakers);
  BOOST_TEST(p.breaker.window.count() == d.breaker.window.count());
  BOOST_TEST(p.breaker.min_requests == d.breaker.min_requests);
  BOOST_TEST(p.breaker.failure_ratio == d.breaker.failure_ratio);
  BOOST_TEST(p.breaker.open_for.count() == d.breaker.open_for.count());
  BOOST_TEST(p.breaker.max_open_for.count() == d.breaker.max_open_for.count());
  BOOST_TEST(p.breaker.half_open_probes == d.breaker.half_open_probes);
  BOOST_TEST(p.use_retry_budget == d.use_retry_budget);
  BOOST_TEST(p.retry_budget.ratio == d.retry_budget.ratio);
  BOOST_TEST(p.retry_budget.window.count() == d.retry_budget.window.count());
  BOOST_TEST(p.retry_budget.min_retries == d.retry_budget.min_retries);
  BOOST_TEST(p.limits.max_in_flight == d.limits.max_in_flight);
  BOOST_TEST(p.limits.max_in_flight_per_model == d.limits.max_in_flight_per_model);
  BOOST_TEST(p.limits.requests_per_minute == d.limits.requests_per_minute);
  BOOST_TEST(p.limits.burst == d.limits.burst);
  BOOST_TEST(p.limits.adaptive == d.limits.adaptive);
  BOOST_TEST(p.limits.poll.count() == d.limits.poll.count());
  BOOST_TEST(p.hedge.enabled == d.hedge.enabled);
  BOOST_TEST(p.hedge.delay.count() == d.hedge.delay.count());
  BOOST_TEST(p.hedge.quantile == d.hedge.quantile);
  BOOST_TEST(p.hedge.min_samples == d.hedge.min_samples);
  BOOST_TEST(p.hedge.min_delay.count() == d.hedge.min_delay.count());
  BOOST_TEST(p.hedge.max_delay.count() == d.hedge.max_delay.count());
  BOOST_TEST(p.hedge.max_hedges == d.hedge.max_hedges);
}

// Both directions: every key of the example is read by the loader (a wrong type there is an
// error naming it), and every key the loader compares against is in the example.
BOOST_AUTO_TEST_CASE(the_example_names_every_key_the_loader_reads) {
  boost::system::error_code ec;
  json::value ex = pf::parse(pf::example(), ec);
  BOOST_TEST_REQUIRE(!ec);
  std::set<std::string> in_example;
  keys_of(ex.as_object(), "", in_example);
  for (const auto& path : in_example) {
    BOOST_TEST_CONTEXT(path) {
      json::value bad = ex;
      json::object* o = &bad.as_object();
      std::string rest = path;
      for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
        o = &o->at(rest.substr(0, dot)).as_object();
        rest = rest.substr(dot + 1);
      }
      // A value of the wrong type for every key: objects and arrays get a string, the rest an object.
      (*o)[rest] = (*o)[rest].is_structured() ? json::value("x") : json::value(json::object{{"x", 1}});
      std::string what;
      routing::policy_from_json(bad, ec, what);
      BOOST_TEST(ec.failed());
      BOOST_TEST(what.find("$." + path) != std::string::npos, what);
      BOOST_TEST(what.find("unknown key") == std::string::npos, what);
    }
  }
  // The loader's keys: the names it compares keys against in src/lib/routing/policy.cpp.
  std::ifstream src(std::string(OPENROUTER_SOURCE_DIR) + "/src/lib/routing/policy.cpp");
  BOOST_TEST_REQUIRE(src.good());
  std::stringstream ss;
  ss << src.rdbuf();
  const std::string text = ss.str();
  std::set<std::string> leaves_in_example;
  for (const auto& path : in_example) leaves_in_example.insert(path.substr(path.rfind('.') + 1));
  const std::regex compare(R"re(\b[a-z]?k == "([a-z_]+)")re");
  std::size_t n = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), compare); it != std::sregex_iterator(); ++it, ++n)
    BOOST_TEST(leaves_in_example.count((*it)[1].str()) == 1u, "the loader reads \"" << (*it)[1].str() << "\", the example lacks it");
  BOOST_TEST(n >= 40u);  // the scan found the loader's comparisons
}

BOOST_AUTO_TEST_CASE(policy_files_may_carry_comments_and_bad_ones_say_why) {
  std::string what;
  auto p = pf::load("// c\n{\"models\": [\"a/b\"], /* d */ \"max_attempts\": 2,}\n", what);
  BOOST_TEST(what.empty(), what);
  BOOST_TEST(p.max_attempts == 2u);
  pf::load("{\"backoff\": {\"initial\": 5}}", what);
  BOOST_TEST(what.find("$.backoff.initial: unknown key") != std::string::npos, what);
  pf::load("{", what);
  BOOST_TEST(what.find("not JSON") != std::string::npos, what);
  pf::load("{\"max_attempts\": 0}", what);
  BOOST_TEST(what.find("at least 1") != std::string::npos, what);
}

BOOST_AUTO_TEST_SUITE_END()
