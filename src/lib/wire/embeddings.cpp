#include "codecs.hpp"

#include <array>
#include <cstring>

namespace openrouter::wire {

namespace {
using namespace detail;

// `input`: a string, an array of strings, or any other JSON kept raw.
struct input_codec {
  static void decode(const json::value& jv, embeddings_input& m, decode_ctx&) {
    if (const auto* s = jv.if_string()) {
      m.emplace<std::string>(s->data(), s->size());
      return;
    }
    if (const auto* a = jv.if_array()) {
      bool all_strings = true;
      for (const auto& x : *a) all_strings = all_strings && x.is_string();
      if (all_strings) {
        auto& v = m.emplace<std::vector<std::string>>();
        v.reserve(a->size());
        for (const auto& x : *a) v.emplace_back(x.get_string());
        return;
      }
    }
    m.emplace<json::value>(jv, json::storage_ptr());  // a copy of its own: jv lives in the parse arena
  }
  static json::value encode(const embeddings_input& m, const encode_tag& t) {
    if (const auto* s = std::get_if<std::string>(&m)) return json::value(json::string_view(*s), t.sp);
    if (const auto* v = std::get_if<std::vector<std::string>>(&m)) {
      json::array a(t.sp);
      a.reserve(v->size());
      for (const auto& s : *v) a.emplace_back(s);
      return a;
    }
    return json::value(std::get<json::value>(m), t.sp);
  }
};

// `embedding`: an array of numbers, or base64 of little-endian float32 values.
struct vector_codec {
  static void decode(const json::value& jv, std::vector<float>& m, decode_ctx& c) {
    m.clear();
    if (jv.is_null()) return;
    if (const auto* s = jv.if_string()) {
      decode_errc e{};
      if (!decode_base64_floats(*s, m, e)) c.fail(e);
      return;
    }
    const auto* a = jv.if_array();
    if (a == nullptr) return c.fail(decode_errc::unexpected_kind);
    m.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto& x = (*a)[i];
      if (!x.is_number()) {
        m.clear();
        c.fail(decode_errc::expected_number);
        return c.in_index(i);
      }
      m.push_back(static_cast<float>(x.to_number<double>()));
    }
  }
  static json::value encode(const std::vector<float>& m, const encode_tag& t) {
    json::array a(t.sp);
    a.reserve(m.size());
    for (float f : m) a.emplace_back(static_cast<double>(f));
    return a;
  }
};

constexpr auto embeddings_request_fields = std::tuple{
    req("model", &embeddings_request::model),
    field<embeddings_request, embeddings_input, input_codec>{"input", &embeddings_request::input, true},
    opt("encoding_format", &embeddings_request::encoding_format),
    opt("dimensions", &embeddings_request::dimensions),
    opt("input_type", &embeddings_request::input_type),
    opt("provider", &embeddings_request::provider),
    opt("user", &embeddings_request::user),
};
constexpr auto embedding_fields = std::tuple{
    opt("object", &embedding::object),
    with<vector_codec>("embedding", &embedding::embedding),
    opt("index", &embedding::index),
};
constexpr auto embeddings_token_details_fields = std::tuple{
    opt("text_tokens", &embeddings_token_details::text_tokens),
    opt("image_tokens", &embeddings_token_details::image_tokens),
    opt("audio_tokens", &embeddings_token_details::audio_tokens),
    opt("video_tokens", &embeddings_token_details::video_tokens),
    opt("file_tokens", &embeddings_token_details::file_tokens),
};
constexpr auto embeddings_usage_fields = std::tuple{
    req("prompt_tokens", &embeddings_usage::prompt_tokens),
    req("total_tokens", &embeddings_usage::total_tokens),
    opt("cost", &embeddings_usage::cost),
    opt("is_byok", &embeddings_usage::is_byok),
    opt("cost_details", &embeddings_usage::cost_details),
    opt("prompt_tokens_details", &embeddings_usage::prompt_tokens_details),
};
constexpr auto embeddings_response_fields = std::tuple{
    opt("id", &embeddings_response::id),
    opt("object", &embeddings_response::object),
    opt("data", &embeddings_response::data),
    opt("model", &embeddings_response::model),
    opt("usage", &embeddings_response::usage),
};

// 255: not a base64 character.
constexpr std::array<unsigned char, 256> base64_table() {
  std::array<unsigned char, 256> t{};
  for (auto& x : t) x = 255;
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<unsigned char>(i);
  return t;
}

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(embeddings_request, embeddings_request_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(embedding, embedding_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(embeddings_token_details, embeddings_token_details_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(embeddings_usage, embeddings_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(embeddings_response, embeddings_response_fields)

std::optional<std::size_t> embeddings_request::input_count() const noexcept {
  if (std::holds_alternative<std::string>(input)) return 1;
  if (const auto* v = std::get_if<std::vector<std::string>>(&input)) return v->size();
  return std::nullopt;
}

bool decode_base64_floats(std::string_view b64, std::vector<float>& out, decode_errc& err) {
  static constexpr auto table = base64_table();
  out.clear();
  // Padding: at most two '=' at the end, and only where a full quantum would end.
  std::size_t len = b64.size();
  std::size_t pad = 0;
  while (len > 0 && b64[len - 1] == '=' && pad < 2) --len, ++pad;
  for (std::size_t i = 0; i < len; ++i)
    if (table[static_cast<unsigned char>(b64[i])] == 255) {
      err = decode_errc::invalid_base64;
      return false;
    }
  if ((pad > 0 && b64.size() % 4 != 0) || len % 4 == 1) {
    err = decode_errc::invalid_base64;
    return false;
  }
  const std::size_t bytes = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
  if (bytes % 4 != 0) {
    err = decode_errc::bad_vector_length;
    return false;
  }
  std::string raw;
  raw.reserve(bytes);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < len; ++i) {
    unsigned char v = table[static_cast<unsigned char>(b64[i])];
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Left-over bits of the last character must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    err = decode_errc::invalid_base64;
    return false;
  }
  out.resize(raw.size() / 4);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data() + i * 4);
    std::uint32_t u = std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
    float f;
    std::memcpy(&f, &u, sizeof f);
    out[i] = f;
  }
  return true;
}

}  // namespace openrouter::wire
