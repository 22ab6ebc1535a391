#include "support/cli_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace test {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::filesystem::path p = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return {};
}

namespace {

/// argv and envp for execve, prepared before fork (the mock runs threads): the parent's
/// environment minus every OPENROUTER_* variable, plus `env`.
struct exec_args {
  std::vector<std::string> argv_s, env_s;
  std::vector<char*> argv, envp;
  exec_args(const std::string& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env) {
    argv_s.push_back(binary);
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (char** e = environ; *e; ++e)
      if (std::strncmp(*e, "OPENROUTER_", 11) != 0) env_s.emplace_back(*e);
    for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
};

/// In the child, before exec (async-signal-safe calls only).
void apply(const child_setup& setup) {
  if (setup.file_size_limit) {
    ::signal(SIGXFSZ, SIG_IGN);  // an ignored disposition survives exec
    rlimit rl{static_cast<rlim_t>(*setup.file_size_limit), static_cast<rlim_t>(*setup.file_size_limit)};
    if (::setrlimit(RLIMIT_FSIZE, &rl) != 0) ::_exit(125);
  }
}

}  // namespace

cli_process::cli_process(const std::filesystem::path& dir, const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env, const child_setup& setup)
    : cli_process(OPENROUTER_BINARY_DIR "/openrouter", dir, args, env, setup) {}

cli_process::cli_process(const std::string& binary, const std::filesystem::path& dir,
                         const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                         const child_setup& setup) {
  static int counter = 0;
  ++counter;
  out_ = dir / ("out" + std::to_string(counter));
  err_ = dir / ("err" + std::to_string(counter));

  // Everything the child needs is prepared before fork (the mock runs threads).
  exec_args a(binary, args, env);
  const std::string out_s = out_.string(), err_s = err_.string();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {  // async-signal-safe calls only
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    apply(setup);
    ::execve(a.argv[0], a.argv.data(), a.envp.data());
    ::_exit(127);
  }
}

cli_process::~cli_process() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

bool cli_process::running() {
  if (pid_ <= 0) return false;
  pid_t r = ::waitpid(pid_, &status_, WNOHANG);
  if (r == 0) return true;
  if (r < 0) throw std::runtime_error("waitpid failed");
  pid_ = -1;
  return false;
}

int cli_process::wait(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
      throw std::runtime_error("openrouter did not finish in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

std::string cli_process::out() const { return read_file(out_); }
std::string cli_process::err() const { return read_file(err_); }

namespace cli {
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) { return read_file(p); }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

temp_dir::temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "openrouter-cli-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

fs::path temp_dir::write(const std::string& name, const std::string& content) const {
  fs::path p = path / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

result run(const std::string& binary, const temp_dir& dir, const std::vector<std::string>& args,
           const std::map<std::string, std::string>& env, std::chrono::seconds limit,
           const std::function<bool()>& interrupt_when) {
  cli_process p(binary, dir.path, args, env);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (interrupt_when) {
    while (p.running() && std::chrono::steady_clock::now() < deadline) {
      if (interrupt_when()) {
        ::kill(p.pid(), SIGINT);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  result res;
  res.code = p.wait(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
  res.out = p.out();
  res.err = p.err();
  return res;
}

result run_on_terminal(const std::string& binary, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, std::chrono::seconds limit) {
  exec_args a(binary, args, env);
  termios raw{};
  ::cfmakeraw(&raw);  // bytes reach us as the program wrote them (no \n -> \r\n)
  winsize ws{24, 80, 0, 0};
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, &raw, &ws);
  if (pid < 0) throw std::runtime_error(std::string("forkpty failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::execve(a.argv[0], a.argv.data(), a.envp.data());
    ::_exit(127);
  }
  result res;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  bool reaped = false;
  while (true) {
    pollfd p{master, POLLIN, 0};
    int n = ::poll(&p, 1, 20);
    if (n > 0) {
      char buf[4096];
      ssize_t got = ::read(master, buf, sizeof buf);
      if (got > 0) {
        res.out.append(buf, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      // EIO: every slave descriptor is closed (the program ended)
      if (reaped || ::waitpid(pid, &status, 0) == pid) reaped = true;
      break;
    }
    if (!reaped && ::waitpid(pid, &status, WNOHANG) == pid) reaped = true;  // then drain what is left
    if (reaped && n == 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      ::close(master);
      throw std::runtime_error("openrouter did not finish in time (on a terminal)");
    }
  }
  ::close(master);
  res.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return res;
}

std::ostream& operator<<(std::ostream& os, const result& r) {
  return os << "exit " << r.code << "\n--- stdout\n" << r.out.substr(0, 2000) << "\n--- stderr\n" << r.err;
}

}  // namespace cli
}  // namespace test
