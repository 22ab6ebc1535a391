#include <openrouter/client.hpp>
#include <openrouter/routing/backoff.hpp>

#include "client_impl.hpp"
#include "detail/cancel.hpp"
#include "detail/launch.hpp"
#include "http/header_values.hpp"
#include "http/transport.hpp"
#include "detail/excerpt.hpp"
#include "media/fetch.hpp"

#include <openrouter/media/remote_assets.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::http_request;
using detail::http_response;

using detail::result;

namespace {

using detail::api_failure;
using detail::call_json;
using detail::complete;
using detail::encode;
using detail::excerpt;
using detail::join;
using detail::launch;
using detail::launch_on;
using detail::parse_body;
using detail::parse_data_body;

asio::awaitable<result<wire::generation>> wait_generation_op(std::shared_ptr<client::impl> im, std::string id,
                                                             generation_poll poll, diagnostics& diag) {
  auto start = std::chrono::steady_clock::now();
  // The router's backoff without jitter: first_delay, then × multiplier up to max_delay.
  routing::backoff_policy schedule;
  schedule.initial = poll.first_delay;
  schedule.multiplier = poll.multiplier;
  schedule.max = poll.max_delay;
  schedule.jitter = routing::backoff_policy::jitter_kind::none;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (unsigned retry = 1;; ++retry) {
    const auto delay = routing::backoff_delay(schedule, retry, 0);
    // Named, not a temporary inside the co_await expression: GCC 12 mis-destroys those.
    http_request look_up{.method = http::verb::get, .target = "/generation?id=" + encode(id)};
    auto r = co_await call_json<wire::generation>(im, std::move(look_up), diag, parse_data_body<wire::generation>());
    if (r.first != make_error_code(errc::not_found)) co_return r;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (waited > poll.max_wait || delay > poll.max_wait - waited)  // in ms: no sum can overflow
      co_return result<wire::generation>{make_error_code(errc::generation_pending), {}};
    timer.expires_after(delay);
    error_code ec;
    if (detail::cancelled(co_await asio::this_coro::cancellation_state, ec)) co_return result<wire::generation>{ec, {}};
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return result<wire::generation>{ec, {}};  // cancelled
  }
}

// Holds the client's state alive for the fetch, like every other operation.
asio::awaitable<result<std::string>> fetch_asset_op(std::shared_ptr<client::impl> im, std::string url,
                                                    diagnostics& diag) {
  auto op = detail::fetch_asset(im->transport.config(), std::move(url), diag, im->asset_tls);
  co_return co_await std::move(op);
}

}  // namespace

std::string encode_query(const models_query& q) {
  std::string out;
  auto add = [&](std::string_view k, std::string_view v) {
    out += out.empty() ? "?" : "&";
    out += encode(k);
    out += "=";
    out += encode(v);
  };
  if (q.category) add("category", *q.category);
  if (!q.supported_parameters.empty()) add("supported_parameters", join(q.supported_parameters));
  if (!q.input_modalities.empty()) add("input_modalities", join(q.input_modalities));
  if (!q.output_modalities.empty()) add("output_modalities", join(q.output_modalities));
  if (q.sort) add("sort", *q.sort);
  if (q.q) add("q", *q.q);
  if (q.offset) add("offset", std::to_string(*q.offset));
  if (q.limit) add("limit", std::to_string(*q.limit));
  for (const auto& [k, v] : q.extra) add(k, v);
  return out;
}

asio::awaitable<result<wire::chat_response>> detail::chat_call(std::shared_ptr<client::impl> im, wire::chat_request req,
                                                              diagnostics& diag) {
  req.stream.reset();  // non-streaming: omit the field (false is the default)
  diag.clear();
  if (auto refused = media::check_assets(req.messages, im->transport.config().remote_assets, diag))
    co_return result<wire::chat_response>{refused, {}};
  http_request hr{.method = http::verb::post, .target = "/chat/completions", .body = wire::serialize(req)};
  auto r = co_await call_json<wire::chat_response>(im, std::move(hr), diag, parse_body<wire::chat_response>());
  if (r.first) co_return r;
  wire::chat_response& res = r.second;
  if (diag.generation_id.empty()) diag.generation_id = res.id;
  diag.provider = res.provider;
  // OpenRouter reports a provider failure after partial output inside the 200 body.
  for (const auto& c : res.choices) {
    if (c.error || c.finish_reason == "error") {
      if (c.error) diag.error = *c.error;
      r.first = make_error_code(errc::provider_error);
      break;
    }
  }
  co_return r;
}

client::client(executor_type ex, client_config cfg) : impl_(std::make_shared<impl>(ex, cfg)) {}
client::~client() = default;

client::executor_type client::get_executor() const noexcept { return impl_->transport.executor(); }
const client_config& client::config() const noexcept { return impl_->transport.config(); }
pool_stats client::pool_statistics() const { return impl_->transport.stats(); }

void client::do_chat(wire::chat_request req, diagnostics& diag, handler<wire::chat_response> h) {
  launch(impl_, detail::chat_call(impl_, std::move(req), diag), std::move(h));
}

void client::do_models(models_query q, diagnostics& diag, handler<wire::models_page> h) {
  launch(impl_, call_json<wire::models_page>(impl_, {http::verb::get, "/models" + encode_query(q), {}, false, true}, diag,
                                             parse_body<wire::models_page>()),
         std::move(h));
}

void client::do_user_models(models_query q, diagnostics& diag, handler<wire::models_page> h) {
  launch(impl_, call_json<wire::models_page>(impl_, {http::verb::get, "/models/user" + encode_query(q), {}, false, true}, diag,
                                             parse_body<wire::models_page>()),
         std::move(h));
}

void client::do_endpoints(std::string id, diagnostics& diag, handler<wire::model_endpoints> h) {
  auto slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size()) {
    diag.clear();
    diag.detail = "expected a model id of the form author/slug";
    complete<wire::model_endpoints>(std::move(h), get_executor(), make_error_code(errc::invalid_argument), {});
    return;
  }
  std::string target = "/models/" + encode(id.substr(0, slash)) + "/" + encode(id.substr(slash + 1)) + "/endpoints";
  launch(impl_, call_json<wire::model_endpoints>(impl_, {http::verb::get, target, {}, false, true}, diag,
                                                 parse_data_body<wire::model_endpoints>()),
         std::move(h));
}

void client::do_providers(std::monostate, diagnostics& diag, handler<wire::provider_list> h) {
  launch(impl_, call_json<wire::provider_list>(impl_, {http::verb::get, "/providers", {}, false, true}, diag,
                                               parse_body<wire::provider_list>()),
         std::move(h));
}

void client::do_generation(std::string id, diagnostics& diag, handler<wire::generation> h) {
  launch(impl_, call_json<wire::generation>(impl_, {http::verb::get, "/generation?id=" + encode(id), {}}, diag,
                                            parse_data_body<wire::generation>()),
         std::move(h));
}

void client::do_wait_generation(std::pair<std::string, generation_poll> a, diagnostics& diag,
                                handler<wire::generation> h) {
  launch(impl_, wait_generation_op(impl_, std::move(a.first), a.second, diag), std::move(h));
}

void client::do_key(std::monostate, diagnostics& diag, handler<wire::key_info> h) {
  launch(impl_, call_json<wire::key_info>(impl_, {http::verb::get, "/key", {}}, diag, parse_data_body<wire::key_info>()),
         std::move(h));
}

void client::do_warmup(std::size_t n, diagnostics& diag, handler<std::size_t> h) {
  auto op = [](std::shared_ptr<impl> im, std::size_t n, diagnostics& diag) -> asio::awaitable<result<std::size_t>> {
    diag.clear();
    error_code ec;
    auto& t = im->transport;
    std::size_t opened = co_await t.warmup(n, detail::deadlines::start(t.config().timeout), diag, ec);
    co_return result<std::size_t>{ec, opened};
  };
  launch(impl_, op(impl_, n, diag), std::move(h));
}

void client::do_catalog(std::chrono::milliseconds max_age, diagnostics& diag,
                        handler<std::shared_ptr<const wire::models_page>> h) {
  using page_ptr = std::shared_ptr<const wire::models_page>;
  {
    std::lock_guard lock(impl_->cache_mutex);
    if (impl_->catalog && std::chrono::steady_clock::now() - impl_->catalog_at <= max_age) {
      diag.clear();
      complete<page_ptr>(std::move(h), get_executor(), {}, impl_->catalog);
      return;
    }
    impl_->catalog_waiters.push_back({&diag, std::move(h)});
    if (impl_->catalog_in_flight) return;  // single flight: ride along
    impl_->catalog_in_flight = true;
  }
  auto im = impl_;
  auto fetch = [](std::shared_ptr<impl> im) -> asio::awaitable<void> {
    diagnostics d;
    models_query q;
    q.output_modalities = {"all"};
    http_request list{.method = http::verb::get, .target = "/models" + encode_query(q), .accept_gzip = true};  // named: see wait_generation_op
    auto r = co_await call_json<wire::models_page>(im, std::move(list), d, parse_body<wire::models_page>());
    std::vector<impl::waiter> waiters;
    page_ptr page;
    {
      std::lock_guard lock(im->cache_mutex);
      if (!r.first) {
        im->catalog = std::make_shared<const wire::models_page>(std::move(r.second));
        im->catalog_at = std::chrono::steady_clock::now();
        page = im->catalog;
      }
      waiters.swap(im->catalog_waiters);
      im->catalog_in_flight = false;
    }
    auto ex = co_await asio::this_coro::executor;
    for (auto& w : waiters) {
      *w.diag = d;
      complete<page_ptr>(std::move(w.h), ex, r.first, page);
    }
  };
  asio::co_spawn(strand_for(impl_->transport.executor()), fetch(im), asio::detached);
}

void client::do_fetch_asset(std::string url, diagnostics& diag, handler<std::string> h) {
  launch(impl_, fetch_asset_op(impl_, std::move(url), diag), std::move(h));
}

}  // namespace openrouter
