// The mock's streamed chat schedule, read from its sans-I/O script (no sockets, no clocks):
// `ttft_ms` is the time to the first token (the README's definition), `itl_ms` the gap between
// tokens; keep-alive comments spread over the time to first token.
#include "../../src/mock/chat.hpp"
#include "../../src/mock/state.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace mock = openrouter::mock;

struct timed_event {
  std::chrono::milliseconds at;
  std::string bytes;
};

// Plays the script of a streamed chat for `model`, under `scenario`: each write and when.
std::vector<timed_event> schedule(const std::string& scenario, const std::string& model) {
  mock::server_options o;
  o.scenario = boost::json::parse(scenario);
  mock::mock_state state(o);
  const std::string body = R"({"model":")" + model + R"(","stream":true,"messages":[{"role":"user","content":"hi"}]})";
  mock::http_reply r = mock::handle_chat(state, body, {});
  BOOST_TEST_REQUIRE(r.status == 200u, r.body);
  BOOST_TEST_REQUIRE(static_cast<bool>(r.stream));
  std::vector<timed_event> out;
  std::chrono::milliseconds t{0};
  mock::sse_step step;
  while (r.stream->next(step)) {
    t += step.delay;
    out.push_back({t, step.bytes});
  }
  return out;
}

bool has_content(const std::string& bytes) {
  return bytes.find("\"content\":\"") != std::string::npos && bytes.find("\"content\":\"\"") == std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stream_schedule_test)

BOOST_AUTO_TEST_CASE(the_first_content_token_comes_at_ttft_then_one_every_itl) {
  auto ev = schedule(R"({"defaults":{"ttft_ms":150,"itl_ms":20,"tokens":5}})", "openai/gpt-4o-mini");
  std::vector<std::chrono::milliseconds> content;
  for (const auto& e : ev)
    if (has_content(e.bytes)) content.push_back(e.at);
  BOOST_TEST_REQUIRE(content.size() == 5u);
  BOOST_TEST(content[0].count() == 150);  // not 170: the role chunk is not a token
  for (std::size_t i = 1; i < content.size(); ++i) BOOST_TEST((content[i] - content[i - 1]).count() == 20);
  // Keep-alive comments before it; the role chunk comes with the first token, at ttft.
  auto role = std::find_if(ev.begin(), ev.end(), [](const timed_event& e) { return e.bytes.find("data: ") == 0; });
  BOOST_TEST_REQUIRE((role != ev.end()));
  BOOST_TEST(role->bytes.find("\"role\":\"assistant\"") != std::string::npos);
  BOOST_TEST(role->at.count() == 150);
}

BOOST_AUTO_TEST_CASE(without_pacing_everything_is_due_at_once) {
  auto ev = schedule(R"({"defaults":{"ttft_ms":0,"itl_ms":0,"tokens":5}})", "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(!ev.empty());
  BOOST_TEST(ev.back().at.count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
