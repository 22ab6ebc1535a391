#include <openrouter/router.hpp>
#include <openrouter/wire/output.hpp>

#include "detail/cancel.hpp"
#include "client_impl.hpp"
#include "detail/launch.hpp"
#include "detail/wakeable.hpp"
#include "fleet/admit.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <variant>

namespace openrouter {
namespace asio = boost::asio;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using detail::result;

// The router's spend account. Thread-safe: streams report from their own strands.
// A fleet-admitted attempt gets an account of its own (fleet_attempt below) that settles its
// fleet lease and reservation, once: a JSON answer as it completes; a stream when its usage
// arrives (its cost also going to the router's account), or as `unknown` (the reservation
// charged) when it ends, fails or is dropped without one, so its lease is held while it is open.
struct detail::spend_tally {
  spend_tally() = default;
  spend_tally(std::shared_ptr<spend_tally> router_account, std::shared_ptr<routing::shared_state> fleet,
              std::uint64_t ticket) noexcept
      : parent(std::move(router_account)), fleet(std::move(fleet)), ticket(ticket) {}
  spend_tally(const spend_tally&) = delete;
  spend_tally& operator=(const spend_tally&) = delete;
  ~spend_tally() { settle(routing::settlement::unknown, 0); }

  // The stream's (or the request's) usage.cost, once.
  void spend(double usd) {
    if (parent) {
      if (usd > 0) parent->spend(usd);
      settle(routing::settlement::cost, usd);
      return;
    }
    if (usd <= 0) return;
    std::lock_guard lock(m);
    total += usd;
  }
  double spent() const {
    std::lock_guard lock(m);
    return total;
  }
  // Ends the fleet attempt this account belongs to (nothing for the router's own account).
  void settle(routing::settlement s, double usd) noexcept {
    if (!fleet || settled.exchange(true)) return;
    try {
      fleet->end(ticket, s, usd);
    } catch (...) {  // out of memory posting it: the lease expires by itself, its reservation charged
    }
  }

  mutable std::mutex m;
  double total = 0;
  const std::shared_ptr<spend_tally> parent;  // an attempt's account: the router's
  const std::shared_ptr<routing::shared_state> fleet;
  const std::uint64_t ticket = 0;
  std::atomic<bool> settled{false};
};

struct router::impl {
  impl(client& c, routing::policy p, router_hooks hk, std::uint64_t seed)
      : cli(c), policy(std::move(p)), hooks(std::move(hk)), health(policy), seed(seed) {}
  client& cli;
  const routing::policy policy;
  const router_hooks hooks;
  routing::health health;
  std::atomic<std::uint64_t> seed;
  // The spend account, shared with the streams the router hands out (their cost comes later).
  std::shared_ptr<detail::spend_tally> ledger = std::make_shared<detail::spend_tally>();

  // Slot waits are event-driven: each routed request registers the wakeable its loop parks on
  // under its planner's waiter id; when the health says a slot is free for a waiter, it is woken
  // on its own strand (a wake that lands while the loop is not parked ends its next wait).
  std::mutex waiters_mutex;
  std::unordered_map<routing::health::waiter_id, detail::waker> waiters;

  void enlist(routing::health::waiter_id id, const std::shared_ptr<detail::wakeable>& w) {
    std::lock_guard lock(waiters_mutex);
    waiters.insert_or_assign(id, detail::waker(w));
  }
  void delist(routing::health::waiter_id id) {
    std::lock_guard lock(waiters_mutex);
    waiters.erase(id);
  }
  // Any thread (the one that freed the slot).
  void wake(routing::health::waiter_id id) {
    std::lock_guard lock(waiters_mutex);
    auto it = waiters.find(id);
    if (it != waiters.end()) it->second();
  }

  // Limits shared with a fleet (router::share); none: this process's alone.
  std::shared_ptr<routing::shared_state> shared;

  bool budget_left() { return policy.max_cost_usd <= 0 || ledger->spent() < policy.max_cost_usd; }
  void spend(double usd) { ledger->spend(usd); }
};

namespace {

using tally_ptr = std::shared_ptr<detail::spend_tally>;

// What the routing loop needs to know of an answer type: how one attempt gets it, the cost it
// reports, and what goes into the request's record. JSON answers carry their usage in hand.
template <class Derived, class Request, class Response>
struct json_answer {
  using request = Request;
  using type = Response;
  static constexpr bool catalog_filter = true;  // the chat catalog lists these endpoints' models
  static asio::awaitable<std::pair<error_code, type>> attempt(client& cli, request req, diagnostics& diag,
                                                              const tally_ptr&) {
    auto op = Derived::call(cli, std::move(req), diag);
    if constexpr (std::is_same_v<decltype(op), asio::awaitable<std::pair<error_code, type>>>) {
      co_return co_await std::move(op);  // an in-line call: its pair as it is
    } else {
      auto [ec, res] = co_await std::move(op);
      co_return std::pair<error_code, type>{ec, std::move(res)};
    }
  }
  static constexpr bool unread_costs = false;  // an answer in hand carries its usage
  static constexpr bool reports_cost = true;   // ...and its usage its cost
  static void rebind(type&, diagnostics&) {}
  // Every JSON answer reports usage.cost the same way.
  static std::optional<double> cost(const type& t) { return t.usage ? t.usage->cost : std::nullopt; }
};

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct chat_answer : json_answer<chat_answer, wire::chat_request, wire::chat_response> {
  static auto call(client& cli, request req, diagnostics& diag) {
    return detail::chat_call(cli.internal_state(), std::move(req), diag);  // in-line (client_impl.hpp)
  }
  static void describe(const type& t, request_record& rec) {
    rec.resolved_model = t.model;
    rec.provider = t.provider;
    rec.generation_id = t.id;
    if (t.usage) {
      rec.prompt_tokens = t.usage->prompt_tokens;
      rec.completion_tokens = t.usage->completion_tokens;
      rec.cost = t.usage->cost;
    }
  }
};

struct responses_answer : json_answer<responses_answer, wire::responses_request, wire::responses_response> {
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_responses(std::move(req), diag, tuple_awaitable);
  }
  static void describe(const type& t, request_record& rec) {
    rec.resolved_model = t.model;
    rec.generation_id = t.id;
    if (t.usage) {
      rec.prompt_tokens = t.usage->input_tokens;
      rec.completion_tokens = t.usage->output_tokens;
      rec.cost = t.usage->cost;
    }
  }
};

struct embeddings_answer : json_answer<embeddings_answer, wire::embeddings_request, wire::embeddings_response> {
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_embeddings(std::move(req), diag, tuple_awaitable);
  }
  static constexpr bool catalog_filter = false;  // embedding models are not in the chat catalog
  static void describe(const type& t, request_record& rec) {
    rec.resolved_model = t.model;
    rec.generation_id = t.id;
    if (t.usage) {
      rec.prompt_tokens = t.usage->prompt_tokens;
      rec.cost = t.usage->cost;
    }
  }
};

struct messages_answer : json_answer<messages_answer, wire::messages_request, wire::messages_response> {
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_messages(std::move(req), diag, tuple_awaitable);
  }
  static void describe(const type& t, request_record& rec) {
    rec.resolved_model = t.model;
    rec.provider = t.provider.value_or("");
    rec.generation_id = t.id;
    if (t.usage) {
      rec.prompt_tokens = t.usage->input_tokens;
      rec.completion_tokens = t.usage->output_tokens;
      rec.cost = t.usage->cost;
    }
  }
};

struct rerank_answer : json_answer<rerank_answer, wire::rerank_request, wire::rerank_response> {
  static constexpr bool catalog_filter = false;  // rerank models are not in the chat catalog
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_rerank(std::move(req), diag, tuple_awaitable);
  }
  static void describe(const type& t, request_record& rec) {
    rec.resolved_model = t.model;
    rec.provider = t.provider;
    rec.generation_id = t.id;
    if (t.usage) {
      rec.prompt_tokens = t.usage->total_tokens;
      rec.cost = t.usage->cost;
    }
  }
};

struct images_answer : json_answer<images_answer, wire::image_generation_request, wire::image_generation_response> {
  static constexpr bool catalog_filter = false;  // /images models are listed by GET /images/models
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_images(std::move(req), diag, tuple_awaitable);
  }
  static void describe(const type& t, request_record& rec) {
    if (t.usage) {
      rec.prompt_tokens = t.usage->prompt_tokens;
      rec.completion_tokens = t.usage->completion_tokens;
      rec.cost = t.usage->cost;
    }
  }
};

struct transcription_answer : json_answer<transcription_answer, wire::transcription_request, wire::transcription> {
  static constexpr bool catalog_filter = false;  // speech-to-text models are not in the chat catalog
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_transcription(std::move(req), diag, tuple_awaitable);
  }
  static void describe(const type& t, request_record& rec) {
    if (t.usage) rec.cost = t.usage->cost;
  }
};

// Speech answers with audio bytes and no usage: what it cost is unknown (every success is
// recorded as cost_unknown, and not counted against the caps).
struct speech_answer : json_answer<speech_answer, wire::speech_request, wire::speech_audio> {
  static constexpr bool catalog_filter = false;
  static constexpr bool reports_cost = false;
  static auto call(client& cli, request req, diagnostics& diag) {
    return cli.async_speech(std::move(req), diag, tuple_awaitable);
  }
  static std::optional<double> cost(const type&) { return std::nullopt; }
  static void describe(const type&, request_record&) {}
};

// What the router needs to know of a stream's events beyond wire::has_output (the first one
// with output ends failover): which one reports the cost.
std::optional<double> cost_of(const wire::chat_chunk& c) { return c.usage ? c.usage->cost : std::nullopt; }

std::optional<double> cost_of(const wire::responses_event& e) {
  return e.response && e.response->usage ? e.response->usage->cost : std::nullopt;
}
std::optional<double> cost_of(const wire::messages_event& e) {
  if (e.kind() != wire::messages_event_kind::message_delta || !e.usage) return std::nullopt;
  return e.usage->cost;
}

// Opens the stream a request asks for.
auto open_stream(client& cli, wire::chat_request req, diagnostics& diag) {
  return cli.async_chat_stream(std::move(req), diag, tuple_awaitable);
}
auto open_stream(client& cli, wire::responses_request req, diagnostics& diag) {
  return cli.async_responses_stream(std::move(req), diag, tuple_awaitable);
}
auto open_stream(client& cli, wire::messages_request req, diagnostics& diag) {
  return cli.async_messages_stream(std::move(req), diag, tuple_awaitable);
}

template <class Stream, class Request>
struct stream_answer {
  using request = Request;
  using type = basic_routed_stream<Stream>;
  static constexpr bool catalog_filter = true;
  static asio::awaitable<std::pair<error_code, type>> attempt(client& cli, request req, diagnostics& diag,
                                                              tally_ptr ledger) {
    auto open = open_stream(cli, std::move(req), diag);
    auto [ec, s] = co_await std::move(open);
    if (ec) co_return std::pair<error_code, type>{ec, type{}};
    // Until the first content event the request can still go elsewhere: pull up to it.
    std::vector<typename stream_event<Stream>::type> first;
    while (true) {
      auto next = s.async_next(asio::as_tuple(asio::use_awaitable));
      auto [e, c] = co_await std::move(next);
      if (e) co_return std::pair<error_code, type>{e, type{}};  // s goes away: its connection closes
      if (!c) break;                                              // a clean end without content
      const bool content = wire::has_output(*c);
      first.push_back(std::move(*c));
      if (content) break;
    }
    co_return std::pair<error_code, type>{error_code{},
                                          type(std::move(first), std::move(s), cli.get_executor(), std::move(ledger))};
  }
  // Known once the usage arrived: here only when the whole stream was in the held events (then
  // the router counts it; later events are counted by the stream itself).
  static std::optional<double> cost(const type& t) { return t.cost(); }
  static constexpr bool unread_costs = true;  // a stream dropped unread was billed, perhaps
  static constexpr bool reports_cost = true;  // in its usage event
  // The winner's stream writes into its attempt's diagnostics: from now on, the caller's.
  static void rebind(type& t, diagnostics& d) { t.rebind_diagnostics(d); }
  static void describe(const type& t, request_record& rec) {
    if constexpr (std::is_same_v<Stream, chat_stream>) {
      rec.resolved_model = t.model();
      rec.provider = t.provider();
    } else {
      rec.resolved_model = t.result().model;  // Responses, Messages: the model of the first event
    }
    rec.generation_id = t.generation_id();
  }
};

using chat_stream_answer = stream_answer<chat_stream, wire::chat_request>;
using responses_stream_answer = stream_answer<responses_stream, wire::responses_request>;
using messages_stream_answer = stream_answer<messages_stream, wire::messages_request>;

// The first candidate when the policy names none: the request's own model ("": the account's default).
std::string model_of(const wire::chat_request& r) { return r.model.value_or(""); }
template <class Request>
std::string model_of(const Request& r) {
  return r.model;
}

// Drops the candidates the catalog (GET /models, cached) says cannot serve a request with
// `need`; without a catalog all are kept (the server will say).
asio::awaitable<void> screen_candidates(router::impl& im, routing::requirements need,
                                        std::vector<std::string>& candidates,
                                        std::vector<routing::dropped_candidate>& dropped) {
  diagnostics cd;
  auto [cec, catalog] = co_await im.cli.async_catalog(im.policy.catalog_max_age, cd, asio::as_tuple(asio::use_awaitable));
  if (cec || !catalog) co_return;
  auto f = routing::filter_candidates(candidates, need, *catalog);
  dropped = std::move(f.dropped);
  candidates = std::move(f.kept);
}

// The request's record goes to the hook and to the caller's record.
void emit(router::impl& im, request_record* out, request_record rec) {
  if (im.hooks.on_request) im.hooks.on_request(rec);
  if (out) *out = std::move(rec);
}

// One attempt, admitted first by the fleet's shared state when the router has one (a fleet
// token, lease and reservation; fleet/admit.hpp), its lease and reservation settled after.
template <class Answer>
asio::awaitable<std::pair<error_code, typename Answer::type>> fleet_attempt(std::shared_ptr<router::impl> im,
                                                                          std::string model,
                                                                          clock_type::time_point until,
                                                                          typename Answer::request req, diagnostics& diag) {
  using T = typename Answer::type;
  // A cancelled attempt (timed out, or the request cancelled) ends through the results of what it
  // awaits, never by a throw from its next co_await (the in-line client calls rely on it).
  co_await asio::this_coro::throw_if_cancelled(false);
  std::shared_ptr<routing::shared_state> shared = im->shared;
  if (!shared) {
    auto op = Answer::attempt(im->cli, std::move(req), diag, im->ledger);  // named: GCC 12 and co_await temporaries
    co_return co_await std::move(op);
  }
  auto admit = fleet::admit(shared, std::move(model), until, diag);
  auto [aec, ticket] = co_await std::move(admit);
  if (aec) co_return std::pair<error_code, T>{aec, T{}};
  // The attempt's own account settles its lease: here when the outcome is known, else (a stream
  // whose usage comes later) when its usage arrives or it is given up.
  auto account = std::make_shared<detail::spend_tally>(im->ledger, shared, ticket);
  auto op = Answer::attempt(im->cli, std::move(req), diag, account);
  auto out = co_await std::move(op);
  const std::optional<double> cost = Answer::cost(out.second);
  if (!Answer::unread_costs || out.first || cost)
    account->settle(fleet::settlement_of(out.first, cost, diag), cost.value_or(0));
  co_return out;
}

template <class Answer>
asio::awaitable<result<typename Answer::type>> route(std::shared_ptr<router::impl> im, typename Answer::request req,
                                                     diagnostics& diag, request_record* out) {
  using kind = routing::planner::decision::kind;
  using T = typename Answer::type;
  const auto started = clock_type::now();
  std::vector<std::string> candidates = im->policy.models;
  if (candidates.empty()) candidates.push_back(model_of(req));
  std::vector<routing::dropped_candidate> dropped;
  if constexpr (Answer::catalog_filter) {
    if (im->policy.filter_by_catalog) {
      auto screen = screen_candidates(*im, routing::requirements_of(req), candidates, dropped);
      co_await std::move(screen);
    }
  }
  if (candidates.empty()) {
    diag.clear();
    diag.detail = "no candidate can serve this request:";
    for (const auto& d : dropped) diag.detail += " " + d.model + " (" + d.why + ")";
    if (im->hooks.on_request || out) {
      request_record rec;
      if (!dropped.empty()) rec.requested_model = dropped.front().model;
      rec.dropped = dropped;
      rec.ec = make_error_code(errc::invalid_argument);
      rec.cls = routing::error_class::bad_request;
      rec.reason = "no candidate";
      emit(*im, out, std::move(rec));
    }
    co_return result<T>{make_error_code(errc::invalid_argument), T{}};
  }
  routing::planner plan(im->policy, candidates, im->health, started, im->seed.fetch_add(0x9E3779B97F4A7C15ull));
  auto ex = co_await asio::this_coro::executor;  // a strand: the attempts complete on it too
  // The loop parks on it until the plan's next moment (`until`); woken by completions and by a
  // slot freeing for this request.
  auto parked = std::make_shared<detail::wakeable>(ex);
  auto until = clock_type::time_point::max();
  im->enlist(plan.waiter(), parked);
  struct delist_on_exit {
    router::impl& im;
    routing::health::waiter_id id;
    ~delist_on_exit() { im.delist(id); }
  } delist{*im, plan.waiter()};

  // One running attempt. Attempts run concurrently only when hedging; each has its own
  // diagnostics and cancellation signal, and lands its result here for the loop below.
  struct flight {
    std::size_t index = 0;  // in plan.attempts()
    clock_type::time_point until;
    diagnostics diag;
    asio::cancellation_signal cancel;
    std::optional<std::pair<error_code, T>> done;
    bool timed_out = false;  // cancelled at its deadline
    bool dropped = false;    // cancelled because the request was decided or the caller gave up
  };
  std::vector<std::unique_ptr<flight>> flights;
  const auto stop_all = [&] {
    for (auto& f : flights)
      if (!f->done && !f->dropped && !f->timed_out) {
        f->dropped = true;
        f->cancel.emit(asio::cancellation_type::terminal);  // closes its connection
      }
  };

  T res{};
  bool have_answer = false;
  diagnostics last;  // the diagnostics of the attempt that had the last word
  error_code final_ec;
  std::string reason;
  bool decided = false;  // the outcome is known; running attempts are being wound down
  while (!decided || !flights.empty()) {
    // Attempts that completed, in the order they are found (all on this strand).
    for (auto it = flights.begin(); it != flights.end();) {
      flight& f = **it;
      if (!f.done) {
        ++it;
        continue;
      }
      auto [done_ec, r] = std::move(*f.done);
      const auto cost = Answer::cost(r);
      if (cost && *cost > 0) im->spend(*cost);
      const bool open = !plan.finished();
      routing::planner::attempt_end end;
      end.ec = done_ec;
      end.cost = cost;
      end.timed_out = f.timed_out;
      end.dropped = f.dropped;
      // A stream that lost, dropped unread; an answer that never says what it cost (speech).
      end.answer_unread = !done_ec && ((Answer::unread_costs && !open) || !Answer::reports_cost);
      const error_code ec = plan.on_end(f.index, clock_type::now(), end, f.diag);
      if (im->hooks.on_attempt) im->hooks.on_attempt(plan.attempts()[f.index]);
      if (open && !ec) {
        res = std::move(r);
        have_answer = true;
        last = f.diag;
        Answer::rebind(res, diag);  // f.diag goes away; the caller's gets last's copy below
      } else if (!f.dropped) {
        last = f.diag;
      }
      it = flights.erase(it);
    }
    if (decided) {
      if (flights.empty()) break;
    } else if (plan.finished() && !flights.empty()) {
      stop_all();  // answered (or stopped): the others lost
    } else if (error_code cec; detail::cancelled(co_await asio::this_coro::cancellation_state, cec)) {
      decided = true;
      final_ec = cec;
      reason = "cancelled";
      plan.stopped(clock_type::now(), reason);  // a slot it was owed goes to the next waiter
      stop_all();
      continue;
    } else {
      parked->take();  // next() sees every slot freed until now
      // The spend caps are the planner's: no new attempt once spent, those running run out.
      routing::planner::decision d = plan.next(clock_type::now(), im->budget_left());
      if (d.what == kind::give_up) {
        decided = true;
        final_ec = d.ec;
        reason = d.reason;
        continue;
      }
      if (d.what == kind::attempt) {
        auto r = routing::attempt_request(im->policy, candidates, d.model, req);
        auto& f = *flights.emplace_back(std::make_unique<flight>());
        f.index = d.attempt;
        f.until = d.until;
        auto op = fleet_attempt<Answer>(im, d.model, d.until, std::move(r), f.diag);  // named: GCC 12 and co_await temporaries
        asio::co_spawn(ex, std::move(op),
                       asio::bind_cancellation_slot(
                           f.cancel.slot(), [&f, &parked = *parked](std::exception_ptr e, std::pair<error_code, T> out) {
                             if (e) out = {make_error_code(errc::invalid_argument), T{}};  // bad_alloc and kin
                             f.done = std::move(out);
                             parked.wake();
                           }));
        continue;  // ask again: a hedge may be planned
      }
      until = d.until;
    }
    // Wait for an attempt to complete, the plan's next moment, or an attempt's deadline.
    if (decided || plan.finished()) until = clock_type::time_point::max();
    const auto now = clock_type::now();
    bool any_done = false;
    for (auto& f : flights) {
      if (f->done) any_done = true;
      if (f->done || f->timed_out || f->dropped || f->until == clock_type::time_point::max()) continue;
      if (f->until <= now) {
        f->timed_out = true;
        f->cancel.emit(asio::cancellation_type::terminal);
      } else if (f->until < until) {
        until = f->until;
      }
    }
    if (any_done) continue;
    // Ends at once when a slot freed while this was busy: ask again.
    co_await parked->wait(until);
  }
  if (final_ec == errc::budget_exhausted) last.clear();  // not the last attempt's failure
  else if (!final_ec && !have_answer) final_ec = make_error_code(errc::invalid_argument);  // cannot happen
  diag = last;
  if (final_ec && (plan.attempts().empty() || final_ec == errc::budget_exhausted)) diag.detail = reason;
  if (im->hooks.on_request || out) {
    request_record rec;
    rec.requested_model = candidates.front();
    if (!final_ec) Answer::describe(res, rec);
    else {
      rec.provider = diag.provider;
      rec.generation_id = diag.generation_id;
    }
    rec.attempts = plan.attempts();
    rec.initial_waits = plan.initial_waits();
    rec.dropped = dropped;
    rec.ec = final_ec;
    rec.cls = final_ec ? routing::classify(final_ec, diag, im->policy.classifier).cls : routing::error_class::none;
    rec.reason = reason;
    rec.latency = clock_type::now() - started;
    rec.fallback = plan.fell_back();
    rec.hedged = plan.hedged();
    rec.spent = plan.request_spent();
    rec.fleet_fallback = im->shared && !im->shared->stats().shared;
    rec.cost_unknown = static_cast<std::size_t>(
        std::count_if(rec.attempts.begin(), rec.attempts.end(), [](const auto& a) { return a.cost_unknown; }));
    emit(*im, out, std::move(rec));
  }
  co_return result<T>{final_ec, std::move(res)};
}

}  // namespace

router::router(client& c, routing::policy p, router_hooks hooks, std::uint64_t seed) {
  if (p.max_attempts == 0 || p.max_attempts_per_model == 0)
    throw std::invalid_argument("routing policy: max_attempts and max_attempts_per_model must be at least 1");
  if (seed == 0) seed = static_cast<std::uint64_t>(clock_type::now().time_since_epoch().count()) | 1u;
  impl_ = std::make_shared<impl>(c, std::move(p), std::move(hooks), seed);
  // The health lives in the impl: the raw pointer cannot outlive it.
  impl_->health.set_slot_listener([im = impl_.get()](routing::health::waiter_id id) { im->wake(id); });
}

router::~router() = default;

const routing::policy& router::policy() const noexcept { return impl_->policy; }
routing::health& router::health() noexcept { return impl_->health; }

void router::share(std::shared_ptr<routing::shared_state> s) {
  impl_->shared = s;
  if (!s) return impl_->health.set_open_listener(nullptr);
  // A breaker that opens here (failures, a server's Retry-After) opens fleet-wide.
  impl_->health.set_open_listener(
      [w = std::weak_ptr<routing::shared_state>(s)](const std::string& model, std::chrono::milliseconds d) {
        if (auto sp = w.lock()) sp->cool_down(model, d);
      });
}
client& router::get_client() const noexcept { return impl_->cli; }

double router::spent() const noexcept { return impl_->ledger->spent(); }

namespace {

template <class Answer, class Handler>
void run_route(const std::shared_ptr<router::impl>& im, typename Answer::request req, diagnostics& diag,
               request_record* out, Handler h) {
  detail::launch_on<typename Answer::type>(strand_for(im->cli.get_executor()),
                                           route<Answer>(im, std::move(req), diag, out), std::move(h));
}

}  // namespace

void router::do_route(wire::chat_request req, diagnostics& diag, request_record* out, handler<wire::chat_response> h) {
  run_route<chat_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::chat_request req, diagnostics& diag, request_record* out, handler<routed_stream> h) {
  run_route<chat_stream_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::responses_request req, diagnostics& diag, request_record* out,
                      handler<wire::responses_response> h) {
  run_route<responses_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::responses_request req, diagnostics& diag, request_record* out,
                      handler<routed_responses_stream> h) {
  run_route<responses_stream_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::embeddings_request req, diagnostics& diag, request_record* out,
                      handler<wire::embeddings_response> h) {
  run_route<embeddings_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::messages_request req, diagnostics& diag, request_record* out,
                      handler<wire::messages_response> h) {
  run_route<messages_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::messages_request req, diagnostics& diag, request_record* out,
                      handler<routed_messages_stream> h) {
  run_route<messages_stream_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::rerank_request req, diagnostics& diag, request_record* out,
                      handler<wire::rerank_response> h) {
  run_route<rerank_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::image_generation_request req, diagnostics& diag, request_record* out,
                      handler<wire::image_generation_response> h) {
  run_route<images_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::transcription_request req, diagnostics& diag, request_record* out,
                      handler<wire::transcription> h) {
  run_route<transcription_answer>(impl_, std::move(req), diag, out, std::move(h));
}
void router::do_route(wire::speech_request req, diagnostics& diag, request_record* out,
                      handler<wire::speech_audio> h) {
  run_route<speech_answer>(impl_, std::move(req), diag, out, std::move(h));
}

// --- routed streams ---------------------------------------------------------------------------

// The stream's own cost: its usage's. A usage among the held events was counted by the router
// already (with the attempt); one among the later events is counted here as it arrives.
template <class Stream>
struct basic_routed_stream<Stream>::cost_state {
  std::shared_ptr<detail::spend_tally> ledger;
  std::optional<double> cost;
};

template <class Stream>
basic_routed_stream<Stream>::basic_routed_stream(std::vector<event_type> first, Stream rest, asio::any_io_executor ex,
                                                 std::shared_ptr<detail::spend_tally> t) noexcept
    : first_(std::move(first)), rest_(std::move(rest)), ex_(std::move(ex)) {
  try {
    cost_ = std::make_shared<cost_state>();
    cost_->ledger = std::move(t);
    for (const auto& c : first_)
      if (auto v = cost_of(c)) cost_->cost = v;
  } catch (...) {
    cost_.reset();  // out of memory: the cost goes unreported, not the stream
  }
}

template <class Stream>
std::optional<double> basic_routed_stream<Stream>::cost() const noexcept {
  return cost_ ? cost_->cost : std::nullopt;
}

template <class Stream>
void basic_routed_stream<Stream>::do_next(typename Stream::next_handler h) {
  using event = std::optional<event_type>;
  if (head_ < first_.size()) {
    // Never complete inside the initiating call: go through the handler's executor.
    event c(std::move(first_[head_++]));
    asio::post(ex_, [h = std::move(h), c = std::move(c), ex = ex_]() mutable {
      detail::complete<event>(std::move(h), ex, error_code{}, std::move(c));
    });
    return;
  }
  if (!cost_) return rest_.async_next(std::move(h));
  // Sees each later event on its way to the caller: the usage's cost goes to the router's
  // account before the caller hears of it. The caller's executor and cancellation slot are kept.
  auto slot = h.get_cancellation_slot();
  auto hex = asio::get_associated_executor(h, ex_);
  rest_.async_next(asio::bind_cancellation_slot(
      slot, asio::bind_executor(hex, [st = cost_, h = std::move(h)](error_code ec, event c) mutable {
        if (!ec && c) {
          if (auto v = cost_of(*c); v && !st->cost) {
            st->cost = v;
            if (st->ledger) st->ledger->spend(*v);
          }
        } else if (st->ledger) {
          st->ledger->settle(routing::settlement::unknown, 0);  // ended or failed with no usage (a fleet lease)
        }
        std::move(h)(ec, std::move(c));
      })));
}

template class basic_routed_stream<chat_stream>;
template class basic_routed_stream<responses_stream>;
template class basic_routed_stream<messages_stream>;

}  // namespace openrouter
