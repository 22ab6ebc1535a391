#include "metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace openrouter::cli::bench {

std::optional<double> request_sample::tpot() const {
  if (!first_token || output_tokens < 2) return std::nullopt;
  return (e2el() - ttft()) / static_cast<double>(output_tokens - 1);
}

bool slo::met_by(const request_sample& r) const {
  if (!r.ok()) return false;
  if (ttft_ms && r.ttft() * 1000 > *ttft_ms) return false;
  if (tpot_ms) {
    auto t = r.tpot();
    if (t && *t * 1000 > *tpot_ms) return false;  // single-token answers have no TPOT to miss
  }
  if (e2el_ms && r.e2el() * 1000 > *e2el_ms) return false;
  return true;
}

slo parse_slo(const std::vector<std::string>& args) {
  std::vector<std::string> tokens;  // "ttft:200 tpot:50" in one argument too
  for (const auto& a : args)
    for (std::size_t at = 0; at < a.size();) {
      std::size_t end = a.find_first_of(" ,", at);
      if (end == std::string::npos) end = a.size();
      if (end > at) tokens.push_back(a.substr(at, end - at));
      at = end + 1;
    }
  slo out;
  for (const auto& t : tokens) {
    auto colon = t.find(':');
    std::string name = t.substr(0, colon);
    double ms = -1;
    if (colon != std::string::npos) {
      try {
        std::size_t used = 0;
        ms = std::stod(t.substr(colon + 1), &used);
        if (used != t.size() - colon - 1) ms = -1;
      } catch (const std::exception&) {
        ms = -1;
      }
    }
    if (!std::isfinite(ms) || ms <= 0)
      throw std::invalid_argument("--goodput expects NAME:MILLISECONDS with a positive number, got '" + t + "'");
    if (name == "ttft") out.ttft_ms = ms;
    else if (name == "tpot") out.tpot_ms = ms;
    else if (name == "e2el") out.e2el_ms = ms;
    else throw std::invalid_argument("--goodput knows ttft, tpot and e2el, not '" + name + "'");
  }
  return out;
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(rank));
  std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = rank - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

stats summarize(std::vector<double> v) {
  stats s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double sq = 0;
  for (double x : v) sq += (x - s.mean) * (x - s.mean);
  s.stdev = std::sqrt(sq / static_cast<double>(v.size()));  // population, as numpy's std
  s.median = percentile(v, 50);
  s.p90 = percentile(v, 90);
  s.p99 = percentile(v, 99);
  s.min = v.front();
  s.max = v.back();
  return s;
}

aggregate compute(const std::vector<request_sample>& samples, double duration_s, const slo& objectives) {
  aggregate a;
  a.duration_s = duration_s;
  std::vector<double> ttft, tpot, itl, e2el, queue;
  for (const auto& r : samples) {
    queue.push_back(r.queue() * 1000);
    if (!r.ok()) {
      ++a.failed;
      ++a.errors[r.error];
      continue;
    }
    ++a.completed;
    a.input_tokens += r.prompt_tokens;
    a.output_tokens += r.output_tokens;
    if (r.first_token) ttft.push_back(r.ttft() * 1000);
    if (auto t = r.tpot()) tpot.push_back(*t * 1000);
    for (double gap : r.itl) itl.push_back(gap * 1000);
    e2el.push_back(r.e2el() * 1000);
    if (objectives.any() && objectives.met_by(r)) ++a.good;
  }
  if (duration_s > 0) {
    a.request_throughput = static_cast<double>(a.completed) / duration_s;
    a.output_throughput = static_cast<double>(a.output_tokens) / duration_s;
    a.total_token_throughput = static_cast<double>(a.input_tokens + a.output_tokens) / duration_s;
    if (objectives.any()) a.goodput = static_cast<double>(a.good) / duration_s;
  }
  a.ttft_ms = summarize(std::move(ttft));
  a.tpot_ms = summarize(std::move(tpot));
  a.itl_ms = summarize(std::move(itl));
  a.e2el_ms = summarize(std::move(e2el));
  a.queue_ms = summarize(std::move(queue));
  return a;
}

}  // namespace openrouter::cli::bench
