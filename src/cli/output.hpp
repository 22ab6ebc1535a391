#pragma once
// What the `openrouter` CLI prints: aligned tables, prices per million tokens, indented JSON.

#include <openrouter/wire/all.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::cli {

/// A plain-text table: columns separated by two spaces, numbers right-aligned, the last
/// column not padded (no trailing blanks).
class table {
 public:
  enum class align { left, right };
  struct column {
    std::string header;
    align a = align::left;
  };
  explicit table(std::vector<column> columns);
  void add(std::vector<std::string> row);
  void print(std::ostream& os) const;

 private:
  std::vector<column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// A catalog price (USD per token) shown per million tokens: "0.15", "0" ; "-" when absent,
/// "varies" for negative (router) prices, the raw text when it is not a number.
std::string price_per_million(const std::optional<std::string>& per_token);
/// An integer, or "-" when absent.
std::string number(std::optional<std::int64_t> n);
/// A decimal with up to 6 significant digits ("0.000123", "15"), or "-" when absent.
std::string decimal(std::optional<double> d);
/// "text+image->text" from the model's modalities.
std::string modalities(const wire::model& m);

/// JSON indented by two spaces, numbers in their shortest round-trip form, newline-terminated.
std::string pretty_json(const boost::json::value& v);

void print_models(std::ostream& os, const std::vector<const wire::model*>& models);
void print_providers(std::ostream& os, const wire::provider_list& providers);
void print_endpoints(std::ostream& os, const wire::model_endpoints& eps);
void print_generation(std::ostream& os, const wire::generation& g);
void print_key(std::ostream& os, const wire::key_info& k);
void print_credits(std::ostream& os, const wire::credits& c);
void print_activity(std::ostream& os, const wire::activity& a);
/// keys get/update/create: one key's fields; keys list: a table of keys (never a secret).
void print_api_key(std::ostream& os, const wire::api_key& k);
void print_api_keys(std::ostream& os, const wire::api_key_list& l);
/// presets get/create: a preset and its designated version (or one version); presets list,
/// versions: tables.
void print_preset(std::ostream& os, const wire::preset& p);
void print_preset_version(std::ostream& os, const wire::preset_version& v);
void print_presets(std::ostream& os, const wire::preset_list& l);
void print_preset_versions(std::ostream& os, const wire::preset_version_list& l);

}  // namespace openrouter::cli
