#pragma once
// A real HTTP proxy (tinyproxy or squid, the Debian packages) started by a test on a free
// loopback port with a configuration generated in a temporary directory, and stopped (killed
// and reaped) by the destructor, so no process outlives a test case, failed or not; the child
// also dies with the test process (PR_SET_PDEATHSIG). A missing binary throws an exception
// naming the package to install: the test fails, it does not pass silently.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>
#include <optional>
#include <string>
#include <vector>

namespace test {

struct real_proxy_options {
  /// Require Basic credentials (tinyproxy BasicAuth; squid basic_ncsa_auth with an htpasswd
  /// file made by `openssl passwd -apr1`).
  std::optional<std::pair<std::string, std::string>> credentials;
  /// Only CONNECT to this port is allowed (others are refused with 403); 0: any port.
  std::uint16_t allowed_port = 0;
};

class real_proxy {
 public:
  enum class kind { tinyproxy, squid };
  real_proxy(kind k, real_proxy_options opts = {});
  ~real_proxy();
  real_proxy(const real_proxy&) = delete;
  real_proxy& operator=(const real_proxy&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  /// "http://[user:password@]127.0.0.1:PORT"
  std::string url(bool with_credentials = true) const;
  /// Everything the proxy logged so far (its log files and its standard output/error).
  std::string log() const;
  const char* name() const noexcept { return kind_ == kind::squid ? "squid" : "tinyproxy"; }

 private:
  void stop() noexcept;

  kind kind_;
  real_proxy_options opts_;
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

/// A free TCP port on 127.0.0.1 (bound and released: nobody listens there right after).
std::uint16_t free_loopback_port();
/// Whether something accepts TCP connections on 127.0.0.1:port.
bool accepts(std::uint16_t port);
/// Starts argv[0] (a path) with argv, stdout and stderr appended to `out_path`, stdin inherited;
/// the child dies with this process (PR_SET_PDEATHSIG) and, with `own_group`, leads its own
/// process group (kill(-pid) ends its helpers too). Throws std::runtime_error if fork fails.
pid_t spawn_logged(std::vector<std::string> argv, const std::string& out_path, bool own_group);

/// The absolute path of program `name`; throws naming the Debian `package` to install.
std::string find_binary(const char* name, const char* package);
void write_file(const std::filesystem::path& p, const std::string& text);

/// Starts `argv` (argv[0] an absolute path) in a process group of its own that dies with the
/// test process, its output in `out_path`, and waits (60 s) until it listens on
/// 127.0.0.1:`port`; throws naming `name` with `log()` when it exits or does not listen. Stop
/// it with stop_process().
pid_t start_listening_process(std::vector<std::string> argv, std::uint16_t port, const std::string& out_path,
                              const std::string& name, const std::function<std::string()>& log);
/// Kills the process group of `pid` and reaps it (nothing for pid <= 0).
void stop_process(pid_t pid) noexcept;

}  // namespace test
