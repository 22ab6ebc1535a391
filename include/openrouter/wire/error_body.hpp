#pragma once
// OpenRouter's error object and the envelope of non-2xx bodies:
//   {"error": {code, message, metadata?, error_type?, http_status?, availability?},
//    "openrouter_metadata"?, "user_id"?}
// The same error object appears inside a 200 body (choices[].error) and as the top-level error of
// a mid-stream SSE chunk.
#include <openrouter/wire/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// error.code: normally an integer equal to the HTTP status, but some paths send a string
/// (e.g. "server_error"). Both are kept as sent.
using api_code = std::variant<std::int64_t, std::string>;

struct availability_constraint {
  std::string field{};
  std::string detail{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(availability_constraint);

/// error.availability (model-availability errors). Switch on `retryable`, not on `code`: codes
/// are open-ended and some non-retryable codes are occasionally marked retryable.
struct availability_info {
  std::string code{};  // model_not_found, no_endpoints, capacity_exhausted, ...
  std::optional<bool> retryable{};
  std::optional<double> retry_after{};  // seconds; mirrors Retry-After
  std::vector<std::string> requested_models{};
  std::vector<std::string> affected_providers{};
  std::vector<std::string> excluded_by{};      // geo, data_region, max_price, ...
  std::vector<std::string> fallback_models{};  // hints only; validate before use
  std::optional<availability_constraint> constraint{};
  std::optional<std::string> docs_url{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(availability_info);

/// error.metadata of a 403 moderation flag.
struct moderation_info {
  std::vector<std::string> reasons{};
  std::optional<std::string> flagged_input{};  // at most 100 chars, cut in the middle with "..."
  std::optional<std::string> provider_name{};
  std::optional<std::string> model_slug{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(moderation_info);

struct api_error {
  std::optional<api_code> code{};
  std::string message{};
  boost::json::value metadata{};  // error_type, provider_code, provider_name, raw, reasons, ...
  std::optional<std::string> error_type{};  // set on the error itself by availability errors
  std::optional<std::int64_t> http_status{};  // ditto, in place of code
  std::optional<availability_info> availability{};
  boost::json::object extra{};

  /// The HTTP-like status: an integral code (or a string code made of digits), else
  /// http_status; nullopt when neither is there (fall back to the response status line).
  std::optional<std::int64_t> status() const noexcept;
  /// code when it is a string ("server_error"); "" otherwise.
  std::string_view code_text() const noexcept;
  /// The typed error_type (spec ApiErrorType): error_type, else metadata.error_type, else "".
  std::string_view type() const noexcept;
  /// metadata.provider_code (upstream error code); "" when absent.
  std::string_view provider_code() const noexcept;
  /// metadata.provider_name; "" when absent.
  std::string_view provider_name() const noexcept;
  /// The moderation details when metadata carries them (reasons or flagged_input).
  std::optional<moderation_info> moderation() const;
};
OPENROUTER_WIRE_JSON_CONVERSIONS(api_error);

/// The body of a non-2xx response.
struct error_body {
  api_error error{};
  boost::json::value openrouter_metadata{};
  std::optional<std::string> user_id{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(error_body);

/// Reads an error body leniently: never fails. Invalid JSON or a body without an "error" object
/// yields an empty error_body (a bare string "error" becomes its message); members holding an
/// unexpected kind are left unset and kept in `extra`.
error_body parse_error_body(std::string_view body);

}  // namespace openrouter::wire
