#pragma once
// Keep-alive connection pool: per origin, most-recently-used first, limits on total and
// per-origin connections, FIFO waiters with a timeout, idle expiry. Thread-safe: requests
// running on any thread of an io_context (or several) share one pool.

#include "connection.hpp"

#include <openrouter/config.hpp>
#include <openrouter/pool_stats.hpp>

#include <boost/asio/awaitable.hpp>

#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>

namespace openrouter::detail {

class pool {
 public:
  struct lease {
    std::unique_ptr<connection> conn;  ///< null: the caller must open one (a slot is reserved)
    bool reused = false;
  };

  explicit pool(const pool_options& opts) : opts_(opts) {}
  ~pool();

  /// An idle connection to `o`, or a reserved slot to open one, waiting (FIFO) while the limits
  /// are reached - at most until `deadline`. Fails with errc::pool_timeout, or
  /// operation_aborted when the caller cancels. `fresh` skips idle connections.
  boost::asio::awaitable<lease> acquire(const origin& o, std::chrono::steady_clock::time_point deadline,
                                        bool fresh, boost::system::error_code& ec);

  /// Reserves a slot for a new connection if the limits allow it right now (no waiting).
  bool try_reserve(const origin& o);

  /// Returns a connection after a request: parked for reuse when `reusable`, else closed.
  void release(const origin& o, std::unique_ptr<connection> c, bool reusable);
  /// Gives back a slot reserved by acquire() whose connect failed.
  void release_slot(const origin& o);

  void count_connect(bool ok, bool tls, bool resumed = false);
  void count_resend();
  pool_stats stats() const;

 private:
  struct waiter;
  struct origin_state {
    std::vector<std::unique_ptr<connection>> idle;  // back = most recently used
    std::size_t open = 0;                          // idle + in use + being opened
    std::list<std::shared_ptr<waiter>> waiters;
  };

  bool wake_one_locked();  // hands a free slot to the oldest waiter of any origin

  pool_options opts_;
  mutable std::mutex mutex_;
  std::map<std::string, origin_state, std::less<>> origins_;
  std::size_t total_open_ = 0;
  pool_stats stats_;
};

}  // namespace openrouter::detail
