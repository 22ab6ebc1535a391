// Embeddings (POST /embeddings), activity, models/count, endpoints/zdr and generation/content
// wire types: spec-shaped documents decode to the right values, unknown members are kept, and
// base64 vectors decode to the same floats as the float form; bad base64 is a typed decode
// error, never a crash or a partial vector.
#include <openrouter/media/data_url.hpp>
#include <openrouter/wire/activity.hpp>
#include <openrouter/wire/embeddings.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

// Standard base64 of little-endian float32 values (what OpenAI-compatible servers send).
std::string b64_of(const std::vector<float>& v) {
  std::string bytes(v.size() * 4, '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((u >> (8 * b)) & 0xff);
  }
  return openrouter::media::base64_encode(bytes);  // standard base64, tested in media_test
}

embeddings_response parse_response(std::string_view text, decode_error& err) {
  embeddings_response r;
  parse(text, r, err);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_embeddings_test)

BOOST_AUTO_TEST_CASE(request_input_shapes_round_trip) {
  embeddings_request one;
  one.model = "openai/text-embedding-3-small";
  one.input = std::string("hello");
  one.dimensions = 256;
  one.encoding_format = "base64";
  BOOST_TEST(serialize(one) ==
             R"({"model":"openai/text-embedding-3-small","input":"hello","encoding_format":"base64","dimensions":256})");
  BOOST_TEST(one.input_count().value() == 1u);

  embeddings_request batch;
  batch.model = "m";
  batch.input = std::vector<std::string>{"a", "b", "c"};
  BOOST_TEST(serialize(batch) == R"({"model":"m","input":["a","b","c"]})");
  BOOST_TEST(batch.input_count().value() == 3u);

  // token ids and multimodal inputs stay raw JSON and round-trip; an unknown member is kept
  for (std::string_view text : {R"({"model":"m","input":[[1,2,3],[4]],"x_new":{"a":1}})",
                                R"({"model":"m","input":[1,2,3]})",
                                R"({"model":"m","input":[{"content":[{"type":"text","text":"cat"}]}]})"}) {
    embeddings_request r;
    decode_error err;
    parse(text, r, err);
    BOOST_TEST_REQUIRE(!err, err.message());
    BOOST_TEST(std::holds_alternative<json::value>(r.input));
    BOOST_TEST(!r.input_count().has_value());
    BOOST_TEST(same_json(json::parse(serialize(r)), json::parse(text)), serialize(r));
  }
  embeddings_request r;
  decode_error err;
  parse(R"({"model":"m","input":["x","y"],"user":"u1"})", r, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST((std::get<std::vector<std::string>>(r.input) == std::vector<std::string>{"x", "y"}));
  BOOST_TEST(r.user.value() == "u1");
}

BOOST_AUTO_TEST_CASE(float_response_decodes_with_usage_and_unknown_members) {
  decode_error err;
  auto r = parse_response(R"({"id":"embd-1","object":"list","model":"openai/text-embedding-3-small",
    "data":[{"object":"embedding","embedding":[0.25,-0.5,1],"index":0,"x_extra":true}],
    "usage":{"prompt_tokens":5,"total_tokens":5,"cost":0.0000001,"is_byok":false,
             "prompt_tokens_details":{"text_tokens":5},"x_usage":7},
    "x_top":"kept"})", err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(r.id == "embd-1");
  BOOST_TEST_REQUIRE(r.data.size() == 1u);
  BOOST_TEST((r.data[0].embedding == std::vector<float>{0.25f, -0.5f, 1.0f}));
  BOOST_TEST(r.data[0].index.value() == 0);
  BOOST_TEST(r.data[0].extra.at("x_extra").as_bool());
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->prompt_tokens == 5);
  BOOST_TEST(r.usage->cost.value() == 0.0000001);
  BOOST_TEST(r.usage->prompt_tokens_details->text_tokens.value() == 5);
  BOOST_TEST(r.usage->extra.at("x_usage").as_int64() == 7);
  BOOST_TEST(r.extra.at("x_top").as_string() == "kept");
}

BOOST_AUTO_TEST_CASE(base64_decodes_to_the_same_floats) {
  const std::vector<float> v{0.1f, -0.2f, 3.5f, -1e-8f, 0.0f, 123456.789f, -0.0f};
  // every length modulo 3 of the byte count: 1, 2 and 3 floats (4, 8, 12 bytes)
  for (std::size_t n = 1; n <= v.size(); ++n) {
    std::vector<float> want(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
    decode_error err;
    auto r = parse_response(R"({"object":"list","model":"m","data":[{"object":"embedding","embedding":")" + b64_of(want) +
                                R"(","index":0}]})", err);
    BOOST_TEST_REQUIRE(!err, err.message());
    BOOST_TEST_REQUIRE(r.data.size() == 1u);
    BOOST_TEST_REQUIRE(r.data[0].embedding.size() == n);
    BOOST_TEST(std::memcmp(r.data[0].embedding.data(), want.data(), n * 4) == 0);  // bit for bit
  }
  // padding is optional
  std::vector<float> out;
  decode_errc e{};
  std::string padded = b64_of({1.5f});
  BOOST_TEST(padded.back() == '=');
  std::string bare = padded.substr(0, padded.find('='));
  BOOST_TEST(decode_base64_floats(bare, out, e));
  BOOST_TEST((out == std::vector<float>{1.5f}));
  BOOST_TEST(decode_base64_floats("", out, e));
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(bad_base64_is_a_typed_error) {
  struct bad {
    std::string text;
    decode_errc want;
  };
  const std::string good = b64_of({1.0f, 2.0f});  // 8 bytes -> 12 characters, one '='
  const std::vector<bad> cases = {
      {"AAAA!AAA", decode_errc::invalid_base64},                // not in the alphabet
      {"AAA=AAAA", decode_errc::invalid_base64},                // padding in the middle
      {"A", decode_errc::invalid_base64},                       // a lone character is no byte
      {"AAA===", decode_errc::invalid_base64},                  // too much padding
      {"AAAAAAA=", decode_errc::bad_vector_length},             // 5 bytes
      {"AAAA", decode_errc::bad_vector_length},                 // 3 bytes
      {"AAAAAAAA", decode_errc::bad_vector_length},             // 6 bytes
      {good.substr(0, good.size() - 4), decode_errc::bad_vector_length},  // truncated answer
      {"AAAAAB==", decode_errc::invalid_base64},                // non-zero bits after the last byte
      {std::string("AAAA\0AAA", 8), decode_errc::invalid_base64},
      {"AA\xc3\xa9" "AAAA", decode_errc::invalid_base64},
  };
  for (const auto& c : cases) {
    std::vector<float> out{42.0f};
    decode_errc e{};
    BOOST_TEST(!decode_base64_floats(c.text, out, e), c.text);
    BOOST_TEST((e == c.want), c.text);
    BOOST_TEST(out.empty());
    decode_error err;
    json::object doc{{"object", "list"}, {"model", "m"},
                     {"data", json::array{json::object{{"object", "embedding"}, {"embedding", c.text}, {"index", 0}}}}};
    auto r = parse_response(json::serialize(doc), err);
    BOOST_TEST((err.code == make_error_code(c.want)), c.text << ": " << err.message());
    BOOST_TEST(err.field == "data[0].embedding");
    BOOST_TEST((r.data.empty() || r.data[0].embedding.empty()));  // no partial vector
  }
}

BOOST_AUTO_TEST_CASE(wrong_kinds_are_errors) {
  decode_error err;
  parse_response(R"({"data":[{"embedding":[1,"x"]}]})", err);
  BOOST_TEST((err.code == make_error_code(decode_errc::expected_number)));
  BOOST_TEST(err.field == "data[0].embedding[1]");
  parse_response(R"({"data":[{"embedding":{"a":1}}]})", err);
  BOOST_TEST((err.code == make_error_code(decode_errc::unexpected_kind)));
  parse_response(R"({"data":{}})", err);
  BOOST_TEST((err.code == make_error_code(decode_errc::expected_array)));
  parse_response(R"({"data":[{"embedding":[1e400]}]})", err);
  BOOST_TEST((err.code == make_error_code(decode_errc::invalid_json)));
}

BOOST_AUTO_TEST_CASE(activity_and_counts) {
  activity a;
  decode_error err;
  parse(R"({"data":[{"date":"2025-08-24","model":"openai/gpt-4o-mini","model_permaslug":"openai/gpt-4o-mini-2024-07-18",
     "endpoint_id":"ep-1","provider_name":"OpenAI","usage":0.5,"byok_usage_inference":0,"requests":3,
     "prompt_tokens":30,"completion_tokens":12,"reasoning_tokens":0,"x_new":1},
    {"date":"2025-08-23","model":"m","model_permaslug":"m","endpoint_id":"ep-2","provider_name":"P","usage":0.25,
     "byok_usage_inference":0.1,"requests":2,"prompt_tokens":1,"completion_tokens":1,"reasoning_tokens":1,"workspace_id":"w"}]})",
        a, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST_REQUIRE(a.data.size() == 2u);
  BOOST_TEST(a.data[0].requests == 3);
  BOOST_TEST(a.data[0].extra.at("x_new").as_int64() == 1);
  BOOST_TEST(a.data[1].workspace_id.value() == "w");
  BOOST_TEST(a.total_usage() == 0.75);
  BOOST_TEST(a.total_requests() == 5);
  parse(R"({"data":[{"date":"d","requests":"3"}]})", a, err);
  BOOST_TEST(err.field == "data[0].requests");

  models_count c;
  parse_data(R"({"data":{"count":321,"x":true}})", c, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(c.count == 321);
  BOOST_TEST(c.extra.at("x").as_bool());

  generation_content g;
  parse_data(R"({"data":{"input":{"messages":[{"role":"user","content":"hi"}]},"output":{"completion":"Hello","reasoning":null},"error":null}})",
             g, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(g.output.completion.value() == "Hello");
  BOOST_TEST(!g.output.reasoning.has_value());
  BOOST_TEST(g.input.at("messages").as_array().size() == 1u);

  zdr_endpoints z;
  parse(R"({"data":[{"name":"OpenAI: GPT-4","model_id":"openai/gpt-4","provider_name":"OpenAI","context_length":8192,"x":1}]})",
        z, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST_REQUIRE(z.data.size() == 1u);
  BOOST_TEST(z.data[0].extra.size() >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
