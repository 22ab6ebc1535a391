// What the planner now decides that the router's I/O shell used to (routing::planner::on_end,
// next(now, budget_left), routing::attempt_request), on a virtual clock: spend caps before
// every new attempt and hedge, an answer already received kept, timeouts named by the deadline
// that ended them, the billed-perhaps attempts marked, and the request each attempt sends.
#include <openrouter/routing/candidates.hpp>
#include <openrouter/routing/planner.hpp>
#include <openrouter/routing/policy.hpp>

#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>

#include "routing_fixtures.hpp"

#include <boost/test/unit_test.hpp>

using namespace openrouter;
using namespace openrouter::routing;
using namespace std::chrono_literals;
using kind = planner::decision::kind;
using routing_fixtures::err;
using routing_fixtures::status;
using routing_fixtures::t0;

namespace {

diagnostics sent(unsigned http_status = 0) {
  diagnostics d;
  d.request_sent = true;
  d.http_status = http_status;
  return d;
}

planner::attempt_end ended(boost::system::error_code ec, std::optional<double> cost = {}) {
  planner::attempt_end e;
  e.ec = ec;
  e.cost = cost;
  return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_spend_and_end_test)

BOOST_AUTO_TEST_CASE(a_request_over_its_own_cap_makes_no_further_attempt) {
  policy p = routing_fixtures::exact_policy({"a/primary", "b/fallback"});
  p.max_request_cost_usd = 0.01;
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto d = pl.next(t0);
  BOOST_TEST_REQUIRE((d.what == kind::attempt));
  // A costly failure the classifier would retry (a 200 whose body broke off after usage).
  auto ec = pl.on_end(d.attempt, t0 + 10ms, ended(err(errc::stream_incomplete), 0.02), sent(200));
  BOOST_TEST((ec == errc::stream_incomplete));
  BOOST_TEST(pl.request_spent() == 0.02);
  auto next = pl.next(t0 + 10ms);
  BOOST_TEST((next.what == kind::give_up));
  BOOST_TEST((next.ec == errc::budget_exhausted));
  BOOST_TEST(next.reason == "request budget spent");
  BOOST_TEST(pl.attempts().size() == 1u);
  BOOST_TEST(pl.attempts()[0].then_reason == "request budget spent");
  BOOST_TEST(!pl.attempts()[0].cost_unknown);  // its cost is known
}

BOOST_AUTO_TEST_CASE(a_spent_router_budget_starts_nothing) {
  policy p = routing_fixtures::exact_policy({"a/primary"});
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto d = pl.next(t0, false);
  BOOST_TEST((d.what == kind::give_up));
  BOOST_TEST((d.ec == errc::budget_exhausted));
  BOOST_TEST(d.reason == "router budget spent");
  BOOST_TEST(pl.attempts().empty());
}

BOOST_AUTO_TEST_CASE(once_spent_no_hedge_starts_and_the_running_answer_is_kept) {
  policy p = routing_fixtures::exact_policy({"a/primary", "b/fallback"});
  p.hedge.enabled = true;
  p.hedge.delay = 50ms;
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto first = pl.next(t0);
  BOOST_TEST_REQUIRE((first.what == kind::attempt));
  // The hedge is due, but the budget is spent: wait for the attempt in flight instead.
  auto d = pl.next(t0 + 60ms, false);
  BOOST_TEST((d.what == kind::wait));
  BOOST_TEST(pl.attempts().size() == 1u);
  // Unspent, the same moment hedges (the test above is not vacuous).
  health h2(p);
  planner other(p, p.models, h2, t0, 1);
  BOOST_TEST_REQUIRE((other.next(t0).what == kind::attempt));
  BOOST_TEST((other.next(t0 + 60ms).what == kind::attempt));
  // The running attempt answers: the request succeeds, budget or not.
  auto ec = pl.on_end(first.attempt, t0 + 80ms, ended({}, 0.5), sent(200));
  BOOST_TEST(!ec);
  BOOST_TEST(pl.finished());
  auto last = pl.next(t0 + 80ms, false);
  BOOST_TEST((last.what == kind::give_up));
  BOOST_TEST(!last.ec);
  BOOST_TEST(last.reason == "success");
}

BOOST_AUTO_TEST_CASE(a_timeout_is_named_by_the_deadline_that_ended_it) {
  policy p = routing_fixtures::exact_policy({"a/primary"});
  p.attempt_timeout = 1s;
  p.max_attempts = 3;
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto d = pl.next(t0);
  BOOST_TEST_REQUIRE((d.what == kind::attempt));
  BOOST_TEST((d.until == t0 + 1s));
  planner::attempt_end e = ended(boost::asio::error::operation_aborted);
  e.timed_out = true;
  auto ec = pl.on_end(d.attempt, t0 + 1s, e, sent());
  BOOST_TEST((ec == errc::attempt_timeout));
  BOOST_TEST((pl.attempts()[0].ec == errc::attempt_timeout));
  BOOST_TEST(pl.attempts()[0].cost_unknown);  // cancelled after its request was sent

  // Without an attempt timeout the request's deadline is the attempt's.
  policy q = routing_fixtures::exact_policy({"a/primary"});
  health h2(q);
  planner whole(q, q.models, h2, t0, 1);
  auto w = whole.next(t0);
  BOOST_TEST_REQUIRE((w.what == kind::attempt));
  auto wec = whole.on_end(w.attempt, t0 + 60s, e, sent());
  BOOST_TEST((wec == errc::total_timeout));
  // A cancellation that is not a timeout stays one.
  health h3(q);
  planner cancelled(q, q.models, h3, t0, 1);
  auto c = cancelled.next(t0);
  planner::attempt_end by_caller = ended(boost::asio::error::operation_aborted);
  by_caller.dropped = true;
  BOOST_TEST((cancelled.on_end(c.attempt, t0 + 5ms, by_caller, sent()) == boost::asio::error::operation_aborted));
}

BOOST_AUTO_TEST_CASE(billed_perhaps_is_marked_only_when_nobody_said_the_work_was_refused) {
  policy p = routing_fixtures::exact_policy({"a/primary", "b/fallback", "c/third", "d/fourth"});
  p.max_attempts = 4;
  p.backoff.initial = 1ms;
  health h(p);
  planner pl(p, p.models, h, t0, 1);
  auto now = t0;
  auto run = [&](planner::attempt_end e, diagnostics d) {
    planner::decision dec = pl.next(now);
    for (int i = 0; dec.what == kind::wait && i < 10; ++i) dec = pl.next(now = dec.until);
    BOOST_TEST_REQUIRE((dec.what == kind::attempt));
    now += 10ms;
    pl.on_end(dec.attempt, now, e, d);
    return dec.attempt;
  };
  // The connection died after the request was sent: perhaps done and billed.
  auto a = run(ended(err(errc::connection_reset)), sent(0));
  // A 503: the server said it refused the work.
  auto b = run(ended(err(errc::server_error)), sent(503));
  // Never sent (connect failed): nothing to bill.
  auto c = run(ended(err(errc::connect_failed)), diagnostics{});
  BOOST_TEST(pl.attempts()[a].cost_unknown);
  BOOST_TEST(!pl.attempts()[b].cost_unknown);
  BOOST_TEST(!pl.attempts()[c].cost_unknown);
  // A stream that won but is dropped unread (the request was decided by another attempt).
  planner::attempt_end unread = ended({});
  unread.answer_unread = true;
  auto d = run(unread, sent(200));
  BOOST_TEST(pl.attempts()[d].cost_unknown);
}

BOOST_AUTO_TEST_CASE(each_attempt_sends_its_model_its_fallbacks_and_the_required_parameters) {
  policy p = routing_fixtures::exact_policy({"a/one", "b/two", "c/three"});
  wire::chat_request base;
  base.model = "caller/model";
  base.messages.push_back(wire::message::user("hi"));
  // Plain: only the model changes.
  auto r = attempt_request(p, p.models, "b/two", base);
  BOOST_TEST(r.model.value_or("") == "b/two");
  BOOST_TEST(r.models.empty());
  BOOST_TEST(!r.provider.has_value());  // no tools, no response format
  BOOST_TEST(base.model.value_or("") == "caller/model");  // the caller's request is untouched
  // Server-side fallback: the candidates after it.
  p.server_side_fallback = true;
  r = attempt_request(p, p.models, "a/one", base);
  BOOST_TEST(r.models == (std::vector<std::string>{"b/two", "c/three"}));
  r = attempt_request(p, p.models, "c/three", base);
  BOOST_TEST(r.models.empty());
  // Tools: only providers that honour them, unless the caller said otherwise.
  wire::chat_request with_tools = base;
  with_tools.tools.emplace_back();
  r = attempt_request(p, p.models, "a/one", with_tools);
  BOOST_TEST_REQUIRE(r.provider.has_value());
  BOOST_TEST(r.provider->require_parameters.value_or(false));
  with_tools.provider.emplace();
  with_tools.provider->require_parameters = false;
  r = attempt_request(p, p.models, "a/one", with_tools);
  BOOST_TEST(!r.provider->require_parameters.value_or(true));
  p.require_parameters = false;
  wire::chat_request fresh_tools = base;
  fresh_tools.tools.emplace_back();
  r = attempt_request(p, p.models, "a/one", fresh_tools);
  BOOST_TEST(!r.provider.has_value());
}

// The Responses API's attempts change the same fields (tools and a text format are the
// parameters a provider must honour); embeddings' only the model.
BOOST_AUTO_TEST_CASE(responses_and_embeddings_attempts_send_their_model) {
  policy p = routing_fixtures::exact_policy({"a/one", "b/two", "c/three"});
  p.server_side_fallback = true;
  wire::responses_request base;
  base.model = "caller/model";
  base.input = std::string("hi");
  auto r = attempt_request(p, p.models, "a/one", base);
  BOOST_TEST(r.model == "a/one");
  BOOST_TEST(r.models == (std::vector<std::string>{"b/two", "c/three"}));
  BOOST_TEST(!r.provider.has_value());
  wire::responses_request formatted = base;
  formatted.text = boost::json::parse(R"({"format":{"type":"json_object"}})");
  r = attempt_request(p, p.models, "b/two", formatted);
  BOOST_TEST(r.models == (std::vector<std::string>{"c/three"}));
  BOOST_TEST_REQUIRE(r.provider.has_value());
  BOOST_TEST(r.provider->require_parameters.value_or(false));
  wire::responses_request tools = base;
  tools.tools = boost::json::parse(R"([{"type":"function","name":"f"}])");
  BOOST_TEST(attempt_request(p, p.models, "c/three", tools).provider->require_parameters.value_or(false));

  wire::embeddings_request e;
  e.model = "caller/embedder";
  auto er = attempt_request(p, p.models, "b/two", e);
  BOOST_TEST(er.model == "b/two");
  BOOST_TEST(e.model == "caller/embedder");
}

BOOST_AUTO_TEST_SUITE_END()
