#include "embeddings.hpp"

#include "errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

constexpr std::size_t k_max_dimensions = 8192;
constexpr std::size_t k_max_inputs = 2048;

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<float> vector_of(std::string_view input, std::size_t dims) {
  std::uint64_t state = fnv1a(input);
  std::vector<double> v(dims);
  double norm = 0;
  for (auto& x : v) {
    x = static_cast<double>(splitmix(state) >> 11) / 9007199254740992.0 * 2 - 1;
    norm += x * x;
  }
  norm = std::sqrt(norm);
  std::vector<float> out(dims);
  for (std::size_t i = 0; i < dims; ++i) out[i] = static_cast<float>(norm > 0 ? v[i] / norm : 0);
  return out;
}

std::string base64_floats(const std::vector<float>& v) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes(v.size() * 4, '\0');
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &v[i], 4);
    for (int b = 0; b < 4; ++b) bytes[i * 4 + b] = static_cast<char>((bits >> (8 * b)) & 0xff);  // little-endian
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? k_alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? k_alphabet[n & 63] : '=';
  }
  return out;
}

bool is_number_array(const json::value& v) {
  if (!v.is_array() || v.as_array().empty()) return false;
  for (const auto& x : v.as_array())
    if (!x.is_number()) return false;
  return true;
}

// One input: its identity (what its vector derives from) and its token count.
struct input_item {
  std::string key;
  std::int64_t tokens;
};

std::int64_t text_tokens(std::string_view s) { return std::max<std::int64_t>(1, (static_cast<std::int64_t>(s.size()) + 3) / 4); }

// The inputs of `input` (the spec's five shapes), or an error message.
std::optional<std::vector<input_item>> inputs_of(const json::value& input, std::string& error) {
  std::vector<input_item> out;
  if (input.is_string()) {
    if (input.as_string().empty()) return error = "input: must not be empty", std::nullopt;
    out.push_back({std::string(input.as_string()), text_tokens(input.as_string())});
    return out;
  }
  if (!input.is_array() || input.as_array().empty())
    return error = "input: expected a non-empty string or a non-empty array", std::nullopt;
  const auto& a = input.as_array();
  if (is_number_array(input)) {  // one input given as tokens
    out.push_back({json::serialize(input), static_cast<std::int64_t>(a.size())});
    return out;
  }
  if (a.size() > k_max_inputs) return error = "input: at most 2048 inputs per request", std::nullopt;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& item = a[i];
    const std::string at = "input[" + std::to_string(i) + "]";
    if (item.is_string()) {
      if (item.as_string().empty()) return error = at + ": must not be empty", std::nullopt;
      out.push_back({std::string(item.as_string()), text_tokens(item.as_string())});
    } else if (is_number_array(item)) {
      out.push_back({json::serialize(item), static_cast<std::int64_t>(item.as_array().size())});
    } else if (item.is_object() && item.as_object().contains("content") && item.at("content").is_array() &&
               !item.at("content").as_array().empty()) {
      std::int64_t tokens = 0;
      for (const auto& part : item.at("content").as_array()) {
        const auto* text = part.is_object() ? part.as_object().if_contains("text") : nullptr;
        tokens += text && text->is_string() ? text_tokens(text->as_string()) : 85;  // a media part
      }
      out.push_back({json::serialize(item), tokens});
    } else {
      return error = at + ": expected a string, an array of token ids or {content: [...]}", std::nullopt;
    }
  }
  return out;
}

bool outputs_embeddings(const model_info& m) {
  const auto* arch = m.json.if_contains("architecture");
  const auto* out = arch && arch->is_object() ? arch->as_object().if_contains("output_modalities") : nullptr;
  if (!out || !out->is_array()) return false;
  for (const auto& x : out->as_array())
    if (x.is_string() && x.as_string() == "embeddings") return true;
  return false;
}

}  // namespace

http_reply handle_embeddings(mock_state& state, std::string_view body) {
  boost::system::error_code ec;
  json::value req = json::parse(body, ec);
  if (ec || !req.is_object()) return error_reply(400, "Invalid JSON body", "invalid_request");
  const auto& o = req.as_object();
  const auto* model = o.if_contains("model");
  if (!model || !model->is_string() || model->as_string().empty())
    return error_reply(400, "model: Required", "invalid_request");
  const auto* input = o.if_contains("input");
  if (!input) return error_reply(400, "input: Required", "invalid_request");
  std::string format = "float";
  if (const auto* f = o.if_contains("encoding_format")) {
    if (!f->is_string() || (f->as_string() != "float" && f->as_string() != "base64"))
      return error_reply(400, "encoding_format: expected \"float\" or \"base64\"", "invalid_request");
    format = f->as_string();
  }
  std::size_t dims = default_embedding_dimensions;
  if (const auto* d = o.if_contains("dimensions")) {
    if (!d->is_int64() && !d->is_uint64()) return error_reply(400, "dimensions: expected an integer", "invalid_request");
    auto n = d->is_int64() ? d->as_int64() : static_cast<std::int64_t>(std::min<std::uint64_t>(d->as_uint64(), INT64_MAX));
    if (n < 1 || n > static_cast<std::int64_t>(k_max_dimensions))
      return error_reply(400, "dimensions: expected 1 to 8192", "invalid_request");
    dims = static_cast<std::size_t>(n);
  }
  std::string error;
  auto items = inputs_of(*input, error);
  if (!items) return error_reply(400, error, "invalid_request");
  // "fault/..." names (and a scenario's faults) fail as chat's do before any output; a fault
  // name that draws no fault is served by the default embedding model.
  if (auto e = drawn_error(state, model->as_string(), "OpenAI")) return std::move(*e);
  std::string err;
  const bool fault_name = parse_fault_model(model->as_string(), err).has_value();
  const model_info* m = state.models().find(fault_name ? std::string_view("openai/text-embedding-3-small")
                                                       : std::string_view(model->as_string()));
  if (!m) return error_reply(404, "Model " + std::string(model->as_string()) + " not found", "not_found");
  if (!outputs_embeddings(*m))
    return error_reply(404, "No endpoints found that support embeddings for " + std::string(model->as_string()),
                       "not_found");

  json::array data;
  data.reserve(items->size());
  std::int64_t tokens = 0;
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto v = vector_of((*items)[i].key, dims);
    tokens += (*items)[i].tokens;
    json::value embedding;
    if (format == "base64") {
      embedding = base64_floats(v);
    } else {
      json::array floats;
      floats.reserve(v.size());
      for (float x : v) floats.emplace_back(static_cast<double>(x));
      embedding = std::move(floats);
    }
    data.push_back(json::object{{"object", "embedding"}, {"embedding", std::move(embedding)},
                                {"index", static_cast<std::int64_t>(i)}});
  }
  char id[32];
  std::snprintf(id, sizeof id, "embd-%016llx", static_cast<unsigned long long>(fnv1a(body)));
  return ok_json(json::object{
      {"id", id},
      {"object", "list"},
      {"data", std::move(data)},
      {"model", m->json.at("id")},
      {"usage", json::object{{"prompt_tokens", tokens},
                             {"total_tokens", tokens},
                             {"cost", static_cast<double>(tokens) * m->prompt_price}}}});
}

http_reply handle_embedding_models(const mock_state& state) {
  std::string error;
  auto body = state.models().list({{"output_modalities", "embeddings"}}, error);
  if (!body) return error_reply(500, error);
  return ok_json(*body);
}

}  // namespace openrouter::mock
