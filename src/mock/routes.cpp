#include "routes.hpp"

#include "account.hpp"
#include "audio.hpp"
#include "embeddings.hpp"
#include "errors.hpp"
#include "images.hpp"
#include "rerank.hpp"
#include "messages.hpp"
#include "responses.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <ctime>

namespace openrouter::mock {
namespace json = boost::json;
namespace urls = boost::urls;

namespace {

constexpr std::string_view api_prefix = "/api/v1";

// nullopt: authorized. Otherwise the 401 the real API sends.
std::optional<http_reply> check_auth(const mock_state& state, const header_map& headers) {
  auto it = headers.find("authorization");
  std::string_view value = it == headers.end() ? std::string_view{} : std::string_view(it->second);
  constexpr std::string_view bearer = "Bearer ";
  if (!value.starts_with(bearer) || value.size() == bearer.size())
    return error_reply(401, "Missing Authentication header");
  std::string_view key = value.substr(bearer.size());
  if (!state.options().api_key.empty() && key != state.options().api_key && key != state.options().management_key)
    return error_reply(401, "User not found.");
  return std::nullopt;
}

std::string iso8601(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

json::object generation_json(const generation_record& g) {
  auto referer = g.headers.find("http-referer");
  auto agent = g.headers.find("user-agent");
  json::value null = nullptr;
  const json::object& req = g.request.is_object() ? g.request.get_object() : json::object{};
  auto req_str = [&](std::string_view k) -> json::value {
    auto it = req.find(k);
    return it != req.end() && it->value().is_string() ? it->value() : null;
  };
  std::int64_t latency = 40 + g.completion_tokens * 5;
  return {{"id", g.id},
          {"request_id", "req-" + g.id.substr(4)},
          {"upstream_id", "chatcmpl-" + g.id.substr(g.id.size() - 12)},
          {"model", g.model},
          {"provider_name", g.provider},
          {"router", null},
          {"api_type", "completions"},
          {"app_id", null},
          {"http_referer", referer == g.headers.end() ? null : json::value(referer->second)},
          {"origin", referer == g.headers.end() ? "" : referer->second},
          {"user_agent", agent == g.headers.end() ? null : json::value(agent->second)},
          {"external_user", req_str("user")},
          {"session_id", req_str("session_id")},
          {"preset_id", null},
          {"workspace_id", null},
          {"created_at", iso8601(g.created)},
          {"streamed", g.streamed},
          {"cancelled", g.cancelled},
          {"is_byok", false},
          {"finish_reason", g.finish_reason},
          {"native_finish_reason", g.finish_reason},
          {"latency", latency},
          {"generation_time", latency - 30},
          {"moderation_latency", null},
          {"tokens_prompt", g.prompt_tokens},
          {"tokens_completion", g.completion_tokens},
          {"native_tokens_prompt", g.prompt_tokens},
          {"native_tokens_completion", g.completion_tokens},
          {"native_tokens_reasoning", 0},
          {"native_tokens_cached", 0},
          {"native_tokens_completion_images", 0},
          {"num_media_prompt", 0},
          {"num_media_completion", 0},
          {"num_input_audio_prompt", 0},
          {"num_search_results", 0},
          {"num_fetches", 0},
          {"total_cost", g.cost},
          {"usage", g.cost},
          {"upstream_inference_cost", null},
          {"cache_discount", null},
          {"web_search_engine", null},
          {"service_tier", null},
          {"data_region", "global"},
          {"response_cache_source_id", null},
          {"provider_responses",
           json::array{json::object{{"status", 200},
                                    {"provider_name", g.provider},
                                    {"latency", latency - 5},
                                    {"is_byok", false},
                                    {"model_permaslug", g.model}}}}};
}

http_reply handle_generation(mock_state& state, const urls::url_view& url) {
  auto it = url.params().find("id");
  if (it == url.params().end() || (*it).value.empty())
    return error_reply(400, "id: Required", "invalid_request");
  auto g = state.find((*it).value);
  // The real store lags the completion: 404 until the record is old enough.
  if (!g || std::chrono::system_clock::now() - g->created < state.generation_delay())
    return error_reply(404, "Generation " + std::string((*it).value) + " not found", "not_found");
  return ok_json(json::object{{"data", generation_json(*g)}});
}

http_reply handle_key(mock_state& state, const header_map& headers) {
  // The label names the key without revealing it (a short hash, not the key's characters).
  const std::string& auth = headers.find("authorization")->second;
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : auth) h = (h ^ c) * 1099511628211ull;
  char label[40];
  std::snprintf(label, sizeof label, "sk-or-v1-%03llx...%03llx", static_cast<unsigned long long>(h & 0xfff),
                static_cast<unsigned long long>((h >> 12) & 0xfff));
  double usage = state.total_cost();
  const auto& mk = state.options().management_key;
  const bool is_management = !mk.empty() && std::string_view(auth).substr(7) == mk;
  return ok_json(json::object{
      {"data", json::object{{"label", label},
                            {"limit", 100},
                            {"limit_remaining", 100 - usage},
                            {"limit_reset", "monthly"},
                            {"include_byok_in_limit", false},
                            {"usage", usage},
                            {"usage_daily", usage},
                            {"usage_weekly", usage},
                            {"usage_monthly", usage},
                            {"byok_usage", 0},
                            {"byok_usage_daily", 0},
                            {"byok_usage_weekly", 0},
                            {"byok_usage_monthly", 0},
                            {"is_free_tier", false},
                            {"is_management_key", is_management},
                            {"is_provisioning_key", false},
                            {"creator_user_id", "user_mock0000000000000000000"},
                            {"expires_at", nullptr},
                            // Members of the official SDK's schema (newer than the spec we hold).
                            {"allowed_data_regions", json::array{"global", "europe", "us"}},
                            {"free_model_daily_requests", json::object{{"limit", 1000}, {"remaining", 1000}, {"used", 0}}},
                            {"organization_id", nullptr},
                            {"workspace_id", nullptr},
                            {"rate_limit", json::object{{"requests", -1},
                                                        {"interval", "10s"},
                                                        {"note", "This field is deprecated and safe to ignore."}}}}}});
}

http_reply handle_models(const mock_state& state, const urls::url_view& url) {
  query_params q;
  for (auto p : url.params()) q[std::string(p.key)] = std::string(p.value);
  std::string error;
  auto body = state.models().list(q, error);
  if (!body) return error_reply(400, error, "invalid_request");
  return ok_json(*body);
}

// A path outside /api/v1: a 404 that says so, and names the path meant when the tail is one of
// ours ("/v1/chat/completions" -> "/api/v1/chat/completions"): a base URL without /api/v1 is
// the usual mistake, and must not go unnoticed locally.
http_reply outside_api(std::string_view path) {
  std::string msg = "Not Found: " + std::string(path) + " is outside " + std::string(api_prefix);
  static constexpr std::string_view tails[] = {"/chat/completions", "/responses", "/messages", "/models/user", "/models", "/providers",
                                               "/generation", "/key"};
  std::string_view p = path;
  if (!p.empty() && p.back() == '/') p.remove_suffix(1);
  for (std::string_view t : tails)
    if (p.ends_with(t)) {
      msg += "; did you mean " + std::string(api_prefix) + std::string(t) + "?";
      break;
    }
  if (p.ends_with("/endpoints")) msg += "; did you mean " + std::string(api_prefix) + "/models/AUTHOR/SLUG/endpoints?";
  msg += " The base URL must end in " + std::string(api_prefix) + " (e.g. http://127.0.0.1:PORT" +
         std::string(api_prefix) + ")";
  return error_reply(404, msg, "not_found");
}

// POST /chat/completions once the method is known to be POST.
http_reply chat_completions(mock_state& state, const request_view& req) {
  if (auto e = check_auth(state, req.headers)) return std::move(*e);
  std::optional<http_reply> preset_error;  // model "@preset/SLUG": the preset's model and parameters
  auto with_preset = state.presets().resolve(req.body, preset_error);
  if (preset_error) return std::move(*preset_error);
  return handle_chat(state, with_preset ? std::string_view(*with_preset) : req.body, req.headers);
}

// A chat body's `model` (or the first of `models`) for the chat log; "" when there is none.
std::string requested_model(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto& o = v.get_object();
  if (auto m = o.if_contains("model"); m && m->is_string()) return std::string(m->get_string());
  if (auto ms = o.if_contains("models"); ms && ms->is_array() && !ms->get_array().empty() && ms->get_array()[0].is_string())
    return std::string(ms->get_array()[0].get_string());
  return {};
}

}  // namespace

http_reply handle_request(mock_state& state, const request_view& req) {
  auto parsed = urls::parse_origin_form(req.target);
  if (!parsed) return error_reply(400, "Malformed request target", "invalid_request");
  urls::url_view url = *parsed;
  std::string path(url.path());  // percent-decoded
  if (!path.starts_with(api_prefix) || (path.size() > api_prefix.size() && path[api_prefix.size()] != '/'))
    return outside_api(path);
  path.erase(0, api_prefix.size());
  if (!path.empty() && path.back() == '/') path.pop_back();

  auto method_not_allowed = [] { return error_reply(405, "Method Not Allowed", "invalid_request"); };
  auto need = [&](std::string_view method) { return req.method == method; };

  if (path == "/chat/completions") {
    if (!need("POST")) return method_not_allowed();
    ++state.chat_requests;
    if (!state.chat_log_on()) return chat_completions(state, req);
    const auto received = std::chrono::steady_clock::now();
    http_reply r = chat_completions(state, req);
    state.log_chat({received, requested_model(req.body), r.status});
    return r;
  }
  // /presets[/{slug}[/...]] (presets.cpp): read by segment, so that a slug's encoded '/' stays in it.
  if (path == "/presets" || path.starts_with("/presets/")) {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    auto segs = url.segments();
    std::vector<std::string> parts(segs.begin(), segs.end());  // api, v1, presets, ...
    if (!parts.empty() && parts.back().empty()) parts.pop_back();  // a trailing '/'
    if (parts.size() < 3 || parts[2] != "presets") return error_reply(404, "Not Found", "not_found");  // "/api%2Fv1"...
    return state.presets().handle(req.method, std::span<const std::string>(parts).subspan(3), url, req.body);
  }
  if (path == "/responses") {
    if (!need("POST")) return method_not_allowed();
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_responses(state, req.body, req.headers);
  }
  if (path == "/messages") {  // the Anthropic Messages API: its errors in the Anthropic shape
    if (!need("POST")) return as_messages_error(method_not_allowed());
    if (auto e = check_auth(state, req.headers)) return as_messages_error(std::move(*e));
    return handle_messages(state, req.body, req.headers);
  }
  if (path == "/embeddings") {
    if (!need("POST")) return method_not_allowed();
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_embeddings(state, req.body);
  }
  // API key management: the management key only (401 for a missing or unknown key, 403 for
  // another key, as the API answers).
  if (path == "/keys" || path.starts_with("/keys/")) {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    const auto& mk = state.options().management_key;
    if (mk.empty() || std::string_view(req.headers.find("authorization")->second).substr(7) != mk)
      return error_reply(403, "Only management keys can perform this operation");
    std::string_view hash = std::string_view(path).substr(std::string_view("/keys").size());
    if (hash.starts_with('/')) hash.remove_prefix(1);
    if (hash.find('/') != std::string_view::npos) return error_reply(404, "Not Found", "not_found");
    return state.keys().handle(req.method, hash, url, req.body);
  }
  // --- rerank, images, audio (rerank.cpp, images.cpp, audio.cpp) ---
  if (path == "/rerank" || path == "/images" || path == "/audio/speech" || path == "/audio/transcriptions") {
    if (!need("POST")) return method_not_allowed();
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    if (path == "/rerank") return handle_rerank(state, req.body);
    if (path == "/images") return handle_images(state, req.body);
    if (path == "/audio/speech") return handle_speech(state, req.body);
    auto type = req.headers.find("content-type");
    return handle_transcription(state, type == req.headers.end() ? std::string_view{} : std::string_view(type->second), req.body);
  }
  if (path == "/images/models" && need("GET")) return handle_image_models(state);
  // --- end of rerank, images, audio ---
  if (!need("GET")) return method_not_allowed();
  if (path == "/embeddings/models") return handle_embedding_models(state);
  if (path == "/models") return handle_models(state, url);
  if (path == "/models/user") {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_models(state, url);
  }
  if (path == "/providers") return ok_json(state.models().providers());
  if (path == "/models/count") return handle_models_count(state, url);
  if (path == "/credits") {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_credits(state, std::string_view(req.headers.find("authorization")->second).substr(7));
  }
  if (path == "/activity") {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_activity(state, std::string_view(req.headers.find("authorization")->second).substr(7), url);
  }
  if (path == "/endpoints/zdr") return handle_zdr_endpoints(state);
  if (path == "/generation/content") {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_generation_content(state, url);
  }
  if (path == "/generation") {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_generation(state, url);
  }
  if (path == "/key") {
    if (auto e = check_auth(state, req.headers)) return std::move(*e);
    return handle_key(state, req.headers);
  }
  // /models/{author}/{slug}/endpoints
  auto segs = url.segments();
  std::vector<std::string> parts(segs.begin(), segs.end());
  if (parts.size() == 5 && parts[2] == "model") return handle_model(state, parts[3], parts[4]);
  if (parts.size() == 6 && parts[2] == "models" && parts[5] == "endpoints") {
    if (auto body = state.models().endpoints(parts[3], parts[4])) return ok_json(*body);
    return error_reply(404, "Model " + parts[3] + "/" + parts[4] + " not found", "not_found");
  }
  return error_reply(404, "Not Found", "not_found");
}

}  // namespace openrouter::mock
