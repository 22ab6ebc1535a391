#pragma once
// The one I/O runner of HTTP/1.1 exchanges (exchange.hpp): it performs the writes and reads a
// sans-I/O exchange asks for on a connection, under per-phase deadlines, and turns I/O failures
// into typed errors whose detail names the phase, the peer and the system's reason. Plain
// requests, streams and asset fetches all go through drive(). Private to src/lib.

#include "connection.hpp"
#include "exchange.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>

namespace openrouter::detail {

/// Deadlines of one operation, fixed when it starts.
struct deadlines {
  std::chrono::steady_clock::time_point total;  ///< max() when there is none
  static deadlines start(const timeouts& t);
  /// The earlier of now + `phase` and the total deadline; `total_binds` says which one it is.
  std::chrono::steady_clock::time_point phase(std::chrono::milliseconds phase, bool& total_binds) const;
};

/// The longest wait of each phase of an exchange (exchange::phase); the total deadline binds
/// as well.
struct phase_timeouts {
  std::chrono::milliseconds request;  ///< writing the request
  std::chrono::milliseconds head;     ///< the response head
  std::chrono::milliseconds body;     ///< between two reads of the body
  /// A timeout is errc::total_timeout even when a phase's limit bound (a fetch with one
  /// deadline for everything).
  bool total_only = false;
};

/// Maps a lower-level failure (Asio, Beast, OpenSSL) to openrouter::errc; `total_binds` turns a
/// timeout into errc::total_timeout, else into `phase_timeout`.
boost::system::error_code map_io_error(const boost::system::error_code& ec, bool total_binds, errc phase_timeout);

/// Performs `x`'s write and read actions on `c` until `x` reaches headers, a piece, done or
/// failed, and returns that action. A failed I/O fails `x` with an openrouter::errc (a
/// timeout names the phase it ended: headers_timeout, read_timeout, or total_timeout), a
/// cancellation of the calling coroutine with operation_aborted; diag.detail then says what
/// failed, where, and why. Leaves the connection without a deadline when it returns.
boost::asio::awaitable<exchange::action> drive(connection& c, exchange& x, const deadlines& dl,
                                               const phase_timeouts& t, diagnostics& diag);

}  // namespace openrouter::detail
