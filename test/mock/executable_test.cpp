// The openrouter-mock executable: its one "listening" line, --ca-out, --plain, --scenario,
// bad options, and a clean exit on SIGTERM / SIGINT.
#include "support/http_client.hpp"

#include "../../src/tls/server_tls.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace test;

namespace {

// A child process whose stdout we read line by line.
struct child {
  pid_t pid = -1;
  FILE* out = nullptr;

  explicit child(std::vector<std::string> args) {
    int fds[2];
    BOOST_REQUIRE(pipe(fds) == 0);
    pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      std::string exe = OPENROUTER_BINARY_DIR "/openrouter-mock";
      argv.push_back(exe.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(exe.c_str(), argv.data());
      _exit(127);
    }
    close(fds[1]);
    out = fdopen(fds[0], "r");
  }

  std::string line() {
    char buf[512];
    if (!std::fgets(buf, sizeof buf, out)) return {};
    std::string s(buf);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }

  // Exit status after `sig`, waiting at most 10 s (then SIGKILL and report -1).
  int stop(int sig) {
    kill(pid, sig);
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
    return -1;
  }

  int wait_exit() {
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  ~child() {
    if (pid > 0) stop(SIGKILL);
    if (out) fclose(out);
  }
};

std::uint16_t port_of(const std::string& line) {
  return static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs openrouter-mock to its exit (at most `limit`; a mock still running then is killed and
// reported as -1): its exit status (128+signal when killed by one) and what it wrote to stderr.
struct outcome {
  int status = -1;
  std::string err;
};

outcome run_to_exit(std::vector<std::string> args, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    FILE* null = std::fopen("/dev/null", "w");
    if (null) dup2(fileno(null), STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    std::string exe = OPENROUTER_BINARY_DIR "/openrouter-mock";
    argv.push_back(exe.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  outcome o;
  auto end = std::chrono::steady_clock::now() + limit;
  int status = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() < end) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    usleep(5000);
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  } else {
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) o.err.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  return o;
}

std::string temp_path(const char* name) {
  return "/tmp/openrouter-mock-test-" + std::to_string(getpid()) + "-" + name;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(executable_test)

BOOST_AUTO_TEST_CASE(tls_with_ca_out_and_sigterm) {
  std::string ca = temp_path("ca.pem");
  child c({"--port", "0", "--ca-out", ca});
  std::string line = c.line();
  BOOST_TEST(line.rfind("listening https://127.0.0.1:", 0) == 0);
  std::string pem = slurp(ca);
  BOOST_TEST(pem.find("BEGIN CERTIFICATE") != std::string::npos);
  http_client client("127.0.0.1", port_of(line), pem);
  BOOST_TEST(client.get(api("/models?limit=1")).status == 200);
  BOOST_TEST(c.stop(SIGTERM) == 0);
  std::remove(ca.c_str());
}

BOOST_AUTO_TEST_CASE(plain_with_scenario_and_sigint) {
  std::string scen = temp_path("scenario.json");
  std::ofstream(scen) << R"({"models":{"openai/gpt-4o-mini":{"faults":[{"kind":"http_error","status":503,"retry_after":1}]}}})";
  child c({"--plain", "--port", "0", "--scenario", scen, "--api-key", "k1"});
  std::string line = c.line();
  BOOST_TEST(line.rfind("listening http://127.0.0.1:", 0) == 0);
  http_client client("127.0.0.1", port_of(line), "", "localhost", "k1");
  auto r = client.request("POST", api("/chat/completions"),
                          R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.header("retry-after") == "1");
  client.set_api_key("k2");
  BOOST_TEST(client.get(api("/key")).status == 401);
  BOOST_TEST(c.stop(SIGINT) == 0);
  std::remove(scen.c_str());
}

BOOST_AUTO_TEST_CASE(given_certificate_and_key) {
  // Material from the same generator, handed over as PEM files: the mock serves that chain.
  auto tls = openrouter::tls::generate_tls_material();
  std::string cert = temp_path("cert.pem"), key = temp_path("key.pem");
  std::ofstream(cert) << tls.cert_pem;
  std::ofstream(key) << tls.key_pem;
  child c({"--port", "0", "--cert", cert, "--key", key});
  std::string line = c.line();
  BOOST_TEST(line.rfind("listening https://127.0.0.1:", 0) == 0);
  http_client trusting("127.0.0.1", port_of(line), tls.ca_pem);
  BOOST_TEST(trusting.get(api("/providers")).status == 200);
  http_client other("127.0.0.1", port_of(line), openrouter::tls::generate_tls_material().ca_pem);
  BOOST_TEST(other.get(api("/providers")).error.failed());
  BOOST_TEST(c.stop(SIGTERM) == 0);
  // --ca-out makes no sense with given certificates: a clear error.
  child d({"--cert", cert, "--key", key, "--ca-out", temp_path("x.pem")});
  BOOST_TEST(d.wait_exit() == 2);
  std::remove(cert.c_str());
  std::remove(key.c_str());
}

BOOST_AUTO_TEST_CASE(bad_options_fail_with_a_message) {
  child a({"--plain", "--tls"});
  BOOST_TEST(a.wait_exit() == 2);
  std::string scen = temp_path("bad.json");
  std::ofstream(scen) << R"({"models":{"x":{"faults":[{"kind":"explode"}]}}})";
  child b({"--scenario", scen});
  BOOST_TEST(b.wait_exit() == 2);
  std::remove(scen.c_str());
}

BOOST_AUTO_TEST_CASE(every_numeric_option_is_range_checked) {
  // Each numeric option with values that are never valid, plus its own out-of-range ones. A
  // bad value is a usage error (exit 2) whose message names the option: no abort, no wrap
  // to 65535 or SIZE_MAX, no server started.
  const std::vector<std::string> never = {"-1", "99999999999999999999", "abc", "1e9", "", " 5", "+5", "0x10", "5s"};
  const std::vector<std::pair<std::string, std::vector<std::string>>> options = {
      {"port", {"65536", "70000"}},
      {"seed", {"18446744073709551616"}},
      {"catalog-size", {"0", "100001", "18446744073709551615"}},
      {"generation-delay-ms", {"86400001"}},
      {"threads", {"0", "257", "4294967295", "4294967296"}},
      {"max-connections", {"10000001"}},
      {"header-timeout-ms", {"0", "86400001"}},
      {"idle-timeout-ms", {"0", "86400001"}},
      {"body-timeout-ms", {"0", "86400001"}},
      {"write-timeout-ms", {"0", "86400001"}},
      {"max-header-bytes", {"0", "1023", "16777217"}},
      {"max-request-body", {"0", "1073741825"}},
      {"max-fault-rules", {"0", "10000001"}},
  };
  for (const auto& [name, own] : options) {
    std::vector<std::string> values = never;
    values.insert(values.end(), own.begin(), own.end());
    for (const auto& v : values) {
      BOOST_TEST_CONTEXT("--" << name << "=" << v) {
        auto o = run_to_exit({"--plain", "--" + name + "=" + v});
        BOOST_TEST(o.status == 2);
        BOOST_TEST(o.err.find("--" + name) != std::string::npos, "stderr: " << o.err);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(limits_from_the_command_line) {
  // Values at the edges of their ranges are taken, and the limits act: one connection at most,
  // a request body of one byte at most.
  child c({"--plain", "--port", "0", "--threads", "2", "--max-connections", "1", "--header-timeout-ms", "20000",
           "--idle-timeout-ms", "20000", "--body-timeout-ms", "1", "--write-timeout-ms", "86400000",
           "--max-header-bytes", "1024", "--max-request-body", "1", "--max-fault-rules", "1", "--catalog-size", "1",
           "--generation-delay-ms", "0", "--seed", "18446744073709551615"});
  std::string line = c.line();
  BOOST_REQUIRE(line.rfind("listening http://127.0.0.1:", 0) == 0);
  http_client client("127.0.0.1", port_of(line), "");
  auto big = client.request("POST", api("/chat/completions"), R"({"model":"openai/gpt-4o-mini"})");
  BOOST_TEST(big.status == 413u);
  // The refused connection lingers (draining what the client still sends) for at most 1 s and
  // holds the one slot until then.
  usleep(2'000'000);
  BOOST_TEST(client.get(api("/models?limit=1")).status == 200u);  // a new connection, kept open
  http_client second("127.0.0.1", port_of(line), "");
  auto refused = second.get(api("/models?limit=1"));
  BOOST_TEST(refused.status == 0u);
  BOOST_TEST(refused.error.failed());
  BOOST_TEST(c.stop(SIGTERM) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
