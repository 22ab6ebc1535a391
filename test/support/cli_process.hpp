#pragma once
// Runs the built `openrouter` binary the way a user does (fork/exec, its own environment,
// stdin /dev/null, stdout and stderr to files), for the CLI integration tests.

#include <chrono>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace test::cli {

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

/// Runs `binary` with `args`, the parent's environment minus every OPENROUTER_* variable, plus
/// `env`. Killed (and std::runtime_error thrown) after `limit`; with `interrupt_when`, sent
/// SIGINT (Ctrl-C) once that condition holds (polled every 5 ms while the process runs).
result run(const std::string& binary, const temp_dir& dir, const std::vector<std::string>& args,
           const std::map<std::string, std::string>& env, std::chrono::seconds limit = std::chrono::seconds(60),
           const std::function<bool()>& interrupt_when = {});

}  // namespace test::cli
