#pragma once
// Redis commands written in RESP (the wire format) directly: a counted run of bulk strings that
// can be built once and reused (a model's keys, a policy's constant arguments) and numbers
// written with to_chars, not printf. What hiredis's redisFormatCommandArgv would produce, at a
// fraction of its cost (a fleet writes two commands per attempt). Sans-I/O; private to
// src/lib/fleet.

#include <cstddef>
#include <string>
#include <string_view>

namespace openrouter::fleet {

class resp_args {
 public:
  resp_args& add(std::string_view s);
  resp_args& add(long long v);
  /// The shortest text that reads back as `v` (Lua's tonumber reads it).
  resp_args& add(double v);
  resp_args& append(const resp_args& more);
  std::size_t count() const noexcept { return n_; }
  const std::string& bytes() const noexcept { return out_; }

 private:
  std::string out_;
  std::size_t n_ = 0;
};

/// `*N` then `name`, `first` and the arguments: one command, ready to send.
std::string resp_command(std::string_view name, std::string_view first, const resp_args& rest);
/// `*N` then the arguments (argv[0] is the command's name).
std::string resp_command(const resp_args& argv);

}  // namespace openrouter::fleet
