#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto key_info_fields = std::tuple{
    opt("label", &key_info::label),
    opt("limit", &key_info::limit),
    opt("limit_remaining", &key_info::limit_remaining),
    opt("limit_reset", &key_info::limit_reset),
    opt("include_byok_in_limit", &key_info::include_byok_in_limit),
    opt("usage", &key_info::usage),
    opt("usage_daily", &key_info::usage_daily),
    opt("usage_weekly", &key_info::usage_weekly),
    opt("usage_monthly", &key_info::usage_monthly),
    opt("byok_usage", &key_info::byok_usage),
    opt("byok_usage_daily", &key_info::byok_usage_daily),
    opt("byok_usage_weekly", &key_info::byok_usage_weekly),
    opt("byok_usage_monthly", &key_info::byok_usage_monthly),
    opt("is_free_tier", &key_info::is_free_tier),
    opt("is_management_key", &key_info::is_management_key),
    opt("is_provisioning_key", &key_info::is_provisioning_key),
    opt("creator_user_id", &key_info::creator_user_id),
    opt("expires_at", &key_info::expires_at),
    opt("rate_limit", &key_info::rate_limit),
};
constexpr auto credits_fields = std::tuple{
    opt("total_credits", &credits::total_credits),
    opt("total_usage", &credits::total_usage),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(key_info, key_info_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(credits, credits_fields)

void parse_data(std::string_view json, key_info& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

void parse_data(std::string_view json, credits& out, decode_error& err) {
  detail::parse(json, out, err, /*unwrap=*/true);
}

double credits::remaining() const noexcept {
  return total_credits && total_usage ? *total_credits - *total_usage : 0.0;
}

}  // namespace openrouter::wire
