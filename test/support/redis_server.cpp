#include "support/redis_server.hpp"

#include "support/real_proxy.hpp"  // free_loopback_port, accepts, spawn_logged

#include "tls/server_tls.hpp"

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

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size()) throw std::runtime_error("cannot write " + path);
  std::fclose(f);
}

}  // namespace

redis_server::redis_server(std::string password, transport t)
    : password_(std::move(password)), tls_(t == transport::tls) {
  if (!fs::exists("/usr/bin/redis-server"))
    throw std::runtime_error("redis-server is missing: apt-get install redis-server (scripts/setup.sh)");
  char tmpl[] = "/tmp/openrouter-redis-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  port_ = free_loopback_port();
  if (tls_) {
    const auto m = openrouter::tls::generate_tls_material();
    write_file(dir_ + "/ca.pem", m.ca_pem);
    write_file(dir_ + "/cert.pem", m.cert_pem);
    write_file(dir_ + "/key.pem", m.key_pem);
  }
  start();
}

redis_server::~redis_server() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void redis_server::start() {
  if (pid_ > 0) return;
  std::vector<std::string> argv = {"/usr/bin/redis-server", "--bind", "127.0.0.1", "--dir", dir_, "--save", "",
                                   "--appendonly", "no", "--daemonize", "no"};
  if (tls_) {
    for (const char* a : {"--port", "0", "--tls-auth-clients", "no"}) argv.emplace_back(a);
    argv.insert(argv.end(), {"--tls-port", std::to_string(port_), "--tls-cert-file", dir_ + "/cert.pem",
                             "--tls-key-file", dir_ + "/key.pem", "--tls-ca-cert-file", dir_ + "/ca.pem"});
  } else {
    argv.insert(argv.end(), {"--port", std::to_string(port_)});
  }
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

std::string redis_server::url() const {
  return (tls_ ? "rediss://127.0.0.1:" : "redis://127.0.0.1:") + std::to_string(port_);
}

std::string redis_server::command(const std::string& args) const {
  std::string cmd = "redis-cli -p " + std::to_string(port_);
  if (tls_) cmd += " --tls --cacert " + dir_ + "/ca.pem";
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
