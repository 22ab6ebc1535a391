// Streaming with cancellation: pull chunks with async_next; stop a stream with
// chat_stream::cancel(), from the loop (after N chunks) or from elsewhere (a timer, another
// thread) while a pull is pending. The connection is closed, which stops generation and billing
// upstream; result() keeps what arrived.
#include "common/example.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <chrono>
#include <iostream>
#include <memory>

namespace wire = openrouter::wire;
using namespace std::chrono_literals;

// Prints the stream's summary: what arrived and how it ended.
static void summarize(const char* what, const openrouter::chat_stream& stream, boost::system::error_code ec,
                      const openrouter::diagnostics& diag) {
  std::cout << what << ": " << stream.chunks_seen() << " chunks received, " << stream.result().text().size()
            << " characters kept, generation " << stream.generation_id() << ", ended: "
            << (ec ? diag.summary(ec) : std::string("complete")) << '\n';
}

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    wire::chat_request req;
    // The mock's pace/ model names stream slowly (50 ms between tokens, 400 tokens).
    req.model = s.real() ? s.model() : "pace/itl_ms=50;tokens=400";
    req.max_completion_tokens = 400;
    req.messages = {wire::message::user("Tell me a long story.")};

    // 1. Stop after 5 content chunks, from the loop.
    {
      openrouter::diagnostics diag;
      openrouter::chat_stream stream = co_await s.client().async_chat_stream(req, diag);
      int pieces = 0;
      boost::system::error_code ec;
      for (;;) {
        auto [e, chunk] = co_await stream.async_next(example::tuple);  // errors in band
        if (e || !chunk) {
          ec = e;
          break;
        }
        std::cout << chunk->text() << std::flush;
        if (!chunk->text().empty() && ++pieces == 5) stream.cancel();  // the next pull ends it
      }
      std::cout << '\n';
      summarize("cancelled after 5 content chunks", stream, ec, diag);
    }

    // 2. A timer cancels the stream 500 ms in, while the loop waits for the next chunk. The
    //    stream is shared with the timer's handler, so it lives until that handler has run.
    {
      openrouter::diagnostics diag;
      auto stream = std::make_shared<openrouter::chat_stream>(co_await s.client().async_chat_stream(req, diag));
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, 500ms);
      timer.async_wait([stream](boost::system::error_code e) {
        if (!e) stream->cancel();
      });
      boost::system::error_code ec;
      for (;;) {
        auto [e, chunk] = co_await stream->async_next(example::tuple);
        if (e || !chunk) {
          ec = e;
          break;
        }
      }
      timer.cancel();
      summarize("cancelled by a timer", *stream, ec, diag);
    }
  });
}
