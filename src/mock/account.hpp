#pragma once
// Account routes of openrouter-mock beyond /key: GET /credits (management key) and
// GET /models/count. Sans-I/O, like routes.cpp, which dispatches to them.

#include "reply.hpp"
#include "state.hpp"

#include <boost/url/url_view.hpp>

#include <string_view>

namespace openrouter::mock {

/// GET /credits for the (already authenticated) Bearer `key`: 403 unless it is the management
/// key when one is configured; otherwise {"data": {"total_credits", "total_usage"}}.
http_reply handle_credits(const mock_state& state, std::string_view key);

/// GET /models/count: {"data": {"count"}}, the number of models /models lists for the same
/// output_modalities filter.
http_reply handle_models_count(const mock_state& state, const boost::urls::url_view& url);

}  // namespace openrouter::mock
