#pragma once
// The server-side fetch of a remote asset into a data URL (client::async_fetch_asset). Private
// to src/lib.

#include "../detail/launch.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>

namespace openrouter::detail {

/// GET `url` on a connection of its own, under cfg.remote_assets: allowlisted hosts only, every
/// resolved address screened (media::address_refusal), redirects re-checked and bounded, the
/// body capped and its type checked (declared and sniffed), one deadline for the whole fetch.
/// Never sends the API key. Completes with the asset's data URL.
boost::asio::awaitable<result<std::string>> fetch_asset(const client_config& cfg, std::string url, diagnostics& diag);

}  // namespace openrouter::detail
