#include "rerank.hpp"

#include "content.hpp"
#include "errors.hpp"
#include "inference_route.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

// The rerank models the mock serves (the catalog lists chat, image and embedding models); USD
// per search unit.
constexpr route_model k_models[] = {
    {"cohere/rerank-v3.5", "Cohere", 0.002},
    {"cohere/rerank-4-pro", "Cohere", 0.0025},
    {"jina/jina-reranker-m0", "Jina", 0.001},
};
constexpr std::size_t k_max_documents = 1000;

std::set<std::string> words(std::string_view s) {
  std::set<std::string> out;
  std::string w;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.insert(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) out.insert(std::move(w));
  return out;
}

std::int64_t tokens_of(std::string_view s) { return std::max<std::int64_t>(1, (static_cast<std::int64_t>(s.size()) + 3) / 4); }

http_reply bad(std::string message) { return error_reply(400, message, "invalid_request"); }

}  // namespace

http_reply handle_rerank(mock_state& state, std::string_view body) {
  auto parsed = parse_model_request(body);
  if (auto* e = std::get_if<http_reply>(&parsed)) return std::move(*e);
  const auto& o = std::get<json::object>(parsed);
  const std::string_view id = o.at("model").as_string();
  const auto* query = o.if_contains("query");
  if (!query || !query->is_string() || query->as_string().empty()) return bad("query: Required (a non-empty string)");
  const auto* docs = o.if_contains("documents");
  if (!docs || !docs->is_array() || docs->as_array().empty()) return bad("documents: expected a non-empty array");
  if (docs->as_array().size() > k_max_documents) return bad("documents: at most 1000 documents per request");
  std::size_t top_n = docs->as_array().size();
  if (const auto* t = o.if_contains("top_n"); t && !t->is_null()) {
    if (!t->is_int64() || t->as_int64() < 1) return bad("top_n: expected an integer >= 1");
    top_n = std::min<std::size_t>(top_n, static_cast<std::size_t>(t->as_int64()));
  }
  // Each document: its text (what is scored) and its echo.
  std::vector<std::pair<std::string, json::object>> items;
  const auto& arr = docs->as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string at = "documents[" + std::to_string(i) + "]";
    if (arr[i].is_string()) {
      items.emplace_back(std::string(arr[i].as_string()), json::object{{"text", arr[i]}});
      continue;
    }
    const auto* d = arr[i].if_object();
    const auto* text = d ? d->if_contains("text") : nullptr;
    const auto* image = d ? d->if_contains("image") : nullptr;
    if (!d || (!text && !image) || (text && !text->is_string()) || (image && !image->is_string()))
      return bad(at + ": expected a string or {text?, image?} with at least one of them");
    json::object echo;
    if (text) echo["text"] = *text;
    if (image) echo["image"] = *image;
    items.emplace_back(text ? std::string(text->as_string()) : std::string(), std::move(echo));
  }

  auto found = find_route_model(k_models, id, "rerank");
  if (auto* e = std::get_if<http_reply>(&found)) return std::move(*e);
  const route_model* m = std::get<const route_model*>(found);
  auto drawn = draw_route_fault(state, id, m->provider, query->as_string());
  if (drawn.reply) return std::move(*drawn.reply);

  const auto terms = words(query->as_string());
  struct scored {
    std::size_t index;
    double score;
  };
  std::vector<scored> ranked;
  std::int64_t tokens = tokens_of(query->as_string());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto doc_words = words(items[i].first);
    std::size_t hits = 0;
    for (const auto& t : terms) hits += doc_words.count(t);
    double overlap = terms.empty() ? 0 : static_cast<double>(hits) / static_cast<double>(terms.size());
    double jitter = static_cast<double>(fnv1a(items[i].first, fnv1a(query->as_string())) % 1000) / 100000.0;
    ranked.push_back({i, 0.9 * overlap + jitter});
    tokens += tokens_of(items[i].first);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const scored& a, const scored& b) { return a.score > b.score; });
  ranked.resize(top_n);
  json::array results;
  for (const auto& r : ranked)
    results.push_back(json::object{{"index", static_cast<std::int64_t>(r.index)},
                                   {"relevance_score", r.score},
                                   {"document", items[r.index].second}});
  // Cohere's unit: a query with up to 100 documents.
  const auto search_units = static_cast<std::int64_t>((items.size() + 99) / 100);
  const std::string gen_id = state.new_generation_id(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  http_reply reply;
  reply.body = json::serialize(json::object{
      {"id", gen_id},
      {"model", id},
      {"provider", m->provider},
      {"results", std::move(results)},
      {"usage", json::object{{"search_units", search_units},
                             {"total_tokens", tokens},
                             {"cost", static_cast<double>(search_units) * m->price}}}});
  reply.headers.emplace_back("X-Generation-Id", gen_id);
  apply_fault(drawn.hit, reply);
  return reply;
}

}  // namespace openrouter::mock
