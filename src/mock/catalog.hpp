#pragma once
// The mock's model and provider catalog: a few hundred models with every field of the spec's
// `Model`, `PublicEndpoint` and `Provider` schemas, generated deterministically from a seed.
// Internal to openrouter-mock (sans-I/O: builds JSON, never touches sockets).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::mock {

/// One provider endpoint serving a model (one row of /models/{author}/{slug}/endpoints).
struct endpoint_info {
  std::string provider_slug;  ///< e.g. "deepinfra" (used by provider.order/only/ignore)
  std::string provider_name;  ///< display name, e.g. "DeepInfra"
  std::string tag;            ///< routable slug, e.g. "deepinfra/turbo" or "openai"
  std::string quantization;   ///< "fp8", "bf16", ..., or "unknown"
  double prompt_price = 0;      ///< USD per token (same value as the JSON string)
  double completion_price = 0;  ///< USD per token
  double request_price = 0;     ///< USD per request
  std::vector<std::string> supported_parameters;
  bool trains_on_data = false;  ///< excluded by provider.data_collection = "deny"
  bool zdr = false;             ///< zero data retention endpoint
  std::int64_t context_length = 0;
  boost::json::object json;  ///< the full PublicEndpoint object served on the wire
};

struct model_info {
  std::string id;  ///< e.g. "openai/gpt-4o-mini", or "mistralai/mistral-7b-instruct:free"
  std::vector<std::string> input_modalities;   ///< text, image, file, audio, video
  std::vector<std::string> output_modalities;  ///< text, image, ...
  std::vector<std::string> supported_parameters;
  std::vector<std::string> categories;  ///< for /models?category=
  std::int64_t context_length = 0;
  bool reasoning = false;  ///< has a `reasoning` object (emits reasoning when asked)
  bool is_free = false;    ///< every price "0"
  double prompt_price = 0, completion_price = 0;  ///< of the cheapest endpoint, USD per token
  std::vector<endpoint_info> endpoints;           ///< at least one, cheapest first
  boost::json::object json;  ///< the full Model object served by /models
};

/// Query parameters of GET /models (and /models/user), already URL-decoded. Unknown
/// parameters are ignored, as the real API does.
using query_params = std::map<std::string, std::string, std::less<>>;

class catalog {
 public:
  /// Deterministic: the same (seed, count) gives the same catalog, byte for byte.
  /// Always contains the well-known ids used in docs and tests (see catalog.cpp), among them
  /// openai/gpt-4o-mini, google/gemini-2.5-flash, anthropic/claude-3.5-haiku,
  /// google/gemini-2.5-flash-image (image output), meta-llama/llama-3.3-70b-instruct,
  /// mistralai/mistral-7b-instruct:free (free), and models lacking tools/response_format.
  static catalog generate(std::uint64_t seed, std::size_t count = 320);

  const std::vector<model_info>& models() const noexcept { return models_; }
  /// Exact id match (variant suffixes such as ":free" are part of the id).
  const model_info* find(std::string_view id) const noexcept;

  /// Body of GET /models: {data:[Model...], total_count, links:{next}} after the filters
  /// category, supported_parameters, output_modalities (default "text"; "all"),
  /// input_modalities, q, context, min_price/max_price ($/M prompt tokens), model_authors,
  /// sort, offset/limit (pagination only when one of them is given).
  /// Returns nullopt with `error` set for an invalid parameter (400 on the wire).
  std::optional<boost::json::object> list(const query_params& q, std::string& error) const;

  /// Body of GET /models/{author}/{slug}/endpoints, or nullopt for an unknown model (404).
  std::optional<boost::json::object> endpoints(std::string_view author, std::string_view slug) const;

  /// Body of GET /providers: {data:[Provider...]}.
  boost::json::object providers() const;

 private:
  std::vector<model_info> models_;
  std::map<std::string, std::size_t, std::less<>> index_;
  boost::json::array providers_;
};

}  // namespace openrouter::mock
