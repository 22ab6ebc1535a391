#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto activity_item_fields = std::tuple{
    req("date", &activity_item::date),
    req("model", &activity_item::model),
    req("model_permaslug", &activity_item::model_permaslug),
    req("endpoint_id", &activity_item::endpoint_id),
    req("provider_name", &activity_item::provider_name),
    req("usage", &activity_item::usage),
    req("byok_usage_inference", &activity_item::byok_usage_inference),
    req("requests", &activity_item::requests),
    req("prompt_tokens", &activity_item::prompt_tokens),
    req("completion_tokens", &activity_item::completion_tokens),
    req("reasoning_tokens", &activity_item::reasoning_tokens),
    opt("workspace_id", &activity_item::workspace_id),
};
constexpr auto activity_fields = std::tuple{
    req("data", &activity::data),
};
constexpr auto models_count_fields = std::tuple{
    req("count", &models_count::count),
};
constexpr auto zdr_endpoints_fields = std::tuple{
    req("data", &zdr_endpoints::data),
};
constexpr auto generation_output_fields = std::tuple{
    opt("completion", &generation_output::completion),
    opt("reasoning", &generation_output::reasoning),
};
constexpr auto generation_content_fields = std::tuple{
    opt("input", &generation_content::input),
    opt("output", &generation_content::output),
    opt("error", &generation_content::error),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(activity_item, activity_item_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(activity, activity_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(models_count, models_count_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(zdr_endpoints, zdr_endpoints_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(generation_output, generation_output_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(generation_content, generation_content_fields)

double activity::total_usage() const noexcept {
  double sum = 0;
  for (const auto& row : data) sum += row.usage;
  return sum;
}

std::int64_t activity::total_requests() const noexcept {
  std::int64_t sum = 0;
  for (const auto& row : data) sum += row.requests;
  return sum;
}

void parse_data(std::string_view json, models_count& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

void parse_data(std::string_view json, generation_content& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

}  // namespace openrouter::wire
