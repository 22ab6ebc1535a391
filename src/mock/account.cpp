#include "account.hpp"

#include "errors.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <tuple>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

// The credits an account of the mock has bought (what GET /key reports as its limit, too).
constexpr double k_total_credits = 100;

}  // namespace

http_reply handle_credits(const mock_state& state, std::string_view key) {
  const auto& mk = state.options().management_key;
  if (!mk.empty() && key != mk) return error_reply(403, "Only management keys can fetch credits");
  return ok_json(json::object{
      {"data", json::object{{"total_credits", k_total_credits}, {"total_usage", state.total_cost()}}}});
}

http_reply handle_models_count(const mock_state& state, const boost::urls::url_view& url) {
  query_params q;
  if (auto it = url.params().find("output_modalities"); it != url.params().end())
    q["output_modalities"] = std::string((*it).value);
  std::string error;
  auto body = state.models().list(q, error);
  if (!body) return error_reply(400, error, "invalid_request");
  return ok_json(json::object{{"data", json::object{{"count", body->at("total_count")}}}});
}

}  // namespace openrouter::mock

namespace openrouter::mock {

namespace {

std::string utc_date(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];  // room for any int fields (GCC checks the worst case), YYYY-MM-DD in practice
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

bool is_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  return true;
}

}  // namespace

http_reply handle_activity(const mock_state& state, std::string_view key, const boost::urls::url_view& url) {
  const auto& mk = state.options().management_key;
  if (!mk.empty() && key != mk) return error_reply(403, "Only management keys can fetch activity");
  std::string date;
  if (auto it = url.params().find("date"); it != url.params().end()) {
    date = std::string((*it).value);
    if (!is_date(date)) return error_reply(400, "date: expected YYYY-MM-DD", "invalid_request");
  }
  const auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(24 * 30);
  // (date, model, provider) -> row; std::map keeps the output deterministic.
  std::map<std::tuple<std::string, std::string, std::string>, json::object> rows;
  for (const auto& g : state.all()) {
    if (g.created < cutoff) continue;
    std::string day = utc_date(g.created);
    if (!date.empty() && day != date) continue;
    auto& row = rows[{day, g.model, g.provider}];
    if (row.empty()) {
      std::uint64_t h = 1469598103934665603ull;
      for (unsigned char c : g.model + "|" + g.provider) h = (h ^ c) * 1099511628211ull;
      char endpoint_id[40];
      std::snprintf(endpoint_id, sizeof endpoint_id, "ep-%016llx", static_cast<unsigned long long>(h));
      row = {{"date", day},
             {"model", g.model},
             {"model_permaslug", g.model},
             {"endpoint_id", endpoint_id},
             {"provider_name", g.provider},
             {"usage", 0.0},
             {"byok_usage_inference", 0.0},
             {"requests", 0},
             {"prompt_tokens", 0},
             {"completion_tokens", 0},
             {"reasoning_tokens", 0}};
    }
    row["usage"] = row["usage"].as_double() + g.cost;
    row["requests"] = row["requests"].as_int64() + 1;
    row["prompt_tokens"] = row["prompt_tokens"].as_int64() + g.prompt_tokens;
    row["completion_tokens"] = row["completion_tokens"].as_int64() + g.completion_tokens;
  }
  json::array data;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) data.push_back(std::move(it->second));
  return ok_json(json::object{{"data", std::move(data)}});
}

http_reply handle_zdr_endpoints(const mock_state& state) {
  json::array data;
  for (const auto& m : state.models().models())
    for (const auto& e : m.endpoints)
      if (e.zdr) data.push_back(e.json);
  return ok_json(json::object{{"data", std::move(data)}});
}

http_reply handle_model(const mock_state& state, std::string_view author, std::string_view slug) {
  std::string id = std::string(author) + "/" + std::string(slug);
  const model_info* m = state.models().find(id);
  if (!m) return error_reply(404, "Model " + id + " not found", "not_found");
  return ok_json(json::object{{"data", m->json}});
}

http_reply handle_generation_content(const mock_state& state, const boost::urls::url_view& url) {
  auto it = url.params().find("id");
  if (it == url.params().end() || (*it).value.empty()) return error_reply(400, "id: Required", "invalid_request");
  auto g = state.find((*it).value);
  if (!g || std::chrono::system_clock::now() - g->created < state.generation_delay())
    return error_reply(404, "Generation " + std::string((*it).value) + " not found", "not_found");
  json::object input;
  const auto* req = g->request.if_object();
  if (const auto* msgs = req ? req->if_contains("messages") : nullptr; msgs && msgs->is_array())
    input["messages"] = *msgs;
  else if (const auto* prompt = req ? req->if_contains("prompt") : nullptr; prompt && prompt->is_string())
    input["prompt"] = *prompt;
  else
    input["messages"] = json::array{};
  json::value error = nullptr;
  if (g->finish_reason == "error")
    error = json::object{{"status", 502},
                         {"message", "Provider returned error"},
                         {"provider_name", g->provider},
                         {"raw", nullptr},
                         {"previous_errors", json::array{}}};
  return ok_json(json::object{
      {"data", json::object{{"input", std::move(input)},
                            {"output", json::object{{"completion", g->completion_text}, {"reasoning", nullptr}}},
                            {"error", std::move(error)}}}});
}

}  // namespace openrouter::mock
