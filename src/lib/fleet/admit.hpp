#pragma once
// A router's attempt, admitted by the fleet's shared state first (routing/shared_state.hpp):
// a fleet token, lease and reservation before it is sent, the lease freed and the reservation
// settled after. Private to src/lib (router.cpp).

#include <openrouter/error.hpp>
#include <openrouter/routing/shared_state.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace openrouter::fleet {

/// Asks `s` until it admits an attempt on `model` (waiting out its waits, up to `until`).
/// Returns the ticket to settle (ec empty), or why not: errc::budget_exhausted (the fleet's
/// budget is spent), errc::rate_limited with diag.retry_after (the model cools down fleet-wide:
/// the planner then cools it here too and moves on), operation_aborted (cancelled).
/// Each ask completes within the shared state's per-call deadline.
boost::asio::awaitable<std::pair<boost::system::error_code, std::uint64_t>> admit(
    std::shared_ptr<routing::shared_state> s, std::string model, std::chrono::steady_clock::time_point until,
    diagnostics& diag);

/// How an attempt that ended with `ec` (and `cost`, when it reported one) settles.
routing::settlement settlement_of(boost::system::error_code ec, const std::optional<double>& cost,
                                  const diagnostics& d);

}  // namespace openrouter::fleet
