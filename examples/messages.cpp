// The Anthropic Messages API (POST /messages): a JSON call that asks for a tool, the tool's
// result sent back as a tool_result block, then the same conversation streamed: the text printed
// as its content_block_delta events arrive, and the final message folded from the events
// (stop_reason, usage and cost).
#include "common/example.hpp"

#include <openrouter/messages_stream.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace wire = openrouter::wire;

int main() {
  return example::run([](example::session& s) -> asio::awaitable<void> {
    wire::messages_request req;
    req.model = s.model("anthropic/claude-3.5-haiku");
    req.max_tokens = 60;
    req.system = std::string("Answer in one short paragraph.");
    req.messages.push_back({"user", std::string("What's the weather in Paris?"), {}});
    req.tools = boost::json::parse(R"([{"name":"get_weather","description":"The current weather in a city",
      "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}])");

    // 1. JSON: the model asks for the tool.
    openrouter::diagnostics diag;
    auto [ec, res] = co_await s.client().async_messages(req, diag, example::tuple);
    example::check(ec, diag);
    std::cout << "stop_reason " << res.stop_reason.value_or("?") << "\n";
    auto calls = res.tool_uses();
    if (calls.empty()) {
      std::cout << res.text() << "\n";
      co_return;
    }
    const wire::messages_content_block call = *calls.front();
    std::cout << "tool_use " << call.name.value_or("") << " " << boost::json::serialize(call.input) << "\n";

    // 2. The tool's answer goes back; the answer is streamed.
    req.messages.push_back({"assistant", res.content, {}});
    req.messages.push_back(
        {"user", std::vector<wire::messages_content_block>{wire::messages_tool_result(call.id.value_or(""), "18 C, light rain")}, {}});
    auto [ec2, stream] = co_await s.client().async_messages_stream(req, diag, example::tuple);
    example::check(ec2, diag);
    while (true) {
      auto [e, ev] = co_await stream.async_next(example::tuple);
      example::check(e, diag);  // an `error` event: errc::stream_error, its message in diag.error
      if (!ev) break;           // the clean end, after message_stop
      if (ev->kind() == wire::messages_event_kind::content_block_delta && ev->delta) std::cout << ev->delta->text << std::flush;
    }
    wire::messages_response final = stream.result();
    std::cout << "\n\nstreamed stop_reason " << final.stop_reason.value_or("?") << ", " << final.content.size()
              << " content block(s)";
    if (final.usage)
      std::cout << ", " << final.usage->input_tokens << " input + " << final.usage->output_tokens << " output tokens, $"
                << final.usage->cost.value_or(0);
    std::cout << "\n";
  });
}
