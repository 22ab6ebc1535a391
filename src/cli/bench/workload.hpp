#pragma once
// `openrouter bench` load, sans I/O: when requests arrive (open loop) and what they ask.
// Arrivals follow vLLM's serving benchmark: gaps drawn from a gamma distribution with shape
// `burstiness` and mean 1/rate (burstiness 1: a Poisson process; below 1: burstier; above:
// more regular). Everything is drawn from one seeded generator, so a run is reproducible.

#include <openrouter/wire/chat_request.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace openrouter::cli::bench {

class arrivals {
 public:
  /// rate: requests per second (infinity: all at once); burstiness > 0.
  arrivals(double rate, double burstiness, std::uint64_t seed);
  /// Seconds until the next arrival.
  double next_gap();
  /// The first `n` arrival times, starting at 0 + the first gap.
  std::vector<double> schedule(std::size_t n);

 private:
  double rate_;
  std::mt19937_64 rng_;
  std::gamma_distribution<double> gap_;
};

/// Synthetic prompts like vLLM's random dataset: lengths drawn uniformly from
/// [len * (1 - range_ratio), len * (1 + range_ratio)] (at least 1). An input "token" is one
/// word of a fixed vocabulary (close to one token for common tokenizers); the output length
/// is sent as max_tokens.
struct synthetic_options {
  std::int64_t input_len = 128;
  std::int64_t output_len = 128;
  double range_ratio = 0;
  std::uint64_t seed = 0;
};
std::vector<wire::chat_request> synthetic_requests(std::size_t n, const synthetic_options& o);

/// The requests of a JSONL file: each non-empty line a chat request body, or {"prompt": TEXT}
/// (one user message). Throws std::invalid_argument naming the line that is neither.
std::vector<wire::chat_request> load_prompts(const std::string& file);

}  // namespace openrouter::cli::bench
