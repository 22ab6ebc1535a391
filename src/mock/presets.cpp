#include "presets.hpp"

#include "errors.hpp"
#include "utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
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

std::string preset_id(std::string_view slug) {
  std::string what = "preset/";
  what += slug;
  return uuid_of(what);
}

std::string version_id(std::string_view slug, std::size_t number) {
  std::string what = "preset/";
  what += slug;
  what += "/";
  what += std::to_string(number);
  return uuid_of(what);
}

// A non-negative integer of a query or path ("" or anything else: nullopt).
std::optional<std::size_t> whole_number(std::string_view s) {
  std::size_t n = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, n);
  if (s.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return n;
}

// offset and limit of GET /presets and /presets/{slug}/versions (limit 1..100, default 50).
struct page {
  std::size_t offset = 0, limit = 50;
};
std::optional<http_reply> read_page(const boost::urls::url_view& url, page& out) {
  for (auto p : url.params()) {
    if (p.key == "offset") {
      auto n = whole_number(p.value);
      if (!n) return error_reply(400, "offset: expected a non-negative integer", "invalid_request");
      out.offset = *n;
    } else if (p.key == "limit") {
      auto n = whole_number(p.value);
      if (!n || *n < 1 || *n > 100) return error_reply(400, "limit: expected an integer from 1 to 100", "invalid_request");
      out.limit = *n;
    }
  }
  return std::nullopt;
}

// The system prompt of a Messages request's `system`: a string, or its text blocks joined.
std::optional<std::string> messages_system(const json::value& system) {
  if (system.is_string()) return std::string(system.get_string());
  const json::array* blocks = system.if_array();
  if (!blocks) return std::nullopt;
  std::string out;
  for (const auto& b : *blocks) {
    const json::object* o = b.if_object();
    const json::value* text = o ? o->if_contains("text") : nullptr;
    if (!text || !text->is_string()) continue;
    if (!out.empty()) out += "\n";
    out += text->get_string();
  }
  return out;
}

}  // namespace

preset_store::preset_store(const std::map<std::string, json::object>& initial) {
  const std::string now = utc_now_seconds();
  for (const auto& [slug, config] : initial) {
    version v{.config = config, .system_prompt = std::nullopt, .created_at = now};
    if (auto it = v.config.find("system_prompt"); it != v.config.end()) {
      if (it->value().is_string()) v.system_prompt = std::string(it->value().get_string());
      v.config.erase(it);
    }
    preset p{.versions = {std::move(v)}, .created_at = now, .touched = ++clock_};
    presets_.emplace(slug, std::move(p));
  }
}

const preset_store::preset* preset_store::find(std::string_view slug) const {
  auto it = presets_.find(slug);
  return it == presets_.end() ? nullptr : &it->second;
}

json::object preset_store::describe_version(const std::string& slug, const preset& p, std::size_t index) const {
  const version& v = p.versions[index];
  json::value system = v.system_prompt ? json::value(*v.system_prompt) : json::value(nullptr);
  return {{"id", version_id(slug, index + 1)},
          {"preset_id", preset_id(slug)},
          {"version", index + 1},
          {"config", v.config},
          {"system_prompt", std::move(system)},
          {"creator_id", creator},
          {"created_at", v.created_at},
          {"updated_at", v.created_at}};
}

json::object preset_store::describe(const std::string& slug, const preset& p, bool with_version) const {
  json::object o{{"id", preset_id(slug)},
                 {"slug", slug},
                 {"name", slug},
                 {"description", nullptr},
                 {"status", "active"},
                 {"status_updated_at", nullptr},
                 {"created_at", p.created_at},
                 {"updated_at", p.versions.back().created_at},
                 {"creator_user_id", creator},
                 {"workspace_id", nullptr},
                 {"designated_version_id", version_id(slug, p.versions.size())}};
  if (with_version) o["designated_version"] = describe_version(slug, p, p.versions.size() - 1);
  return o;
}

http_reply preset_store::handle(std::string_view method, std::span<const std::string> segments,
                                const boost::urls::url_view& url, std::string_view body) {
  auto not_found = [] { return error_reply(404, "Not Found", "not_found"); };
  auto wants = [&](std::string_view m) { return method == m; };
  auto method_not_allowed = [] { return error_reply(405, "Method Not Allowed", "invalid_request"); };
  if (segments.empty()) return wants("GET") ? list(url) : method_not_allowed();
  const std::string& slug = segments[0];
  if (slug.empty()) return not_found();
  const auto rest = segments.subspan(1);
  if (rest.empty()) {
    if (!wants("GET")) return method_not_allowed();
    std::lock_guard lock(mutex_);
    const preset* p = find(slug);
    if (!p) return error_reply(404, "Preset " + slug + " not found", "not_found");
    return ok_json(json::object{{"data", describe(slug, *p, true)}});
  }
  const bool chat = rest.size() == 2 && rest[0] == "chat" && rest[1] == "completions";
  if (chat || (rest.size() == 1 && (rest[0] == "messages" || rest[0] == "responses"))) {
    if (!wants("POST")) return method_not_allowed();
    return create(slug, chat ? source::chat : rest[0] == "messages" ? source::messages : source::responses, body);
  }
  if (rest[0] == "versions" && rest.size() <= 2) {
    if (!wants("GET")) return method_not_allowed();
    return rest.size() == 1 ? list_versions(slug, url) : get_version(slug, rest[1]);
  }
  return not_found();
}

http_reply preset_store::list(const boost::urls::url_view& url) const {
  page pg;
  if (auto e = read_page(url, pg)) return std::move(*e);
  std::lock_guard lock(mutex_);
  std::vector<std::pair<const std::string*, const preset*>> order;
  order.reserve(presets_.size());
  for (const auto& [slug, p] : presets_) order.emplace_back(&slug, &p);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->touched > b.second->touched; });
  json::array data;
  for (std::size_t i = pg.offset; i < order.size() && data.size() < pg.limit; ++i)
    data.push_back(describe(*order[i].first, *order[i].second, false));
  return ok_json(json::object{{"data", std::move(data)}, {"total_count", order.size()}});
}

http_reply preset_store::list_versions(std::string_view slug, const boost::urls::url_view& url) const {
  page pg;
  if (auto e = read_page(url, pg)) return std::move(*e);
  std::lock_guard lock(mutex_);
  auto it = presets_.find(slug);
  if (it == presets_.end()) return error_reply(404, "Preset " + std::string(slug) + " not found", "not_found");
  const preset& p = it->second;
  json::array data;
  for (std::size_t i = pg.offset; i < p.versions.size() && data.size() < pg.limit; ++i)
    data.push_back(describe_version(it->first, p, i));
  return ok_json(json::object{{"data", std::move(data)}, {"total_count", p.versions.size()}});
}

http_reply preset_store::get_version(std::string_view slug, std::string_view number) const {
  auto n = whole_number(number);
  if (!n) return error_reply(400, "version: expected a positive integer", "invalid_request");
  std::lock_guard lock(mutex_);
  auto it = presets_.find(slug);
  if (it == presets_.end()) return error_reply(404, "Preset " + std::string(slug) + " not found", "not_found");
  if (*n < 1 || *n > it->second.versions.size())
    return error_reply(404, "Version " + std::to_string(*n) + " of preset " + std::string(slug) + " not found",
                       "not_found");
  return ok_json(json::object{{"data", describe_version(it->first, it->second, *n - 1)}});
}

http_reply preset_store::create(std::string_view slug, source from, std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::object* req = ec ? nullptr : v.if_object();
  // What each request must hold, and its members that are not a preset's config (the API
  // ignores them): the conversation, streaming, and the system prompt's own member.
  const json::value* messages = req ? req->if_contains("messages") : nullptr;
  const json::value* model = req ? req->if_contains("model") : nullptr;
  switch (from) {
    case source::chat:
      if (!messages || !messages->is_array())
        return error_reply(400, "Invalid request body: expected a chat request with messages", "invalid_request");
      break;
    case source::messages:
      if (!messages || !messages->is_array() || !model || !model->is_string() || model->get_string().empty())
        return error_reply(400, "Invalid request body: expected a Messages request with model and messages",
                           "invalid_request");
      break;
    case source::responses:
      if (!req) return error_reply(400, "Invalid request body: expected a Responses request object", "invalid_request");
      break;
  }
  static constexpr std::string_view ignored[] = {"messages", "stream", "stream_options", "prompt", "input"};
  version next;
  for (const auto& kv : *req)
    if (std::find(std::begin(ignored), std::end(ignored), kv.key()) == std::end(ignored))
      next.config.emplace(kv.key(), kv.value());
  if (from == source::chat) {
    for (const auto& m : messages->get_array()) {
      const auto* o = m.if_object();
      const auto* role = o ? o->if_contains("role") : nullptr;
      const auto* content = o ? o->if_contains("content") : nullptr;
      if (role && *role == "system" && content && content->is_string()) {
        next.system_prompt = std::string(content->get_string());
        break;
      }
    }
  } else {
    const std::string_view member = from == source::messages ? "system" : "instructions";
    if (auto it = next.config.find(member); it != next.config.end()) {
      next.system_prompt = from == source::messages ? messages_system(it->value())
                           : it->value().is_string() ? std::optional<std::string>(std::string(it->value().get_string()))
                                                     : std::nullopt;
      next.config.erase(it);
    }
  }
  next.created_at = utc_now_seconds();
  std::lock_guard lock(mutex_);
  auto it = presets_.find(slug);
  if (it == presets_.end()) it = presets_.emplace(std::string(slug), preset{.versions = {}, .created_at = next.created_at}).first;
  it->second.versions.push_back(std::move(next));
  it->second.touched = ++clock_;
  return ok_json(json::object{{"data", describe(it->first, it->second, true)}});
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
  const preset* p = find(slug);
  if (!p) {
    error = error_reply(404, "Preset " + std::string(model->get_string()) + " not found", "not_found");
    return std::nullopt;
  }
  const version& designated = p->versions.back();
  const json::value* preset_model = designated.config.if_contains("model");
  if (!preset_model || !preset_model->is_string()) {
    error = error_reply(400, "Preset " + slug + " names no model", "invalid_request");
    return std::nullopt;
  }
  (*req)["model"] = *preset_model;
  for (const auto& kv : designated.config)
    if (!req->contains(kv.key())) req->emplace(kv.key(), kv.value());  // the request's own values win
  if (designated.system_prompt) {
    json::value* messages = req->if_contains("messages");
    if (messages && messages->is_array())
      messages->get_array().insert(messages->get_array().begin(),
                                   json::object{{"role", "system"}, {"content", *designated.system_prompt}});
  }
  return json::serialize(v);
}

}  // namespace openrouter::mock
