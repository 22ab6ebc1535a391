#include "chat_target.hpp"

#include <openrouter/router.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace openrouter::detail {
namespace asio = boost::asio;

client& client_of(const chat_target& t) noexcept {
  if (auto* c = std::get_if<client*>(&t)) return **c;
  return std::get<router*>(t)->get_client();
}

namespace {

template <class Stream>
asio::awaitable<result<wire::chat_response>> drain(Stream& s, const chunk_observer& on_chunk) {
  while (true) {
    auto next = s.async_next(asio::as_tuple(asio::use_awaitable));
    auto [ec, chunk] = co_await std::move(next);
    if (ec) co_return result<wire::chat_response>{ec, s.result()};
    if (!chunk) break;
    if (on_chunk) on_chunk(*chunk);
  }
  co_return result<wire::chat_response>{{}, s.result()};
}

}  // namespace

asio::awaitable<result<wire::chat_response>> chat_once(chat_target t, wire::chat_request req, diagnostics& diag,
                                                     bool stream, const chunk_observer& on_chunk) {
  if (!stream) {
    if (auto* c = std::get_if<client*>(&t)) {
      auto op = (*c)->async_chat(std::move(req), diag, asio::as_tuple(asio::use_awaitable));
      auto [ec, res] = co_await std::move(op);
      co_return result<wire::chat_response>{ec, std::move(res)};
    }
    auto op = std::get<router*>(t)->async_chat(std::move(req), diag, asio::as_tuple(asio::use_awaitable));
    auto [ec, res] = co_await std::move(op);
    co_return result<wire::chat_response>{ec, std::move(res)};
  }
  if (auto* c = std::get_if<client*>(&t)) {
    auto op = (*c)->async_chat_stream(std::move(req), diag, asio::as_tuple(asio::use_awaitable));
    auto [ec, s] = co_await std::move(op);
    if (ec) co_return result<wire::chat_response>{ec, {}};
    co_return co_await drain(s, on_chunk);
  }
  auto op = std::get<router*>(t)->async_chat_stream(std::move(req), diag, asio::as_tuple(asio::use_awaitable));
  auto [ec, s] = co_await std::move(op);
  if (ec) co_return result<wire::chat_response>{ec, {}};
  co_return co_await drain(s, on_chunk);
}

void require_parameters_if_needed(wire::chat_request& req) {
  if (req.tools.empty() && !req.response_format) return;
  if (!req.provider) req.provider.emplace();
  if (!req.provider->require_parameters) req.provider->require_parameters = true;
}

}  // namespace openrouter::detail
