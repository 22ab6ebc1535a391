#pragma once
// Presets in openrouter-mock: `@preset/SLUG` as the model of POST /chat/completions resolves to
// the preset's model and parameters, and POST /presets/{slug}/chat/completions creates a preset
// (or its next version) from a chat request body, as the API does. The presets of
// server_options::presets exist from the start. Thread-safe. Sans-I/O, like routes.cpp.

#include "reply.hpp"

#include <boost/json/object.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace openrouter::mock {

class preset_store {
 public:
  /// slug -> config ({"model": ..., parameters..., "system_prompt": ...}).
  explicit preset_store(const std::map<std::string, boost::json::object>& initial);

  /// POST /presets/{slug}/chat/completions: the body's members other than messages, stream,
  /// stream_options and prompt become the config of a new version (its first system message
  /// the system prompt); {"data": PresetWithDesignatedVersion}. 400 for a body that is not a
  /// chat request object.
  http_reply create_from_chat(std::string_view slug, std::string_view body);

  /// For POST /chat/completions: when the body's model is "@preset/SLUG", the body with the
  /// preset applied: its model, the parameters the request does not set, its system prompt as
  /// the first message. nullopt (nothing to change) for any other body. An unknown preset sets
  /// `error` (404).
  std::optional<std::string> resolve(std::string_view body, std::optional<http_reply>& error) const;

 private:
  struct preset {
    boost::json::object config;
    std::optional<std::string> system_prompt;
    std::int64_t version = 1;
    std::string created_at, updated_at;
  };
  boost::json::object describe(const std::string& slug, const preset& p) const;

  mutable std::mutex mutex_;
  std::map<std::string, preset, std::less<>> presets_;
};

}  // namespace openrouter::mock
