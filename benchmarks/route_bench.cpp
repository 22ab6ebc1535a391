// route_bench: the routing engine under load.
//
//   route_bench decisions [--candidates 1000] [--in-flight 10000]
//       Sans-I/O: the planner's decision overhead. 10,000 requests in flight at once share one
//       health (breakers of 1,000 candidate models, retry budget); each has 8 of them as its
//       candidates and walks its attempts through scripted outcomes (one in three a 503).
//       Prints ns per decision and per request.
//
//   route_bench delivery --url https://127.0.0.1:PORT/api/v1 --ca-file ca.pem
//                        --policy default|retry_same_twice|fixed_cooldown|healthy_only
//                        [--requests 10000] [--concurrency 200]
//       Against openrouter-mock started with benchmarks/route_delivery.json (model A: 30% 503;
//       model B: 429 past a low rate limit; model C: healthy, slow first token). Prints one JSON
//       line: delivered share, p50/p99 latency, attempts per request, fallbacks.
//       default           the router's default policy over [A, B, C]
//       retry_same_twice  A only, 1 try + 2 retries (the openai SDKs' default)
//       fixed_cooldown    [A, B, C], a model cooled down for a fixed 5 s after 3 failures,
//                         no half-open probe and no retry budget (LiteLLM's default shape)
//       healthy_only      C only: the healthy path the others are compared against
#include <openrouter/client.hpp>
#include <openrouter/router.hpp>
#include <openrouter/routing/planner.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace {

namespace routing = openrouter::routing;
using clock_type = std::chrono::steady_clock;

std::string arg(int argc, char** argv, const char* name, const char* def) {
  for (int i = 2; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == name) return argv[i + 1];
  return def;
}

int decisions(int argc, char** argv) {
  const int candidates = std::stoi(arg(argc, argv, "--candidates", "1000"));
  const int in_flight = std::stoi(arg(argc, argv, "--in-flight", "10000"));
  routing::policy p;
  for (int i = 0; i < candidates; ++i) p.models.push_back("vendor/model-" + std::to_string(i));
  p.max_attempts = 8;
  p.max_attempts_per_model = 2;
  p.retry_budget.ratio = 1.0;
  routing::health h(p);
  std::vector<routing::planner> plans;
  plans.reserve(static_cast<std::size_t>(in_flight));
  auto now = clock_type::now();
  const auto t0 = clock_type::now();
  for (int i = 0; i < in_flight; ++i) {
    // Each request gets 8 of the candidates, starting at a different one (as a balancer over
    // the 1,000 would), so the shared breakers of all 1,000 models are in play.
    std::vector<std::string> c;
    for (int k = 0; k < 8; ++k) c.push_back(p.models[static_cast<std::size_t>((i + k) % candidates)]);
    plans.emplace_back(p, std::move(c), h, now, static_cast<std::uint64_t>(i + 1));
  }
  const auto t1 = clock_type::now();
  std::uint64_t n = 0, attempts = 0;
  openrouter::diagnostics d503;
  d503.http_status = 503;
  bool active = true;
  while (active) {  // round-robin over the in-flight requests, like an event loop would
    active = false;
    for (std::size_t i = 0; i < plans.size(); ++i) {
      auto dec = plans[i].next(now);
      ++n;
      if (dec.what == routing::planner::decision::kind::give_up) continue;
      active = true;
      if (dec.what == routing::planner::decision::kind::wait) continue;
      ++attempts;
      // One in three attempts fails with a 503, the rest succeed.
      bool fail = (i + attempts) % 3 == 0;
      plans[i].on_outcome(now, fail ? make_error_code(openrouter::errc::service_unavailable) : boost::system::error_code{},
                          fail ? d503 : openrouter::diagnostics{});
    }
    now += std::chrono::milliseconds(50);  // virtual time: waits elapse
  }
  const auto t2 = clock_type::now();
  const double setup_ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
  const double run_ns = std::chrono::duration<double, std::nano>(t2 - t1).count();
  std::printf(
      "{\"bench\":\"route_decisions\",\"candidates\":%d,\"in_flight\":%d,\"decisions\":%llu,\"attempts\":%llu,"
      "\"ns_per_decision\":%.1f,\"ns_per_request\":%.1f,\"setup_ns_per_request\":%.1f}\n",
      candidates, in_flight, static_cast<unsigned long long>(n), static_cast<unsigned long long>(attempts), run_ns / n,
      run_ns / in_flight, setup_ns / in_flight);
  return 0;
}

int delivery(int argc, char** argv) {
  const std::string url = arg(argc, argv, "--url", ""), ca = arg(argc, argv, "--ca-file", "");
  const std::string which = arg(argc, argv, "--policy", "default");
  const int requests = std::stoi(arg(argc, argv, "--requests", "10000"));
  const int concurrency = std::stoi(arg(argc, argv, "--concurrency", "200"));
  if (url.empty()) {
    std::fprintf(stderr, "route_bench delivery: --url is required\n");
    return 2;
  }
  routing::policy p;
  p.models = {"openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "meta-llama/llama-3.3-70b-instruct"};
  if (which == "retry_same_twice") {
    p.models = {"openai/gpt-4o-mini"};
    p.max_attempts = p.max_attempts_per_model = 3;
    p.use_breakers = p.use_retry_budget = false;
    p.backoff.initial = std::chrono::milliseconds(500);
    p.backoff.max = std::chrono::seconds(8);
  } else if (which == "fixed_cooldown") {
    p.use_retry_budget = false;
    p.breaker.min_requests = 3;
    p.breaker.failure_ratio = 0.0;  // 3 failures in the window are enough
    p.breaker.window = std::chrono::seconds(60);
    p.breaker.open_for = p.breaker.max_open_for = std::chrono::seconds(5);
    p.breaker.half_open_probes = 1u << 30;  // no probing: fully open again after the cool-down
    p.max_attempts_per_model = 1;
  } else if (which == "healthy_only") {
    p.models = {"meta-llama/llama-3.3-70b-instruct"};
  } else if (which != "default") {
    std::fprintf(stderr, "route_bench delivery: unknown --policy %s\n", which.c_str());
    return 2;
  }

  boost::asio::io_context ioc(1);
  openrouter::client_config cfg;
  cfg.base_url = url;
  cfg.api_key = "sk-or-v1-bench";
  cfg.tls.ca_file = ca;
  cfg.pool.max_connections = cfg.pool.max_per_origin = static_cast<std::size_t>(concurrency);
  openrouter::client cli(ioc.get_executor(), cfg);
  std::uint64_t fallbacks = 0, attempts = 0;
  std::map<std::string, std::uint64_t> failures;  // "reason: error" of the requests that failed
  openrouter::router r(cli, p, {{}, [&](const openrouter::request_record& rec) {
                                 attempts += rec.attempts.size();
                                 fallbacks += rec.fallback ? 1 : 0;
                                 if (rec.ec) ++failures[rec.reason + ": " + std::string(openrouter::name(
                                                                        static_cast<openrouter::errc>(rec.ec.value())))];
                               }},
                       42);
  openrouter::wire::chat_request req;
  req.max_tokens = 8;
  req.messages.push_back(openrouter::wire::message::user("Say hi."));

  int started = 0, ok = 0, done = 0;
  std::vector<double> latency_ms;
  latency_ms.reserve(static_cast<std::size_t>(requests));
  std::vector<openrouter::diagnostics> diags(static_cast<std::size_t>(concurrency));
  std::function<void(std::size_t)> next = [&](std::size_t slot) {
    if (started >= requests) return;
    ++started;
    auto t = clock_type::now();
    r.async_chat(req, diags[slot], [&, slot, t](boost::system::error_code ec, openrouter::wire::chat_response) {
      ++done;
      if (!ec) {
        ++ok;
        latency_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t).count());
      }
      next(slot);
    });
  };
  const auto t0 = clock_type::now();
  for (int i = 0; i < concurrency; ++i) next(static_cast<std::size_t>(i));
  ioc.run();
  const double wall = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::sort(latency_ms.begin(), latency_ms.end());
  auto pct = [&](double q) {
    return latency_ms.empty() ? 0.0 : latency_ms[static_cast<std::size_t>(q * static_cast<double>(latency_ms.size() - 1))];
  };
  std::string failure_list;
  for (const auto& [k, n] : failures)
    failure_list += (failure_list.empty() ? "\"" : ",\"") + k + "\":" + std::to_string(n);
  std::printf(
      "{\"bench\":\"route_delivery\",\"policy\":\"%s\",\"requests\":%d,\"concurrency\":%d,\"delivered\":%d,"
      "\"delivered_share\":%.4f,\"p50_ms\":%.1f,\"p99_ms\":%.1f,\"attempts_per_request\":%.2f,\"fallbacks\":%llu,"
      "\"wall_s\":%.1f,\"failures\":{%s}}\n",
      which.c_str(), requests, concurrency, ok, static_cast<double>(ok) / done, pct(0.5), pct(0.99),
      static_cast<double>(attempts) / done, static_cast<unsigned long long>(fallbacks), wall, failure_list.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "decisions") return decisions(argc, argv);
  if (mode == "delivery") return delivery(argc, argv);
  std::fprintf(stderr, "usage: route_bench decisions|delivery [options] (see the file's header)\n");
  return 2;
}
