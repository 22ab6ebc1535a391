#include "multipart.hpp"

#include <algorithm>
#include <cctype>

namespace openrouter::mock {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The parameters of a header value "type; a=1; b=\"x;y\"": (lower-case name, unquoted value).
// False on an unterminated quoted string.
bool parameters(std::string_view v, std::string& type, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t i = v.find(';');
  type = std::string(trim(v.substr(0, i)));
  while (i != std::string_view::npos && i < v.size()) {
    ++i;  // past ';'
    std::size_t eq = v.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name(trim(v.substr(i, eq - i)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t j = eq + 1;
    while (j < v.size() && (v[j] == ' ' || v[j] == '\t')) ++j;
    std::string value;
    if (j < v.size() && v[j] == '"') {
      ++j;
      bool closed = false;
      for (; j < v.size(); ++j) {
        if (v[j] == '\\' && j + 1 < v.size()) {
          value += v[++j];
        } else if (v[j] == '"') {
          closed = true;
          ++j;
          break;
        } else {
          value += v[j];
        }
      }
      if (!closed) return false;
      // The HTML form encoder's escapes in names and file names.
      for (auto [from, to] : {std::pair{"%22", '"'}, std::pair{"%0D", '\r'}, std::pair{"%0A", '\n'}})
        for (std::size_t at; (at = value.find(from)) != std::string::npos;) value.replace(at, 3, 1, to);
      i = v.find(';', j);
    } else {
      i = v.find(';', j);
      value = std::string(trim(v.substr(j, i == std::string_view::npos ? std::string_view::npos : i - j)));
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

const std::string* param(const std::vector<std::pair<std::string, std::string>>& ps, std::string_view name) {
  for (const auto& [k, v] : ps)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace

std::optional<std::vector<form_part>> parse_multipart(std::string_view content_type, std::string_view body,
                                                      std::string& error) {
  std::string type;
  std::vector<std::pair<std::string, std::string>> ps;
  if (!parameters(content_type, type, ps) || !iequals(type, "multipart/form-data"))
    return error = "expected Content-Type multipart/form-data", std::nullopt;
  const std::string* boundary = param(ps, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70)
    return error = "multipart/form-data without a valid boundary", std::nullopt;
  const std::string delimiter = "--" + *boundary;
  // The body opens with the first delimiter (a preamble before it is allowed, and ignored).
  std::size_t at = body.starts_with(delimiter) ? 0 : body.find("\r\n" + delimiter);
  if (at == std::string_view::npos) return error = "multipart body without its boundary", std::nullopt;
  at += body.starts_with(delimiter) ? delimiter.size() : delimiter.size() + 2;
  std::vector<form_part> parts;
  const std::string next = "\r\n" + delimiter;
  for (;;) {
    if (body.substr(at).starts_with("--")) return parts;  // the closing delimiter
    if (!body.substr(at).starts_with("\r\n")) return error = "malformed multipart delimiter line", std::nullopt;
    at += 2;
    std::size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return error = "multipart part without a header end", std::nullopt;
    form_part p;
    bool named = false;
    std::string_view head = body.substr(at, head_end - at);
    while (!head.empty()) {
      std::size_t eol = head.find("\r\n");
      std::string_view line = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return error = "malformed multipart part header", std::nullopt;
      std::string_view name = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
      if (iequals(name, "content-disposition")) {
        std::string disposition;
        std::vector<std::pair<std::string, std::string>> dps;
        if (!parameters(value, disposition, dps) || !iequals(disposition, "form-data"))
          return error = "multipart part without Content-Disposition: form-data", std::nullopt;
        if (const auto* n = param(dps, "name")) p.name = *n, named = true;
        if (const auto* f = param(dps, "filename")) p.filename = *f;
      } else if (iequals(name, "content-type")) {
        p.content_type = std::string(value);
      }
    }
    if (!named) return error = "multipart part without a name", std::nullopt;
    std::size_t data_at = head_end + 4;
    std::size_t end = body.find(next, data_at);
    if (end == std::string_view::npos) return error = "multipart body ends inside a part (no closing boundary)", std::nullopt;
    p.data = std::string(body.substr(data_at, end - data_at));
    parts.push_back(std::move(p));
    at = end + next.size();
  }
}

}  // namespace openrouter::mock
