#pragma once
// The CLI's fleet options, shared by `batch` and `serve`: --redis URL (the password from
// REDIS_PASSWORD, never a flag), --fleet-size N, --fleet-id NAME; and the shared state they
// make (openrouter/fleet.hpp), which says on stderr, once per change, when it falls back to
// local limits and when it is back on the fleet's.

#include "context.hpp"

#include <openrouter/fleet.hpp>

#include <memory>

namespace openrouter::cli {

void add_fleet_options(po::options_description& o);

/// nullptr without --redis. `command` names the lines on stderr ("openrouter batch: fleet: ...").
std::shared_ptr<routing::shared_state> fleet_state(context& ctx, const routing::policy& p, const char* command);

}  // namespace openrouter::cli
