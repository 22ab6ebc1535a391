// openrouter::strand_for: the strand every operation (and every gateway connection) runs on.
// Over an io_context's executor it is the concrete strand (kept inline by any_io_executor: no
// heap allocation per work-tracking copy); over anything else a strand of that executor. Either
// way a new strand per call, whose handlers never run at the same time, even with the context
// run by several threads.
#include <openrouter/strand.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace asio = boost::asio;

namespace {

// Posts `n` handlers to `s` that each check no other handler of `s` runs; true if none overlapped.
bool serialized(const asio::any_io_executor& s, int n, const std::function<void()>& run) {
  std::atomic<int> inside{0};
  std::atomic<bool> overlap{false};
  std::atomic<int> done{0};
  for (int i = 0; i < n; ++i)
    asio::post(s, [&] {
      if (inside.fetch_add(1) != 0) overlap = true;
      std::this_thread::yield();  // a window for another thread to run one of them
      inside.fetch_sub(1);
      done.fetch_add(1);
    });
  run();
  return done == n && !overlap;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(strand_test)

BOOST_AUTO_TEST_CASE(over_an_io_context_it_is_the_concrete_strand_and_serializes_its_handlers) {
  asio::io_context ioc(2);
  const asio::any_io_executor s = openrouter::strand_for(ioc.get_executor());
  BOOST_TEST((s.target<asio::strand<asio::io_context::executor_type>>() != nullptr));
  BOOST_TEST((s.target<asio::strand<asio::any_io_executor>>() == nullptr));
  BOOST_TEST(&asio::query(s, asio::execution::context) == &static_cast<asio::execution_context&>(ioc));
  BOOST_TEST(serialized(s, 2000, [&] {
    std::thread t([&] { ioc.run(); });
    ioc.run();
    t.join();
  }));
}

BOOST_AUTO_TEST_CASE(each_call_is_a_strand_of_its_own) {
  asio::io_context ioc;
  const asio::any_io_executor a = openrouter::strand_for(ioc.get_executor());
  const asio::any_io_executor b = openrouter::strand_for(ioc.get_executor());
  BOOST_TEST((a != b));
  BOOST_TEST((a == a));
}

BOOST_AUTO_TEST_CASE(over_another_executor_it_is_a_strand_of_that_executor) {
  asio::thread_pool pool(2);
  const asio::any_io_executor s = openrouter::strand_for(pool.get_executor());
  BOOST_TEST((s.target<asio::strand<asio::any_io_executor>>() != nullptr));
  BOOST_TEST(serialized(s, 2000, [&] { pool.join(); }));
  // A strand given to it (a caller's own) is wrapped, not shared: the new one is distinct.
  asio::io_context ioc;
  const asio::any_io_executor caller = asio::make_strand(ioc.get_executor());
  BOOST_TEST((openrouter::strand_for(caller) != caller));
}

BOOST_AUTO_TEST_SUITE_END()
