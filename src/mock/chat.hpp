#pragma once
// POST /chat/completions for openrouter-mock: validation, `models` fallback, provider
// preferences, deterministic completions (text, tools, images, annotations, structured
// output, reasoning), streaming scripts and injected faults. Sans-I/O.

#include "reply.hpp"
#include "state.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <string>

namespace openrouter::mock {

/// Request headers the chat handler reads, lower-case names.
using header_map = std::map<std::string, std::string, std::less<>>;

http_reply handle_chat(mock_state& state, std::string_view body, const header_map& headers);

}  // namespace openrouter::mock
