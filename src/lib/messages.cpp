// POST /messages (the Anthropic Messages API): client::async_messages, client::async_messages_stream
// and openrouter::messages_stream (include/openrouter/messages_stream.hpp). The stream's body
// reader and pull are detail/event_stream.hpp, shared with chat_stream and responses_stream.
#include <openrouter/messages_stream.hpp>

#include "client_impl.hpp"
#include "detail/event_stream.hpp"
#include "detail/excerpt.hpp"

#include <openrouter/media/remote_assets.hpp>
#include <openrouter/stream/messages_accumulator.hpp>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::excerpt;
using detail::http_request;
using detail::result;

namespace {

// A Messages error ({type: "overloaded_error", message, error_type?}) in the diagnostics' error
// shape: the type is the code text; error_type is OpenRouter's (else the type).
wire::api_error to_api_error(const wire::messages_error& e) {
  wire::api_error out;
  if (!e.type.empty()) out.code = wire::api_code(e.type);
  out.message = e.message;
  out.error_type = e.error_type ? *e.error_type : e.type;
  if (!e.extra.empty()) out.metadata = e.extra;
  return out;
}

}  // namespace

struct detail::messages_stream_state : detail::event_stream_state<wire::messages_event> {
  explicit messages_stream_state(std::shared_ptr<client::impl> i) : event_stream_state(std::move(i)) {}
  stream::messages_accumulator acc;
  std::size_t events = 0;

  // The stream's end: message_stop (or an error event). [DONE] after it is the sentinel
  // OpenRouter may add; before it, the body is still incomplete.
  bool done_seen() const noexcept { return acc.finished() || acc.error_seen() || acc.done_seen(); }
  error_code outcome_code() const noexcept { return acc.outcome_code(); }

  void on_event(const sse::event& ev) {
    if (pending || acc.finished() || acc.done_seen()) return;  // nothing counts after the end
    if (ev.data == "[DONE]") {
      acc.done();
      return;
    }
    wire::messages_event& e = next_event();
    wire::decode_error err;
    wire::parse_messages_event(ev.data, ev.type, e, err);
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
    if (acc.error_seen()) {  // an error event: delivered, then the stream ends
      if (const auto& me = acc.error()) diag->error = to_api_error(*me);
      pending = make_error_code(errc::stream_error);
    }
  }
};

namespace {

asio::awaitable<result<wire::messages_response>> messages_op(std::shared_ptr<client::impl> im,
                                                             wire::messages_request req, diagnostics& diag) {
  using R = result<wire::messages_response>;
  req.stream.reset();  // non-streaming: omit the field (false is the default)
  diag.clear();
  if (auto refused = media::check_assets(req.messages, im->transport.config().remote_assets, diag))
    co_return R{refused, wire::messages_response{}};
  http_request hr{.method = http::verb::post, .target = "/messages", .body = wire::serialize(req)};
  auto r = co_await detail::call_json<wire::messages_response>(im, std::move(hr), diag,
                                                               detail::parse_body<wire::messages_response>());
  if (!r.first && diag.generation_id.empty()) diag.generation_id = r.second.id;
  co_return r;
}

asio::awaitable<result<messages_stream>> messages_stream_op(std::shared_ptr<client::impl> im,
                                                            wire::messages_request req, diagnostics& diag) {
  using R = result<messages_stream>;
  diag.clear();
  if (auto refused = media::check_assets(req.messages, im->transport.config().remote_assets, diag))
    co_return R{refused, messages_stream{}};
  req.stream = true;
  http_request hr{.method = http::verb::post, .target = "/messages", .body = wire::serialize(req), .event_stream = true};
  auto st = std::make_shared<detail::messages_stream_state>(im);
  asio::awaitable<error_code> opening = st->open(hr, diag);  // named: GCC 12 and co_await temporaries
  if (error_code ec = co_await std::move(opening)) co_return R{ec, messages_stream{}};
  co_return R{error_code{}, messages_stream(std::move(st))};
}

}  // namespace

template class event_stream<wire::messages_event, detail::messages_stream_state>;

wire::messages_response messages_stream::result() const {
  return st_ ? st_->acc.result() : wire::messages_response{};
}
std::string messages_stream::text() const { return st_ ? st_->acc.text() : std::string(); }
std::optional<wire::messages_usage> messages_stream::usage() const {
  return st_ ? st_->acc.usage() : std::nullopt;
}
std::size_t messages_stream::events_seen() const noexcept { return st_ ? st_->events : 0; }

void client::do_messages(wire::messages_request req, diagnostics& diag, handler<wire::messages_response> h) {
  detail::launch(impl_, messages_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_messages_stream(wire::messages_request req, diagnostics& diag, handler<messages_stream> h) {
  detail::launch(impl_, messages_stream_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
