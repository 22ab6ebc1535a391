#include <openrouter/structured.hpp>

#include <openrouter/catalog.hpp>
#include <openrouter/router.hpp>

#include "detail/cancel.hpp"
#include "detail/chat_target.hpp"
#include "detail/launch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace openrouter {
namespace asio = boost::asio;
namespace json = boost::json;
using boost::system::error_code;

std::string output_problem::describe() const { return path.empty() ? message : path + ": " + message; }

// Only a model the catalog says supports it gets response_format json_schema by the catalog.
bool supports_structured_outputs(const wire::model& m) {
  return supports_parameter(m, "structured_outputs", when_unknown::missing);
}

wire::response_format choose_response_format(const structured_spec& spec, const wire::model* m) {
  bool schema = spec.choice == format_choice::json_schema ||
                (spec.choice == format_choice::by_catalog && m && supports_structured_outputs(*m));
  if (!schema) return wire::json_object_format();
  return wire::json_schema_format(spec.name, spec.schema, spec.strict, spec.description);
}

void apply_response_format(wire::chat_request& req, const structured_spec& spec, wire::response_format fmt) {
  if (fmt.type == "json_object") {
    // JSON mode constrains the syntax only: the schema has to travel in the prompt.
    req.messages.insert(req.messages.begin(),
                        wire::message::system("Answer with one JSON document, and nothing else, that matches this "
                                              "JSON Schema: " + json::serialize(spec.schema)));
  }
  req.response_format = std::move(fmt);
  if (spec.require_parameters) detail::require_parameters_if_needed(req);
}

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// Models in JSON mode sometimes wrap the document in a Markdown code fence: take its inside.
std::string_view unfence(std::string_view s) {
  if (!s.starts_with("```") || s.size() < 6 || !s.ends_with("```")) return s;
  std::size_t nl = s.find('\n');
  if (nl == std::string_view::npos || nl + 3 > s.size() - 3) return s;
  return trim(s.substr(nl + 1, s.size() - 3 - (nl + 1)));
}

}  // namespace

error_code check_json_output(std::string_view content, const schema::validator* v, json::value& out,
                             output_problem& problem) {
  out = nullptr;
  problem = {};
  std::string_view text = unfence(trim(content));
  if (text.empty()) {
    problem = {"$", "the answer is empty"};
    return make_error_code(errc::no_content);
  }
  json::parser p;
  error_code ec;
  std::size_t used = p.write_some(text.data(), text.size(), ec);
  if (ec) {
    problem = {"$", "not JSON: " + ec.message() + " at offset " + std::to_string(used)};
    return make_error_code(errc::invalid_json_output);
  }
  if (!trim(text.substr(used)).empty()) {
    problem = {"$", "not JSON: trailing characters at offset " + std::to_string(used)};
    return make_error_code(errc::invalid_json_output);
  }
  json::value value = p.release();
  if (v) {
    schema::validation_result r = v->validate(value);
    if (r.error) {
      problem = {"$", std::string("schema could not be evaluated: ") + r.error->message};
      return make_error_code(errc::schema_violation);
    }
    if (!r.violations.empty()) {
      const auto& first = r.violations.front();
      problem = {first.instance_path, first.message + " (" + first.keyword + " at " + first.schema_location + ")"};
      return make_error_code(errc::schema_violation);
    }
  }
  out = std::move(value);
  return {};
}

namespace {

using detail::result;

// The candidate models of a target: the router's policy, else the request's model.
std::vector<std::string> candidates_of(const chat_target& t, const wire::chat_request& req) {
  if (auto* r = std::get_if<router*>(&t); r && !(*r)->policy().models.empty()) return (*r)->policy().models;
  return {req.model.value_or("")};
}

// The catalog entry that decides the format: the first candidate that lacks structured outputs
// (json_schema only when every candidate has them), null when one is not in the catalog.
asio::awaitable<const wire::model*> deciding_model(const chat_target& t, const wire::chat_request& req,
                                                   std::shared_ptr<const wire::models_page>& keep) {
  diagnostics cd;
  auto op = detail::client_of(t).async_catalog(std::chrono::minutes(10), cd, asio::as_tuple(asio::use_awaitable));
  auto [ec, catalog] = co_await std::move(op);
  if (ec || !catalog) co_return nullptr;  // no catalog: the conservative JSON mode
  keep = catalog;
  const wire::model* first = nullptr;
  for (const auto& id : candidates_of(t, req)) {
    auto it = std::find_if(catalog->data.begin(), catalog->data.end(), [&](const wire::model& m) { return m.id == id; });
    if (it == catalog->data.end()) co_return nullptr;
    if (!supports_structured_outputs(*it)) co_return &*it;
    if (!first) first = &*it;
  }
  co_return first;
}

asio::awaitable<result<structured_result>> run(chat_target t, wire::chat_request req, structured_spec spec,
                                               diagnostics& diag) {
  structured_result out;
  auto compiled = schema::compile(spec.schema);
  if (!compiled) {
    diag.clear();
    diag.detail = "schema does not compile: " + compiled.error().message;
    co_return result<structured_result>{make_error_code(errc::invalid_argument), std::move(out)};
  }
  std::shared_ptr<const wire::models_page> catalog;
  const wire::model* m = nullptr;
  if (spec.choice == format_choice::by_catalog) m = co_await deciding_model(t, req, catalog);
  wire::response_format fmt = choose_response_format(spec, m);
  out.format = fmt.type;
  apply_response_format(req, spec, std::move(fmt));
  for (int round = 0;; ++round) {
    if (error_code cec; detail::cancelled(co_await asio::this_coro::cancellation_state, cec)) co_return result<structured_result>{cec, std::move(out)};
    auto turn = detail::chat_once(t, req, diag, false, {});
    auto [ec, res] = co_await std::move(turn);
    out.response = std::move(res);
    if (ec) co_return result<structured_result>{ec, std::move(out)};
    std::string content = out.response.text();
    error_code vec = check_json_output(content, &*compiled, out.value, out.problem);
    if (!vec) co_return result<structured_result>{{}, std::move(out)};
    if (round >= spec.max_repairs) {
      diag.detail = out.problem.describe();
      co_return result<structured_result>{vec, std::move(out)};
    }
    // Repair: show the model its answer and what is wrong with it, and ask again.
    req.messages.push_back(wire::message::assistant(std::move(content)));
    req.messages.push_back(wire::message::user("That answer is not usable (" + out.problem.describe() +
                                               "). Reply again with only the corrected JSON."));
    ++out.repairs;
  }
}

}  // namespace

namespace detail {
void start_structured_chat(chat_target t, wire::chat_request req, structured_spec spec, diagnostics& diag,
                           structured_handler h) {
  launch_on<structured_result>(strand_for(client_of(t).get_executor()), run(t, std::move(req), std::move(spec), diag),
                               std::move(h));
}
}  // namespace detail

}  // namespace openrouter
