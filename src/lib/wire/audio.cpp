#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto speech_request_fields = std::tuple{
    req("model", &speech_request::model),
    req("input", &speech_request::input),
    opt("voice", &speech_request::voice),
    opt("response_format", &speech_request::response_format),
    opt("speed", &speech_request::speed),
    opt("user", &speech_request::user),
    opt("session_id", &speech_request::session_id),
};
constexpr auto transcription_segment_fields = std::tuple{
    req("id", &transcription_segment::id),
    req("start", &transcription_segment::start),
    req("end", &transcription_segment::end),
    req("text", &transcription_segment::text),
    opt("speaker", &transcription_segment::speaker),
};
constexpr auto transcription_word_fields = std::tuple{
    req("word", &transcription_word::word),
    req("start", &transcription_word::start),
    req("end", &transcription_word::end),
    opt("speaker", &transcription_word::speaker),
};
constexpr auto transcription_usage_fields = std::tuple{
    opt("cost", &transcription_usage::cost),
    opt("seconds", &transcription_usage::seconds),
    opt("input_tokens", &transcription_usage::input_tokens),
    opt("output_tokens", &transcription_usage::output_tokens),
    opt("total_tokens", &transcription_usage::total_tokens),
};
constexpr auto transcription_fields = std::tuple{
    req("text", &transcription::text),
    opt("language", &transcription::language),
    opt("duration", &transcription::duration),
    opt("task", &transcription::task),
    opt("segments", &transcription::segments),
    opt("words", &transcription::words),
    opt("usage", &transcription::usage),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(speech_request, speech_request_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(transcription_segment, transcription_segment_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(transcription_word, transcription_word_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(transcription_usage, transcription_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(transcription, transcription_fields)

}  // namespace openrouter::wire
