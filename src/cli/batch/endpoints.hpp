#pragma once
// `openrouter batch --endpoint`, sans-I/O: which API endpoint an input line's body is for, how
// a body becomes that endpoint's request, and what a result line says of its answer (the
// fields and what the summary counts). The runner (batch.cpp) sends them through the router.

#include "summary.hpp"

#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/embeddings.hpp>
#include <openrouter/wire/messages.hpp>
#include <openrouter/wire/rerank.hpp>
#include <openrouter/wire/responses.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace openrouter::cli::batch {

enum class endpoint { chat, responses, messages, embeddings, rerank };

/// "chat", "responses", "messages", "embeddings", "rerank"; nullopt for anything else.
std::optional<endpoint> parse_endpoint(std::string_view name);
std::string_view name(endpoint e) noexcept;
/// Whether --stream applies (embeddings and rerank are never streamed).
bool streams(endpoint e) noexcept;

/// Decodes line `line`'s body into a request: "" on success, else why it is not one ("line 3:
/// not a chat request (...)", "line 3: \"messages\" is missing or empty"). `stream` is removed
/// first (--stream decides).
std::string decode(boost::json::object body, std::size_t line, wire::chat_request& out);
std::string decode(boost::json::object body, std::size_t line, wire::responses_request& out);
std::string decode(boost::json::object body, std::size_t line, wire::messages_request& out);
std::string decode(boost::json::object body, std::size_t line, wire::embeddings_request& out);
std::string decode(boost::json::object body, std::size_t line, wire::rerank_request& out);

/// The request's model ("" when it names none: the account's default, or --model).
std::string model_of(const wire::chat_request& r);
std::string model_of(const wire::responses_request& r);
std::string model_of(const wire::messages_request& r);
std::string model_of(const wire::embeddings_request& r);
std::string model_of(const wire::rerank_request& r);

/// A result line's fields for an answer, and the summary's outcome (model, tokens, cost).
/// chat: model, provider, content, tool_calls, finish_reason, usage, cost, generation_id.
/// responses: model, content (the output text), function_calls, status, usage, cost,
/// generation_id. messages: model, provider, content (the text blocks), tool_uses, stop_reason,
/// usage, cost, generation_id. embeddings: model, embeddings (one array of floats per input,
/// in input order), usage, cost, generation_id. rerank: model, provider, results (index and
/// relevance_score, most relevant first), usage, cost, generation_id.
struct answer_line {
  boost::json::object fields;
  outcome o;
};
answer_line summarize(const wire::chat_response& r);
answer_line summarize(const wire::responses_response& r);
answer_line summarize(const wire::messages_response& r);
answer_line summarize(const wire::embeddings_response& r);
answer_line summarize(const wire::rerank_response& r);

/// The output a failed answer had received (a cut stream's text): "" when none.
std::string partial_output(const wire::chat_response& r);
std::string partial_output(const wire::responses_response& r);
std::string partial_output(const wire::messages_response& r);
std::string partial_output(const wire::embeddings_response& r);
std::string partial_output(const wire::rerank_response& r);

}  // namespace openrouter::cli::batch
