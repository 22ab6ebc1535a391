#pragma once
// OpenRouter's error envelope, exactly as the real API sends it (openrouter-api.md §5), and the
// plain JSON answer of a route that succeeded.

#include "reply.hpp"
#include "scenario.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace openrouter::mock {

/// `body` as JSON with `status` (200 by default).
http_reply ok_json(const boost::json::value& body, unsigned status = 200);

/// {"error":{"code":status,"message":...,"metadata":{...}}} with the status' usual
/// error_type; `extra_error` members are merged into the error object.
http_reply error_reply(unsigned status, std::string_view message, std::string_view error_type = {},
                       boost::json::object metadata = {}, boost::json::object extra_error = {});

/// An `availability` block (§5.5) for model-availability errors.
boost::json::object availability(std::string_view code, bool retryable, std::string_view model,
                                 std::optional<double> retry_after = std::nullopt);

/// The reply of an injected pre-stream fault (http_error, wrapped_transient, rate_limit) for
/// `model` served by `provider`; `prompt` feeds the moderation metadata.
http_reply fault_reply(const fault& f, std::string_view model, std::string_view provider,
                       std::string_view prompt);

class mock_state;

/// For the endpoints answered in one piece (embeddings and the like): the error the scenario's
/// rules for `model` (and a "fault/..." name's own) draw for this request, if any: an HTTP
/// error, a wrapped transient or a 429, as chat's pre-stream faults; a 400 for a malformed
/// "fault/..." name. `provider` names the one that "failed".
std::optional<http_reply> drawn_error(mock_state& state, std::string_view model, std::string_view provider);

/// The default error_type of an HTTP status (§5.2).
std::string_view default_error_type(unsigned status) noexcept;

}  // namespace openrouter::mock
