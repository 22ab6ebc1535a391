#pragma once
// The 200 body of a non-streaming POST /chat/completions (spec ChatResult, reference §3).
// A 200 can still carry a failure: check choices[i].error and finish_reason == "error".
#include <openrouter/wire/error_body.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/usage.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

struct chat_choice {
  std::int64_t index = 0;
  std::optional<std::string> finish_reason{};         // tool_calls|stop|length|content_filter|error
  std::optional<std::string> native_finish_reason{};  // the provider's raw value
  wire::message message{};
  std::optional<api_error> error{};  // a provider error cut generation short
  boost::json::value logprobs{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chat_choice);

struct chat_response {
  std::string id{};  // generation id ("gen-..."), for GET /generation?id=
  std::string object{};
  std::optional<std::int64_t> created{};  // unix seconds
  std::string model{};                    // the model actually used (after fallback/routing)
  std::string provider{};                 // provider display name
  std::optional<std::string> system_fingerprint{};
  std::optional<std::string> service_tier{};
  std::vector<chat_choice> choices{};
  std::optional<chat_usage> usage{};
  boost::json::value openrouter_metadata{};  // with X-OpenRouter-Metadata: enabled
  boost::json::object extra{};

  /// The text of choice 0 (string content, or its text parts concatenated); "" when none.
  std::string text() const;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chat_response);

}  // namespace openrouter::wire
