#include "text.hpp"

#include <cstdint>
#include <cstdio>

namespace openrouter::cli::text {

namespace {

/// The sequence at the start of `s` (not empty): `len` bytes, well-formed or not; when not, `len`
/// is its maximal ill-formed subpart (the bytes a decoder replaces by one U+FFFD), and `cut`
/// says it is a well-formed beginning that the end of `s` cut. Ranges: Unicode, table 3-7.
struct sequence {
  std::size_t len;
  bool ok;
  bool cut;
};
sequence sequence_at(std::string_view s) noexcept {
  const auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return {1, true, false};
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c == 0xE0) len = 3, lo = 0xA0;
  else if (c >= 0xE1 && c <= 0xEC) len = 3;
  else if (c == 0xED) len = 3, hi = 0x9F;  // no surrogates
  else if (c >= 0xEE && c <= 0xEF) len = 3;
  else if (c == 0xF0) len = 4, lo = 0x90;
  else if (c >= 0xF1 && c <= 0xF3) len = 4;
  else if (c == 0xF4) len = 4, hi = 0x8F;  // at most U+10FFFF
  else return {1, false, false};
  for (std::size_t i = 1; i < len; ++i) {
    if (i >= s.size()) return {i, false, true};
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return {i, false, false};
  }
  return {len, true, false};
}

std::string hex_escape(const char* prefix, unsigned v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, v);
  return buf;
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    sequence q = sequence_at(s.substr(i));
    if (!q.ok) return false;
    i += q.len;
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    sequence q = sequence_at(s.substr(i));
    if (q.ok) out.append(s.data() + i, q.len);
    else out += "\xEF\xBF\xBD";  // U+FFFD
    i += q.len;
  }
  return out;
}

std::string terminal_filter::feed(std::string_view piece) {
  std::string in;
  if (!held_.empty()) {
    in = std::move(held_);
    held_.clear();
    in.append(piece);
    piece = in;
  }
  std::string out;
  out.reserve(piece.size());
  for (std::size_t i = 0; i < piece.size();) {
    const auto c = static_cast<unsigned char>(piece[i]);
    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7F)) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      out += hex_escape("\\x", c, 2);
      ++i;
      continue;
    }
    sequence q = sequence_at(piece.substr(i));
    if (q.cut) {  // cut by the end of this piece: wait for the rest
      held_.assign(piece.substr(i));
      break;
    }
    if (!q.ok) {  // each byte of it shown
      for (std::size_t k = 0; k < q.len; ++k) out += hex_escape("\\x", static_cast<unsigned char>(piece[i + k]), 2);
    } else if (q.len == 2 && c == 0xC2 && static_cast<unsigned char>(piece[i + 1]) <= 0x9F) {  // C1: U+0080 to U+009F
      out += hex_escape("\\u", static_cast<unsigned char>(piece[i + 1]), 4);
    } else {
      out.append(piece.data() + i, q.len);
    }
    i += q.len;
  }
  return out;
}

std::string terminal_filter::finish() {
  std::string out;
  for (unsigned char c : held_) out += hex_escape("\\x", c, 2);
  held_.clear();
  return out;
}

terminal_streambuf::~terminal_streambuf() {
  std::string rest = filter_.finish();
  if (!rest.empty()) to_->sputn(rest.data(), static_cast<std::streamsize>(rest.size()));
  to_->pubsync();
}

terminal_streambuf::int_type terminal_streambuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  char ch = traits_type::to_char_type(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize terminal_streambuf::xsputn(const char* s, std::streamsize n) {
  std::string safe = filter_.feed(std::string_view(s, static_cast<std::size_t>(n)));
  if (!safe.empty() && to_->sputn(safe.data(), static_cast<std::streamsize>(safe.size())) !=
                           static_cast<std::streamsize>(safe.size()))
    return 0;
  return n;
}

int terminal_streambuf::sync() { return to_->pubsync(); }

}  // namespace openrouter::cli::text
