#pragma once
// One chat turn sent to a chat_target (a client or a router), streamed or not, for the helpers
// layered on both (structured outputs, the agent loop). Private to src/lib.

#include <openrouter/structured.hpp>
#include <openrouter/wire/chat_chunk.hpp>

#include "launch.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace openrouter::detail {

using chunk_observer = std::function<void(const wire::chat_chunk&)>;

/// The client behind a target (a router's own client).
client& client_of(const chat_target& t) noexcept;

/// Sends `req`; with `stream` the chunks go to `on_chunk` (when set) and the result is the
/// accumulated response (partial after a stream error, which is the error).
boost::asio::awaitable<result<wire::chat_response>> chat_once(chat_target t, wire::chat_request req, diagnostics& diag,
                                                             bool stream, const chunk_observer& on_chunk);

/// provider.require_parameters = true when the request uses tools or a response_format.
void require_parameters_if_needed(wire::chat_request& req);

}  // namespace openrouter::detail
