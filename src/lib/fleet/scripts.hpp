#pragma once
// The Lua scripts that keep a fleet's limits in Redis, each atomic (one EVALSHA; EVAL when the
// server answers NOSCRIPT). Time is the server's (TIME), so the processes' clocks never matter.
// Private to src/lib/fleet.

#include <string>
#include <string_view>

namespace openrouter::fleet {

struct script {
  std::string_view body;
  std::string sha1;  ///< hex, for EVALSHA
};

/// admit: one attempt on a model.
///   KEYS: leases, model leases, bucket, model bucket, cool-down, spend, reservations (id ->
///         amount), stats (n and total of settled costs, the reservations' running total)
///   ARGV: lease id, lease ttl ms, rpm, burst, model rpm, model burst, max in flight,
///         max in flight per model, budget, reservation floor, poll ms
///   -> {"go", 0, reserved, spent} | {"wait", ms, why} | {"cooling", ms} | {"spent", 0, spent}
///   Leases that expired (their process died or lost the store) are dropped first and their
///   reservations charged: they may have been billed.
const script& admit_script();
/// end: KEYS leases, model leases, spend, reservations, stats; ARGV lease id, "cost" | "release"
///   | "unknown", cost -> the fleet's spend (string)
const script& end_script();
/// cool: KEYS cool-down; ARGV ms -> the cool-down left in ms (never shortened)
const script& cool_script();
/// renew: KEYS leases, model lease sets (one per id); ARGV ttl ms, ids -> leases still held
const script& renew_script();

}  // namespace openrouter::fleet
