#pragma once
// The gateway's counters, gauges and histograms, rendered in the Prometheus text format
// (GET /metrics). Thread-safe. Model labels are bounded: past max_models distinct models, new
// ones are counted under model="other" (caller-chosen names must not grow memory without end).

#include <openrouter/pool_stats.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter::serve {

class metrics {
 public:
  static constexpr std::size_t max_models = 256;
  static constexpr std::array<double, 15> buckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                  1,     2.5,   5,    10,    30,    60,  120};

  /// One request to the gateway's chat route ended: its model, outcome class ("success",
  /// "rate_limited", "unauthorized"...), end-to-end seconds and, for a stream, time to first byte
  /// of content.
  void request(const std::string& model, std::string_view outcome, bool stream, double e2e_s,
               std::optional<double> ttft_s);
  /// One upstream attempt ended (router hook).
  void attempt(const std::string& model, std::string_view cls);
  /// USD reported by upstream usage.cost, per caller (token name, "loopback" without tokens).
  void spend(const std::string& caller, double usd);
  /// Any HTTP response, by route and status (routes are the gateway's fixed set).
  void response(std::string_view route, unsigned status);

  std::atomic<std::int64_t> in_flight{0};    ///< requests being served (chat, models)
  std::atomic<std::int64_t> connections{0};  ///< open caller connections
  std::atomic<std::uint64_t> access_log_dropped{0};
  /// TLS connections that never completed a handshake (silent past handshake_timeout, plain
  /// HTTP on the HTTPS port, a failed handshake).
  std::atomic<std::uint64_t> tls_handshake_failures{0};

  /// The whole exposition. `extra` is appended as is (pool statistics, breakers: the gateway's).
  std::string render(const pool_stats& pool, const std::string& extra) const;

 private:
  struct histogram {
    std::array<std::uint64_t, buckets.size()> counts{};
    std::uint64_t count = 0;
    double sum = 0;
    void observe(double v);
  };
  std::string model_label(const std::string& model);  // under mu_

  mutable std::mutex mu_;
  std::map<std::string, int> models_;  // known model labels
  std::map<std::tuple<std::string, std::string, bool>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> attempts_;
  std::map<std::pair<std::string, unsigned>, std::uint64_t> responses_;
  std::map<std::string, double> spend_;
  std::map<bool, histogram> e2e_;  // by stream
  histogram ttft_;
};

/// `s` escaped for a Prometheus label value.
std::string label_escape(std::string_view s);

}  // namespace openrouter::serve
