#pragma once
// GET /key (the calling API key, reference §12) and GET /credits (management keys, §13), both in
// a {data: ...} envelope. Amounts are USD.
#include <openrouter/wire/json.hpp>

#include <optional>
#include <string>

namespace openrouter::wire {

struct key_info {
  std::string label{};            // "sk-or-v1-au7...890"
  std::optional<double> limit{};  // nullopt: unlimited
  std::optional<double> limit_remaining{};
  std::optional<std::string> limit_reset{};  // "monthly", ...
  std::optional<bool> include_byok_in_limit{};
  std::optional<double> usage{};
  std::optional<double> usage_daily{};
  std::optional<double> usage_weekly{};  // UTC week starting Monday
  std::optional<double> usage_monthly{};
  std::optional<double> byok_usage{};
  std::optional<double> byok_usage_daily{};
  std::optional<double> byok_usage_weekly{};
  std::optional<double> byok_usage_monthly{};
  std::optional<bool> is_free_tier{};  // credits were never purchased
  std::optional<bool> is_management_key{};
  std::optional<bool> is_provisioning_key{};
  std::optional<std::string> creator_user_id{};
  std::optional<std::string> expires_at{};  // ISO 8601
  boost::json::value rate_limit{};          // deprecated upstream; ignore it
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(key_info);
/// Accepts the {data: ...} envelope or the bare object.
void parse_data(std::string_view json, key_info& out, decode_error& err);

struct credits {
  std::optional<double> total_credits{};
  std::optional<double> total_usage{};
  boost::json::object extra{};

  /// total_credits - total_usage (0 when either is missing).
  double remaining() const noexcept;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(credits);
void parse_data(std::string_view json, credits& out, decode_error& err);

}  // namespace openrouter::wire
