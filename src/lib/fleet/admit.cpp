#include "admit.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace openrouter::fleet {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// One ask; completes on the caller's executor.
asio::awaitable<routing::admission> ask(routing::shared_state& s, const std::string& model) {
  auto init = [&s, &model](auto handler) {
    auto h = std::make_shared<decltype(handler)>(std::move(handler));
    s.admit(model, [h](routing::admission a) {
      auto ex = asio::get_associated_executor(*h);
      asio::post(ex, [h, a]() mutable { std::move (*h)(a); });
    });
  };
  auto op = asio::async_initiate<decltype(asio::use_awaitable), void(routing::admission)>(init, asio::use_awaitable);
  co_return co_await std::move(op);
}

}  // namespace

asio::awaitable<std::pair<error_code, std::uint64_t>> admit(std::shared_ptr<routing::shared_state> s,
                                                              std::string model,
                                                              std::chrono::steady_clock::time_point until,
                                                              diagnostics& diag) {
  using result = std::pair<error_code, std::uint64_t>;
  auto ex = co_await asio::this_coro::executor;
  while (true) {
    const routing::admission a = co_await ask(*s, model);
    const auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) {
      if (a.what == routing::admission::verdict::go) s->end(a.ticket, routing::settlement::release, 0);
      co_return result{asio::error::operation_aborted, 0};
    }
    switch (a.what) {
      case routing::admission::verdict::go: co_return result{error_code{}, a.ticket};
      case routing::admission::verdict::spent:
        diag.clear();
        diag.detail = "the fleet's budget is spent (shared spend cap)";
        co_return result{make_error_code(errc::budget_exhausted), 0};
      case routing::admission::verdict::cooling:
        diag.clear();
        diag.retry_after = a.retry_in;
        diag.detail = "the model cools down fleet-wide (a Retry-After or an open breaker seen by another process)";
        co_return result{make_error_code(errc::rate_limited), 0};
      case routing::admission::verdict::wait: break;
    }
    // No fleet token or slot yet: ask again when due (the router cancels this at `until`).
    const auto due = std::chrono::steady_clock::now() + std::max(a.retry_in, std::chrono::milliseconds(1));
    asio::steady_timer t(ex, std::min(due, until));
    auto w = t.async_wait(asio::as_tuple(asio::use_awaitable));
    auto [ec] = co_await std::move(w);
    if (ec) co_return result{ec, 0};
  }
}

routing::settlement settlement_of(error_code ec, const std::optional<double>& cost, const diagnostics& d) {
  if (cost) return routing::settlement::cost;
  // Refused with an error status, or never sent: no work was billed.
  if (ec && (!d.request_sent || d.http_status >= 300)) return routing::settlement::release;
  return routing::settlement::unknown;  // an answer whose usage comes later (a stream), or cut off after sending
}

}  // namespace openrouter::fleet
