#include "keys.hpp"

#include "errors.hpp"
#include "utc_time.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

// Keys per page of GET /keys.
constexpr std::size_t page_size = 100;
// The workspace of keys created without one.
constexpr std::string_view default_workspace = "00000000-0000-4000-8000-000000000000";

// 64 hex digits from a counter (splitmix64 steps): the shape of the API's hashes and secrets.
std::string hex64(std::uint64_t& state) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(z));
    out += buf;
  }
  return out;
}

bool is_reset(const json::value& v) {
  if (v.is_null()) return true;
  const auto* s = v.if_string();
  return s && (*s == "daily" || *s == "weekly" || *s == "monthly");
}

// The members POST and PATCH share, checked and copied into `key`; "" or the 400 message.
std::string apply(const json::object& body, json::object& key) {
  if (const auto* v = body.if_contains("name")) {
    if (!v->is_string() || v->get_string().empty()) return "name: expected a non-empty string";
    key["name"] = *v;
  }
  if (const auto* v = body.if_contains("limit")) {
    if (!v->is_null() && !v->is_number()) return "limit: expected a number or null";
    if (v->is_number() && v->to_number<double>() < 0) return "limit: must not be negative";
    key["limit"] = *v;
    key["limit_remaining"] = *v;  // the mock's keys have no usage
  }
  if (const auto* v = body.if_contains("limit_reset")) {
    if (!is_reset(*v)) return "limit_reset: expected daily, weekly, monthly or null";
    key["limit_reset"] = *v;
  }
  if (const auto* v = body.if_contains("include_byok_in_limit")) {
    if (!v->is_bool()) return "include_byok_in_limit: expected a boolean";
    key["include_byok_in_limit"] = *v;
  }
  return {};
}

std::optional<json::object> object_body(std::string_view body, std::string& error) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    error = "Invalid JSON body: expected an object";
    return std::nullopt;
  }
  return std::move(v.get_object());
}

}  // namespace

json::object* key_store::find(std::string_view hash) {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const json::object& k) { return k.at("hash").as_string() == hash; });
  return it == keys_.end() ? nullptr : &*it;
}

http_reply key_store::handle(std::string_view method, std::string_view hash, const boost::urls::url_view& url,
                             std::string_view body) {
  std::lock_guard lock(mutex_);
  if (hash.empty()) {
    if (method == "GET") return list(url);
    if (method == "POST") return create(body);
    return error_reply(405, "Method Not Allowed", "invalid_request");
  }
  if (method != "GET" && method != "PATCH" && method != "DELETE")
    return error_reply(405, "Method Not Allowed", "invalid_request");
  json::object* key = find(hash);
  if (!key) return error_reply(404, "API key not found", "not_found");
  if (method == "GET") return ok_json(json::object{{"data", *key}});
  if (method == "PATCH") return update(hash, body);
  std::erase_if(keys_, [&](const json::object& k) { return k.at("hash").as_string() == hash; });
  return ok_json(json::object{{"deleted", true}});
}

http_reply key_store::list(const boost::urls::url_view& url) const {
  std::size_t offset = 0;
  bool include_disabled = false;
  std::string workspace(default_workspace);
  for (auto p : url.params()) {
    if (p.key == "offset") {
      const auto* end = p.value.data() + p.value.size();
      auto [ptr, ec] = std::from_chars(p.value.data(), end, offset);
      if (ec != std::errc{} || ptr != end) return error_reply(400, "offset: expected a non-negative integer", "invalid_request");
    } else if (p.key == "include_disabled") {
      if (p.value != "true" && p.value != "false")
        return error_reply(400, "include_disabled: expected true or false", "invalid_request");
      include_disabled = p.value == "true";
    } else if (p.key == "workspace_id") {
      workspace = p.value;
    }
  }
  json::array data;
  std::size_t skipped = 0;
  for (const auto& k : keys_) {
    if (k.at("workspace_id").as_string() != workspace) continue;
    if (!include_disabled && k.at("disabled").as_bool()) continue;
    if (skipped++ < offset) continue;
    if (data.size() == page_size) break;
    data.push_back(k);
  }
  return ok_json(json::object{{"data", std::move(data)}});
}

http_reply key_store::create(std::string_view text) {
  std::string error;
  auto body = object_body(text, error);
  if (!body) return error_reply(400, error, "invalid_request");
  if (!body->contains("name")) return error_reply(400, "name: Required", "invalid_request");
  std::string secret = "sk-or-v1-" + hex64(next_);
  json::object key{{"hash", hex64(next_)},
                   {"name", ""},
                   {"label", secret.substr(0, 12) + "..." + secret.substr(secret.size() - 4)},
                   {"disabled", false},
                   {"limit", nullptr},
                   {"limit_remaining", nullptr},
                   {"limit_reset", nullptr},
                   {"include_byok_in_limit", false},
                   {"usage", 0},
                   {"usage_daily", 0},
                   {"usage_weekly", 0},
                   {"usage_monthly", 0},
                   {"byok_usage", 0},
                   {"byok_usage_daily", 0},
                   {"byok_usage_weekly", 0},
                   {"byok_usage_monthly", 0},
                   {"created_at", utc_now_seconds()},
                   {"updated_at", nullptr},
                   {"expires_at", nullptr},
                   {"creator_user_id", "user_mock0000000000000000000"},
                   {"external_user", nullptr},
                   {"workspace_id", default_workspace}};
  if (error = apply(*body, key); !error.empty()) return error_reply(400, error, "invalid_request");
  if (const auto* v = body->if_contains("expires_at")) {
    // ISO 8601 UTC with seconds, as the API requires ("2027-12-31T23:59:59Z").
    const auto* s = v->if_string();
    if (!v->is_null() && !(s && s->size() >= 20 && (*s)[10] == 'T' && (*s)[16] == ':'))
      return error_reply(400, "expires_at: expected an ISO 8601 timestamp with seconds", "invalid_request");
    key["expires_at"] = *v;
  }
  if (const auto* v = body->if_contains("workspace_id")) {
    if (!v->is_string() || v->get_string().empty()) return error_reply(400, "workspace_id: expected a UUID", "invalid_request");
    key["workspace_id"] = *v;
  }
  if (const auto* v = body->if_contains("creator_user_id"); v && !v->is_null()) {
    if (!v->is_string()) return error_reply(400, "creator_user_id: expected a string", "invalid_request");
    key["creator_user_id"] = *v;
  }
  if (const auto* v = body->if_contains("external")) {
    const auto* user = v->is_object() ? v->get_object().if_contains("user") : nullptr;
    if (!user || !user->is_string()) return error_reply(400, "external.user: Required", "invalid_request");
    key["external_user"] = *user;
  }
  keys_.push_back(key);
  return ok_json(json::object{{"data", std::move(key)}, {"key", std::move(secret)}}, 201);
}

http_reply key_store::update(std::string_view hash, std::string_view text) {
  std::string error;
  auto body = object_body(text, error);
  if (!body) return error_reply(400, error, "invalid_request");
  json::object changed = *find(hash);
  if (error = apply(*body, changed); !error.empty()) return error_reply(400, error, "invalid_request");
  if (const auto* v = body->if_contains("disabled")) {
    if (!v->is_bool()) return error_reply(400, "disabled: expected a boolean", "invalid_request");
    changed["disabled"] = *v;
  }
  changed["updated_at"] = utc_now_seconds();
  *find(hash) = changed;
  return ok_json(json::object{{"data", std::move(changed)}});
}

}  // namespace openrouter::mock
