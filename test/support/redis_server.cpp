#include "support/redis_server.hpp"

#include "support/real_proxy.hpp"  // free_loopback_port, accepts, spawn_logged

#include <sys/wait.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace test {

redis_server::redis_server(std::string password) : password_(std::move(password)) {
  if (!fs::exists("/usr/bin/redis-server"))
    throw std::runtime_error("redis-server is missing: apt-get install redis-server (scripts/setup.sh)");
  char tmpl[] = "/tmp/openrouter-redis-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  port_ = free_loopback_port();
  start();
}

redis_server::~redis_server() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void redis_server::start() {
  if (pid_ > 0) return;
  std::vector<std::string> argv = {"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                   "--dir", dir_, "--save", "", "--appendonly", "no", "--daemonize", "no"};
  if (!password_.empty()) {
    argv.emplace_back("--requirepass");
    argv.push_back(password_);
  }
  const std::string out_path = dir_ + "/redis.log";
  pid_ = spawn_logged(argv, out_path, false);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!accepts(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start (see " + out_path + ")");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("redis-server did not listen within 30 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void redis_server::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string redis_server::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

std::string redis_server::command(const std::string& args) const {
  std::string cmd = "redis-cli -p " + std::to_string(port_);
  if (!password_.empty()) cmd += " --no-auth-warning -a '" + password_ + "'";
  cmd += " " + args + " 2>&1";
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("cannot run redis-cli");
  std::string out;
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  ::pclose(f);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace test
