// Free models from the catalog (every price "0"), the ones that take text in and give text out.
#include "common/example.hpp"

#include <openrouter/catalog.hpp>

#include <iostream>

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::diagnostics diag;
    auto op = s.client().async_catalog(std::chrono::minutes(10), diag, example::tuple);
    auto [ec, page] = co_await std::move(op);
    example::check(ec, diag);
    openrouter::catalog_filter f;
    f.free_only = true;
    f.input_modalities = {"text"};
    f.output_modalities = {"text"};
    auto free = openrouter::select(*page, f);
    for (const openrouter::wire::model* m : free) std::cout << m->id << "  " << m->context_length.value_or(0) << '\n';
    std::cout << free.size() << " free models of " << page->data.size() << '\n';
    if (free.empty()) throw example::failure{make_error_code(openrouter::errc::no_content), "no free model"};
  });
}
