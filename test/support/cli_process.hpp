#pragma once
// The built `openrouter` binary as a child process, for the CLI tests: fork/exec with the
// parent's environment minus every OPENROUTER_* variable plus the given ones, stdin /dev/null,
// stdout and stderr to files (no pipe to fill up). cli_process is the handle (kill it, wait
// for it); cli::run is the one-shot form.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace test {

/// What the child gets besides its arguments and environment.
struct child_setup {
  /// RLIMIT_FSIZE in bytes, with SIGXFSZ ignored: a write past it fails with EFBIG, a real
  /// write failure of the kind a full disk gives (applies to every file the child writes,
  /// its stdout and stderr files too).
  std::optional<std::uint64_t> file_size_limit;
};

/// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& p);

/// The first executable `name` on $PATH ("" when there is none).
std::string find_on_path(const std::string& name);

class cli_process {
 public:
  /// Starts `binary ARGS...`; its stdout and stderr go to fresh files in `dir`.
  cli_process(const std::string& binary, const std::filesystem::path& dir, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const child_setup& setup = {});
  /// Starts the built `openrouter ARGS...`.
  cli_process(const std::filesystem::path& dir, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const child_setup& setup = {});
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

namespace cli {

struct result {
  int code = -1;  ///< exit status, or 128 + signal
  std::string out, err;
};
std::ostream& operator<<(std::ostream& os, const result& r);

std::string slurp(const std::filesystem::path& p);
std::vector<std::string> lines(const std::string& text);

/// A temporary directory, removed at the end.
struct temp_dir {
  std::filesystem::path path;
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::filesystem::path write(const std::string& name, const std::string& content) const;
};

/// Runs `binary` with `args` and `env` (see cli_process) to its end. Killed (and
/// std::runtime_error thrown) after `limit`; with `interrupt_when`, sent SIGINT (Ctrl-C) once
/// that condition holds (polled every 5 ms while the process runs).
result run(const std::string& binary, const temp_dir& dir, const std::vector<std::string>& args,
           const std::map<std::string, std::string>& env, std::chrono::seconds limit = std::chrono::seconds(60),
           const std::function<bool()>& interrupt_when = {});

/// Runs `binary` with `args` and `env` on a pseudo-terminal (stdin, stdout and stderr are its
/// slave side, in raw mode: no newline translation) to its end; `out` is every byte the
/// terminal received, `err` stays empty. Killed (and std::runtime_error thrown) after `limit`.
result run_on_terminal(const std::string& binary, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env,
                       std::chrono::seconds limit = std::chrono::seconds(60));

}  // namespace cli
}  // namespace test
