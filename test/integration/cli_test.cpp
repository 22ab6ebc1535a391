// The `openrouter` CLI as a user runs it: the built binary, started with fork/exec against an
// in-process openrouter-mock over verified HTTPS, with the key only in its environment. Checks
// stdout, stderr and exit codes (0 ok, 1 request failed, 2 usage).
#include "support/cli_process.hpp"

#include <openrouter/mock/server.hpp>
#include <openrouter/wire/all.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;
namespace wire = openrouter::wire;

namespace {

using namespace test::cli;

const std::string test_key = "sk-or-v1-cli-test-0123456789abcdef";
const std::string binary = OPENROUTER_BINARY_DIR "/openrouter";

/// The first column of a table (header excluded).
std::set<std::string> first_column(const std::string& table) {
  std::set<std::string> out;
  auto ls = lines(table);
  for (std::size_t i = 1; i < ls.size(); ++i) out.insert(ls[i].substr(0, ls[i].find(' ')));
  return out;
}

template <class T>
T decode(const json::value& v) {
  T out;
  wire::decode_error err;
  wire::from_json(v, out, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

struct cli_fixture {
  explicit cli_fixture(openrouter::mock::server_options opts = {}) : server(std::move(opts)) {
    BOOST_TEST_REQUIRE(fs::exists(binary), binary << " is missing: build the openrouter-cli target first");
    ca_file = dir.write("mock-ca.pem", server->ca_pem()).string();
  }

  /// openrouter --base-url <mock> --ca-file <mock CA> ARGS..., OPENROUTER_API_KEY set.
  result cli(std::vector<std::string> args, std::map<std::string, std::string> env = {{"OPENROUTER_API_KEY", test_key}}) {
    std::vector<std::string> full{"--base-url", server->base_url(), "--ca-file", ca_file};
    full.insert(full.end(), args.begin(), args.end());
    return run(binary, dir, full, env);
  }

  /// Checks a successful run: exit 0, nothing on stderr.
  static void ok(const result& r) {
    BOOST_TEST_REQUIRE(r.code == 0, r);
    BOOST_TEST(r.err.empty(), r);
  }

  /// Checks a failed run: the exit code, one "openrouter: " line on stderr, nothing on stdout,
  /// and never the key.
  static void failed(const result& r, int code) {
    BOOST_TEST(r.code == code, r);
    auto ls = lines(r.err);
    BOOST_TEST(ls.size() == 1u, r);
    BOOST_TEST(r.err.starts_with("openrouter: "), r);
    BOOST_TEST(r.out.empty(), r);
    BOOST_TEST(r.err.find(test_key) == std::string::npos, r);
  }

  temp_dir dir;
  openrouter::mock::background_server server;
  std::string ca_file;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_test)

BOOST_AUTO_TEST_CASE(help_and_version) {
  cli_fixture f;
  auto top = f.cli({"--help"});
  cli_fixture::ok(top);
  for (const char* word : {"models", "providers", "endpoints", "generation", "key", "chat", "--base-url", "--ca-file",
                           "--timeout", "--app-name", "--site-url", "OPENROUTER_API_KEY"})
    BOOST_TEST(top.out.find(word) != std::string::npos, word);
  auto models = f.cli({"models", "--help"});
  cli_fixture::ok(models);
  for (const char* word : {"--free", "--input-modality", "--output-modality", "--param", "--search", "--json", "--base-url"})
    BOOST_TEST(models.out.find(word) != std::string::npos, word);
  auto chat = f.cli({"help", "chat"});
  cli_fixture::ok(chat);
  BOOST_TEST(chat.out.find("--temperature") != std::string::npos);
  auto version = f.cli({"--version"});
  cli_fixture::ok(version);
  BOOST_TEST(version.out.starts_with("openrouter 0."));
  // No arguments at all: usage on stderr, exit 2.
  auto none = run(binary, f.dir, {}, {});
  BOOST_TEST(none.code == 2);
  BOOST_TEST(none.err.find("Usage: openrouter") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(models_free_lists_only_free_models) {
  cli_fixture f;
  auto r = f.cli({"models", "--free"});
  cli_fixture::ok(r);
  auto ls = lines(r.out);
  BOOST_TEST_REQUIRE(ls.size() > 2u);
  BOOST_TEST(ls[0].starts_with("ID"));
  BOOST_TEST(ls[0].find("CONTEXT") != std::string::npos);
  auto ids = first_column(r.out);
  BOOST_TEST(ids.count("mistralai/mistral-7b-instruct:free") == 1u);
  BOOST_TEST(ids.count("deepseek/deepseek-chat-v3-0324:free") == 1u);
  BOOST_TEST(ids.count("openai/gpt-4o-mini") == 0u);
  BOOST_TEST(ids.count("mistralai/mistral-7b-instruct") == 0u);
  BOOST_TEST(ids.count("openrouter/auto") == 0u);  // "-1" prices are not free

  // The same selection as JSON: every entry free by wire::is_free, the same ids.
  auto j = f.cli({"models", "--free", "--json"});
  cli_fixture::ok(j);
  auto arr = json::parse(j.out).as_array();
  BOOST_TEST(arr.size() == ids.size());
  for (const auto& v : arr) {
    auto m = decode<wire::model>(v);
    BOOST_TEST(wire::is_free(m), m.id);
    BOOST_TEST(ids.count(m.id) == 1u, m.id);
  }

  // Without --free the paid models are listed, with their prices per million tokens.
  auto all = f.cli({"models"});
  cli_fixture::ok(all);
  bool found = false;
  for (const auto& l : lines(all.out)) {
    if (!l.starts_with("openai/gpt-4o-mini ")) continue;
    found = true;
    BOOST_TEST(l.find("128000") != std::string::npos, l);
    BOOST_TEST(l.find("0.15") != std::string::npos, l);  // $0.15 / M prompt tokens
    BOOST_TEST(l.find("0.6") != std::string::npos, l);   // $0.60 / M completion tokens
    BOOST_TEST(l.find("text+image+file->text") != std::string::npos, l);
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(models_output_modality_image) {
  cli_fixture f;
  auto r = f.cli({"models", "--output-modality", "image"});
  cli_fixture::ok(r);
  auto ids = first_column(r.out);
  BOOST_TEST(ids.count("google/gemini-2.5-flash-image") == 1u);
  BOOST_TEST(ids.count("black-forest-labs/flux-1-schnell") == 1u);  // image-only: needs output_modalities=all
  BOOST_TEST(ids.count("openai/gpt-4o-mini") == 0u);

  // Modalities are all required: image AND text output.
  auto both = f.cli({"models", "--output-modality", "image,text", "--json"});
  cli_fixture::ok(both);
  auto arr = json::parse(both.out).as_array();
  BOOST_TEST_REQUIRE(!arr.empty());
  std::set<std::string> both_ids;
  for (const auto& v : arr) {
    auto m = decode<wire::model>(v);
    both_ids.insert(m.id);
    BOOST_REQUIRE(m.architecture);
    BOOST_TEST(contains(m.architecture->output_modalities, "image"), m.id);
    BOOST_TEST(contains(m.architecture->output_modalities, "text"), m.id);
  }
  BOOST_TEST(both_ids.count("google/gemini-2.5-flash-image") == 1u);
  BOOST_TEST(both_ids.count("black-forest-labs/flux-1-schnell") == 0u);

  // "all": the whole catalog, no output filter.
  auto all = f.cli({"models", "--output-modality", "all"});
  cli_fixture::ok(all);
  auto all_ids = first_column(all.out);
  BOOST_TEST(all_ids.count("black-forest-labs/flux-1-schnell") == 1u);
  BOOST_TEST(all_ids.count("openai/gpt-4o-mini") == 1u);
  BOOST_TEST(all_ids.count("openai/text-embedding-3-small") == 1u);
  // By default the API lists text-output models only.
  auto text = f.cli({"models"});
  cli_fixture::ok(text);
  BOOST_TEST(first_column(text.out).count("black-forest-labs/flux-1-schnell") == 0u);
  BOOST_TEST(first_column(text.out).size() < all_ids.size());

  // Input modalities, search and repeated flags combine.
  auto vision = f.cli({"models", "--input-modality", "image", "--input-modality", "file", "--search", "GPT-4O-MINI"});
  cli_fixture::ok(vision);
  auto vids = first_column(vision.out);
  BOOST_TEST(vids.count("openai/gpt-4o-mini") == 1u);
  for (const auto& id : vids) BOOST_TEST(id.find("gpt-4o-mini") != std::string::npos, id);
}

BOOST_AUTO_TEST_CASE(models_param_tools_json) {
  cli_fixture f;
  auto r = f.cli({"models", "--param", "tools", "--json"});
  cli_fixture::ok(r);
  json::value v = json::parse(r.out);
  BOOST_TEST_REQUIRE(v.is_array());
  BOOST_TEST(v.as_array().size() > 10u);
  std::set<std::string> ids;
  for (const auto& e : v.as_array()) {
    auto m = decode<wire::model>(e);
    ids.insert(m.id);
    BOOST_TEST(contains(m.supported_parameters, "tools"), m.id);
  }
  BOOST_TEST(ids.count("openai/gpt-4o-mini") == 1u);
  BOOST_TEST(ids.count("mistralai/mistral-7b-instruct") == 0u);  // no tools

  auto two = f.cli({"models", "--param", "tools", "--param", "response_format", "--json"});
  cli_fixture::ok(two);
  auto arr2 = json::parse(two.out).as_array();
  BOOST_TEST(arr2.size() < v.as_array().size());  // anthropic/claude-3.5-haiku has tools, no response_format
  for (const auto& e : arr2) {
    auto m = decode<wire::model>(e);
    BOOST_TEST(m.id != "anthropic/claude-3.5-haiku");
    BOOST_TEST(contains(m.supported_parameters, "response_format"), m.id);
  }
}

BOOST_AUTO_TEST_CASE(endpoints_providers_key) {
  cli_fixture f;
  auto eps = f.cli({"endpoints", "meta-llama/llama-3.3-70b-instruct"});
  cli_fixture::ok(eps);
  BOOST_TEST(eps.out.starts_with("meta-llama/llama-3.3-70b-instruct"));
  BOOST_TEST(eps.out.find("deepinfra/turbo") != std::string::npos);
  BOOST_TEST(eps.out.find("fp8") != std::string::npos);
  BOOST_TEST(eps.out.find("groq") != std::string::npos);
  auto eps_json = f.cli({"endpoints", "meta-llama/llama-3.3-70b-instruct", "--json"});
  cli_fixture::ok(eps_json);
  auto me = decode<wire::model_endpoints>(json::parse(eps_json.out));
  BOOST_TEST(me.id == "meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(me.endpoints.size() >= 2u);
  auto missing = f.cli({"endpoints", "nobody/nothing"});
  cli_fixture::failed(missing, 1);
  BOOST_TEST(missing.err.find("404") != std::string::npos, missing);

  auto prov = f.cli({"providers"});
  cli_fixture::ok(prov);
  auto slugs = first_column(prov.out);
  BOOST_TEST(slugs.count("openai") == 1u);
  BOOST_TEST(slugs.count("deepinfra") == 1u);
  auto prov_json = f.cli({"providers", "--json"});
  cli_fixture::ok(prov_json);
  auto parr = json::parse(prov_json.out).as_array();
  BOOST_TEST(parr.size() == slugs.size());
  BOOST_TEST(decode<wire::provider_info>(parr.at(0)).slug.size() > 0u);

  auto key = f.cli({"key"});
  cli_fixture::ok(key);
  BOOST_TEST(key.out.find("label") != std::string::npos);
  BOOST_TEST(key.out.find("sk-or-v1-") != std::string::npos);
  BOOST_TEST(key.out.find("$100") != std::string::npos);  // the mock's limit
  BOOST_TEST(key.out.find(test_key) == std::string::npos);
  auto key_json = f.cli({"key", "--json"});
  cli_fixture::ok(key_json);
  auto ki = decode<wire::key_info>(json::parse(key_json.out));
  BOOST_TEST(ki.limit.value_or(0) == 100.0);
}

BOOST_AUTO_TEST_CASE(chat_prints_the_reply) {
  cli_fixture f;
  auto r = f.cli({"chat", "--model", "openai/gpt-4o-mini", "echo: hi there"});
  cli_fixture::ok(r);
  BOOST_TEST(r.out == "hi there\n");
  // Several words are one prompt; --system and sampling flags reach the request.
  auto j = f.cli({"chat", "--model", "openai/gpt-4o-mini", "--system", "Be brief.", "--max-tokens", "50",
                  "--temperature", "0.5", "--json", "echo:", "two", "words"});
  cli_fixture::ok(j);
  auto res = decode<wire::chat_response>(json::parse(j.out));
  BOOST_TEST(res.text() == "two words");
  BOOST_TEST(res.id.starts_with("gen-"));
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  auto rec = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(rec.has_value());
  const auto& body = rec->request.as_object();
  BOOST_TEST(body.at("max_tokens").to_number<double>() == 50.0);
  BOOST_TEST(body.at("temperature").to_number<double>() == 0.5);
  const auto& msgs = body.at("messages").as_array();
  BOOST_TEST_REQUIRE(msgs.size() == 2u);
  BOOST_TEST(msgs[0].at("role").as_string() == "system");
  BOOST_TEST(msgs[0].at("content").as_string() == "Be brief.");
  // The key went out as a Bearer token, never as anything the CLI printed.
  BOOST_TEST(j.out.find(test_key) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(chat_stream_prints_as_it_arrives) {
  cli_fixture f;
  auto r = f.cli({"chat", "--stream", "--model", "openai/gpt-4o-mini", "echo: streamed words arrive one by one"});
  cli_fixture::ok(r);
  BOOST_TEST(r.out == "streamed words arrive one by one\n");

  // --json: the accumulated response, equal to what the server generated.
  auto j = f.cli({"chat", "--stream", "--json", "--model", "openai/gpt-4o-mini", "echo: accumulated reply"});
  cli_fixture::ok(j);
  auto res = decode<wire::chat_response>(json::parse(j.out));
  BOOST_TEST(res.text() == "accumulated reply");
  BOOST_TEST(res.id.starts_with("gen-"));
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_REQUIRE(res.usage);
  BOOST_TEST(res.usage->cost.has_value());
  BOOST_REQUIRE(res.choices.size() == 1u);
  BOOST_TEST(res.choices[0].finish_reason.value_or("") == "stop");
  auto rec = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(rec.has_value());
  BOOST_TEST(rec->request.as_object().at("stream").as_bool());
}

BOOST_AUTO_TEST_CASE(chat_stream_failures_exit_1_after_the_partial_text) {
  cli_fixture f;
  // Before the stream: the typed API error, nothing on stdout.
  auto before = f.cli({"chat", "--stream", "--model", "fault/503", "x"});
  cli_fixture::failed(before, 1);
  BOOST_TEST(before.err.find("503") != std::string::npos, before);

  // Cut without [DONE] and without a finish reason: the partial text, then one error line.
  for (std::string model : {"fault/no_done;after_tokens=3", "fault/reset;after_tokens=3",
                            "fault/mid_stream_error;after_tokens=3", "fault/malformed_json;after_tokens=2"}) {
    BOOST_TEST_CONTEXT(model) {
      auto r = f.cli({"chat", "--stream", "--model", model, "echo: one two three four five six"});
      BOOST_TEST(r.code == 1, r);
      auto err = lines(r.err);
      BOOST_TEST(err.size() == 1u, r);
      BOOST_TEST(r.err.starts_with("openrouter: "), r);
      BOOST_TEST(r.err.find(test_key) == std::string::npos, r);
      // Some text came before the failure, and never all of it.
      BOOST_TEST(!r.out.empty(), r);
      BOOST_TEST(r.out.find("six") == std::string::npos, r);
      BOOST_TEST(r.out.back() == '\n', r);
    }
  }
  auto cut = f.cli({"chat", "--stream", "--model", "fault/no_done;after_tokens=3", "echo: one two three four five"});
  BOOST_TEST(cut.err.find("ended before it was complete") != std::string::npos, cut);
  auto mid = f.cli({"chat", "--stream", "--model", "fault/mid_stream_error;after_tokens=3", "echo: one two three four"});
  BOOST_TEST(mid.err.find("error event") != std::string::npos, mid);

  // A stalled stream hits the overall deadline.
  auto slow = f.cli({"chat", "--stream", "--timeout", "1", "--model", "fault/stall;seconds=20;after_tokens=2",
                     "echo: a b c d"});
  BOOST_TEST(slow.code == 1, slow);
  BOOST_TEST(slow.err.find("deadline") != std::string::npos, slow);
}

// Issue 18: on a terminal (stdout and stderr on one screen) a mid-stream error starts on a line
// of its own, not glued to the partial text.
BOOST_AUTO_TEST_CASE(a_mid_stream_error_starts_on_a_new_line) {
  cli_fixture f;
  for (std::string model : {"fault/mid_stream_error;after_tokens=3", "fault/no_done;after_tokens=3"}) {
    BOOST_TEST_CONTEXT(model) {
      auto tty = test::cli::run_on_terminal(binary, {"--base-url", f.server->base_url(), "--ca-file", f.ca_file, "chat",
                                                     "--stream", "--model", model, "echo: one two three four five"},
                                            {{"OPENROUTER_API_KEY", test_key}});
      BOOST_TEST(tty.code == 1, tty);
      const auto at = tty.out.find("openrouter: ");
      BOOST_TEST_REQUIRE(at != std::string::npos, tty);
      BOOST_TEST_REQUIRE(at > 0u, tty);
      BOOST_TEST(tty.out[at - 1] == '\n', tty);
      BOOST_TEST(tty.out.find("\n\n") == std::string::npos, tty);  // and no blank line after it either
    }
  }
}

// Issue 18: `openrouter policy --example` prints a commented policy that --policy loads as is.
BOOST_AUTO_TEST_CASE(policy_example_is_a_policy_file_that_loads) {
  cli_fixture f;
  auto ex = f.cli({"policy", "--example"});
  cli_fixture::ok(ex);
  BOOST_TEST(ex.out.find("// ") != std::string::npos);
  auto file = f.dir.write("example.json", ex.out);
  auto check = f.cli({"policy", "--check", file.string()});
  cli_fixture::ok(check);
  auto r = f.cli({"chat", "--policy", file.string(), "--model", "openai/gpt-4o-mini", "echo: by the example"});
  BOOST_TEST(r.code == 0, r);
  BOOST_TEST(r.out == "by the example\n", r);
  auto bad = f.dir.write("bad.json", R"({"backoff": {"initial": 5}})");
  auto c = f.cli({"policy", "--check", bad.string()});
  BOOST_TEST(c.code == 1, c);
  BOOST_TEST(c.err.find("$.backoff.initial: unknown key") != std::string::npos, c);
  BOOST_TEST(f.cli({"policy"}).code == 2);
  auto help = f.cli({"chat", "--help"});
  BOOST_TEST(help.out.find("openrouter policy --example") != std::string::npos, help);
}

BOOST_AUTO_TEST_CASE(chat_with_fallback_routes_and_shows_the_route) {
  cli_fixture f;
  auto r = f.cli({"chat", "--model", "fault/503", "--fallback", "openai/gpt-4o-mini", "echo: routed reply"});
  BOOST_TEST_REQUIRE(r.code == 0, r);
  BOOST_TEST(r.out == "routed reply\n");
  // One stderr line: the route (503 on the primary, retried up to the default 3 attempts per
  // model, then the fallback answered).
  BOOST_TEST(lines(r.err).size() == 1u, r);
  // Each attempt says the step taken after it and its waits: the third 503 fell back.
  const std::regex route(R"(routed: fault/503 \(503 overloaded; retry after backoff \d+ms\) -> )"
                         R"(fault/503 \(503 overloaded; retry after backoff \d+ms\) -> )"
                         R"(fault/503 \(503 overloaded; fall back\) -> openai/gpt-4o-mini \(ok\))");
  BOOST_TEST(std::regex_search(r.err, route), r);

  // A policy file: the candidates come from it, and an override turns the 503 into "next model".
  auto policy = f.dir.write("policy.json", R"({"models": ["fault/503", "openai/gpt-4o-mini"],
      "backoff": {"initial_ms": 10}, "overrides": {"service_unavailable": "next_model"}})");
  auto pr = f.cli({"chat", "--policy", policy.string(), "--json", "echo: by policy"});
  BOOST_TEST_REQUIRE(pr.code == 0, pr);
  auto res = decode<wire::chat_response>(json::parse(pr.out));
  BOOST_TEST(res.text() == "by policy");
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_TEST(pr.err.find("fault/503 (503 overloaded; fall back) -> openai/gpt-4o-mini (ok)") != std::string::npos, pr);

  // Every candidate failing: the last error, exit 1.
  auto all = f.cli({"chat", "--model", "fault/401", "--fallback", "fault/503", "x"});
  BOOST_TEST(all.code == 1, all);
  BOOST_TEST(all.err.find("401") != std::string::npos, all);
  BOOST_TEST(all.out.empty(), all);

  // Usage errors: exit 2, the key named.
  auto bad = f.dir.write("bad.json", R"({"backoff": {"initial": 5}})");
  auto b = f.cli({"chat", "--policy", bad.string(), "--model", "m", "x"});
  BOOST_TEST(b.code == 2, b);
  BOOST_TEST(b.err.find("$.backoff.initial") != std::string::npos, b);
  BOOST_TEST(f.cli({"chat", "--fallback", "a/b", "x"}).code == 2);
  // Streaming through the router: failover before the first content, then one stream.
  auto st = f.cli({"chat", "--stream", "--model", "fault/503", "--fallback", "openai/gpt-4o-mini", "echo: streamed fallback"});
  BOOST_TEST_REQUIRE(st.code == 0, st);
  BOOST_TEST(st.out == "streamed fallback\n");
  BOOST_TEST(st.err.find("-> openai/gpt-4o-mini (ok)") != std::string::npos, st);
  BOOST_TEST(f.cli({"chat", "--policy", (f.dir.path / "missing.json").string(), "--model", "a/b", "x"}).code == 2);
}

BOOST_AUTO_TEST_CASE(attribution_flags_and_environment) {
  cli_fixture f;
  auto r = f.cli({"chat", "--app-name", "CLI Test", "--site-url", "https://cli.example", "--model",
                  "openai/gpt-4o-mini", "--json", "echo: attributed"});
  cli_fixture::ok(r);
  auto res = decode<wire::chat_response>(json::parse(r.out));
  auto rec = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(rec.has_value());
  BOOST_TEST(rec->headers.at("x-openrouter-title") == "CLI Test");
  BOOST_TEST(rec->headers.at("http-referer") == "https://cli.example");
  BOOST_TEST(rec->headers.at("user-agent").starts_with("openrouter-cli/"));

  // Base URL and CA from the environment instead of flags; common options before the command.
  auto env = run(binary, f.dir, {"providers"},
                 {{"OPENROUTER_API_KEY", test_key},
                  {"OPENROUTER_BASE_URL", f.server->base_url()},
                  {"OPENROUTER_CA_FILE", f.ca_file}});
  cli_fixture::ok(env);
  BOOST_TEST(first_column(env.out).count("openai") == 1u);
  auto before = run(binary, f.dir, {"--timeout", "30", "--base-url", f.server->base_url(), "--ca-file", f.ca_file, "key"},
                    {{"OPENROUTER_API_KEY", test_key}});
  cli_fixture::ok(before);
}

BOOST_AUTO_TEST_CASE(generation_after_a_chat) {
  openrouter::mock::server_options o;
  // The record lags, as the real one does; long enough that the early look-up cannot outrun it
  // even on a loaded machine under ASan.
  o.generation_delay = std::chrono::milliseconds(4000);
  cli_fixture f(o);
  auto chat = f.cli({"chat", "--model", "openai/gpt-4o-mini", "--json", "echo: for the record"});
  cli_fixture::ok(chat);
  auto res = decode<wire::chat_response>(json::parse(chat.out));

  // One look-up right away: 404, exit 1.
  auto early = f.cli({"generation", res.id});
  cli_fixture::failed(early, 1);
  BOOST_TEST(early.err.find("404") != std::string::npos, early);

  auto g = f.cli({"generation", res.id, "--wait", "20"});
  cli_fixture::ok(g);
  BOOST_TEST(g.out.find(res.id) != std::string::npos, g);
  BOOST_TEST(g.out.find("openai/gpt-4o-mini") != std::string::npos, g);
  BOOST_TEST(g.out.find("total_cost") != std::string::npos, g);

  auto gj = f.cli({"generation", res.id, "--json"});
  cli_fixture::ok(gj);
  auto gen = decode<wire::generation>(json::parse(gj.out));
  BOOST_TEST(gen.id == res.id);
  BOOST_REQUIRE(res.usage);
  BOOST_TEST(gen.total_cost.value_or(-1) == res.usage->cost.value_or(-2));

  // Never written: bounded wait, exit 1.
  auto never = f.cli({"generation", "gen-never-written", "--wait", "0.5"});
  cli_fixture::failed(never, 1);
  BOOST_TEST(never.err.find("not available") != std::string::npos, never);
}

BOOST_AUTO_TEST_CASE(request_failure_is_one_line_without_the_key) {
  cli_fixture f;
  auto r = f.cli({"chat", "--model", "fault/429;retry_after=2", "x"});
  cli_fixture::failed(r, 1);
  BOOST_TEST(r.err.find("429") != std::string::npos, r);
  BOOST_TEST(r.err.find("rate_limit_exceeded") != std::string::npos, r);
  BOOST_TEST(r.err.find("retry after 2") != std::string::npos, r);

  // A server that accepts one key only: the environment's key is what goes out.
  openrouter::mock::server_options strict;
  strict.api_key = test_key;
  cli_fixture g(strict);
  cli_fixture::ok(g.cli({"key"}));
  auto denied = g.cli({"key"}, {{"OPENROUTER_API_KEY", "sk-or-v1-some-other-key-000000"}});
  cli_fixture::failed(denied, 1);
  BOOST_TEST(denied.err.find("401") != std::string::npos, denied);
  BOOST_TEST(denied.err.find("sk-or-v1-some-other-key-000000") == std::string::npos, denied);

  // The overall deadline.
  auto start = std::chrono::steady_clock::now();
  auto slow = f.cli({"chat", "--timeout", "1", "--model", "fault/stall;seconds=20", "x"});
  cli_fixture::failed(slow, 1);
  BOOST_TEST(slow.err.find("deadline") != std::string::npos, slow);
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(10)));
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
  cli_fixture f;
  cli_fixture::failed(f.cli({"chat", "hello"}), 2);  // no --model
  cli_fixture::failed(f.cli({"chat", "--model", "openai/gpt-4o-mini"}), 2);  // no prompt (stdin is empty)
  cli_fixture::failed(f.cli({"bogus"}), 2);
  cli_fixture::failed(f.cli({"models", "--bogus"}), 2);
  cli_fixture::failed(f.cli({"models", "extra-argument"}), 2);
  cli_fixture::failed(f.cli({"endpoints"}), 2);
  cli_fixture::failed(f.cli({"endpoints", "no-slash"}), 2);
  cli_fixture::failed(f.cli({"generation"}), 2);
  cli_fixture::failed(f.cli({"chat", "--model", "m", "--max-tokens", "many", "x"}), 2);
  cli_fixture::failed(f.cli({"models", "--timeout", "-1"}), 2);
  cli_fixture::failed(f.cli({"models", "--base-url", "ftp://nowhere"}), 2);
  // The key is never a flag, and its value is not echoed back.
  auto flag = f.cli({"models", "--api-key=" + test_key});
  cli_fixture::failed(flag, 2);
  BOOST_TEST(flag.err.find("OPENROUTER_API_KEY") != std::string::npos, flag);
  // Commands that need a key say so when it is missing; no request is made.
  auto before = f.server->stats().requests;
  auto nokey = f.cli({"key"}, {});
  cli_fixture::failed(nokey, 2);
  BOOST_TEST(nokey.err.find("OPENROUTER_API_KEY") != std::string::npos, nokey);
  BOOST_TEST(f.server->stats().requests == before);
  // Listing the catalog works without a key.
  cli_fixture::ok(f.cli({"providers"}, {}));
}

BOOST_AUTO_TEST_CASE(tls_verification) {
  cli_fixture f;
  // A different CA (another mock's): the server's certificate does not verify.
  openrouter::mock::background_server other;
  auto wrong_ca = f.dir.write("other-ca.pem", other->ca_pem()).string();
  auto r = run(binary, f.dir, {"--base-url", f.server->base_url(), "--ca-file", wrong_ca, "providers"},
               {{"OPENROUTER_API_KEY", test_key}});
  cli_fixture::failed(r, 1);
  BOOST_TEST(r.err.find("TLS certificate verification failed") != std::string::npos, r);
  // No extra CA at all: the system store does not know the mock either.
  auto none = run(binary, f.dir, {"--base-url", f.server->base_url(), "providers"}, {{"OPENROUTER_API_KEY", test_key}});
  cli_fixture::failed(none, 1);
  BOOST_TEST(none.err.find("TLS certificate verification failed") != std::string::npos, none);
  // An unreadable or invalid CA file is a configuration error.
  auto missing = run(binary, f.dir, {"--base-url", f.server->base_url(), "--ca-file", (f.dir.path / "nope.pem").string(),
                             "providers"}, {});
  cli_fixture::failed(missing, 2);
  BOOST_TEST(missing.err.find("CA file") != std::string::npos, missing);
  auto garbage = run(binary, f.dir, {"--base-url", f.server->base_url(), "--ca-file", f.dir.write("bad.pem", "junk").string(),
                             "providers"}, {});
  cli_fixture::failed(garbage, 2);
}

// Defect 5 of issue 12 (the CLI part): `bench --requests -1` wrapped to SIZE_MAX and ended in
// "internal error: vector::reserve"; other numbers wrapped or went unbounded the same way. Every
// numeric option of every command, given a negative, zero where it means nothing, an
// overflowing, a non-finite or a half-numeric value, is a usage error naming the option: exit 2,
// one line, nothing sent, nothing written.
BOOST_AUTO_TEST_CASE(every_numeric_option_is_range_checked) {
  cli_fixture f;
  auto in = f.dir.write("in.jsonl", R"({"id": "a", "messages": [{"role": "user", "content": "hi"}]})" "\n");
  const auto out = f.dir.path / "never-written.jsonl";
  const std::vector<std::string> chat{"chat", "--model", "openai/gpt-4o-mini", "hi"};
  const std::vector<std::string> batch{"batch", "--input", in.string(), "--output", out.string(),
                                       "--model", "openai/gpt-4o-mini", "--no-progress"};
  const std::vector<std::string> bench{"bench", "--model", "openai/gpt-4o-mini", "--requests", "1",
                                       "--input-len", "2", "--output-len", "2"};
  const std::vector<std::string> open_bench{"bench", "--model", "openai/gpt-4o-mini", "--requests", "1",
                                            "--request-rate", "10"};
  // Bad values by kind. "4294967296000" is in range of every integer type and past every bound.
  const std::vector<std::string> count{"-1", "0", "99999999999999999999999", "4294967296000", "12abc", "1.5", "", "0x10"};
  const std::vector<std::string> count0{"-1", "99999999999999999999999", "4294967296000", "3x", "1.5", ""};
  const std::vector<std::string> seconds{"-1", "0", "nan", "inf", "1e400", "1e300", "2x", ""};
  const std::vector<std::string> seconds0{"-1", "nan", "inf", "-inf", "1e400", "2x", ""};
  const std::vector<std::string> positive{"-1", "0", "nan", "inf", "1e400", "2x", ""};
  const std::vector<std::string> positive0{"-1", "nan", "inf", "1e400", "2x", ""};
  struct row {
    std::vector<std::string> base;
    std::string option;
    std::vector<std::string> bad;
  };
  const std::vector<row> table{
      {{"models"}, "--timeout", seconds},
      {{"generation", "gen-1"}, "--wait", seconds0},
      {chat, "--max-tokens", count},
      {chat, "--temperature", {"-1", "2.5", "nan", "inf", "x", ""}},
      {batch, "--concurrency", count},
      {batch, "--max-cost", positive},
      {batch, "--rpm", positive},
      {batch, "--drain-timeout", seconds0},
      {batch, "--max-line-bytes", count},
      {batch, "--shard", {"0/2", "3/2", "1/0", "-1/2", "1/99999999999", "1/2x", "1", ""}},
      {bench, "--concurrency", {"-1", "0", "99999999999999999999999", "4294967296000", "1,x", "1.5", ""}},
      {bench, "--request-rate", {"-1", "0", "nan", "-inf", "1e400", "2x", ""}},  // inf: all at once
      {open_bench, "--burstiness", positive},
      {bench, "--requests", count},
      {bench, "--warmup", count0},
      {bench, "--input-len", count},
      {bench, "--output-len", count},
      {bench, "--range-ratio", {"-0.1", "1", "1.5", "nan", "inf", "x", ""}},
      {bench, "--seed", {"-1", "99999999999999999999999", "12abc", "1.5", ""}},
      {bench, "--ramp-per-s", positive0},
      {bench, "--goodput", {"ttft:-1", "ttft:nan", "ttft:inf", "ttft:1e400", "ttft:5x", "ttft:", "e2el:0"}},
  };
  std::size_t runs = 0;
  for (const auto& r : table) {
    for (const auto& v : r.bad) {
      auto args = r.base;
      // A valid value of the option in `base` is replaced by the bad one.
      auto it = std::find(args.begin(), args.end(), r.option);
      if (it != args.end()) *(it + 1) = v;
      else args.insert(args.begin() + 1, {r.option, v});
      BOOST_TEST_CONTEXT(r.option << " '" << v << "'") {
        auto res = f.cli(args);
        cli_fixture::failed(res, 2);
        BOOST_TEST(res.err.find(r.option) != std::string::npos, res);
        BOOST_TEST(res.err.find("internal error") == std::string::npos, res);
      }
      ++runs;
    }
  }
  BOOST_TEST(runs > 120u);
  BOOST_TEST(f.server->generations().empty());
  BOOST_TEST(!fs::exists(out));
}

// Defect 9 of issue 12 (terminal): model output went to the terminal raw, so a model (or a
// hostile server) could send escape sequences: recolour, retitle, clear the screen, worse. On a
// terminal, control characters other than \n and \t (C0, DEL, C1 like U+009B CSI) and invalid
// UTF-8 are shown as visible escapes; anywhere else the bytes are passed through exactly.
BOOST_AUTO_TEST_CASE(model_text_on_a_terminal_is_neutralised) {
  cli_fixture f;
  const std::string hostile = "a\x1b[31mred\x1b]0;title\x07" "b\xc2\x9b" "2Jc\rd\x7f" "e\tf\xe2\x82\xacg";
  const std::vector<std::string> base{"--base-url", f.server->base_url(), "--ca-file", f.ca_file, "chat", "--model",
                                      "openai/gpt-4o-mini"};
  // Not a terminal: byte for byte.
  auto plain = f.cli({"chat", "--model", "openai/gpt-4o-mini", "echo: " + hostile});
  cli_fixture::ok(plain);
  BOOST_TEST(plain.out == hostile + "\n");
  for (bool stream : {false, true}) {
    BOOST_TEST_CONTEXT((stream ? "--stream" : "plain")) {
      auto args = base;
      if (stream) args.push_back("--stream");
      args.push_back("echo: " + hostile);
      auto tty = test::cli::run_on_terminal(binary, args, {{"OPENROUTER_API_KEY", test_key}});
      BOOST_TEST(tty.code == 0, tty);
      for (char c : {'\x1b', '\x07', '\x7f', '\r'}) BOOST_TEST(tty.out.find(c) == std::string::npos, tty);
      BOOST_TEST(tty.out.find("\xc2\x9b") == std::string::npos, tty);
      BOOST_TEST(tty.out == "a\\x1b[31mred\\x1b]0;title\\x07b\\u009b2Jc\\x0dd\\x7fe\tf\xe2\x82\xacg\n", tty);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
