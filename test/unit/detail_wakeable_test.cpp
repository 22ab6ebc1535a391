// detail::wakeable, the one "park until woken" under the pool's waiters, the router's slot waits
// and bench's concurrency cap: sticky wakes, wakes from other threads, cancellation, wakes
// queued for a wakeable that is gone, FIFO hand-over through a queue of wakers. Deadlines here
// are hang guards only (a test that fails waits for one, it never races one).
#include "detail/wakeable.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using openrouter::detail::wakeable;
using openrouter::detail::waker;
using outcome = wakeable::outcome;

namespace {

constexpr auto hang_guard = std::chrono::seconds(30);
wakeable::clock::time_point guard() { return wakeable::clock::now() + hang_guard; }

// Runs `a` to its end on `ioc` (alone), rethrowing what it threw.
void run(asio::io_context& ioc, asio::awaitable<void> a) {
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(ioc, std::move(a), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  ioc.run();
  BOOST_TEST_REQUIRE(done);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(detail_wakeable_test)

BOOST_AUTO_TEST_CASE(a_wake_before_the_wait_ends_the_wait_at_once_and_is_consumed) {
  asio::io_context ioc;
  wakeable w(ioc.get_executor());
  std::vector<outcome> seen;
  run(ioc, [&]() -> asio::awaitable<void> {
    w.wake();
    seen.push_back(co_await w.wait(guard()));
    // Consumed: the next wait runs to its deadline (a short one: nothing else can end it).
    seen.push_back(co_await w.wait(wakeable::clock::now() + std::chrono::milliseconds(20)));
    w.wake();
    w.wake();  // wakes do not count up: one ends one wait
    seen.push_back(co_await w.wait(guard()));
    seen.push_back(co_await w.wait(wakeable::clock::now() + std::chrono::milliseconds(20)));
  }());
  BOOST_TEST((seen == std::vector{outcome::woken, outcome::deadline, outcome::woken, outcome::deadline}));
}

BOOST_AUTO_TEST_CASE(take_forgets_a_wake_that_landed) {
  asio::io_context ioc;
  wakeable w(ioc.get_executor());
  BOOST_TEST(!w.take());
  w.wake();
  BOOST_TEST(w.take());
  BOOST_TEST(!w.take());
  std::optional<outcome> seen;
  run(ioc, [&]() -> asio::awaitable<void> {
    seen = co_await w.wait(wakeable::clock::now() + std::chrono::milliseconds(20));
  }());
  BOOST_TEST((seen == outcome::deadline));
}

BOOST_AUTO_TEST_CASE(a_waker_posted_before_the_wait_is_not_lost) {
  asio::io_context ioc;
  auto w = std::make_shared<wakeable>(ioc.get_executor());
  waker{w}();  // queued on the context before the coroutine even starts
  std::optional<outcome> seen;
  run(ioc, [&]() -> asio::awaitable<void> { seen = co_await w->wait(guard()); }());
  BOOST_TEST((seen == outcome::woken));
}

BOOST_AUTO_TEST_CASE(a_waker_on_another_thread_wakes_a_parked_waiter_on_its_own_thread) {
  // The waiter's context runs on this thread, the waker's on a second one. Each round the wake is
  // sent as the waiter parks: it lands before or after the park, and must end the wait either way.
  asio::io_context waiter_ctx;
  asio::io_context waker_ctx;
  auto work = asio::make_work_guard(waker_ctx);
  std::thread waker_thread([&] { waker_ctx.run(); });
  auto w = std::make_shared<wakeable>(asio::make_strand(waiter_ctx));
  const auto waiter_thread = std::this_thread::get_id();
  std::atomic<int> wakes_off_thread{0};
  std::vector<outcome> seen;
  run(waiter_ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 200; ++i) {
      asio::post(waker_ctx, [&, wk = waker(w)] {
        if (std::this_thread::get_id() != waiter_thread) ++wakes_off_thread;
        wk();
      });
      seen.push_back(co_await w->wait(guard()));
      BOOST_TEST((std::this_thread::get_id() == waiter_thread));
    }
  }());
  work.reset();
  waker_thread.join();
  BOOST_TEST(wakes_off_thread.load() == 200);
  BOOST_TEST(std::count(seen.begin(), seen.end(), outcome::woken) == 200);
}

BOOST_AUTO_TEST_CASE(a_cancellation_ends_the_wait_as_cancelled_without_throwing) {
  asio::io_context ioc;
  wakeable w(ioc.get_executor());
  asio::cancellation_signal cancel;
  std::optional<outcome> seen;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(ioc,
                 [&]() -> asio::awaitable<void> {
                   // Runs once this coroutine has parked (one thread: not before it suspends).
                   asio::post(ioc, [&] { cancel.emit(asio::cancellation_type::terminal); });
                   seen = co_await w.wait(guard());
                 },
                 asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
                   failure = e;
                   done = true;
                 }));
  ioc.run();
  BOOST_TEST(done);
  BOOST_TEST(!failure);
  BOOST_TEST((seen == outcome::cancelled));
  // The wakeable is reusable after a cancelled wait.
  ioc.restart();
  seen.reset();
  w.wake();
  run(ioc, [&]() -> asio::awaitable<void> { seen = co_await w.wait(guard()); }());
  BOOST_TEST((seen == outcome::woken));
}

BOOST_AUTO_TEST_CASE(a_wake_queued_for_a_destroyed_wakeable_touches_nothing) {
  asio::io_context ioc;
  {
    auto w = std::make_shared<wakeable>(ioc.get_executor());
    waker wk(w);
    wk();
    wk();
  }  // gone with two wakes queued
  // The same through an owner that holds the wakeable (the pool's waiters: an aliasing pointer).
  struct owner {
    explicit owner(const asio::any_io_executor& ex) : parked(ex) {}
    wakeable parked;
    std::vector<int> payload = std::vector<int>(64, 7);
  };
  {
    auto o = std::make_shared<owner>(ioc.get_executor());
    waker{std::shared_ptr<wakeable>(o, &o->parked)}();
  }
  waker{}();  // an empty waker is a no-op
  BOOST_TEST(ioc.run() == 3u);  // the three queued wakes ran (and found nothing), under ASan too
}

BOOST_AUTO_TEST_CASE(waiters_queued_by_wakers_are_woken_first_come_first_served) {
  // Waiters on strands of two threads enlist in a queue (under a mutex, like the pool's); the
  // queue's owner wakes its front, and each woken waiter hands over to the next front, from its
  // own thread. The order they wake in is the order they enlisted in.
  constexpr int n = 32;
  asio::thread_pool threads(2);
  std::mutex m;
  std::deque<waker> queue;
  std::vector<int> enlisted, woke;
  std::vector<outcome> outcomes;
  std::atomic<int> parked{0}, finished{0};
  const auto hand_over = [&] {
    std::lock_guard lock(m);
    if (queue.empty()) return;
    waker next = std::move(queue.front());
    queue.pop_front();
    next();
  };
  for (int i = 0; i < n; ++i) {
    auto strand = asio::make_strand(threads.get_executor());
    asio::co_spawn(strand,
                   [&, i, strand]() -> asio::awaitable<void> {
                     auto w = std::make_shared<wakeable>(strand);
                     {
                       std::lock_guard lock(m);
                       queue.emplace_back(w);
                       enlisted.push_back(i);
                     }
                     ++parked;
                     const outcome o = co_await w->wait(guard());
                     {
                       std::lock_guard lock(m);
                       woke.push_back(i);
                       outcomes.push_back(o);
                     }
                     hand_over();
                   },
                   [&](std::exception_ptr) { ++finished; });
  }
  while (parked.load() < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  hand_over();
  threads.join();
  BOOST_TEST(finished.load() == n);
  BOOST_TEST(enlisted == woke);
  BOOST_TEST(std::count(outcomes.begin(), outcomes.end(), outcome::woken) == n);
}

BOOST_AUTO_TEST_SUITE_END()
