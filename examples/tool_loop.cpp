// A tool-calling loop: two tools (one a coroutine, one a completion-handler function), the model
// calls them (in parallel when it likes), the agent runs them and sends the results back, until
// the model answers.
#include "common/example.hpp"

#include <openrouter/agent.hpp>

#include <boost/json/serialize.hpp>

#include <iostream>

namespace json = boost::json;

namespace {

json::value city_schema() {
  return json::object{{"type", "object"},
                      {"properties", json::object{{"city", json::object{{"type", "string"}}}}},
                      {"required", json::array{"city"}},
                      {"additionalProperties", false}};
}

boost::asio::awaitable<json::value> get_weather(json::value args) {
  std::string city(args.at("city").as_string());
  co_return json::object{{"city", city}, {"temp_c", 18 + static_cast<int>(city.size() % 7)}, {"sky", "clear"}};
}

void get_local_time(json::value args, openrouter::tool_completion done) {
  std::string city(args.at("city").as_string());
  std::move(done)(boost::system::error_code{}, json::object{{"city", city}, {"time", "14:05"}});
}

}  // namespace

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::agent agent(&s.client(), {.max_turns = 4});
    agent.add_tool({.name = "get_weather", .description = "Current weather in a city",
                    .parameters = city_schema(), .run = get_weather});
    agent.add_tool({.name = "get_local_time", .description = "Local time in a city",
                    .parameters = city_schema(), .start = get_local_time});

    openrouter::wire::chat_request req;
    req.model = s.model();
    req.messages.push_back(openrouter::wire::message::user(
        "What is the weather and the local time in Lisbon? Use the tools, then answer in one sentence."));
    openrouter::diagnostics diag;
    auto op = agent.async_run(std::move(req), diag, example::tuple);
    auto [ec, r] = co_await std::move(op);
    for (const auto& c : r.calls)
      std::cout << "turn " << c.turn << ": " << c.name << json::serialize(c.arguments) << " -> " << c.output << " ["
                << openrouter::to_string(c.status) << "]\n";
    example::check(ec, diag);
    if (r.calls.empty() && !s.real()) throw example::failure{make_error_code(openrouter::errc::no_content), "no tool was called"};
    std::cout << "final answer after " << r.turns << " turns: " << r.response.text() << '\n';
  });
}
