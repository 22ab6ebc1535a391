#pragma once
// Park a coroutine until someone wakes it: the one mechanism under the pool's FIFO waiters, the
// router's slot waits and `openrouter bench`'s concurrency cap (their queues and what a wake
// hands over stay theirs). Private to src/lib (the CLI reaches it through src/ on its include
// path, as it does src/serve).
//
// A wakeable lives on one executor, a strand or a single-threaded context: its wait and its
// wake() run there. A wake is sticky: one that lands while nobody waits ends the next wait at
// once, so a wake can never fall between a waiter's check and its park. From other threads a
// waker posts the wake to that executor, holding the wakeable weakly: a wakeable destroyed
// with a wake still queued is not touched.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace openrouter::detail {

class wakeable {
 public:
  using clock = std::chrono::steady_clock;
  enum class outcome {
    woken,      ///< wake() landed (before or during the wait)
    deadline,   ///< the deadline passed first
    cancelled,  ///< the awaiting coroutine's cancellation slot fired first
  };

  explicit wakeable(const boost::asio::any_io_executor& ex) : timer_(ex) {}
  wakeable(const wakeable&) = delete;
  wakeable& operator=(const wakeable&) = delete;

  /// On the executor: parks until wake(), `deadline` or the caller's cancellation, whichever
  /// comes first, and consumes the wake (a wake that landed since the last wait or take() ends
  /// it without parking). Never throws for cancellation itself: the outcome says it.
  boost::asio::awaitable<outcome> wait(clock::time_point deadline = clock::time_point::max());

  /// On the executor: ends the pending wait, or the next one.
  void wake() noexcept;
  /// On the executor: forgets a wake that has landed (not one still queued by a waker);
  /// returns whether there was one.
  bool take() noexcept;

  const boost::asio::any_io_executor& get_executor() noexcept { return timer_.get_executor(); }

 private:
  boost::asio::steady_timer timer_;
  bool woken_ = false;
};

/// Wakes a wakeable from any thread: posts wake() to its executor, if it still exists then.
/// Copyable; keeps the wakeable's executor, not the wakeable.
class waker {
 public:
  waker() = default;
  /// `w` may alias a larger object that owns the wakeable (std::shared_ptr's aliasing constructor).
  explicit waker(const std::shared_ptr<wakeable>& w) : ex_(w->get_executor()), w_(w) {}
  void operator()() const;

 private:
  boost::asio::any_io_executor ex_;
  std::weak_ptr<wakeable> w_;
};

}  // namespace openrouter::detail
