#pragma once
// The built `openrouter` binary as a child process, for CLI tests: started with fork/exec with
// the parent's environment minus every OPENROUTER_* variable plus the given ones, stdin
// /dev/null, stdout and stderr to files (no pipe to fill up).

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace test {

/// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& p);

class cli_process {
 public:
  /// Starts `openrouter ARGS...`; its stdout and stderr go to fresh files in `dir`.
  cli_process(const std::filesystem::path& dir, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env);
  ~cli_process();  ///< SIGKILLs it if it still runs
  cli_process(const cli_process&) = delete;
  cli_process& operator=(const cli_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  /// Whether it still runs (not reaped).
  bool running();
  /// Its exit code (128+signal when a signal ended it). After `limit` it is SIGKILLed and
  /// std::runtime_error thrown.
  int wait(std::chrono::milliseconds limit);

  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  std::filesystem::path out_, err_;
};

}  // namespace test
