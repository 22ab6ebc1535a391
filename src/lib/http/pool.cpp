#include "pool.hpp"

#include "../detail/wakeable.hpp"

#include <openrouter/error.hpp>

#include <algorithm>

#include <boost/asio/this_coro.hpp>

namespace openrouter::detail {
namespace asio = boost::asio;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

struct pool::waiter {
  explicit waiter(const asio::any_io_executor& ex) : parked(ex) {}
  wakeable parked;                   // on the acquiring coroutine's executor (a strand)
  std::unique_ptr<connection> conn;  // handed over by release() (or an HTTP/2 stream)
  bool slot = false;                 // or: a slot to open a connection with
  bool probe = false;                // ... that may speak h2
  bool counted = false;              // in stats_.waits (it waits for the limits, not a probe)
  // Called under the pool's lock, on any thread, once the waiter is granted and out of the queue.
  static void wake(const std::shared_ptr<waiter>& self) { waker{std::shared_ptr<wakeable>(self, &self->parked)}(); }
};

pool::pool(const pool_options& opts, bool h2, std::size_t streams_per_connection)
    : opts_(opts), h2_(h2), streams_per_connection_(streams_per_connection ? streams_per_connection : 1) {
  link_->p = this;
}

pool::~pool() {
  {
    std::lock_guard g(link_->m);
    link_->p = nullptr;
  }
  for (auto& [key, s] : origins_)
    for (auto& e : s.h2) e.s->shutdown();
}

std::unique_ptr<connection> pool::h2_stream_locked(origin_state& s) {
  for (auto& e : s.h2) {
    if (!e.usable || e.active >= e.max) continue;
    auto c = std::make_unique<connection>(e.s->open_stream());
    ++e.active;
    ++stats_.h2_streams;
    ++stats_.h2_streams_opened;
    stats_.h2_max_streams_per_connection = std::max<std::uint64_t>(stats_.h2_max_streams_per_connection, e.active);
    return c;
  }
  return nullptr;
}

std::size_t pool::pending_capacity_locked(const origin_state& s) const {
  std::size_t n = s.probing * streams_per_connection_;
  for (const auto& e : s.h2)
    if (e.usable && !e.settled) n += streams_per_connection_ - std::min(e.active, streams_per_connection_);
  return n;
}

void pool::grant_slot_locked(origin_state& s, waiter& w) {
  ++s.open;
  ++total_open_;
  w.slot = true;
  w.probe = may_be_h2(s);
  if (w.probe) ++s.probing;
}

void pool::serve_waiters_locked(origin_state& s) {
  while (!s.waiters.empty()) {
    auto c = h2_stream_locked(s);
    if (!c) break;
    std::shared_ptr<waiter> w = std::move(s.waiters.front());
    s.waiters.pop_front();
    w->conn = std::move(c);
    waiter::wake(w);
  }
  // More waiters than the connections under way will carry: open more connections.
  while (!s.waiters.empty() && s.waiters.size() > pending_capacity_locked(s) &&
         s.open < opts_.max_per_origin && total_open_ < opts_.max_connections) {
    std::shared_ptr<waiter> w = std::move(s.waiters.front());
    s.waiters.pop_front();
    grant_slot_locked(s, *w);
    waiter::wake(w);
  }
  count_limit_waits_locked(s);
}

void pool::count_limit_waits_locked(origin_state& s) {
  if (s.open < opts_.max_per_origin && total_open_ < opts_.max_connections) return;
  for (auto& w : s.waiters)  // those that waited for a probe wait for the limits now
    if (!w->counted) {
      w->counted = true;
      ++stats_.waits;
    }
}

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
    for (auto& e : s.h2)  // idle sessions expire like idle connections
      if (e.usable && e.active == 0 && now - e.idle_since > opts_.idle_timeout) {
        e.usable = false;
        ++stats_.evictions;
        e.s->shutdown();
      }
    if (auto c = h2_stream_locked(s)) co_return lease{std::move(c), true, false};
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
    // A connection that may speak h2 is being opened and will carry this request too.
    const bool wait_for_probe = may_be_h2(s) && s.waiters.size() + 1 <= pending_capacity_locked(s);
    const bool at_limit = s.open >= opts_.max_per_origin || total_open_ >= opts_.max_connections;
    if (!wait_for_probe && !at_limit) {
      ++s.open;
      ++total_open_;
      const bool probe = may_be_h2(s);
      if (probe) ++s.probing;
      co_return lease{nullptr, false, probe};
    }
    w = std::make_shared<waiter>(ex);
    s.waiters.push_back(w);
    // `waits` counts the pool's limits at work; waiting only for a connection whose protocol is
    // not known yet (it may carry this request as an HTTP/2 stream) is not that.
    if (at_limit) {
      ++stats_.waits;
      w->counted = true;
    }
  }
  const wakeable::outcome woke = co_await w->parked.wait(deadline);

  // Granted (under the lock) even if the deadline or a cancellation ended the wait first.
  std::lock_guard lock(mutex_);
  if (w->conn) co_return lease{std::move(w->conn), true, false};
  if (w->slot) co_return lease{nullptr, false, w->probe};
  origins_[key].waiters.remove(w);
  if (woke == wakeable::outcome::cancelled) {
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
  if (c && c->h2_stream()) {  // a stream: it ends (RST_STREAM(CANCEL) if unfinished), its session stays
    const h2::session* owner = &c->h2_stream()->owner();
    c.reset();
    std::lock_guard lock(mutex_);
    origin_state& s = origins_[o.key()];
    for (auto& e : s.h2)
      if (e.s.get() == owner) {
        --e.active;
        --stats_.h2_streams;
        if (e.active == 0) e.idle_since = clock::now();
        serve_waiters_locked(s);
        break;
      }
    return;
  }
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
      waiter::wake(w);
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

void pool::release_slot(const origin& o, bool probe) {
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[o.key()];
  --s.open;
  --total_open_;
  if (probe) --s.probing;
  wake_one_locked();
  serve_waiters_locked(s);
}

std::unique_ptr<connection> pool::add_h2(const origin& o, std::shared_ptr<h2::session> sess, bool probe,
                                         bool first_stream) {
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[o.key()];
  if (probe) --s.probing;
  s.proto = protocol::h2;
  --stats_.in_use;  // count_connect() counted it as an HTTP/1.1 connection lent out
  ++stats_.h2_connections_opened;
  ++stats_.h2_connections;
  h2_entry e;
  e.s = std::move(sess);
  e.max = 1;  // until the server's SETTINGS say how many (h2_update)
  e.idle_since = clock::now();
  s.h2.push_back(std::move(e));
  std::unique_ptr<connection> first;
  if (first_stream) first = h2_stream_locked(s);
  serve_waiters_locked(s);
  return first;
}

void pool::settle_h1(const origin& o, bool probe) {
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[o.key()];
  if (probe) --s.probing;
  if (s.h2.empty()) s.proto = protocol::h1;
  // Requests that waited for the probe open connections of their own now.
  while (!s.waiters.empty() && s.open < opts_.max_per_origin && total_open_ < opts_.max_connections) {
    std::shared_ptr<waiter> w = std::move(s.waiters.front());
    s.waiters.pop_front();
    grant_slot_locked(s, *w);
    waiter::wake(w);
  }
  count_limit_waits_locked(s);
}

h2::session::notify_fn pool::h2_listener(const origin& o) {
  return [l = link_, key = o.key()](h2::session& s, std::size_t max, bool usable) {
    std::lock_guard g(l->m);
    if (l->p) l->p->h2_update(key, s, max, usable);
  };
}

void pool::h2_update(const std::string& key, h2::session& sess, std::size_t max, bool usable) {
  std::shared_ptr<h2::session> gone;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  origin_state& s = origins_[key];
  for (auto it = s.h2.begin(); it != s.h2.end(); ++it) {
    if (it->s.get() != &sess) continue;
    if (usable) {
      it->settled = true;
      it->max = std::min(max, streams_per_connection_);
      serve_waiters_locked(s);
      return;
    }
    // GOAWAY or closed: no new stream; its slot is free for another connection.
    gone = std::move(it->s);
    stats_.h2_streams -= it->active;
    s.h2.erase(it);
    --stats_.h2_connections;
    --s.open;
    --total_open_;
    wake_one_locked();
    serve_waiters_locked(s);
    return;
  }
}

void pool::count_h2_refused_resend() {
  std::lock_guard lock(mutex_);
  ++stats_.h2_refused_resends;
}

bool pool::wake_one_locked() {
  if (total_open_ >= opts_.max_connections) return false;
  for (auto& [key, s] : origins_) {
    if (s.waiters.empty() || s.open >= opts_.max_per_origin) continue;
    std::shared_ptr<waiter> w = std::move(s.waiters.front());
    s.waiters.pop_front();
    grant_slot_locked(s, *w);
    waiter::wake(w);
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
