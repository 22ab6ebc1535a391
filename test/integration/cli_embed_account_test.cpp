// `openrouter embed`, `credits` and `activity` as a user runs them: the built binary against an
// in-process openrouter-mock over verified HTTPS, keys only in its environment.
#include "support/cli_mock.hpp"

#include <openrouter/mock/server.hpp>
#include <openrouter/wire/all.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
namespace wire = openrouter::wire;

namespace {

using namespace test::cli;

const std::string test_key = "sk-or-v1-cli-embed-test-0123456789abcdef";
const std::string mgmt_key = "sk-or-v1-cli-mgmt-test-0123456789abcdef";
const std::string model = "openai/text-embedding-3-small";

struct fixture : mock_cli {
  fixture() : mock_cli(options(), {{"OPENROUTER_API_KEY", test_key}}) {}
  static openrouter::mock::server_options options() {
    openrouter::mock::server_options o;
    o.management_key = mgmt_key;
    return o;
  }
};

// index -> vector, from JSON lines; every index once.
std::map<std::int64_t, std::vector<double>> vectors_of(const std::string& text) {
  std::map<std::int64_t, std::vector<double>> out;
  for (const auto& line : lines(text)) {
    auto v = json::parse(line);
    auto i = v.at("index").as_int64();
    std::vector<double> vec;
    for (const auto& x : v.at("embedding").as_array()) vec.push_back(x.to_number<double>());
    BOOST_TEST(out.emplace(i, std::move(vec)).second, "index " << i << " twice");
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_embed_account_test)

BOOST_AUTO_TEST_CASE(embed_texts_base64_and_float_agree) {
  fixture f;
  auto b64 = f.cli({"embed", "--model", model, "--dimensions", "8", "--quiet", "first text", "second text"});
  BOOST_TEST_REQUIRE(b64.code == 0, b64);
  BOOST_TEST(b64.err.empty(), b64);
  auto flt = f.cli({"embed", "--model", model, "--dimensions", "8", "--encoding-format", "float", "--quiet",
                    "first text", "second text"});
  BOOST_TEST_REQUIRE(flt.code == 0, flt);
  auto a = vectors_of(b64.out), b = vectors_of(flt.out);
  BOOST_TEST_REQUIRE(a.size() == 2u);
  BOOST_TEST(a.at(0).size() == 8u);
  BOOST_TEST((a == b));  // the same floats, printed the same way
  BOOST_TEST((a.at(0) != a.at(1)));
}

BOOST_AUTO_TEST_CASE(embed_a_file_in_concurrent_batches_and_resume) {
  fixture f;
  std::string text;
  for (int i = 0; i < 10; ++i) text += "line number " + std::to_string(i) + "\n";
  auto in = f.dir.write("in.txt", text);
  auto out = f.dir.path / "out.jsonl";
  auto before = f.server->stats().requests;
  auto r = f.cli({"embed", "--model", model, "--dimensions", "4", "--input", in.string(), "--output", out.string(),
                  "--batch-size", "3", "--concurrency", "4"});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  BOOST_TEST(r.out.empty(), r);
  BOOST_TEST(r.err.find("embedded 10 of 10 inputs in 4 requests") != std::string::npos, r);
  BOOST_TEST(f.server->stats().requests - before == 4u);
  const std::string full = slurp(out);
  auto all = vectors_of(full);
  BOOST_TEST_REQUIRE(all.size() == 10u);
  BOOST_TEST(all.rbegin()->first == 9);

  // A crash left 4 whole lines and half of a fifth: a rerun does the other 6, in 2 requests.
  auto ls = lines(full);
  std::string kept;
  std::set<std::int64_t> kept_idx;
  for (int i = 0; i < 4; ++i) {
    kept += ls[i] + "\n";
    kept_idx.insert(json::parse(ls[i]).at("index").as_int64());
  }
  kept += ls[4].substr(0, ls[4].size() / 2);
  f.dir.write("out.jsonl", kept);
  before = f.server->stats().requests;
  auto again = f.cli({"embed", "--model", model, "--dimensions", "4", "--input", in.string(), "--output", out.string(),
                      "--batch-size", "3"});
  BOOST_TEST_REQUIRE(again.code == 0, again);
  BOOST_TEST(again.err.find("embedded 6 of 10 inputs (4 done before) in 2 requests") != std::string::npos, again);
  BOOST_TEST(f.server->stats().requests - before == 2u);
  auto resumed = vectors_of(slurp(out));
  BOOST_TEST((resumed == all));  // every index once, the same vectors

  // Nothing left: no request at all.
  before = f.server->stats().requests;
  auto done = f.cli({"embed", "--model", model, "--dimensions", "4", "--input", in.string(), "--output", out.string()});
  BOOST_TEST(done.code == 0, done);
  BOOST_TEST(f.server->stats().requests == before);
}

BOOST_AUTO_TEST_CASE(embed_failures) {
  fixture f;
  auto chat_model = f.cli({"embed", "--model", "openai/gpt-4o-mini", "--quiet", "x"});
  BOOST_TEST(chat_model.code == 1, chat_model);
  BOOST_TEST(chat_model.out.empty(), chat_model);
  BOOST_TEST(chat_model.err.find("404") != std::string::npos, chat_model);
  BOOST_TEST(chat_model.err.find(test_key) == std::string::npos, chat_model);
  auto blank = f.dir.write("blank.txt", "a\n\nb\n");
  auto r = f.cli({"embed", "--model", model, "--input", blank.string()});
  BOOST_TEST(r.code == 2, r);
  BOOST_TEST(r.err.find("input 1 is empty") != std::string::npos, r);
  BOOST_TEST(f.cli({"embed", "x"}).code == 2);
  BOOST_TEST(f.cli({"embed", "--model", model, "--batch-size", "0", "x"}).code == 2);
  BOOST_TEST(f.cli({"embed", "--model", model, "--encoding-format", "int8", "x"}).code == 2);
}

BOOST_AUTO_TEST_CASE(embed_never_writes_into_its_input) {
  // --output naming the input (the same path, a symlink, a hard link) is refused before any
  // request, and the input is left byte for byte as it was (batch's rule, batch/files.hpp).
  fixture f;
  const std::string text = "alpha\nbeta\ngamma\n";
  auto in = f.dir.write("in.txt", text);
  fs::create_symlink(in, f.dir.path / "link.txt");
  fs::create_hard_link(in, f.dir.path / "hard.txt");
  const auto before = f.server->stats().requests;
  for (const char* name : {"in.txt", "link.txt", "hard.txt"}) {
    auto r = f.cli({"embed", "--model", model, "--input", in.string(), "--output", (f.dir.path / name).string()});
    BOOST_TEST(r.code == 2, name << ": " << r);
    BOOST_TEST(r.err.find("same file as --input") != std::string::npos, name << ": " << r);
    BOOST_TEST(slurp(in) == text, name);
  }
  BOOST_TEST(f.server->stats().requests == before);
}

BOOST_AUTO_TEST_CASE(credits_and_activity) {
  fixture f;
  const std::map<std::string, std::string> both{{"OPENROUTER_API_KEY", test_key}, {"OPENROUTER_MANAGEMENT_KEY", mgmt_key}};
  // The API key alone is not a management key: 403, one line, no key.
  auto refused = f.cli({"credits"});
  BOOST_TEST(refused.code == 1, refused);
  BOOST_TEST(refused.err.find("403") != std::string::npos, refused);
  BOOST_TEST(refused.err.find(test_key) == std::string::npos, refused);
  auto none = f.cli({"credits"}, {});
  BOOST_TEST(none.code == 2, none);

  auto chat = f.cli({"chat", "--model", "openai/gpt-4o-mini", "hello"});
  BOOST_TEST_REQUIRE(chat.code == 0, chat);
  auto credits = f.cli({"credits"}, both);
  BOOST_TEST_REQUIRE(credits.code == 0, credits);
  BOOST_TEST(credits.out.find("total_credits") != std::string::npos, credits);
  BOOST_TEST(credits.out.find("$100") != std::string::npos, credits);
  BOOST_TEST(credits.out.find("remaining") != std::string::npos, credits);
  auto cj = f.cli({"credits", "--json"}, both);
  BOOST_TEST_REQUIRE(cj.code == 0, cj);
  auto c = json::parse(cj.out);
  BOOST_TEST(c.at("total_credits").to_number<double>() == 100.0);
  BOOST_TEST(c.at("total_usage").to_number<double>() > 0.0);

  // The management key alone serves both commands.
  auto activity = f.cli({"activity"}, {{"OPENROUTER_MANAGEMENT_KEY", mgmt_key}});
  BOOST_TEST_REQUIRE(activity.code == 0, activity);
  BOOST_TEST(activity.out.find("openai/gpt-4o-mini") != std::string::npos, activity);
  auto rows = lines(activity.out);
  BOOST_TEST_REQUIRE(rows.size() == 3u, activity);  // header, one row, total
  BOOST_TEST(rows.back().starts_with("total"), activity);
  auto aj = f.cli({"activity", "--json"}, both);
  BOOST_TEST_REQUIRE(aj.code == 0, aj);
  wire::activity a;
  wire::decode_error err;
  wire::from_json(json::parse(aj.out), a, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(a.total_requests() == 1);
  auto bad = f.cli({"activity", "--date", "soon"}, both);
  BOOST_TEST(bad.code == 1, bad);
  BOOST_TEST(bad.err.find(mgmt_key) == std::string::npos, bad);
}

BOOST_AUTO_TEST_SUITE_END()
