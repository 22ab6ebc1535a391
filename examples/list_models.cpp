// GET /models: the catalog, with each model's context length and prompt price.
#include "common/example.hpp"

#include <openrouter/catalog.hpp>

#include <iostream>
#include <optional>

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::diagnostics diag;
    auto op = s.client().async_models({}, diag, example::tuple);
    auto [ec, page] = co_await std::move(op);
    example::check(ec, diag);
    std::size_t shown = 0;
    for (const auto& m : page.data) {
      if (shown++ == 10) break;
      std::optional<double> prompt;
      if (m.pricing && m.pricing->prompt) prompt = openrouter::per_million(*m.pricing->prompt);
      std::cout << m.id << "  context " << m.context_length.value_or(0) << "  prompt $"
                << (prompt ? std::to_string(*prompt) : "?") << "/M\n";
    }
    std::cout << page.data.size() << " models\n";
  });
}
