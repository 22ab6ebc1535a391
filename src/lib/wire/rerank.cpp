#include "codecs.hpp"

namespace openrouter::wire {

namespace {
using namespace detail;

constexpr auto rerank_document_fields = std::tuple{
    opt("text", &rerank_document::text),
    opt("image", &rerank_document::image),
};
constexpr auto rerank_request_fields = std::tuple{
    req("model", &rerank_request::model),
    req("query", &rerank_request::query),
    req("documents", &rerank_request::documents),
    opt("top_n", &rerank_request::top_n),
    opt("provider", &rerank_request::provider),
    opt("user", &rerank_request::user),
    opt("session_id", &rerank_request::session_id),
};
constexpr auto rerank_result_fields = std::tuple{
    req("index", &rerank_result::index),
    req("relevance_score", &rerank_result::relevance_score),
    req("document", &rerank_result::document),
};
constexpr auto rerank_usage_fields = std::tuple{
    opt("cost", &rerank_usage::cost),
    opt("search_units", &rerank_usage::search_units),
    opt("total_tokens", &rerank_usage::total_tokens),
};
constexpr auto rerank_response_fields = std::tuple{
    opt("id", &rerank_response::id),
    req("model", &rerank_response::model),
    opt("provider", &rerank_response::provider),
    req("results", &rerank_response::results),
    opt("usage", &rerank_response::usage),
};

}  // namespace

OPENROUTER_WIRE_DEFINE_CONVERSIONS(rerank_document, rerank_document_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(rerank_request, rerank_request_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(rerank_result, rerank_result_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(rerank_usage, rerank_usage_fields)
OPENROUTER_WIRE_DEFINE_CONVERSIONS(rerank_response, rerank_response_fields)

}  // namespace openrouter::wire
