#pragma once
// Cancellation that lands between two operations. Private to src/lib.
//
// The facades run their coroutines with throw_if_cancelled(false) (see launch.hpp), so a
// cancellation signal is seen only by the operation pending when it fires. One that fires while
// none is pending (a completion already queued, the coroutine between two steps) is recorded in
// the coroutine's cancellation state and nowhere else: every step that starts I/O or a wait asks
// this first, or the request would run on as if it had never been cancelled.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/error_code.hpp>

namespace openrouter::detail {

/// Sets `ec` to operation_aborted and returns true when the caller has asked for cancellation.
inline boost::asio::awaitable<bool> cancel_requested(boost::system::error_code& ec) {
  auto cs = co_await boost::asio::this_coro::cancellation_state;
  if (cs.cancelled() == boost::asio::cancellation_type::none) co_return false;
  ec = boost::asio::error::operation_aborted;
  co_return true;
}

}  // namespace openrouter::detail
