// Responses API wire types (POST /responses): output items of every shape the spec gives
// `content` decode (a message's parts; a web fetch server tool's fetched text, a string, kept in
// extra) and round-trip; a content of any other kind is still a typed decode error.
#include <openrouter/wire/responses.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace json = boost::json;
using namespace openrouter::wire;

BOOST_AUTO_TEST_SUITE(wire_responses_test)

// spec OutputWebFetchServerToolItem: {type: "openrouter:web_fetch", content: string, ...}.
BOOST_AUTO_TEST_CASE(a_web_fetch_items_text_content_decodes_and_round_trips) {
  const std::string text = R"({"id":"resp_1","object":"response","status":"completed","model":"m","output":[
      {"type":"openrouter:web_fetch","id":"wf_1","status":"completed","url":"https://example.com",
       "title":"Example","content":"Example Domain. This domain is for examples."},
      {"type":"message","id":"msg_1","role":"assistant","status":"completed",
       "content":[{"type":"output_text","text":"It is an example.","annotations":[]}]}]})";
  responses_response r;
  decode_error err;
  parse(text, r, err);
  BOOST_TEST_REQUIRE(!err, err.code.message() << " at " << err.field);
  BOOST_TEST_REQUIRE(r.output.size() == 2u);
  BOOST_TEST(r.output[0].type == "openrouter:web_fetch");
  BOOST_TEST(r.output[0].content.empty());
  BOOST_TEST(r.output[0].extra.at("content").as_string() == "Example Domain. This domain is for examples.");
  BOOST_TEST(r.output[0].extra.at("url").as_string() == "https://example.com");
  BOOST_TEST(r.text() == "It is an example.");
  BOOST_TEST(json::value_from(r) == json::parse(text));  // nothing lost
}

BOOST_AUTO_TEST_CASE(a_content_of_another_kind_is_a_typed_error) {
  for (const char* content : {"42", "true", R"({"text":"x"})", R"([{"type":"output_text","text":7}])"}) {
    responses_response r;
    decode_error err;
    parse(std::string(R"({"id":"r","output":[{"type":"message","content":)") + content + "}]}", r, err);
    BOOST_TEST(err.code.failed(), content);
  }
}

BOOST_AUTO_TEST_SUITE_END()
