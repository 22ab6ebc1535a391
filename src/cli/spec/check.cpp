#include "check.hpp"

#include "wire_contracts.hpp"

#include <algorithm>

namespace openrouter::cli::spec {

std::string_view to_string(level l) {
  switch (l) {
    case level::pass: return "PASS";
    case level::info: return "INFO";
    case level::warn: return "WARN";
    case level::fail: return "FAIL";
  }
  return "FAIL";
}

namespace {

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string where(const wire_contract& c) {
  std::string out(c.root);
  for (auto step : c.steps) {
    out += '.';
    out += step;
  }
  return out;
}

// Whether our decoder takes some value of spec type `t`: a whole number is a number too (the
// spec says "number" for counts we decode as integers).
bool takes(const std::set<std::string>& ours, const std::string& t) {
  if (t == "number") return ours.contains("number") || ours.contains("integer");
  return ours.contains(t);
}

void check_contract(const openapi_document& doc, const wire_contract& c, std::vector<finding>& out) {
  const std::string name(c.type_name);
  if (!doc.has(c.root)) {
    out.push_back({level::fail, name, "schema " + std::string(c.root) + " is not in the spec"});
    return;
  }
  const std::set<std::string> in_spec = doc.properties_at(c.root, c.steps);
  if (in_spec.empty()) {
    out.push_back({level::warn, name, "the spec no longer describes members at " + where(c) + ": not checked"});
    return;
  }
  const std::size_t before = out.size();
  const std::set<std::string_view> allowed(c.allowed.begin(), c.allowed.end());
  std::set<std::string> modeled;
  for (std::string_view key : c.keys) {
    modeled.emplace(key);
    const std::string field = name + "." + std::string(key);
    if (!in_spec.contains(std::string(key))) {
      if (!allowed.contains(key))
        out.push_back({level::warn, field, "modeled, but the spec no longer has it (at " + where(c) + ")"});
      continue;
    }
    const std::set<std::string> spec_types = doc.member_types(c.root, c.steps, key);
    if (spec_types.empty()) continue;  // the spec leaves the type open
    const std::set<std::string> ours = accepted_types(c, key);
    std::set<std::string> rejected;
    for (const auto& t : spec_types)
      if (!takes(ours, t)) rejected.insert(t);
    if (rejected.size() == spec_types.size())
      out.push_back({level::fail, field, "type changed: the spec says " + join(spec_types) + ", we decode " + join(ours)});
    else if (!rejected.empty())
      out.push_back({level::warn, field, "the spec also allows " + join(rejected) + ", which we reject (we decode " +
                                             join(ours) + ")"});
  }
  for (std::string_view key : c.allowed)
    if (in_spec.contains(std::string(key)))
      out.push_back({level::info, name + "." + std::string(key), "now in the spec: drop it from the allow-list"});
  std::set<std::string> unmodeled;
  for (const auto& key : in_spec)
    if (!modeled.contains(key) && !allowed.contains(key)) unmodeled.insert(key);
  if (!unmodeled.empty())
    out.push_back({level::info, name, std::to_string(unmodeled.size()) + " spec member(s) we do not model: " + join(unmodeled)});
  bool trouble = std::any_of(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                             [](const finding& f) { return f.lvl == level::warn || f.lvl == level::fail; });
  if (!trouble)
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(before),
               {level::pass, name, std::to_string(c.keys.size()) + " modeled member(s) at " + where(c)});
}

}  // namespace

std::vector<finding> check_spec(const openapi_document& doc) {
  std::vector<finding> out;
  for (const auto& e : wire_endpoints()) {
    std::string method(e.method);
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    const std::string subject = method + " " + std::string(e.path);
    if (doc.has_operation(e.path, e.method)) out.push_back({level::pass, subject, "in the spec"});
    else out.push_back({level::fail, subject, "the client sends it, but the spec no longer has it"});
  }
  for (const auto& c : wire_contracts()) check_contract(doc, c, out);
  return out;
}

tally count(const std::vector<finding>& findings) {
  tally t;
  for (const auto& f : findings) {
    switch (f.lvl) {
      case level::pass: ++t.pass; break;
      case level::info: ++t.info; break;
      case level::warn: ++t.warn; break;
      case level::fail: ++t.fail; break;
    }
  }
  return t;
}

}  // namespace openrouter::cli::spec
