#include "presets.hpp"

#include "errors.hpp"
#include "utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

constexpr std::string_view preset_prefix = "@preset/";
constexpr std::string_view creator = "user_mock0000000000000000000";

// A stable UUID-shaped id for `what` (FNV-1a of it).
std::string uuid_of(std::string_view what) {
  std::uint64_t h = 1469598103934665603ull, g = 1099511628211ull;
  for (unsigned char c : what) h = (h ^ c) * 1099511628211ull, g = (g ^ c) * 14695981039346656037ull;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-8%03llx-%012llx", static_cast<unsigned long long>(h >> 32),
                static_cast<unsigned long long>((h >> 16) & 0xffff), static_cast<unsigned long long>(h & 0xfff),
                static_cast<unsigned long long>(g >> 52), static_cast<unsigned long long>(g & 0xffffffffffffull));
  return buf;
}

}  // namespace

preset_store::preset_store(const std::map<std::string, json::object>& initial) {
  const std::string now = utc_now_seconds();
  for (const auto& [slug, config] : initial) {
    preset p{.config = config, .system_prompt = std::nullopt, .version = 1, .created_at = now, .updated_at = now};
    if (auto it = p.config.find("system_prompt"); it != p.config.end()) {
      if (it->value().is_string()) p.system_prompt = std::string(it->value().get_string());
      p.config.erase(it);
    }
    presets_.emplace(slug, std::move(p));
  }
}

json::object preset_store::describe(const std::string& slug, const preset& p) const {
  const std::string id = uuid_of("preset/" + slug);
  const std::string version_id = uuid_of("preset/" + slug + "/" + std::to_string(p.version));
  json::value system = p.system_prompt ? json::value(*p.system_prompt) : json::value(nullptr);
  return {{"id", id},
          {"slug", slug},
          {"name", slug},
          {"description", nullptr},
          {"status", "active"},
          {"status_updated_at", nullptr},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at},
          {"creator_user_id", creator},
          {"workspace_id", nullptr},
          {"designated_version_id", version_id},
          {"designated_version", json::object{{"id", version_id},
                                              {"preset_id", id},
                                              {"version", p.version},
                                              {"config", p.config},
                                              {"system_prompt", std::move(system)},
                                              {"creator_id", creator},
                                              {"created_at", p.updated_at},
                                              {"updated_at", p.updated_at}}}};
}

http_reply preset_store::create_from_chat(std::string_view slug, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::object* req = ec ? nullptr : v.if_object();
  const json::value* messages = req ? req->if_contains("messages") : nullptr;
  if (!messages || !messages->is_array())
    return error_reply(400, "Invalid request body: expected a chat request with messages", "invalid_request");
  preset next;
  for (const auto& kv : *req)
    if (kv.key() != "messages" && kv.key() != "stream" && kv.key() != "stream_options" && kv.key() != "prompt")
      next.config.emplace(kv.key(), kv.value());
  for (const auto& m : messages->get_array()) {
    const auto* o = m.if_object();
    const auto* role = o ? o->if_contains("role") : nullptr;
    const auto* content = o ? o->if_contains("content") : nullptr;
    if (role && *role == "system" && content && content->is_string()) {
      next.system_prompt = std::string(content->get_string());
      break;
    }
  }
  std::lock_guard lock(mutex_);
  const std::string now = utc_now_seconds();
  auto it = presets_.find(slug);
  next.created_at = it == presets_.end() ? now : it->second.created_at;
  next.version = it == presets_.end() ? 1 : it->second.version + 1;
  next.updated_at = now;
  std::string key(slug);
  presets_.insert_or_assign(key, next);
  http_reply r;
  r.body = json::serialize(json::object{{"data", describe(key, next)}});
  return r;
}

std::optional<std::string> preset_store::resolve(std::string_view body, std::optional<http_reply>& error) const {
  if (body.find(preset_prefix) == std::string_view::npos) return std::nullopt;  // the common case, unparsed
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  json::object* req = ec ? nullptr : v.if_object();
  const json::value* model = req ? req->if_contains("model") : nullptr;
  if (!model || !model->is_string() || !model->get_string().starts_with(preset_prefix)) return std::nullopt;
  const std::string slug(model->get_string().subview(preset_prefix.size()));
  std::lock_guard lock(mutex_);
  auto it = presets_.find(slug);
  if (it == presets_.end()) {
    error = error_reply(404, "Preset " + std::string(model->get_string()) + " not found", "not_found");
    return std::nullopt;
  }
  const preset& p = it->second;
  const json::value* preset_model = p.config.if_contains("model");
  if (!preset_model || !preset_model->is_string()) {
    error = error_reply(400, "Preset " + slug + " names no model", "invalid_request");
    return std::nullopt;
  }
  (*req)["model"] = *preset_model;
  for (const auto& kv : p.config)
    if (!req->contains(kv.key())) req->emplace(kv.key(), kv.value());  // the request's own values win
  if (p.system_prompt) {
    json::value* messages = req->if_contains("messages");
    if (messages && messages->is_array())
      messages->get_array().insert(messages->get_array().begin(),
                                   json::object{{"role", "system"}, {"content", *p.system_prompt}});
  }
  return json::serialize(v);
}

}  // namespace openrouter::mock
