#include "summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace openrouter::cli::batch {

namespace {

std::string format(const char* fmt, auto... args) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, fmt, args...);
  return std::string(buf, n < 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::string duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  auto t = static_cast<long long>(std::llround(s));
  if (t < 60) return format("%llds", t);
  if (t < 3600) return format("%lldm%02llds", t / 60, t % 60);
  return format("%lldh%02lldm", t / 3600, (t % 3600) / 60);
}

std::string usd(double v) { return format(v < 0.01 ? "$%.6f" : "$%.4f", v); }

}  // namespace

std::optional<double> percentile(std::vector<double>& v, double q) {
  if (v.empty()) return std::nullopt;
  // nearest rank: the smallest value with at least q of the sample at or below it
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size()) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(rank), v.end());
  return v[rank];
}

void stats::add(const outcome& o) {
  ++done_;
  attempts_ += o.attempts;
  cost_unknown_ += o.cost_unknown;
  cost_ += o.cost;
  if (!o.error_class.empty()) {
    ++errors_;
    ++classes_[o.error_class];
  }
  if (o.latency_ms) latencies_.push_back(*o.latency_ms);
  if (o.model.empty() && !o.error_class.empty() && !o.latency_ms) return;  // invalid input: no model
  auto& m = models_[o.model.empty() ? "(unknown)" : o.model];
  ++m.requests;
  if (!o.error_class.empty()) ++m.failures;
  m.prompt_tokens += o.prompt_tokens;
  m.completion_tokens += o.completion_tokens;
  m.cost += o.cost;
}

std::optional<double> stats::latency(double q) const { return percentile(latencies_, q); }

std::string stats::progress(std::uint64_t total, double elapsed_s) const {
  double rate = elapsed_s > 0 ? static_cast<double>(done_) / elapsed_s : 0;
  std::string s = format("%llu/%llu", static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total));
  if (total) s += format(" %3.0f%%", 100.0 * static_cast<double>(done_) / static_cast<double>(total));
  s += format(" %.1f/s", rate);
  if (total > done_) {
    s += " ETA ";
    s += rate > 0 ? duration(static_cast<double>(total - done_) / rate) : std::string("?");
  }
  s += format(" errors %llu", static_cast<unsigned long long>(errors_));
  if (!classes_.empty()) {
    s += " (";
    bool first = true;
    for (const auto& [cls, n] : classes_) {
      if (!first) s += ", ";
      s += cls;
      s += format(" %llu", static_cast<unsigned long long>(n));
      first = false;
    }
    s += ")";
  }
  s += ' ';
  s += usd(cost_);
  return s;
}

std::string stats::report(std::uint64_t total, double elapsed_s) const {
  std::string s = format("done %llu of %llu in %s (%.1f requests/s), %llu errors, %llu attempts, spent %s\n",
                         static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total),
                         duration(elapsed_s).c_str(), elapsed_s > 0 ? static_cast<double>(done_) / elapsed_s : 0.0,
                         static_cast<unsigned long long>(errors_), static_cast<unsigned long long>(attempts_),
                         usd(cost_).c_str());
  if (!models_.empty()) {
    std::size_t w = 5;
    for (const auto& [m, _] : models_) w = std::max(w, m.size());
    s += format("%-*s %9s %9s %12s %12s %10s\n", static_cast<int>(w), "MODEL", "REQUESTS", "FAILURES", "PROMPT_TOK",
                "COMPL_TOK", "COST");
    for (const auto& [m, v] : models_)
      s += format("%-*s %9llu %9llu %12lld %12lld %10s\n", static_cast<int>(w), m.c_str(),
                  static_cast<unsigned long long>(v.requests), static_cast<unsigned long long>(v.failures),
                  static_cast<long long>(v.prompt_tokens), static_cast<long long>(v.completion_tokens),
                  usd(v.cost).c_str());
  }
  if (!classes_.empty()) {
    s += "errors:";
    for (const auto& [cls, n] : classes_) {
      s += ' ';
      s += cls;
      s += format(" %llu", static_cast<unsigned long long>(n));
    }
    s += "\n";
  }
  if (cost_unknown_)
    s += format("cost unknown: %llu attempts cancelled before their usage arrived (not in the spend above)\n",
                static_cast<unsigned long long>(cost_unknown_));
  auto p50 = latency(0.5), p90 = latency(0.9), p99 = latency(0.99);
  if (p50) s += format("latency ms: p50 %.1f  p90 %.1f  p99 %.1f\n", *p50, *p90, *p99);
  return s;
}

}  // namespace openrouter::cli::batch
