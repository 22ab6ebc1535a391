#pragma once
// {p50, p75, p90, p99}: routing cutoffs in provider preferences and the latency/throughput
// statistics of a model endpoint share this shape.
#include <openrouter/wire/json.hpp>

#include <optional>

namespace openrouter::wire {

struct percentiles {
  std::optional<double> p50{};
  std::optional<double> p75{};
  std::optional<double> p90{};
  std::optional<double> p99{};
  boost::json::object extra{};
};
OPENROUTER_WIRE_JSON_CONVERSIONS(percentiles);

}  // namespace openrouter::wire
