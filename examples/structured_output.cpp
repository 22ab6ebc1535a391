// Structured output: extract a person from free text as JSON matching a schema, validated here
// (json_schema when the model supports structured outputs, JSON mode otherwise; one repair round).
#include "common/example.hpp"

#include <openrouter/structured.hpp>

#include <boost/json/serialize.hpp>

#include <iostream>

namespace json = boost::json;

int main() {
  return example::run([](example::session& s) -> boost::asio::awaitable<void> {
    openrouter::structured_spec spec;
    spec.name = "person";
    spec.max_repairs = 1;
    spec.schema = json::object{
        {"type", "object"},
        {"properties", json::object{{"name", json::object{{"type", "string"}, {"minLength", 1}}},
                                    {"age", json::object{{"type", "integer"}, {"minimum", 0}}},
                                    {"email", json::object{{"type", "string"}}}}},
        {"required", json::array{"name", "age", "email"}},
        {"additionalProperties", false}};

    openrouter::wire::chat_request req;
    req.model = s.model();
    req.messages.push_back(openrouter::wire::message::user(
        "Extract the person: 'Ada Lovelace, 36 years old, writes from ada@example.org.'"));
    openrouter::diagnostics diag;
    auto op = openrouter::async_structured_chat(&s.client(), std::move(req), spec, diag, example::tuple);
    auto [ec, r] = co_await std::move(op);
    example::check(ec, diag);
    std::cout << "format " << r.format << ", repairs " << r.repairs << '\n';
    std::cout << "person: " << json::serialize(r.value) << '\n';
    std::cout << "name = " << r.value.at("name").as_string() << '\n';
  });
}
