#include "endpoints.hpp"

#include <boost/json/value_from.hpp>

#include <algorithm>
#include <tuple>

namespace openrouter::cli::batch {
namespace json = boost::json;

std::optional<endpoint> parse_endpoint(std::string_view n) {
  if (n == "chat") return endpoint::chat;
  if (n == "responses") return endpoint::responses;
  if (n == "messages") return endpoint::messages;
  if (n == "embeddings") return endpoint::embeddings;
  if (n == "rerank") return endpoint::rerank;
  return std::nullopt;
}

std::string_view name(endpoint e) noexcept {
  switch (e) {
    case endpoint::chat: return "chat";
    case endpoint::responses: return "responses";
    case endpoint::messages: return "messages";
    case endpoint::embeddings: return "embeddings";
    case endpoint::rerank: return "rerank";
  }
  return "chat";
}

bool streams(endpoint e) noexcept { return e == endpoint::chat || e == endpoint::responses || e == endpoint::messages; }

namespace {

template <class Request>
std::string decode_as(json::object body, std::size_t line, Request& out, std::string_view what) {
  body.erase("stream");  // per --stream
  wire::decode_error err;
  wire::from_json(json::value(std::move(body)), out, err);
  if (!err) return {};
  std::string why = "line " + std::to_string(line) + ": not " + std::string(what) + " (";
  why += err.message();
  why += ")";
  return why;
}

std::string missing(std::size_t line, std::string_view member) {
  std::string why = "line " + std::to_string(line) + ": \"";
  why += member;
  why += "\" is missing or empty";
  return why;
}

using token_counts = std::pair<std::int64_t, std::int64_t>;  // {prompt, completion}

// What every result line ends with: the usage as sent, its cost, the generation id; and the
// summary's tokens (`tokens` maps the endpoint's usage to {prompt, completion}) and cost.
template <class Usage, class Tokens>
void finish(answer_line& a, const std::optional<Usage>& usage, const std::string& id, Tokens tokens) {
  if (usage) {
    a.fields["usage"] = json::value_from(*usage);
    std::tie(a.o.prompt_tokens, a.o.completion_tokens) = tokens(*usage);
    if (usage->cost) {
      a.fields["cost"] = *usage->cost;
      a.o.cost = *usage->cost;
    }
  }
  if (!id.empty()) a.fields["generation_id"] = id;
}

}  // namespace

std::string decode(json::object body, std::size_t line, wire::chat_request& out) {
  auto why = decode_as(std::move(body), line, out, "a chat request");
  if (why.empty() && out.messages.empty()) why = missing(line, "messages");
  return why;
}

std::string decode(json::object body, std::size_t line, wire::responses_request& out) {
  const bool has_input = body.contains("input");
  auto why = decode_as(std::move(body), line, out, "a Responses API request");
  if (!why.empty()) return why;
  const auto* text = std::get_if<std::string>(&out.input);
  const auto* items = std::get_if<json::array>(&out.input);
  if (!has_input || (text && text->empty()) || (items && items->empty())) return missing(line, "input");
  return {};
}

std::string decode(json::object body, std::size_t line, wire::messages_request& out) {
  auto why = decode_as(std::move(body), line, out, "a Messages API request");
  if (why.empty() && out.messages.empty()) why = missing(line, "messages");
  return why;
}

std::string decode(json::object body, std::size_t line, wire::rerank_request& out) {
  auto why = decode_as(std::move(body), line, out, "a rerank request");
  if (!why.empty()) return why;
  if (out.query.empty()) return missing(line, "query");
  if (out.documents.empty()) return missing(line, "documents");
  return {};
}

std::string decode(json::object body, std::size_t line, wire::embeddings_request& out) {
  const bool has_input = body.contains("input");
  auto why = decode_as(std::move(body), line, out, "an embeddings request");
  if (!why.empty()) return why;
  const auto* list = std::get_if<std::vector<std::string>>(&out.input);
  if (!has_input || (list && list->empty())) return missing(line, "input");
  return {};
}

std::string model_of(const wire::chat_request& r) { return r.model.value_or(""); }
std::string model_of(const wire::responses_request& r) { return r.model; }
std::string model_of(const wire::messages_request& r) { return r.model; }
std::string model_of(const wire::embeddings_request& r) { return r.model; }
std::string model_of(const wire::rerank_request& r) { return r.model; }

answer_line summarize(const wire::chat_response& res) {
  answer_line a;
  auto& f = a.fields;
  f["model"] = res.model;
  if (!res.provider.empty()) f["provider"] = res.provider;
  f["content"] = res.text();
  if (!res.choices.empty()) {
    const auto& c = res.choices.front();
    if (!c.message.tool_calls.empty()) f["tool_calls"] = json::value_from(c.message.tool_calls);
    if (c.finish_reason) f["finish_reason"] = *c.finish_reason;
  }
  a.o.model = res.model;
  finish(a, res.usage, res.id, [](const auto& u) { return token_counts{u.prompt_tokens, u.completion_tokens}; });
  return a;
}

answer_line summarize(const wire::responses_response& res) {
  answer_line a;
  auto& f = a.fields;
  f["model"] = res.model;
  f["content"] = res.text();
  json::array calls;
  for (const auto& item : res.output)
    if (item.type == "function_call") {
      json::object c;
      c["call_id"] = item.call_id.value_or("");
      c["name"] = item.name.value_or("");
      c["arguments"] = item.arguments.value_or("");
      calls.push_back(std::move(c));
    }
  if (!calls.empty()) f["function_calls"] = std::move(calls);
  if (!res.status.empty()) f["status"] = res.status;
  a.o.model = res.model;
  finish(a, res.usage, res.id, [](const auto& u) { return token_counts{u.input_tokens, u.output_tokens}; });
  return a;
}

answer_line summarize(const wire::messages_response& res) {
  answer_line a;
  auto& f = a.fields;
  f["model"] = res.model;
  if (res.provider) f["provider"] = *res.provider;
  f["content"] = res.text();
  json::array tools;
  for (const auto& b : res.content)
    if (b.type == "tool_use")
      tools.push_back(json::object{{"id", b.id.value_or("")}, {"name", b.name.value_or("")}, {"input", b.input}});
  if (!tools.empty()) f["tool_uses"] = std::move(tools);
  if (res.stop_reason) f["stop_reason"] = *res.stop_reason;
  a.o.model = res.model;
  finish(a, res.usage, res.id, [](const auto& u) { return token_counts{u.input_tokens, u.output_tokens}; });
  return a;
}

answer_line summarize(const wire::rerank_response& res) {
  answer_line a;
  auto& f = a.fields;
  f["model"] = res.model;
  if (!res.provider.empty()) f["provider"] = res.provider;
  json::array results;
  for (const auto& r : res.results)
    results.push_back(json::object{{"index", r.index}, {"relevance_score", r.relevance_score}});
  f["results"] = std::move(results);
  a.o.model = res.model;
  finish(a, res.usage, res.id, [](const auto& u) { return token_counts{u.total_tokens.value_or(0), 0}; });
  return a;
}

answer_line summarize(const wire::embeddings_response& res) {
  answer_line a;
  auto& f = a.fields;
  f["model"] = res.model;
  // In input order: the server may answer out of order, each item says its index.
  std::vector<const wire::embedding*> order;
  order.reserve(res.data.size());
  for (const auto& e : res.data) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* x, const auto* y) { return x->index.value_or(0) < y->index.value_or(0); });
  json::array vectors;
  vectors.reserve(order.size());
  for (const auto* e : order) {
    json::array v;
    v.reserve(e->embedding.size());
    for (float x : e->embedding) v.push_back(static_cast<double>(x));
    vectors.push_back(std::move(v));
  }
  f["embeddings"] = std::move(vectors);
  a.o.model = res.model;
  finish(a, res.usage, res.id, [](const auto& u) { return token_counts{u.prompt_tokens, 0}; });
  return a;
}

std::string partial_output(const wire::chat_response& r) { return r.text(); }
std::string partial_output(const wire::responses_response& r) { return r.text(); }
std::string partial_output(const wire::messages_response& r) { return r.text(); }
std::string partial_output(const wire::embeddings_response&) { return {}; }
std::string partial_output(const wire::rerank_response&) { return {}; }

}  // namespace openrouter::cli::batch
