#include "console.hpp"

namespace openrouter::serve::console {

namespace {

constexpr std::string_view console_prefix = "/console/";

/// Whether an If-None-Match list ("a", W/"b", *) names `etag` (weak comparison, RFC 9110 13.1.2).
bool etag_matches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

}  // namespace

bool is_console_path(std::string_view path) { return path == "/" || path.starts_with(console_prefix); }

std::string_view content_type(std::string_view name) {
  auto dot = name.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "json") return "application/json";
  return "application/octet-stream";
}

reply answer(std::string_view path, std::string_view if_none_match) {
  reply r;
  r.headers = {{"Content-Security-Policy", std::string(content_security_policy)},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"X-Frame-Options", "DENY"},
               {"Cross-Origin-Opener-Policy", "same-origin"},
               {"Cross-Origin-Resource-Policy", "same-origin"},
               {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"}};
  std::string_view name = path == "/" ? std::string_view("index.html") : path.substr(console_prefix.size());
  const asset* found = nullptr;
  if (name != "index.html" || path == "/")  // one URL per file: index.html only at /
    for (const auto& a : assets())
      if (a.name == name) found = &a;
  if (!found) {
    r.status = 404;
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  }
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("ETag", std::string(found->etag));
  r.content_type = content_type(found->name);
  if (!if_none_match.empty() && etag_matches(if_none_match, found->etag)) {
    r.status = 304;
    return r;
  }
  r.body = found->body;
  return r;
}

}  // namespace openrouter::serve::console
