#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto chat_choice_fields = std::tuple{
    req("index", &chat_choice::index),
    opt("finish_reason", &chat_choice::finish_reason),
    opt("native_finish_reason", &chat_choice::native_finish_reason),
    opt("message", &chat_choice::message),
    opt("error", &chat_choice::error),
    opt("logprobs", &chat_choice::logprobs),
};
constexpr auto chat_response_fields = std::tuple{
    opt("id", &chat_response::id),
    opt("object", &chat_response::object),
    opt("created", &chat_response::created),
    opt("model", &chat_response::model),
    opt("provider", &chat_response::provider),
    opt("system_fingerprint", &chat_response::system_fingerprint),
    opt("service_tier", &chat_response::service_tier),
    req("choices", &chat_response::choices),
    opt("usage", &chat_response::usage),
    opt("openrouter_metadata", &chat_response::openrouter_metadata),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(chat_choice, chat_choice_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(chat_response, chat_response_fields)

std::string chat_response::text() const {
  return choices.empty() ? std::string() : choices.front().message.text();
}

}  // namespace openrouter::wire
