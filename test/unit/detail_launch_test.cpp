// How the facades run an operation (detail::launch_on): a caller's cancellation slot re-used
// call after call, with cancellations emitted around each completion. Asio 1.81's co_spawn
// leaves its handler in the caller's slot and queues a raw pointer into it for every emit from
// another executor; re-using the slot before that runs freed the memory it points at (found by
// ASan in CI as a heap-use-after-free in shared_client_threads_test). Run under ASan, these fail
// on such a launch_on.
#include "detail/launch.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <boost/asio/as_tuple.hpp>

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
        op_strand, answer(completed + 1),
        asio::bind_cancellation_slot(signal.slot(), asio::bind_executor(caller, [this](error_code ec, int v) {
                                       ++completed;
                                       if (!ec) values += v;
                                       signal.emit(asio::cancellation_type::terminal);
                                       if (--remaining > 0) next();
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

BOOST_AUTO_TEST_SUITE_END()
