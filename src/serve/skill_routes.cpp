#include "skill_routes.hpp"

#include <openrouter/catalog.hpp>

#include <boost/url/pct_string_view.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>

namespace openrouter::serve::skill {

namespace json = boost::json;

namespace {

std::string provider_of(std::string_view id) {
  auto slash = id.find('/');
  std::string p(id.substr(0, slash));
  return p.empty() ? "unknown" : p;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Percent-decoding by Boost.URL: a malformed escape is refused, not passed through.
std::optional<std::string> pct_decode(std::string_view s, bool plus_is_space) {
  auto pv = boost::urls::make_pct_string_view(s);
  if (!pv) return std::nullopt;
  boost::urls::encoding_opts opt;
  opt.space_as_plus = plus_is_space;
  return pv->decode(opt);
}

}  // namespace

std::string error_body(std::string_view message) { return json::serialize(json::object{{"error", message}}); }

json::object model_entry(const wire::model& m) {
  json::object pricing;
  if (m.pricing) {
    json::value v = json::value_from(*m.pricing);
    if (v.is_object()) pricing = std::move(v.get_object());
  }
  for (const char* k : {"prompt", "completion", "image", "request"}) {
    auto* p = pricing.if_contains(k);
    if (!p || p->is_null() || (p->is_string() && p->get_string().empty())) pricing[k] = "0";
  }
  return json::object{{"id", m.id},
                      {"name", m.name.empty() ? m.id : m.name},
                      {"provider", provider_of(m.id)},
                      {"description", m.description.value_or("")},
                      {"contextLength", m.context_length.value_or(0)},
                      {"inputModalities", strings(input_modalities(m))},
                      {"outputModalities", strings(output_modalities(m))},
                      {"supportedParameters", strings(m.supported_parameters)},
                      {"pricing", std::move(pricing)}};
}

std::string models_body(std::span<const wire::model> models, bool vision_only, bool free_only, bool cached) {
  std::vector<const wire::model*> picked;
  for (const auto& m : models) {
    if (free_only && !wire::is_free(m)) continue;
    if (vision_only) {
      auto in = input_modalities(m);
      if (std::find(in.begin(), in.end(), "image") == in.end()) continue;
    }
    picked.push_back(&m);
  }
  auto name_of = [](const wire::model* m) -> const std::string& { return m->name.empty() ? m->id : m->name; };
  std::stable_sort(picked.begin(), picked.end(), [&](const wire::model* a, const wire::model* b) {
    auto pa = provider_of(a->id), pb = provider_of(b->id);
    if (pa != pb) return pa < pb;
    return name_of(a) < name_of(b);
  });
  json::array out;
  out.reserve(picked.size());
  for (const auto* m : picked) out.emplace_back(model_entry(*m));
  return json::serialize(json::object{{"models", std::move(out)}, {"cached", cached}});
}

std::string providers_body(const std::vector<wire::provider_info>& providers, bool cached) {
  auto label = [](const wire::provider_info& p) -> std::string {
    if (auto* d = p.extra.if_contains("display_name"); d && d->is_string() && !d->get_string().empty())
      return std::string(d->get_string());
    return !p.name.empty() ? p.name : p.slug;
  };
  std::vector<const wire::provider_info*> sorted;
  for (const auto& p : providers) sorted.push_back(&p);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const wire::provider_info* a, const wire::provider_info* b) { return label(*a) < label(*b); });
  json::array out;
  out.reserve(sorted.size());
  for (const auto* p : sorted) out.push_back(json::value_from(*p));
  return json::serialize(json::object{{"providers", std::move(out)}, {"cached", cached}});
}

std::string generation_body(const wire::generation& g) {
  return json::serialize(json::object{{"generation", json::value_from(g)}});
}

std::string model_endpoints_body(const wire::model_endpoints& e) { return json::serialize(json::value_from(e)); }

std::string chat_body(const wire::chat_response& r) {
  json::value full = json::value_from(r);
  json::object out{{"id", r.id}, {"model", r.model}};
  auto& o = full.get_object();
  out["choices"] = o.contains("choices") ? o["choices"] : json::array{};
  out["usage"] = o.contains("usage") ? o["usage"] : nullptr;
  return json::serialize(out);
}

std::string prepare_chat(wire::chat_request& req) {
  if (req.messages.empty()) return "messages is required";
  if (!req.model || req.model->empty()) req.model = std::string(default_model);
  if (!req.temperature) req.temperature = 0.0;
  return {};
}

namespace {

// An id a caller sent: at most 256 bytes, no control character.
std::optional<std::string> usable_id(std::optional<std::string> id) {
  if (!id || id->empty() || id->size() > 256) return std::nullopt;
  for (unsigned char c : *id)
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  return id;
}

}  // namespace

std::optional<std::string> generation_id(std::string_view path) {
  if (!path.starts_with(generation_prefix)) return std::nullopt;
  auto raw = path.substr(generation_prefix.size());
  if (raw.empty() || raw.find('/') != std::string_view::npos) return std::nullopt;
  return usable_id(pct_decode(raw, false));
}

std::optional<std::string> model_param(std::string_view target) { return usable_id(query_param(target, "model")); }

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    auto key = pct_decode(pair.substr(0, eq), true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string();
    return pct_decode(pair.substr(eq + 1), true);
  }
  return std::nullopt;
}

}  // namespace openrouter::serve::skill
