#include <openrouter/router.hpp>

#include "detail/launch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <variant>

namespace openrouter {
namespace asio = boost::asio;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using detail::result;

struct router::impl {
  impl(client& c, routing::policy p, router_hooks hk, std::uint64_t seed)
      : cli(c), policy(std::move(p)), hooks(std::move(hk)), health(policy), seed(seed) {}
  client& cli;
  const routing::policy policy;
  const router_hooks hooks;
  routing::health health;
  std::atomic<std::uint64_t> seed;
  std::mutex spend_mutex;
  double spent = 0;

  bool budget_left() {
    std::lock_guard lock(spend_mutex);
    return policy.max_cost_usd <= 0 || spent < policy.max_cost_usd;
  }
  void spend(double usd) {
    std::lock_guard lock(spend_mutex);
    spent += usd;
  }
};

namespace {

// One attempt through the client, as an awaitable the deadline can race.
asio::awaitable<std::pair<error_code, wire::chat_response>> attempt(client& cli, wire::chat_request req,
                                                                    diagnostics& diag) {
  auto [ec, res] = co_await cli.async_chat(std::move(req), diag, asio::as_tuple(asio::use_awaitable));
  co_return std::pair<error_code, wire::chat_response>{ec, std::move(res)};
}

asio::awaitable<result<wire::chat_response>> route_chat(std::shared_ptr<router::impl> im, wire::chat_request req,
                                                        diagnostics& diag) {
  using namespace asio::experimental::awaitable_operators;
  using kind = routing::planner::decision::kind;
  const auto started = clock_type::now();
  std::vector<std::string> candidates = im->policy.models;
  if (candidates.empty()) candidates.push_back(req.model.value_or(""));
  routing::planner plan(im->policy, candidates, im->health, started, im->seed.fetch_add(0x9E3779B97F4A7C15ull));
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer timer(ex);
  diagnostics ad;  // the current attempt's
  wire::chat_response res;
  error_code final_ec;
  std::string reason;
  double request_spent = 0;
  while (true) {
    // Spend caps: checked before every attempt (an answer already received is never dropped).
    const bool answered = !plan.attempts().empty() && !plan.attempts().back().ec;
    if ((!answered && !im->budget_left()) ||
        (!answered && im->policy.max_request_cost_usd > 0 && request_spent >= im->policy.max_request_cost_usd)) {
      final_ec = make_error_code(errc::budget_exhausted);
      reason = im->budget_left() ? "request budget spent" : "router budget spent";
      break;
    }
    routing::planner::decision d = plan.next(clock_type::now());
    if (d.what == kind::give_up) {
      final_ec = d.ec;
      reason = d.reason;
      break;
    }
    if (d.what == kind::wait) {
      timer.expires_at(d.until);
      error_code wec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, wec));
      if (wec) {  // cancelled by the caller
        final_ec = asio::error::operation_aborted;
        reason = "cancelled";
        break;
      }
      continue;
    }
    wire::chat_request r = req;
    if (!d.model.empty()) r.model = d.model;
    if (im->policy.server_side_fallback) {
      r.models.clear();
      auto it = std::find(candidates.begin(), candidates.end(), d.model);
      if (it != candidates.end()) r.models.assign(std::next(it), candidates.end());
    }
    ad.clear();
    error_code ec;
    if (d.until == clock_type::time_point::max()) {
      auto one = attempt(im->cli, std::move(r), ad);  // named: GCC 12 and co_await temporaries
      std::tie(ec, res) = co_await std::move(one);
    } else {
      timer.expires_at(d.until);
      auto race = attempt(im->cli, std::move(r), ad) || timer.async_wait(asio::use_awaitable);
      auto won = co_await std::move(race);
      if (won.index() == 0) {
        std::tie(ec, res) = std::move(std::get<0>(won));
      } else {  // the attempt was cancelled, which closed its connection
        ec = make_error_code(d.until >= plan.deadline() ? errc::total_timeout : errc::attempt_timeout);
        res = {};
      }
    }
    if (res.usage && res.usage->cost && *res.usage->cost > 0) {
      request_spent += *res.usage->cost;
      im->spend(*res.usage->cost);
    }
    plan.on_outcome(clock_type::now(), ec, ad);
    if (im->hooks.on_attempt) im->hooks.on_attempt(plan.attempts().back());
  }

  diag = ad;
  if (final_ec == errc::budget_exhausted) diag.clear();  // not the last attempt's failure
  if (final_ec && (plan.attempts().empty() || final_ec == errc::budget_exhausted)) diag.detail = reason;
  if (im->hooks.on_request) {
    request_record rec;
    rec.requested_model = candidates.front();
    rec.resolved_model = res.model;
    rec.provider = final_ec ? diag.provider : res.provider;
    rec.attempts = plan.attempts();
    rec.ec = final_ec;
    rec.cls = final_ec ? routing::classify(final_ec, diag, im->policy.classifier).cls : routing::error_class::none;
    rec.reason = reason;
    rec.latency = clock_type::now() - started;
    if (res.usage) {
      rec.prompt_tokens = res.usage->prompt_tokens;
      rec.completion_tokens = res.usage->completion_tokens;
      rec.cost = res.usage->cost;
    }
    rec.generation_id = final_ec ? diag.generation_id : res.id;
    rec.fallback = plan.fell_back();
    rec.spent = request_spent;
    im->hooks.on_request(rec);
  }
  co_return result<wire::chat_response>{final_ec, std::move(res)};
}

}  // namespace

router::router(client& c, routing::policy p, router_hooks hooks, std::uint64_t seed) {
  if (p.max_attempts == 0 || p.max_attempts_per_model == 0)
    throw std::invalid_argument("routing policy: max_attempts and max_attempts_per_model must be at least 1");
  if (seed == 0) seed = static_cast<std::uint64_t>(clock_type::now().time_since_epoch().count()) | 1u;
  impl_ = std::make_shared<impl>(c, std::move(p), std::move(hooks), seed);
}

router::~router() = default;

const routing::policy& router::policy() const noexcept { return impl_->policy; }
routing::health& router::health() noexcept { return impl_->health; }

double router::spent() const noexcept {
  std::lock_guard lock(impl_->spend_mutex);
  return impl_->spent;
}

void router::do_chat(wire::chat_request req, diagnostics& diag, handler<wire::chat_response> h) {
  detail::launch_on<wire::chat_response>(asio::make_strand(impl_->cli.get_executor()),
                                         route_chat(impl_, std::move(req), diag), std::move(h),
                                         make_error_code(errc::invalid_argument));
}

}  // namespace openrouter
