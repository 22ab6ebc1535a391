#include "resp.hpp"

#include <charconv>
#include <system_error>

namespace openrouter::fleet {

namespace {

void put_header(std::string& out, char kind, std::size_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.push_back(kind);
  out.append(buf, r.ptr);
  out.append("\r\n");
}

void put_bulk(std::string& out, std::string_view s) {
  put_header(out, '$', s.size());
  out.append(s);
  out.append("\r\n");
}

}  // namespace

resp_args& resp_args::add(std::string_view s) {
  put_bulk(out_, s);
  ++n_;
  return *this;
}

resp_args& resp_args::add(long long v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

resp_args& resp_args::add(double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  if (r.ec != std::errc{}) return add(std::string_view("0"));
  return add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

resp_args& resp_args::append(const resp_args& more) {
  out_.append(more.out_);
  n_ += more.n_;
  return *this;
}

std::string resp_command(std::string_view name, std::string_view first, const resp_args& rest) {
  std::string out;
  out.reserve(32 + name.size() + first.size() + rest.bytes().size());
  put_header(out, '*', 2 + rest.count());
  put_bulk(out, name);
  put_bulk(out, first);
  out.append(rest.bytes());
  return out;
}

std::string resp_command(const resp_args& argv) {
  std::string out;
  out.reserve(16 + argv.bytes().size());
  put_header(out, '*', argv.count());
  out.append(argv.bytes());
  return out;
}

}  // namespace openrouter::fleet
