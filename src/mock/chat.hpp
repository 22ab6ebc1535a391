#pragma once
// POST /chat/completions for openrouter-mock: validation, `models` fallback, provider
// preferences, deterministic completions (text, tools, images, annotations, structured
// output, reasoning), streaming scripts and injected faults. Sans-I/O.

#include "content.hpp"
#include "reply.hpp"
#include "state.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace openrouter::mock {
namespace json = boost::json;

/// Request headers the chat handler reads, lower-case names.
using header_map = std::map<std::string, std::string, std::less<>>;

http_reply handle_chat(mock_state& state, std::string_view body, const header_map& headers);

// The completion: one plan feeds the JSON body and the SSE script of every format built on the
// chat pipeline (/chat/completions, /responses), so a stream and a non-streamed call for the
// same request carry the same final content.
struct completion {
  std::string id, model, provider, finish_reason = "stop", native_finish_reason = "stop";
  std::int64_t created = 0;
  std::uint64_t seed = 0;
  std::size_t text_tokens = 0;          ///< generated words (when `fixed` is empty)
  std::vector<std::string> fixed;       ///< explicit content pieces (echo, JSON output)
  std::size_t reasoning_tokens = 0;
  json::array tool_calls, images, annotations;
  json::object usage;
  double cost = 0;
  std::optional<fault> inband;  ///< mid-stream / in-body fault
  pacing pace;

  std::size_t content_pieces() const { return fixed.empty() ? text_tokens : fixed.size(); }
  std::string piece(std::size_t i) const { return fixed.empty() ? token_text(seed, i) : fixed[i]; }
  std::string content(std::size_t n) const {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += piece(i);
    return s;
  }
};

/// A request that passed validation, routing and the pre-stream faults.
struct planned_completion {
  completion c;
  bool stream = false;
  std::chrono::milliseconds stall_before{0};  ///< a stall fault before the status line
};

/// The chat pipeline up to the completion, for a chat-shaped request (messages, model/models,
/// provider, tools...): validation, `models` fallback, routing, the scenario's faults (a
/// pre-stream fault, a reset before any byte or an error is the reply), the plan and the
/// generation record. /responses translates its request and renders the plan its own way.
std::variant<planned_completion, http_reply> plan_completion(mock_state& state, const boost::json::value& chat_request,
                                                            const header_map& headers);

/// The i-th reasoning piece of a completion.
std::string reasoning_text(const completion& c, std::size_t i);
/// The error object of an in-band fault ({code, message, metadata}).
boost::json::object error_object(const fault& f);


}  // namespace openrouter::mock
