// openrouter::router against openrouter-mock's faults: transient failures retried then fallen
// back from, Retry-After over the cap skipped, the caller's faults stopping at once, attempt
// and overall deadlines (closing the stalled connection), cancellation, and the records the
// hooks receive.
#include "support/client_fixture.hpp"

#include <openrouter/agent.hpp>
#include <openrouter/router.hpp>
#include <openrouter/routing/shared_state.hpp>
#include <openrouter/structured.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <mutex>

using namespace test;
using namespace std::chrono_literals;
namespace wire = openrouter::wire;
namespace routing = openrouter::routing;
using openrouter::errc;

namespace {

routing::policy fast_policy(std::vector<std::string> models) {
  routing::policy p;
  p.models = std::move(models);
  p.backoff.initial = 20ms;
  p.backoff.max = 100ms;
  p.backoff.retry_after_cap = 3s;
  p.max_attempts_per_model = 2;
  p.deadline = 30s;
  return p;
}

// A stalled first candidate that only the 500 ms attempt deadline gets past.
routing::policy stall_then_healthy() {
  auto p = fast_policy({"fault/stall;seconds=3", "openai/gpt-4o-mini"});
  p.attempt_timeout = 500ms;
  p.max_attempts_per_model = 1;
  return p;
}

struct recorded {
  std::vector<routing::attempt_record> attempts;
  std::vector<openrouter::request_record> requests;
  openrouter::router_hooks hooks() {
    return {[this](const routing::attempt_record& a) { attempts.push_back(a); },
            [this](const openrouter::request_record& r) { requests.push_back(r); }};
  }
};

// Starts a routed chat that `sig` can cancel.
outcome<wire::chat_response> cancellable_chat(client_fixture& f, openrouter::router& r,
                                              boost::asio::cancellation_signal& sig) {
  outcome<wire::chat_response> o;
  r.async_chat(chat_request("x", "hi"), f.diag, boost::asio::bind_cancellation_slot(sig.slot(), o.handler()));
  return o;
}

std::tuple<boost::system::error_code, wire::chat_response> chat(client_fixture& f, openrouter::router& r,
                                                                  std::string prompt = "echo: routed") {
  return f.run<wire::chat_response>(
      [&](auto t) { return r.async_chat(chat_request("ignored/by-policy", prompt), f.diag, t); });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router_test)

BOOST_AUTO_TEST_CASE(transient_failures_retry_then_fall_back) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, fast_policy({"fault/503", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.text() == "routed");
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(rec.attempts.size() == 3u);  // 503, 503 (retried once), then the fallback
  BOOST_TEST(rec.attempts[0].model == "fault/503");
  BOOST_TEST(rec.attempts[0].http_status == 503u);
  BOOST_TEST(routing::to_string(rec.attempts[0].cls) == "overloaded");
  BOOST_TEST(routing::to_string(rec.attempts[0].action) == "retry_same");
  BOOST_TEST(rec.attempts[2].model == "openai/gpt-4o-mini");
  BOOST_TEST(!rec.attempts[2].ec);
  BOOST_TEST(!rec.attempts[2].generation_id.empty());
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  const auto& q = rec.requests[0];
  BOOST_TEST(q.requested_model == "fault/503");
  BOOST_TEST(q.resolved_model == "openai/gpt-4o-mini");
  BOOST_TEST(q.fallback);
  BOOST_TEST(!q.ec);
  BOOST_TEST(q.reason == "success");
  BOOST_TEST(q.generation_id == res.id);
  BOOST_TEST(q.cost.has_value());
  BOOST_TEST(q.completion_tokens.value_or(0) > 0);
  // The mock saw exactly those three requests.
  BOOST_TEST(f.server->stats().requests == 3u);
}

BOOST_AUTO_TEST_CASE(retry_after_beyond_the_cap_skips_the_model) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, fast_policy({"fault/429;retry_after=60", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto start = std::chrono::steady_clock::now();
  auto [ec, res] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(rec.attempts.size() == 2u);  // no retry of the rate-limited model
  BOOST_TEST(routing::to_string(rec.attempts[0].cls) == "rate_limited");
  BOOST_TEST((std::chrono::steady_clock::now() - start < 20s));  // never waited the 60 s
  // The model is cooled down for every later request of this router: not even tried.
  auto [ec2, res2] = chat(f, r);
  BOOST_TEST(!ec2, ec2.message());
  BOOST_TEST(rec.attempts.size() == 3u);
  BOOST_TEST(rec.attempts[2].model == "openai/gpt-4o-mini");
}

BOOST_AUTO_TEST_CASE(the_callers_faults_stop_at_once) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, fast_policy({"fault/401", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST((ec == errc::unauthorized), ec.message());
  BOOST_TEST(rec.attempts.size() == 1u);
  BOOST_TEST(f.diag.http_status == 401u);
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(routing::to_string(rec.requests[0].cls) == "auth");
  BOOST_TEST(rec.requests[0].reason == "finished");
}

BOOST_AUTO_TEST_CASE(an_attempt_deadline_cancels_the_stalled_attempt) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, stall_then_healthy(), rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);
  BOOST_TEST((rec.attempts[0].ec == errc::attempt_timeout), rec.attempts[0].ec.message());
  // The stalled request's connection was closed (the mock sees the hang-up): only
  // the fallback's connection is left, parked in the pool.
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
  BOOST_TEST(reusable_connections(f.cli.pool_statistics()) == 1u);
  f.run_until([&] { return f.server->stats().connections_open == 1; }, 10s);
}

BOOST_AUTO_TEST_CASE(one_deadline_over_everything) {
  client_fixture f;
  recorded rec;
  auto p = fast_policy({"fault/stall;seconds=20", "fault/stall;seconds=20;x=2"});
  p.deadline = 1s;
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto start = std::chrono::steady_clock::now();
  auto [ec, res] = chat(f, r);
  BOOST_TEST((ec == errc::total_timeout), ec.message());
  BOOST_TEST((std::chrono::steady_clock::now() - start < 15s));
  BOOST_TEST(rec.attempts.size() == 1u);
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(routing::to_string(rec.requests[0].cls) == "deadline");
}

BOOST_AUTO_TEST_CASE(cancellation_ends_the_request_and_closes_its_connection) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, fast_policy({"fault/stall;seconds=3", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  boost::asio::cancellation_signal sig;
  auto o = cancellable_chat(f, r, sig);
  f.run_until([&] { return f.server->stats().requests == 1; });
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, res] = wait(f.ioc, o, 10s);
  BOOST_TEST((ec == boost::asio::error::operation_aborted), ec.message());
  BOOST_TEST(rec.attempts.size() == 1u);  // no fallback after the caller gave up
  // Closed on our side at once (not parked); the mock sees the hang-up during its stall.
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);
  f.wait_abandoned(10s);
  BOOST_TEST(f.server->stats().requests == 1u);
}

// Emitted before the operation has run at all: the signal reaches the coroutine (through its
// strand) in between two of its steps, when nothing is pending to abort. It must still end the
// request, without a fallback and before any request reaches the server.
BOOST_AUTO_TEST_CASE(a_cancellation_at_the_start_is_not_lost) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, fast_policy({"fault/stall;seconds=30", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  boost::asio::cancellation_signal sig;
  auto o = cancellable_chat(f, r, sig);
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, res] = wait(f.ioc, o, 20s);
  BOOST_TEST((ec == boost::asio::error::operation_aborted), ec.message());
  BOOST_TEST(rec.attempts.size() <= 1u);  // at most the one it was in when the signal landed
  for (const auto& a : rec.attempts) BOOST_TEST((a.ec == boost::asio::error::operation_aborted), a.ec.message());
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].reason == "cancelled");
  BOOST_TEST(f.server->stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(records_carry_no_secret) {
  const std::string key = "sk-or-v1-ROUTER-SECRET-77";
  client_fixture f({}, [&](openrouter::client_config& c) { c.api_key = key; });
  std::string all;
  openrouter::router_hooks hooks{
      [&](const routing::attempt_record& a) { all += a.model + a.ec.message() + a.provider + a.generation_id; },
      [&](const openrouter::request_record& q) { all += q.requested_model + q.resolved_model + q.reason + q.ec.message(); }};
  openrouter::router r(f.cli, fast_policy({"fault/500", "fault/503"}), hooks, 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST(ec.failed());
  BOOST_TEST(!all.empty());
  BOOST_TEST(all.find(key) == std::string::npos);
  BOOST_TEST(f.diag.summary(ec).find(key) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_spent_budget_refuses_new_requests) {
  client_fixture f;
  recorded rec;
  auto p = fast_policy({"openai/gpt-4o-mini"});
  p.max_cost_usd = 1e-9;  // any answer spends it
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST(r.spent() == *res.usage->cost);
  BOOST_TEST(rec.requests.back().spent == *res.usage->cost);
  auto [ec2, res2] = chat(f, r);
  BOOST_TEST((ec2 == errc::budget_exhausted), ec2.message());
  BOOST_TEST(f.diag.detail == "router budget spent");
  BOOST_TEST(f.server->stats().requests == 1u);  // refused before anything was sent
  BOOST_TEST(routing::to_string(rec.requests.back().cls) == "billing");
}

namespace {

std::pair<boost::system::error_code, openrouter::routed_stream> open_stream(client_fixture& f, openrouter::router& r,
                                                                             std::string prompt) {
  auto slot = std::make_shared<std::optional<std::pair<boost::system::error_code, openrouter::routed_stream>>>();
  r.async_chat_stream(chat_request("ignored/by-policy", prompt), f.diag,
                      [slot](boost::system::error_code ec, openrouter::routed_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}

// Pulls to the end: (the error that ended it, the text).
std::pair<boost::system::error_code, std::string> drain(client_fixture& f, openrouter::routed_stream& s) {
  std::string text;
  while (true) {
    auto [ec, c] = f.run<std::optional<wire::chat_chunk>>([&](auto t) { return s.async_next(t); });
    if (ec) return {ec, text};
    if (!c) return {{}, text};
    for (const auto& ch : c->choices)
      if (ch.delta.content) text += *ch.delta.content;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(streams_fail_over_until_the_first_content) {
  client_fixture f;
  recorded rec;
  // A pre-stream 503, then a stream that errs before any content, then a healthy one.
  openrouter::router r(f.cli, fast_policy({"fault/503", "fault/mid_stream_error;after_tokens=0", "openai/gpt-4o-mini"}),
                       rec.hooks(), 7);
  auto [ec, s] = open_stream(f, r, "echo: streamed after two failovers");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST(!end, end.message());
  BOOST_TEST(text == "streamed after two failovers");
  BOOST_TEST(s.result().text() == text);
  BOOST_TEST(s.model() == "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(rec.attempts.size() == 5u);  // 503 x2, stream error x2, then the good one
  BOOST_TEST(routing::to_string(rec.attempts[2].cls) == "stream");
  BOOST_TEST(rec.requests.back().fallback);
  BOOST_TEST(rec.requests.back().resolved_model == "openai/gpt-4o-mini");
  // The failed streams' connections were closed, the good one went back to the pool.
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
}

BOOST_AUTO_TEST_CASE(after_the_first_content_a_failure_is_final_and_typed) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, fast_policy({"fault/mid_stream_error;after_tokens=3", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, s] = open_stream(f, r, "echo: one two three four five six");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST((end == errc::stream_error), end.message());
  BOOST_TEST(!text.empty());                            // the partial output was delivered...
  BOOST_TEST(text.find("six") == std::string::npos);    // ...and it is partial
  BOOST_TEST(s.result().text() == text);                // and kept
  BOOST_TEST(!f.diag.error.message.empty());            // the error chunk's error
  BOOST_TEST(rec.attempts.size() == 1u);                // never re-sent behind the caller's back
  BOOST_TEST(f.server->stats().requests == 1u);
}

BOOST_AUTO_TEST_CASE(a_stream_without_a_first_byte_in_time_fails_over) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, stall_then_healthy(), rec.hooks(), 7);
  auto [ec, s] = open_stream(f, r, "echo: hedged by deadline");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST(!end, end.message());
  BOOST_TEST(text == "hedged by deadline");
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);
  BOOST_TEST((rec.attempts[0].ec == errc::attempt_timeout), rec.attempts[0].ec.message());
}

BOOST_AUTO_TEST_CASE(the_catalog_rules_out_candidates_that_cannot_serve) {
  client_fixture f;
  recorded rec;
  auto p = fast_policy({"mistralai/mistral-7b-instruct", "openai/gpt-4o-mini"});
  p.filter_by_catalog = true;
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto req = chat_request("ignored/by-policy", "echo: with tools");
  wire::tool t;
  t.function.emplace();
  t.function->name = "get_weather";
  t.function->parameters = boost::json::parse(R"({"type":"object","properties":{}})");
  req.tools.push_back(t);
  auto [ec, res] = f.run<wire::chat_response>([&](auto tok) { return r.async_chat(req, f.diag, tok); });
  BOOST_TEST_REQUIRE(!ec, ec.message() << " " << f.diag.detail);
  BOOST_TEST_REQUIRE(rec.attempts.size() == 1u);  // no doomed attempt on the model without tools
  BOOST_TEST(rec.attempts[0].model == "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(rec.requests.back().dropped.size() == 1u);
  BOOST_TEST(rec.requests.back().dropped[0].model == "mistralai/mistral-7b-instruct");
  BOOST_TEST(rec.requests.back().dropped[0].why == "does not support tools");
  // provider.require_parameters went out with the tools.
  auto gen = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(gen.has_value());
  BOOST_TEST(gen->request.at("provider").at("require_parameters").as_bool());

  // No candidate left: a typed error naming each one and why, and nothing sent.
  auto q = fast_policy({"mistralai/mistral-7b-instruct"});
  q.filter_by_catalog = true;
  openrouter::router none(f.cli, q, rec.hooks(), 7);
  const auto before = f.server->stats().requests;
  auto [ec2, res2] = f.run<wire::chat_response>([&](auto tok) { return none.async_chat(req, f.diag, tok); });
  BOOST_TEST((ec2 == errc::invalid_argument), ec2.message());
  BOOST_TEST(f.diag.detail.find("mistralai/mistral-7b-instruct (does not support tools)") != std::string::npos,
             f.diag.detail);
  BOOST_TEST(f.server->stats().requests == before);
}

BOOST_AUTO_TEST_CASE(an_in_flight_limit_serializes_attempts) {
  // Three requests at once: without a limit the pool opens a connection for each; with
  // max_in_flight 1 they take turns on one connection, and all three succeed.
  for (std::size_t limit : {0u, 1u}) {
    BOOST_TEST_CONTEXT("max_in_flight " << limit) {
      client_fixture f;
      auto p = fast_policy({"openai/gpt-4o-mini"});
      p.limits.max_in_flight = limit;
      p.limits.poll = 5ms;
      openrouter::router r(f.cli, p, {}, 7);
      std::vector<openrouter::diagnostics> diags(3);
      std::vector<outcome<wire::chat_response>> outs(3);
      for (std::size_t i = 0; i < 3; ++i) r.async_chat(chat_request("x", "echo: turn"), diags[i], outs[i].handler());
      for (auto& o : outs) {
        auto [ec, res] = wait(f.ioc, o, 30s);
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(res.text() == "turn");
      }
      if (limit == 1) BOOST_TEST(f.cli.pool_statistics().connections_opened == 1u);
      else BOOST_TEST(f.cli.pool_statistics().connections_opened == (over_h2() ? 1u : 3u));  // h2: multiplexed
      BOOST_TEST(r.health().in_flight() == 0u);
    }
  }
}


// --- waiting for an in-flight slot -------------------------------------------------------------
// Waiters are woken when a slot frees, not by polling: every test sets the safety-net poll to
// 30 s, far beyond what any of them may take, so a wait that relied on it would fail.

namespace {

routing::policy slot_limited(std::size_t max_in_flight, std::size_t per_model = 0) {
  auto p = fast_policy({});  // each request's own model
  p.limits.max_in_flight = max_in_flight;
  p.limits.max_in_flight_per_model = per_model;
  p.limits.poll = 30s;
  return p;
}

// A routed chat whose completion (and when) is kept.
struct timed_chat {
  std::shared_ptr<std::optional<std::pair<boost::system::error_code, std::string>>> done =
      std::make_shared<std::optional<std::pair<boost::system::error_code, std::string>>>();
  std::shared_ptr<std::chrono::steady_clock::time_point> at = std::make_shared<std::chrono::steady_clock::time_point>();
  openrouter::diagnostics diag;
  void start(openrouter::router& r, std::string model, std::vector<std::string>* order = nullptr) {
    r.async_chat(chat_request(model, "echo: " + model), diag,
                 [d = done, t = at, order, model](boost::system::error_code ec, wire::chat_response res) {
                   *t = std::chrono::steady_clock::now();
                   d->emplace(ec, res.text());
                   if (order) order->push_back(model);
                 });
  }
  bool ready() const { return done->has_value(); }
  boost::system::error_code ec() const { return (*done)->first; }
};

// Holds in-flight slots the way other requests' attempts would, without sending anything.
void hold_slot(openrouter::router& r, const std::string& model) {
  BOOST_REQUIRE(!r.health().try_begin(model, std::chrono::steady_clock::now()).has_value());
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_freed_slot_wakes_the_waiters_in_turn_without_polling) {
  client_fixture f;
  openrouter::router r(f.cli, slot_limited(1), {}, 7);
  const auto started = std::chrono::steady_clock::now();
  timed_chat a;  // holds the only slot for about a second (the mock stalls, then answers)
  a.start(r, "fault/stall;seconds=1");
  f.run_until([&] { return r.health().in_flight() == 1; });
  std::vector<std::string> order;
  std::vector<timed_chat> waiters(3);
  const std::vector<std::string> models = {"openai/gpt-4o-mini", "anthropic/claude-3.5-haiku",
                                           "mistralai/mistral-7b-instruct"};
  for (std::size_t i = 0; i < 3; ++i) waiters[i].start(r, models[i], &order);
  f.run_until([&] { return r.health().waiting() == 3; });
  f.run_until([&] { return a.ready() && std::all_of(waiters.begin(), waiters.end(), [](auto& w) { return w.ready(); }); });
  BOOST_TEST(!a.ec(), a.ec().message());
  for (auto& w : waiters) BOOST_TEST(!w.ec(), w.ec().message());
  BOOST_TEST(order == models, "first come, first served");
  // Polling every 30 s, the first waiter alone would have waited 30 s after its arrival.
  const auto took = *waiters.back().at - *a.at;
  BOOST_TEST((took < 10s), "the last waiter finished " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                                                      << " ms after the slot first freed");
  BOOST_TEST((*waiters.back().at - started < 15s));
  BOOST_TEST(r.health().in_flight() == 0u);
  BOOST_TEST(r.health().waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(a_request_waiting_for_a_slot_can_be_cancelled) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, slot_limited(1), rec.hooks(), 7);
  hold_slot(r, "held/elsewhere");
  boost::asio::cancellation_signal sig;
  auto o = cancellable_chat(f, r, sig);
  f.run_until([&] { return r.health().waiting() == 1; });
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, res] = wait(f.ioc, o, 20s);  // well before the 30 s poll
  BOOST_TEST(ec == boost::asio::error::operation_aborted, ec.message());
  BOOST_TEST(r.health().waiting() == 0u);
  BOOST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].reason == "cancelled");
  BOOST_TEST(rec.requests[0].attempts.empty());
  BOOST_TEST(f.server->stats().requests == 0u);
  // The slot frees: the next request is served at once.
  r.health().end("held/elsewhere", true, false);
  auto [e2, r2] = f.run<wire::chat_response>(
      [&](auto t) { return r.async_chat(chat_request("openai/gpt-4o-mini", "echo: next"), f.diag, t); }, 20s);
  BOOST_TEST(!e2, e2.message());
  BOOST_TEST(r2.text() == "next");
}

BOOST_AUTO_TEST_CASE(a_slot_wait_ends_at_the_deadline) {
  client_fixture f;
  recorded rec;
  auto p = slot_limited(1);
  p.deadline = 1s;
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  hold_slot(r, "held/elsewhere");
  auto [ec, res] = f.run<wire::chat_response>(
      [&](auto t) { return r.async_chat(chat_request("openai/gpt-4o-mini", "hi"), f.diag, t); }, 20s);
  BOOST_TEST(ec == errc::total_timeout, ec.message());
  BOOST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].reason == "deadline");
  BOOST_TEST(rec.requests[0].attempts.empty());
  BOOST_TEST((rec.requests[0].latency >= 900ms));  // it did wait for the deadline
  BOOST_TEST(r.health().waiting() == 0u);
  BOOST_TEST(f.server->stats().requests == 0u);
}

BOOST_AUTO_TEST_CASE(a_freed_model_slot_goes_to_a_waiter_that_can_use_it) {
  // Two slots overall, one per model; other requests hold a's and b's. The first waiter wants a
  // (full), the second c: when b's slot frees, it is c's waiter that gets it.
  client_fixture f;
  openrouter::router r(f.cli, slot_limited(2, 1), {}, 7);
  hold_slot(r, "openai/gpt-4o-mini");
  hold_slot(r, "anthropic/claude-3.5-haiku");
  timed_chat wants_a, wants_c;
  wants_a.start(r, "openai/gpt-4o-mini");
  f.run_until([&] { return r.health().waiting() == 1; });
  wants_c.start(r, "mistralai/mistral-7b-instruct");
  f.run_until([&] { return r.health().waiting() == 2; });
  r.health().end("anthropic/claude-3.5-haiku", true, false);
  f.run_until([&] { return wants_c.ready(); }, 20s);  // well before the 30 s poll
  BOOST_TEST(!wants_c.ec(), wants_c.ec().message());
  BOOST_TEST(!wants_a.ready());  // a is still full
  BOOST_TEST(r.health().waiting() == 1u);
  r.health().end("openai/gpt-4o-mini", true, false);
  f.run_until([&] { return wants_a.ready(); }, 20s);
  BOOST_TEST(!wants_a.ec(), wants_a.ec().message());
  BOOST_TEST(r.health().in_flight() == 0u);
  BOOST_TEST(r.health().waiting() == 0u);
}

// --- hedging ---------------------------------------------------------------------------------

namespace {

routing::policy hedge_after(std::chrono::milliseconds delay, std::vector<std::string> models) {
  auto p = fast_policy(std::move(models));
  p.hedge.enabled = true;
  p.hedge.delay = delay;
  p.max_attempts_per_model = 1;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_hedge_answers_for_a_stalled_primary_which_is_cancelled) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, hedge_after(100ms, {"fault/stall;seconds=3", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.text().find("routed") != std::string::npos);
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);
  // The hedge answered first; the primary was cancelled then (its record comes second).
  BOOST_TEST(rec.attempts[0].model == "openai/gpt-4o-mini");
  BOOST_TEST(rec.attempts[0].hedge);
  BOOST_TEST(!rec.attempts[0].ec);
  BOOST_TEST(rec.attempts[1].model == "fault/stall;seconds=3");
  BOOST_TEST((rec.attempts[1].ec == boost::asio::error::operation_aborted), rec.attempts[1].ec.message());
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].hedged);
  BOOST_TEST(rec.requests[0].fallback);
  BOOST_TEST(rec.requests[0].resolved_model == "openai/gpt-4o-mini");
  // The loser's connection was closed, not parked: only the winner's waits in the pool.
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
  BOOST_TEST(reusable_connections(f.cli.pool_statistics()) == 1u);
  f.run_until([&] { return f.server->stats().connections_open <= 1; }, 10s);
}

BOOST_AUTO_TEST_CASE(a_hedged_stream_is_the_one_that_delivers_content_first) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, hedge_after(100ms, {"fault/stall;seconds=3", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, s] = open_stream(f, r, "echo: hedged stream");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST(!end, end.message());
  BOOST_TEST(text.find("hedged stream") != std::string::npos);
  BOOST_TEST(s.model() == "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].hedged);
  BOOST_TEST(f.diag.http_status == 200u);  // the winner's diagnostics are the caller's
}

BOOST_AUTO_TEST_CASE(cancellation_mid_hedge_closes_both_connections) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, hedge_after(50ms, {"fault/stall;seconds=3", "fault/stall;seconds=4"}), rec.hooks(), 7);
  boost::asio::cancellation_signal sig;
  auto o = cancellable_chat(f, r, sig);
  f.run_until([&] { return f.server->stats().requests == 2; });  // the primary and its hedge
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, res] = wait(f.ioc, o, 10s);
  BOOST_TEST((ec == boost::asio::error::operation_aborted), ec.message());
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);
  for (const auto& a : rec.attempts) BOOST_TEST((a.ec == boost::asio::error::operation_aborted), a.ec.message());
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].hedged);
  BOOST_TEST(rec.requests[0].reason == "cancelled");
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
  BOOST_TEST(f.cli.pool_statistics().idle == 0u);
  f.wait_abandoned(10s);
}


// One 429 with Retry-After: 1 cools the only model down for a second; a request in that second
// waits for the reopening (its deadline is 30 s) instead of failing at once with every breaker
// open and no attempt.
BOOST_AUTO_TEST_CASE(a_request_waits_for_a_short_cool_down_instead_of_failing) {
  client_fixture f;
  recorded rec;
  auto p = fast_policy({"fault/429;retry_after=1;count=1"});
  p.max_attempts_per_model = 1;  // the first request does not retry: it ends on its 429
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto [ec1, res1] = chat(f, r);
  BOOST_TEST((ec1 == errc::rate_limited), ec1.message());
  auto [ec2, res2] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec2, ec2.message() << " " << f.diag.detail);
  BOOST_TEST(res2.text() == "routed");
  BOOST_TEST_REQUIRE(rec.requests.size() == 2u);
  BOOST_TEST(rec.requests[1].attempts.size() == 1u);
  BOOST_TEST(f.server->stats().requests == 2u);
}

// Spend caps bind streams too: a stream's cost arrives in its final usage chunk; the router
// counts it then, and the next request's admission sees it.
BOOST_AUTO_TEST_CASE(a_streams_cost_counts_against_the_spend_cap) {
  client_fixture f;
  recorded rec;
  auto p = fast_policy({"openai/gpt-4o-mini"});
  p.max_cost_usd = 1e-9;  // any answer spends it
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto [ec, s] = open_stream(f, r, "echo: streamed and paid for");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST_REQUIRE(!end, end.message());
  auto res = s.result();
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST((s.cost() == res.usage->cost));
  BOOST_TEST(!s.cost_unknown());
  BOOST_TEST(r.spent() == *res.usage->cost);
  auto [ec2, s2] = open_stream(f, r, "echo: over the cap");
  BOOST_TEST((ec2 == errc::budget_exhausted), ec2.message());
  BOOST_TEST(f.server->stats().requests == 1u);  // refused before anything was sent
}

// The helpers layered on a router spend through it: a streamed agent turn's cost, and a
// structured chat's repair turn, are bound by the router's cap.
BOOST_AUTO_TEST_CASE(agent_and_structured_requests_are_bound_by_the_spend_cap) {
  {
    client_fixture f;
    auto p = fast_policy({"openai/gpt-4o-mini"});
    p.max_cost_usd = 1e-9;
    openrouter::router r(f.cli, p, {}, 7);
    openrouter::agent_options o;
    o.stream = true;
    openrouter::agent a(&r, o);
    auto run = [&] {
      return f.run<openrouter::agent_result>([&](auto t) { return a.async_run(chat_request("x", "hi"), f.diag, t); });
    };
    auto [ec, res] = run();
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(r.spent() > 0);  // the streamed turn's cost, from its usage chunk
    auto [ec2, res2] = run();
    BOOST_TEST((ec2 == errc::budget_exhausted), ec2.message());
    BOOST_TEST(f.server->stats().requests == 1u);
  }
  {
    // The first answer is not JSON; its repair turn would be a second paid request: refused.
    openrouter::mock::server_options so;
    boost::json::array replies{boost::json::object{{"content", "not json"}},
                               boost::json::object{{"content", R"({"name":"a"})"}}};
    so.scenario = boost::json::object{{"models", boost::json::object{{"openai/gpt-4o-mini", boost::json::object{{"replies", replies}}}}}};
    client_fixture f(so);
    auto p = fast_policy({"openai/gpt-4o-mini"});
    p.max_cost_usd = 1e-9;
    openrouter::router r(f.cli, p, {}, 7);
    openrouter::structured_spec spec;
    spec.name = "thing";
    spec.schema = boost::json::parse(R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"]})");
    spec.max_repairs = 1;
    auto [ec, res] = f.run<openrouter::structured_result>([&](auto h) {
      openrouter::async_structured_chat(&r, chat_request("x", "give me a thing"), spec, f.diag, std::move(h));
    });
    BOOST_TEST((ec == errc::budget_exhausted), ec.message());
    BOOST_TEST(f.server->generations().size() == 1u);  // (the catalog fetch is no generation)
  }
}

// A stream given up before its usage arrived is cost-unknown: the upstream may bill it.
BOOST_AUTO_TEST_CASE(a_stream_cut_before_its_usage_is_cost_unknown) {
  client_fixture f;
  openrouter::router r(f.cli, fast_policy({"fault/mid_stream_error;after_tokens=3"}), {}, 7);
  auto [ec, s] = open_stream(f, r, "echo: one two three four five six");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST((end == errc::stream_error), end.message());
  BOOST_TEST(!s.cost().has_value());
  BOOST_TEST(s.cost_unknown());
}

// A connection reset after the server read the whole request leaves the attempt's cost
// unknown (the upstream may have done the work); a 503 refused it, so that one is known: none.
BOOST_AUTO_TEST_CASE(a_request_reset_after_it_was_sent_is_cost_unknown_and_a_503_is_not) {
  client_fixture f;
  recorded rec;
  auto p = fast_policy({"fault/reset", "fault/503"});
  p.max_attempts_per_model = 1;
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST(ec.failed());
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);
  BOOST_TEST(rec.attempts[0].model == "fault/reset");
  BOOST_TEST(rec.attempts[0].cost_unknown, rec.attempts[0].ec.message());
  BOOST_TEST(!rec.attempts[1].cost_unknown);
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].cost_unknown == 1u);
  BOOST_TEST(f.server->stats().requests == 2u);  // each read once: no hidden re-send
}

// A hedge's loser that was cancelled before it answered is marked cost-unknown in its record;
// the winner's record carries its cost, which the router counted.
BOOST_AUTO_TEST_CASE(a_cancelled_hedge_loser_is_cost_unknown_and_the_winner_is_counted) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, hedge_after(100ms, {"fault/stall;seconds=3", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, res] = chat(f, r);
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST((rec.attempts[0].cost == res.usage->cost));
  BOOST_TEST(!rec.attempts[0].cost_unknown);
  BOOST_TEST(rec.attempts[1].cost_unknown);  // the stalled primary, cancelled
  BOOST_TEST(r.spent() == *res.usage->cost);
}

// With many requests in flight, each gets its own record through the overload that takes one:
// no matching of hook records to requests.
BOOST_AUTO_TEST_CASE(each_request_can_receive_its_own_record) {
  client_fixture f;
  recorded hooked;
  openrouter::router r(f.cli, fast_policy({}), hooked.hooks(), 7);
  struct one {
    std::string model;
    openrouter::diagnostics diag;
    openrouter::request_record rec;
    outcome<wire::chat_response> o;
  };
  std::vector<std::unique_ptr<one>> all;
  for (std::string m : {"fault/503", "openai/gpt-4o-mini", "fault/401", "openai/gpt-4o-mini"}) {
    all.push_back(std::make_unique<one>());
    all.back()->model = m;
    r.async_chat(chat_request(m, "echo: mine"), all.back()->diag, all.back()->rec, all.back()->o.handler());
  }
  for (auto& x : all) wait(f.ioc, x->o, 30s);
  BOOST_TEST(hooked.requests.size() == 4u);  // the hook still sees every one
  for (auto& x : all) {
    auto [ec, res] = x->o.get();
    BOOST_TEST(x->rec.requested_model == x->model);
    BOOST_TEST((x->rec.ec == ec), x->model);
    BOOST_TEST_REQUIRE(!x->rec.attempts.empty());
    for (const auto& a : x->rec.attempts) BOOST_TEST(a.model == x->model);
    if (x->model == "fault/503") BOOST_TEST(x->rec.attempts.size() == 2u);  // max_attempts_per_model
    if (x->model == "fault/401") BOOST_TEST(x->rec.attempts.size() == 1u);  // the caller's fault: stop
    if (!ec) BOOST_TEST(x->rec.generation_id == res.id);
  }
}

namespace {

// A fleet store that admits every attempt and records how each one ended.
struct recording_fleet final : routing::shared_state {
  struct ending {
    std::uint64_t ticket;
    routing::settlement how;
    double cost;
  };
  void admit(const std::string&, std::function<void(routing::admission)> h) override {
    routing::admission a;
    {
      std::lock_guard lock(m);
      a.ticket = ++tickets;
    }
    h(a);
  }
  void end(std::uint64_t ticket, routing::settlement how, double cost) override {
    std::lock_guard lock(m);
    ends.push_back({ticket, how, cost});
  }
  void cool_down(const std::string&, std::chrono::milliseconds) override {}
  routing::shared_stats stats() const override { return {}; }
  std::vector<ending> ended() const {
    std::lock_guard lock(m);
    return ends;
  }
  mutable std::mutex m;
  std::uint64_t tickets = 0;
  std::vector<ending> ends;
};

// A router on the mock whose attempts a recording_fleet admits.
struct fleet_routed {
  client_fixture f;
  openrouter::router r{f.cli, fast_policy({"openai/gpt-4o-mini"})};
  std::shared_ptr<recording_fleet> fleet = std::make_shared<recording_fleet>();
  fleet_routed() { r.share(fleet); }
};

}  // namespace

// A fleet-admitted stream holds its lease while it is open (it is in flight fleet-wide) and
// settles it once, with the cost its usage reports, not as an unknown cost when it opens.
BOOST_AUTO_TEST_CASE(a_fleet_admitted_stream_settles_its_lease_with_its_usage_cost) {
  fleet_routed t;
  auto& [f, r, fleet] = t;
  auto [ec, s] = open_stream(f, r, "echo: one two three four five six");
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(fleet->ended().empty());  // open: its lease is held
  auto [end, text] = drain(f, s);
  BOOST_TEST_REQUIRE(!end, end.message());
  BOOST_TEST_REQUIRE(s.cost().has_value());
  f.run_until([&] { return !fleet->ended().empty(); }, 10s);
  const auto ends = fleet->ended();
  BOOST_TEST_REQUIRE(ends.size() == 1u);
  BOOST_TEST(ends[0].ticket == 1u);
  BOOST_TEST((ends[0].how == routing::settlement::cost));
  BOOST_TEST(ends[0].cost == *s.cost());
  // A JSON answer settles with its cost as it completes.
  auto [ec2, res] = f.run<wire::chat_response>([&](auto t) { return r.async_chat(chat_request("x", "hi"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, ec2.message());
  BOOST_TEST_REQUIRE(fleet->ended().size() == 2u);
  BOOST_TEST((fleet->ended()[1].how == routing::settlement::cost));
  BOOST_TEST(fleet->ended()[1].cost == *res.usage->cost);
}

// A fleet-admitted stream given up before its usage arrived settles once, as unknown (its
// reservation is charged: the upstream may have billed it).
BOOST_AUTO_TEST_CASE(a_fleet_admitted_stream_dropped_unread_settles_once_as_unknown) {
  fleet_routed t;
  auto& [f, r, fleet] = t;
  {
    auto [ec, s] = open_stream(f, r, "echo: one two three four five six");
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(fleet->ended().empty());
  }  // dropped unread
  f.run_until([&] { return !fleet->ended().empty(); }, 10s);
  const auto ends = fleet->ended();
  BOOST_TEST_REQUIRE(ends.size() == 1u);
  BOOST_TEST((ends[0].how == routing::settlement::unknown));
}

BOOST_AUTO_TEST_SUITE_END()
