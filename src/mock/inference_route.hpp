#pragma once
// What openrouter-mock's one-answer inference routes (/rerank, /images, /audio/speech,
// /audio/transcriptions) share: the request's JSON and model, the models of routes the catalog
// does not list, and the fault machinery (the scenario's faults and "fault/..." model names act
// as they do for a non-streamed chat completion). Sans-I/O.

#include "reply.hpp"
#include "scenario.hpp"
#include "state.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <span>
#include <string_view>
#include <variant>

namespace openrouter::mock {

/// The JSON object of a request whose `model` is a non-empty string; else the 400 to answer.
std::variant<boost::json::object, http_reply> parse_model_request(std::string_view body);

/// A model of a route the catalog does not list (rerank, speech, transcription).
struct route_model {
  std::string_view id, provider;
  double price;  ///< USD per the route's unit (search unit, input character, audio second)
};

/// The model `id` among `models`; a "fault/..." name is served by models.front(). A malformed
/// fault name is a 400, an unknown model a 404 naming `what` ("rerank", "speech", ...).
std::variant<const route_model*, http_reply> find_route_model(std::span<const route_model> models, std::string_view id,
                                                             std::string_view what);

struct drawn_fault {
  std::optional<http_reply> reply;  ///< an error status or a reset before any byte: the answer
  std::optional<fault> hit;         ///< otherwise a fault for apply_fault (stall, reset or cut body)
};

/// Draws the fault of one request for `model` (a "fault/..." name or any model the scenario
/// names). `provider` and `prompt` feed the error envelope (moderation metadata).
drawn_fault draw_route_fault(mock_state& state, std::string_view model, std::string_view provider,
                             std::string_view prompt);

/// Applies a drawn fault to the route's answer: a stall before it (after_tokens < 0) or in the
/// middle of its body, a reset in the middle of its body, a body cut in half (malformed_json).
/// Faults of streams and choices (mid_stream_error, error_in_body, malformed_sse, no_done) do
/// not apply to these answers.
void apply_fault(const std::optional<fault>& hit, http_reply& reply);

/// Whether `model` is a "fault/..." name; a malformed one sets `error`.
bool is_fault_model(std::string_view model, std::string& error);

}  // namespace openrouter::mock
