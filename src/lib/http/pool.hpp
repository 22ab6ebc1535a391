#pragma once
// Keep-alive connection pool: per origin, most-recently-used first, limits on total and
// per-origin connections, FIFO waiters with a timeout, idle expiry. Thread-safe: requests
// running on any thread of an io_context (or several) share one pool.
//
// HTTP/2 (issue 14): an origin whose connections speak h2 has sessions instead of idle
// connections; each holds one slot and lends streams (a connection made from an h2::stream) up
// to its peer's SETTINGS_MAX_CONCURRENT_STREAMS. While a connection whose protocol is not known
// yet is being opened (a probe), requests it could carry wait for it instead of opening more.

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
    /// The slot opens a connection that may speak h2: settle it with add_h2(), settle_h1() or
    /// release_slot(o, true).
    bool probe = false;
  };

  /// `h2` whether connections may speak HTTP/2 (then requests wait for a probe, see above);
  /// `streams_per_connection` caps a session's streams whatever its peer allows.
  explicit pool(const pool_options& opts, bool h2 = false, std::size_t streams_per_connection = 100);
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
  void release_slot(const origin& o, bool probe = false);

  /// The connection opened on a slot speaks HTTP/2: `s` (started on it) keeps the slot. Returns
  /// the caller's first stream on it (none when `first_stream` is false: a warm-up).
  std::unique_ptr<connection> add_h2(const origin& o, std::shared_ptr<h2::session> s, bool probe,
                                     bool first_stream = true);
  /// The connection opened on a probe slot speaks HTTP/1.1.
  void settle_h1(const origin& o, bool probe);
  /// What a session of `o` tells the pool (its streams, its end); safe after the pool is gone.
  h2::session::notify_fn h2_listener(const origin& o);
  void count_h2_refused_resend();

  void count_connect(bool ok, bool tls, bool resumed = false);
  void count_resend();
  pool_stats stats() const;

 private:
  struct waiter;
  struct h2_entry {
    std::shared_ptr<h2::session> s;
    std::size_t active = 0;  // streams lent out
    std::size_t max = 0;     // streams it may carry now
    bool usable = true;
    bool settled = false;  // the server's SETTINGS arrived (until then it carries one stream)
    std::chrono::steady_clock::time_point idle_since{};
  };
  enum class protocol { unknown, h1, h2 };
  struct origin_state {
    std::vector<std::unique_ptr<connection>> idle;  // back = most recently used
    std::size_t open = 0;                          // idle + in use + being opened
    std::list<std::shared_ptr<waiter>> waiters;
    std::vector<h2_entry> h2;  // sessions, oldest first
    protocol proto = protocol::unknown;
    std::size_t probing = 0;  // connections being opened that may speak h2
  };
  /// Lets sessions reach the pool while it exists.
  struct link {
    std::mutex m;
    pool* p = nullptr;
  };

  bool wake_one_locked();  // hands a free slot to the oldest waiter of any origin
  bool may_be_h2(const origin_state& s) const noexcept { return h2_ && s.proto != protocol::h1; }
  /// A stream on a session of `s` with room, or null.
  std::unique_ptr<connection> h2_stream_locked(origin_state& s);
  /// Gives waiters of `s` streams on sessions with room, then slots for more connections as
  /// long as the probes under way cannot carry them all.
  void serve_waiters_locked(origin_state& s);
  void grant_slot_locked(origin_state& s, waiter& w);
  /// At the limits: the waiters of `s` not counted in stats_.waits yet are counted.
  void count_limit_waits_locked(origin_state& s);
  /// Streams that connections being opened, or whose SETTINGS have not arrived, are expected to carry.
  std::size_t pending_capacity_locked(const origin_state& s) const;
  void h2_update(const std::string& key, h2::session& s, std::size_t max, bool usable);

  pool_options opts_;
  bool h2_ = false;
  std::size_t streams_per_connection_ = 100;
  std::shared_ptr<link> link_ = std::make_shared<link>();
  mutable std::mutex mutex_;
  std::map<std::string, origin_state, std::less<>> origins_;
  std::size_t total_open_ = 0;
  pool_stats stats_;
};

}  // namespace openrouter::detail
