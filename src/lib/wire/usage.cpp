#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto prompt_token_details_fields = std::tuple{
    opt("cached_tokens", &prompt_token_details::cached_tokens),
    opt("cache_write_tokens", &prompt_token_details::cache_write_tokens),
    opt("audio_tokens", &prompt_token_details::audio_tokens),
    opt("video_tokens", &prompt_token_details::video_tokens),
};
constexpr auto completion_token_details_fields = std::tuple{
    opt("reasoning_tokens", &completion_token_details::reasoning_tokens),
    opt("audio_tokens", &completion_token_details::audio_tokens),
    opt("image_tokens", &completion_token_details::image_tokens),
    opt("accepted_prediction_tokens", &completion_token_details::accepted_prediction_tokens),
    opt("rejected_prediction_tokens", &completion_token_details::rejected_prediction_tokens),
};
constexpr auto cost_breakdown_fields = std::tuple{
    opt("upstream_inference_cost", &cost_breakdown::upstream_inference_cost),
    opt("upstream_inference_prompt_cost", &cost_breakdown::upstream_inference_prompt_cost),
    opt("upstream_inference_completions_cost",
        &cost_breakdown::upstream_inference_completions_cost),
};
constexpr auto server_tool_usage_fields = std::tuple{
    opt("web_search_requests", &server_tool_usage::web_search_requests),
    opt("tool_calls_requested", &server_tool_usage::tool_calls_requested),
    opt("tool_calls_executed", &server_tool_usage::tool_calls_executed),
};
constexpr auto chat_usage_fields = std::tuple{
    req("prompt_tokens", &chat_usage::prompt_tokens),
    req("completion_tokens", &chat_usage::completion_tokens),
    req("total_tokens", &chat_usage::total_tokens),
    opt("prompt_tokens_details", &chat_usage::prompt_tokens_details),
    opt("completion_tokens_details", &chat_usage::completion_tokens_details),
    opt("cost", &chat_usage::cost),
    opt("is_byok", &chat_usage::is_byok),
    opt("cost_details", &chat_usage::cost_details),
    opt("server_tool_use_details", &chat_usage::server_tool_use_details),
    opt("server_tool_use", &chat_usage::server_tool_use),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(prompt_token_details, prompt_token_details_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(completion_token_details, completion_token_details_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(cost_breakdown, cost_breakdown_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(server_tool_usage, server_tool_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(chat_usage, chat_usage_fields)

const server_tool_usage* chat_usage::server_tools() const noexcept {
  if (server_tool_use_details) return &*server_tool_use_details;
  if (server_tool_use) return &*server_tool_use;
  return nullptr;
}

}  // namespace openrouter::wire
