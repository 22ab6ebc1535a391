#pragma once
// Shared by the libFuzzer targets in this directory. Each target is one .cpp holding
//   namespace openrouter::fuzz::<target> { std::string check(const std::uint8_t*, std::size_t); }
// (empty when every property holds, else a description of the first broken one) and
// OPENROUTER_FUZZ_TARGET(<target>::check), which defines LLVMFuzzerTestOneInput unless
// OPENROUTER_FUZZ_NO_MAIN is defined. The GCC unit tests (test/unit/fuzz_smoke_test.cpp)
// include every target that way and replay its body over its seed corpus
// (test/fuzz/corpus/<target>/) and deterministic mutations of it, so CI exercises every target
// without clang.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace openrouter::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) noexcept {
  return {reinterpret_cast<const char*>(data), size};
}

/// `s` with control and non-ASCII bytes escaped, cut at `max` bytes: for failure messages.
inline std::string printable(std::string_view s, std::size_t max = 400) {
  std::string r;
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    if (ch == '\\') {
      r += "\\\\";
    } else if (ch >= 0x20 && ch < 0x7f) {
      r += static_cast<char>(ch);
    } else {
      static const char hex[] = "0123456789abcdef";
      r += "\\x";
      r += hex[ch >> 4];
      r += hex[ch & 15];
    }
  }
  if (s.size() > max) r += "...(" + std::to_string(s.size()) + " bytes)";
  return r;
}

/// A tiny deterministic PRNG (SplitMix64) for choices derived from the input.
struct splitmix {
  std::uint64_t x;
  std::uint64_t operator()() {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

}  // namespace openrouter::fuzz

#ifdef OPENROUTER_FUZZ_NO_MAIN
#define OPENROUTER_FUZZ_TARGET(name, check)
#else
#define OPENROUTER_FUZZ_TARGET(name, check)                                             \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {  \
    if (const std::string d = check(data, size); !d.empty()) {                          \
      std::fprintf(stderr, "%s: %s\n", name, d.c_str());                                \
      std::abort();                                                                     \
    }                                                                                   \
    return 0;                                                                           \
  }
#endif
