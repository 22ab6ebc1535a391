#include "real_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace test {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("cannot run " + cmd);
  char buf[256];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  if (::pclose(f) != 0) throw std::runtime_error("failed: " + cmd);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::string find_binary(const char* name, const char* package) {
  for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/lib/squid"}) {
    std::string p = std::string(dir) + "/" + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  throw std::runtime_error(std::string(name) + " is not installed: the proxy tests need the Debian package '" +
                           package + "' (scripts/setup.sh installs it: apt-get install " + package + ")");
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}


bool accepts(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

pid_t spawn_logged(std::vector<std::string> argv, const std::string& out_path, bool own_group) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (own_group) ::setpgid(0, 0);
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (own_group) ::setpgid(pid, pid);
  return pid;
}

std::uint16_t free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

real_proxy::real_proxy(kind k, real_proxy_options opts) : kind_(k), opts_(std::move(opts)) {
  const std::string binary = k == kind::squid ? find_binary("squid", "squid") : find_binary("tinyproxy", "tinyproxy");
  char tmpl[] = "/tmp/openrouter-proxy-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  ::chmod(dir_.c_str(), 0777);  // squid started as root writes its logs as its effective user
  port_ = free_loopback_port();
  const fs::path d(dir_);
  const std::string port = std::to_string(port_);
  std::vector<std::string> argv;
  if (k == kind::tinyproxy) {
    std::string conf = "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nLogLevel Info\nMaxClients 50\n"
                       "Allow 127.0.0.1\nDisableViaHeader Yes\n";
    if (opts_.allowed_port != 0) conf += "ConnectPort " + std::to_string(opts_.allowed_port) + "\n";
    if (opts_.credentials) conf += "BasicAuth " + opts_.credentials->first + " " + opts_.credentials->second + "\n";
    write_file(d / "tinyproxy.conf", conf);
    argv = {binary, "-d", "-c", (d / "tinyproxy.conf").string()};
  } else {
    std::string conf = "http_port 127.0.0.1:" + port + "\npid_filename " + (d / "squid.pid").string() +
                       "\ncache_log " + (d / "cache.log").string() + "\naccess_log stdio:" +
                       (d / "access.log").string() +
                       "\ncache_store_log none\ncache deny all\ncache_mem 4 MB\ncoredump_dir " + dir_ +
                       "\nnetdb_filename none\nshutdown_lifetime 0 seconds\nacl CONNECT method CONNECT\n";
    if (opts_.allowed_port != 0)
      conf += "acl allowed_ports port " + std::to_string(opts_.allowed_port) + "\nhttp_access deny CONNECT !allowed_ports\n";
    if (opts_.credentials) {
      std::string hash = run_capture("openssl passwd -apr1 '" + opts_.credentials->second + "'");
      write_file(d / "htpasswd", opts_.credentials->first + ":" + hash + "\n");
      ::chmod((d / "htpasswd").c_str(), 0644);
      conf += "auth_param basic program " + find_binary("basic_ncsa_auth", "squid") + " " + (d / "htpasswd").string() +
              "\nauth_param basic realm openrouter-test\nacl authed proxy_auth REQUIRED\nhttp_access allow authed\n";
    } else {
      conf += "acl local src 127.0.0.1/32\nhttp_access allow local\n";
    }
    conf += "http_access deny all\n";
    write_file(d / "squid.conf", conf);
    argv = {binary, "-N", "-f", (d / "squid.conf").string()};
  }
  // its own process group: stop() ends helpers (squid's authenticator) too
  pid_ = start_listening_process(std::move(argv), port_, (d / "stdout.log").string(), name(), [this] { return log(); });
}

real_proxy::~real_proxy() {
  stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void real_proxy::stop() noexcept {
  stop_process(pid_);
  pid_ = -1;
}

pid_t start_listening_process(std::vector<std::string> argv, std::uint16_t port, const std::string& out_path,
                              const std::string& name, const std::function<std::string()>& log) {
  const pid_t pid = spawn_logged(std::move(argv), out_path, true);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!accepts(port)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) throw std::runtime_error(name + " exited at start: " + log());
    if (std::chrono::steady_clock::now() > deadline) {
      std::string l = log();
      stop_process(pid);
      throw std::runtime_error(name + " did not listen on 127.0.0.1:" + std::to_string(port) + " within 60 s: " + l);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pid;
}

void stop_process(pid_t pid) noexcept {
  if (pid <= 0) return;
  ::kill(-pid, SIGKILL);  // the group: the process and its helpers
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

std::string real_proxy::url(bool with_credentials) const {
  std::string u = "http://";
  if (with_credentials && opts_.credentials) u += opts_.credentials->first + ":" + opts_.credentials->second + "@";
  return u + "127.0.0.1:" + std::to_string(port_);
}

std::string real_proxy::log() const {
  std::string all;
  for (const char* f : {"stdout.log", "access.log", "cache.log"}) {
    fs::path p = fs::path(dir_) / f;
    if (fs::exists(p)) all += "--- " + std::string(f) + "\n" + slurp(p);
  }
  return all;
}

}  // namespace test
