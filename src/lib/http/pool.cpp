#include "pool.hpp"

#include <openrouter/error.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace openrouter::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

struct pool::waiter {
  explicit waiter(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
  std::unique_ptr<connection> conn;  // handed over by release()
  bool slot = false;                 // or: a slot to open a connection with
  bool granted() const { return conn || slot; }
  // Wakes the waiter on its own executor (operations run on strands, so this is serialized
  // with the waiting coroutine).
  void wake(const std::shared_ptr<waiter>& self) {
    asio::post(timer.get_executor(), [self] { self->timer.cancel(); });
  }
};

pool::~pool() = default;

asio::awaitable<pool::lease> pool::acquire(const origin& o, clock::time_point deadline, bool fresh,
                                           error_code& ec) {
  ec = {};
  std::shared_ptr<waiter> w;
  const std::string key = o.key();
  // Every co_await happens outside the lock: a coroutine may resume on another thread (and a
  // std::mutex must be unlocked by the thread that locked it), and a suspension under the lock
  // would stall every other request of the pool.
  const asio::any_io_executor ex = co_await asio::this_coro::executor;
  {
    std::lock_guard lock(mutex_);
    origin_state& s = origins_[key];
    auto now = clock::now();
    while (!fresh && !s.idle.empty()) {
      std::unique_ptr<connection> c = std::move(s.idle.back());
      s.idle.pop_back();
      --stats_.idle;
      bool expired = now - c->idle_since > opts_.idle_timeout;
      // Checked just before the request is written: a connection the server closed while it
      // was parked is discarded here, so the request goes out once, on another connection.
      if (!expired && c->idle_alive()) {
        ++stats_.reuses;
        ++stats_.in_use;
        ++c->uses;
        co_return lease{std::move(c), true};
      }
      c->close();  // expired, or the server closed it while it was parked
      --s.open;
      --total_open_;
      ++stats_.evictions;
      if (!expired) ++stats_.stale_discards;
    }
    if (fresh && !s.idle.empty() && (s.open >= opts_.max_per_origin || total_open_ >= opts_.max_connections)) {
      // A re-send needs a new connection: make room by closing the oldest idle one.
      s.idle.front()->close();
      s.idle.erase(s.idle.begin());
      --stats_.idle;
      --s.open;
      --total_open_;
      ++stats_.evictions;
    }
    if (s.open < opts_.max_per_origin && total_open_ < opts_.max_connections) {
      ++s.open;
      ++total_open_;
      co_return lease{};
    }
    w = std::make_shared<waiter>(ex);
    s.waiters.push_back(w);
    ++stats_.waits;
  }
  w->timer.expires_at(deadline);
  error_code wait_ec;
  co_await w->timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));

  std::lock_guard lock(mutex_);
  if (w->conn) co_return lease{std::move(w->conn), true};
  if (w->slot) co_return lease{};
  origins_[key].waiters.remove(w);
  if (wait_ec == asio::error::operation_aborted) {
    ec = asio::error::operation_aborted;  // the caller cancelled
  } else {
    ec = make_error_code(errc::pool_timeout);
    ++stats_.wait_timeouts;
  }
  co_return lease{};
}

bool pool::try_reserve(const origin& o) {
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[o.key()];
  if (s.open >= opts_.max_per_origin || total_open_ >= opts_.max_connections || !s.waiters.empty()) return false;
  ++s.open;
  ++total_open_;
  return true;
}

void pool::release(const origin& o, std::unique_ptr<connection> c, bool reusable) {
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[o.key()];
  --stats_.in_use;
  // A connection handed straight to a waiter is checked like one taken from the idle list.
  if (c && reusable && !s.waiters.empty() && !c->idle_alive()) {
    reusable = false;
    ++stats_.evictions;
    ++stats_.stale_discards;
  }
  if (c && reusable) {
    if (!s.waiters.empty()) {
      std::shared_ptr<waiter> w = std::move(s.waiters.front());
      s.waiters.pop_front();
      ++c->uses;
      w->conn = std::move(c);
      ++stats_.reuses;
      ++stats_.in_use;
      w->wake(w);
      return;
    }
    c->idle_since = clock::now();
    c->release_buffer();
    s.idle.push_back(std::move(c));
    ++stats_.idle;
    return;
  }
  if (c) c->close();
  --s.open;
  --total_open_;
  wake_one_locked();
}

void pool::release_slot(const origin& o) {
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[o.key()];
  --s.open;
  --total_open_;
  wake_one_locked();
}

bool pool::wake_one_locked() {
  if (total_open_ >= opts_.max_connections) return false;
  for (auto& [key, s] : origins_) {
    if (s.waiters.empty() || s.open >= opts_.max_per_origin) continue;
    std::shared_ptr<waiter> w = std::move(s.waiters.front());
    s.waiters.pop_front();
    ++s.open;
    ++total_open_;
    w->slot = true;
    w->wake(w);
    return true;
  }
  return false;
}

void pool::count_connect(bool ok, bool tls, bool resumed) {
  std::lock_guard lock(mutex_);
  if (!ok) {
    ++stats_.connect_failures;
    return;
  }
  ++stats_.connections_opened;
  ++stats_.in_use;
  if (tls) ++stats_.tls_handshakes;
  if (resumed) ++stats_.tls_resumptions;
}

void pool::count_resend() {
  std::lock_guard lock(mutex_);
  ++stats_.resends;
}

pool_stats pool::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace openrouter::detail
