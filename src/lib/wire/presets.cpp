#include "codecs.hpp"

namespace openrouter::wire {
namespace {
using namespace detail;

constexpr auto preset_version_fields = std::tuple{
    req("id", &preset_version::id),
    req("preset_id", &preset_version::preset_id),
    req("version", &preset_version::version),
    req("config", &preset_version::config),
    opt("system_prompt", &preset_version::system_prompt),
    req("creator_id", &preset_version::creator_id),
    req("created_at", &preset_version::created_at),
    req("updated_at", &preset_version::updated_at),
};
constexpr auto preset_fields = std::tuple{
    req("id", &preset::id),
    req("slug", &preset::slug),
    req("name", &preset::name),
    opt("description", &preset::description),
    req("status", &preset::status),
    opt("status_updated_at", &preset::status_updated_at),
    opt("designated_version_id", &preset::designated_version_id),
    opt("designated_version", &preset::designated_version),
    req("created_at", &preset::created_at),
    req("updated_at", &preset::updated_at),
    opt("creator_user_id", &preset::creator_user_id),
    opt("workspace_id", &preset::workspace_id),
};
constexpr auto preset_list_fields = std::tuple{
    req("data", &preset_list::data),
    req("total_count", &preset_list::total_count),
};
constexpr auto preset_version_list_fields = std::tuple{
    req("data", &preset_version_list::data),
    req("total_count", &preset_version_list::total_count),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(preset_version, preset_version_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(preset, preset_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(preset_list, preset_list_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(preset_version_list, preset_version_list_fields)

void parse_data(std::string_view json, preset_version& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

void parse_data(std::string_view json, preset& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

}  // namespace openrouter::wire
