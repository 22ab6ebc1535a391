// POST /responses (the Responses API): client::async_responses, client::async_responses_stream
// and openrouter::responses_stream (include/openrouter/responses_stream.hpp). The stream's body
// reader and pull are detail/event_stream.hpp, shared with chat_stream.
#include <openrouter/responses_stream.hpp>

#include "client_impl.hpp"
#include "detail/event_stream.hpp"
#include "detail/excerpt.hpp"

#include <openrouter/stream/responses_accumulator.hpp>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::excerpt;
using detail::http_request;
using detail::result;

namespace {

// A Responses error ({code: "rate_limit_exceeded", message}) in the diagnostics' error shape.
wire::api_error to_api_error(const wire::responses_error& e) {
  wire::api_error out;
  if (!e.code.empty()) out.code = wire::api_code(e.code);
  out.message = e.message;
  if (!e.extra.empty()) out.metadata = e.extra;
  return out;
}

}  // namespace

struct detail::responses_stream_state : detail::event_stream_state<wire::responses_event> {
  explicit responses_stream_state(std::shared_ptr<client::impl> i) : event_stream_state(std::move(i)) {}
  stream::responses_accumulator acc;
  std::size_t events = 0;

  // The stream's end: response.completed / incomplete / failed (or an error event). [DONE]
  // after it is the sentinel some servers add; before it, the body is still incomplete.
  bool done_seen() const noexcept { return acc.finished() || acc.error_seen() || acc.done_seen(); }
  error_code outcome_code() const noexcept { return acc.outcome_code(); }

  void on_event(const sse::event& ev) {
    if (pending || acc.finished() || acc.done_seen()) return;  // nothing counts after the end
    if (ev.data == "[DONE]") {
      acc.done();
      return;
    }
    wire::responses_event& e = next_event();
    wire::decode_error err;
    wire::parse_responses_event(ev.data, ev.type, e, err);
    if (err) {
      drop_last_event();
      diag->detail = err.message();
      diag->body_excerpt = excerpt(ev.data, im->transport.config().api_key);
      pending = make_error_code(errc::bad_json);
      return;
    }
    ++events;
    acc.feed(e);
    if (generation_id.empty() && !acc.id().empty()) generation_id = std::string(acc.id());
    if (acc.error_seen()) {  // an error event or response.failed: delivered, then the stream ends
      if (auto re = acc.error()) diag->error = to_api_error(*re);
      pending = make_error_code(errc::stream_error);
    }
  }
};

namespace {

asio::awaitable<result<wire::responses_response>> responses_op(std::shared_ptr<client::impl> im,
                                                                wire::responses_request req, diagnostics& diag) {
  using R = result<wire::responses_response>;
  req.stream.reset();  // non-streaming: omit the field (false is the default)
  diag.clear();
  http_request hr{.method = http::verb::post, .target = "/responses", .body = wire::serialize(req)};
  auto r = co_await detail::call_json<wire::responses_response>(im, std::move(hr), diag,
                                                                 detail::parse_body<wire::responses_response>());
  if (r.first) co_return r;
  if (diag.generation_id.empty()) diag.generation_id = r.second.id;
  // A 200 can carry a failed response (the provider failed after the request was accepted).
  if (r.second.status == "failed" || r.second.error) {
    if (r.second.error) diag.error = to_api_error(*r.second.error);
    co_return R{make_error_code(errc::provider_error), std::move(r.second)};
  }
  co_return r;
}

asio::awaitable<result<responses_stream>> responses_stream_op(std::shared_ptr<client::impl> im,
                                                              wire::responses_request req, diagnostics& diag) {
  using R = result<responses_stream>;
  diag.clear();
  req.stream = true;
  http_request hr{.method = http::verb::post, .target = "/responses", .body = wire::serialize(req), .event_stream = true};
  auto st = std::make_shared<detail::responses_stream_state>(im);
  asio::awaitable<error_code> opening = st->open(hr, diag);  // named: GCC 12 and co_await temporaries
  if (error_code ec = co_await std::move(opening)) co_return R{ec, responses_stream{}};
  co_return R{error_code{}, responses_stream(std::move(st))};
}

}  // namespace

template class event_stream<wire::responses_event, detail::responses_stream_state>;

wire::responses_response responses_stream::result() const {
  return st_ ? st_->acc.result() : wire::responses_response{};
}
std::string responses_stream::text() const { return st_ ? st_->acc.text() : std::string(); }
std::optional<wire::responses_usage> responses_stream::usage() const {
  return st_ ? st_->acc.usage() : std::nullopt;
}
std::size_t responses_stream::events_seen() const noexcept { return st_ ? st_->events : 0; }

void client::do_responses(wire::responses_request req, diagnostics& diag, handler<wire::responses_response> h) {
  detail::launch(impl_, responses_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_responses_stream(wire::responses_request req, diagnostics& diag, handler<responses_stream> h) {
  detail::launch(impl_, responses_stream_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
