#include "codecs.hpp"

namespace openrouter::wire {

// nullable<T>: absent, null or a value (codec.hpp's overload sets, found through ADL).
template <class T>
bool is_set(const nullable<T>& v) noexcept {
  return v.present;
}

namespace detail {

template <class T>
void read(const json::value& jv, nullable<T>& out, decode_ctx& c) {
  out.present = true;
  if (jv.is_null()) {
    out.value.reset();
    return;
  }
  read(jv, out.value.emplace(), c);
}

template <class T>
json::value to_value(const nullable<T>& v, encode_tag t) {
  return v.value ? to_value(*v.value, t) : json::value(nullptr);
}

}  // namespace detail

namespace {
using namespace detail;

constexpr auto api_key_fields = std::tuple{
    req("hash", &api_key::hash),
    req("name", &api_key::name),
    req("label", &api_key::label),
    opt("disabled", &api_key::disabled),
    opt("limit", &api_key::limit),
    opt("limit_remaining", &api_key::limit_remaining),
    opt("limit_reset", &api_key::limit_reset),
    opt("include_byok_in_limit", &api_key::include_byok_in_limit),
    opt("usage", &api_key::usage),
    opt("usage_daily", &api_key::usage_daily),
    opt("usage_weekly", &api_key::usage_weekly),
    opt("usage_monthly", &api_key::usage_monthly),
    opt("byok_usage", &api_key::byok_usage),
    opt("byok_usage_daily", &api_key::byok_usage_daily),
    opt("byok_usage_weekly", &api_key::byok_usage_weekly),
    opt("byok_usage_monthly", &api_key::byok_usage_monthly),
    opt("created_at", &api_key::created_at),
    opt("updated_at", &api_key::updated_at),
    opt("expires_at", &api_key::expires_at),
    opt("creator_user_id", &api_key::creator_user_id),
    opt("external_user", &api_key::external_user),
    opt("workspace_id", &api_key::workspace_id),
};
constexpr auto api_key_list_fields = std::tuple{
    req("data", &api_key_list::data),
};
constexpr auto api_key_external_fields = std::tuple{
    req("user", &api_key_external::user),
    opt("api_key", &api_key_external::api_key),
};
constexpr auto api_key_create_fields = std::tuple{
    req("name", &api_key_create::name),
    opt("limit", &api_key_create::limit),
    opt("limit_reset", &api_key_create::limit_reset),
    opt("include_byok_in_limit", &api_key_create::include_byok_in_limit),
    opt("expires_at", &api_key_create::expires_at),
    opt("creator_user_id", &api_key_create::creator_user_id),
    opt("workspace_id", &api_key_create::workspace_id),
    opt("external", &api_key_create::external),
};
constexpr auto created_api_key_fields = std::tuple{
    req("data", &created_api_key::data),
    req("key", &created_api_key::key),
};
constexpr auto api_key_update_fields = std::tuple{
    opt("name", &api_key_update::name),
    opt("disabled", &api_key_update::disabled),
    opt("limit", &api_key_update::limit),
    opt("limit_reset", &api_key_update::limit_reset),
    opt("include_byok_in_limit", &api_key_update::include_byok_in_limit),
};
constexpr auto api_key_deleted_fields = std::tuple{
    req("deleted", &api_key_deleted::deleted),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_key, api_key_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_key_list, api_key_list_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_key_external, api_key_external_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_key_create, api_key_create_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(created_api_key, created_api_key_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_key_update, api_key_update_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(api_key_deleted, api_key_deleted_fields)

void parse_data(std::string_view json, api_key& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

}  // namespace openrouter::wire
