// The bounded fuzz smoke that CI runs (CI builds with GCC only): the body of every libFuzzer
// target in test/fuzz/ is compiled in here (its entry point disabled) and replayed over its seed
// corpus (test/fuzz/corpus/<target>/: seeds plus the input of every past finding), then over a
// few thousand deterministic mutations of it (bit flips, byte edits, cuts, splices, tokens).
// Under the asan preset this is ASan+UBSan too. A failure prints the target's description and
// the input as hex; save it as a file and replay it with build/fuzz/test/fuzz/<target> FILE.
#define OPENROUTER_FUZZ_NO_MAIN
#define OPENROUTER_SSE_FUZZ_NO_MAIN
#include "fuzz/address_screen_fuzz.cpp"
#include "fuzz/chat_chunk_fuzz.cpp"
#include "fuzz/data_url_fuzz.cpp"
#include "fuzz/gzip_fuzz.cpp"
#include "fuzz/header_values_fuzz.cpp"
#include "fuzz/jsonl_fuzz.cpp"
#include "fuzz/origin_fuzz.cpp"
#include "fuzz/policy_fuzz.cpp"
#include "fuzz/scenario_fuzz.cpp"
#include "fuzz/schema_fuzz.cpp"
#include "fuzz/sse_parser_fuzz.cpp"
#include "fuzz/wire_body_fuzz.cpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fz = openrouter::fuzz;

namespace {

struct input {
  std::string name, bytes;
};

std::vector<input> corpus_of(const std::string& target) {
  const std::filesystem::path dir = std::filesystem::path(OPENROUTER_SOURCE_DIR) / "test" / "fuzz" / "corpus" / target;
  std::vector<input> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream f(e.path(), std::ios::binary);
    out.push_back({e.path().filename().string(), std::string(std::istreambuf_iterator<char>(f), {})});
  }
  std::sort(out.begin(), out.end(), [](const input& a, const input& b) { return a.name < b.name; });
  return out;
}

std::string hex(std::string_view s) {
  static const char digits[] = "0123456789abcdef";
  std::string r;
  for (unsigned char c : s.substr(0, 2048)) {
    r += digits[c >> 4];
    r += digits[c & 15];
  }
  return r;
}

// libFuzzer-like mutations, deterministic.
std::string mutate(fz::splitmix& rng, std::string s, const std::vector<input>& corpus) {
  static const char* const tokens[] = {"null", "\"\"", "{}", "[]", "1e400", "-1", "18446744073709551616", "\\u0000",
                                       "\n", "\r\n", "=", "/", ":", "%", "\xff", "\"id\":", ",", "0.5", "true"};
  const auto at = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  const unsigned edits = 1 + static_cast<unsigned>(rng() % 4);
  for (unsigned e = 0; e < edits; ++e) {
    const std::size_t pos = at(s.size() + 1);
    switch (rng() % 8) {
      case 0:
        if (!s.empty()) s[at(s.size())] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:
        if (!s.empty()) s[at(s.size())] = static_cast<char>(rng());
        break;
      case 2: s.insert(pos, 1, static_cast<char>(rng())); break;
      case 3: s.erase(pos, 1 + at(8)); break;
      case 4: s.insert(pos, tokens[at(std::size(tokens))]); break;
      case 5: s.resize(pos); break;
      case 6: {  // repeat a piece
        const std::size_t from = at(s.size() + 1);
        s.insert(pos, s.substr(from, 1 + at(16)));
        break;
      }
      default: {  // splice with another input
        const std::string& other = corpus[at(corpus.size())].bytes;
        const std::size_t from = at(other.size() + 1);
        s = s.substr(0, pos) + other.substr(from);
        break;
      }
    }
  }
  return s;
}

template <class Check>
void replay(const std::string& target, Check check, std::size_t mutations) {
  const std::vector<input> corpus = corpus_of(target);
  BOOST_TEST_REQUIRE(corpus.size() >= 3u, target << " needs a seed corpus");
  std::size_t failures = 0;
  auto run = [&](const std::string& bytes, const std::string& what) {
    const std::string d = check(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (!d.empty() && ++failures <= 5) BOOST_ERROR(target << " " << what << ": " << d << "\n input (hex): " << hex(bytes));
  };
  for (const input& in : corpus) run(in.bytes, in.name);
  fz::splitmix rng{openrouter::cli::batch::fnv1a(target)};  // the same inputs on every run and machine
  for (std::size_t i = 0; i < mutations && failures == 0; ++i) {
    const input& base = corpus[rng() % corpus.size()];
    run(mutate(rng, base.bytes, corpus), "mutation " + std::to_string(i) + " of " + base.name);
  }
  BOOST_TEST(failures == 0u, target << ": " << failures << " failures");
  BOOST_TEST_MESSAGE(target << ": " << corpus.size() << " corpus inputs, " << mutations << " mutations");
}

// The SSE target reports through its own function.
std::string sse_check(const std::uint8_t* data, std::size_t size) { return openrouter::sse_fuzz::differential(data, size); }

}  // namespace

BOOST_AUTO_TEST_SUITE(fuzz_smoke_test)

BOOST_AUTO_TEST_CASE(wire_body) { replay("wire_body_fuzz", fz::wire_body::check, 3000); }
BOOST_AUTO_TEST_CASE(chat_chunk_fast_vs_dom) { replay("chat_chunk_fuzz", fz::chat_chunk::check, 3000); }
BOOST_AUTO_TEST_CASE(routing_policy) { replay("policy_fuzz", fz::policy::check, 3000); }
BOOST_AUTO_TEST_CASE(mock_scenario) { replay("scenario_fuzz", fz::scenario::check, 3000); }
BOOST_AUTO_TEST_CASE(data_url) { replay("data_url_fuzz", fz::data_url::check, 3000); }
BOOST_AUTO_TEST_CASE(base_url_origin) { replay("origin_fuzz", fz::origin::check, 3000); }
BOOST_AUTO_TEST_CASE(ssrf_address_screen) { replay("address_screen_fuzz", fz::address_screen::check, 3000); }
BOOST_AUTO_TEST_CASE(gzip_inflate) { replay("gzip_fuzz", fz::gzip::check, 2000); }
BOOST_AUTO_TEST_CASE(batch_jsonl) { replay("jsonl_fuzz", fz::jsonl::check, 3000); }
BOOST_AUTO_TEST_CASE(json_schema) { replay("schema_fuzz", fz::schema_check::check, 2000); }
BOOST_AUTO_TEST_CASE(header_values) { replay("header_values_fuzz", fz::header_values::check, 3000); }
BOOST_AUTO_TEST_CASE(sse_parser) { replay("sse_parser_fuzz", sse_check, 2000); }

BOOST_AUTO_TEST_SUITE_END()
