// `openrouter bench` and `openrouter spec-check` as a user runs them: the built binary against
// an in-process openrouter-mock (bench) and against the official OpenAPI spec and modified
// copies of it written to a temporary directory (spec-check; skipped where the spec is absent).
#include "support/cli_process.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace test::cli;

namespace {

const std::string binary = OPENROUTER_BINARY_DIR "/openrouter";
const std::string test_key = "sk-or-v1-bench-test-0123456789abcdef";

// openai/gpt-4o-mini paced (so that ITL is real), anthropic/claude-3.5-haiku failing half of
// its requests with a 503, anthropic/claude-sonnet-4.5 slow (for Ctrl-C).
openrouter::mock::server_options paced_mock() {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models":{
    "openai/gpt-4o-mini":{"ttft_ms":5,"itl_ms":2,"write_mode":"per_event"},
    "anthropic/claude-3.5-haiku":{"faults":[{"kind":"http_error","status":503,"rate":0.5}]},
    "anthropic/claude-sonnet-4.5":{"ttft_ms":100,"itl_ms":200,"write_mode":"per_event"}}})");
  return o;
}

struct bench_fixture {
  bench_fixture() : server(paced_mock()) {
    BOOST_TEST_REQUIRE(fs::exists(binary), binary << " is missing: build the openrouter-cli target first");
    ca_file = dir.write("mock-ca.pem", server->ca_pem()).string();
  }
  result bench(std::vector<std::string> args, const std::function<bool()>& interrupt_when = {}) {
    std::vector<std::string> full{"bench", "--base-url", server->base_url(), "--ca-file", ca_file};
    full.insert(full.end(), args.begin(), args.end());
    return run(binary, dir, full, {{"OPENROUTER_API_KEY", test_key}}, std::chrono::seconds(120), interrupt_when);
  }
  json::value results(const std::string& sub) const {
    return json::parse(slurp(dir.path / sub / "bench.json"));
  }
  temp_dir dir;
  openrouter::mock::background_server server;
  std::string ca_file;
};

int as_int(const json::value& v) { return v.to_number<int>(); }

std::string spec_file() { return OPENROUTER_OPENAPI_SPEC; }

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_bench_and_spec_check_test)

BOOST_FIXTURE_TEST_CASE(closed_loop_sweep_writes_json_and_html, bench_fixture) {
  const auto out = (dir.path / "sweep").string();
  auto r = bench({"--model", "openai/gpt-4o-mini", "--concurrency", "1,4", "--requests", "12", "--warmup", "2",
                  "--input-len", "16", "--output-len", "6", "--goodput", "ttft:60000", "e2el:60000", "--seed", "3",
                  "--output-dir", out});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  BOOST_TEST(r.out.find("concurrency 1 ====") != std::string::npos, r);
  BOOST_TEST(r.out.find("concurrency 4 ====") != std::string::npos, r);
  BOOST_TEST(r.out.find("Client CPU per request (us):") != std::string::npos, r);
  BOOST_TEST(r.out.find(test_key) == std::string::npos);
  BOOST_TEST(r.err.find(test_key) == std::string::npos);

  json::value doc = results("sweep");
  BOOST_TEST(doc.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(doc.at("interrupted").as_bool() == false);
  const auto& levels = doc.at("levels").as_array();
  BOOST_TEST_REQUIRE(levels.size() == 2u);
  for (const auto& lv : levels) {
    const auto& l = lv.as_object();
    BOOST_TEST(as_int(l.at("completed")) == 12);
    BOOST_TEST(as_int(l.at("failed")) == 0);
    BOOST_TEST(as_int(l.at("total_output_tokens")) == 12 * 6);  // the mock answers max_tokens tokens
    BOOST_TEST(l.at("ttfts").as_array().size() == 12u);          // warm-up left out
    BOOST_TEST(l.at("itls").at(0).as_array().size() == 5u);      // 6 content chunks
    BOOST_TEST(l.at("request_goodput").to_number<double>() > 0);
    BOOST_TEST(l.at("p99_tpot_ms").to_number<double>() > 0);
    BOOST_TEST(l.at("client_cpu_us_per_request").to_number<double>() > 0);
  }
  BOOST_TEST(as_int(levels[0].at("max_concurrency")) == 1);
  BOOST_TEST(as_int(levels[1].at("max_concurrency")) == 4);
  // 2 warm-ups + 12 measured per level reached the server
  BOOST_TEST(server->generations().size() == 28u);

  const std::string html = slurp(dir.path / "sweep" / "bench.html");
  BOOST_TEST(html.starts_with("<!DOCTYPE html>"));
  BOOST_TEST(html.find("Throughput vs concurrency") != std::string::npos);
  std::size_t svgs = 0;
  for (std::size_t at = 0; (at = html.find("<svg ", at)) != std::string::npos; ++at) ++svgs;
  BOOST_TEST(svgs == 4u);
}

// The Responses API measured like chat: TTFT and ITL from its output_text deltas, tokens from
// the usage of response.completed.
BOOST_FIXTURE_TEST_CASE(responses_endpoint_is_timed_by_its_own_events, bench_fixture) {
  const auto out = (dir.path / "responses").string();
  auto r = bench({"--endpoint", "responses", "--model", "openai/gpt-4o-mini", "--concurrency", "2", "--requests",
                  "6", "--input-len", "16", "--output-len", "6", "--seed", "3", "--output-dir", out});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  const json::value doc = results("responses");
  const auto& l = doc.at("levels").at(0).as_object();
  BOOST_TEST(as_int(l.at("completed")) == 6);
  BOOST_TEST(as_int(l.at("failed")) == 0);
  BOOST_TEST(as_int(l.at("total_output_tokens")) == 6 * 6);  // max_output_tokens, from the usage
  BOOST_TEST(as_int(l.at("total_input_tokens")) > 0);
  BOOST_TEST(l.at("itls").at(0).as_array().size() == 5u);    // 6 output_text deltas
  // Every request went to /responses, none to /chat/completions.
  BOOST_TEST(server->stats().chat_requests == 0u);
  BOOST_TEST(server->generations().size() == 6u);

  // The Messages API alike, timed by its content_block_delta events.
  const auto mout = (dir.path / "messages").string();
  auto m = bench({"--endpoint", "messages", "--model", "openai/gpt-4o-mini", "--requests", "4", "--input-len", "16",
                  "--output-len", "6", "--seed", "3", "--output-dir", mout});
  BOOST_TEST_REQUIRE(m.code == 0, m);
  const json::value mdoc = results("messages");
  const auto& ml = mdoc.at("levels").at(0).as_object();
  BOOST_TEST(as_int(ml.at("completed")) == 4);
  BOOST_TEST(as_int(ml.at("total_output_tokens")) == 4 * 6);
  BOOST_TEST(ml.at("itls").at(0).as_array().size() == 5u);
  BOOST_TEST(server->stats().chat_requests == 0u);
}

BOOST_FIXTURE_TEST_CASE(open_loop_counts_errors_by_class_and_goes_on, bench_fixture) {
  const auto out = (dir.path / "open").string();
  const auto prompts = dir.write("prompts.jsonl", R"({"prompt":"hello there"})"
                                                  "\n"
                                                  R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":4})"
                                                  "\n");
  auto r = bench({"--model", "anthropic/claude-3.5-haiku", "--request-rate", "200", "--burstiness", "0.5",
                  "--concurrency", "3", "--requests", "30", "--prompts", prompts.string(), "--output-len", "4",
                  "--output-dir", out});
  BOOST_TEST_REQUIRE(r.code == 0, r);  // some completed; failures are counted, not fatal
  json::value doc = results("open");
  BOOST_TEST(doc.at("request_rate").to_number<double>() == 200.0);
  const auto& l = doc.at("levels").at(0).as_object();
  const int completed = as_int(l.at("completed")), failed = as_int(l.at("failed"));
  BOOST_TEST(completed + failed == 30);
  BOOST_TEST(failed > 0);     // rate 0.5 over 30 requests, seeded
  BOOST_TEST(completed > 0);
  BOOST_TEST(as_int(l.at("error_counts").at("service_unavailable")) == failed);
  BOOST_TEST(as_int(l.at("total_output_tokens")) == completed * 4);
  BOOST_TEST(l.at("queue_times").as_array().size() == 30u);
  BOOST_TEST(r.out.find("service_unavailable:") != std::string::npos, r);
}

BOOST_FIXTURE_TEST_CASE(ctrl_c_stops_and_still_writes_results, bench_fixture) {
  const auto out = (dir.path / "stopped").string();
  // 40 tokens at 200 ms each: nothing finishes before Ctrl-C, sent once both streams are open
  auto r = bench({"--model", "anthropic/claude-sonnet-4.5", "--concurrency", "2", "--requests", "50",
                  "--output-len", "40", "--output-dir", out},
                 [this] { return server->stats().streams_open >= 2; });
  BOOST_TEST(r.code == 130, r);
  BOOST_TEST(r.err.find("interrupted") != std::string::npos, r);
  json::value doc = results("stopped");
  BOOST_TEST(doc.at("interrupted").as_bool() == true);
  const auto& l = doc.at("levels").at(0).as_object();
  BOOST_TEST(l.at("interrupted").as_bool() == true);
  BOOST_TEST(as_int(l.at("error_counts").at("cancelled")) == 2);  // the two in flight
  BOOST_TEST(l.at("errors").as_array().size() < 50u);
}

// --header reaches the server on every request (a gateway's routing headers, e.g. Portkey's).
BOOST_FIXTURE_TEST_CASE(extra_headers_go_with_every_request, bench_fixture) {
  auto r = bench({"--model", "openai/gpt-4o-mini", "--concurrency", "2", "--requests", "4", "--warmup", "1",
                  "--output-len", "2", "--header", "X-Title: gateway bench", "--header", "HTTP-Referer:https://b.example"});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  const auto gens = server->generations();
  BOOST_TEST_REQUIRE(gens.size() == 5u);
  for (const auto& g : gens) {
    BOOST_TEST(g.headers.at("x-title") == "gateway bench");
    BOOST_TEST(g.headers.at("http-referer") == "https://b.example");
  }
}

BOOST_FIXTURE_TEST_CASE(bench_rejects_bad_options, bench_fixture) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--concurrency", "4"},                                              // no model
           {"--model", "m", "--concurrency", "0"},
           {"--model", "m", "--concurrency", "1,x"},
           {"--model", "m", "--goodput", "ttft:fast"},
           {"--model", "m", "--burstiness", "2"},                               // without a rate
           {"--model", "m", "--request-rate", "-1"},
           {"--model", "m", "--range-ratio", "1.5"},
           {"--model", "m", "--prompts", (dir.path / "missing.jsonl").string()},
           {"--model", "m", "--endpoint", "embeddings"},
           {"--model", "m", "--header", "no colon"},
           {"--model", "m", "--header", "Bad Name: x"},
           {"--model", "m", "--header", "Authorization: Bearer other"}}) {
    auto r = bench(args);
    BOOST_TEST(r.code == 2, r);
    BOOST_TEST(r.err.starts_with("openrouter: "), r);
  }
  BOOST_TEST(server->generations().empty());
}

BOOST_AUTO_TEST_CASE(spec_check_verdicts) {
  if (!fs::exists(spec_file())) {
    BOOST_ERROR("spec not found at " << spec_file() << " (pinned: spec/openrouter-openapi.json)");
    return;
  }
  BOOST_TEST_REQUIRE(fs::exists(binary), binary << " is missing: build the openrouter-cli target first");
  temp_dir dir;
  // the real spec: no FAIL, exit 0; the file from the environment works too
  auto real = run(binary, dir, {"spec-check", spec_file()}, {});
  BOOST_TEST(real.code == 0, real);
  BOOST_TEST(real.out.find("PASS  POST /chat/completions") != std::string::npos, real);
  BOOST_TEST(real.out.find("\nFAIL  ") == std::string::npos, real);  // no FAIL line
  BOOST_TEST(real.out.find(" 0 FAIL") != std::string::npos, real);
  auto from_env = run(binary, dir, {"spec-check", "--quiet"}, {{"OPENROUTER_OPENAPI_SPEC", spec_file()}});
  BOOST_TEST(from_env.code == 0, from_env);
  BOOST_TEST(from_env.out.find("PASS") == from_env.out.find("PASS, "), from_env);  // --quiet: summary only

  json::value doc = json::parse(slurp(spec_file()));
  json::object& usage = doc.at_pointer("/components/schemas/ChatUsage/properties").as_object();
  // a removed field WARNs (exit 0), and fails with --strict
  usage.erase("total_tokens");
  const auto removed = dir.write("removed.json", json::serialize(doc));
  auto warn = run(binary, dir, {"spec-check", removed.string()}, {});
  BOOST_TEST(warn.code == 0, warn);
  BOOST_TEST(warn.out.find("WARN  chat_usage.total_tokens: modeled, but the spec no longer has it") != std::string::npos,
             warn);
  auto strict = run(binary, dir, {"spec-check", "--strict", removed.string()}, {});
  BOOST_TEST(strict.code == 1, strict);
  // a changed type FAILs
  usage["completion_tokens"] = json::object{{"type", "string"}};
  auto fail = run(binary, dir, {"spec-check", dir.write("changed.json", json::serialize(doc)).string()}, {});
  BOOST_TEST(fail.code == 1, fail);
  BOOST_TEST(fail.out.find("FAIL  chat_usage.completion_tokens: type changed: the spec says string") != std::string::npos,
             fail);
  // no spec, or not a spec: usage errors
  auto none = run(binary, dir, {"spec-check"}, {});
  BOOST_TEST(none.code == 2, none);
  auto junk = run(binary, dir, {"spec-check", dir.write("junk.json", "{nope").string()}, {});
  BOOST_TEST(junk.code == 2, junk);
  BOOST_TEST(junk.err.starts_with("openrouter: "), junk);
}

BOOST_AUTO_TEST_SUITE_END()
