// What a new user meets first: exceptions that carry the diagnostics (api_error), overloads
// without `diagnostics&`, chunk text, and cancelling a stream from elsewhere.
#include "support/client_fixture.hpp"

#include <openrouter/client.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using openrouter::errc;
using test::chat_request;

BOOST_AUTO_TEST_SUITE(developer_experience_test)

// co_await with the default token: a 429 throws api_error whose what() is the summary and whose
// diagnostics hold the status and Retry-After (before: a bare system_error, "rate limited").
BOOST_AUTO_TEST_CASE(the_default_token_throws_api_error_with_the_diagnostics) {
  test::client_fixture f;
  std::optional<openrouter::api_error> caught;
  bool other = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        try {
          (void)co_await f.cli.async_chat(chat_request("fault/429;retry_after=2"));
        } catch (const openrouter::api_error& e) {
          caught = e;
        } catch (...) {
          other = true;
        }
      },
      asio::detached);
  f.run_until([&] { return caught.has_value() || other; });
  BOOST_REQUIRE(caught);
  BOOST_TEST(caught->code() == openrouter::make_error_code(errc::rate_limited));
  BOOST_TEST(caught->diagnostics().http_status == 429u);
  BOOST_REQUIRE(caught->diagnostics().retry_after);
  BOOST_TEST(caught->diagnostics().retry_after->count() == 2000);
  BOOST_TEST(std::string(caught->what()) == caught->diagnostics().summary(caught->code()));
  BOOST_TEST(std::string(caught->what()).find("429") == 0u);
  BOOST_TEST(std::string(caught->what()).find("retry after 2") != std::string::npos);
}

// The same with the caller's diagnostics: filled as before, and copied into the exception.
BOOST_AUTO_TEST_CASE(use_awaitable_with_caller_diagnostics_throws_api_error_too) {
  test::client_fixture f;
  openrouter::diagnostics d;
  std::optional<openrouter::api_error> caught;
  bool done = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        try {
          (void)co_await f.cli.async_chat(chat_request("fault/503"), d, asio::use_awaitable);
        } catch (const openrouter::api_error& e) {
          caught = e;
        }
        done = true;
      },
      asio::detached);
  f.run_until([&] { return done; });
  BOOST_REQUIRE(caught);
  BOOST_TEST(d.http_status == 503u);
  BOOST_TEST(caught->diagnostics().http_status == 503u);
  BOOST_TEST(caught->diagnostics().summary(caught->code()) == d.summary(caught->code()));
}

// as_tuple keeps the error in band, with or without the caller's diagnostics.
BOOST_AUTO_TEST_CASE(as_tuple_completes_with_error_code_and_value_without_diagnostics) {
  test::client_fixture f;
  boost::system::error_code ok_ec, bad_ec;
  std::string text;
  bool done = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        auto [ec, res] = co_await f.cli.async_chat(chat_request("openai/gpt-4o-mini", "echo: tuple ok"),
                                                   asio::as_tuple(asio::use_awaitable));
        ok_ec = ec;
        text = res.text();
        auto [ec2, res2] = co_await f.cli.async_chat(chat_request("fault/404"), asio::as_tuple(asio::use_awaitable));
        bad_ec = ec2;
        done = true;
      },
      asio::detached);
  f.run_until([&] { return done; });
  BOOST_TEST(!ok_ec);
  BOOST_TEST(text == "tuple ok");
  BOOST_TEST(bad_ec == openrouter::make_error_code(errc::not_found));
}

// use_future from main with a thread running the io_context: the future's get() throws api_error.
BOOST_AUTO_TEST_CASE(use_future_rethrows_api_error_and_returns_values) {
  openrouter::mock::background_server server;
  asio::io_context ioc;
  auto guard = asio::make_work_guard(ioc);
  openrouter::client cli(ioc.get_executor(), test::config_for(server.get()));
  std::thread runner([&] { ioc.run(); });
  auto ok = cli.async_chat(chat_request("openai/gpt-4o-mini", "echo: future ok"), asio::use_future);
  auto bad = cli.async_chat(chat_request("fault/429;retry_after=1"), asio::use_future);
  BOOST_REQUIRE(ok.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  BOOST_TEST(ok.get().text() == "future ok");
  BOOST_REQUIRE(bad.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  bool thrown = false;
  try {
    bad.get();
  } catch (const openrouter::api_error& e) {
    thrown = true;
    BOOST_TEST(e.diagnostics().http_status == 429u);
    BOOST_TEST(std::string(e.what()).find("429") == 0u);
  }
  BOOST_TEST(thrown);
  guard.reset();
  runner.join();
}

// chat_chunk::text(): the first choice's content delta, "" when there is none.
BOOST_AUTO_TEST_CASE(chunk_text_is_the_content_delta_of_the_choice) {
  openrouter::wire::chat_chunk c;
  BOOST_TEST(c.text().empty());
  c.choices.resize(2);
  c.choices[0].index = 0;
  c.choices[1].index = 1;
  BOOST_TEST(c.text().empty());  // a role-only delta
  c.choices[0].delta.content = "Hel";
  c.choices[1].delta.content = "Bon";
  BOOST_TEST(c.text() == "Hel");
  BOOST_TEST(c.text(1) == "Bon");
  BOOST_TEST(c.text(7).empty());

  // Over a whole stream (no diagnostics given): the concatenation is the answer.
  test::client_fixture f;
  std::string joined, full;
  bool done = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        auto s = co_await f.cli.async_chat_stream(chat_request("openai/gpt-4o-mini", "echo: one two three"));
        while (auto chunk = co_await s.async_next()) joined += chunk->text();
        full = s.result().text();
        done = true;
      },
      asio::detached);
  f.run_until([&] { return done; });
  BOOST_TEST(joined == "one two three");
  BOOST_TEST(joined == full);
}

// cancel() from another thread while a pull is pending (a slow stream, on a 4-thread
// io_context): the pull completes with operation_aborted, later pulls too, the summary shows no
// "200", and the connection is not given back to the pool.
BOOST_AUTO_TEST_CASE(cancel_stops_a_pending_pull_from_another_thread) {
  openrouter::mock::background_server server;
  asio::io_context ioc(4);
  auto guard = asio::make_work_guard(ioc);
  openrouter::client cli(ioc.get_executor(), test::config_for(server.get()));
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run(); });

  openrouter::diagnostics d;
  auto opened = cli.async_chat_stream(chat_request("fault/stall;seconds=30;after_tokens=2", "echo: a b c d e f"), d,
                                      asio::use_future);
  BOOST_REQUIRE(opened.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  openrouter::chat_stream s = opened.get();
  // Pull the two tokens before the stall, then one pull that waits on the stall.
  std::size_t got = 0;
  for (int i = 0; i < 4 && got < 2; ++i) {
    auto c = s.async_next(asio::use_future);
    BOOST_REQUIRE(c.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
    auto v = c.get();
    BOOST_REQUIRE(v);
    if (!v->text().empty()) ++got;
  }
  std::promise<boost::system::error_code> pending;
  s.async_next([&](boost::system::error_code ec, std::optional<openrouter::wire::chat_chunk>) { pending.set_value(ec); });
  auto pending_f = pending.get_future();
  BOOST_TEST((pending_f.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout));  // it waits
  std::thread canceller([&] { s.cancel(); });
  canceller.join();
  BOOST_REQUIRE(pending_f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);  // not the 30 s stall
  auto ec = pending_f.get();
  BOOST_TEST(ec == boost::system::error_code(asio::error::operation_aborted));
  BOOST_TEST(!d.summary(ec).starts_with("200"), d.summary(ec));  // (a generation id may hold "200")
  BOOST_TEST(!s.is_open());
  // A later pull: the same outcome, at once.
  std::promise<boost::system::error_code> later;
  s.async_next([&](boost::system::error_code e, std::optional<openrouter::wire::chat_chunk>) { later.set_value(e); });
  auto later_f = later.get_future();
  BOOST_REQUIRE(later_f.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  BOOST_TEST(later_f.get() == boost::system::error_code(asio::error::operation_aborted));
  BOOST_TEST(s.result().text() != "");  // what arrived is kept
  BOOST_TEST(cli.pool_statistics().idle == 0u);
  s = openrouter::chat_stream{};
  guard.reset();
  for (auto& t : threads) t.join();
}

// cancel() before any pull, and on a stream that already ended: the first ends it, the second
// changes nothing.
BOOST_AUTO_TEST_CASE(cancel_before_a_pull_and_after_the_end) {
  test::client_fixture f;
  boost::system::error_code first_ec, ended_ec;
  std::optional<bool> first_has_chunk, ended_has_chunk;
  bool done = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        auto s = co_await f.cli.async_chat_stream(chat_request("openai/gpt-4o-mini", "echo: x y z"));
        s.cancel();
        auto [e1, c1] = co_await s.async_next(asio::as_tuple(asio::use_awaitable));
        first_ec = e1;
        first_has_chunk = c1.has_value();
        auto t = co_await f.cli.async_chat_stream(chat_request("openai/gpt-4o-mini", "echo: x y z"));
        while (co_await t.async_next()) {
        }
        t.cancel();
        auto [e2, c2] = co_await t.async_next(asio::as_tuple(asio::use_awaitable));
        ended_ec = e2;
        ended_has_chunk = c2.has_value();
        done = true;
      },
      asio::detached);
  f.run_until([&] { return done; });
  BOOST_TEST(first_ec == boost::system::error_code(asio::error::operation_aborted));
  BOOST_TEST(!*first_has_chunk);
  BOOST_TEST(!ended_ec);  // the clean end stays the outcome
  BOOST_TEST(!*ended_has_chunk);
}

// The router: an overload without diagnostics, and its api_error.
BOOST_AUTO_TEST_CASE(router_throws_api_error_after_its_last_attempt) {
  test::client_fixture f;
  openrouter::routing::policy p;
  p.models = {"fault/404", "fault/401"};
  openrouter::router r(f.cli, p);
  std::optional<openrouter::api_error> caught;
  bool done = false;
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        try {
          (void)co_await r.async_chat(chat_request("fault/404"));
        } catch (const openrouter::api_error& e) {
          caught = e;
        }
        done = true;
      },
      asio::detached);
  f.run_until([&] { return done; });
  BOOST_REQUIRE(caught);
  BOOST_TEST(caught->diagnostics().http_status != 0u);
  BOOST_TEST(std::string(caught->what()) == caught->diagnostics().summary(caught->code()));
}

BOOST_AUTO_TEST_SUITE_END()
