// A text-only chat: one system and one user message, the answer with its model and cost.
#include "common/example.hpp"

#include <iostream>

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::wire::chat_request req;
    req.model = s.model();
    req.max_completion_tokens = 64;
    req.messages = {openrouter::wire::message::system("You are terse."),
                    openrouter::wire::message::user("Say hello in five words.")};
    openrouter::diagnostics diag;
    auto op = s.client().async_chat(std::move(req), diag, example::tuple);
    auto [ec, res] = co_await std::move(op);
    example::check(ec, diag);
    if (res.text().empty()) throw example::failure{make_error_code(openrouter::errc::no_content), "empty answer"};
    std::cout << "assistant: " << res.text() << '\n';
    std::cout << "model " << res.model << " (" << res.provider << ")";
    if (res.usage) std::cout << ", " << res.usage->total_tokens << " tokens, $" << res.usage->cost.value_or(0);
    std::cout << '\n';
  });
}
