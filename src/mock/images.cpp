#include "images.hpp"

#include "content.hpp"
#include "errors.hpp"
#include "inference_route.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

constexpr std::int64_t k_max_images = 10;
constexpr std::int64_t k_image_tokens = 1290;  // completion tokens per generated image
constexpr std::string_view k_aspect_ratios[] = {"1:1", "1:2", "1:4", "1:8", "2:1", "2:3", "3:2", "3:4",
                                                "4:1", "4:3", "4:5", "5:4", "8:1", "9:16", "16:9", "9:19.5",
                                                "19.5:9", "9:20", "20:9", "9:21", "21:9", "auto"};
constexpr std::string_view k_resolutions[] = {"512", "1K", "2K", "4K"};

http_reply bad(std::string message) { return error_reply(400, message, "invalid_request"); }

bool outputs_image(const model_info& m) { return std::find(m.output_modalities.begin(), m.output_modalities.end(), "image") != m.output_modalities.end(); }

// USD per generated image: the model's per-request price, else its completion price per token.
double price_per_image(const model_info& m) {
  const auto* pricing = m.json.if_contains("pricing");
  const auto* request = pricing && pricing->is_object() ? pricing->as_object().if_contains("request") : nullptr;
  double per_request = 0;
  if (request && request->is_string()) {
    std::string_view s = request->as_string();
    std::from_chars(s.data(), s.data() + s.size(), per_request);
  }
  return per_request > 0 ? per_request : m.completion_price * static_cast<double>(k_image_tokens);
}

template <std::size_t N>
bool one_of(const json::value& v, const std::string_view (&allowed)[N]) {
  return v.is_string() && std::find(std::begin(allowed), std::end(allowed), std::string_view(v.as_string())) != std::end(allowed);
}

}  // namespace

http_reply handle_images(mock_state& state, std::string_view body) {
  auto parsed = parse_model_request(body);
  if (auto* e = std::get_if<http_reply>(&parsed)) return std::move(*e);
  const auto& o = std::get<json::object>(parsed);
  const std::string_view id = o.at("model").as_string();
  const auto* prompt = o.if_contains("prompt");
  if (!prompt || !prompt->is_string() || prompt->as_string().empty()) return bad("prompt: Required (a non-empty string)");
  std::int64_t n = 1;
  if (const auto* v = o.if_contains("n"); v && !v->is_null()) {
    if (!v->is_int64() || v->as_int64() < 1 || v->as_int64() > k_max_images) return bad("n: expected an integer from 1 to 10");
    n = v->as_int64();
  }
  if (const auto* v = o.if_contains("aspect_ratio"); v && !one_of(*v, k_aspect_ratios)) return bad("aspect_ratio: Invalid enum value");
  if (const auto* v = o.if_contains("resolution"); v && !one_of(*v, k_resolutions)) return bad("resolution: Invalid enum value");
  if (const auto* v = o.if_contains("size"); v && !v->is_string()) return bad("size: expected a string");
  if (const auto* v = o.if_contains("stream"); v && v->is_bool() && v->as_bool())
    return bad("stream: the mock answers /images with one JSON body only");
  std::uint64_t seed = fnv1a(prompt->as_string());
  if (const auto* v = o.if_contains("seed"); v && v->is_int64()) seed = mix(seed ^ static_cast<std::uint64_t>(v->as_int64()));

  std::string fault_error;
  const bool fault_model = is_fault_model(id, fault_error);
  if (!fault_error.empty()) return bad(fault_error);
  const model_info* m = state.models().find(fault_model ? std::string_view("black-forest-labs/flux-1-schnell") : id);
  if (!m) return error_reply(404, "Model " + std::string(id) + " not found", "not_found");
  if (!outputs_image(*m))
    return error_reply(404, "No endpoints found that support image generation for " + std::string(id), "not_found");
  const std::string provider = m->endpoints.empty() ? std::string("mock") : m->endpoints.front().provider_name;
  auto drawn = draw_route_fault(state, id, provider, prompt->as_string());
  if (drawn.reply) return std::move(*drawn.reply);

  constexpr std::string_view prefix = "data:image/png;base64,";
  json::array data;
  for (std::int64_t i = 0; i < n; ++i) {
    std::string url = png_data_url(mix(seed + static_cast<std::uint64_t>(i)));
    data.push_back(json::object{{"b64_json", std::string_view(url).substr(prefix.size())}, {"media_type", "image/png"}});
  }
  const std::int64_t prompt_tokens = std::max<std::int64_t>(1, static_cast<std::int64_t>(prompt->as_string().size() + 3) / 4);
  const std::int64_t completion_tokens = k_image_tokens * n;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  http_reply reply;
  reply.body = json::serialize(json::object{
      {"created", now},
      {"data", std::move(data)},
      {"usage", json::object{{"prompt_tokens", prompt_tokens},
                             {"completion_tokens", completion_tokens},
                             {"total_tokens", prompt_tokens + completion_tokens},
                             {"cost", price_per_image(*m) * static_cast<double>(n)}}}});
  reply.headers.emplace_back("X-Generation-Id", state.new_generation_id(now));
  apply_fault(drawn.hit, reply);
  return reply;
}

http_reply handle_image_models(const mock_state& state) {
  std::string error;
  auto page = state.models().list({{"output_modalities", "image"}}, error);
  if (!page) return error_reply(500, error);
  json::array out;
  for (const auto& v : page->at("data").as_array()) {
    const auto& m = v.as_object();
    const auto& arch = m.at("architecture").as_object();
    json::array aspect;
    for (auto a : k_aspect_ratios) aspect.emplace_back(a);
    json::array resolution;
    for (auto r : k_resolutions) resolution.emplace_back(r);
    const std::string id(m.at("id").as_string());
    out.push_back(json::object{
        {"id", id},
        {"name", m.at("name")},
        {"description", m.at("description")},
        {"created", m.at("created")},
        {"architecture", json::object{{"input_modalities", arch.at("input_modalities")},
                                      {"output_modalities", arch.at("output_modalities")}}},
        {"supported_parameters", json::object{{"aspect_ratio", json::object{{"type", "enum"}, {"values", std::move(aspect)}}},
                                              {"resolution", json::object{{"type", "enum"}, {"values", std::move(resolution)}}},
                                              {"n", json::object{{"type", "range"}, {"min", 1}, {"max", k_max_images}}},
                                              {"seed", json::object{{"type", "boolean"}}}}},
        {"supports_streaming", false},
        {"endpoints", "/api/v1/images/models/" + id + "/endpoints"}});
  }
  http_reply reply;
  reply.body = json::serialize(json::object{{"data", std::move(out)}});
  return reply;
}

}  // namespace openrouter::mock
