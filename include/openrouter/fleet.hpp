#pragma once
// Limits shared by a fleet of processes that use one API key (batch shards, serve replicas):
// the fleet-wide requests per minute, in-flight attempts, spend cap and cool-downs of a routing
// policy, kept in Redis (or Valkey, or a managed Redis) by atomic Lua scripts. A router given
// the shared state (router::share) asks it to admit each attempt (one round trip) and tells it
// how the attempt ended.
//
// Redis down or slow is not the job down: every call has a deadline; past it (or on any error)
// the process falls back to its 1/fleet_size share of each limit (routing::local_fallback),
// says so once through on_mode, reconnects in the background, and goes back to the shared
// limits when Redis answers again.
//
//   openrouter::fleet_options fo;
//   fo.redis_url = "redis://redis.internal:6379/0";
//   fo.password = getenv("REDIS_PASSWORD");
//   fo.key_namespace = openrouter::fleet_namespace(api_key, "nightly-batch");
//   fo.fleet_size = 8;
//   auto shared = openrouter::make_redis_state(ioc.get_executor(), policy, fo, ec, what);
//   router.share(shared);

#include <openrouter/routing/policy.hpp>
#include <openrouter/routing/shared_state.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace openrouter {

struct fleet_options {
  /// redis://[user@]host[:port][/db], or rediss://... for TLS (the server's certificate and host
  /// name verified against the system's CAs and ca_file).
  std::string redis_url;
  std::string ca_file;  ///< an extra CA (PEM file) for rediss://, e.g. a private or managed Redis's
  std::string password;       ///< AUTH; from the environment (REDIS_PASSWORD), never a flag
  std::string key_namespace;  ///< fleet_namespace(): the keys' prefix, never the API key itself
  std::size_t fleet_size = 1;  ///< processes sharing the limits: the fallback's divisor
  std::chrono::milliseconds call_deadline{100};     ///< per Redis call (admit, end, ...)
  std::chrono::milliseconds connect_deadline{1000};
  std::chrono::milliseconds reconnect_every{1000};  ///< while falling back
  std::chrono::milliseconds lease_ttl{30000};       ///< an in-flight lease a dead process held frees after this
  std::chrono::milliseconds poll{50};               ///< how soon to ask again for a fleet in-flight slot
  double model_requests_per_minute = 0;  ///< a fleet-wide bucket per model too (0: none)
  double reserve_usd = 0;  ///< the least an attempt reserves of the budget (the fleet's mean cost when higher)
  /// Told of each change of mode: shared (true) or the local fallback (false), with why.
  std::function<void(bool shared, const std::string& why)> on_mode;
};

/// The keys' namespace for an API key: a hash of it (the key never leaves the process), with
/// `fleet_id` (a job's name) to keep runs apart.
std::string fleet_namespace(std::string_view api_key, std::string_view fleet_id = {});

/// A shared state on Redis for `p`'s limits (limits.requests_per_minute, burst, max_in_flight,
/// max_in_flight_per_model, max_cost_usd are the fleet's). Connects in the background (admits
/// wait for the first connection up to connect_deadline). A bad URL: nullptr with ec
/// (errc::invalid_argument) and `what`.
std::shared_ptr<routing::shared_state> make_redis_state(boost::asio::any_io_executor ex, const routing::policy& p,
                                                        fleet_options o, boost::system::error_code& ec,
                                                        std::string& what);

}  // namespace openrouter
