#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto image_generation_request_fields = std::tuple{
    req("model", &image_generation_request::model),
    req("prompt", &image_generation_request::prompt),
    opt("n", &image_generation_request::n),
    opt("size", &image_generation_request::size),
    opt("aspect_ratio", &image_generation_request::aspect_ratio),
    opt("resolution", &image_generation_request::resolution),
    opt("quality", &image_generation_request::quality),
    opt("background", &image_generation_request::background),
    opt("output_format", &image_generation_request::output_format),
    opt("output_compression", &image_generation_request::output_compression),
    opt("seed", &image_generation_request::seed),
    opt("input_references", &image_generation_request::input_references),
    opt("provider", &image_generation_request::provider),
    opt("user", &image_generation_request::user),
    opt("session_id", &image_generation_request::session_id),
};
constexpr auto generated_image_fields = std::tuple{
    opt("b64_json", &generated_image::b64_json),
    opt("media_type", &generated_image::media_type),
    opt("url", &generated_image::url),
};
constexpr auto image_generation_usage_fields = std::tuple{
    req("prompt_tokens", &image_generation_usage::prompt_tokens),
    req("completion_tokens", &image_generation_usage::completion_tokens),
    req("total_tokens", &image_generation_usage::total_tokens),
    opt("cost", &image_generation_usage::cost),
    opt("is_byok", &image_generation_usage::is_byok),
    opt("cost_details", &image_generation_usage::cost_details),
};
constexpr auto image_generation_response_fields = std::tuple{
    req("created", &image_generation_response::created),
    req("data", &image_generation_response::data),
    opt("usage", &image_generation_response::usage),
};
constexpr auto image_model_fields = std::tuple{
    req("id", &image_model::id),
    req("name", &image_model::name),
    req("description", &image_model::description),
    req("created", &image_model::created),
    req("architecture", &image_model::architecture),
    req("supported_parameters", &image_model::supported_parameters),
    req("supports_streaming", &image_model::supports_streaming),
    req("endpoints", &image_model::endpoints),
};
constexpr auto image_models_fields = std::tuple{
    req("data", &image_models::data),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_generation_request, image_generation_request_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(generated_image, generated_image_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_generation_usage, image_generation_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_generation_response, image_generation_response_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_model, image_model_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(image_models, image_models_fields)

}  // namespace openrouter::wire
