#pragma once
// POST /rerank of openrouter-mock (sans-I/O): documents scored by how many of the query's words
// they hold (plus a small deterministic tie-break), most relevant first; usage with search
// units and cost. "fault/..." model names and the scenario's faults apply.

#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

http_reply handle_rerank(mock_state& state, std::string_view body);

}  // namespace openrouter::mock
