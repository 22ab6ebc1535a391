#pragma once
// The web console (`openrouter serve` at /): static files compiled into the binary
// (src/serve/console, embedded by cmake/embed_console.cmake), and what the gateway answers for
// them, sans-I/O. The page uses only the gateway's own routes (/api/openrouter/*, /metrics) with
// the caller's gateway token; it holds no secret, so it is served without a token.
//
//   GET /                 index.html
//   GET /console/NAME     the other files (console.js, console.css, icon.svg)
//
// Every answer carries a Content-Security-Policy that allows only the gateway's own origin
// (no inline script or style, no framing, no other hosts), nosniff, no referrer, and
// Cache-Control: no-cache with a strong ETag (If-None-Match: 304), so that a browser
// revalidates after an upgrade and otherwise downloads nothing.

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter::serve::console {

struct asset {
  std::string_view name;  ///< "index.html"
  std::string_view body;
  std::string_view etag;  ///< quoted, e.g. "\"3f2a...\""
};

/// The compiled-in files (generated: console_assets.cpp).
std::span<const asset> assets();

/// The Content-Security-Policy of every console answer.
inline constexpr std::string_view content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Whether `path` (no query) is the console's: "/" or under "/console/".
bool is_console_path(std::string_view path);

struct reply {
  unsigned status = 200;  ///< 200, 304 (If-None-Match matched) or 404
  std::string_view content_type;
  std::string_view body;  ///< empty for 304 and 404
  std::vector<std::pair<std::string, std::string>> headers;  ///< security and caching headers
};

/// The answer to GET `path` (a console path) with the request's If-None-Match (may be empty).
reply answer(std::string_view path, std::string_view if_none_match);

/// The media type of a file name by its extension (text types with charset=utf-8).
std::string_view content_type(std::string_view name);

}  // namespace openrouter::serve::console
