#pragma once
// Token and cost accounting of a completion (spec ChatUsage). Counts use the model's native
// tokenizer; cost is in credits (USD).
#include <openrouter/wire/json.hpp>

#include <cstdint>
#include <optional>

namespace openrouter::wire {

struct prompt_token_details {
  std::optional<std::int64_t> cached_tokens{};       // read from cache
  std::optional<std::int64_t> cache_write_tokens{};  // written to cache (explicit-caching models)
  std::optional<std::int64_t> audio_tokens{};
  std::optional<std::int64_t> video_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(prompt_token_details);

struct completion_token_details {
  std::optional<std::int64_t> reasoning_tokens{};
  std::optional<std::int64_t> audio_tokens{};
  std::optional<std::int64_t> image_tokens{};
  std::optional<std::int64_t> accepted_prediction_tokens{};
  std::optional<std::int64_t> rejected_prediction_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(completion_token_details);

struct cost_breakdown {
  std::optional<double> upstream_inference_cost{};  // BYOK only
  std::optional<double> upstream_inference_prompt_cost{};
  std::optional<double> upstream_inference_completions_cost{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(cost_breakdown);

struct server_tool_usage {
  std::optional<std::int64_t> web_search_requests{};
  std::optional<std::int64_t> tool_calls_requested{};
  std::optional<std::int64_t> tool_calls_executed{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(server_tool_usage);

struct chat_usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<prompt_token_details> prompt_tokens_details{};
  std::optional<completion_token_details> completion_tokens_details{};
  std::optional<double> cost{};
  std::optional<bool> is_byok{};
  std::optional<cost_breakdown> cost_details{};
  std::optional<server_tool_usage> server_tool_use_details{};
  std::optional<server_tool_usage> server_tool_use{};  // legacy name of server_tool_use_details
  boost::json::object extra{};

  /// server_tool_use_details, else the legacy server_tool_use; nullptr when neither was sent.
  const server_tool_usage* server_tools() const noexcept;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(chat_usage);

}  // namespace openrouter::wire
