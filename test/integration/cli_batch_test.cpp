// `openrouter batch` as a user runs it: the built binary against an in-process openrouter-mock
// (verified HTTPS on loopback) with scripted faults. Every run must end with each input id on
// exactly one whole output line: under faults and fallbacks, after a kill -9 and a rerun,
// across shards, with malformed lines, past a spend budget, and after Ctrl-C.
#include "support/canned_server.hpp"
#include "support/cli_process.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
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
  int batch(std::vector<std::string> extra, std::string* err = nullptr, const test::child_setup& setup = {}) {
    test::cli_process p(dir, args(std::move(extra)), key_env, setup);
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

/// "done N of M" of the summary on stderr: N (-1 when there is no summary).
long summary_done(const std::string& err) {
  auto at = err.rfind("done ");
  if (at == std::string::npos) return -1;
  return std::strtol(err.c_str() + at + 5, nullptr, 10);
}

/// The names in a directory, less the outN/errN captures of the CLI runs themselves.
std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    std::string_view v = n;
    if (v.starts_with("out") || v.starts_with("err")) {
      std::string_view rest = v.substr(3);
      if (!rest.empty() && rest.find_first_not_of("0123456789") == std::string_view::npos) continue;
    }
    out.insert(n);
  }
  return out;
}

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

  // A plain rerun keeps the error lines (exit 3: nothing failed now, earlier errors remain;
  // nothing sent); --retry-errors redoes those ids.
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}) == 3);
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

// Defect 3 of issue 12: with --output naming the input (or a link to it), the resume scan cut
// the input's last line and the run read its own appended lines back as new work until the disk
// filled. The same file (by device and inode) is refused before anything is opened for writing.
BOOST_AUTO_TEST_CASE(input_and_output_the_same_file_is_refused) {
  batch_fixture f;
  std::string input;
  for (int i = 0; i < 5; ++i) input += request("same" + std::to_string(i), "openai/gpt-4o-mini");
  input += R"({"id": "last", "model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]})";  // no final newline
  auto in = f.write("in.jsonl", input);
  fs::create_directory(f.dir / "sub");
  fs::create_symlink(in, f.dir / "link.jsonl");
  fs::create_symlink("../in.jsonl", f.dir / "sub" / "relative-link.jsonl");
  fs::create_hard_link(in, f.dir / "hard.jsonl");
  const std::vector<std::vector<std::string>> cases{
      {"--output", in.string()},
      {"--output", (f.dir / "." / "in.jsonl").string()},
      {"--output", (f.dir / "link.jsonl").string()},
      {"--output", (f.dir / "sub" / "relative-link.jsonl").string()},
      {"--output", (f.dir / "hard.jsonl").string()},
      {"--output", (f.dir / "hard.jsonl").string(), "--retry-errors"},
  };
  // The cap on file sizes bounds the damage if the refusal is missing (the old loop grows the file).
  const test::child_setup capped{.file_size_limit = 1 << 20};
  for (const auto& c : cases) {
    std::vector<std::string> a{"--input", in.string(), "--no-progress"};
    a.insert(a.end(), c.begin(), c.end());
    std::string err;
    BOOST_TEST(f.batch(a, &err, capped) == 2, c[1] << ": " << err);
    BOOST_TEST(err.find("same file") != std::string::npos, err);
    BOOST_TEST(err.find("--output") != std::string::npos, err);
    BOOST_TEST(test::read_file(in) == input, "the input was modified through " << c[1]);
  }
  BOOST_TEST(f.server->generations().empty());
  BOOST_TEST(fs::is_symlink(f.dir / "link.jsonl"));
  BOOST_TEST(fs::hard_link_count(in) == 2u);
}

// Defect 9 of issue 12 (write failures): the line that failed to write was dropped though paid
// for, counted as done, and left cut in the file; the lines in flight were cancelled. Now a
// failed write stops admission, the file keeps whole lines only, every result that could not be
// written is named on stderr, the exit code is 1 and the summary counts what is on disk. The
// failure is real: RLIMIT_FSIZE makes write(2) fail with EFBIG as a full disk fails with ENOSPC.
BOOST_AUTO_TEST_CASE(a_failed_write_stops_admission_and_the_summary_counts_what_is_on_disk) {
  batch_fixture f;
  std::string input;
  const std::string pad(300, 'p');  // ~700-byte output lines: a few fit under the cap
  for (int i = 0; i < 40; ++i) input += request(pad + std::to_string(i), "openai/gpt-4o-mini");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  int code = f.batch({"--input", in.string(), "--output", out.string(), "--concurrency", "4", "--no-progress"}, &err,
                     test::child_setup{.file_size_limit = 8000});
  BOOST_TEST(code == 1, err);
  BOOST_TEST(err.find("cannot write") != std::string::npos, err);
  BOOST_TEST(err.find("File too large") != std::string::npos, err);
  auto on_disk = by_id(output_lines(out));  // whole lines only
  BOOST_TEST(on_disk.size() > 0u);
  BOOST_TEST(on_disk.size() < 40u);
  BOOST_TEST(summary_done(err) == static_cast<long>(on_disk.size()), err);
  // Admission stopped at the failure: what was sent is what is on disk, plus what was in flight.
  const auto sent = f.server->generations().size();
  BOOST_TEST(sent <= on_disk.size() + 4 + 1, err);
  // Every paid result that is not on disk is named.
  BOOST_TEST(err.find("not written") != std::string::npos, err);
  // A rerun with room does the rest: every id exactly once.
  std::string err2;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}, &err2) == 0, err2);
  auto all = by_id(output_lines(out));
  BOOST_TEST(all.size() == 40u);
  for (const auto& [id, l] : all) BOOST_TEST(error_class(l) == "", id);
}

// Defect 9 of issue 12 (--retry-errors): the rewrite went through the predictable name
// OUT.retry-tmp, opened without O_EXCL (following a planted symlink) and never synced. Now a
// unique temp file (mkstemp) in the same directory is written, synced and renamed over; on a
// failure the original stays and the temp file is removed.
BOOST_AUTO_TEST_CASE(retry_errors_rewrites_through_a_private_temp_file) {
  batch_fixture f;
  auto in = f.write("in.jsonl", request("a", "openai/gpt-4o-mini") + request("b", "openai/gpt-4o-mini"));
  const std::string kept = R"({"id":"a","line":1,"model":"openai/gpt-4o-mini","content":"earlier"})" "\n";
  const std::string previous = kept + R"({"id":"b","line":2,"error":{"class":"budget","message":"spent"}})" "\n";
  auto out = f.write("out.jsonl", previous);
  auto victim = f.write("victim.txt", "precious\n");
  fs::create_symlink(victim, f.dir / "out.jsonl.retry-tmp");  // the name the old code used
  auto before = names_in(f.dir);
  std::string err;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--retry-errors", "--no-progress"}, &err) == 0,
             err);
  BOOST_TEST(test::read_file(victim) == "precious\n");
  BOOST_TEST(!fs::is_symlink(out));
  BOOST_TEST(fs::is_regular_file(out));
  BOOST_TEST(test::read_file(out).starts_with(kept));  // the result line is kept byte for byte
  auto m = by_id(output_lines(out));
  BOOST_TEST(m.size() == 2u);
  BOOST_TEST(error_class(m["b"]) == "");
  BOOST_TEST(f.server->generations().size() == 1u);  // only b again
  BOOST_TEST(names_in(f.dir) == before, "a temp file was left behind");

  // A rewrite that cannot be written whole: the original stays as it was, no temp file is left.
  std::string big;
  for (int i = 0; i < 60; ++i)
    big += R"({"id":"r)" + std::to_string(i) + R"(","line":1,"model":"m/x","content":")" + std::string(200, 'c') +
           "\"}\n";
  big += R"({"id":"b","line":2,"error":{"class":"budget","message":"spent"}})" "\n";
  auto out2 = f.write("out2.jsonl", big);
  before = names_in(f.dir);
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out2.string(), "--retry-errors", "--no-progress"}, &err,
                     test::child_setup{.file_size_limit = 4000}) != 0,
             err);
  BOOST_TEST(err.find("out2.jsonl") != std::string::npos, err);
  BOOST_TEST(test::read_file(out2) == big);
  BOOST_TEST(names_in(f.dir) == before, "a temp file was left behind");
}

namespace {

/// Runs `batch` against a canned server (plain HTTP on loopback): exit code and stderr.
std::pair<int, std::string> canned_batch(const test::canned_server& s, const fs::path& dir,
                                         std::vector<std::string> extra) {
  std::vector<std::string> a{"--base-url", s.base_url(), "batch", "--no-progress"};
  a.insert(a.end(), extra.begin(), extra.end());
  test::cli_process p(dir, a, key_env);
  int code = p.wait(60s);
  return {code, p.err()};
}

/// Every line of a JSONL file parses (Boost.JSON rejects invalid UTF-8 in strings).
bool valid_utf8(const std::string& s) {
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    boost::system::error_code ec;
    json::parse(std::string_view(s).substr(start, end - start), ec);
    if (ec) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

// Defect 9 of issue 12 (UTF-8): a generation id or content type from a header went into the
// output line as raw bytes; the line was then not JSON, so resume could not read it and sent
// the id again (paying twice). Every string of a line is valid UTF-8 now.
BOOST_AUTO_TEST_CASE(hostile_header_bytes_leave_lines_that_resume_reads) {
  batch_fixture f;
  auto in = f.write("in.jsonl", request("s1", "m/x"));
  const std::string bad_id = "gen-\xff\xfe\xc3\x28-\xed\xa0\x80";  // invalid bytes, a cut pair, a surrogate
  // A streamed answer whose only generation id is the header's.
  test::canned_server streamed(
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Generation-Id: " + bad_id +
      "\r\nConnection: close\r\n\r\n"
      R"(data: {"object":"chat.completion.chunk","model":"m/x","choices":[{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}]})"
      "\n\n"
      R"(data: {"object":"chat.completion.chunk","model":"m/x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})"
      "\n\ndata: [DONE]\n\n");
  auto out = f.dir / "streamed.jsonl";
  auto [code, err] = canned_batch(streamed, f.dir, {"--input", in.string(), "--output", out.string(), "--stream"});
  BOOST_TEST(code == 0, err);
  BOOST_TEST(valid_utf8(test::read_file(out)));
  auto m = by_id(output_lines(out));
  BOOST_TEST_REQUIRE(m.size() == 1u);
  BOOST_TEST(m["s1"].at("generation_id").as_string().starts_with("gen-"));
  BOOST_TEST(std::string(m["s1"].at("generation_id").as_string()).find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD
  // Resume reads the line: nothing is sent again.
  const auto sent = streamed.requests();
  auto [code2, err2] = canned_batch(streamed, f.dir, {"--input", in.string(), "--output", out.string(), "--stream"});
  BOOST_TEST(code2 == 0, err2);
  BOOST_TEST(streamed.requests() == sent);
  BOOST_TEST(output_lines(out).size() == 1u);

  // An error answer whose content type and generation id carry the bytes (into the message).
  test::canned_server failing("HTTP/1.1 400 X\r\nContent-Type: text/\xff\xc0html\r\nX-Generation-Id: " + bad_id +
                              "\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
  auto out2 = f.dir / "failed.jsonl";
  auto [code3, err3] = canned_batch(failing, f.dir, {"--input", in.string(), "--output", out2.string()});
  BOOST_TEST(code3 == 1, err3);
  BOOST_TEST(valid_utf8(test::read_file(out2)));
  auto m2 = by_id(output_lines(out2));
  BOOST_TEST_REQUIRE(m2.size() == 1u);
  BOOST_TEST(error_class(m2["s1"]) != "");
  const auto sent2 = failing.requests();
  auto [code4, err4] = canned_batch(failing, f.dir, {"--input", in.string(), "--output", out2.string()});
  BOOST_TEST(code4 == 3, err4);  // the error line is still there, and read back (exit 3: an earlier run's)
  BOOST_TEST(failing.requests() == sent2);
  BOOST_TEST(output_lines(out2).size() == 1u);
}

// Defect 9 of issue 12 (generated ids): a line without an id took its line number as id, which
// an explicit id elsewhere could hold too; the innocent line then got a duplicate_id error. A
// generated id now yields to every explicit id of the file ("line-N"), and a warning says so.
BOOST_AUTO_TEST_CASE(generated_ids_never_collide_with_explicit_ids) {
  batch_fixture f;
  const std::string input = request("3", "openai/gpt-4o-mini") +  // line 1: explicit "3"
                            request("", "openai/gpt-4o-mini") +   // line 2: "2" is explicit on line 4
                            request("", "openai/gpt-4o-mini") +   // line 3: "3" is explicit on line 1
                            request("2", "openai/gpt-4o-mini") +  // line 4: explicit "2"
                            request("", "openai/gpt-4o-mini") +   // line 5: "5"
                            request("3", "openai/gpt-4o-mini");   // line 6: a real duplicate of line 1
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}, &err) == 1, err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(ids_of(m) == (std::set<std::string>{"3", "line-2", "line-3", "2", "5", "6"}));
  for (const char* id : {"3", "line-2", "line-3", "2", "5"}) BOOST_TEST(error_class(m[id]) == "", id);
  BOOST_TEST(error_class(m["6"]) == "duplicate_id");
  BOOST_TEST(m["line-3"].at("line").as_int64() == 3);
  BOOST_TEST(err.find("line-3") != std::string::npos, err);  // the renaming is reported
  // Stable across runs: a rerun has nothing to send (exit 3: the earlier duplicate_id error line remains).
  const auto sent = f.server->generations().size();
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}) == 3);
  BOOST_TEST(f.server->generations().size() == sent);
  BOOST_TEST(output_lines(out).size() == 6u);
}

// Defect 9 of issue 12 (line length): an input line was read whole, however long. Lines longer
// than --max-line-bytes are an error line of their own, read past without being held.
BOOST_AUTO_TEST_CASE(an_over_long_input_line_is_an_error_line) {
  batch_fixture f;
  const std::string input = request("short1", "openai/gpt-4o-mini") +
                            request("long", "openai/gpt-4o-mini", std::string(100000, 'w')) +
                            request("short2", "openai/gpt-4o-mini");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--max-line-bytes", "4096", "--no-progress"},
                     &err) == 1,
             err);
  auto m = by_id(output_lines(out));
  BOOST_TEST(ids_of(m) == (std::set<std::string>{"short1", "2", "short2"}));
  BOOST_TEST(error_class(m["2"]) == "invalid_input");
  BOOST_TEST(std::string(m["2"].at("error").as_object().at("message").as_string()).find("--max-line-bytes") !=
             std::string::npos);
  BOOST_TEST(error_class(m["short1"]) == "");
  BOOST_TEST(error_class(m["short2"]) == "");
  BOOST_TEST(f.server->generations().size() == 2u);
  // The default bound takes it.
  auto out2 = f.dir / "out2.jsonl";
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out2.string(), "--no-progress"}) == 0);
}

// Issue 18: a resume with nothing to do but earlier error lines says so and exits 3 (documented
// in --help); one that does new work without failures exits 3 too, one with new failures 1.
BOOST_AUTO_TEST_CASE(resume_exit_codes_name_the_earlier_error_lines) {
  batch_fixture f;
  auto in = f.write("in.jsonl", request("ok", "openai/gpt-4o-mini") + request("bad", "fault/401"));
  auto out = f.dir / "out.jsonl";
  std::string err;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}, &err) == 1, err);
  BOOST_TEST(err.find("earlier error") == std::string::npos, err);
  const auto sent = f.server->generations().size();
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--no-progress"}, &err) == 3, err);
  BOOST_TEST(err.find("nothing to do; 1 earlier error line remains in " + out.string() +
                      ", rerun with --retry-errors") != std::string::npos,
             err);
  BOOST_TEST(f.server->generations().size() == sent);  // nothing sent
  // New work that succeeds, with the old error line still there: 3, without "nothing to do".
  auto in2 = f.write("in2.jsonl", request("ok", "openai/gpt-4o-mini") + request("bad", "fault/401") +
                                      request("new", "openai/gpt-4o-mini"));
  BOOST_TEST(f.batch({"--input", in2.string(), "--output", out.string(), "--no-progress"}, &err) == 3, err);
  BOOST_TEST(err.find("1 earlier error line remains") != std::string::npos, err);
  BOOST_TEST(err.find("nothing to do") == std::string::npos, err);
  // The help documents the codes.
  test::cli_process h(f.dir, {"batch", "--help"}, key_env);
  BOOST_TEST(h.wait(60s) == 0);
  BOOST_TEST(h.out().find("3 when this run failed nothing") != std::string::npos, h.out());
  BOOST_TEST(h.out().find("openrouter policy --example") != std::string::npos, h.out());
}

// Issue 18: candidates from --fallback/--policy replace the lines' own models: said once on stderr.
BOOST_AUTO_TEST_CASE(candidates_overriding_the_lines_models_are_warned_about_once) {
  batch_fixture f;
  std::string input;
  for (int i = 0; i < 5; ++i) input += request("w" + std::to_string(i), "anthropic/claude-3.5-haiku");
  auto in = f.write("in.jsonl", input);
  auto out = f.dir / "out.jsonl";
  std::string err;
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--model", "openai/gpt-4o-mini", "--fallback",
                      "fault/503", "--no-progress"},
                     &err) == 0,
             err);
  const auto at = err.find("replace the \"model\" of input lines");
  BOOST_TEST(at != std::string::npos, err);
  BOOST_TEST(err.find("replace the \"model\"", at + 1) == std::string::npos, err);  // once
  BOOST_TEST(err.find("anthropic/claude-3.5-haiku") != std::string::npos, err);
  // Lines without their own model, or naming the first candidate: no warning.
  std::string same;
  for (int i = 0; i < 3; ++i) same += request("s" + std::to_string(i), i == 0 ? "" : "openai/gpt-4o-mini");
  auto in2 = f.write("in2.jsonl", same);
  BOOST_TEST(f.batch({"--input", in2.string(), "--output", (f.dir / "out2.jsonl").string(), "--model",
                      "openai/gpt-4o-mini", "--fallback", "fault/503", "--no-progress"},
                     &err) == 0,
             err);
  BOOST_TEST(err.find("replace the") == std::string::npos, err);
}

// Issue 18: --records puts each line's route in it: the step after every attempt and the waits.
BOOST_AUTO_TEST_CASE(records_show_the_step_after_each_attempt_and_the_backoff) {
  batch_fixture f;
  auto in = f.write("in.jsonl", request("r", "") + request("x", ""));
  auto out = f.dir / "out.jsonl";
  std::string err;
  auto pol = f.write("p.json", R"({"models": ["fault/503", "openai/gpt-4o-mini"], "max_attempts_per_model": 3,
      "backoff": {"initial_ms": 20, "jitter": "none"}, "breaker": {"enabled": false}, "retry_budget": {"enabled": false}})");
  BOOST_TEST(f.batch({"--input", in.string(), "--output", out.string(), "--policy", pol.string(), "--records",
                      "--concurrency", "1", "--no-progress"},
                     &err) == 0,
             err);
  auto m = by_id(output_lines(out));
  BOOST_TEST_REQUIRE(m.count("r") == 1u);
  const auto& route = m["r"].at("route").as_array();
  BOOST_TEST_REQUIRE(route.size() == 4u, json::serialize(route));
  const auto step = [&](std::size_t i) { return std::string(route[i].as_object().at("then").as_string()); };
  BOOST_TEST(step(0) == "retry");
  BOOST_TEST(step(1) == "retry");
  BOOST_TEST(step(2) == "fall_back");  // the third 503: not "retry_same"
  BOOST_TEST(route[2].as_object().at("then_model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(!route[2].as_object().contains("waits"));
  BOOST_TEST(step(3) == "none");
  BOOST_TEST(route[0].as_object().at("status").as_int64() == 503);
  const auto& w0 = route[0].as_object().at("waits").as_array();
  BOOST_TEST_REQUIRE(w0.size() == 1u);
  BOOST_TEST(w0[0].as_object().at("kind").as_string() == "backoff");
  BOOST_TEST(w0[0].as_object().at("ms").as_int64() >= 20);
  BOOST_TEST(route[1].as_object().at("waits").as_array()[0].as_object().at("ms").as_int64() >= 40);
  // Without --records: no route.
  BOOST_TEST(f.batch({"--input", in.string(), "--output", (f.dir / "plain.jsonl").string(), "--policy", pol.string(),
                      "--no-progress"},
                     &err) == 0,
             err);
  for (const auto& l : output_lines(f.dir / "plain.jsonl")) BOOST_TEST(!l.contains("route"));
}

// --endpoint responses and embeddings: the same file discipline (one whole line per id,
// resumable), the router's fallbacks and budget, and each endpoint's own result fields.
BOOST_AUTO_TEST_CASE(responses_and_embeddings_endpoints) {
  batch_fixture f;
  auto line = [](const std::string& id, const std::string& model, json::object body) {
    body["id"] = id;
    if (!model.empty()) body["model"] = model;
    return json::serialize(body) + "\n";
  };
  {
    // Responses: one clean, one falling back after a 503 (--fallback), one malformed.
    auto in = f.write("responses.jsonl",
                      line("r1", "", json::object{{"input", "echo: first answer"}, {"max_output_tokens", 8}}) +
                          line("r2", "", json::object{{"input", json::array{json::object{
                                                                  {"type", "message"}, {"role", "user"},
                                                                  {"content", "echo: second answer"}}}}}) +
                          line("r3", "", json::object{{"instructions", "no input"}}));
    auto out = f.dir / "responses.out.jsonl";
    std::string err;
    int code = f.batch({"--endpoint", "responses", "--input", in.string(), "--output", out.string(), "--model",
                        "fault/503", "--fallback", "openai/gpt-4o-mini", "--policy", f.policy.string(), "--no-progress"},
                       &err);
    BOOST_TEST(code == 1, err);  // r3 is an error line
    auto m = by_id(output_lines(out));
    BOOST_TEST_REQUIRE(m.size() == 3u);
    BOOST_TEST(m["r1"].at("content").as_string() == "first answer");
    BOOST_TEST(m["r2"].at("content").as_string() == "second answer");
    BOOST_TEST(m["r1"].at("model").as_string() == "openai/gpt-4o-mini");
    BOOST_TEST(m["r1"].at("fallback").as_bool());
    BOOST_TEST(m["r1"].at("status").as_string() == "completed");
    BOOST_TEST(m["r1"].at("usage").as_object().contains("input_tokens"));
    BOOST_TEST(m["r1"].at("cost").to_number<double>() > 0);
    BOOST_TEST(error_class(m["r3"]) == "invalid_input");
    BOOST_TEST(std::string(m["r3"].at("error").at("message").as_string()).find("\"input\"") != std::string::npos);
    BOOST_TEST(f.server->stats().chat_requests == 0u);
  }
  {
    // Responses streamed, past a budget: the first stream's cost (from response.completed)
    // stops the rest.
    std::string input;
    for (int i = 0; i < 5; ++i) input += line("s" + std::to_string(i), "openai/gpt-4o-mini", json::object{{"input", "hi"}});
    auto in = f.write("streamed.jsonl", input);
    auto out = f.dir / "streamed.out.jsonl";
    const auto before = f.server->generations().size();
    std::string err;
    f.batch({"--endpoint", "responses", "--stream", "--input", in.string(), "--output", out.string(), "--concurrency",
             "1", "--max-cost", "0.0000001", "--no-progress"},
            &err);
    auto m = by_id(output_lines(out));
    BOOST_TEST(m.size() == 5u);
    std::size_t ok = 0, budget = 0;
    for (const auto& [id, l] : m) {
      if (error_class(l).empty()) ++ok;
      else if (error_class(l) == "budget") ++budget;
    }
    BOOST_TEST(ok == 1u);
    BOOST_TEST(budget == 4u);
    BOOST_TEST(f.server->generations().size() == before + 1);
  }
  {
    // Embeddings: a vector per input, in input order; --stream refused for them.
    auto in = f.write("embed.jsonl",
                      line("e1", "openai/text-embedding-3-small", json::object{{"input", json::array{"a", "bb", "ccc"}}}) +
                          line("e2", "openai/text-embedding-3-small", json::object{{"input", "one"}, {"dimensions", 8}}));
    auto out = f.dir / "embed.out.jsonl";
    std::string err;
    BOOST_TEST(f.batch({"--endpoint", "embeddings", "--stream", "--input", in.string(), "--output", out.string()}, &err) ==
               2);
    BOOST_TEST(err.find("--stream does not apply") != std::string::npos, err);
    int code = f.batch({"--endpoint", "embeddings", "--input", in.string(), "--output", out.string(), "--no-progress"}, &err);
    BOOST_TEST(code == 0, err);
    auto m = by_id(output_lines(out));
    BOOST_TEST_REQUIRE(m.size() == 2u);
    const auto& e1 = m["e1"].at("embeddings").as_array();
    BOOST_TEST_REQUIRE(e1.size() == 3u);
    BOOST_TEST(!e1[0].as_array().empty());
    BOOST_TEST(e1[0].as_array() != e1[1].as_array());  // different inputs, different vectors
    BOOST_TEST(m["e2"].at("embeddings").at(0).as_array().size() == 8u);
    BOOST_TEST(m["e1"].at("usage").at("prompt_tokens").to_number<int>() > 0);
    BOOST_TEST(m["e1"].at("cost").to_number<double>() > 0);
    // An unknown endpoint is a usage error.
    BOOST_TEST(f.batch({"--endpoint", "images", "--input", in.string(), "--output", out.string()}, &err) == 2);
  }
  {
    // Messages (streamed) and rerank lines.
    json::array turns{json::object{{"role", "user"}, {"content", "echo: a message"}}};
    auto in = f.write("messages.jsonl", line("m1", "openai/gpt-4o-mini", json::object{{"messages", turns}, {"max_tokens", 16}}));
    auto out = f.dir / "messages.out.jsonl";
    std::string err;
    BOOST_TEST(f.batch({"--endpoint", "messages", "--stream", "--input", in.string(), "--output", out.string(),
                        "--no-progress"},
                       &err) == 0,
               err);
    auto m = by_id(output_lines(out));
    BOOST_TEST_REQUIRE(m.size() == 1u);
    BOOST_TEST(m["m1"].at("content").as_string() == "a message");
    BOOST_TEST(m["m1"].at("stop_reason").as_string() == "end_turn");
    BOOST_TEST(m["m1"].at("cost").to_number<double>() > 0);

    json::array docs{"Paris is the capital of France.", "Berlin is in Germany."};
    auto rin = f.write("rerank.jsonl", line("k1", "cohere/rerank-v3.5", json::object{{"query", "France"}, {"documents", docs}}) +
                                           line("k2", "cohere/rerank-v3.5", json::object{{"query", "France"}}));
    auto rout = f.dir / "rerank.out.jsonl";
    BOOST_TEST(f.batch({"--endpoint", "rerank", "--input", rin.string(), "--output", rout.string(), "--no-progress"},
                       &err) == 1,
               err);
    auto r = by_id(output_lines(rout));
    BOOST_TEST_REQUIRE(r.size() == 2u);
    BOOST_TEST(r["k1"].at("results").as_array().size() == 2u);
    BOOST_TEST(r["k1"].at("cost").to_number<double>() > 0);
    BOOST_TEST(error_class(r["k2"]) == "invalid_input");  // no documents
  }
}

BOOST_AUTO_TEST_SUITE_END()
