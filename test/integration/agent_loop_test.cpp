// The agent loop over the mock: parallel tool calls run concurrently, results go back as tool
// messages with the same tools on every turn; timeouts, handler failures, invalid arguments and
// unknown tools become structured tool output; the turn cap is a typed error; cancellation
// reaches the handlers; streaming and routed variants.
#include "support/client_fixture.hpp"

#include <openrouter/agent.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace openrouter {
inline std::ostream& operator<<(std::ostream& os, tool_invocation::outcome o) { return os << to_string(o); }
}  // namespace openrouter

namespace asio = boost::asio;
namespace json = boost::json;
using openrouter::errc;
using outcome = openrouter::tool_invocation::outcome;

namespace {

const std::string model = "openai/gpt-4o-mini";

json::value city_schema() {
  return json::parse(R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"],
                         "additionalProperties":false})");
}

json::object call(std::string name, json::value args) {
  return json::object{{"name", std::move(name)}, {"arguments", std::move(args)}};
}

// The mock answers `model` with these replies, turn by turn (the last one repeats).
openrouter::mock::server_options scripted(json::array replies) {
  openrouter::mock::server_options o;
  o.scenario = json::object{{"models", json::object{{model, json::object{{"replies", std::move(replies)}}}}}};
  return o;
}

json::array two_calls_then_answer() {
  return json::array{
      json::object{{"tool_calls", json::array{call("get_weather", json::object{{"city", "Paris"}}),
                                              call("get_time", json::object{{"city", "Rome"}})}}},
      json::object{{"content", "Sunny in Paris, 14:05 in Rome."}}};
}

std::vector<openrouter::mock::generation_record> requests(test::client_fixture& f) {
  auto g = f.server->generations();
  std::sort(g.begin(), g.end(), [](const auto& a, const auto& b) {
    return a.request.at("messages").as_array().size() < b.request.at("messages").as_array().size();
  });
  return g;
}

std::tuple<boost::system::error_code, openrouter::agent_result> run(test::client_fixture& f, openrouter::agent& a,
                                                                    openrouter::wire::chat_request req) {
  return f.run<openrouter::agent_result>([&](auto h) { a.async_run(std::move(req), f.diag, std::move(h)); });
}

// Two tools that each wait for the other to have started: they finish only if they run
// concurrently (run one after the other, the first would time out).
struct rendezvous {
  explicit rendezvous(asio::any_io_executor ex) : gate(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer gate;
  int started = 0;
  void arrive() {
    if (++started == 2) gate.cancel();
  }
};

void add_concurrent_tools(openrouter::agent& a, std::shared_ptr<rendezvous> rv) {
  a.add_tool({.name = "get_weather", .description = "Weather in a city", .parameters = city_schema(),
              .timeout = std::chrono::seconds(20),
              .run = [rv](json::value args) -> asio::awaitable<json::value> {
                rv->arrive();
                if (rv->started < 2) {
                  boost::system::error_code ec;
                  co_await rv->gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                }
                co_return json::object{{"city", args.at("city")}, {"sky", "sunny"}};
              }});
  a.add_tool({.name = "get_time", .description = "Local time in a city", .parameters = city_schema(),
              .timeout = std::chrono::seconds(20),
              .start = [rv](json::value args, openrouter::tool_completion done) {
                rv->arrive();
                auto ex = rv->gate.get_executor();
                auto wait_then_answer = [rv, args, done = std::move(done)](boost::system::error_code) mutable {
                  std::move(done)(boost::system::error_code{}, json::object{{"city", args.at("city")}, {"time", "14:05"}});
                };
                if (rv->started < 2) rv->gate.async_wait(std::move(wait_then_answer));
                else asio::post(ex, [w = std::move(wait_then_answer)]() mutable { w({}); });
              }});
}

void check_tools_in_every_request(const std::vector<openrouter::mock::generation_record>& sent, std::size_t tools) {
  for (const auto& g : sent) {
    BOOST_TEST(g.request.at("tools").as_array().size() == tools);
    BOOST_TEST(g.request.at("provider").at("require_parameters").as_bool());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_loop_test)

BOOST_AUTO_TEST_CASE(parallel_calls_run_concurrently_and_their_results_go_back) {
  test::client_fixture f(scripted(two_calls_then_answer()));
  openrouter::agent a(&f.cli);
  add_concurrent_tools(a, std::make_shared<rendezvous>(f.ioc.get_executor()));
  auto [ec, r] = run(f, a, test::chat_request(model, "weather in Paris, time in Rome?"));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(r.turns == 2);
  BOOST_TEST(r.response.text() == "Sunny in Paris, 14:05 in Rome.");
  BOOST_REQUIRE(r.calls.size() == 2u);
  BOOST_TEST(r.calls[0].name == "get_weather");
  BOOST_TEST(r.calls[0].status == outcome::ok);
  BOOST_TEST(json::parse(r.calls[0].output) == json::parse(R"({"city":"Paris","sky":"sunny"})"));
  BOOST_TEST(r.calls[1].status == outcome::ok);
  BOOST_TEST(json::parse(r.calls[1].output) == json::parse(R"({"city":"Rome","time":"14:05"})"));
  // user, assistant(tool_calls), tool, tool, assistant
  BOOST_REQUIRE(r.messages.size() == 5u);
  BOOST_TEST(r.messages[4].text() == r.response.text());

  auto sent = requests(f);
  BOOST_REQUIRE(sent.size() == 2u);
  check_tools_in_every_request(sent, 2);
  const json::array& second = sent[1].request.at("messages").as_array();
  BOOST_REQUIRE(second.size() == 4u);
  const json::array& asked = second[1].at("tool_calls").as_array();
  for (std::size_t i = 0; i < 2; ++i) {
    BOOST_TEST(second[2 + i].at("role").as_string() == "tool");
    BOOST_TEST(second[2 + i].at("tool_call_id") == asked[i].at("id"));
    BOOST_TEST(second[2 + i].at("content").is_string());  // JSON-stringified
    BOOST_TEST(second[2 + i].at("content").as_string() == r.calls[i].output);
  }
}

BOOST_AUTO_TEST_CASE(failures_become_structured_tool_output) {
  // One turn asks for: arguments violating the schema, arguments that are not JSON, a tool that
  // throws, a tool that reports an error, a tool that does not exist.
  test::client_fixture f(scripted(json::array{
      json::object{{"tool_calls", json::array{call("get_weather", json::object{{"city", 5}}),
                                              call("get_weather", "{\"city\": "),
                                              call("explode", json::object{{"city", "Oslo"}}),
                                              call("refuse", json::object{{"city", "Oslo"}}),
                                              call("teleport", json::object{})}}},
      json::object{{"content", "Sorry."}}}));
  int handled = 0;
  openrouter::agent a(&f.cli);
  a.add_tool({.name = "get_weather", .parameters = city_schema(),
              .run = [&handled](json::value) -> asio::awaitable<json::value> {
                ++handled;
                co_return json::object{};
              }});
  a.add_tool({.name = "explode", .parameters = city_schema(),
              .run = [](json::value) -> asio::awaitable<json::value> {
                throw std::runtime_error("boom");
                co_return json::object{};
              }});
  a.add_tool({.name = "refuse", .parameters = city_schema(),
              .start = [](json::value, openrouter::tool_completion done) {
                std::move(done)(make_error_code(errc::forbidden), json::object{{"why", "policy"}});
              }});
  auto [ec, r] = run(f, a, test::chat_request(model));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(handled == 0);  // invalid arguments never reach the handler
  BOOST_REQUIRE(r.calls.size() == 5u);
  auto err = [&](std::size_t i) { return json::parse(r.calls[i].output).at("error"); };
  BOOST_TEST(r.calls[0].status == outcome::invalid_arguments);
  BOOST_TEST(err(0).at("type").as_string() == "invalid_arguments");
  BOOST_TEST(err(0).at("path").as_string() == "$.city");
  BOOST_TEST(r.calls[1].status == outcome::invalid_arguments);
  BOOST_TEST(std::string(err(1).at("message").as_string()).find("not JSON") == 0u);
  BOOST_TEST(r.calls[2].status == outcome::failed);
  BOOST_TEST(err(2).at("message").as_string() == "boom");
  BOOST_TEST(r.calls[3].status == outcome::failed);
  BOOST_TEST(err(3).at("detail").at("why").as_string() == "policy");
  BOOST_TEST(r.calls[4].status == outcome::unknown_tool);
  BOOST_TEST(err(4).at("type").as_string() == "unknown_tool");
  // All of it went back to the model as tool messages.
  auto sent = requests(f);
  BOOST_REQUIRE(sent.size() == 2u);
  const json::array& msgs = sent[1].request.at("messages").as_array();
  BOOST_REQUIRE(msgs.size() == 7u);
  for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(msgs[2 + i].at("content").as_string() == r.calls[i].output);
}

BOOST_AUTO_TEST_CASE(a_handler_timeout_is_tool_output_and_cancels_the_handler) {
  test::client_fixture f(scripted(two_calls_then_answer()));
  auto cancelled = std::make_shared<bool>(false);
  auto parked = std::make_shared<std::optional<openrouter::tool_completion>>();
  openrouter::agent a(&f.cli);
  a.add_tool({.name = "get_weather", .parameters = city_schema(),
              .run = [](json::value) -> asio::awaitable<json::value> { co_return json::object{{"sky", "grey"}}; }});
  a.add_tool({.name = "get_time", .parameters = city_schema(), .timeout = std::chrono::milliseconds(50),
              .start = [cancelled, parked](json::value, openrouter::tool_completion done) {
                // Never answers; notes the cancellation the timeout sends.
                auto slot = asio::get_associated_cancellation_slot(done);
                if (slot.is_connected()) slot.assign([cancelled](asio::cancellation_type) { *cancelled = true; });
                parked->emplace(std::move(done));
              }});
  auto [ec, r] = run(f, a, test::chat_request(model));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_REQUIRE(r.calls.size() == 2u);
  BOOST_TEST(r.calls[0].status == outcome::ok);
  BOOST_TEST(r.calls[1].status == outcome::timed_out);
  BOOST_TEST(json::parse(r.calls[1].output).at("error").at("type").as_string() == "timeout");
  BOOST_TEST(*cancelled);
  // A late answer after the timeout is ignored (nothing breaks).
  std::move(**parked)(boost::system::error_code{}, json::object{{"late", true}});
  f.ioc.restart();
  f.ioc.poll();
  auto sent = requests(f);
  BOOST_REQUIRE(sent.size() == 2u);
  BOOST_TEST(std::string(sent[1].request.at("messages").as_array()[3].at("content").as_string()).find("timeout") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_turn_cap_is_a_typed_error_and_tools_go_out_every_turn) {
  test::client_fixture f(scripted(json::array{
      json::object{{"tool_calls", json::array{call("get_weather", json::object{{"city", "Paris"}})}}}}));
  openrouter::agent a(&f.cli, {.max_turns = 3, .parallel_tool_calls = false});
  int handled = 0;
  a.add_tool({.name = "get_weather", .parameters = city_schema(),
              .run = [&handled](json::value) -> asio::awaitable<json::value> {
                ++handled;
                co_return json::object{{"sky", "sunny"}};
              }});
  auto req = test::chat_request(model);
  req.tool_choice = "required";
  auto [ec, r] = run(f, a, req);
  BOOST_TEST(ec == errc::turn_limit);
  BOOST_TEST(r.turns == 3);
  BOOST_TEST(handled == 2);  // the third answer's calls are not run: no request would follow
  BOOST_TEST(f.diag.detail.find("3 turns") != std::string::npos);
  BOOST_TEST(r.messages.back().tool_calls.size() == 1u);
  auto sent = requests(f);
  BOOST_REQUIRE(sent.size() == 3u);
  check_tools_in_every_request(sent, 1);
  BOOST_TEST(sent[0].request.at("tool_choice").as_string() == "required");
  BOOST_TEST(sent[0].request.at("parallel_tool_calls").as_bool() == false);
  BOOST_TEST(sent[1].request.at("tool_choice").as_string() == "auto");  // relaxed after a tool turn
}

BOOST_AUTO_TEST_CASE(cancelling_the_run_cancels_running_handlers) {
  test::client_fixture f(scripted(two_calls_then_answer()));
  auto cancelled = std::make_shared<int>(0);
  auto started = std::make_shared<int>(0);
  auto parked = std::make_shared<std::vector<openrouter::tool_completion>>();
  auto never = [cancelled, started, parked](json::value, openrouter::tool_completion done) {
    ++*started;
    auto slot = asio::get_associated_cancellation_slot(done);
    if (slot.is_connected()) slot.assign([cancelled](asio::cancellation_type) { ++*cancelled; });
    parked->push_back(std::move(done));
  };
  openrouter::agent a(&f.cli);
  a.add_tool({.name = "get_weather", .parameters = city_schema(), .start = never});
  a.add_tool({.name = "get_time", .parameters = city_schema(), .start = never});
  asio::cancellation_signal sig;
  test::outcome<openrouter::agent_result> o;
  a.async_run(test::chat_request(model), f.diag, asio::bind_cancellation_slot(sig.slot(), o.handler()));
  f.run_until([&] { return *started == 2; });
  sig.emit(asio::cancellation_type::terminal);
  auto [ec, r] = test::wait(f.ioc, o);
  BOOST_TEST(ec == asio::error::operation_aborted);
  BOOST_TEST(*cancelled == 2);
  BOOST_TEST(f.server->generations().size() == 1u);  // no follow-up went out
}

BOOST_AUTO_TEST_CASE(streaming_turns_assemble_tool_call_deltas) {
  test::client_fixture f(scripted(two_calls_then_answer()));
  int chunks = 0;
  openrouter::agent a(&f.cli, {.stream = true, .on_chunk = [&chunks](const openrouter::wire::chat_chunk&) { ++chunks; }});
  add_concurrent_tools(a, std::make_shared<rendezvous>(f.ioc.get_executor()));
  auto [ec, r] = run(f, a, test::chat_request(model));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(r.response.text() == "Sunny in Paris, 14:05 in Rome.");
  BOOST_REQUIRE(r.calls.size() == 2u);
  BOOST_TEST(json::serialize(r.calls[0].arguments) == R"({"city":"Paris"})");
  BOOST_TEST(r.calls[1].status == outcome::ok);
  BOOST_TEST(chunks > 2);
  auto sent = requests(f);
  BOOST_REQUIRE(sent.size() == 2u);
  for (const auto& g : sent) BOOST_TEST(g.streamed);
  check_tools_in_every_request(sent, 2);
}

BOOST_AUTO_TEST_CASE(routed_runs_fail_over_and_keep_the_tools) {
  auto opts = scripted(two_calls_then_answer());
  // The first request to the model fails with a 503: the router retries it.
  opts.scenario.as_object()["models"].as_object()[model].as_object()["faults"] =
      json::array{json::object{{"kind", "http_error"}, {"status", 503}, {"count", 1}}};
  test::client_fixture f(opts);
  openrouter::routing::policy p;
  p.models = {model};
  p.backoff.initial = std::chrono::milliseconds(1);
  openrouter::router rt(f.cli, p);
  openrouter::agent a(&rt);
  add_concurrent_tools(a, std::make_shared<rendezvous>(f.ioc.get_executor()));
  auto [ec, r] = run(f, a, test::chat_request(model));
  BOOST_TEST(!ec, f.diag.summary(ec));
  BOOST_TEST(r.turns == 2);
  BOOST_TEST(r.calls.size() == 2u);
  BOOST_TEST(r.response.text() == "Sunny in Paris, 14:05 in Rome.");
  auto sent = requests(f);
  BOOST_TEST(sent.size() == 2u);  // the 503 left no generation
  check_tools_in_every_request(sent, 2);
}

BOOST_AUTO_TEST_CASE(registration_rejects_bad_tools) {
  test::client_fixture f;
  openrouter::agent a(&f.cli);
  auto ok = [](json::value) -> asio::awaitable<json::value> { co_return nullptr; };
  BOOST_CHECK_THROW(a.add_tool({.name = "bad name", .run = ok}), std::invalid_argument);
  BOOST_CHECK_THROW(a.add_tool({.name = "t"}), std::invalid_argument);  // no handler
  BOOST_CHECK_THROW(a.add_tool({.name = "t", .parameters = json::parse(R"({"pattern":"("})"), .run = ok}),
                    std::invalid_argument);
  a.add_tool({.name = "t", .run = ok});
  BOOST_CHECK_THROW(a.add_tool({.name = "t", .run = ok}), std::invalid_argument);
  BOOST_TEST(a.tools().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
