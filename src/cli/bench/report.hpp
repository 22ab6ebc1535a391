#pragma once
// `openrouter bench` results, sans I/O: the console table of one load level, the JSON document
// (aggregates and per-request arrays, in the spirit of vLLM's --save-result) and a
// self-contained HTML report (inline SVG: latency CDFs and throughput vs concurrency).

#include "metrics.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace openrouter::cli::bench {

/// One load level: a concurrency (closed loop), or a concurrency cap under a request rate.
struct level_result {
  std::size_t concurrency = 0;
  std::vector<request_sample> samples;
  aggregate agg;
  double cpu_s = 0;  ///< this process's user + system CPU during the level
  long max_rss_kb = 0;
  bool interrupted = false;  ///< Ctrl-C ended it early
  /// CPU per request sent (completed or not), in microseconds.
  double cpu_us_per_request() const;
};

struct run_info {
  std::string model, base_url, date;
  double request_rate = 0;  ///< 0: closed loop
  double burstiness = 1;
  std::size_t requests = 0, warmup = 0;
  std::uint64_t seed = 0;
  slo objectives;
  std::vector<level_result> levels;
  bool interrupted = false;
};

/// The console summary of one level (means, medians, p90, p99; throughputs; goodput; errors).
void print_level(std::ostream& os, const run_info& run, const level_result& level);
boost::json::value to_json(const run_info& run);
std::string html_report(const run_info& run);

}  // namespace openrouter::cli::bench
