// Every example binary, run with no arguments against its in-process mock (OPENROUTER_API_KEY
// unset): exit 0 and the expected piece of output. The list comes from examples/CMakeLists.txt
// (openrouter_example writes <build>/examples/list/<name>.txt); without examples built (the
// sanitizer presets) the suite reports itself skipped.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct example {
  std::string name, binary, expect;
};

std::vector<example> listed() {
  std::vector<example> out;
  fs::path dir = fs::path(OPENROUTER_BINARY_DIR) / "examples" / "list";
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".txt") continue;
    std::ifstream in(e.path());
    example x;
    x.name = e.path().stem().string();
    std::getline(in, x.binary);
    std::getline(in, x.expect);
    out.push_back(std::move(x));
  }
  std::sort(out.begin(), out.end(), [](const example& a, const example& b) { return a.name < b.name; });
  return out;
}

// Runs `cmd` through the shell; returns (exit status, stdout + stderr).
std::pair<int, std::string> run(const std::string& cmd) {
  std::string output;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) output.append(buf.data(), n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(examples_test)

BOOST_AUTO_TEST_CASE(every_example_runs_against_the_mock) {
  auto examples = listed();
  if (examples.empty()) {
    BOOST_TEST_MESSAGE("SKIPPED: examples not built (OPENROUTER_BUILD_EXAMPLES is off)");
    return;
  }
  std::vector<std::string> names;
  for (const auto& x : examples) names.push_back(x.name);
  for (const char* required :
       {"free_models", "generation_cost", "list_models", "list_providers", "structured_output", "tool_loop",
        "chat_coroutine", "chat_callback", "chat_future", "stream_cancel", "router_fallback", "concurrent_chats",
        "errors_tour", "sync_chat"})
    BOOST_TEST((std::find(names.begin(), names.end(), required) != names.end()), "example " << required << " listed");
  // Examples that save files (image_generation) write into the current directory: a scratch
  // one, so that the tests leave nothing behind.
  fs::path scratch = fs::temp_directory_path() / ("openrouter-examples-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  struct cleanup {
    fs::path p;
    ~cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } clean{scratch};
  for (const auto& x : examples) {
    BOOST_TEST_CONTEXT(x.name) {
      BOOST_REQUIRE(fs::exists(x.binary));
      // Bounded: the example's own limit is 120 s; `timeout` guards against anything else.
      auto [code, output] = run("cd '" + scratch.string() + "' && env -u OPENROUTER_API_KEY -u OPENROUTER_EXAMPLE_MODEL timeout 180 '" +
                                x.binary + "'");
      BOOST_TEST(code == 0, "exit " << code << ", output:\n" << output);
      BOOST_TEST(output.find(x.expect) != std::string::npos, "expected '" << x.expect << "' in:\n" << output);
      BOOST_TEST(output.find("error:") == std::string::npos, output);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_failing_example_prints_one_typed_error_line) {
  auto examples = listed();
  auto it = std::find_if(examples.begin(), examples.end(), [](const example& x) { return x.name == "chat_coroutine"; });
  if (it == examples.end()) {
    BOOST_TEST_MESSAGE("SKIPPED: examples not built (OPENROUTER_BUILD_EXAMPLES is off)");
    return;
  }
  // A model id the mock does not know: a 400, reported as one line naming the errc.
  auto [code, output] =
      run("env -u OPENROUTER_API_KEY OPENROUTER_EXAMPLE_MODEL=nobody/nothing timeout 180 '" + it->binary + "'");
  BOOST_TEST(code == 1);
  BOOST_TEST(output.find("error: bad_request: 400 ") == 0u, output);
  BOOST_TEST(std::count(output.begin(), output.end(), '\n') == 1);
}

BOOST_AUTO_TEST_SUITE_END()
