// Real network faults: in a network namespace the test creates, nftables drops a share of the
// TCP packets on loopback and answers some with TCP resets, while (a) `openrouter batch` runs
// 300 ids through the in-process mock and (b) 300 streams, 64 at a time, run through one router
// on an io_context of two threads. Whatever the network does:
//   - every id is answered exactly once: a result with the whole text, or a typed error;
//   - nothing hangs past its deadline, and the whole run is bounded;
//   - every send is accounted for: the mock never reads a request more often than the client
//     reports attempts for it (a hidden re-send of a request the server read would show here).
// Needs root (unshare, nft); without it the cases report "SKIPPED:" (ctest shows them skipped).
// With OPENROUTER_TEST_HTTP=2 (ctest: chaos.chaos_test.h2) the same cases run over HTTP/2: the
// mock offers h2, the batch and the router speak it, and one reset fails every stream its
// connection carried at once.
#include "support/cli_process.hpp"
#include "support/client_fixture.hpp"
#include "support/netns.hpp"

#include <openrouter/mock/server.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace wire = openrouter::wire;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

// 10% of all packets lost, and 20 in 1000 packets of established connections reset: enough for
// dozens of resets and hundreds of lost packets per run.
const test::network_faults faults{10, 20};
// The batch over HTTP/2 moves in far fewer packets (one connection carries its 32 requests,
// frames coalesce): resets are made likelier so that a run still meets several (each one fails
// every request its connection carried).
const test::network_faults& batch_faults() {
  static const test::network_faults h2{10, 60};
  return test::over_h2() ? h2 : faults;
}
constexpr int prompts = 8;       // distinct prompts (their expected texts are fetched first)
constexpr int max_tokens = 24;
constexpr auto request_deadline = 20s;
// A deadline fires on a loaded machine a little late; past this, a request hung.
constexpr auto deadline_slack = 10s;
// Each case's whole run (300 requests, typically 10-20 s) is bounded by this: the two cases
// together stay under 3 minutes whatever happens.
constexpr auto run_bound = 75s;

const std::string test_key = "sk-or-v1-chaos-test-0123456789abcdef";

std::string prompt(int i) { return "chaos prompt " + std::to_string(i % prompts); }

// The mock of both cases: it offers h2 (ALPN) when the run is over HTTP/2.
openrouter::mock::server_options mock_options() {
  openrouter::mock::server_options o;
  o.http2 = test::over_h2();
  return o;
}

// Skips the case (ctest: SKIP_REGULAR_EXPRESSION "SKIPPED:") when this process may not make a
// network namespace or has no nft; never a silent pass.
bool can_run(const test::network_namespace& ns) {
  if (!ns.entered()) {
    BOOST_TEST_MESSAGE("SKIPPED: no network namespace of our own: " << ns.why_not());
    return false;
  }
  if (test::network_namespace::nft_path().empty()) {
    BOOST_TEST_MESSAGE("SKIPPED: nft not found (apt-get install nftables; scripts/setup.sh does)");
    return false;
  }
  return true;
}

// The whole text of each prompt, read before any fault is applied (the mock's text is a
// function of prompt, model and max_tokens).
std::vector<std::string> expected_texts(openrouter::mock::server& srv) {
  asio::io_context ioc;
  auto cfg = test::config_for(srv);
  openrouter::client cli(ioc.get_executor(), cfg);
  std::vector<std::string> out;
  for (int k = 0; k < prompts; ++k) {
    auto req = test::chat_request("openai/gpt-4o-mini", prompt(k));
    req.max_tokens = max_tokens;
    openrouter::diagnostics diag;
    test::outcome<wire::chat_response> o;
    cli.async_chat(req, diag, o.handler());
    auto [ec, r] = test::wait(ioc, o, 30s);
    BOOST_TEST_REQUIRE(!ec, "fetching the expected text: " << ec.message());
    BOOST_TEST_REQUIRE(!r.text().empty());
    out.push_back(r.text());
  }
  return out;
}

// How often the mock read a chat request for each `user` (our id), of the kind given.
std::map<std::string, int> reads_by_id(const openrouter::mock::server& srv, bool streamed) {
  std::map<std::string, int> m;
  for (const auto& g : srv.generations()) {
    if (g.streamed != streamed || !g.request.is_object()) continue;
    const auto* u = g.request.as_object().if_contains("user");
    if (u && u->is_string()) ++m[std::string(u->as_string())];
  }
  return m;
}

void report_network(const test::network_namespace& ns) {
  auto c = ns.counters();
  BOOST_TEST_MESSAGE("network: " << c.dropped << " packets dropped, " << c.reset << " answered with a reset");
  // The faults really happened (a rule that never matched would make this test prove nothing).
  BOOST_TEST(c.dropped > 0u);
  BOOST_TEST(c.reset > 0u);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chaos_test)

// `openrouter batch` (the process, in the namespace) over 300 ids at concurrency 32.
BOOST_AUTO_TEST_CASE(batch_answers_every_id_once_through_loss_and_resets, *boost::unit_test::timeout(85)) {
  test::network_namespace ns;
  if (!can_run(ns)) return;
  const std::string binary = OPENROUTER_BINARY_DIR "/openrouter";
  BOOST_TEST_REQUIRE(fs::exists(binary), binary << " is missing: build the openrouter-cli target");

  openrouter::mock::background_server mock(mock_options());
  const auto texts = expected_texts(mock.get());
  const auto before = mock->stats().chat_requests;

  test::cli::temp_dir dir;
  auto ca = dir.write("ca.pem", mock->ca_pem());
  // Quick retries, no breaker or retry budget cutting them short: every id should get through.
  // A connection whose server end was reset is silent: its requests learn of it only when their
  // attempt times out (a non-streamed answer has no keep-alive to miss), and over HTTP/2 that is
  // every request it carries, so an attempt's timeout is short next to the deadline.
  auto policy = dir.write("policy.json", R"({"deadline_ms": 20000, "attempt_timeout_ms": 4000,
      "max_attempts": 8, "max_attempts_per_model": 8,
      "backoff": {"initial_ms": 5, "max_ms": 100, "fallback_over_ms": 1},
      "breaker": {"enabled": false}, "retry_budget": {"enabled": false}})");
  constexpr int ids = 300;
  std::string input;
  for (int i = 0; i < ids; ++i) {
    json::object o{{"id", "c" + std::to_string(i)},
                   {"model", "openai/gpt-4o-mini"},
                   {"user", "c" + std::to_string(i)},
                   {"max_tokens", max_tokens},
                   {"messages", json::array{json::object{{"role", "user"}, {"content", prompt(i)}}}}};
    input += json::serialize(o) + "\n";
  }
  auto in = dir.write("in.jsonl", input);
  auto out = dir.path / "out.jsonl";

  ns.apply(batch_faults());
  auto t0 = std::chrono::steady_clock::now();
  test::cli_process p(dir.path,
                      {"--base-url", mock->base_url(), "--ca-file", ca.string(), "--http", test::over_h2() ? "2" : "1.1",
                       "batch", "--input", in.string(), "--output", out.string(), "--concurrency", "32", "--policy",
                       policy.string(), "--no-progress"},
                      {{"OPENROUTER_API_KEY", test_key}});
  int code = p.wait(run_bound);  // throws (the case fails) if the batch hangs
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report_network(ns);
  ns.clear();
  BOOST_TEST_MESSAGE("batch: exit " << code << " after " << secs << " s; stderr:\n" << p.err());
  BOOST_TEST((code == 0 || code == 1), "exit " << code);  // 1: some ids have error lines
  if (test::over_h2()) BOOST_TEST(mock->stats().h2_connections > 0u, "the batch did not speak HTTP/2");
  BOOST_TEST(p.err().find(test_key) == std::string::npos);

  // Every id exactly once, each line whole: a result with the whole text, or a typed error.
  std::map<std::string, json::object> lines;
  std::string text = test::read_file(out);
  BOOST_TEST((text.empty() || text.back() == '\n'), "the output ends with a partial line");
  std::istringstream is(text);
  std::map<std::string, int> error_classes;
  for (std::string l; std::getline(is, l);) {
    error_code ec;
    json::value v = json::parse(l, ec);
    BOOST_TEST_REQUIRE((!ec && v.is_object() && v.as_object().contains("id")), "not a whole line: " << l);
    std::string id(v.at("id").as_string());
    BOOST_TEST(lines.count(id) == 0u, "id written twice: " << id);
    lines[id] = v.as_object();
  }
  BOOST_TEST(lines.size() == std::size_t(ids));
  const auto reads = reads_by_id(mock.get(), false);
  std::uint64_t attempts_total = 0, reads_total = 0, results = 0;
  for (int i = 0; i < ids; ++i) {
    std::string id = "c" + std::to_string(i);
    auto it = lines.find(id);
    if (it == lines.end()) {
      BOOST_TEST(false, "id " << id << " has no line");
      continue;
    }
    const json::object& l = it->second;
    const auto attempts = l.at("attempts").to_number<std::int64_t>();
    const int read = reads.count(id) ? reads.at(id) : 0;
    attempts_total += static_cast<std::uint64_t>(attempts);
    reads_total += static_cast<std::uint64_t>(read);
    // Every send accounted for: the server never read an id's request more often than the
    // client says it sent it (a hidden re-send of a request the server read breaks this).
    BOOST_TEST(read <= attempts, "id " << id << ": the mock read it " << read << " times, attempts " << attempts);
    if (const auto* ms = l.if_contains("latency_ms"))
      BOOST_TEST(ms->to_number<std::int64_t>() <= std::chrono::milliseconds(request_deadline + deadline_slack).count(),
                 "id " << id << " took " << *ms << " ms, past its deadline");
    if (const auto* e = l.if_contains("error")) {
      std::string cls(e->at("class").as_string());
      BOOST_TEST(!cls.empty(), l);
      ++error_classes[cls + "/" + std::string(e->at("code").as_string())];
    } else {
      ++results;
      BOOST_TEST(read >= 1, "id " << id << " has a result the mock never read");
      BOOST_TEST(l.at("content").as_string() == texts[static_cast<std::size_t>(i % prompts)],
                 "id " << id << ": not the whole text: " << l.at("content"));
    }
  }
  const auto chat_requests = mock->stats().chat_requests - before;
  std::ostringstream errs;
  for (const auto& [c, n] : error_classes) errs << " " << c << "=" << n;
  BOOST_TEST_MESSAGE("batch: " << results << " results, " << (ids - results) << " error lines:" << errs.str()
                               << "; attempts reported " << attempts_total << ", chat requests read " << chat_requests
                               << " (by id: " << reads_total << ")");
  // The mock's own count agrees with the per-id records (no request read without our id), and
  // it never exceeds the attempts reported. It may fall short of them: an attempt cut by a reset
  // or a lost SYN before the mock read the whole request is an attempt nobody read.
  BOOST_TEST(chat_requests == reads_total);
  BOOST_TEST(chat_requests <= attempts_total);
  // Most ids get through: the faults are transient and every id has 8 attempts and 20 s (over
  // HTTP/2 with 8 s attempts, one silent connection cost its 32 requests 8 s each: CI saw 269).
  BOOST_TEST(results >= std::uint64_t(ids * 9 / 10), results << " of " << ids << " ids answered");
}

namespace {

struct stream_result {
  bool done = false;
  error_code open_ec, end_ec;
  bool clean_end = false;
  std::string text;
  std::size_t attempts = 0;
  std::string reason;
  std::chrono::steady_clock::duration took{};
  std::string exception;
};

asio::awaitable<void> one_stream(openrouter::router& r, int i, stream_result& out) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  auto t0 = std::chrono::steady_clock::now();
  auto req = test::chat_request("openai/gpt-4o-mini", prompt(i));
  req.max_tokens = max_tokens;
  req.user = "s" + std::to_string(i);
  openrouter::diagnostics diag;
  openrouter::request_record rec;
  auto [ec, s] = co_await r.async_chat_stream(req, diag, rec, tuple);
  out.open_ec = ec;
  if (!ec) {
    while (true) {
      auto [e, c] = co_await s.async_next(tuple);
      if (e) {
        out.end_ec = e;
        break;
      }
      if (!c) {
        out.clean_end = true;
        break;
      }
    }
    out.text = s.result().text();
  }
  out.attempts = rec.attempts.size();
  out.reason = rec.reason;
  out.took = std::chrono::steady_clock::now() - t0;
}

}  // namespace

// 300 streams, 64 at a time, through one router on an io_context run by two threads.
BOOST_AUTO_TEST_CASE(streams_end_whole_or_typed_through_loss_and_resets, *boost::unit_test::timeout(85)) {
  test::network_namespace ns;
  if (!can_run(ns)) return;
  openrouter::mock::background_server mock(mock_options());
  const auto texts = expected_texts(mock.get());
  const auto before = mock->stats().chat_requests;

  constexpr int total = 300, concurrency = 64;
  asio::io_context ioc(2);
  auto cfg = test::config_for(mock.get());
  cfg.timeout.connect = 5s;
  cfg.timeout.read_idle = 5s;
  openrouter::client cli(ioc.get_executor(), cfg);
  openrouter::routing::policy pol;
  pol.deadline = request_deadline;
  pol.attempt_timeout = 8s;
  pol.max_attempts = 8;
  pol.max_attempts_per_model = 8;
  pol.backoff.initial = 5ms;
  pol.backoff.max = 100ms;
  pol.use_breakers = false;
  pol.use_retry_budget = false;
  openrouter::router router(cli, pol);

  std::vector<stream_result> results(total);
  std::atomic<int> next{0}, finished{0};
  std::function<void()> launch = [&] {
    int i = next++;
    if (i >= total) return;
    asio::co_spawn(asio::make_strand(ioc), one_stream(router, i, results[static_cast<std::size_t>(i)]),
                   [&, i](std::exception_ptr e) {
                     auto& r = results[static_cast<std::size_t>(i)];
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& x) {
                         r.exception = x.what();
                       } catch (...) {
                         r.exception = "unknown exception";
                       }
                     }
                     r.done = true;
                     ++finished;
                     launch();
                   });
  };

  ns.apply(faults);
  auto t0 = std::chrono::steady_clock::now();
  auto work = asio::make_work_guard(ioc);
  for (int k = 0; k < concurrency; ++k) launch();
  std::thread t1([&] { ioc.run(); }), t2([&] { ioc.run(); });
  auto limit = t0 + run_bound;
  while (finished < total && std::chrono::steady_clock::now() < limit) std::this_thread::sleep_for(50ms);
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const bool all_done = finished == total;
  work.reset();
  // A hang: fail below without waiting for it (the pending operations are destroyed with the
  // io_context, after the client: the case has failed by then anyway).
  if (!all_done) ioc.stop();
  t1.join();
  t2.join();
  report_network(ns);
  ns.clear();

  BOOST_TEST(all_done, finished << " of " << total << " streams ended within " << run_bound.count() << " s");
  const auto reads = reads_by_id(mock.get(), true);
  std::uint64_t attempts_total = 0, reads_total = 0, whole = 0;
  std::map<std::string, int> outcomes;
  for (int i = 0; i < total; ++i) {
    const auto& r = results[static_cast<std::size_t>(i)];
    std::string id = "s" + std::to_string(i);
    if (!r.done) {
      BOOST_TEST(false, "stream " << id << " never ended (started: " << (i < next) << ")");
      continue;
    }
    BOOST_TEST(r.exception.empty(), "stream " << id << " threw: " << r.exception);
    const int read = reads.count(id) ? reads.at(id) : 0;
    attempts_total += r.attempts;
    reads_total += static_cast<std::uint64_t>(read);
    BOOST_TEST(std::size_t(read) <= r.attempts,
               "stream " << id << ": the mock read it " << read << " times, attempts " << r.attempts);
    BOOST_TEST(r.took <= request_deadline + deadline_slack,
               "stream " << id << " took " << std::chrono::duration<double>(r.took).count() << " s");
    const error_code& ec = r.open_ec ? r.open_ec : r.end_ec;
    if (!ec) {
      // A clean end is the whole text, never a truncated one.
      BOOST_TEST(r.clean_end);
      BOOST_TEST(r.text == texts[static_cast<std::size_t>(i % prompts)], "stream " << id << ": " << r.text);
      BOOST_TEST(read >= 1);
      ++whole;
      continue;
    }
    // A typed error: the library's own category, never a bare operation_aborted or EOF.
    BOOST_TEST((ec.category() == openrouter::category()),
               "stream " << id << " ended with an untyped error: " << ec.category().name() << ":" << ec.value() << " "
                         << ec.message() << " (" << (r.open_ec ? "open" : "pull") << ", reason \"" << r.reason
                         << "\", " << r.attempts << " attempts, " << r.text.size() << " bytes of text)");
    ++outcomes[std::string(r.open_ec ? "open:" : "pull:") + ec.message()];
  }
  const auto chat_requests = mock->stats().chat_requests - before;
  const auto pool = cli.pool_statistics();
  std::ostringstream o;
  for (const auto& [c, n] : outcomes) o << " [" << c << "]=" << n;
  BOOST_TEST_MESSAGE("streams: " << whole << " whole of " << total << " in " << secs << " s; errors:" << o.str()
                                 << "; attempts reported " << attempts_total << ", chat requests read "
                                 << chat_requests << " (by id: " << reads_total << "); pool: "
                                 << pool.connections_opened << " connections, " << pool.resends << " re-sends, "
                                 << pool.reuses << " reuses");
  BOOST_TEST(chat_requests == reads_total);
  BOOST_TEST(chat_requests <= attempts_total);
  // Most streams get through: the faults are transient and each stream has 8 attempts. Over
  // HTTP/2 one reset fails every stream its connection carries (up to 64), and a connection
  // shared by many streams meets a reset sooner, so fewer make it within the same attempts
  // (seen: 269 to 296 of 300 at these rates, where HTTP/1.1 gets 290 and more).
  const std::uint64_t most = test::over_h2() ? total * 8 / 10 : total * 9 / 10;
  BOOST_TEST(whole >= most, whole << " of " << total << " streams whole");
  if (test::over_h2()) {
    BOOST_TEST(pool.h2_connections_opened > 0u, "the router's client did not speak HTTP/2");
    BOOST_TEST(pool.h2_connections_opened == pool.connections_opened);
  }
}

BOOST_AUTO_TEST_SUITE_END()
