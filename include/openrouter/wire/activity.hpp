#pragma once
// Account and catalog look-ups beyond /key and /credits: GET /activity (management key),
// GET /models/count, GET /endpoints/zdr and GET /generation/content.
#include <openrouter/wire/json.hpp>
#include <openrouter/wire/models.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

/// One row of GET /activity: a day's usage of one model endpoint.
struct activity_item {
  std::string date{};  ///< "2025-08-24"
  std::string model{};
  std::string model_permaslug{};
  std::string endpoint_id{};
  std::string provider_name{};
  double usage = 0;  ///< credits (USD)
  double byok_usage_inference = 0;
  std::int64_t requests = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  std::optional<std::string> workspace_id{};  ///< with group_by=workspace
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(activity_item);

struct activity {
  std::vector<activity_item> data{};
  boost::json::object extra{};

  /// Sum of `usage` over the rows.
  double total_usage() const noexcept;
  std::int64_t total_requests() const noexcept;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(activity);

/// GET /models/count: {data: {count}}.
struct models_count {
  std::int64_t count = 0;
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(models_count);
/// Accepts the {data: ...} envelope or the bare object.
void parse_data(std::string_view json, models_count& out, decode_error& err);

/// GET /endpoints/zdr: the endpoints with zero data retention, {data: [endpoint...]}.
struct zdr_endpoints {
  std::vector<endpoint> data{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(zdr_endpoints);

struct generation_output {
  std::optional<std::string> completion{};
  std::optional<std::string> reasoning{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(generation_output);

/// GET /generation/content?id=: the stored prompt and completion of a generation, {data: ...}.
struct generation_content {
  boost::json::value input{};  ///< {prompt} or {messages: [...]}
  generation_output output{};
  boost::json::value error{};  ///< null, or {status, message, provider_name, raw, previous_errors}
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(generation_content);
void parse_data(std::string_view json, generation_content& out, decode_error& err);

}  // namespace openrouter::wire
