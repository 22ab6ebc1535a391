#pragma once
// Catalog helpers (sans-I/O): pick models out of a GET /models answer the way a user asks for
// them ("free models that read images and support tools"), and read catalog prices.
//
//   openrouter::catalog_filter f{.free_only = true, .parameters = {"tools"}};
//   for (const wire::model* m : openrouter::select(page, f)) std::cout << m->id << '\n';
//
// Every criterion is a conjunction: a model must meet all of them. select() keeps the catalog's
// order and points into the page it was given (which must outlive the result).

#include <openrouter/wire/models.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter {

struct catalog_filter {
  /// Only models for which wire::is_free() holds (prompt, completion, request and image each
  /// absent or exactly "0").
  bool free_only = false;
  /// Every one must be among the model's input modalities ("text", "image", "file", "audio", ...).
  std::vector<std::string> input_modalities{};
  /// Every one must be among the model's output modalities ("text", "image", "embeddings", ...).
  std::vector<std::string> output_modalities{};
  /// Every one must be among the model's supported_parameters ("tools", "response_format", ...).
  std::vector<std::string> parameters{};
  /// Case-insensitive (ASCII) substring of the id, the name or the description; empty: any.
  std::string search{};
};

/// The model's input modalities: architecture.input_modalities, or, for entries that only carry
/// the legacy architecture.modality string ("text+image->text"), the part before "->".
std::vector<std::string> input_modalities(const wire::model& m);
/// Same for output modalities (the part after "->").
std::vector<std::string> output_modalities(const wire::model& m);

/// What a model needs to support: the one capability check behind matches(), the router's
/// catalog filter (routing::filter_candidates) and structured outputs' format choice.
struct capability_needs {
  std::vector<std::string> input_modalities{};   ///< e.g. "image", "file", "audio"
  std::vector<std::string> output_modalities{};  ///< e.g. "image", "embeddings"
  std::vector<std::string> parameters{};         ///< supported_parameters, e.g. "tools"
};

/// How a list the catalog entry does not carry (no modalities, old or new form; no
/// supported_parameters) counts: as missing (a look-up shows only models known to fit), or as
/// supported (routing lets the server decide rather than drop a model on no evidence).
enum class when_unknown { missing, supported };

/// The first need `m` does not meet, as a reason ("no input modality image", "no output
/// modality image", "does not support tools"); empty when it meets them all. Modalities come
/// from input_modalities()/output_modalities() (the legacy string understood); names compare
/// exactly.
std::string unmet_capability(const wire::model& m, const capability_needs& need, when_unknown unknown);
/// Whether `m` supports the parameter `p` (e.g. "structured_outputs").
bool supports_parameter(const wire::model& m, std::string_view p, when_unknown unknown);

/// Whether `m` meets every criterion of `f`. Modality and parameter names compare exactly; a
/// list the entry does not carry matches nothing (when_unknown::missing).
bool matches(const wire::model& m, const catalog_filter& f);

/// The models of `page` (or `models`) that match `f`, in catalog order.
std::vector<const wire::model*> select(const wire::models_page& page, const catalog_filter& f);
std::vector<const wire::model*> select(std::span<const wire::model> models, const catalog_filter& f);

/// A catalog price (a decimal string, USD per token) in USD per million tokens; nullopt when the
/// string is not a plain decimal number. Negative prices ("-1" on router pseudo-models) are
/// returned as they are: callers decide how to show "variable".
std::optional<double> per_million(std::string_view price_per_token);

}  // namespace openrouter
