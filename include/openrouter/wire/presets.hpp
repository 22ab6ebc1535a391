#pragma once
// Presets (reference: spec tag "Presets"): GET /presets, GET /presets/{slug}, POST
// /presets/{slug}/chat/completions | /messages | /responses (a preset, or its next version, from
// an inference request body), GET /presets/{slug}/versions and /versions/{version}. A preset is
// used by naming it as a model: "@preset/SLUG".
#include <openrouter/wire/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

/// One version of a preset (PresetDesignatedVersion): the request parameters it applies.
struct preset_version {
  std::string id{};
  std::string preset_id{};
  std::int64_t version = 0;  ///< 1, 2, ... in creation order
  /// The parameters a request naming the preset gets ("model", "temperature", "provider"...),
  /// kept as JSON: the API stores whatever overlaps with a preset's config.
  boost::json::object config{};
  std::optional<std::string> system_prompt{};  ///< nullopt: none (null on the wire)
  std::string creator_id{};
  std::string created_at{};  ///< ISO 8601
  std::string updated_at{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(preset_version);
/// Accepts the {data: ...} envelope (GET /presets/{slug}/versions/{version}) or the bare object.
void parse_data(std::string_view json, preset_version& out, decode_error& err);

/// A preset (Preset; with its designated version inline, PresetWithDesignatedVersion, in the
/// answers of GET /presets/{slug} and the POST /presets/{slug}/... creations; not in lists).
struct preset {
  std::string id{};
  std::string slug{};  ///< what "@preset/SLUG" and /presets/{slug} name
  std::string name{};
  std::optional<std::string> description{};
  std::string status{};  ///< "active", "disabled", "archived"
  std::optional<std::string> status_updated_at{};
  std::optional<std::string> designated_version_id{};
  std::optional<preset_version> designated_version{};  ///< the version requests get
  std::string created_at{};  ///< ISO 8601
  std::string updated_at{};
  std::optional<std::string> creator_user_id{};
  std::optional<std::string> workspace_id{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(preset);
/// Accepts the {data: ...} envelope or the bare object.
void parse_data(std::string_view json, preset& out, decode_error& err);

/// GET /presets: one page, most recently updated first.
struct preset_list {
  std::vector<preset> data{};
  std::int64_t total_count = 0;  ///< presets in all pages
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(preset_list);

/// GET /presets/{slug}/versions: one page, oldest version first.
struct preset_version_list {
  std::vector<preset_version> data{};
  std::int64_t total_count = 0;  ///< versions in all pages
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(preset_version_list);

}  // namespace openrouter::wire
