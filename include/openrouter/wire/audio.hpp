#pragma once
// POST /audio/speech (JSON in, audio bytes out) and POST /audio/transcriptions (a multipart
// upload in, JSON out).
#include <openrouter/wire/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace openrouter::wire {

struct speech_request {
  std::string model{};
  std::string input{};                         ///< the text to speak
  std::optional<std::string> voice{};
  std::optional<std::string> response_format{};  ///< "mp3" or "pcm" (the server's default: pcm)
  std::optional<double> speed{};
  std::optional<std::string> user{};
  std::optional<std::string> session_id{};
  boost::json::object extra{};  ///< provider, input_references, ... as given
};
OPENROUTER_WIRE_JSON_CONVERSIONS(speech_request);

/// The answer of /audio/speech: not JSON, the audio itself.
struct speech_audio {
  std::string content_type{};  ///< "audio/mpeg", "audio/pcm", "audio/wav", ...
  std::string bytes{};  ///< the whole body (diagnostics::generation_id names the generation)
};

/// The fields of a multipart/form-data transcription upload (not JSON: see async_transcription).
struct transcription_request {
  std::string model{};
  std::string file_name{};     ///< e.g. "speech.wav": the server derives the format from it
  std::string file_bytes{};
  std::string file_content_type{};  ///< empty: application/octet-stream
  std::optional<std::string> language{};         ///< ISO-639-1
  std::optional<std::string> response_format{};  ///< "json" (default) or "verbose_json"
  std::optional<double> temperature{};
  std::vector<std::string> timestamp_granularities{};  ///< "word", "segment" (verbose_json)
  /// Other form fields, sent as given (session_id, user, ...).
  std::vector<std::pair<std::string, std::string>> fields{};
};

struct transcription_segment {
  std::int64_t id = 0;
  double start = 0;
  double end = 0;
  std::string text{};
  std::optional<std::int64_t> speaker{};
  boost::json::object extra{};  ///< avg_logprob, tokens, ... as sent
};
OPENROUTER_WIRE_JSON_CONVERSIONS(transcription_segment);

struct transcription_word {
  std::string word{};
  double start = 0;
  double end = 0;
  std::optional<std::int64_t> speaker{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(transcription_word);

struct transcription_usage {
  std::optional<double> cost{};  ///< credits (USD) charged
  std::optional<double> seconds{};
  std::optional<std::int64_t> input_tokens{};
  std::optional<std::int64_t> output_tokens{};
  std::optional<std::int64_t> total_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(transcription_usage);

struct transcription {
  std::string text{};
  std::optional<std::string> language{};
  std::optional<double> duration{};  ///< seconds
  std::optional<std::string> task{};
  std::vector<transcription_segment> segments{};  ///< verbose_json
  std::vector<transcription_word> words{};        ///< verbose_json with "word" granularity
  std::optional<transcription_usage> usage{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(transcription);

}  // namespace openrouter::wire
