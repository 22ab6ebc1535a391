// `openrouter batch` as a user runs it: the built binary against an in-process openrouter-mock
// (verified HTTPS on loopback) with scripted faults. Every run must end with each input id on
// exactly one whole output line: under faults and fallbacks, after a kill -9 and a rerun,
// across shards, with malformed lines, past a spend budget, and after Ctrl-C.
#include "support/cli_process.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string test_key = "sk-or-v1-batch-test-0123456789abcdef";
const std::string binary = OPENROUTER_BINARY_DIR "/openrouter";
const std::map<std::string, std::string> key_env{{"OPENROUTER_API_KEY", test_key}};

/// Lines of the output file, each parsed; fails the test on a line that is not a whole object.
std::vector<json::object> output_lines(const fs::path& p) {
  std::string text = test::read_file(p);
  std::vector<json::object> out;
  BOOST_TEST((text.empty() || text.back() == '\n'), "the output ends with a partial line");
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    boost::system::error_code ec;
    json::value v = json::parse(l, ec);
    BOOST_TEST_REQUIRE((!ec && v.is_object()), "not a JSON object line: " << l);
    BOOST_TEST_REQUIRE(v.as_object().contains("id"), l);
    BOOST_TEST(l.find(test_key) == std::string::npos);
    out.push_back(std::move(v.as_object()));
  }
  return out;
}

/// id -> its output line; fails on an id written twice.
std::map<std::string, json::object> by_id(const std::vector<json::object>& lines) {
  std::map<std::string, json::object> m;
  for (const auto& l : lines) {
    std::string id(l.at("id").as_string());
    BOOST_TEST(m.count(id) == 0u, "id written twice: " << id);
    m[id] = l;
  }
  return m;
}

std::set<std::string> ids_of(const std::map<std::string, json::object>& m) {
  std::set<std::string> s;
  for (const auto& [id, _] : m) s.insert(id);
  return s;
}

std::string error_class(const json::object& line) {
  if (!line.contains("error")) return "";
  return std::string(line.at("error").as_object().at("class").as_string());
}

std::string request(const std::string& id, const std::string& model, const std::string& prompt = "hello") {
  json::object o;
  if (!id.empty()) o["id"] = id;
  if (!model.empty()) o["model"] = model;
  o["messages"] = json::array{json::object{{"role", "user"}, {"content", prompt}}};
  o["max_tokens"] = 4;
  return json::serialize(o) + "\n";
}

struct batch_fixture {
  explicit batch_fixture(openrouter::mock::server_options opts = {}) : server(std::move(opts)) {
    BOOST_TEST_REQUIRE(fs::exists(binary), binary << " is missing: build the openrouter-cli target first");
    char tmpl[] = "/tmp/openrouter-batch-test-XXXXXX";
    BOOST_TEST_REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    ca = write("ca.pem", server->ca_pem());
    // Fast retries, and no breaker or retry budget cutting them short: the tests are about the
    // output, not about the router's protections.
    policy = write("policy.json", R"({"backoff": {"initial_ms": 1, "max_ms": 5, "fallback_over_ms": 1},
                                      "breaker": {"enabled": false}, "retry_budget": {"enabled": false}})");
  }
  ~batch_fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
  std::vector<std::string> args(std::vector<std::string> extra) {
    std::vector<std::string> a{"--base-url", server->base_url(), "--ca-file", ca.string(), "batch"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  /// Runs `batch` to completion; returns the exit code.
  int batch(std::vector<std::string> extra, std::string* err = nullptr) {
    test::cli_process p(dir, args(std::move(extra)), key_env);
    int code = p.wait(120s);
    std::string e = p.err();
    BOOST_TEST(e.find(test_key) == std::string::npos);
    if (err) *err = e;
    return code;
  }
  /// Starts `batch`, sends `sig` once `out` holds at least `lines` lines, and waits for the exit:
  /// {exit code, stderr}.
  std::pair<int, std::string> interrupt(std::vector<std::string> extra, const fs::path& out, std::size_t lines,
                                        int sig) {
    test::cli_process p(dir, args(std::move(extra)), key_env);
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (true) {
      std::string text = test::read_file(out);
      if (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= lines) break;
      BOOST_TEST_REQUIRE(p.running(), "batch ended early: " << p.err());
      BOOST_TEST_REQUIRE((std::chrono::steady_clock::now() < deadline), "no output lines in time");
      std::this_thread::sleep_for(5ms);
    }
    ::kill(p.pid(), sig);
    int code = p.wait(60s);
    return {code, p.err()};
  }

  openrouter::mock::background_server server;
  fs::path dir, ca, policy;
};

/// A mock whose gpt-4o-mini streams slowly, so that a run can be interrupted midway.
openrouter::mock::server_options slow_mock() {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models": {"openai/gpt-4o-mini": {"ttft_ms": 40, "itl_ms": 5}}})");
  return o;
}

/// 300 streamed requests with ids PREFIX0..PREFIX299, 4 at a time: the batch arguments.
std::vector<std::string> slow_batch(batch_fixture& f, const std::string& prefix, const fs::path& out) {
  std::string input;
  for (int i = 0; i < 300; ++i) input += request(prefix + std::to_string(i), "openai/gpt-4o-mini");
  auto in = f.write("in.jsonl", input);
  return {"--input", in.string(), "--output", out.string(), "--concurrency", "4", "--stream"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_batch_test)

BOOST_AUTO_TEST_CASE(exactly_once_under_faults_and_fallback) {
  batch_fixture f;
  // Per-line models: healthy, flaky (retried), always failing in different ways; plus no-id lines.
  const std::vector<std::pair<std::string, std::string>> kinds{
      {"openai/gpt-4o-mini", ""},           {"fault/503;rate=0.5", ""}, {"fault/403", "moderation"},
      {"fault/reset", "transport"},         {"fault/404", "unavailable"}};
  std::string input;
  std::map<std::string, std::string> expected_class;  // "" : a result
  for (int i = 0; i < 40; ++i) {
    const auto& [model, cls] = kinds[i % kinds.size()];
    std::string id = i % 7 == 3 ? "" : "r" + std::to_string(i);  // some take their line number
    input += request(id, model);
    expected_class[id.empty() ? std::to_string(i + 1) : id] = cls;
  }
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  int code = f.batch({"--input", in.string(), "--output", out.string(), "--concurrency", "8", "--policy",
                      f.policy.string(), "--no-progress"},
                     &err);
  BOOST_TEST(code == 1, err);  // error lines were written
  auto m = by_id(output_lines(out));
  BOOST_TEST(ids_of(m).size() == expected_class.size());
  for (const auto& [id, cls] : expected_class) {
    BOOST_TEST_REQUIRE(m.count(id) == 1u, id);
    const auto& l = m[id];
    if (cls.empty() && !l.contains("error")) {
      BOOST_TEST(l.at("model") == l.at("requested_model"), id);  // the line's own model served
      BOOST_TEST(!l.at("content").as_string().empty(), id);
      BOOST_TEST(l.at("usage").as_object().at("completion_tokens").as_int64() > 0, id);
      BOOST_TEST(l.at("generation_id").as_string().starts_with("gen-"), id);
      BOOST_TEST(l.at("attempts").as_int64() >= 1, id);
    } else if (cls.empty()) {  // the flaky model failed every attempt (rare): a retryable class
      BOOST_TEST(error_class(l) == "overloaded", id);
    } else {
      BOOST_TEST(error_class(l) == cls, id << ": " << json::serialize(l));
      BOOST_TEST(l.at("error").as_object().contains("message"), id);
    }
  }
  // Summary on stderr: by model, error classes, latency percentiles.
  BOOST_TEST(err.find("openai/gpt-4o-mini") != std::string::npos, err);
  BOOST_TEST(err.find("moderation") != std::string::npos, err);
  BOOST_TEST(err.find("p99") != std::string::npos, err);

  // The same requests through a failing primary and a healthy fallback: every id answered.
  auto out2 = f.dir / "fallback.jsonl";
  int code2 = f.batch({"--input", in.string(), "--output", out2.string(), "--model", "fault/503", "--fallback",
                       "openai/gpt-4o-mini", "--policy", f.policy.string(), "--no-progress"},
                      &err);
  BOOST_TEST(code2 == 0, err);
  auto m2 = by_id(output_lines(out2));
  BOOST_TEST(ids_of(m2).size() == expected_class.size());
  for (const auto& [id, l] : m2) {
    BOOST_TEST_REQUIRE(!l.contains("error"), json::serialize(l));
    BOOST_TEST(l.at("model").as_string() == "openai/gpt-4o-mini");
    BOOST_TEST(l.at("attempts").as_int64() >= 2);
    BOOST_TEST(l.at("fallback").as_bool());
  }
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_error_lines_and_the_run_goes_on) {
  batch_fixture f;
  std::string input = request("ok1", "") + "{not json\n" + "[1, 2]\n" + R"({"id": 5, "messages": []})" + "\n" +
                      request("ok1", "") +                                      // duplicate id
                      R"({"id": "no-messages"})" + "\n" +                       //
                      R"({"id": "bad-type", "messages": [], "temperature": "hot"})" + "\n" + "\n" +  // blank skipped
                      request("ok2", "");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  int code = f.batch({"--input", in.string(), "--output", out.string(), "--model", "openai/gpt-4o-mini",
                      "--no-progress"},
                     &err);
  BOOST_TEST(code == 1, err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(ids_of(m) == (std::set<std::string>{"ok1", "2", "3", "4", "5", "no-messages", "bad-type", "ok2"}));
  BOOST_TEST(error_class(m["ok1"]) == "");
  BOOST_TEST(error_class(m["ok2"]) == "");
  for (const char* id : {"2", "3", "4", "no-messages", "bad-type"}) BOOST_TEST(error_class(m[id]) == "invalid_input", id);
  BOOST_TEST(error_class(m["5"]) == "duplicate_id");
  BOOST_TEST(m["3"].at("line").as_int64() == 3);

  // Without --model, a line without "model" is an error line too.
  auto out2 = f.dir / "out2.jsonl";
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out2.string(), "--no-progress"}) == 1);
  auto m2 = by_id(output_lines(out2));
  BOOST_TEST(error_class(m2["ok1"]) == "invalid_input");

  test::cli_process h(f.dir, f.args({"--help"}), key_env);
  BOOST_TEST(h.wait(30s) == 0);
  for (const char* word : {"--input", "--output", "--concurrency", "--fallback", "--policy", "--stream", "--max-cost",
                           "--rpm", "--shard", "--drain-timeout", "--retry-errors"})
    BOOST_TEST(h.out().find(word) != std::string::npos, word);

  // Usage errors: exit 2, no output file touched.
  auto none = f.dir / "none.jsonl";
  BOOST_TEST(f.batch({"--input", in.string(), "--output", none.string(), "--shard", "3/2"}) == 2);
  BOOST_TEST(f.batch({"--input", in.string(), "--output", none.string(), "--concurrency", "0"}) == 2);
  BOOST_TEST(f.batch({"--input", (f.dir / "missing.jsonl").string(), "--output", none.string()}) == 2);
  BOOST_TEST(!fs::exists(none));
}

BOOST_AUTO_TEST_CASE(resume_after_kill_9_writes_every_id_once) {
  batch_fixture f(slow_mock());
  auto out = f.dir / "out.jsonl";
  auto args = slow_batch(f, "k", out);
  BOOST_TEST(f.interrupt(args, out, 10, SIGKILL).first == 128 + SIGKILL);
  const auto before = output_lines(out).size();
  BOOST_TEST(before < 300u);
  // As if the kill had cut a write in half: the rerun must drop it and redo that id.
  std::ofstream(out, std::ios::binary | std::ios::app) << R"({"id":"k299","line":300,"mod)";
  std::string err;
  BOOST_TEST(f.batch(args, &err) == 0, err);
  BOOST_TEST(err.find("resuming") != std::string::npos, err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(m.size() == 300u);
  for (int i = 0; i < 300; ++i) {
    std::string id = "k" + std::to_string(i);
    BOOST_TEST_REQUIRE(m.count(id) == 1u, id);
    BOOST_TEST(error_class(m[id]) == "", json::serialize(m[id]));
  }
  // Only what was missing was sent again: the first run sent what it wrote plus at most the 4 in
  // flight at the kill.
  BOOST_TEST(f.server->generations().size() <= 300u + 4u);
  // A third run has nothing to do.
  BOOST_TEST(f.batch(args) == 0);
  BOOST_TEST(output_lines(out).size() == 300u);
}

BOOST_AUTO_TEST_CASE(shards_cover_every_id_exactly_once) {
  batch_fixture f;
  std::string input;
  for (int i = 0; i < 60; ++i) input += request(i % 5 ? "s" + std::to_string(i) : "", "openai/gpt-4o-mini");
  input += "not json\n";  // a malformed line belongs to one shard too
  auto in = f.write("in.jsonl", input);
  std::map<std::string, int> seen;
  std::vector<std::size_t> sizes;
  for (int k = 1; k <= 3; ++k) {
    auto out = f.dir / ("shard" + std::to_string(k) + ".jsonl");
    f.batch({"--input", in.string(), "--output", out.string(), "--shard", std::to_string(k) + "/3", "--no-progress"});
    auto m = by_id(output_lines(out));
    sizes.push_back(m.size());
    for (const auto& [id, _] : m) ++seen[id];
  }
  BOOST_TEST(seen.size() == 61u);
  for (const auto& [id, n] : seen) BOOST_TEST(n == 1, id);
  for (auto s : sizes) BOOST_TEST((s > 0u && s < 61u));  // a real split
  BOOST_TEST(seen.count("61") == 1u);  // the malformed line, by line number
}

// The spend cap binds streamed requests too: a stream's cost arrives in its final usage chunk,
// and the next request's admission sees it.
BOOST_AUTO_TEST_CASE(budget_stop_binds_streamed_requests) {
  batch_fixture f;
  std::string input;
  for (int i = 0; i < 20; ++i) input += request("s" + std::to_string(i), "openai/gpt-4o-mini");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  int code = f.batch({"--input", in.string(), "--output", out.string(), "--stream", "--concurrency", "1",
                      "--max-cost", "0.0000001", "--no-progress"},
                     &err);
  BOOST_TEST(code == 1, err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(m.size() == 20u);
  std::size_t ok = 0, budget = 0;
  for (const auto& [id, l] : m) {
    if (error_class(l).empty()) ++ok;
    else if (error_class(l) == "budget") ++budget;
  }
  BOOST_TEST(ok == 1u);
  BOOST_TEST(budget == 19u);
  BOOST_TEST(f.server->generations().size() == 1u);  // nothing sent past the budget
}

// A stream cut before its usage arrived is counted in the summary as of unknown cost.
BOOST_AUTO_TEST_CASE(the_summary_counts_attempts_of_unknown_cost) {
  batch_fixture f;
  auto in = f.write("in.jsonl", request("cut", "fault/mid_stream_error;after_tokens=3", "one two three four five six") +
                                    request("whole", "openai/gpt-4o-mini"));
  auto out = f.dir / "out.jsonl";
  std::string err;
  f.batch({"--input", in.string(), "--output", out.string(), "--stream", "--concurrency", "1", "--no-progress"}, &err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(m.size() == 2u);
  BOOST_TEST(error_class(m["whole"]).empty());
  BOOST_TEST(!error_class(m["cut"]).empty());
  BOOST_TEST(err.find("cost unknown: 1 attempts") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(budget_stop_gives_typed_error_lines) {
  batch_fixture f;
  std::string input;
  for (int i = 0; i < 20; ++i) input += request("b" + std::to_string(i), "openai/gpt-4o-mini");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  // One request costs more than the budget: the first answer spends it all.
  int code = f.batch({"--input", in.string(), "--output", out.string(), "--concurrency", "1", "--max-cost",
                      "0.0000001", "--no-progress"},
                     &err);
  BOOST_TEST(code == 1, err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(m.size() == 20u);
  std::size_t ok = 0, budget = 0;
  for (const auto& [id, l] : m) {
    if (error_class(l).empty()) ++ok;
    else if (error_class(l) == "budget") ++budget;
  }
  BOOST_TEST(ok == 1u);
  BOOST_TEST(budget == 19u);
  BOOST_TEST(f.server->generations().size() == 1u);  // nothing sent past the budget
  BOOST_TEST(err.find("budget") != std::string::npos, err);

  // A plain rerun keeps the error lines (exit 1, nothing sent); --retry-errors redoes those ids.
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}) == 1);
  BOOST_TEST(f.server->generations().size() == 1u);
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--retry-errors", "--no-progress"}, &err) == 0,
             err);
  auto again = by_id(output_lines(out));
  BOOST_TEST(again.size() == 20u);
  for (const auto& [id, l] : again) BOOST_TEST(error_class(l) == "", id);
  BOOST_TEST(f.server->generations().size() == 20u);
}

BOOST_AUTO_TEST_CASE(ctrl_c_leaves_a_consistent_file_and_a_rerun_completes) {
  batch_fixture f(slow_mock());
  auto out = f.dir / "out.jsonl";
  auto args = slow_batch(f, "c", out);
  auto [code, err] = f.interrupt(args, out, 8, SIGINT);
  BOOST_TEST(code == 128 + SIGINT, err);
  BOOST_TEST(err.find("stopping") != std::string::npos, err);
  BOOST_TEST(err.find("interrupted") != std::string::npos, err);
  auto m = by_id(output_lines(out));  // whole lines, no id twice
  BOOST_TEST(m.size() < 300u);
  for (const auto& [id, l] : m) BOOST_TEST(error_class(l) == "", json::serialize(l));  // drained, not cut
  BOOST_TEST(f.batch(args) == 0);
  BOOST_TEST(by_id(output_lines(out)).size() == 300u);
}

BOOST_AUTO_TEST_CASE(ctrl_c_cancels_stalled_requests_after_the_drain_timeout) {
  batch_fixture f;
  std::string input;
  for (int i = 0; i < 4; ++i) input += request("fast" + std::to_string(i), "openai/gpt-4o-mini");
  for (int i = 0; i < 4; ++i) input += request("stall" + std::to_string(i), "fault/stall;seconds=60");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  auto [code, err] = f.interrupt({"--input", in.string(), "--output", out.string(), "--concurrency", "8",
                                  "--drain-timeout", "0.2", "--no-progress"},
                                 out, 4, SIGINT);
  BOOST_TEST(code == 128 + SIGINT, err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(ids_of(m) == (std::set<std::string>{"fast0", "fast1", "fast2", "fast3"}));  // cancelled ids: no line
}

BOOST_AUTO_TEST_CASE(a_second_ctrl_c_cancels_at_once_and_a_running_output_is_locked) {
  batch_fixture f;
  std::string input = request("fast", "openai/gpt-4o-mini") + request("stall", "fault/stall;seconds=60");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  // The drain timeout outlasts the test's wait: only the second SIGINT can end the run in time.
  test::cli_process p(f.dir, f.args({"--input", in.string(), "--output", out.string(), "--drain-timeout", "600"}),
                      key_env);
  auto wait_for = [&](const std::string& text) {
    for (auto deadline = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < deadline;) {
      if (test::read_file(out).find(text) != std::string::npos || p.err().find(text) != std::string::npos) return;
      BOOST_TEST_REQUIRE(p.running(), p.err());
      std::this_thread::sleep_for(5ms);
    }
    BOOST_FAIL("no \"" << text << "\" in time");
  };
  wait_for(R"("id":"fast")");
  // While it runs, its output is locked: a second run on the same file is a usage error.
  std::string second_err;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string()}, &second_err) == 2);
  BOOST_TEST(second_err.find("another openrouter batch") != std::string::npos, second_err);
  ::kill(p.pid(), SIGINT);
  wait_for("stopping");
  ::kill(p.pid(), SIGINT);
  BOOST_TEST(p.wait(50s) == 128 + SIGINT, p.err());
  BOOST_TEST(p.err().find("cancelling 1 requests") != std::string::npos, p.err());
  auto m = by_id(output_lines(out));
  BOOST_TEST(ids_of(m) == std::set<std::string>{"fast"});
}

BOOST_AUTO_TEST_SUITE_END()
