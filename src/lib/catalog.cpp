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

bool has_all(const std::vector<std::string>& have, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return std::find(have.begin(), have.end(), w) != have.end(); });
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

bool matches(const wire::model& m, const catalog_filter& f) {
  if (f.free_only && !wire::is_free(m)) return false;
  if (!has_all(m.supported_parameters, f.parameters)) return false;
  if (!f.input_modalities.empty() && !has_all(input_modalities(m), f.input_modalities)) return false;
  if (!f.output_modalities.empty() && !has_all(output_modalities(m), f.output_modalities)) return false;
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
