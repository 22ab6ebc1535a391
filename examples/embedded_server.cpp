// Embedding the client in your own Beast server: POST /chat {"prompt": "..."} streams the
// model's answer back as server-sent events while it arrives, one client shared by every
// connection, the API key never leaving the process. (`openrouter serve` is the full gateway:
// tokens, routing policy, metrics, drain.) With no argument the example serves one request to
// itself and exits; with `--serve` it keeps serving on the printed address.
#include "common/example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <iostream>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

// One caller connection: read a request, stream the answer, close.
asio::awaitable<void> serve(tcp::socket socket, openrouter::client& client, std::string model) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  http::request_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);  // bound what a caller can make us hold
  stream.expires_after(std::chrono::seconds(30));
  co_await http::async_read(stream, buffer, parser, example::tuple);
  json::error_code jec;
  json::value body = json::parse(parser.get().body(), jec);
  const json::string* prompt = nullptr;
  if (!jec && body.is_object())
    if (auto* p = body.as_object().if_contains("prompt")) prompt = p->if_string();
  if (!prompt) {
    http::response<http::string_body> bad{http::status::bad_request, 11, R"({"error":"expected {\"prompt\": \"...\"}"})"};
    bad.prepare_payload();
    co_await http::async_write(stream, bad, example::tuple);
    co_return;
  }
  openrouter::wire::chat_request req;
  req.model = model;
  req.messages = {openrouter::wire::message::user(std::string(*prompt))};
  openrouter::diagnostics diag;  // must outlive the stream
  auto [ec, upstream] = co_await client.async_chat_stream(std::move(req), diag, example::tuple);
  http::response<http::empty_body> head{ec ? http::status::bad_gateway : http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream");
  head.chunked(true);
  http::response_serializer<http::empty_body> sr{head};
  stream.expires_after(std::chrono::seconds(30));
  co_await http::async_write_header(stream, sr, example::tuple);
  std::string event;  // the one event in flight: it must live until its write completes
  auto send = [&](const std::string& data) {  // one SSE event as one HTTP chunk
    event = "data: " + data + "\n\n";
    return asio::async_write(stream, http::make_chunk(asio::buffer(event)), example::tuple);
  };
  if (ec) {
    std::string error = json::serialize(json::object{{"error", diag.summary(ec)}});  // never the key
    co_await send(error);
  } else {
    // Pull one chunk at a time: a slow caller slows the upstream read, nothing piles up.
    while (true) {
      auto [nec, chunk] = co_await upstream.async_next(example::tuple);
      if (nec || !chunk) break;
      for (const auto& c : chunk->choices)
        if (c.delta.content && !c.delta.content->empty()) {
          stream.expires_after(std::chrono::seconds(30));  // a caller that stops reading is dropped
          std::string data = json::serialize(json::value(*c.delta.content));
          auto [wec, n] = co_await send(data);
          if (wec) co_return;  // the caller left: destroying `upstream` cancels the generation
        }
    }
    std::string done = "[DONE]";  // (named: GCC 12 rejects a literal converted inside co_await)
    co_await send(done);
  }
  co_await asio::async_write(stream, http::make_chunk_last(), example::tuple);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, openrouter::client& client, std::string model) {
  while (true) {
    auto [ec, socket] = co_await acceptor.async_accept(example::tuple);
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), client, model), asio::detached);
  }
}

int main(int argc, char** argv) {
  bool forever = argc > 1 && std::string(argv[1]) == "--serve";
  return example::run([forever](example::session& s) -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    tcp::acceptor acceptor(ex, {asio::ip::make_address("127.0.0.1"), 0});
    std::cout << "listening http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    if (forever) co_return co_await accept_loop(acceptor, s.client(), s.model());
    asio::co_spawn(ex, accept_loop(acceptor, s.client(), s.model()), asio::detached);

    // The self-test: one caller.
    beast::tcp_stream caller(ex);
    co_await caller.async_connect(acceptor.local_endpoint(), example::tuple);
    http::request<http::string_body> req{http::verb::post, "/chat", 11, R"({"prompt": "Say hello in five words."})"};
    req.set(http::field::content_type, "application/json");
    req.prepare_payload();
    co_await http::async_write(caller, req, example::tuple);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    auto [ec, n] = co_await http::async_read(caller, buffer, res, example::tuple);
    example::check(ec, {});
    std::cout << "embedded server answered " << res.result_int() << ":\n" << res.body();
    acceptor.close();
  });
}
