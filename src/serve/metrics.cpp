#include "metrics.hpp"

#include <cstdio>
#include <sstream>
#include <tuple>

namespace openrouter::serve {

std::string label_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void metrics::histogram::observe(double v) {
  for (std::size_t i = 0; i < buckets.size(); ++i)
    if (v <= buckets[i]) ++counts[i];
  ++count;
  sum += v;
}

std::string metrics::model_label(const std::string& model) {
  if (models_.count(model)) return model;
  if (models_.size() >= max_models) return "other";
  models_.emplace(model, 0);
  return model;
}

void metrics::request(const std::string& model, std::string_view outcome, bool stream, double e2e_s,
                      std::optional<double> ttft_s) {
  std::lock_guard lk(mu_);
  ++requests_[{model_label(model), std::string(outcome), stream}];
  e2e_[stream].observe(e2e_s);
  if (ttft_s) ttft_.observe(*ttft_s);
}

void metrics::attempt(const std::string& model, std::string_view cls) {
  std::lock_guard lk(mu_);
  ++attempts_[{model_label(model), std::string(cls)}];
}

void metrics::spend(const std::string& caller, double usd) {
  std::lock_guard lk(mu_);
  spend_[caller] += usd;
}

void metrics::response(std::string_view route, unsigned status) {
  std::lock_guard lk(mu_);
  ++responses_[{std::string(route), status}];
}

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

std::string metrics::render(const pool_stats& pool, const std::string& extra) const {
  std::ostringstream os;
  std::lock_guard lk(mu_);
  os << "# HELP openrouter_gateway_requests_total Chat requests by model, outcome class and mode.\n"
        "# TYPE openrouter_gateway_requests_total counter\n";
  for (const auto& [k, n] : requests_)
    os << "openrouter_gateway_requests_total{model=\"" << label_escape(std::get<0>(k)) << "\",outcome=\""
       << label_escape(std::get<1>(k)) << "\",stream=\"" << (std::get<2>(k) ? "true" : "false") << "\"} " << n
       << '\n';
  os << "# HELP openrouter_gateway_attempts_total Upstream attempts by model and outcome class.\n"
        "# TYPE openrouter_gateway_attempts_total counter\n";
  for (const auto& [k, n] : attempts_)
    os << "openrouter_gateway_attempts_total{model=\"" << label_escape(k.first) << "\",class=\""
       << label_escape(k.second) << "\"} " << n << '\n';
  os << "# HELP openrouter_gateway_responses_total HTTP responses by route and status.\n"
        "# TYPE openrouter_gateway_responses_total counter\n";
  for (const auto& [k, n] : responses_)
    os << "openrouter_gateway_responses_total{route=\"" << label_escape(k.first) << "\",status=\"" << k.second
       << "\"} " << n << '\n';
  os << "# HELP openrouter_gateway_in_flight Requests being served.\n"
        "# TYPE openrouter_gateway_in_flight gauge\n"
        "openrouter_gateway_in_flight "
     << in_flight.load() << '\n';
  os << "# HELP openrouter_gateway_connections Open caller connections.\n"
        "# TYPE openrouter_gateway_connections gauge\n"
        "openrouter_gateway_connections "
     << connections.load() << '\n';
  os << "# HELP openrouter_gateway_tls_handshake_failures_total TLS connections closed before a completed handshake.\n"
        "# TYPE openrouter_gateway_tls_handshake_failures_total counter\n"
        "openrouter_gateway_tls_handshake_failures_total "
     << tls_handshake_failures.load() << '\n';
  auto hist = [&](const char* name, const char* help, const histogram& h, const std::string& labels) {
    std::string sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i < buckets.size(); ++i)
      os << name << "_bucket{" << labels << sep << "le=\"" << num(buckets[i]) << "\"} " << h.counts[i] << '\n';
    os << name << "_bucket{" << labels << sep << "le=\"+Inf\"} " << h.count << '\n';
    std::string braces = labels.empty() ? "" : "{" + labels + "}";
    os << name << "_sum" << braces << ' ' << num(h.sum) << '\n' << name << "_count" << braces << ' ' << h.count << '\n';
    (void)help;
  };
  os << "# HELP openrouter_gateway_e2e_seconds Chat request duration, arrival to last byte.\n"
        "# TYPE openrouter_gateway_e2e_seconds histogram\n";
  for (bool s : {false, true}) {
    auto it = e2e_.find(s);
    hist("openrouter_gateway_e2e_seconds", "", it == e2e_.end() ? histogram{} : it->second,
         std::string("stream=\"") + (s ? "true" : "false") + "\"");
  }
  os << "# HELP openrouter_gateway_ttft_seconds Streamed chat: arrival to the first content chunk sent.\n"
        "# TYPE openrouter_gateway_ttft_seconds histogram\n";
  hist("openrouter_gateway_ttft_seconds", "", ttft_, "");
  os << "# HELP openrouter_gateway_spend_usd_total Sum of upstream usage.cost by caller.\n"
        "# TYPE openrouter_gateway_spend_usd_total counter\n";
  for (const auto& [caller, usd] : spend_)
    os << "openrouter_gateway_spend_usd_total{caller=\"" << label_escape(caller) << "\"} " << num(usd) << '\n';
  os << "# HELP openrouter_gateway_access_log_dropped_total Access log lines dropped (writer behind).\n"
        "# TYPE openrouter_gateway_access_log_dropped_total counter\n"
        "openrouter_gateway_access_log_dropped_total "
     << access_log_dropped.load() << '\n';
  os << "# HELP openrouter_upstream_pool Upstream connection pool statistics.\n"
        "# TYPE openrouter_upstream_pool gauge\n";
  std::pair<const char*, std::uint64_t> p[] = {
      {"connections_opened", pool.connections_opened}, {"connect_failures", pool.connect_failures},
      {"tls_handshakes", pool.tls_handshakes},         {"tls_resumptions", pool.tls_resumptions},
      {"reuses", pool.reuses},                         {"waits", pool.waits},
      {"wait_timeouts", pool.wait_timeouts},           {"evictions", pool.evictions},
      {"stale_discards", pool.stale_discards},         {"resends", pool.resends},
      {"in_use", pool.in_use},                         {"idle", pool.idle},
      // HTTP/2 (the upstream multiplexes streams on few connections)
      {"h2_connections_opened", pool.h2_connections_opened}, {"h2_connections", pool.h2_connections},
      {"h2_streams", pool.h2_streams},                 {"h2_streams_opened", pool.h2_streams_opened},
      {"h2_max_streams_per_connection", pool.h2_max_streams_per_connection},
      {"h2_refused_resends", pool.h2_refused_resends}};
  for (const auto& [name, v] : p) os << "openrouter_upstream_pool{stat=\"" << name << "\"} " << v << '\n';
  os << extra;
  return os.str();
}

}  // namespace openrouter::serve
