#include "wakeable.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace openrouter::detail {
namespace asio = boost::asio;

// The awaiting coroutine's cancellation state (and its throw_if_cancelled setting) is its
// thread's, which this nested coroutine shares: a cancellation reaches the timer's wait, and no
// operation is started after it here, so it is reported, never thrown from this frame.
asio::awaitable<wakeable::outcome> wakeable::wait(clock::time_point deadline) {
  if (std::exchange(woken_, false)) co_return outcome::woken;
  timer_.expires_at(deadline);
  auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  // A wake beats a deadline or a cancellation that completed the wait before it ran.
  if (std::exchange(woken_, false)) co_return outcome::woken;
  if (ec == asio::error::operation_aborted) co_return outcome::cancelled;
  co_return outcome::deadline;
}

void wakeable::wake() noexcept {
  woken_ = true;
  timer_.cancel();
}

bool wakeable::take() noexcept { return std::exchange(woken_, false); }

void waker::operator()() const {
  if (!ex_) return;
  asio::post(ex_, [w = w_] {
    if (auto s = w.lock()) s->wake();
  });
}

}  // namespace openrouter::detail
