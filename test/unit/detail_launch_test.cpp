// How the facades run an operation (detail::launch_on): a caller's cancellation slot re-used
// call after call, with cancellations emitted around each completion. Asio 1.81's co_spawn
// leaves its handler in the caller's slot and queues a raw pointer into it for an emit made off
// the operation's strand; a slot re-used or a signal destroyed before that runs is touched after
// its end (CI's ASan: heap-use-after-free in shared_client_threads_test). Under ASan+UBSan the
// third case fails on such a launch_on ("member call on address ... which does not point to an
// object of type 'cancellation_handler_base'"); the first two pin the behaviour around it.
#include "detail/launch.hpp"

#include <boost/asio/as_tuple.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>


#include <chrono>
#include <functional>
#include <memory>

namespace asio = boost::asio;
using boost::system::error_code;
using openrouter::detail::result;

namespace {

using strand_t = asio::strand<asio::any_io_executor>;

asio::awaitable<result<int>> answer(int v) { co_return result<int>{error_code{}, v}; }

// Waits up to `d` for a cancellation (the facades' operations observe it through the results of
// what they await), then answers `v` or operation_aborted.
asio::awaitable<result<int>> wait_then_answer(std::chrono::milliseconds d, int v) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec) co_return result<int>{asio::error::operation_aborted, 0};
  co_return result<int>{error_code{}, v};
}

struct chain {
  asio::io_context& ioc;
  strand_t op_strand;
  strand_t caller;
  asio::cancellation_signal signal;
  int remaining;
  int completed = 0;
  int values = 0;

  // One call; its handler (on the caller's strand) emits a cancellation after the completion and
  // makes the next call on the same slot at once.
  void next() {
    openrouter::detail::launch_on<int>(
        op_strand, wait_then_answer(std::chrono::milliseconds(5), completed + 1),
        asio::bind_cancellation_slot(signal.slot(), asio::bind_executor(caller, [this](error_code ec, int v) {
                                       ++completed;
                                       if (!ec) values += v;
                                       // Later, from the caller's strand alone (a handler may run
                                       // nested in the operation's strand, where an emit is inline).
                                       asio::post(caller, [this] {
                                         signal.emit(asio::cancellation_type::terminal);
                                         if (--remaining > 0) next();
                                       });
                                     })));
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(detail_launch_test)

BOOST_AUTO_TEST_CASE(a_cancellation_after_a_completion_reaches_no_operation_and_the_slot_can_be_reused) {
  asio::io_context ioc;
  chain c{ioc, asio::make_strand(ioc.get_executor()), asio::make_strand(ioc.get_executor()), {}, 50};
  c.next();
  ioc.run();
  BOOST_TEST(c.completed == 50);
  BOOST_TEST(c.values == 50 * 51 / 2);  // no call was cancelled by the emit that followed its predecessor
}

BOOST_AUTO_TEST_CASE(a_signal_destroyed_right_after_its_operation_completed_is_never_touched) {
  asio::io_context ioc;
  auto op_strand = asio::make_strand(ioc.get_executor());
  auto caller = asio::make_strand(ioc.get_executor());
  int completed = 0;
  for (int i = 0; i < 20; ++i) {
    auto signal = std::make_unique<asio::cancellation_signal>();
    auto* slot_owner = signal.get();
    openrouter::detail::launch_on<int>(
        op_strand, answer(i),
        asio::bind_cancellation_slot(slot_owner->slot(),
                                     asio::bind_executor(caller, [&completed, caller, s = std::move(signal)](error_code, int) mutable {
                                       ++completed;
                                       asio::post(caller, [s = std::move(s)]() mutable {
                                         s->emit(asio::cancellation_type::terminal);
                                         s.reset();  // the caller's signal ends after its operation
                                       });
                                     })));
  }
  ioc.run();
  BOOST_TEST(completed == 20);
}

BOOST_AUTO_TEST_CASE(a_cancellation_racing_the_completion_is_delivered_or_dropped_never_dangling) {
  // The emit comes from the caller's strand while the operation runs on its own: either it
  // cancels the wait, or the operation has already answered and the emit reaches nothing. The
  // next call re-uses the slot at once, whatever was still queued.
  asio::io_context ioc;
  auto op_strand = asio::make_strand(ioc.get_executor());
  auto caller = asio::make_strand(ioc.get_executor());
  asio::cancellation_signal signal;
  int aborted = 0, answered = 0, other = 0;
  int left = 60;
  std::function<void()> call = [&] {
    openrouter::detail::launch_on<int>(
        op_strand, wait_then_answer(std::chrono::milliseconds(left % 3), 7),
        asio::bind_cancellation_slot(signal.slot(), asio::bind_executor(caller, [&](error_code ec, int v) {
                                       if (ec == asio::error::operation_aborted) ++aborted;
                                       else if (!ec && v == 7) ++answered;
                                       else ++other;
                                       if (--left > 0) call();
                                     })));
    asio::post(caller, [&] { signal.emit(asio::cancellation_type::terminal); });
  };
  asio::post(caller, call);
  ioc.run();
  BOOST_TEST(left == 0);
  BOOST_TEST(other == 0);
  BOOST_TEST(aborted + answered == 60);
  BOOST_TEST(aborted > 0);  // the emit does reach a pending operation
}

BOOST_AUTO_TEST_CASE(an_io_context_destroyed_with_an_operation_pending_frees_it_and_its_caller) {
  // The caller awaits through use_awaitable: its cancellation slot is connected (the launch
  // forwards from it) and its handler owns the calling coroutine. Neither may keep the other
  // alive once the io_context is gone with the operation still waiting.
  auto alive = std::make_shared<int>(0);
  const std::weak_ptr<int> watch = alive;
  {
    asio::io_context ioc;
    // The caller can be cancelled: its slots are connected. Its signal goes before the io_context
    // (it holds what co_spawn put in its slot, the operation's strand among them).
    asio::cancellation_signal caller;
    asio::co_spawn(
        ioc,
        [&ioc, keep = std::move(alive)]() -> asio::awaitable<void> {
          co_await asio::async_initiate<const asio::use_awaitable_t<>, void(error_code, int)>(
              [&ioc](auto h) {
                openrouter::detail::launch_on<int>(openrouter::strand_for(ioc.get_executor()),
                                                   wait_then_answer(std::chrono::hours(1), 1), std::move(h));
              },
              asio::use_awaitable);
        },
        asio::bind_cancellation_slot(caller.slot(), asio::detached));
    ioc.run_for(std::chrono::milliseconds(50));  // the operation now waits
  }
  BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_SUITE_END()
