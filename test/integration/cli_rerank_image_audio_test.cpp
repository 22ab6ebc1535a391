// `openrouter rerank`, `image`, `speak` and `transcribe` as a user runs them: the built binary
// against an in-process openrouter-mock over verified HTTPS, the key only in its environment.
#include "support/cli_mock.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

using namespace test::cli;

const std::string test_key = "sk-or-v1-cli-media-test-0123456789abcdef";

struct fixture : mock_cli {
  fixture() : mock_cli({}, {{"OPENROUTER_API_KEY", test_key}}) {}
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_rerank_image_audio_test)

BOOST_AUTO_TEST_CASE(rerank_prints_the_ranking) {
  fixture f;
  auto r = f.cli({"rerank", "--model", "cohere/rerank-v3.5", "--query", "capital of France", "--top-n", "2",
                  "Berlin is in Germany", "Paris is the capital of France", "Bananas"});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  auto out = lines(r.out);
  BOOST_TEST_REQUIRE(out.size() == 2u, r);
  BOOST_TEST(out[0].starts_with("1\t1\t"), r);
  BOOST_TEST(out[0].ends_with("\tParis is the capital of France"), r);
  BOOST_TEST(r.err.find("reranked 3 documents, $") != std::string::npos, r);
  auto j = f.cli({"rerank", "--model", "cohere/rerank-v3.5", "--query", "q", "--json", "--quiet", "a", "b"});
  BOOST_TEST_REQUIRE(j.code == 0, j);
  BOOST_TEST(json::parse(j.out).at("results").as_array().size() == 2u);
  BOOST_TEST(j.err.empty(), j);
  // usage errors (2), a failed request (1) with one line that never shows the key
  BOOST_TEST(f.cli({"rerank", "--model", "cohere/rerank-v3.5", "a"}).code == 2);
  BOOST_TEST(f.cli({"rerank", "--model", "cohere/rerank-v3.5", "--query", "q"}).code == 2);
  auto bad = f.cli({"rerank", "--model", "nobody/nothing", "--query", "q", "a"});
  BOOST_TEST(bad.code == 1, bad);
  BOOST_TEST(bad.err.find("404") != std::string::npos, bad);
  BOOST_TEST(bad.err.find(test_key) == std::string::npos, bad);
}

BOOST_AUTO_TEST_CASE(image_writes_files) {
  fixture f;
  auto one = (f.dir.path / "fox.png").string();
  auto r = f.cli({"image", "--model", "black-forest-labs/flux-1-schnell", "--output", one, "--quiet", "a", "fox"});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  BOOST_TEST(r.out == one + "\n", r);
  BOOST_TEST(slurp(one).substr(1, 3) == "PNG");
  fs::create_directories(f.dir.path / "out");
  auto two = f.cli({"image", "--model", "black-forest-labs/flux-1-schnell", "--images", "2", "--dir",
                    (f.dir.path / "out").string(), "--json", "two foxes"});
  BOOST_TEST_REQUIRE(two.code == 0, two);
  auto files = json::parse(two.out).at("files").as_array();
  BOOST_TEST_REQUIRE(files.size() == 2u);
  for (const auto& x : files) {
    fs::path p(std::string(x.at("path").as_string()));
    BOOST_TEST(fs::file_size(p) == static_cast<std::uintmax_t>(x.at("bytes").as_int64()));
    BOOST_TEST(p.extension() == ".png");
  }
  BOOST_TEST(two.err.find("generated 2 images, $") != std::string::npos, two);
  BOOST_TEST(f.cli({"image", "--model", "m", "--images", "2", "--output", one, "x"}).code == 2);
  auto text_model = f.cli({"image", "--model", "openai/gpt-4o-mini", "--output", one, "x"});
  BOOST_TEST(text_model.code == 1, text_model);
}

BOOST_AUTO_TEST_CASE(speak_then_transcribe) {
  fixture f;
  auto wav = (f.dir.path / "hello.wav").string();
  auto s = f.cli({"speak", "--model", "openai/gpt-4o-mini-tts", "--format", "wav", "--output", wav, "Hello", "world"});
  BOOST_TEST_REQUIRE(s.code == 0, s);
  BOOST_TEST(slurp(wav).substr(0, 4) == "RIFF");
  BOOST_TEST(s.err.find("audio/wav") != std::string::npos, s);
  auto t = f.cli({"transcribe", "--model", "openai/whisper-large-v3", "--quiet", wav});
  BOOST_TEST_REQUIRE(t.code == 0, t);
  BOOST_TEST(lines(t.out).size() == 1u, t);
  auto v = f.cli({"transcribe", "--model", "openai/whisper-large-v3", "--json", "--verbose", wav});
  BOOST_TEST_REQUIRE(v.code == 0, v);
  auto j = json::parse(v.out);
  BOOST_TEST(std::string(j.at("text").as_string()) + "\n" == t.out);
  BOOST_TEST(j.at("duration").as_double() == 0.66);  // 11 characters, 60 ms each
  BOOST_TEST(f.cli({"speak", "--model", "openai/gpt-4o-mini-tts", "hi"}).code == 2);  // no --output
  BOOST_TEST(f.cli({"transcribe", "--model", "openai/whisper-large-v3", (f.dir.path / "none.wav").string()}).code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
