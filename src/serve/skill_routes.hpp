#pragma once
// The reference skill's routes (its Express and Next.js templates, /api/openrouter/*), sans-I/O:
// the bodies they answer with, so that UI code written against those templates works against
// the gateway unchanged. The gateway (gateway.cpp) does the I/O and runs /chat through the same
// policy path as /api/v1/chat/completions.
//
//   GET  /api/openrouter/models[?visionOnly=true][&scope=user]  {"models":[entry...],"cached":bool}
//   GET  /api/openrouter/free-models                            {"models":[entry...],"cached":bool}
//   GET  /api/openrouter/providers                              {"providers":[...],"cached":bool}
//   GET  /api/openrouter/generation/:id                         {"generation":{...}}
//   GET  /api/openrouter/model-endpoints?model=author/slug       {"id","name",...,"endpoints":[...]}
//   POST /api/openrouter/chat          JSON: {"id","model","choices","usage"}; SSE as upstream
//   errors                             {"error":"message"} with the status
//
// entry: {"id","name","provider","description","contextLength","inputModalities",
//         "outputModalities","supportedParameters","pricing":{"prompt","completion","image","request",...}}

#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/generation.hpp>
#include <openrouter/wire/models.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::serve::skill {

inline constexpr std::string_view prefix = "/api/openrouter/";
inline constexpr std::string_view models_route = "/api/openrouter/models";
inline constexpr std::string_view free_models_route = "/api/openrouter/free-models";
inline constexpr std::string_view providers_route = "/api/openrouter/providers";
inline constexpr std::string_view generation_prefix = "/api/openrouter/generation/";
inline constexpr std::string_view generation_route = "/api/openrouter/generation/:id";  // for logs and metrics
inline constexpr std::string_view chat_route = "/api/openrouter/chat";
inline constexpr std::string_view model_endpoints_route = "/api/openrouter/model-endpoints";
/// The templates' model when a chat request names none.
inline constexpr std::string_view default_model = "openai/gpt-4o-mini";

/// {"error":"message"}: what the templates' UI components read (`json.error`).
std::string error_body(std::string_view message);

/// A catalog entry as the templates map it: the provider is the id's part before '/', missing
/// prices are "0" (other prices kept), missing lists are empty.
boost::json::object model_entry(const wire::model& m);

/// {"models":[...],"cached":cached}, sorted by provider then name. vision_only keeps models that
/// take images; free_only those wire::is_free() holds for (the library's one free predicate).
std::string models_body(std::span<const wire::model> models, bool vision_only, bool free_only, bool cached);

/// {"providers":[...],"cached":cached}, sorted by display_name, else name, else slug.
std::string providers_body(const std::vector<wire::provider_info>& providers, bool cached);

/// {"generation":{...}}: the upstream record (the `data` member).
std::string generation_body(const wire::generation& g);

/// A model's endpoints: the upstream record (the `data` member: id, name, description,
/// architecture, endpoints[]).
std::string model_endpoints_body(const wire::model_endpoints& e);

/// {"id","model","choices","usage"} of a non-streamed answer (usage null when absent).
std::string chat_body(const wire::chat_response& r);

/// The templates' defaults on a parsed /chat body: `model` openai/gpt-4o-mini and `temperature` 0
/// when absent. Returns what is wrong with it ("messages is required"), or empty.
std::string prepare_chat(wire::chat_request& req);

/// The percent-decoded id of a /api/openrouter/generation/:id path; nullopt when the path has no
/// usable id (empty, another '/', a bad escape, a control character).
std::optional<std::string> generation_id(std::string_view path);

/// The `model` query parameter of a /model-endpoints target; nullopt when absent, empty, longer
/// than 256 bytes or with a control character (the client checks the author/slug form).
std::optional<std::string> model_param(std::string_view target);

/// The value of query parameter `name` in `target` (percent-decoded, '+' as space); nullopt when
/// absent.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

}  // namespace openrouter::serve::skill
