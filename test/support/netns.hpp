#pragma once
// Real network faults for a test: a network namespace of the test's own, with nftables rules
// that drop a share of the packets on loopback and answer a share with TCP resets.
//
//   test::network_namespace ns;                 // this thread (and what it starts) moves in
//   if (!ns.entered()) { BOOST_TEST_MESSAGE("SKIPPED: " << ns.why_not()); return; }
//   openrouter::mock::background_server mock;   // its thread starts inside, so it listens there
//   ns.apply({.drop_percent = 7, .reset_per_mille = 5});
//
// unshare(CLONE_NEWNET) moves the calling thread only; threads it creates afterwards and the
// processes it forks (an `openrouter` child, `nft`) are inside too. The destructor moves the
// calling thread back; the namespace, with its rules, disappears when the last thread or socket
// inside it is gone. Needs CAP_SYS_ADMIN and CAP_NET_ADMIN (root); without them entered() is
// false and why_not() says why, so that a test can report itself skipped rather than pass.

#include <cstdint>
#include <string>

namespace test {

/// What the rules do to TCP packets arriving on `lo` (every packet crosses its input hook once).
struct network_faults {
  unsigned drop_percent = 0;     ///< this share (0-100) of all TCP packets is dropped
  /// This share (0-1000) of the packets of established connections (no SYN, no RST) is
  /// dropped and answered with a TCP reset to its sender.
  unsigned reset_per_mille = 0;
};

/// The nftables ruleset (`nft -f` input) for `f`: a table `inet chaos` with counters.
std::string nft_ruleset(const network_faults& f);

class network_namespace {
 public:
  /// Moves the calling thread into a new network namespace and brings `lo` up there.
  network_namespace();
  /// Moves the calling thread back to its former namespace (must run on the same thread).
  ~network_namespace();
  network_namespace(const network_namespace&) = delete;
  network_namespace& operator=(const network_namespace&) = delete;

  bool entered() const noexcept { return entered_; }
  /// Why not entered (e.g. "unshare(CLONE_NEWNET): Operation not permitted").
  const std::string& why_not() const noexcept { return why_not_; }

  /// Replaces the fault rules (from the calling thread, which must be inside). Throws
  /// std::runtime_error with nft's own message when nft is missing or refuses the rules.
  void apply(const network_faults& f);
  /// Removes the fault rules.
  void clear();

  /// How many packets the rules dropped, and how many they answered with a reset, so far.
  struct counts {
    std::uint64_t dropped = 0, reset = 0;
  };
  counts counters() const;

  /// Runs `nft ARGS` with `input` on its stdin; returns its stdout. Throws std::runtime_error
  /// (with its stderr) when it fails or cannot be started.
  static std::string nft(const std::string& args, const std::string& input = {});
  /// The nft binary ("" when none is installed).
  static std::string nft_path();

 private:
  int old_ns_ = -1;
  bool entered_ = false;
  bool rules_ = false;
  std::string why_not_;
};

}  // namespace test
