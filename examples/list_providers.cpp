// GET /providers: who serves the models, with their policy links.
#include "common/example.hpp"

#include <iostream>

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::diagnostics diag;
    auto op = s.client().async_providers(diag, example::tuple);
    auto [ec, list] = co_await std::move(op);
    example::check(ec, diag);
    std::size_t shown = 0;
    for (const auto& p : list.data) {
      if (shown++ == 10) break;
      std::cout << p.slug << "  " << p.name << '\n';
    }
    std::cout << list.data.size() << " providers\n";
  });
}
