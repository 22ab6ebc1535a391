// One client shared by operations on an io_context run by 4 threads, with cancellation and
// destruction racing reads: streams cancelled mid-read, streams destroyed while a read is
// pending, connections reset by the server, plain requests in between. Run under TSan (CI does):
// the library must keep every touch of a connection (socket, TLS state) on the strand of the
// operation that owns it. Without TSan it still checks that every operation ends, each with the
// outcome its kind allows, and that the pool is left consistent.
#include "support/client_fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace test;
namespace asio = boost::asio;
namespace wire = openrouter::wire;
using boost::system::error_code;
using openrouter::chat_stream;
using openrouter::errc;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(shared_client_threads_test)

namespace {

constexpr auto awaitable_tuple = asio::as_tuple(asio::use_awaitable);
using next_t = std::optional<wire::chat_chunk>;

enum kind { read_all, cancel_mid_read, destroy_mid_read, server_reset, plain_chat, kinds };

struct tally {
  std::atomic<int> finished{0};
  std::atomic<int> open_failed{0};
  std::atomic<int> read_all_ok{0};
  std::atomic<int> cancelled{0};          // a pull ended by our cancellation
  std::atomic<int> cancel_lost_race{0};   // the stream ended before the cancellation landed
  std::atomic<int> destroyed_pull_done{0};
  std::atomic<int> reset_typed{0};
  std::atomic<int> plain_ok{0};
  std::atomic<int> unexpected{0};
};

bool is_library_error(const error_code& ec) {
  return ec.category() == make_error_code(errc::connection_reset).category();
}

asio::awaitable<void> pause(std::chrono::microseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(awaitable_tuple);
}

// One user of the shared client, on a strand of its own (as a user's coroutine would be).
asio::awaitable<void> actor(openrouter::client& cli, int i, tally& t) {
  openrouter::diagnostics diag;
  const auto k = static_cast<kind>(i % kinds);
  const auto jitter = std::chrono::microseconds(200 * (i % 7));
  if (k == plain_chat) {
    auto [ec, r] = co_await cli.async_chat(chat_request(), diag, awaitable_tuple);
    if (!ec && !r.text().empty()) ++t.plain_ok;
    else ++t.unexpected;
    ++t.finished;
    co_return;
  }
  std::string model = k == server_reset ? "fault/reset;after_tokens=4" : "openai/gpt-4o-mini";
  auto [oec, s] = co_await cli.async_chat_stream(chat_request(model), diag, awaitable_tuple);
  if (oec) {
    ++t.open_failed;
    ++t.finished;
    co_return;
  }
  switch (k) {
    case read_all:
    case server_reset: {
      std::string text;
      error_code end;
      while (true) {
        auto [ec, c] = co_await s.async_next(awaitable_tuple);
        if (ec) {
          end = ec;
          break;
        }
        if (!c) break;
        for (const auto& ch : c->choices)
          if (ch.delta.content) text += *ch.delta.content;
      }
      if (k == read_all) (!end && !text.empty() ? t.read_all_ok : t.unexpected)++;
      else (end && is_library_error(end) ? t.reset_typed : t.unexpected)++;
      break;
    }
    case cancel_mid_read: {
      // One chunk, then a pull cancelled after a short delay while it waits for the next token.
      auto [ec1, c1] = co_await s.async_next(awaitable_tuple);
      if (ec1 || !c1) {
        ++t.unexpected;
        break;
      }
      auto sig = std::make_shared<asio::cancellation_signal>();
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer timer(ex, jitter);
      timer.async_wait([sig](error_code) { sig->emit(asio::cancellation_type::terminal); });
      error_code ended;
      while (true) {
        auto [ec, c] = co_await s.async_next(asio::bind_cancellation_slot(sig->slot(), awaitable_tuple));
        if (ec || !c) {
          ended = ec;
          break;
        }
      }
      timer.cancel();
      if (ended == asio::error::operation_aborted) ++t.cancelled;
      else if (!ended) ++t.cancel_lost_race;  // the whole stream arrived first
      else ++t.unexpected;
      // Whatever the timing, the stream is over now: a pull completes at once with an error or the end.
      auto [ec2, c2] = co_await s.async_next(awaitable_tuple);
      if (!ec2 && c2) ++t.unexpected;
      break;
    }
    case destroy_mid_read: {
      auto [ec1, c1] = co_await s.async_next(awaitable_tuple);
      if (ec1 || !c1) {
        ++t.unexpected;
        break;
      }
      // A pull left pending, the stream destroyed a moment later (or at once).
      auto done = std::make_shared<std::atomic<bool>>(false);
      s.async_next([done, &t](error_code, next_t) {
        done->store(true);
        ++t.destroyed_pull_done;
      });
      if (jitter.count() > 0) co_await pause(jitter);
      { chat_stream gone = std::move(s); }
      // The pending pull must still complete (with an error or a chunk): wait for it, bounded.
      for (int n = 0; n < 2000 && !done->load(); ++n) co_await pause(5ms);
      if (!done->load()) ++t.unexpected;
      break;
    }
    default: break;
  }
  ++t.finished;
}

}  // namespace

BOOST_AUTO_TEST_CASE(cancellation_and_destruction_race_reads_on_four_threads) {
  openrouter::mock::server_options o;
  // Tokens a few ms apart, each written on its own: reads wait, and data arrives while streams
  // are cancelled or destroyed.
  o.scenario = boost::json::parse(R"({"defaults":{"itl_ms":2,"tokens":24,"write_mode":"per_event"}})");
  openrouter::mock::background_server srv(o);
  asio::io_context ioc(4);
  auto cfg = config_for(srv.get());
  cfg.pool.max_connections = 24;
  openrouter::client cli(ioc.get_executor(), cfg);
  tally t;
  constexpr int actors = 150;
  for (int i = 0; i < actors; ++i)
    asio::co_spawn(asio::make_strand(ioc), actor(cli, i, t), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run_for(240s); });
  for (auto& th : threads) th.join();

  BOOST_TEST(t.finished.load() == actors);  // no operation hung
  BOOST_TEST(t.unexpected.load() == 0);
  BOOST_TEST(t.open_failed.load() == 0);
  const int per_kind = actors / kinds;
  BOOST_TEST(t.read_all_ok.load() == per_kind);
  BOOST_TEST(t.plain_ok.load() == per_kind);
  BOOST_TEST(t.reset_typed.load() == per_kind);
  BOOST_TEST(t.cancelled.load() + t.cancel_lost_race.load() == per_kind);
  BOOST_TEST(t.cancelled.load() > 0);
  BOOST_TEST(t.destroyed_pull_done.load() == per_kind);
  auto st = cli.pool_statistics();
  BOOST_TEST(st.in_use == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
