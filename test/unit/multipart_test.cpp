// The multipart/form-data encoder of uploads (src/lib/detail/multipart.hpp) and the mock's
// parser of them (src/mock/multipart.hpp): exact bytes, a boundary that never occurs in the
// payload, names and file names that cannot break out of their header line, binary data
// intact, and malformed bodies refused.
#include "detail/multipart.hpp"
#include "../../src/mock/multipart.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using openrouter::detail::multipart_form;
using openrouter::mock::parse_multipart;

namespace {

// Hands out the given candidates in order (then "z-fallback").
struct scripted {
  std::vector<std::string> candidates;
  std::size_t next = 0;
  std::string operator()() { return next < candidates.size() ? candidates[next++] : "z-fallback"; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(multipart_test)

BOOST_AUTO_TEST_CASE(exact_bytes) {
  multipart_form form;
  form.add_field("model", "openai/whisper-large-v3");
  form.add_file("file", "a.wav", "audio/wav", std::string("RI\0FF", 5));
  scripted s{{"B0undary"}};
  auto e = form.encode(std::ref(s));
  BOOST_TEST(e.content_type == "multipart/form-data; boundary=B0undary");
  const std::string want = std::string(
                               "--B0undary\r\n"
                               "Content-Disposition: form-data; name=\"model\"\r\n\r\n"
                               "openai/whisper-large-v3\r\n"
                               "--B0undary\r\n"
                               "Content-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                               "Content-Type: audio/wav\r\n\r\n") +
                           std::string("RI\0FF", 5) + "\r\n--B0undary--\r\n";
  BOOST_TEST(e.body == want);
}

BOOST_AUTO_TEST_CASE(a_boundary_found_in_the_payload_is_drawn_again) {
  multipart_form form;
  form.add_file("file", "x.bin", "", "data with --collide inside");
  form.add_field("name-holds-other", "v");
  // "collide" is in the data, "other" in a name, "bad boundary" has a space: each is skipped.
  scripted s{{"collide", "other", "bad boundary", std::string(71, 'a'), "fresh"}};
  auto e = form.encode(std::ref(s));
  BOOST_TEST(e.content_type == "multipart/form-data; boundary=fresh");
  BOOST_TEST(s.next == 5u);
  BOOST_TEST(e.body.find("Content-Type: application/octet-stream\r\n") != std::string::npos);
  std::string error;
  auto parts = parse_multipart(e.content_type, e.body, error);
  BOOST_TEST_REQUIRE(parts.has_value(), error);
  BOOST_TEST_REQUIRE(parts->size() == 2u);
  BOOST_TEST((*parts)[0].data == "data with --collide inside");
}

BOOST_AUTO_TEST_CASE(random_boundaries_differ_and_round_trip) {
  multipart_form form;
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  binary += "\r\n--\r\n\r\n";  // delimiter-looking bytes
  form.add_file("file", "speech.wav", "audio/wav", binary);
  form.add_field("language", "en");
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto e = form.encode();
    seen.insert(e.content_type);
    std::string error;
    auto parts = parse_multipart(e.content_type, e.body, error);
    BOOST_TEST_REQUIRE(parts.has_value(), error);
    BOOST_TEST_REQUIRE(parts->size() == 2u);
    BOOST_TEST((*parts)[0].name == "file");
    BOOST_TEST((*parts)[0].filename.value_or("") == "speech.wav");
    BOOST_TEST((*parts)[0].content_type == "audio/wav");
    BOOST_TEST((*parts)[0].data == binary);
    BOOST_TEST((*parts)[1].data == "en");
    BOOST_TEST(!(*parts)[1].filename.has_value());
  }
  BOOST_TEST(seen.size() == 20u);
}

BOOST_AUTO_TEST_CASE(names_are_quoted_and_escaped) {
  BOOST_TEST(openrouter::detail::quote_form_name("a\"b\r\nc") == "\"a%22b%0D%0Ac\"");
  multipart_form form;
  form.add_file("file", "evil\"; name=\"model\r\nX-Injected: 1.wav", "audio/wav\r\nX-Bad: 1", "abc");
  scripted s{{"bnd"}};
  auto e = form.encode(std::ref(s));
  BOOST_TEST(e.body.find("\r\nX-Injected") == std::string::npos);
  BOOST_TEST(e.body.find("\r\nX-Bad") == std::string::npos);
  std::string error;
  auto parts = parse_multipart(e.content_type, e.body, error);
  BOOST_TEST_REQUIRE(parts.has_value(), error);
  BOOST_TEST_REQUIRE(parts->size() == 1u);
  BOOST_TEST((*parts)[0].name == "file");  // not "model"
  BOOST_TEST((*parts)[0].filename.value_or("") == "evil\"; name=\"model\r\nX-Injected: 1.wav");
  BOOST_TEST((*parts)[0].content_type == "audio/wavX-Bad: 1");
}

BOOST_AUTO_TEST_CASE(the_parser_refuses_malformed_bodies) {
  multipart_form form;
  form.add_field("model", "m");
  scripted s{{"bnd"}};
  auto e = form.encode(std::ref(s));
  std::string error;
  BOOST_TEST(parse_multipart(e.content_type, e.body, error).has_value());
  struct bad_case {
    std::string type, body, why;
  };
  const std::vector<bad_case> cases = {
      {"text/plain", e.body, "multipart/form-data"},
      {"multipart/form-data", e.body, "boundary"},
      {"multipart/form-data; boundary=\"bnd", e.body, "multipart/form-data"},  // unterminated quote
      {e.content_type, e.body.substr(0, e.body.size() - 10), "closing boundary"},
      {e.content_type, "no delimiter at all", "without its boundary"},
      {e.content_type, "--bnd\r\nContent-Disposition: form-data\r\n\r\nx\r\n--bnd--\r\n", "without a name"},
      {e.content_type, "--bnd\r\nno colon here\r\n\r\nx\r\n--bnd--\r\n", "part header"},
      {e.content_type, "--bnd\r\nContent-Disposition: form-data; name=\"a\"", "header end"},
      {e.content_type, "--bndX", "delimiter line"},
  };
  for (const auto& c : cases) {
    error.clear();
    BOOST_TEST(!parse_multipart(c.type, c.body, error).has_value(), c.body);
    BOOST_TEST(error.find(c.why) != std::string::npos, c.why << " / " << error);
  }
  // A quoted boundary and a preamble are fine.
  auto quoted = parse_multipart("multipart/form-data; boundary=\"bnd\"", "preamble\r\n" + e.body, error);
  BOOST_TEST_REQUIRE(quoted.has_value(), error);
  BOOST_TEST(quoted->at(0).data == "m");
}

BOOST_AUTO_TEST_SUITE_END()
