#pragma once
// `openrouter batch` statistics, sans-I/O: counts by model and error class, spend, latency
// percentiles; the progress line and the end-of-run summary text.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::cli::batch {

struct outcome {
  std::string model;        ///< the resolved model ("" when unknown, e.g. invalid input)
  std::string error_class;  ///< "" on success
  std::int64_t prompt_tokens = 0, completion_tokens = 0;
  double cost = 0;
  std::optional<double> latency_ms;  ///< requests only (not invalid input)
  unsigned attempts = 0;
  /// Attempts cancelled (or streams cut) before their usage arrived: billed perhaps, not counted.
  unsigned cost_unknown = 0;
};

/// The q-quantile (0..1) of `v` by the nearest-rank method; nullopt when empty. Reorders v.
std::optional<double> percentile(std::vector<double>& v, double q);

class stats {
 public:
  struct per_model {
    std::uint64_t requests = 0, failures = 0;
    std::int64_t prompt_tokens = 0, completion_tokens = 0;
    double cost = 0;
  };

  void add(const outcome& o);

  std::uint64_t done() const noexcept { return done_; }
  std::uint64_t errors() const noexcept { return errors_; }
  double cost() const noexcept { return cost_; }
  std::uint64_t attempts() const noexcept { return attempts_; }
  std::uint64_t cost_unknown() const noexcept { return cost_unknown_; }  ///< see outcome::cost_unknown
  const std::map<std::string, per_model>& models() const noexcept { return models_; }
  const std::map<std::string, std::uint64_t>& error_classes() const noexcept { return classes_; }
  /// Latency percentile in ms over the requests so far.
  std::optional<double> latency(double q) const;

  /// "1200/5000 24% 310.2/s ETA 12s errors 3 (rate_limited 2, transport 1) $0.0123".
  std::string progress(std::uint64_t total, double elapsed_s) const;
  /// Multi-line summary: totals, a table by model, error classes, latency percentiles.
  std::string report(std::uint64_t total, double elapsed_s) const;

 private:
  std::uint64_t done_ = 0, errors_ = 0, attempts_ = 0, cost_unknown_ = 0;
  double cost_ = 0;
  std::map<std::string, per_model> models_;
  std::map<std::string, std::uint64_t> classes_;
  mutable std::vector<double> latencies_;
};

}  // namespace openrouter::cli::batch
