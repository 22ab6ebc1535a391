#pragma once
// POST /rerank (request and response): documents ranked by relevance to a query.
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace openrouter::wire {

/// A structured document (multimodal rerank models): text and/or an image (URL or data: URL).
/// The answer echoes it in each result.
struct rerank_document {
  std::optional<std::string> text{};
  std::optional<std::string> image{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(rerank_document);

/// One document of the request: a plain string or a structured document.
using rerank_input = std::variant<std::string, rerank_document>;

struct rerank_request {
  std::string model{};
  std::string query{};
  std::vector<rerank_input> documents{};
  std::optional<std::int64_t> top_n{};  ///< at most this many results (the most relevant)
  std::optional<provider_preferences> provider{};
  std::optional<std::string> user{};
  std::optional<std::string> session_id{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(rerank_request);

struct rerank_result {
  std::int64_t index = 0;        ///< the document's position in the request's `documents`
  double relevance_score = 0;
  rerank_document document{};    ///< the document as sent (a plain string comes back as {text})
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(rerank_result);

struct rerank_usage {
  std::optional<double> cost{};  ///< credits (USD) charged
  std::optional<std::int64_t> search_units{};
  std::optional<std::int64_t> total_tokens{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(rerank_usage);

struct rerank_response {
  std::string id{};
  std::string model{};
  std::string provider{};
  std::vector<rerank_result> results{};  ///< most relevant first
  std::optional<rerank_usage> usage{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(rerank_response);

}  // namespace openrouter::wire
