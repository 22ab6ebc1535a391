#include "chat_chunk_fast.hpp"
#include <openrouter/wire/output.hpp>
#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto function_delta_fields = std::tuple{
    opt("name", &function_delta::name),
    opt("arguments", &function_delta::arguments),
};
constexpr auto tool_call_delta_fields = std::tuple{
    opt("index", &tool_call_delta::index),
    opt("id", &tool_call_delta::id),
    opt("type", &tool_call_delta::type),
    opt("function", &tool_call_delta::function),
};
constexpr auto chunk_delta_fields = std::tuple{
    opt("role", &chunk_delta::role),
    opt("content", &chunk_delta::content),
    opt("reasoning", &chunk_delta::reasoning),
    opt("reasoning_details", &chunk_delta::reasoning_details),
    opt("refusal", &chunk_delta::refusal),
    opt("tool_calls", &chunk_delta::tool_calls),
    opt("images", &chunk_delta::images),
    opt("audio", &chunk_delta::audio),
    opt("annotations", &chunk_delta::annotations),
};
constexpr auto chunk_choice_fields = std::tuple{
    req("index", &chunk_choice::index),
    opt("delta", &chunk_choice::delta),
    opt("finish_reason", &chunk_choice::finish_reason),
    opt("native_finish_reason", &chunk_choice::native_finish_reason),
    opt("logprobs", &chunk_choice::logprobs),
};
constexpr auto chat_chunk_fields = std::tuple{
    opt("id", &chat_chunk::id),
    opt("object", &chat_chunk::object),
    opt("created", &chat_chunk::created),
    opt("model", &chat_chunk::model),
    opt("provider", &chat_chunk::provider),
    opt("system_fingerprint", &chat_chunk::system_fingerprint),
    opt("service_tier", &chat_chunk::service_tier),
    req("choices", &chat_chunk::choices),
    opt("usage", &chat_chunk::usage),
    opt("error", &chat_chunk::error),
    opt("openrouter_metadata", &chat_chunk::openrouter_metadata),
    opt("debug", &chat_chunk::debug),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(function_delta, function_delta_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(tool_call_delta, tool_call_delta_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(chunk_delta, chunk_delta_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(chunk_choice, chunk_choice_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(chat_chunk, chat_chunk_fields)

void detail::parse_chat_chunk_dom(std::string_view json, chat_chunk& out, boost::system::error_code& ec) {
  decode_error err;
  detail::parse_dom(json, out, err);
  ec = err.code;
}

// The chunk's own SAX fast path takes the common chunk shape reusing `out`'s capacity; the other
// chunks go to detail::parse (the generic SAX decoder, else the DOM decoder, which defines the
// result and the error). A chunk the fast path gives up on costs its partial parse on top (+12-38%
// measured), and a stream's chunks come in runs of one shape (tool-call fragments, reasoning
// details): so when the reused `out` shows that the previous chunk needed more than the fast
// path, this one skips it.
void parse_chat_chunk(std::string_view json, chat_chunk& out, boost::system::error_code& ec) {
  if (!detail::holds_dom_only_content(out) && detail::parse_chat_chunk_fast(json, out)) {
    ec = {};
    return;
  }
  decode_error err;
  detail::parse(json, out, err);
  ec = err.code;
}

bool has_output(const chat_chunk& c) noexcept {
  for (const auto& ch : c.choices) {
    const auto& d = ch.delta;
    if ((d.content && !d.content->empty()) || (d.reasoning && !d.reasoning->empty()) || !d.tool_calls.empty() ||
        !d.images.empty() || (d.refusal && !d.refusal->empty()))
      return true;
  }
  return false;
}

std::string_view chat_chunk::text(std::int64_t index) const noexcept {
  for (const auto& c : choices)
    if (c.index == index) return c.delta.content ? std::string_view(*c.delta.content) : std::string_view();
  return {};
}

}  // namespace openrouter::wire
