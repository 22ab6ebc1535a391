#include "audio.hpp"

#include "content.hpp"
#include "errors.hpp"
#include "multipart.hpp"
#include "inference_route.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

// USD per input character.
constexpr route_model k_speech_models[] = {
    {"openai/gpt-4o-mini-tts", "OpenAI", 0.000012},
    {"mistralai/voxtral-mini-tts-2603", "Mistral", 0.000016},
};
// USD per second of audio.
constexpr route_model k_transcription_models[] = {
    {"openai/whisper-large-v3", "OpenAI", 0.0001},
    {"openai/gpt-4o-transcribe", "OpenAI", 0.0001},
};
constexpr std::uint32_t k_sample_rate = 24000;
constexpr std::size_t k_max_speech_ms = 10000;

http_reply bad(std::string message) { return error_reply(400, message, "invalid_request"); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void put_le(std::string& s, std::uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string wav_header(std::uint32_t data_bytes) {
  std::string h = "RIFF";
  put_le(h, 36 + data_bytes, 4);
  h += "WAVEfmt ";
  put_le(h, 16, 4);                   // fmt chunk size
  put_le(h, 1, 2);                    // PCM
  put_le(h, 1, 2);                    // mono
  put_le(h, k_sample_rate, 4);
  put_le(h, k_sample_rate * 2, 4);    // byte rate
  put_le(h, 2, 2);                    // block align
  put_le(h, 16, 2);                   // bits per sample
  h += "data";
  put_le(h, data_bytes, 4);
  return h;
}

// Silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, no padding: 417 bytes, 26 ms each);
// all-zero side information and main data decode to silence.
std::string silent_mp3(std::size_t ms) {
  std::string out;
  const std::size_t frames = std::max<std::size_t>(1, ms / 26);
  for (std::size_t i = 0; i < frames; ++i) {
    out += std::string("\xFF\xFB\x90\x64", 4);
    out.append(417 - 4, '\0');
  }
  return out;
}

// Seconds of audio in `bytes`: a WAV header's data size over its byte rate, else 32,000 bytes a second.
double duration_of(std::string_view bytes) {
  if (bytes.size() >= 44 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WAVE") {
    auto le32 = [&](std::size_t at) {
      std::uint32_t v = 0;
      for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
      return v;
    };
    const std::uint32_t byte_rate = le32(28);
    if (byte_rate > 0) return static_cast<double>(std::min<std::size_t>(le32(40), bytes.size() - 44)) / byte_rate;
  }
  return static_cast<double>(bytes.size()) / 32000.0;
}

struct upload {
  std::string model, file_name, audio, language = "en", response_format = "json";
  std::vector<std::string> granularities;
};

std::optional<http_reply> read_multipart(std::string_view content_type, std::string_view body, upload& u) {
  std::string error;
  auto parts = parse_multipart(content_type, body, error);
  if (!parts) return bad("Invalid multipart/form-data body: " + error);
  bool has_file = false;
  for (auto& p : *parts) {
    if (p.name == "file") {
      if (!p.filename) return bad("file: expected a file part (with a filename)");
      has_file = true;
      u.file_name = *p.filename;
      u.audio = std::move(p.data);
    } else if (p.name == "model") {
      u.model = std::move(p.data);
    } else if (p.name == "language") {
      u.language = std::move(p.data);
    } else if (p.name == "response_format") {
      u.response_format = std::move(p.data);
    } else if (p.name == "timestamp_granularities[]") {
      // One value a field; the official SDK sends the list in one field, comma-separated.
      for (std::size_t at = 0; at <= p.data.size();) {
        std::size_t comma = std::min(p.data.find(',', at), p.data.size());
        u.granularities.push_back(p.data.substr(at, comma - at));
        at = comma + 1;
      }
    }
  }
  if (!has_file) return bad("file: Required");
  return std::nullopt;
}

std::optional<http_reply> read_json(std::string_view body, upload& u) {
  boost::system::error_code ec;
  json::value req = json::parse(body, ec);
  if (ec || !req.is_object()) return bad("Invalid JSON body");
  const auto& o = req.as_object();
  if (const auto* m = o.if_contains("model"); m && m->is_string()) u.model = m->as_string();
  const auto* in = o.if_contains("input_audio");
  const auto* data = in && in->is_object() ? in->as_object().if_contains("data") : nullptr;
  const auto* format = in && in->is_object() ? in->as_object().if_contains("format") : nullptr;
  if (!data || !data->is_string() || !format || !format->is_string()) return bad("input_audio: Required ({data, format})");
  std::string_view b64 = data->as_string();
  if (b64.size() % 4 != 0) return bad("input_audio.data: invalid base64");
  std::string raw(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()), reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return bad("input_audio.data: invalid base64");
  std::size_t pad = b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0;
  raw.resize(static_cast<std::size_t>(n) - pad);
  u.audio = std::move(raw);
  u.file_name = "audio." + std::string(format->as_string());
  if (const auto* l = o.if_contains("language"); l && l->is_string()) u.language = l->as_string();
  if (const auto* f = o.if_contains("response_format"); f && f->is_string()) u.response_format = f->as_string();
  if (const auto* g = o.if_contains("timestamp_granularities"); g && g->is_array())
    for (const auto& x : g->as_array())
      if (x.is_string()) u.granularities.emplace_back(x.as_string());
  return std::nullopt;
}

}  // namespace

http_reply handle_speech(mock_state& state, std::string_view body) {
  auto parsed = parse_model_request(body);
  if (auto* e = std::get_if<http_reply>(&parsed)) return std::move(*e);
  const auto& o = std::get<json::object>(parsed);
  const std::string_view id = o.at("model").as_string();
  const auto* input = o.if_contains("input");
  if (!input || !input->is_string() || input->as_string().empty()) return bad("input: Required (a non-empty string)");
  std::string format = "pcm";
  if (const auto* f = o.if_contains("response_format"); f && !f->is_null()) {
    if (!f->is_string() || (f->as_string() != "pcm" && f->as_string() != "mp3" && f->as_string() != "wav"))
      return bad("response_format: expected \"mp3\" or \"pcm\"");
    format = f->as_string();
  }
  auto found = find_route_model(k_speech_models, id, "speech");
  if (auto* e = std::get_if<http_reply>(&found)) return std::move(*e);
  const route_model* m = std::get<const route_model*>(found);
  auto drawn = draw_route_fault(state, id, m->provider, input->as_string());
  if (drawn.reply) return std::move(*drawn.reply);

  const std::size_t ms = std::min(k_max_speech_ms, 60 * input->as_string().size());
  const auto samples = static_cast<std::uint32_t>(k_sample_rate * ms / 1000);
  http_reply reply;
  if (format == "mp3") {
    reply.content_type = "audio/mpeg";
    reply.body = silent_mp3(ms);
  } else {
    reply.content_type = format == "wav" ? "audio/wav" : "audio/pcm";
    if (format == "wav") reply.body = wav_header(samples * 2);
    reply.body.append(samples * 2, '\0');
  }
  reply.headers.emplace_back("X-Generation-Id", state.new_generation_id(unix_now()));
  apply_fault(drawn.hit, reply);
  return reply;
}

http_reply handle_transcription(mock_state& state, std::string_view content_type, std::string_view body) {
  upload u;
  std::string_view type = content_type.substr(0, content_type.find(';'));
  std::optional<http_reply> err;
  if (type.find("multipart/form-data") != std::string_view::npos) err = read_multipart(content_type, body, u);
  else if (type.find("application/json") != std::string_view::npos) err = read_json(body, u);
  else return bad("Content-Type: expected multipart/form-data or application/json");
  if (err) return std::move(*err);
  if (u.model.empty()) return bad("model: Required");
  if (u.audio.empty()) return bad("file: the audio is empty");
  if (u.response_format != "json" && u.response_format != "verbose_json")
    return bad("response_format: expected \"json\" or \"verbose_json\"");
  auto found = find_route_model(k_transcription_models, u.model, "transcription");
  if (auto* e = std::get_if<http_reply>(&found)) return std::move(*e);
  const route_model* m = std::get<const route_model*>(found);
  auto drawn = draw_route_fault(state, u.model, m->provider, u.file_name);
  if (drawn.reply) return std::move(*drawn.reply);

  const double seconds = std::round(duration_of(u.audio) * 1000) / 1000;
  const std::uint64_t seed = fnv1a(u.audio);
  // About two words a second, at least one.
  const auto count = std::max<std::size_t>(1, static_cast<std::size_t>(seconds * 2));
  std::string text;
  json::array words, segments;
  const double step = seconds / static_cast<double>(count);
  std::string segment;
  double segment_start = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::string w = token_text(seed, i);
    text += w;
    segment += w;
    const double start = step * static_cast<double>(i), end = step * static_cast<double>(i + 1);
    words.push_back(json::object{{"word", std::string_view(w).substr(w.front() == ' ' ? 1 : 0)}, {"start", start}, {"end", end}});
    if ((i + 1) % 8 == 0 || i + 1 == count) {
      segments.push_back(json::object{{"id", static_cast<std::int64_t>(segments.size())},
                                      {"start", segment_start},
                                      {"end", end},
                                      {"text", segment}});
      segment.clear();
      segment_start = end;
    }
  }
  const auto output_tokens = static_cast<std::int64_t>(count);
  const auto input_tokens = static_cast<std::int64_t>(std::ceil(seconds * 10));
  json::object answer{{"text", text},
                      {"usage", json::object{{"seconds", seconds},
                                             {"input_tokens", input_tokens},
                                             {"output_tokens", output_tokens},
                                             {"total_tokens", input_tokens + output_tokens},
                                             {"cost", seconds * m->price}}}};
  if (u.response_format == "verbose_json") {
    answer["task"] = "transcribe";
    answer["language"] = u.language;
    answer["duration"] = seconds;
    answer["segments"] = std::move(segments);
    if (std::find(u.granularities.begin(), u.granularities.end(), "word") != u.granularities.end())
      answer["words"] = std::move(words);
  }
  http_reply reply;
  reply.body = json::serialize(answer);
  reply.headers.emplace_back("X-Generation-Id", state.new_generation_id(unix_now()));
  apply_fault(drawn.hit, reply);
  return reply;
}

}  // namespace openrouter::mock
