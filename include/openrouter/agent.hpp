#pragma once
// The agent loop: a chat that may call the caller's tools until the model gives a final answer.
//
//   openrouter::agent a(cli);                                    // or a(router)
//   a.add_tool({.name = "get_weather", .description = "Current weather of a city",
//               .parameters = schema,                             // JSON Schema of the arguments
//               .run = [](boost::json::value args) -> boost::asio::awaitable<boost::json::value> {
//                 co_return boost::json::object{{"temp_c", 21}};
//               }});
//   auto r = co_await a.async_run(req, diag);                    // r.response: the final answer
//
// Each turn sends the request with every registered tool. When the answer carries tool calls,
// each call's arguments are parsed and validated against its tool's schema, the handlers run
// concurrently (each with its own timeout), and one `tool` message per call (the result as a
// JSON text) is appended after the assistant message; then the next turn goes out. Handler
// failures, timeouts, invalid arguments and unknown tools are not thrown: they become the call's
// tool output, {"error": {"type": ..., "message": ..., "path": ...}}, for the model to see.
// More than max_turns requests would be needed: errc::turn_limit (the conversation so far in the
// result). Cancelling async_run (terminal) cancels the pending request and every running handler.
//
// Tool handlers run on the client's executor (through a strand of the run); an agent may run
// several conversations at once; it and its client or router must outlive them.

#include <openrouter/error.hpp>
#include <openrouter/structured.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace openrouter {

/// How a completion-handler tool reports: an error_code (its message goes to the model) or a
/// JSON result. It may be invoked from any thread, once. Its associated cancellation slot
/// fires (terminal) on timeout or when the run is cancelled.
using tool_completion = boost::asio::any_completion_handler<void(boost::system::error_code, boost::json::value)>;

struct tool_spec {
  std::string name;  ///< at most 64 of [a-zA-Z0-9_-], unique within an agent
  std::string description{};
  boost::json::value parameters = boost::json::object{{"type", "object"}};  ///< JSON Schema (draft 7)
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  /// Exactly one of these: a coroutine (an exception is the failure), or a function that
  /// completes `done` later.
  std::function<boost::asio::awaitable<boost::json::value>(boost::json::value args)> run{};
  std::function<void(boost::json::value args, tool_completion done)> start{};
};

struct agent_options {
  int max_turns = 8;                ///< requests per run, at most
  bool stream = false;              ///< each turn streamed (tool-call deltas assembled)
  bool require_parameters = true;   ///< provider.require_parameters while tools are sent
  std::optional<bool> parallel_tool_calls{};  ///< sent when set
  /// After a turn with tool calls, a forcing tool_choice ("required" or a named function)
  /// becomes "auto", so the model can answer instead of calling tools until the cap.
  bool relax_tool_choice = true;
  /// Streaming only: every chunk, as it arrives (e.g. to print the text).
  std::function<void(const wire::chat_chunk&)> on_chunk{};
};

/// What happened to one tool call.
struct tool_invocation {
  enum class outcome { ok, failed, timed_out, invalid_arguments, unknown_tool, cancelled };
  std::string id, name;
  boost::json::value arguments;  ///< parsed (null when they were not JSON)
  std::string output;            ///< the tool message's content, as sent
  outcome status = outcome::ok;
  int turn = 0;                  ///< 1-based turn whose answer asked for it
};

const char* to_string(tool_invocation::outcome o) noexcept;

struct agent_result {
  wire::chat_response response;         ///< the last answer (the final one on success)
  std::vector<wire::message> messages;  ///< the conversation: the request's, then each turn's
  int turns = 0;                        ///< requests sent
  std::vector<tool_invocation> calls;   ///< every tool call, in order
};

class agent {
 public:
  explicit agent(chat_target target, agent_options opts = {});
  ~agent();
  agent(const agent&) = delete;
  agent& operator=(const agent&) = delete;

  /// Throws std::invalid_argument for a bad or duplicate name, a schema that does not compile,
  /// or not exactly one handler.
  void add_tool(tool_spec t);

  /// The tool definitions sent with every request.
  std::vector<wire::tool> tools() const;
  const agent_options& options() const noexcept;

  /// Runs the loop on `req` (its own tools are replaced by the registered ones; its tool_choice
  /// is kept). Completes with void(error_code, agent_result); `diag` (which must outlive the
  /// operation) holds the last request's diagnostics.
  template <class Token = boost::asio::deferred_t>
  auto async_run(wire::chat_request req, diagnostics& diag, Token&& token = {}) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, agent_result)>(
        [this](auto h, wire::chat_request r, diagnostics* d) { do_run(std::move(r), *d, handler(std::move(h))); },
        token, std::move(req), &diag);
  }

  struct impl;

 private:
  using handler = boost::asio::any_completion_handler<void(boost::system::error_code, agent_result)>;
  void do_run(wire::chat_request req, diagnostics& diag, handler h);
  std::shared_ptr<impl> impl_;
};

}  // namespace openrouter
