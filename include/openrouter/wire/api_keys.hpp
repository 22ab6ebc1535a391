#pragma once
// API key management with a management key (reference §1, spec tag "API Keys"): GET /keys,
// POST /keys, GET/PATCH/DELETE /keys/{hash}. Amounts are USD. The secret of a key appears in
// one answer only, the 201 of POST /keys (created_api_key::key); every other answer names a key
// by its `hash` and a `label` that shows a few of its characters.
#include <openrouter/wire/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace openrouter::wire {

/// A member the API distinguishes in three states: absent (unchanged), null (cleared) and a
/// value. Encoded as absent, `null` or the value.
template <class T>
struct nullable {
  bool present = false;    ///< false: not sent
  std::optional<T> value;  ///< present and nullopt: sent as null

  nullable() = default;
  nullable(T v) : present(true), value(std::move(v)) {}  // NOLINT: assigning a value sets it
  static nullable null() {
    nullable n;
    n.present = true;
    return n;
  }
  bool operator==(const nullable&) const = default;
};

/// One key as GET /keys, GET/PATCH /keys/{hash} and POST /keys describe it (never its secret).
struct api_key {
  std::string hash{};   ///< its identifier in /keys/{hash}
  std::string name{};
  std::string label{};  ///< "sk-or-v1-0e6...1c96"
  std::optional<bool> disabled{};
  std::optional<double> limit{};  ///< nullopt: unlimited
  std::optional<double> limit_remaining{};
  std::optional<std::string> limit_reset{};  ///< "daily", "weekly", "monthly"; nullopt: never
  std::optional<bool> include_byok_in_limit{};
  std::optional<double> usage{};
  std::optional<double> usage_daily{};
  std::optional<double> usage_weekly{};  ///< UTC week starting Monday
  std::optional<double> usage_monthly{};
  std::optional<double> byok_usage{};
  std::optional<double> byok_usage_daily{};
  std::optional<double> byok_usage_weekly{};
  std::optional<double> byok_usage_monthly{};
  std::optional<std::string> created_at{};  ///< ISO 8601
  std::optional<std::string> updated_at{};
  std::optional<std::string> expires_at{};  ///< nullopt: never expires
  std::optional<std::string> creator_user_id{};
  std::optional<std::string> external_user{};  ///< the official SDK's schema (newer than the spec)
  std::optional<std::string> workspace_id{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_key);
/// Accepts the {data: ...} envelope or the bare object.
void parse_data(std::string_view json, api_key& out, decode_error& err);

/// GET /keys: {data: [api_key...]}.
struct api_key_list {
  std::vector<api_key> data{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_key_list);

/// `external` of POST /keys (official SDK): a partner's identity for the key.
struct api_key_external {
  std::string user{};                    ///< the partner's end-user id (required)
  std::optional<std::string> api_key{};  ///< a partner-supplied key (stored hashed, never returned)
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_key_external);

/// Body of POST /keys.
struct api_key_create {
  std::string name{};  ///< required, not empty
  std::optional<double> limit{};  ///< USD; unset: unlimited
  std::optional<std::string> limit_reset{};  ///< "daily", "weekly", "monthly"
  std::optional<bool> include_byok_in_limit{};
  std::optional<std::string> expires_at{};  ///< ISO 8601 UTC with seconds, "2027-12-31T23:59:59Z"
  std::optional<std::string> creator_user_id{};
  std::optional<std::string> workspace_id{};
  std::optional<api_key_external> external{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_key_create);

/// The 201 of POST /keys: the key, and its secret (`key`, "sk-or-v1-..."), returned this once.
/// Keep it like a password: the library never logs it, nor puts it in diagnostics.
struct created_api_key {
  api_key data{};
  std::string key{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(created_api_key);

/// Body of PATCH /keys/{hash}: only what is set is sent. limit and limit_reset can be cleared
/// (nullable::null(): no limit, no reset).
struct api_key_update {
  std::optional<std::string> name{};
  std::optional<bool> disabled{};
  nullable<double> limit{};
  nullable<std::string> limit_reset{};
  std::optional<bool> include_byok_in_limit{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_key_update);

/// The answer of DELETE /keys/{hash}: {deleted: true}.
struct api_key_deleted {
  bool deleted = false;
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_key_deleted);

}  // namespace openrouter::wire
