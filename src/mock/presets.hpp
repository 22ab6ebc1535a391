#pragma once
// Presets in openrouter-mock: `@preset/SLUG` as the model of POST /chat/completions resolves to
// the preset's designated (latest) version, and the /presets routes as the API serves them:
// GET /presets, GET /presets/{slug}, POST /presets/{slug}/chat/completions | /messages |
// /responses (a preset, or its next version, from an inference request body), GET
// /presets/{slug}/versions and /versions/{version}. The presets of server_options::presets exist
// from the start (version 1). Thread-safe. Sans-I/O, like routes.cpp.

#include "reply.hpp"

#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::mock {

class preset_store {
 public:
  /// slug -> config ({"model": ..., parameters..., "system_prompt": ...}).
  explicit preset_store(const std::map<std::string, boost::json::object>& initial);

  /// A request under /presets: `segments` are the decoded path segments after "presets" (so a
  /// slug holding an encoded '/' stays one segment). GET [] lists, GET [slug] gets, POST [slug,
  /// chat, completions] | [slug, messages] | [slug, responses] creates, GET [slug, versions]
  /// and [slug, versions, N] read versions. {"data": ...} answers as the spec's; 404 for an
  /// unknown preset, version or route, 405 for another method, 400 for a bad body or query.
  http_reply handle(std::string_view method, std::span<const std::string> segments, const boost::urls::url_view& url,
                    std::string_view body);

  /// For POST /chat/completions: when the body's model is "@preset/SLUG", the body with the
  /// preset applied: its model, the parameters the request does not set, its system prompt as
  /// the first message. nullopt (nothing to change) for any other body. An unknown preset sets
  /// `error` (404).
  std::optional<std::string> resolve(std::string_view body, std::optional<http_reply>& error) const;

 private:
  struct version {
    boost::json::object config;
    std::optional<std::string> system_prompt;
    std::string created_at;
  };
  struct preset {
    std::vector<version> versions;  // version N at N-1; the last one is designated
    std::string created_at;
    std::uint64_t touched = 0;  // order of the last update (lists: most recent first)
  };
  enum class source { chat, messages, responses };

  http_reply list(const boost::urls::url_view& url) const;
  http_reply create(std::string_view slug, source from, std::string_view body);
  http_reply list_versions(std::string_view slug, const boost::urls::url_view& url) const;
  http_reply get_version(std::string_view slug, std::string_view number) const;
  const preset* find(std::string_view slug) const;
  boost::json::object describe(const std::string& slug, const preset& p, bool with_version) const;
  boost::json::object describe_version(const std::string& slug, const preset& p, std::size_t index) const;

  mutable std::mutex mutex_;
  std::map<std::string, preset, std::less<>> presets_;
  std::uint64_t clock_ = 0;  // the last `touched`
};

}  // namespace openrouter::mock
