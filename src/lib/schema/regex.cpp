#include "regex.hpp"

#include "program.hpp"

#include <boost/regex.hpp>

#include <stdexcept>
#include <string_view>

namespace openrouter::schema::detail {
namespace {

// UTF-8 to code points; a malformed sequence becomes U+FFFD (Boost.JSON's parser never
// produces one, but a value built in code may hold any bytes).
std::wstring decode(std::string_view s) {
  std::wstring out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = extra >= 0 && i + static_cast<std::size_t>(extra) < s.size();
    for (int k = 1; ok && k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) {
      out += wchar_t(0xFFFD);
      ++i;
      continue;
    }
    out += static_cast<wchar_t>(cp);
    i += static_cast<std::size_t>(extra) + 1;
  }
  return out;
}

// ECMA-262 WhiteSpace and LineTerminator, as the body of a character class.
constexpr const wchar_t* ecma_space =
    L"\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

bool is_hex(wchar_t c) { return (c >= L'0' && c <= L'9') || (c >= L'a' && c <= L'f') || (c >= L'A' && c <= L'F'); }

std::wstring translate(const std::wstring& in) {
  std::wstring out;
  bool in_class = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    wchar_t c = in[i];
    if (c == L'\\' && i + 1 < in.size()) {
      wchar_t d = in[++i];
      switch (d) {
        case L'd': out += in_class ? L"0-9" : L"[0-9]"; break;
        case L'D': out += in_class ? L"\\D" : L"[^0-9]"; break;
        case L'w': out += in_class ? L"A-Za-z0-9_" : L"[A-Za-z0-9_]"; break;
        case L'W': out += in_class ? L"\\W" : L"[^A-Za-z0-9_]"; break;
        case L's':
          if (in_class) out += ecma_space;
          else out += std::wstring(L"[") + ecma_space + L"]";
          break;
        case L'S':
          if (in_class) out += L"\\S";
          else out += std::wstring(L"[^") + ecma_space + L"]";
          break;
        case L'u':
          if (i + 4 < in.size() && is_hex(in[i + 1]) && is_hex(in[i + 2]) && is_hex(in[i + 3]) && is_hex(in[i + 4])) {
            out += L"\\x{" + in.substr(i + 1, 4) + L"}";
            i += 4;
          } else {
            out += L'u';  // without the u flag, \u not followed by 4 hex digits is a 'u'
          }
          break;
        default:
          // Letter escapes ECMA-262 does not define (\A \Z \z \Q \h ...) mean something else
          // to Boost, or nothing: reject them, as ECMA-262 does in Unicode mode.
          if (((d >= L'a' && d <= L'z') || (d >= L'A' && d <= L'Z')) && std::wstring_view(L"bBfnrtvcxkpP").find(d) == std::wstring_view::npos)
            throw std::invalid_argument("\\" + std::string(1, static_cast<char>(d)) + " is not an ECMA-262 escape");
          out += L'\\';
          out += d;
      }
    } else if (in_class) {
      if (c == L']') in_class = false;
      out += c;
    } else if (c == L'[') {
      // In ECMA-262 a ']' right after '[' or '[^' closes the class: [] never matches, [^] always.
      if (i + 1 < in.size() && in[i + 1] == L']') {
        out += L"(?!)";
        i += 1;
      } else if (i + 2 < in.size() && in[i + 1] == L'^' && in[i + 2] == L']') {
        out += L"[\\s\\S]";
        i += 2;
      } else {
        in_class = true;
        out += c;
      }
    } else if (c == L'.') {
      out += L"[^\\n\\r\\x{2028}\\x{2029}]";
    } else if (c == L'^') {
      out += L"\\A";
    } else if (c == L'$') {
      out += L"\\z";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

struct regex::impl {
  boost::wregex re;
};

regex::regex(std::string_view ecma_pattern) : source_(ecma_pattern) {
  std::wstring pattern = translate(decode(ecma_pattern));
  try {
    impl_ = std::make_unique<impl>(impl{boost::wregex(pattern, boost::regex_constants::ECMAScript)});
  } catch (const boost::regex_error& e) {
    throw std::invalid_argument(e.what());
  }
}

regex::~regex() = default;

bool regex::search(std::string_view utf8) const {
  std::wstring text = decode(utf8);
  try {
    return boost::regex_search(text.cbegin(), text.cend(), impl_->re);
  } catch (const std::runtime_error& e) {
    throw eval_failure{{error_kind::regex_limit, {}, std::string("pattern ") + source_ + ": " + e.what()}};
  }
}

}  // namespace openrouter::schema::detail
