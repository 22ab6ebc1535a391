#include <openrouter/catalog.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace openrouter {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool icontains(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return lower(a) == lower(b); });
  return it != haystack.end();
}

// "text+image->text": side 0 is the input, side 1 the output.
std::vector<std::string> legacy_side(const wire::model& m, int side) {
  std::vector<std::string> out;
  if (!m.architecture || !m.architecture->modality) return out;
  std::string_view s = *m.architecture->modality;
  auto arrow = s.find("->");
  if (arrow == std::string_view::npos) return out;
  s = side == 0 ? s.substr(0, arrow) : s.substr(arrow + 2);
  while (!s.empty()) {
    auto plus = s.find('+');
    std::string_view part = s.substr(0, plus);
    if (!part.empty()) out.emplace_back(part);
    if (plus == std::string_view::npos) break;
    s.remove_prefix(plus + 1);
  }
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// The first of `wanted` not in `have` ("" when all are, or when `have` is unknown and counts as
// supporting everything).
std::string first_missing(const std::vector<std::string>& have, const std::vector<std::string>& wanted,
                          when_unknown unknown) {
  if (have.empty() && unknown == when_unknown::supported) return {};
  for (const auto& w : wanted)
    if (!has(have, w)) return w;
  return {};
}

}  // namespace

std::vector<std::string> input_modalities(const wire::model& m) {
  if (m.architecture && !m.architecture->input_modalities.empty()) return m.architecture->input_modalities;
  return legacy_side(m, 0);
}

std::vector<std::string> output_modalities(const wire::model& m) {
  if (m.architecture && !m.architecture->output_modalities.empty()) return m.architecture->output_modalities;
  return legacy_side(m, 1);
}

std::string unmet_capability(const wire::model& m, const capability_needs& need, when_unknown unknown) {
  if (!need.input_modalities.empty())
    if (auto w = first_missing(input_modalities(m), need.input_modalities, unknown); !w.empty())
      return "no input modality " + w;
  if (!need.output_modalities.empty())
    if (auto w = first_missing(output_modalities(m), need.output_modalities, unknown); !w.empty())
      return "no output modality " + w;
  if (auto w = first_missing(m.supported_parameters, need.parameters, unknown); !w.empty())
    return "does not support " + w;
  return {};
}

bool supports_parameter(const wire::model& m, std::string_view p, when_unknown unknown) {
  if (m.supported_parameters.empty()) return unknown == when_unknown::supported;
  return has(m.supported_parameters, p);
}

bool matches(const wire::model& m, const catalog_filter& f) {
  if (f.free_only && !wire::is_free(m)) return false;
  if (!unmet_capability(m, {f.input_modalities, f.output_modalities, f.parameters}, when_unknown::missing).empty())
    return false;
  if (!f.search.empty() && !icontains(m.id, f.search) && !icontains(m.name, f.search) &&
      !(m.description && icontains(*m.description, f.search)))
    return false;
  return true;
}

std::vector<const wire::model*> select(std::span<const wire::model> models, const catalog_filter& f) {
  std::vector<const wire::model*> out;
  for (const auto& m : models)
    if (matches(m, f)) out.push_back(&m);
  return out;
}

std::vector<const wire::model*> select(const wire::models_page& page, const catalog_filter& f) {
  return select(std::span<const wire::model>(page.data), f);
}

std::optional<double> per_million(std::string_view price) {
  if (price.empty()) return std::nullopt;
  // from_chars accepts neither a leading '+' nor whitespace; it does accept "inf" and "nan".
  double v = 0;
  auto [end, ec] = std::from_chars(price.data(), price.data() + price.size(), v);
  if (ec != std::errc{} || end != price.data() + price.size() || !std::isfinite(v)) return std::nullopt;
  return v * 1e6;
}

}  // namespace openrouter
