// error_body / api_error: the §5.6 and §4.6 examples, code int vs string vs absent (http_status),
// error_type from either place, availability, moderation, and lenient parsing of junk bodies.
#include <openrouter/wire/error_body.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string_view>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

constexpr std::string_view invalid_model =
    R"json({"error":{"code":400,"message":"Invalid model specified","metadata":{"error_type":"invalid_request"}}})json";
constexpr std::string_view missing_auth = R"json({"error":{"code":401,"message":"Missing Authentication header"}})json";
constexpr std::string_view insufficient_credits =
    R"json({"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.example/credits"}})json";
constexpr std::string_view moderation = R"json({"error":{"code":403,"message":"anthropic/claude-3-opus requires moderation on OpenAI. Your input was flagged for \"harassment\".",
  "metadata":{"reasons":["harassment"],"flagged_input":"You are such a useless ... pathetic excuse","provider_name":"OpenAI","model_slug":"anthropic/claude-3-opus"}}})json";
constexpr std::string_view guardrail =
    R"json({"error":{"code":403,"message":"Request blocked: prompt injection patterns detected","metadata":{"patterns":["ignore all previous instructions"]}}})json";
constexpr std::string_view timeout = R"json({"error":{"code":408,"message":"Operation timed out. Please try again later."}})json";
constexpr std::string_view rate_limited =
    R"json({"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min","metadata":{"error_type":"rate_limit_exceeded"}}})json";
constexpr std::string_view provider_error =
    R"json({"error":{"code":502,"message":"Provider returned error","metadata":{"error_type":"provider_unavailable","provider_code":"overloaded_error","provider_name":"Anthropic","raw":{"type":"overloaded_error","message":"Overloaded"}}}})json";
constexpr std::string_view no_endpoints =
    R"json({"error":{"code":503,"message":"No endpoints found matching your data policy and provider preferences","metadata":{"error_type":"provider_overloaded"}}})json";
constexpr std::string_view capacity = R"json({"error":{"message":"All providers for anthropic/claude-sonnet-4.5 are at capacity. Retry after 40 seconds.",
  "error_type":"rate_limit_exceeded","http_status":429,
  "availability":{"code":"capacity_exhausted","retryable":true,"retry_after":40,
    "requested_models":["anthropic/claude-sonnet-4.5"],"affected_providers":["anthropic","amazon-bedrock","google-vertex"],
    "fallback_models":["anthropic/claude-haiku-4.5"],"docs_url":"https://openrouter.example/docs/errors#capacity_exhausted"},
  "metadata":{"previous_errors":[{"provider":"anthropic","code":"capacity_exhausted","status":429},{"provider":"amazon-bedrock","code":"capacity_exhausted","status":429}]}}})json";

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_error_body_test)

BOOST_AUTO_TEST_CASE(examples_round_trip) {
  for (std::string_view text : {invalid_model, missing_auth, insufficient_credits, moderation, guardrail, timeout,
                                rate_limited, provider_error, no_endpoints, capacity}) {
    error_body strict;
    decode_error err;
    parse(text, strict, err);
    BOOST_TEST(!err, err.message());
    BOOST_TEST(same_json(json::value_from(strict), json::parse(text)), serialize(strict));
    const error_body lenient = parse_error_body(text);
    BOOST_TEST(same_json(json::value_from(lenient), json::parse(text)));
  }
}

BOOST_AUTO_TEST_CASE(status_type_and_message) {
  struct expectation {
    std::string_view body;
    std::int64_t status;
    std::string_view type;
  };
  for (const expectation& e : {expectation{invalid_model, 400, "invalid_request"}, expectation{missing_auth, 401, ""},
                               expectation{insufficient_credits, 402, ""}, expectation{timeout, 408, ""},
                               expectation{rate_limited, 429, "rate_limit_exceeded"},
                               expectation{provider_error, 502, "provider_unavailable"},
                               expectation{no_endpoints, 503, "provider_overloaded"},
                               expectation{capacity, 429, "rate_limit_exceeded"}}) {
    const api_error err = parse_error_body(e.body).error;
    BOOST_TEST(err.status().value() == e.status);
    BOOST_TEST(err.type() == e.type);
    BOOST_TEST(!err.message.empty());
  }
  BOOST_TEST(parse_error_body(missing_auth).error.message == "Missing Authentication header");
}

BOOST_AUTO_TEST_CASE(code_is_optional_and_falls_back_to_http_status) {
  const api_error e = parse_error_body(capacity).error;
  BOOST_TEST(!e.code.has_value());
  BOOST_TEST(e.http_status.value() == 429);
  BOOST_TEST(e.error_type.value() == "rate_limit_exceeded");  // on the error object itself

  // neither: the caller falls back to the status line
  BOOST_TEST(!parse_error_body(R"({"error":{"message":"x"}})").error.status().has_value());
  BOOST_TEST(parse_error_body(R"({"error":{"message":"x"}})").error.status().value_or(503) == 503);

  // a string code made of digits still gives a status; other strings do not
  const api_error quoted = parse_error_body(R"({"error":{"code":"429","message":"x"}})").error;
  BOOST_TEST(quoted.status().value() == 429);
  BOOST_TEST(quoted.code_text() == "429");
  const api_error named = parse_error_body(R"({"error":{"code":"server_error","message":"x","http_status":500}})").error;
  BOOST_TEST(named.code_text() == "server_error");
  BOOST_TEST(named.status().value() == 500);
}

BOOST_AUTO_TEST_CASE(availability) {
  const availability_info a = parse_error_body(capacity).error.availability.value();
  BOOST_TEST(a.code == "capacity_exhausted");
  BOOST_TEST(a.retryable.value());
  BOOST_TEST(a.retry_after.value() == 40.0);
  BOOST_TEST((a.requested_models == std::vector<std::string>{"anthropic/claude-sonnet-4.5"}));
  BOOST_TEST(a.affected_providers.size() == 3u);
  BOOST_TEST(a.excluded_by.empty());
  BOOST_TEST((a.fallback_models == std::vector<std::string>{"anthropic/claude-haiku-4.5"}));
  BOOST_TEST(!a.constraint.has_value());
  BOOST_TEST(a.docs_url.value() == "https://openrouter.example/docs/errors#capacity_exhausted");

  const api_error filtered = parse_error_body(R"json({"error":{"code":404,"message":"No endpoints",
    "availability":{"code":"constraint_filtered","retryable":false,"retry_after":null,"requested_models":["m"],
    "excluded_by":["max_price","quantization"],"constraint":{"field":"provider.max_price","detail":"too low"},
    "docs_url":"u"}}})json").error;
  const availability_info& f = filtered.availability.value();
  BOOST_TEST(!f.retryable.value());
  BOOST_TEST(!f.retry_after.has_value());
  BOOST_TEST(f.excluded_by.size() == 2u);
  BOOST_TEST(f.constraint.value().field == "provider.max_price");
  BOOST_TEST(f.constraint->detail == "too low");
}

BOOST_AUTO_TEST_CASE(moderation_and_provider_metadata) {
  const api_error m = parse_error_body(moderation).error;
  BOOST_TEST(m.status().value() == 403);
  const moderation_info info = m.moderation().value();
  BOOST_TEST((info.reasons == std::vector<std::string>{"harassment"}));
  BOOST_TEST(info.flagged_input.value() == "You are such a useless ... pathetic excuse");
  BOOST_TEST(info.provider_name.value() == "OpenAI");
  BOOST_TEST(info.model_slug.value() == "anthropic/claude-3-opus");
  BOOST_TEST(m.provider_name() == "OpenAI");

  BOOST_TEST(!parse_error_body(guardrail).error.moderation().has_value());
  BOOST_TEST(parse_error_body(guardrail).error.metadata.at("patterns").as_array().size() == 1u);

  const api_error p = parse_error_body(provider_error).error;
  BOOST_TEST(p.provider_code() == "overloaded_error");
  BOOST_TEST(p.provider_name() == "Anthropic");
  BOOST_TEST(p.metadata.at("raw").at("message").as_string() == "Overloaded");
  BOOST_TEST(!p.moderation().has_value());

  const error_body previous = parse_error_body(capacity);
  BOOST_TEST(previous.error.metadata.at("previous_errors").as_array().size() == 2u);
  BOOST_TEST(previous.error.provider_code() == "");
}

BOOST_AUTO_TEST_CASE(top_level_members) {
  const error_body b = parse_error_body(R"json({"error":{"code":500,"message":"Internal Server Error"},
    "openrouter_metadata":{"pipeline":[]},"user_id":"user_1","later":true})json");
  BOOST_TEST(b.error.status().value() == 500);
  BOOST_TEST(b.openrouter_metadata.at("pipeline").is_array());
  BOOST_TEST(b.user_id.value() == "user_1");
  BOOST_TEST(b.extra.at("later") == true);
}

BOOST_AUTO_TEST_CASE(junk_bodies_give_an_empty_error_body) {
  for (std::string_view body : {"", "<html>502 Bad Gateway</html>", "null", "[1,2]", "42", R"({"error":7})",
                                R"({"message":"not enveloped"})", R"({"error":)"}) {
    const error_body b = parse_error_body(body);
    BOOST_TEST(!b.error.code.has_value(), body);
    BOOST_TEST(b.error.message.empty(), body);
    BOOST_TEST(!b.error.status().has_value(), body);
    BOOST_TEST(b.error.type() == "", body);
  }
  // a bare string error is kept as the message
  BOOST_TEST(parse_error_body(R"({"error":"Unauthorized"})").error.message == "Unauthorized");
}

BOOST_AUTO_TEST_CASE(wrongly_typed_members_are_skipped_not_fatal) {
  const error_body b = parse_error_body(
      R"json({"error":{"code":[1],"message":"still readable","metadata":{"error_type":"timeout"},"availability":"soon","http_status":"x"}})json");
  BOOST_TEST(b.error.message == "still readable");
  BOOST_TEST(!b.error.code.has_value());
  BOOST_TEST(!b.error.availability.has_value());
  BOOST_TEST(!b.error.http_status.has_value());
  BOOST_TEST(b.error.type() == "timeout");
  BOOST_TEST(b.error.extra.at("availability").as_string() == "soon");  // kept raw

  // the strict decoder reports the first of them
  error_body strict;
  decode_error err;
  parse(R"json({"error":{"code":[1]}})json", strict, err);
  BOOST_TEST(err.code == make_error_code(decode_errc::unexpected_kind));
  BOOST_TEST(err.field == "error.code");
}

BOOST_AUTO_TEST_SUITE_END()
