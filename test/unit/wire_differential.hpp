#pragma once
// What the wire decoders' differential tests share (wire_chat_chunk_fast_test,
// wire_sax_decode_test): the report of a text two decoders disagree on, and byte-level mutations
// of a valid text (mostly invalid JSON, sometimes valid and odd).
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <iterator>
#include <random>
#include <string>

namespace test {

struct differential_report {
  std::size_t failures = 0;

  void expect(bool ok, const std::string& text, const std::string& how, const std::string& got,
              const std::string& want) {
    if (ok) return;
    if (++failures <= 20)
      BOOST_ERROR(how << " differs for " << text.substr(0, 400) << "\n  got  " << got.substr(0, 600) << "\n  want "
                      << want.substr(0, 600));
  }
};

/// One to three edits of `s`: a byte replaced, bytes erased, a JSON token inserted, the tail cut.
inline std::string mutate_bytes(std::mt19937& rng, std::string s) {
  static const char* const tokens[] = {"null", "\"\"", "\"x\"", "1", "1.5", "-0", "true", "{}", "[]", ",\"k\":1",
                                       "\\u00e9", "\\\"", ",", ":", "\"", "{", "}", "[", "]", " ", "\\"};
  const auto at = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n)(rng); };
  const unsigned edits = 1 + static_cast<unsigned>(at(2));
  for (unsigned e = 0; e < edits && !s.empty(); ++e) {
    const std::size_t pos = at(s.size() - 1);
    switch (at(3)) {
      case 0: s[pos] = "{}[],:\"\\0a -n"[at(12)]; break;
      case 1: s.erase(pos, 1 + at(5)); break;
      case 2: s.insert(pos, tokens[at(std::size(tokens) - 1)]); break;
      default: s.resize(pos); break;
    }
  }
  return s;
}

}  // namespace test
