#pragma once
// openrouter::routing::classify: what a failed attempt means for the request, in one place.
// Sans-I/O: an error_code and the diagnostics of the attempt in, a verdict out.
//
//   retry_same  transient: the same model may succeed after a backoff (408, 429, 500, 502,
//               503, 504, 524, 529, transport failures, a 400 wrapping a transient upstream
//               code, a 402 with Retry-After, an error inside a 200, availability.retryable)
//   next_model  this model cannot serve the request: move on (404 and non-retryable
//               availability codes, context length exceeded, 403 moderation, model not found,
//               image errors a different model may not have)
//   stop        no candidate will do better (401, plain 402, a bad request, 403 forbidden,
//               412, 413, 422, the caller's cancellation, our own deadline)
//
// Every row can be overridden per errc (classifier_options::overrides).

#include <openrouter/error.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter::routing {

enum class verdict : std::uint8_t { retry_same, next_model, stop };

/// Stable names for records and metrics (to_string gives "rate_limited", "transport", ...).
enum class error_class : std::uint8_t {
  none,            ///< success
  transport,       ///< resolve, connect, TLS, reset, closed, pool wait
  timeout,         ///< a phase deadline or 408/504/524
  rate_limited,    ///< 429 (and a 400 wrapping one)
  server,          ///< 500, 502, an error inside a 200, malformed responses
  overloaded,      ///< 503, 529
  unavailable,     ///< 404 / availability codes: the model cannot be served now
  context_length,  ///< the request does not fit this model
  moderation,      ///< 403 moderation flag
  invalid_model,   ///< unknown or deprecated model
  content,         ///< image or content errors specific to a model
  auth,            ///< 401, 403
  billing,         ///< 402
  bad_request,     ///< 400/412/413/422 the caller must fix
  stream,          ///< a stream that failed or was cut
  cancelled,       ///< the caller cancelled
  deadline,        ///< the request's overall deadline
  other,
  local,           ///< the client's own resources ran out (file descriptors): not the model's fault
};

std::string_view to_string(verdict v) noexcept;
std::string_view to_string(error_class c) noexcept;

struct classification {
  verdict action = verdict::stop;
  error_class cls = error_class::other;
  /// Retry-After (header or availability.retry_after), when the server gave one.
  std::optional<std::chrono::milliseconds> retry_after;
};

struct classifier_options {
  /// Replaces the verdict for an errc (the class stays), e.g. {errc::not_found, verdict::stop}.
  std::vector<std::pair<errc, verdict>> overrides;
};

/// The verdict for a failed attempt (ec must be set).
classification classify(boost::system::error_code ec, const diagnostics& diag, const classifier_options& opts = {});

}  // namespace openrouter::routing
