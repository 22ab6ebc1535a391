#pragma once
// `openrouter bench` metrics, sans I/O: what one request measured, and the aggregates of a run
// with the definitions of vLLM's serving benchmark:
// - TTFT: from sending the request to the first chunk carrying content;
// - ITL: the gaps between consecutive content chunks (per chunk, pooled over requests);
// - E2E latency: from sending to the last content chunk;
// - TPOT: (E2E - TTFT) / (output tokens - 1), per request with more than one output token;
// - throughputs: completed requests and output tokens per second of the run's duration;
// - goodput: completed requests per second that meet every SLO given;
// - queue time: from a request's scheduled arrival to its actual send (client-side backlog).
// Percentiles interpolate linearly between order statistics (numpy's default).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace openrouter::cli::bench {

/// One request. Times are seconds since the run's start.
struct request_sample {
  double scheduled = 0;  ///< when it was due (its arrival, or when a closed-loop worker was free)
  double sent = 0;       ///< when it was handed to the client
  std::optional<double> first_token;  ///< first content chunk
  double last_token = 0;              ///< last content chunk (the first one's time when only one)
  double ended = 0;                   ///< when the stream ended (or failed)
  std::vector<double> itl;            ///< seconds between consecutive content chunks
  std::int64_t prompt_tokens = 0;
  std::int64_t output_tokens = 0;  ///< usage.completion_tokens, else the content chunks
  std::int64_t content_chunks = 0;
  std::string error;  ///< empty: completed; else the error class (e.g. "http_429", "read_timeout")

  bool ok() const { return error.empty(); }
  double ttft() const { return first_token ? *first_token - sent : 0; }
  double e2el() const { return (first_token ? last_token : ended) - sent; }
  /// nullopt below two output tokens (TPOT is undefined there).
  std::optional<double> tpot() const;
  double queue() const { return sent - scheduled; }
};

/// Service-level objectives for goodput, in milliseconds; unset ones are not checked.
struct slo {
  std::optional<double> ttft_ms, tpot_ms, e2el_ms;
  bool any() const { return ttft_ms || tpot_ms || e2el_ms; }
  bool met_by(const request_sample& r) const;
};
/// "ttft:200 tpot:50 e2el:2000" (tokens separated by spaces or commas). Throws
/// std::invalid_argument naming the bad token.
slo parse_slo(const std::vector<std::string>& tokens);

struct stats {
  std::size_t n = 0;
  double mean = 0, stdev = 0, median = 0, p90 = 0, p99 = 0, min = 0, max = 0;
};
/// Linear interpolation between order statistics of sorted `v` at p in [0, 100].
double percentile(const std::vector<double>& sorted, double p);
stats summarize(std::vector<double> values);

struct aggregate {
  std::size_t completed = 0, failed = 0;
  std::map<std::string, std::size_t> errors;  ///< by class
  double duration_s = 0;
  std::int64_t input_tokens = 0, output_tokens = 0;
  double request_throughput = 0, output_throughput = 0, total_token_throughput = 0;
  std::optional<double> goodput;  ///< requests/s meeting the SLOs, when some SLO is set
  std::size_t good = 0;
  stats ttft_ms, tpot_ms, itl_ms, e2el_ms, queue_ms;
};

/// The aggregates of `samples` measured over `duration_s` seconds.
aggregate compute(const std::vector<request_sample>& samples, double duration_s, const slo& objectives);

}  // namespace openrouter::cli::bench
