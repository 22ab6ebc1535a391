#pragma once
// POST /images (image generation; the JSON answer, not the stream) and GET /images/models.
// The images arrive as base64 (`b64_json`, the spec's form) or, from OpenAI-style providers,
// as a URL; media::save_generated_images (media/images.hpp) writes them to files.
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/message.hpp>
#include <openrouter/wire/models.hpp>
#include <openrouter/wire/usage.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

struct image_generation_request {
  std::string model{};
  std::string prompt{};
  std::optional<std::int64_t> n{};              ///< how many images
  std::optional<std::string> size{};            ///< e.g. "1024x1024" (model-specific)
  std::optional<std::string> aspect_ratio{};    ///< "1:1", "16:9", ..., "auto"
  std::optional<std::string> resolution{};      ///< "512", "1K", "2K", "4K"
  std::optional<std::string> quality{};         ///< "auto", "low", "medium", "high"
  std::optional<std::string> background{};      ///< "auto", "transparent", "opaque"
  std::optional<std::string> output_format{};   ///< "png", "jpeg", "webp", "svg"
  std::optional<std::int64_t> output_compression{};
  std::optional<std::int64_t> seed{};
  std::vector<content_part> input_references{};  ///< image_url parts (image editing), at most 16
  std::optional<provider_preferences> provider{};
  std::optional<std::string> user{};
  std::optional<std::string> session_id{};
  boost::json::object extra{};  ///< `stream` is not for async_images (it reads one JSON answer)
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_generation_request);

struct generated_image {
  std::string b64_json{};    ///< the image, base64 (standard alphabet)
  std::string media_type{};  ///< e.g. "image/png" (optional on the wire)
  std::string url{};         ///< a URL instead of b64_json (OpenAI-style answers)
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(generated_image);

struct image_generation_usage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t total_tokens = 0;
  std::optional<double> cost{};  ///< credits (USD) charged
  std::optional<bool> is_byok{};
  std::optional<cost_breakdown> cost_details{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_generation_usage);

struct image_generation_response {
  std::int64_t created = 0;
  std::vector<generated_image> data{};
  std::optional<image_generation_usage> usage{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_generation_response);

/// One model of GET /images/models.
struct image_model {
  std::string id{};
  std::string name{};
  std::string description{};
  std::int64_t created = 0;
  model_architecture architecture{};
  /// Parameter name -> capability descriptor ({type: "enum", values: [...]}, ranges...), as sent.
  boost::json::object supported_parameters{};
  bool supports_streaming = false;
  std::string endpoints{};  ///< the path of its per-endpoint records
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_model);

struct image_models {
  std::vector<image_model> data{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(image_models);

}  // namespace openrouter::wire
