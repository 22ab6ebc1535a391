#include "netns.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace test {

namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// The whole content of `fd` from its start.
std::string read_back(int fd) {
  std::string out;
  ::lseek(fd, 0, SEEK_SET);
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string nft_ruleset(const network_faults& f) {
  std::ostringstream r;
  // `inet` covers IPv4 and IPv6 loopback. The reset rule comes first, so that both shares hold
  // of all packets. A reject in the input hook drops the packet and sends the reset to its
  // source: the sending end's connection dies, the other end's next segment meets a reset too.
  r << "table inet chaos {\n"
       "  chain in {\n"
       "    type filter hook input priority 0; policy accept;\n";
  if (f.reset_per_mille > 0)
    r << "    iifname \"lo\" tcp flags & (syn | rst) == 0 numgen random mod 1000 < " << f.reset_per_mille
      << " counter reject with tcp reset comment \"reset\"\n";
  if (f.drop_percent > 0)
    r << "    iifname \"lo\" meta l4proto tcp numgen random mod 100 < " << f.drop_percent
      << " counter drop comment \"drop\"\n";
  r << "  }\n}\n";
  return r.str();
}

network_namespace::network_namespace() {
  old_ns_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (old_ns_ < 0) {
    why_not_ = errno_text("open(/proc/thread-self/ns/net)");
    return;
  }
  if (::unshare(CLONE_NEWNET) != 0) {
    why_not_ = errno_text("unshare(CLONE_NEWNET)") + " (the test needs root, or CAP_SYS_ADMIN and CAP_NET_ADMIN)";
    ::close(old_ns_);
    old_ns_ = -1;
    return;
  }
  entered_ = true;
  // A new namespace has only `lo`, and it is down.
  fd_guard s{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (s.fd < 0 || ::ioctl(s.fd, SIOCGIFFLAGS, &ifr) != 0) {
    why_not_ = errno_text("SIOCGIFFLAGS lo");
  } else {
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(s.fd, SIOCSIFFLAGS, &ifr) != 0) why_not_ = errno_text("SIOCSIFFLAGS lo up");
  }
  if (!why_not_.empty()) {
    ::setns(old_ns_, CLONE_NEWNET);
    entered_ = false;
  }
}

network_namespace::~network_namespace() {
  if (entered_) {
    if (rules_) {
      try {
        clear();
      } catch (...) {
      }
    }
    ::setns(old_ns_, CLONE_NEWNET);
  }
  if (old_ns_ >= 0) ::close(old_ns_);
}

void network_namespace::apply(const network_faults& f) {
  if (!entered_) throw std::runtime_error("network_namespace::apply: not inside a namespace of our own");
  // One transaction: the old table (if any) goes and the new one comes at once.
  std::string script = "table inet chaos\ndelete table inet chaos\n" + nft_ruleset(f);
  nft("-f -", script);
  rules_ = true;
}

void network_namespace::clear() {
  if (!entered_) return;
  nft("-f -", "table inet chaos\ndelete table inet chaos\n");
  rules_ = false;
}

network_namespace::counts network_namespace::counters() const {
  counts c;
  if (!rules_) return c;
  std::istringstream in(nft("list table inet chaos"));
  for (std::string line; std::getline(in, line);) {
    auto at = line.find("counter packets ");
    if (at == std::string::npos) continue;
    std::uint64_t n = std::stoull(line.substr(at + 16));
    if (line.find("comment \"reset\"") != std::string::npos) c.reset += n;
    else if (line.find("comment \"drop\"") != std::string::npos) c.dropped += n;
  }
  return c;
}

std::string network_namespace::nft_path() {
  for (const char* p : {"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", "/usr/local/sbin/nft"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

std::string network_namespace::nft(const std::string& args, const std::string& input) {
  std::string path = nft_path();
  if (path.empty()) throw std::runtime_error("nft not found (Debian: apt-get install nftables; scripts/setup.sh does)");
  std::vector<std::string> argv_s{path};
  std::istringstream words(args);
  for (std::string w; words >> w;) argv_s.push_back(w);
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
  fd_guard in_r{in[0]}, in_w{in[1]};
  fd_guard out{::memfd_create("nft-out", MFD_CLOEXEC)}, err{::memfd_create("nft-err", MFD_CLOEXEC)};
  if (out.fd < 0 || err.fd < 0) throw std::runtime_error(errno_text("memfd_create"));
  // Only async-signal-safe calls between fork and exec: the process has other threads.
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(errno_text("fork"));
  if (pid == 0) {
    if (::dup2(in_r.fd, 0) < 0 || ::dup2(out.fd, 1) < 0 || ::dup2(err.fd, 2) < 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(in_r.fd);
  in_r.fd = -1;
  // The rules are a few hundred bytes: far below a pipe's capacity, so this cannot block.
  for (std::size_t done = 0; done < input.size();) {
    ssize_t n = ::write(in_w.fd, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(in_w.fd);
  in_w.fd = -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("nft " + args + " failed (status " + std::to_string(status) + "): " + read_back(err.fd));
  return read_back(out.fd);
}

}  // namespace test
