// routing::classify: every row of the classification table (issue: retry the same model, move
// to the next, stop), from the error_code and diagnostics an attempt produces.
#include <openrouter/routing/classify.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/wire/error_body.hpp>

#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

using namespace openrouter;
using routing::error_class;
using routing::verdict;

namespace {

// The diagnostics of an API error: status and OpenRouter's error body.
diagnostics api(unsigned status, std::string body = "", std::optional<std::chrono::milliseconds> retry_after = {}) {
  diagnostics d;
  d.http_status = status;
  if (!body.empty()) d.error = wire::parse_error_body(body).error;
  d.retry_after = retry_after;
  return d;
}

routing::classification of(errc e, const diagnostics& d = {}, const routing::classifier_options& o = {}) {
  return routing::classify(make_error_code(e), d, o);
}

void expect(const routing::classification& c, verdict v, error_class cls) {
  BOOST_TEST(routing::to_string(c.action) == routing::to_string(v));
  BOOST_TEST(routing::to_string(c.cls) == routing::to_string(cls));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_classify_test)

BOOST_AUTO_TEST_CASE(transient_statuses_retry_the_same_model) {
  expect(of(errc::request_timeout, api(408)), verdict::retry_same, error_class::timeout);
  expect(of(errc::rate_limited, api(429)), verdict::retry_same, error_class::rate_limited);
  expect(of(errc::server_error, api(500)), verdict::retry_same, error_class::server);
  expect(of(errc::bad_gateway, api(502)), verdict::retry_same, error_class::server);
  expect(of(errc::service_unavailable, api(503)), verdict::retry_same, error_class::overloaded);
  expect(of(errc::gateway_timeout, api(504)), verdict::retry_same, error_class::timeout);
  expect(of(errc::edge_timeout, api(524)), verdict::retry_same, error_class::timeout);
  expect(of(errc::provider_overloaded, api(529)), verdict::retry_same, error_class::overloaded);
  expect(of(errc::provider_error, api(200)), verdict::retry_same, error_class::server);
  expect(of(errc::http_error, api(507)), verdict::retry_same, error_class::server);
  expect(of(errc::http_error, api(418)), verdict::stop, error_class::other);
}

BOOST_AUTO_TEST_CASE(connection_errors_retry_tls_verification_does_not) {
  for (errc e : {errc::resolve_try_again, errc::connect_failed, errc::tls_handshake_failed, errc::connection_reset,
                 errc::connection_closed, errc::pool_timeout, errc::proxy_tunnel_closed})
    expect(of(e), verdict::retry_same, error_class::transport);
  // A name that does not exist stays that way; wrong proxy credentials too.
  expect(of(errc::resolve_failed), verdict::stop, error_class::transport);
  expect(of(errc::proxy_auth_required), verdict::stop, error_class::transport);
  BOOST_TEST(!openrouter::is_retryable(make_error_code(errc::resolve_failed), {}));
  BOOST_TEST(openrouter::is_retryable(make_error_code(errc::resolve_try_again), {}));
  // A proxy that refuses by policy (403) is final; one that could not reach the origin (502) is not.
  openrouter::diagnostics d;
  d.proxy_status = 403;
  BOOST_TEST(!openrouter::is_retryable(make_error_code(errc::proxy_refused), d));
  expect(routing::classify(make_error_code(errc::proxy_refused), d), verdict::stop, error_class::transport);
  d.proxy_status = 502;
  BOOST_TEST(openrouter::is_retryable(make_error_code(errc::proxy_refused), d));
  expect(routing::classify(make_error_code(errc::proxy_refused), d), verdict::retry_same, error_class::transport);
  for (errc e : {errc::connect_timeout, errc::headers_timeout, errc::read_timeout})
    expect(of(e), verdict::retry_same, error_class::timeout);
  expect(of(errc::tls_verify_failed), verdict::stop, error_class::transport);
  // An error from below the library (an Asio code that escaped mapping) is transport.
  expect(routing::classify(boost::asio::error::network_unreachable, {}), verdict::retry_same, error_class::transport);
}

BOOST_AUTO_TEST_CASE(the_callers_cancellation_and_deadline_stop) {
  expect(routing::classify(boost::asio::error::operation_aborted, {}), verdict::stop, error_class::cancelled);
  expect(of(errc::total_timeout), verdict::stop, error_class::deadline);
}

BOOST_AUTO_TEST_CASE(a_400_wrapping_a_transient_code_is_retried) {
  auto rl = api(400, R"({"error":{"code":400,"message":"Provider returned error","metadata":{"error_type":"rate_limit_exceeded","provider_code":"429"}}})");
  expect(of(errc::bad_request, rl), verdict::retry_same, error_class::rate_limited);
  auto over = api(400, R"({"error":{"code":400,"message":"x","metadata":{"provider_code":"overloaded_error"}}})");
  expect(of(errc::bad_request, over), verdict::retry_same, error_class::server);
}

BOOST_AUTO_TEST_CASE(payment_required_only_with_retry_after) {
  expect(of(errc::payment_required, api(402, R"({"error":{"code":402,"message":"Insufficient credits"}})")),
         verdict::stop, error_class::billing);
  auto budget = api(402, R"({"error":{"code":402,"message":"in-flight budget","metadata":{"limit_source":"openrouter_in_flight_budget"}}})",
                    std::chrono::milliseconds(3000));
  auto c = of(errc::payment_required, budget);
  expect(c, verdict::retry_same, error_class::billing);
  BOOST_REQUIRE(c.retry_after.has_value());
  BOOST_TEST(c.retry_after->count() == 3000);
}

BOOST_AUTO_TEST_CASE(model_specific_failures_move_to_the_next_model) {
  expect(of(errc::bad_request, api(400, R"({"error":{"code":400,"message":"too long","metadata":{"error_type":"context_length_exceeded"}}})")),
         verdict::next_model, error_class::context_length);
  expect(of(errc::bad_request, api(400, R"({"error":{"code":400,"message":"bad image","metadata":{"error_type":"unsupported_image_format"}}})")),
         verdict::next_model, error_class::content);
  expect(of(errc::bad_request, api(400, R"({"error":{"code":400,"message":"Invalid model specified","metadata":{"error_type":"invalid_request"}}})")),
         verdict::next_model, error_class::invalid_model);
  expect(of(errc::moderation_flagged, api(403, R"({"error":{"code":403,"message":"flagged","metadata":{"reasons":["harassment"],"flagged_input":"x","provider_name":"OpenAI","model_slug":"m"}}})")),
         verdict::next_model, error_class::moderation);
  expect(of(errc::not_found, api(404, R"({"error":{"code":404,"message":"No endpoints found"}})")), verdict::next_model,
         error_class::unavailable);
}

BOOST_AUTO_TEST_CASE(availability_retryable_decides) {
  auto capacity = api(429, R"({"error":{"message":"capacity","error_type":"rate_limit_exceeded","http_status":429,
      "availability":{"code":"capacity_exhausted","retryable":true,"retry_after":40,"requested_models":["a/b"],"docs_url":"u"}}})",
                      std::chrono::milliseconds(40000));
  auto c = of(errc::rate_limited, capacity);
  expect(c, verdict::retry_same, error_class::rate_limited);
  BOOST_TEST(c.retry_after.value_or(std::chrono::milliseconds(0)).count() == 40000);
  auto gone = api(404, R"({"error":{"message":"deprecated","http_status":404,
      "availability":{"code":"model_deprecated","retryable":false,"requested_models":["a/b"],"docs_url":"u"}}})");
  expect(of(errc::not_found, gone), verdict::next_model, error_class::invalid_model);
  // A 503 that says no endpoint can take it (not retryable): another model.
  auto filtered = api(503, R"({"error":{"message":"no provider","http_status":503,
      "availability":{"code":"constraint_filtered","retryable":false,"requested_models":["a/b"],"docs_url":"u"}}})");
  expect(of(errc::service_unavailable, filtered), verdict::next_model, error_class::unavailable);
  // A 404 code marked retryable this time: switch on `retryable`.
  auto flaky = api(404, R"({"error":{"message":"x","http_status":404,
      "availability":{"code":"no_endpoints","retryable":true,"requested_models":["a/b"],"docs_url":"u"}}})");
  expect(of(errc::not_found, flaky), verdict::retry_same, error_class::overloaded);
  auto wrong = api(400, R"({"error":{"message":"x","http_status":400,
      "availability":{"code":"wrong_endpoint","retryable":false,"requested_models":["a/b"],"docs_url":"u"}}})");
  expect(of(errc::bad_request, wrong), verdict::stop, error_class::bad_request);
}

BOOST_AUTO_TEST_CASE(the_callers_faults_stop) {
  expect(of(errc::unauthorized, api(401)), verdict::stop, error_class::auth);
  expect(of(errc::forbidden, api(403, R"({"error":{"code":403,"message":"Only management keys"}})")), verdict::stop,
         error_class::auth);
  expect(of(errc::bad_request, api(400, R"({"error":{"code":400,"message":"messages is required","metadata":{"error_type":"invalid_request"}}})")),
         verdict::stop, error_class::bad_request);
  for (errc e : {errc::precondition_failed, errc::payload_too_large, errc::unprocessable, errc::invalid_argument})
    expect(of(e), verdict::stop, error_class::bad_request);
}

BOOST_AUTO_TEST_CASE(streams_that_failed_are_transient) {
  expect(of(errc::stream_error), verdict::retry_same, error_class::stream);
  expect(of(errc::stream_incomplete), verdict::retry_same, error_class::stream);
  expect(of(errc::bad_sse), verdict::retry_same, error_class::server);
}

BOOST_AUTO_TEST_CASE(overrides_replace_the_verdict) {
  routing::classifier_options o;
  o.overrides = {{errc::not_found, verdict::stop}, {errc::rate_limited, verdict::next_model}};
  expect(of(errc::not_found, api(404), o), verdict::stop, error_class::unavailable);
  expect(of(errc::rate_limited, api(429), o), verdict::next_model, error_class::rate_limited);
  expect(of(errc::server_error, api(500), o), verdict::retry_same, error_class::server);  // untouched
}


// One answer to "is this worth retrying": the router's classifier (retry the same model) and
// is_retryable agree on every error code, with and without OpenRouter's quirks in diagnostics.
BOOST_AUTO_TEST_CASE(classify_and_is_retryable_agree_on_every_code) {
  std::vector<diagnostics> cases(4);
  cases[1].retry_after = std::chrono::milliseconds(1000);  // 402 with Retry-After
  cases[2].http_status = 503;                               // http_error >= 500
  cases[3] = api(400, R"({"error":{"code":400,"message":"x","metadata":{"provider_code":"429"}}})");
  std::size_t seen = 0;
  for (int v = 1; v < 256; ++v) {
    auto e = static_cast<errc>(v);
    if (name(e).empty() || name(e) == "unknown") continue;
    ++seen;
    for (const auto& d : cases) {
      const auto ec = make_error_code(e);
      const bool retry = routing::classify(ec, d).action == verdict::retry_same;
      BOOST_TEST(retry == is_retryable(ec, d), name(e) << " (status " << d.http_status << ")");
    }
  }
  BOOST_TEST(seen >= 40u);  // every enumerator (42 today)
}

BOOST_AUTO_TEST_SUITE_END()

// One table behind every errc (src/lib/error_table.hpp): each enumerator has its own name and
// message, a policy file can name it in "overrides", and the retry flag and the router's
// verdict never disagree (retryable exactly when the verdict is retry_same).
BOOST_AUTO_TEST_CASE(every_errc_has_a_name_a_message_and_one_retry_answer) {
  std::set<std::string> names;
  int count = 0;
  for (int i = static_cast<int>(errc::resolve_failed);; ++i) {
    const auto e = static_cast<errc>(i);
    const std::string n(openrouter::name(e));
    if (n == "unknown") break;
    ++count;
    BOOST_TEST(names.insert(n).second, n << " twice");
    const auto ec = make_error_code(e);
    BOOST_TEST(ec.message().find("unknown") == std::string::npos, n);
    const diagnostics none;
    const auto c = routing::classify(ec, none);
    BOOST_TEST((is_retryable(ec, none) == (c.action == verdict::retry_same)), n);
    boost::system::error_code pec;
    std::string what;
    auto p = routing::policy_from_json(
        boost::json::parse(R"({"overrides":{")" + n + R"(":"next_model"}})"), pec, what);
    BOOST_TEST_REQUIRE(!pec, n << ": " << what);
    BOOST_TEST_REQUIRE(p.classifier.overrides.size() == 1u);
    BOOST_TEST((p.classifier.overrides[0].first == e), n);
  }
  BOOST_TEST(count == static_cast<int>(errc::stream_refused));
  BOOST_TEST(make_error_code(static_cast<errc>(count + 1)).message() == "unknown openrouter error");
}
