#include "errors.hpp"

#include "state.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cmath>

namespace openrouter::mock {
namespace json = boost::json;

std::optional<http_reply> drawn_error(mock_state& state, std::string_view model, std::string_view provider) {
  std::string error;
  parse_fault_model(model, error);
  if (!error.empty()) return error_reply(400, error, "invalid_request");
  const auto rules = state.current_scenario()->rules_for(model);
  auto hit = state.faults().draw(rules, false, std::chrono::steady_clock::now());
  if (hit && (hit->kind == fault_kind::http_error || hit->kind == fault_kind::wrapped_transient ||
              hit->kind == fault_kind::rate_limit))
    return fault_reply(*hit, model, provider, "");
  return std::nullopt;
}

std::string_view default_error_type(unsigned status) noexcept {
  switch (status) {
    case 400: return "invalid_request";
    case 401: return "authentication";
    case 402: return "payment_required";
    case 403: return "permission_denied";
    case 404: return "not_found";
    case 408: return "timeout";
    case 412: return "precondition_failed";
    case 413: return "payload_too_large";
    case 422: return "unprocessable";
    case 429: return "rate_limit_exceeded";
    case 500: return "server";
    case 502: return "provider_unavailable";
    case 503: return "provider_overloaded";
    case 504: return "timeout";
    case 524: return "timeout";
    case 529: return "provider_overloaded";
    default: return status >= 500 ? "server" : "invalid_request";
  }
}

http_reply ok_json(const json::value& body, unsigned status) {
  http_reply r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

http_reply error_reply(unsigned status, std::string_view message, std::string_view error_type,
                       json::object metadata, json::object extra_error) {
  // 401s carry no metadata in the real API; everything else names its error_type.
  if (status != 401 && !metadata.contains("error_type") && !metadata.contains("reasons"))
    metadata["error_type"] = error_type.empty() ? default_error_type(status) : error_type;
  json::object error{{"code", status}, {"message", message}};
  if (!metadata.empty()) error["metadata"] = std::move(metadata);
  for (auto& [k, v] : extra_error) error[k] = std::move(v);
  http_reply r;
  r.status = status;
  r.body = json::serialize(json::object{{"error", std::move(error)}});
  return r;
}

json::object availability(std::string_view code, bool retryable, std::string_view model,
                          std::optional<double> retry_after) {
  json::object a{{"code", code},
                 {"retryable", retryable},
                 {"requested_models", json::array{json::string(model)}},
                 {"docs_url", "https://openrouter.ai/docs/errors#" + std::string(code)}};
  if (retry_after) a["retry_after"] = *retry_after;
  return a;
}

namespace {

std::string seconds_header(double s) { return std::to_string(static_cast<long>(std::ceil(s))); }

// Moderation's flagged_input: at most 100 chars, cut in the middle with "...".
std::string flagged(std::string_view prompt) {
  if (prompt.size() <= 100) return std::string(prompt);
  return std::string(prompt.substr(0, 48)) + "..." + std::string(prompt.substr(prompt.size() - 49));
}

}  // namespace

http_reply fault_reply(const fault& f, std::string_view model, std::string_view provider,
                       std::string_view prompt) {
  http_reply r;
  auto msg = [&](std::string_view fallback) { return f.message.empty() ? std::string(fallback) : f.message; };
  if (f.kind == fault_kind::wrapped_transient) {
    // A provider's transient error that reached the caller as a 400 (§5 "400 wrapping a
    // transient code"): the wrapped status lives in provider_code / raw.
    json::object meta{{"error_type", f.error_type.empty() ? default_error_type(static_cast<unsigned>(f.status)) : f.error_type},
                      {"provider_code", std::to_string(f.status)},
                      {"provider_name", provider},
                      {"raw", json::object{{"error", json::object{{"code", f.status}, {"message", "Upstream is temporarily unavailable"}}}}}};
    r = error_reply(400, msg("Provider returned error"), {}, std::move(meta));
    return r;
  }
  unsigned status = static_cast<unsigned>(f.status);
  json::object meta;
  json::object extra;
  std::string message;
  switch (status) {
    case 402:
      if (f.retry_after) {
        meta["limit_source"] = "openrouter_in_flight_budget";
        message = msg("Too many requests in flight for the remaining credit limit. Retry after " +
                      seconds_header(*f.retry_after) + " seconds.");
      } else {
        message = msg("Insufficient credits. Add more using https://openrouter.ai/credits");
      }
      break;
    case 403:
      meta = {{"reasons", json::array{"harassment"}},
              {"flagged_input", flagged(prompt)},
              {"provider_name", provider},
              {"model_slug", model}};
      message = msg(std::string(model) + " requires moderation on " + std::string(provider) +
                    ". Your input was flagged for \"harassment\".");
      break;
    case 404:
      extra["availability"] = availability("model_unavailable_upstream", false, model);
      message = msg("No endpoints found for " + std::string(model) + ".");
      break;
    case 408: message = msg("Operation timed out. Please try again later."); break;
    case 429:
      message = msg("Rate limit exceeded: " + std::string(model) + " is temporarily rate-limited upstream.");
      if (f.retry_after) extra["availability"] = availability("capacity_exhausted", true, model, f.retry_after);
      break;
    case 500: message = msg("Internal Server Error"); break;
    case 502:
      meta = {{"provider_code", "overloaded_error"},
              {"provider_name", provider},
              {"raw", json::object{{"type", "overloaded_error"}, {"message", "Overloaded"}}}};
      message = msg("Provider returned error");
      break;
    case 503:
      extra["availability"] = availability("temporarily_unavailable", true, model, f.retry_after);
      message = msg("No endpoints available for " + std::string(model) + ": provider overloaded");
      break;
    case 524: message = msg("Provider timed out at the edge"); break;
    case 529:
      meta = {{"provider_name", provider}};
      message = msg("Provider returned error");
      break;
    default: message = msg("Error " + std::to_string(status)); break;
  }
  r = error_reply(status, message, f.error_type, std::move(meta), std::move(extra));
  if (f.retry_after) r.headers.emplace_back("Retry-After", seconds_header(*f.retry_after));
  if (status == 429 && f.kind == fault_kind::rate_limit) {
    r.headers.emplace_back("X-RateLimit-Limit", std::to_string(f.requests));
    r.headers.emplace_back("X-RateLimit-Remaining", "0");
  }
  return r;
}

}  // namespace openrouter::mock
