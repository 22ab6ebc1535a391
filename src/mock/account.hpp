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

/// GET /activity for `key`: 403 like /credits; the recorded completions of the last 30 days
/// grouped by UTC date, model and provider ({"data": [ActivityItem...]}), newest first; the
/// `date` filter (YYYY-MM-DD, else 400).
http_reply handle_activity(const mock_state& state, std::string_view key, const boost::urls::url_view& url);

/// GET /endpoints/zdr: every zero-data-retention endpoint of the catalog ({"data": [PublicEndpoint...]}).
http_reply handle_zdr_endpoints(const mock_state& state);

/// GET /model/{author}/{slug}: {"data": Model}, or 404.
http_reply handle_model(const mock_state& state, std::string_view author, std::string_view slug);

/// GET /generation/content?id=: the stored prompt (messages or prompt) and the generated
/// completion of a recorded generation; 404 like /generation.
http_reply handle_generation_content(const mock_state& state, const boost::urls::url_view& url);

}  // namespace openrouter::mock
