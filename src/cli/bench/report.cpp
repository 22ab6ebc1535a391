#include "report.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>
#include <sstream>
#include <string_view>

namespace openrouter::cli::bench {
namespace json = boost::json;

double level_result::cpu_us_per_request() const {
  return samples.empty() ? 0 : cpu_s * 1e6 / static_cast<double>(samples.size());
}

namespace {

std::string fixed(double v, int digits = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct metric {
  std::string_view key, title;
  const stats aggregate::*field;
};
constexpr std::array<metric, 5> metrics{{{"ttft", "Time to first token", &aggregate::ttft_ms},
                                         {"tpot", "Time per output token (excl. 1st)", &aggregate::tpot_ms},
                                         {"itl", "Inter-token latency", &aggregate::itl_ms},
                                         {"e2el", "End-to-end latency", &aggregate::e2el_ms},
                                         {"queue", "Client queue time", &aggregate::queue_ms}}};

void line(std::ostream& os, std::string_view label, const std::string& value) {
  os << label << std::string(label.size() < 40 ? 40 - label.size() : 1, ' ') << value << '\n';
}

}  // namespace

void print_level(std::ostream& os, const run_info& run, const level_result& l) {
  const aggregate& a = l.agg;
  os << "============ openrouter bench: concurrency " << l.concurrency;
  if (run.request_rate > 0) os << ", " << fixed(run.request_rate) << " req/s";
  os << (l.interrupted ? " (interrupted)" : "") << " ============\n";
  line(os, "Successful requests:", std::to_string(a.completed));
  line(os, "Failed requests:", std::to_string(a.failed));
  for (const auto& [cls, n] : a.errors) line(os, "  " + cls + ":", std::to_string(n));
  line(os, "Benchmark duration (s):", fixed(a.duration_s));
  line(os, "Total input tokens:", std::to_string(a.input_tokens));
  line(os, "Total generated tokens:", std::to_string(a.output_tokens));
  line(os, "Request throughput (req/s):", fixed(a.request_throughput));
  line(os, "Output token throughput (tok/s):", fixed(a.output_throughput));
  line(os, "Total token throughput (tok/s):", fixed(a.total_token_throughput));
  if (a.goodput) line(os, "Request goodput (req/s):", fixed(*a.goodput));
  line(os, "Client CPU per request (us):", fixed(l.cpu_us_per_request(), 1));
  os << "  metric (ms)      mean    median       p90       p99\n";
  for (const auto& m : metrics) {
    const stats& s = a.*m.field;
    char buf[160];
    std::snprintf(buf, sizeof buf, "  %-10s %10.2f %9.2f %9.2f %9.2f\n", std::string(m.key).c_str(), s.mean, s.median,
                  s.p90, s.p99);
    os << buf;
  }
}

json::value to_json(const run_info& run) {
  json::object doc;
  doc["model"] = run.model;
  doc["base_url"] = run.base_url;
  doc["date"] = run.date;
  doc["request_rate"] = run.request_rate > 0 && std::isfinite(run.request_rate) ? json::value(run.request_rate)
                                                                                : json::value("inf");
  doc["burstiness"] = run.burstiness;
  doc["num_prompts"] = run.requests;
  doc["warmup"] = run.warmup;
  doc["seed"] = run.seed;
  json::object goodput;
  if (run.objectives.ttft_ms) goodput["ttft"] = *run.objectives.ttft_ms;
  if (run.objectives.tpot_ms) goodput["tpot"] = *run.objectives.tpot_ms;
  if (run.objectives.e2el_ms) goodput["e2el"] = *run.objectives.e2el_ms;
  doc["goodput_slo_ms"] = std::move(goodput);
  doc["interrupted"] = run.interrupted;
  json::array levels;
  for (const auto& l : run.levels) {
    const aggregate& a = l.agg;
    json::object o;
    o["max_concurrency"] = l.concurrency;
    o["interrupted"] = l.interrupted;
    o["duration"] = a.duration_s;
    o["completed"] = a.completed;
    o["failed"] = a.failed;
    json::object classes;
    for (const auto& [cls, n] : a.errors) classes[cls] = n;
    o["error_counts"] = std::move(classes);
    o["total_input_tokens"] = a.input_tokens;
    o["total_output_tokens"] = a.output_tokens;
    o["request_throughput"] = a.request_throughput;
    o["output_throughput"] = a.output_throughput;
    o["total_token_throughput"] = a.total_token_throughput;
    o["request_goodput"] = a.goodput ? json::value(*a.goodput) : json::value(nullptr);
    o["client_cpu_s"] = l.cpu_s;
    o["client_cpu_us_per_request"] = l.cpu_us_per_request();
    o["client_max_rss_kb"] = l.max_rss_kb;
    for (const auto& m : metrics) {
      const stats& s = a.*m.field;
      const std::string k(m.key);
      o["mean_" + k + "_ms"] = s.mean;
      o["median_" + k + "_ms"] = s.median;
      o["std_" + k + "_ms"] = s.stdev;
      o["p90_" + k + "_ms"] = s.p90;
      o["p99_" + k + "_ms"] = s.p99;
    }
    // per request, in seconds (as vLLM's arrays), in the order requests were sent
    json::array ttfts, itls, e2els, queue, input_lens, output_lens, errors;
    for (const auto& r : l.samples) {
      ttfts.push_back(r.ok() && r.first_token ? json::value(r.ttft()) : json::value(nullptr));
      json::array gaps;
      for (double g : r.itl) gaps.push_back(g);
      itls.push_back(std::move(gaps));
      e2els.push_back(r.ok() ? json::value(r.e2el()) : json::value(nullptr));
      queue.push_back(r.queue());
      input_lens.push_back(r.prompt_tokens);
      output_lens.push_back(r.output_tokens);
      errors.push_back(json::string(r.error));
    }
    o["ttfts"] = std::move(ttfts);
    o["itls"] = std::move(itls);
    o["e2els"] = std::move(e2els);
    o["queue_times"] = std::move(queue);
    o["input_lens"] = std::move(input_lens);
    o["output_lens"] = std::move(output_lens);
    o["errors"] = std::move(errors);
    levels.push_back(std::move(o));
  }
  doc["levels"] = std::move(levels);
  return doc;
}

// --- HTML ----------------------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 8> palette{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                  "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr double plot_w = 520, plot_h = 300, margin_l = 60, margin_b = 40, margin_t = 30, margin_r = 20;

struct series {
  std::string label;
  std::vector<std::pair<double, double>> points;
};

// An SVG line chart with axes and a legend; `title` and labels are escaped.
std::string svg_chart(std::string_view title, std::string_view x_label, std::string_view y_label,
                      const std::vector<series>& all, bool markers) {
  double x_max = 0, y_max = 0;
  for (const auto& s : all)
    for (auto [x, y] : s.points) {
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  if (x_max <= 0) x_max = 1;
  if (y_max <= 0) y_max = 1;
  const double w = plot_w - margin_l - margin_r, h = plot_h - margin_t - margin_b;
  auto px = [&](double x) { return margin_l + x / x_max * w; };
  auto py = [&](double y) { return margin_t + h - y / y_max * h; };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << plot_w << "\" height=\"" << plot_h
      << "\" viewBox=\"0 0 " << plot_w << ' ' << plot_h << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<text x=\"" << plot_w / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">" << escape_html(title)
      << "</text>\n"
      << "<rect x=\"" << margin_l << "\" y=\"" << margin_t << "\" width=\"" << w << "\" height=\"" << h
      << "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (int i = 0; i <= 4; ++i) {  // ticks
    double fx = x_max * i / 4, fy = y_max * i / 4;
    svg << "<text x=\"" << px(fx) << "\" y=\"" << margin_t + h + 14 << "\" text-anchor=\"middle\">"
        << fixed(fx, fx < 10 ? 2 : 0) << "</text>\n"
        << "<text x=\"" << margin_l - 4 << "\" y=\"" << py(fy) + 4 << "\" text-anchor=\"end\">"
        << fixed(fy, fy < 10 ? 2 : 0) << "</text>\n";
  }
  svg << "<text x=\"" << margin_l + w / 2 << "\" y=\"" << plot_h - 6 << "\" text-anchor=\"middle\">"
      << escape_html(x_label) << "</text>\n"
      << "<text x=\"12\" y=\"" << margin_t + h / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 12 "
      << margin_t + h / 2 << ")\">" << escape_html(y_label) << "</text>\n";
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& s = all[i];
    const std::string_view color = palette[i % palette.size()];
    svg << "<polyline fill=\"none\" stroke=\"" << color << "\" stroke-width=\"1.5\" points=\"";
    for (auto [x, y] : s.points) svg << fixed(px(x), 1) << ',' << fixed(py(y), 1) << ' ';
    svg << "\"/>\n";
    if (markers)
      for (auto [x, y] : s.points)
        svg << "<circle cx=\"" << fixed(px(x), 1) << "\" cy=\"" << fixed(py(y), 1) << "\" r=\"3\" fill=\"" << color
            << "\"/>\n";
    svg << "<text x=\"" << margin_l + 8 << "\" y=\"" << margin_t + 14 + 13 * static_cast<double>(i) << "\" fill=\""
        << color << "\">" << escape_html(s.label) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

// The empirical CDF of `values` (ms), at most ~200 points.
std::vector<std::pair<double, double>> cdf(std::vector<double> values) {
  std::vector<std::pair<double, double>> out;
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size(), step = std::max<std::size_t>(1, n / 200);
  for (std::size_t i = 0; i < n; i += step) out.emplace_back(values[i], static_cast<double>(i + 1) / static_cast<double>(n));
  out.emplace_back(values.back(), 1.0);
  return out;
}

template <class Get>
std::string cdf_chart(const run_info& run, std::string_view title, Get get) {
  std::vector<series> all;
  for (const auto& l : run.levels) {
    std::vector<double> v;
    for (const auto& r : l.samples)
      if (r.ok()) get(r, v);
    all.push_back({"concurrency " + std::to_string(l.concurrency), cdf(std::move(v))});
  }
  return svg_chart(title, "milliseconds", "fraction of requests", all, false);
}

}  // namespace

std::string html_report(const run_info& run) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>openrouter bench: "
    << escape_html(run.model) << "</title>\n<style>body{font-family:sans-serif;margin:2em}"
    << "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
    << "th:first-child,td:first-child{text-align:left}svg{margin:0.5em}</style></head><body>\n"
    << "<h1>openrouter bench</h1>\n<p>Model <b>" << escape_html(run.model) << "</b> at "
    << escape_html(run.base_url) << ", " << escape_html(run.date) << "; " << run.requests
    << " requests per level, " << run.warmup << " warm-up; "
    << (run.request_rate > 0 ? fixed(run.request_rate) + " req/s (burstiness " + fixed(run.burstiness) + ")"
                             : std::string("closed loop"))
    << "; seed " << run.seed << (run.interrupted ? "; <b>interrupted</b>" : "") << ".</p>\n";
  h << "<table><tr><th>concurrency</th><th>ok</th><th>failed</th><th>req/s</th><th>out tok/s</th><th>goodput</th>"
    << "<th>TTFT p50</th><th>TTFT p99</th><th>TPOT p50</th><th>ITL p50</th><th>E2E p50</th><th>E2E p99</th>"
    << "<th>CPU us/req</th></tr>\n";
  for (const auto& l : run.levels) {
    const aggregate& a = l.agg;
    h << "<tr><td>" << l.concurrency << "</td><td>" << a.completed << "</td><td>" << a.failed << "</td><td>"
      << fixed(a.request_throughput) << "</td><td>" << fixed(a.output_throughput) << "</td><td>"
      << (a.goodput ? fixed(*a.goodput) : "-") << "</td><td>" << fixed(a.ttft_ms.median) << "</td><td>"
      << fixed(a.ttft_ms.p99) << "</td><td>" << fixed(a.tpot_ms.median) << "</td><td>" << fixed(a.itl_ms.median)
      << "</td><td>" << fixed(a.e2el_ms.median) << "</td><td>" << fixed(a.e2el_ms.p99) << "</td><td>"
      << fixed(l.cpu_us_per_request(), 1) << "</td></tr>\n";
  }
  h << "</table><p>Latencies in milliseconds.</p>\n<div>\n";
  h << cdf_chart(run, "TTFT CDF", [](const request_sample& r, std::vector<double>& v) {
    if (r.first_token) v.push_back(r.ttft() * 1000);
  });
  h << cdf_chart(run, "ITL CDF", [](const request_sample& r, std::vector<double>& v) {
    for (double g : r.itl) v.push_back(g * 1000);
  });
  h << cdf_chart(run, "E2E latency CDF", [](const request_sample& r, std::vector<double>& v) {
    v.push_back(r.e2el() * 1000);
  });
  series req{"requests/s", {}}, tok{"output tokens/s (/100)", {}};
  for (const auto& l : run.levels) {
    req.points.emplace_back(static_cast<double>(l.concurrency), l.agg.request_throughput);
    tok.points.emplace_back(static_cast<double>(l.concurrency), l.agg.output_throughput / 100);
  }
  h << svg_chart("Throughput vs concurrency", "concurrency", "per second", {req, tok}, true);
  h << "</div>\n</body></html>\n";
  return h.str();
}

}  // namespace openrouter::cli::bench
