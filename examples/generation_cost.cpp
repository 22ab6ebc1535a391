// One chat, then GET /generation?id= for what it cost (the record lags the answer a little on
// the real API: async_wait_generation polls with backoff while it answers 404).
#include "common/example.hpp"

#include <iostream>

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::wire::chat_request req;
    req.model = s.model();
    req.max_completion_tokens = 16;
    req.messages.push_back(openrouter::wire::message::user("Name one prime number."));
    openrouter::diagnostics diag;
    auto chat = s.client().async_chat(std::move(req), diag, example::tuple);
    auto [ec, res] = co_await std::move(chat);
    example::check(ec, diag);
    std::cout << "answer: " << res.text() << "\ngeneration " << res.id << '\n';

    openrouter::generation_poll poll;
    poll.max_wait = std::chrono::seconds(30);
    auto lookup = s.client().async_wait_generation(res.id, poll, diag, example::tuple);
    auto [gec, gen] = co_await std::move(lookup);
    example::check(gec, diag);
    std::cout << "model " << gen.model << " via " << gen.provider_name.value_or("?") << ", "
              << gen.tokens_prompt.value_or(0) << " prompt + " << gen.tokens_completion.value_or(0)
              << " completion tokens, total cost $" << gen.total_cost.value_or(0) << '\n';
  });
}
