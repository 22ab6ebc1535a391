#include "output.hpp"

#include <openrouter/catalog.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <utility>

namespace openrouter::cli {
namespace json = boost::json;

// --- table -----------------------------------------------------------------------------------

table::table(std::vector<column> columns) : columns_(std::move(columns)) {}

void table::add(std::vector<std::string> row) {
  row.resize(columns_.size());
  rows_.push_back(std::move(row));
}

void table::print(std::ostream& os) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].header.size();
    for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const auto& cell) {
    std::string out;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& text = cell(c);
      const bool last = c + 1 == columns_.size();
      std::string pad(width[c] - text.size(), ' ');
      if (c) out += "  ";
      if (columns_[c].a == align::right) out += pad + text;
      else out += last ? text : text + pad;
    }
    os << out << '\n';
  };
  line([&](std::size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& r : rows_) line([&](std::size_t c) -> const std::string& { return r[c]; });
}

// --- values ----------------------------------------------------------------------------------

std::string decimal(std::optional<double> d) {
  if (!d) return "-";
  // Six significant digits, then the shortest fixed form of that: "0.0000015", not "1.5e-06".
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.6g", *d);
  double rounded = std::strtod(buf, nullptr);
  auto r = std::to_chars(buf, buf + sizeof buf, rounded, std::chars_format::fixed);
  return r.ec == std::errc{} ? std::string(buf, r.ptr) : std::string(buf);
}

std::string price_per_million(const std::optional<std::string>& per_token) {
  if (!per_token || per_token->empty()) return "-";
  auto v = per_million(*per_token);
  if (!v) return *per_token;
  if (*v < 0) return "varies";
  if (*v == 0) return "0";
  return decimal(*v);
}

std::string number(std::optional<std::int64_t> n) { return n ? std::to_string(*n) : "-"; }

std::string modalities(const wire::model& m) {
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : "+") + x;
    return s.empty() ? std::string("?") : s;
  };
  auto in = input_modalities(m), out = output_modalities(m);
  if (in.empty() && out.empty()) return "-";
  return join(in) + "->" + join(out);
}

// --- JSON ------------------------------------------------------------------------------------

namespace {

void pretty(std::string& out, const json::value& v, std::size_t indent) {
  const std::string pad(indent, ' '), inner(indent + 2, ' ');
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ",\n";
        first = false;
        out += inner;
        out += json::serialize(json::string(kv.key()));
        out += ": ";
        pretty(out, kv.value(), indent + 2);
      }
      out += "\n" + pad + "}";
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& e : a) {
        if (!first) out += ",\n";
        first = false;
        out += inner;
        pretty(out, e, indent + 2);
      }
      out += "\n" + pad + "]";
      return;
    }
    case json::kind::double_: {
      // Shortest round-trip form ("0.000123", not "1.23E-4").
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
      out.append(buf, r.ptr);
      return;
    }
    default:
      out += json::serialize(v);  // strings (escaped), integers, booleans, null
      return;
  }
}

// "key   value" lines with the keys aligned; absent values ("") are skipped.
void print_fields(std::ostream& os, const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t w = 0;
  for (const auto& [k, v] : fields)
    if (!v.empty()) w = std::max(w, k.size());
  for (const auto& [k, v] : fields)
    if (!v.empty()) os << k << std::string(w - k.size() + 2, ' ') << v << '\n';
}

std::string opt(const std::optional<std::string>& s) { return s.value_or(""); }
std::string opt(std::optional<bool> b) { return b ? (*b ? "yes" : "no") : ""; }
std::string usd(std::optional<double> d) {
  if (!d) return "";
  std::string s("$");  // not "$" + decimal(d): GCC 12 warns falsely (-Wrestrict) on that form
  s += decimal(d);
  return s;
}
std::string ms(std::optional<double> d) { return d ? decimal(d) + " ms" : ""; }

}  // namespace

std::string pretty_json(const json::value& v) {
  std::string out;
  pretty(out, v, 0);
  out += '\n';
  return out;
}

// --- commands --------------------------------------------------------------------------------

void print_models(std::ostream& os, const std::vector<const wire::model*>& models) {
  using a = table::align;
  table t({{"ID"}, {"CONTEXT", a::right}, {"$/M IN", a::right}, {"$/M OUT", a::right}, {"MODALITIES"}});
  for (const auto* m : models) {
    std::optional<std::int64_t> ctx = m->context_length;
    if (!ctx && m->top_provider) ctx = m->top_provider->context_length;
    std::optional<std::string> in, out;
    if (m->pricing) {
      in = m->pricing->prompt;
      out = m->pricing->completion;
    }
    t.add({m->id, number(ctx), price_per_million(in), price_per_million(out), modalities(*m)});
  }
  t.print(os);
}

void print_providers(std::ostream& os, const wire::provider_list& providers) {
  table t({{"SLUG"}, {"NAME"}, {"HQ"}, {"DATACENTERS"}});
  for (const auto& p : providers.data) {
    std::string dcs;
    for (const auto& d : p.datacenters) dcs += (dcs.empty() ? "" : ",") + d;
    t.add({p.slug, p.name, p.headquarters.value_or("-"), dcs.empty() ? "-" : dcs});
  }
  t.print(os);
}

void print_endpoints(std::ostream& os, const wire::model_endpoints& eps) {
  using a = table::align;
  os << eps.id;
  if (!eps.name.empty() && eps.name != eps.id) os << "  (" << eps.name << ")";
  os << "\n\n";
  table t({{"TAG"},
           {"PROVIDER"},
           {"QUANT"},
           {"CONTEXT", a::right},
           {"MAX OUT", a::right},
           {"$/M IN", a::right},
           {"$/M OUT", a::right},
           {"UPTIME 30M", a::right},
           {"STATUS"}});
  for (const auto& e : eps.endpoints) {
    std::optional<std::string> in, out;
    if (e.pricing) {
      in = e.pricing->prompt;
      out = e.pricing->completion;
    }
    std::string uptime = e.uptime_last_30m ? decimal(*e.uptime_last_30m) + "%" : "-";
    std::string status = !e.status ? "-" : *e.status == 0 ? "ok" : std::to_string(*e.status);
    t.add({e.tag, e.provider_name, e.quantization.value_or("-"), number(e.context_length),
           number(e.max_completion_tokens), price_per_million(in), price_per_million(out), uptime, status});
  }
  t.print(os);
}

void print_generation(std::ostream& os, const wire::generation& g) {
  std::string tokens;
  if (g.tokens_prompt || g.tokens_completion)
    tokens = number(g.tokens_prompt) + " prompt, " + number(g.tokens_completion) + " completion";
  std::string native;
  if (g.native_tokens_prompt || g.native_tokens_completion)
    native = number(g.native_tokens_prompt) + " prompt, " + number(g.native_tokens_completion) + " completion" +
             (g.native_tokens_reasoning ? ", " + number(g.native_tokens_reasoning) + " reasoning" : "");
  print_fields(os, {{"id", g.id},
                    {"model", g.model},
                    {"provider", opt(g.provider_name)},
                    {"created_at", opt(g.created_at)},
                    {"api_type", opt(g.api_type)},
                    {"streamed", opt(g.streamed)},
                    {"cancelled", opt(g.cancelled)},
                    {"finish_reason", opt(g.finish_reason)},
                    {"tokens", tokens},
                    {"native_tokens", native},
                    {"total_cost", usd(g.total_cost)},
                    {"latency", ms(g.latency)},
                    {"generation_time", ms(g.generation_time)},
                    {"app", opt(g.http_referer)},
                    {"user", opt(g.external_user)},
                    {"session_id", opt(g.session_id)}});
}

void print_key(std::ostream& os, const wire::key_info& k) {
  std::string limit = k.limit ? usd(k.limit) : "unlimited";
  if (k.limit && k.limit_reset) limit += " (resets " + *k.limit_reset + ")";
  std::string usage = usd(k.usage);
  if (k.usage_daily || k.usage_weekly || k.usage_monthly)
    usage += " (today " + usd(k.usage_daily.value_or(0)) + ", this week " + usd(k.usage_weekly.value_or(0)) +
             ", this month " + usd(k.usage_monthly.value_or(0)) + ")";
  print_fields(os, {{"label", k.label},
                    {"limit", limit},
                    {"limit_remaining", usd(k.limit_remaining)},
                    {"usage", usage},
                    {"byok_usage", usd(k.byok_usage)},
                    {"free_tier", opt(k.is_free_tier)},
                    {"management_key", opt(k.is_management_key)},
                    {"expires_at", opt(k.expires_at)}});
}

void print_credits(std::ostream& os, const wire::credits& c) {
  print_fields(os, {{"total_credits", usd(c.total_credits)},
                    {"total_usage", usd(c.total_usage)},
                    {"remaining", usd(c.remaining())}});
}

void print_activity(std::ostream& os, const wire::activity& a) {
  table t({{"date"}, {"model"}, {"provider"}, {"requests", table::align::right}, {"prompt", table::align::right},
           {"completion", table::align::right}, {"usage_usd", table::align::right}});
  std::int64_t prompt = 0, completion = 0;
  for (const auto& r : a.data) {
    t.add({r.date, r.model, r.provider_name, std::to_string(r.requests), std::to_string(r.prompt_tokens),
           std::to_string(r.completion_tokens), decimal(r.usage)});
    prompt += r.prompt_tokens;
    completion += r.completion_tokens;
  }
  t.add({"total", "", "", std::to_string(a.total_requests()), std::to_string(prompt), std::to_string(completion),
         decimal(a.total_usage())});
  t.print(os);
}

// --- API key management (keys.cpp) --------------------------------------------------------------

void print_api_key(std::ostream& os, const wire::api_key& k) {
  std::string limit = k.limit ? usd(k.limit) : "unlimited";
  if (k.limit && k.limit_reset) limit += " (resets " + *k.limit_reset + ")";
  print_fields(os, {{"hash", k.hash},
                    {"name", k.name},
                    {"label", k.label},
                    {"disabled", opt(k.disabled)},
                    {"limit", limit},
                    {"limit_remaining", usd(k.limit_remaining)},
                    {"usage", usd(k.usage)},
                    {"created_at", opt(k.created_at)},
                    {"expires_at", k.expires_at.value_or("never")}});
}

void print_api_keys(std::ostream& os, const wire::api_key_list& l) {
  table t({{"hash"}, {"name"}, {"label"}, {"disabled"}, {"limit_usd", table::align::right},
           {"usage_usd", table::align::right}, {"created_at"}});
  for (const auto& k : l.data)
    t.add({k.hash, k.name, k.label, k.disabled.value_or(false) ? "yes" : "no", k.limit ? decimal(k.limit) : "unlimited",
           decimal(k.usage), k.created_at.value_or("")});
  t.print(os);
}

namespace {

// The model a preset version applies ("" when its config names none).
std::string preset_model(const wire::preset_version& v) {
  const json::value* m = v.config.if_contains("model");
  return m && m->is_string() ? std::string(m->get_string()) : std::string();
}

}  // namespace

void print_preset_version(std::ostream& os, const wire::preset_version& v) {
  print_fields(os, {{"version", std::to_string(v.version)},
                    {"model", preset_model(v)},
                    {"system_prompt", opt(v.system_prompt)},
                    {"config", json::serialize(v.config)},
                    {"created_at", v.created_at}});
}

void print_preset(std::ostream& os, const wire::preset& p) {
  print_fields(os, {{"slug", p.slug},
                    {"name", p.name},
                    {"status", p.status},
                    {"description", opt(p.description)},
                    {"updated_at", p.updated_at}});
  if (p.designated_version) print_preset_version(os, *p.designated_version);
}

void print_presets(std::ostream& os, const wire::preset_list& l) {
  table t({{"slug"}, {"name"}, {"status"}, {"updated_at"}});
  for (const auto& p : l.data) t.add({p.slug, p.name, p.status, p.updated_at});
  t.print(os);
}

void print_preset_versions(std::ostream& os, const wire::preset_version_list& l) {
  table t({{"version", table::align::right}, {"model"}, {"created_at"}, {"system_prompt"}});
  for (const auto& v : l.data) t.add({std::to_string(v.version), preset_model(v), v.created_at, opt(v.system_prompt)});
  t.print(os);
}

}  // namespace openrouter::cli
