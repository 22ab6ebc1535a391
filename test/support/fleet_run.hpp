#pragma once
// A fleet of `openrouter batch --shard K/N` processes against one in-process mock, for the fleet
// tests (test/fleet): the input file, the shards started with their own outputs, the outputs
// read back (every id exactly once?), and the token-bucket check over the mock's chat log.

#include "support/cli_process.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace test::fleet {

/// The API key every process of a fleet test uses (one key: one fleet namespace).
const std::map<std::string, std::string>& key_env();

/// A fleet id no other run of this test process uses (--fleet-id: counters of its own on a
/// redis-server shared by several tests).
std::string fresh_fleet_id();

/// JSONL of `n` chat lines with ids "r0".."r<n-1>", `max_tokens` 4, model `model` ("" leaves the
/// model out: --model decides).
std::string chat_lines(int n, const std::string& model = "openai/gpt-4o-mini");

/// One run of a sharded batch: a temporary directory with the mock's CA and the input, and a
/// fleet id of its own (its counters apart from any other run on the same redis-server).
class batch_run {
 public:
  batch_run(const openrouter::mock::server& mock, const std::string& input_jsonl);

  const cli::temp_dir& dir() const noexcept { return dir_; }
  const std::string& fleet_id() const noexcept { return fleet_id_; }
  /// Shard k's output file.
  std::filesystem::path output(int k) const;
  /// Starts `openrouter batch --shard K/N --output outK.jsonl --no-progress` and `extra` (e.g.
  /// --rpm 600 --redis URL --fleet-id ...).
  std::unique_ptr<cli_process> start(int k, int n, const std::vector<std::string>& extra) const;
  /// Every line of the outputs of shards 1..n, parsed.
  std::vector<boost::json::object> results(int n) const;

 private:
  cli::temp_dir dir_;
  std::filesystem::path ca_, input_;
  std::string base_url_, fleet_id_;
};

/// How many times each id was written.
std::map<std::string, int> id_counts(const std::vector<boost::json::object>& results);

/// The most a fleet's token bucket of `per_second` and `burst` lets through in a window of
/// `window`, seen from the mock: burst + per_second x window, +1 for a token due at the window's
/// edge, plus 200 ms' worth for arrivals that lag their admission (a new connection's TLS
/// handshake on a loaded machine). Each of `fallbacks` falls back of a member to local limits
/// (Redis slower than its call deadline: an overloaded machine) adds that member's local bucket,
/// 1/fleet_size of the fleet's, starting full.
std::size_t bucket_bound(double per_second, double burst, std::chrono::milliseconds window, std::size_t fallbacks = 0,
                         std::size_t fleet_size = 1);

/// How many times a process's stderr says it fell back to local limits.
std::size_t fallbacks(const std::string& err);

/// The most requests of `log` (those `model` names; "" for all) received in any window of
/// length `window`: the token bucket's invariant is max_in_window <= burst + rate x window.
std::size_t max_in_window(const std::vector<openrouter::mock::chat_log_entry>& log, std::chrono::milliseconds window,
                          const std::string& model = "");

}  // namespace test::fleet
