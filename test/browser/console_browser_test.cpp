// The web console of `openrouter serve` in a real browser: the built binary serves in front of an
// in-process openrouter-mock (HTTPS, a pacing and fault scenario), and test/browser/console.mjs
// drives Debian's Chromium through the page (playwright-core pinned in package-lock.json,
// installed by `npm ci` in scripts/setup.sh): a bad token, the model picker's filters and a
// model's endpoints, a streamed answer growing in the page and its cost line, a 503 served by the
// fallback, Stop, the image lab, the ops view; no console errors, the key in no response. This
// side then checks what the mock saw: the cancellation, the image request's aspect ratio, the
// fallback. Screenshots: build/<preset>/test-artifacts/console/.
//
// Missing node, chromium or test/browser/node_modules: SKIPPED, except under CI (CI=true), where
// it fails (scripts/setup.sh installs them).
#include "support/cli_process.hpp"

#include <serve/config.hpp>

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

namespace fs = std::filesystem;
namespace json = boost::json;
namespace mock = openrouter::mock;
using namespace std::chrono_literals;

namespace {

const fs::path k_dir = fs::path(OPENROUTER_SOURCE_DIR) / "test" / "browser";
const std::string k_key = "sk-or-v1-console-browser-test-0123456789";
const std::string k_chat_model = "openai/gpt-4o-mini";
const std::string k_failing_model = "anthropic/claude-3.5-haiku";  // always 503: the policy falls back
const std::string k_slow_model = "meta-llama/llama-3.3-70b-instruct";  // 60 s of tokens: stopped
const std::string k_image_model = "google/gemini-2.5-flash-image";

// Every answer streams 40 tokens 40 ms apart: long enough to see it grow, short enough to wait.
const char* k_scenario = R"({
  "defaults": {"itl_ms": 40, "tokens": 40},
  "models": {
    "anthropic/claude-3.5-haiku": {"faults": [{"kind": "http_error", "status": 503}]},
    "meta-llama/llama-3.3-70b-instruct": {"itl_ms": 100, "tokens": 600}
  }
})";

bool wait_for(const std::function<bool()>& cond, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(console_browser_test)

BOOST_AUTO_TEST_CASE(the_console_in_chromium_against_the_gateway_and_the_mock) {
  const std::string node = test::find_on_path("node");
  const std::string chromium = "/usr/bin/chromium";
  if (node.empty() || !fs::exists(chromium) || !fs::exists(k_dir / "node_modules" / "playwright-core" / "package.json")) {
    const char* ci = std::getenv("CI");
    BOOST_REQUIRE_MESSAGE(!ci || std::string(ci) != "true",
                          "node, /usr/bin/chromium or test/browser/node_modules missing: run scripts/setup.sh");
    BOOST_TEST_MESSAGE("SKIPPED: node, /usr/bin/chromium or test/browser/node_modules missing (scripts/setup.sh)");
    return;
  }

  mock::server_options mo;
  mo.api_key = k_key;
  mo.scenario = json::parse(k_scenario);
  mock::background_server upstream(mo);
  test::cli::temp_dir dir;
  auto ca = dir.write("ca.pem", upstream->ca_pem());
  auto config = dir.write("gw.json", R"({"port": 0, "threads": 2, "tokens": [{"name": "console", "sha256": ")" +
                                         openrouter::serve::sha256_hex("console-token") + R"("}]})");
  // One attempt per model: the 503 moves on to the fallback at once.
  auto policy = dir.write("policy.json", R"({"models": [")" + k_chat_model + R"("], "max_attempts_per_model": 1})");
  test::cli_process gw(dir.path,
                       {"serve", "--config", config.string(), "--policy", policy.string(), "--base-url",
                        upstream->base_url(), "--ca-file", ca.string()},
                       {{"OPENROUTER_API_KEY", k_key}});
  BOOST_TEST_REQUIRE(wait_for([&] { return gw.out().find('\n') != std::string::npos || !gw.running(); }, 30s),
                     gw.err());
  std::string line = gw.out();
  BOOST_TEST_REQUIRE(line.starts_with("listening http://127.0.0.1:"), line << gw.err());
  const std::string url = line.substr(std::string("listening ").size(), line.find('\n') - std::string("listening ").size());

  const fs::path artifacts = fs::path(OPENROUTER_BINARY_DIR) / "test-artifacts" / "console";
  test::cli_process browser(node, dir.path,
                            {(k_dir / "console.mjs").string(), "--url", url, "--token", "console-token",
                             "--bad-token", "not-the-token", "--chat-model", k_chat_model, "--failing-model",
                             k_failing_model, "--fallback-model", k_chat_model, "--slow-model", k_slow_model,
                             "--image-model", k_image_model, "--artifacts", artifacts.string(), "--chromium",
                             chromium},
                            {{"CONSOLE_TEST_SECRET", k_key}});
  // The script has a deadline of its own (150 s) and closes the browser at it; past 200 s it is
  // told to stop (SIGTERM: it closes the browser), then killed.
  int code = -1;
  if (wait_for([&] { return !browser.running(); }, 200s)) {
    code = browser.wait(1s);
  } else {
    ::kill(browser.pid(), SIGTERM);
    code = browser.wait(10s);
  }
  BOOST_TEST_MESSAGE(browser.out());
  BOOST_TEST(code == 0, browser.out() << browser.err());

  // What the mock saw.
  auto gens = upstream->generations();
  int chat_served = 0;
  bool cancelled = false, image = false;
  for (const auto& g : gens) {
    if (g.model == k_chat_model && g.streamed && !g.cancelled) ++chat_served;
    if (g.model == k_slow_model && g.streamed && g.cancelled) cancelled = true;
    if (g.model == k_image_model && g.request.is_object()) {
      const auto& r = g.request.as_object();
      const auto* ic = r.if_contains("image_config");
      image = ic && ic->is_object() && ic->as_object().contains("aspect_ratio") &&
              ic->as_object().at("aspect_ratio") == "16:9";
    }
  }
  BOOST_TEST(chat_served == 2);  // the first chat, and the failing model's fallback
  BOOST_TEST(cancelled);         // Stop closed the upstream stream
  BOOST_TEST(image);             // the image lab sent the chosen aspect ratio
  BOOST_TEST(upstream->stats().streams_open == 0u);

  ::kill(gw.pid(), SIGTERM);
  BOOST_TEST(gw.wait(30s) == 0, gw.err());
  BOOST_TEST(gw.err().find(k_key) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
