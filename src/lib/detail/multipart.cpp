#include "multipart.hpp"

#include <random>

namespace openrouter::detail {

namespace {

bool valid_boundary(std::string_view b) {
  if (b.empty() || b.size() > 70) return false;
  for (char c : b) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    for (char x : std::string_view("'()+_,-./:=?")) ok = ok || c == x;
    if (!ok) return false;
  }
  return true;
}

std::string random_boundary() {
  static constexpr std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string b = "----openrouter-cpp-";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 24; ++i) b += alphabet[pick(rng)];
  return b;
}

}  // namespace

std::string quote_form_name(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "%22";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  out += '"';
  return out;
}

void multipart_form::add_field(std::string_view name, std::string_view value) {
  part p;
  p.head = "Content-Disposition: form-data; name=";
  p.head += quote_form_name(name);
  p.head += "\r\n";
  p.data = std::string(value);
  parts_.push_back(std::move(p));
}

void multipart_form::add_file(std::string_view name, std::string_view file_name, std::string_view content_type,
                              std::string_view bytes) {
  part p;
  p.head = "Content-Disposition: form-data; name=";
  p.head += quote_form_name(name);
  p.head += "; filename=";
  p.head += quote_form_name(file_name);
  p.head += "\r\nContent-Type: ";
  if (content_type.empty()) content_type = "application/octet-stream";
  for (char c : content_type)
    if (c != '\r' && c != '\n') p.head += c;
  p.head += "\r\n";
  p.data = std::string(bytes);
  parts_.push_back(std::move(p));
}

multipart_form::encoded multipart_form::encode() const { return encode(random_boundary); }

multipart_form::encoded multipart_form::encode(const std::function<std::string()>& next_boundary) const {
  std::string boundary;
  for (;;) {
    boundary = next_boundary();
    if (!valid_boundary(boundary)) continue;
    bool found = false;
    for (const auto& p : parts_)
      found = found || p.head.find(boundary) != std::string::npos || p.data.find(boundary) != std::string::npos;
    if (!found) break;
  }
  encoded out;
  out.content_type = "multipart/form-data; boundary=";
  out.content_type += boundary;
  std::size_t size = boundary.size() + 8;
  for (const auto& p : parts_) size += boundary.size() + p.head.size() + p.data.size() + 8;
  out.body.reserve(size);
  for (const auto& p : parts_) {
    out.body += "--";
    out.body += boundary;
    out.body += "\r\n";
    out.body += p.head;
    out.body += "\r\n";
    out.body += p.data;
    out.body += "\r\n";
  }
  out.body += "--";
  out.body += boundary;
  out.body += "--\r\n";
  return out;
}

}  // namespace openrouter::detail
