#pragma once
// Cancellation that lands between two operations. Private to src/lib.
//
// The facades run their coroutines with throw_if_cancelled(false) (see launch.hpp), so a
// cancellation signal is seen only by the operation pending when it fires. One that fires while
// none is pending (a completion already queued, the coroutine between two steps) is recorded in
// the coroutine's cancellation state and nowhere else: every step that starts I/O or a wait asks
// this first, or the request would run on as if it had never been cancelled.

#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/error_code.hpp>

namespace openrouter::detail {

/// Whether the caller has asked for cancellation, read from the coroutine's own state without a
/// coroutine of its own: `if (cancelled(co_await asio::this_coro::cancellation_state, ec))`.
/// Sets `ec` to operation_aborted when it has.
inline bool cancelled(const boost::asio::cancellation_state& cs, boost::system::error_code& ec) noexcept {
  if (cs.cancelled() == boost::asio::cancellation_type::none) return false;
  ec = boost::asio::error::operation_aborted;
  return true;
}

}  // namespace openrouter::detail
