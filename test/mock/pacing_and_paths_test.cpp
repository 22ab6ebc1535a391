// Issue 18: pacing-only model names ("fault/none;itl_ms=20", alias "pace/itl_ms=20;tokens=50")
// and a 404 with a hint for paths outside /api/v1 (a base URL without it is the usual mistake).
#include "support/fixtures.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

json::object error_of(const raw_response& r) { return r.json().at("error").as_object(); }

std::size_t content_chunks(const std::string& body) {
  std::size_t n = 0;
  for (const auto& d : sse_data(body)) {
    if (d == "[DONE]") continue;
    auto v = json::parse(d);
    const auto& ch = v.at("choices").as_array();
    if (!ch.empty() && ch[0].at("delta").as_object().contains("content") &&
        !ch[0].at("delta").at("content").as_string().empty())
      ++n;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pacing_and_paths_test)

BOOST_AUTO_TEST_CASE(pacing_only_model_names_pace_without_a_fault) {
  mock_fixture f;
  for (std::string model : {"fault/none;itl_ms=20;tokens=10", "pace/itl_ms=20;tokens=10"}) {
    BOOST_TEST_CONTEXT(model) {
      auto r = f.chat(chat_body(model, "Say hello", true));
      BOOST_TEST(r.status == 200u, r.body);
      BOOST_TEST(r.body.find("[DONE]") != std::string::npos);
      BOOST_TEST(content_chunks(r.body) == 10u, r.body);
      BOOST_TEST(r.elapsed >= 9 * 20ms);  // a lower bound only: nine gaps between ten tokens
      auto plain = f.chat(chat_body(model));
      BOOST_TEST(plain.status == 200u, plain.body);
      BOOST_TEST(!plain.json().at("choices").as_array().at(0).at("message").at("content").as_string().empty());
    }
  }
  // Anything but pacing keys in a pacing-only name is a 400 naming the key.
  for (std::string model : {"fault/none;status=503", "pace/after_tokens=3", "pace/bogus=1"}) {
    BOOST_TEST_CONTEXT(model) {
      auto r = f.chat(chat_body(model));
      BOOST_TEST(r.status == 400u, r.body);
      BOOST_TEST(std::string(error_of(r).at("message").as_string()).find("not a pacing key") != std::string::npos,
                 r.body);
    }
  }
  // Out of range, as for any fault name.
  BOOST_TEST(f.chat(chat_body("pace/itl_ms=99999999")).status == 400u);
}

BOOST_AUTO_TEST_CASE(paths_outside_api_v1_get_a_404_with_a_hint) {
  mock_fixture f;
  auto r = f.client.post("/chat/completions", chat_body("openai/gpt-4o-mini"));
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(r.header("content-type") == "application/json");
  auto e = error_of(r);
  BOOST_TEST(e.at("code").as_int64() == 404);
  const std::string msg(e.at("message").as_string());
  BOOST_TEST(msg.find("did you mean /api/v1/chat/completions?") != std::string::npos, msg);
  BOOST_TEST(msg.find("base URL must end in /api/v1") != std::string::npos, msg);
  BOOST_TEST(f.server->stats().chat_requests == 0u);  // nothing was served

  for (std::string target : {"/v1/models", "/api/models", "/api/v1x/models"}) {
    BOOST_TEST_CONTEXT(target) {
      auto g = f.client.get(target);
      BOOST_TEST(g.status == 404u);
      BOOST_TEST(std::string(error_of(g).at("message").as_string()).find("did you mean /api/v1/models?") !=
                     std::string::npos,
                 g.body);
    }
  }
  auto other = f.client.get("/");
  BOOST_TEST(other.status == 404u);
  BOOST_TEST(std::string(error_of(other).at("message").as_string()).find("outside /api/v1") != std::string::npos);
  // Inside /api/v1 an unknown path is a plain 404, and the real ones still work.
  BOOST_TEST(f.client.get("/api/v1/nope").status == 404u);
  BOOST_TEST(f.client.get("/api/v1/models").status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
