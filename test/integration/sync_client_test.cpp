// openrouter::sync_client against the in-process mock: blocking calls, api_error, streams with a
// callback that can stop them, several threads on one client, and destruction while calls are
// pending on other threads (released promptly, bounded).
#include "support/client_fixture.hpp"

#include <openrouter/mock/server.hpp>
#include <openrouter/sync_client.hpp>

#include <boost/asio/error.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using openrouter::errc;
using test::chat_request;
using namespace std::chrono_literals;

namespace {

// Polls `done` every 10 ms for at most `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit = 30s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

openrouter::wire::chat_request stream_request(std::string model, std::string prompt = "hi") {
  auto r = chat_request(std::move(model), std::move(prompt));
  r.stream = true;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sync_client_test)

BOOST_AUTO_TEST_CASE(chat_returns_the_answer_and_a_failure_throws_api_error) {
  openrouter::mock::background_server server;
  openrouter::sync_client cli(test::config_for(server.get()));
  auto res = cli.chat(chat_request("openai/gpt-4o-mini", "echo: blocking hello"));
  BOOST_TEST(res.text() == "blocking hello");

  std::optional<openrouter::api_error> caught;
  try {
    (void)cli.chat(chat_request("fault/429;retry_after=2"));
  } catch (const openrouter::api_error& e) {
    caught = e;
  }
  BOOST_REQUIRE(caught);
  BOOST_TEST(caught->code() == openrouter::make_error_code(errc::rate_limited));
  BOOST_TEST(caught->diagnostics().http_status == 429u);
  BOOST_REQUIRE(caught->diagnostics().retry_after);
  BOOST_TEST(caught->diagnostics().retry_after->count() == 2000);
  BOOST_TEST(std::string(caught->what()).find("429") == 0u, caught->what());
}

BOOST_AUTO_TEST_CASE(models_providers_key_and_generation) {
  openrouter::mock::server_options o;
  o.generation_delay = 300ms;
  openrouter::mock::background_server server(o);
  openrouter::sync_client cli(test::config_for(server.get()));

  openrouter::models_query q;
  q.q = "gpt-4o-mini";
  auto page = cli.models(q);
  BOOST_TEST(!page.data.empty());
  for (const auto& m : page.data) BOOST_TEST(m.id.find("gpt-4o-mini") != std::string::npos, m.id);
  BOOST_TEST(!cli.providers().data.empty());
  BOOST_TEST(cli.key().label.size() > 0u);

  auto res = cli.chat(chat_request("openai/gpt-4o-mini", "echo: generation"));
  BOOST_REQUIRE(!res.id.empty());
  // One look-up right away: the record is not written yet (404, as upstream lags).
  bool not_yet = false;
  try {
    (void)cli.generation(res.id);
  } catch (const openrouter::api_error& e) {
    not_yet = e.code() == openrouter::make_error_code(errc::not_found);
  }
  BOOST_TEST(not_yet);
  auto gen = cli.wait_generation(res.id);
  BOOST_TEST(gen.id == res.id);
}

BOOST_AUTO_TEST_CASE(a_stream_hands_every_chunk_to_the_callback_on_the_callers_thread) {
  openrouter::mock::background_server server;
  openrouter::sync_client cli(test::config_for(server.get()));
  std::string text;
  std::size_t chunks = 0;
  auto caller = std::this_thread::get_id();
  bool same_thread = true;
  std::string nested;
  auto res = cli.chat_stream(stream_request("openai/gpt-4o-mini", "echo: one two three four"),
                             [&](const openrouter::wire::chat_chunk& c) {
                               ++chunks;
                               text += c.text();
                               same_thread = same_thread && std::this_thread::get_id() == caller;
                               // The callback may use the same client: it does not run on the
                               // client's thread.
                               if (nested.empty()) nested = cli.chat(chat_request("openai/gpt-4o-mini", "echo: nested")).text();
                               return true;
                             });
  BOOST_TEST(text == "one two three four");
  BOOST_TEST(res.text() == text);
  BOOST_TEST(chunks >= 4u);
  BOOST_TEST(same_thread);
  BOOST_TEST(nested == "nested");
  BOOST_REQUIRE(res.usage);
}

// Returning false stops the stream: what arrived is returned, the connection is closed (the mock
// sees the client go away before the end), and the client goes on working.
BOOST_AUTO_TEST_CASE(the_callback_stops_the_stream_and_closes_its_connection) {
  openrouter::mock::background_server server;
  openrouter::sync_client cli(test::config_for(server.get()));
  std::size_t seen = 0;
  auto res = cli.chat_stream(stream_request("pace/itl_ms=20;tokens=400"), [&](const openrouter::wire::chat_chunk& c) {
    if (!c.text().empty()) ++seen;
    return seen < 3;
  });
  BOOST_TEST(seen == 3u);
  BOOST_TEST(!res.text().empty());
  BOOST_TEST(!res.usage);  // never reached the final usage chunk
  BOOST_TEST(eventually([&] {
    auto g = server->generations();
    return !g.empty() && g.back().streamed && g.back().cancelled;
  }));
  BOOST_TEST(cli.chat(chat_request("openai/gpt-4o-mini", "echo: still here")).text() == "still here");
}

BOOST_AUTO_TEST_CASE(stream_failures_throw_api_error) {
  openrouter::mock::background_server server;
  openrouter::sync_client cli(test::config_for(server.get()));
  // Before the stream: the status and its diagnostics.
  std::optional<openrouter::api_error> open_failed;
  try {
    (void)cli.chat_stream(stream_request("fault/503"), [](const auto&) { return true; });
  } catch (const openrouter::api_error& e) {
    open_failed = e;
  }
  BOOST_REQUIRE(open_failed);
  BOOST_TEST(open_failed->code() == openrouter::make_error_code(errc::service_unavailable));
  BOOST_TEST(open_failed->diagnostics().http_status == 503u);

  // During the stream: the chunks before it were delivered, then the typed error with the
  // error chunk's diagnostics.
  std::string partial;
  std::optional<openrouter::api_error> mid;
  try {
    (void)cli.chat_stream(stream_request("fault/mid_stream_error;after_tokens=3"), [&](const auto& c) {
      partial += c.text();
      return true;
    });
  } catch (const openrouter::api_error& e) {
    mid = e;
  }
  BOOST_REQUIRE(mid);
  BOOST_TEST(mid->code() == openrouter::make_error_code(errc::stream_error));
  BOOST_TEST(!mid->diagnostics().error.message.empty());
  BOOST_TEST(!partial.empty());

  // An exception from the callback stops the stream and propagates.
  bool propagated = false;
  try {
    (void)cli.chat_stream(stream_request("pace/itl_ms=20;tokens=400"), [](const auto&) -> bool {
      throw std::runtime_error("consumer gave up");
    });
  } catch (const std::runtime_error& e) {
    propagated = std::string(e.what()) == "consumer gave up";
  }
  BOOST_TEST(propagated);
  BOOST_TEST(eventually([&] {
    auto g = server->generations();
    return !g.empty() && g.back().cancelled;
  }));
}

BOOST_AUTO_TEST_CASE(several_threads_share_one_sync_client) {
  openrouter::mock::background_server server;
  openrouter::sync_client cli(test::config_for(server.get()));
  constexpr int threads = 6, per_thread = 8;
  std::atomic<int> ok{0}, wrong{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        std::string word = "t" + std::to_string(t) + "-" + std::to_string(i);
        try {
          std::string got;
          if (i % 2 == 0) {
            got = cli.chat(chat_request("openai/gpt-4o-mini", "echo: " + word)).text();
          } else {
            cli.chat_stream(stream_request("openai/gpt-4o-mini", "echo: " + word), [&](const auto& c) {
              got += c.text();
              return true;
            });
          }
          (got == word ? ok : wrong)++;
        } catch (...) {
          wrong++;
        }
      }
    });
  for (auto& th : pool) th.join();
  BOOST_TEST(ok.load() == threads * per_thread);
  BOOST_TEST(wrong.load() == 0);
}

// Destroying the client while one thread waits for a stalled answer and another for a stalled
// stream's next chunk: both calls end at once with operation_aborted ("sync_client shut down"
// is not needed: the cancellation itself says it), and the destructor returns well before the
// stalls (40 s) would have ended. Bounded either way.
BOOST_AUTO_TEST_CASE(destruction_releases_calls_pending_on_other_threads) {
  openrouter::mock::background_server server;
  std::optional<openrouter::sync_client> cli;
  cli.emplace(test::config_for(server.get()));

  std::atomic<int> chunks{0};
  auto chat = std::async(std::launch::async, [&]() -> boost::system::error_code {
    try {
      (void)cli->chat(chat_request("fault/stall;seconds=40"));
    } catch (const openrouter::api_error& e) {
      return e.code();
    }
    return {};
  });
  auto stream = std::async(std::launch::async, [&]() -> boost::system::error_code {
    try {
      (void)cli->chat_stream(stream_request("fault/stall;seconds=40;after_tokens=2"), [&](const auto&) {
        ++chunks;
        return true;
      });
    } catch (const openrouter::api_error& e) {
      return e.code();
    }
    return {};
  });
  // Both requests are with the server, and the stream is waiting inside its stall.
  BOOST_REQUIRE(eventually([&] { return server->stats().chat_requests >= 2 && chunks.load() >= 1; }));
  std::this_thread::sleep_for(100ms);  // let the stream's next pull start (not needed for correctness)

  auto started = std::chrono::steady_clock::now();
  auto destroyed = std::async(std::launch::async, [&] { cli.reset(); });
  BOOST_REQUIRE(destroyed.wait_for(30s) == std::future_status::ready);
  BOOST_TEST_MESSAGE("destructor took " << std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - started).count() << " ms");
  BOOST_REQUIRE(chat.wait_for(10s) == std::future_status::ready);
  BOOST_REQUIRE(stream.wait_for(10s) == std::future_status::ready);
  BOOST_TEST(chat.get() == boost::system::error_code(boost::asio::error::operation_aborted));
  BOOST_TEST(stream.get() == boost::system::error_code(boost::asio::error::operation_aborted));
}

BOOST_AUTO_TEST_SUITE_END()
