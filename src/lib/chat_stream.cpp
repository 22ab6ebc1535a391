// openrouter::chat_stream (include/openrouter/chat_stream.hpp) and client::async_chat_stream:
// the stream's state (chunk decoding and accumulation; the body reader, the pull and the fast
// path that hands out decoded chunks are detail/event_stream.hpp, shared with responses_stream)
#include <openrouter/chat_stream.hpp>

#include "client_impl.hpp"
#include "detail/event_stream.hpp"
#include "detail/excerpt.hpp"
#include "media/fetch.hpp"

#include <openrouter/media/remote_assets.hpp>
#include <openrouter/sse/parser.hpp>
#include <openrouter/stream/accumulator.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/system_executor.hpp>

#include <atomic>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::excerpt;
using detail::http_request;
using detail::launch;
using detail::launch_on;
using detail::result;

struct detail::chat_stream_state : detail::event_stream_state<wire::chat_chunk> {
  explicit chat_stream_state(std::shared_ptr<client::impl> i) : event_stream_state(std::move(i)) {}
  stream::accumulator acc;
  std::string model, provider;
  std::size_t chunks = 0;

  bool done_seen() const noexcept { return acc.done_seen(); }
  // Clean end: [DONE], or EOF after every choice got a finish reason; else stream_incomplete.
  error_code outcome_code() const noexcept { return acc.outcome_code(); }

  void on_event(const sse::event& ev) {
    if (pending || acc.done_seen()) return;  // nothing counts after the end
    if (ev.data == "[DONE]") {
      acc.done();
      return;
    }
    // Decoded in place, where it waits to be handed out (no move of a chunk on the way).
    wire::chat_chunk& chunk = next_event();
    error_code ec;
    wire::parse_chat_chunk(ev.data, chunk, ec);
    if (ec) {
      drop_last_event();
      diag->detail = ec.message();
      diag->body_excerpt = excerpt(ev.data, im->transport.config().api_key);
      pending = make_error_code(errc::bad_json);
      return;
    }
    ++chunks;
    if (model.empty()) model = chunk.model;
    if (provider.empty()) provider = chunk.provider;
    if (generation_id.empty()) generation_id = chunk.id;
    if (chunk.error) {
      diag->error = *chunk.error;
      if (!chunk.provider.empty()) diag->provider = chunk.provider;
      pending = make_error_code(errc::stream_error);
    }
    acc.feed(chunk);
  }
};

namespace {

asio::awaitable<result<chat_stream>> chat_stream_op(std::shared_ptr<client::impl> im, wire::chat_request req,
                                                    diagnostics& diag) {
  diag.clear();
  req.stream = true;
  auto& t = im->transport;
  if (auto refused = media::check_assets(req.messages, t.config().remote_assets, diag))
    co_return result<chat_stream>{refused, chat_stream{}};
  http_request hr{.method = http::verb::post, .target = "/chat/completions", .body = wire::serialize(req), .event_stream = true};
  auto st = std::make_shared<detail::chat_stream_state>(im);
  asio::awaitable<error_code> opening = st->open(hr, diag);  // named: GCC 12 and co_await temporaries
  if (error_code ec = co_await std::move(opening)) co_return result<chat_stream>{ec, chat_stream{}};
  co_return result<chat_stream>{error_code{}, chat_stream(std::move(st))};
}

}  // namespace

template class event_stream<wire::chat_chunk, detail::chat_stream_state>;

wire::chat_response chat_stream::result() const { return st_ ? st_->acc.result() : wire::chat_response{}; }
std::string chat_stream::model() const { return st_ ? st_->model : std::string(); }
std::string chat_stream::provider() const { return st_ ? st_->provider : std::string(); }
std::size_t chat_stream::chunks_seen() const noexcept { return st_ ? st_->chunks : 0; }

void client::do_chat_stream(wire::chat_request req, diagnostics& diag, handler<chat_stream> h) {
  launch(impl_, chat_stream_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
