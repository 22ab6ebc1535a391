// `openrouter bench`, sans I/O: metrics on synthetic timelines with known answers, arrival
// statistics, synthetic and file prompts, and the JSON / HTML reports.
#include "../../src/cli/bench/metrics.hpp"
#include "../../src/cli/bench/report.hpp"
#include "../../src/cli/bench/workload.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <boost/test/tools/floating_point_comparison.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

using namespace openrouter::cli::bench;
namespace json = boost::json;
namespace tt = boost::test_tools;

namespace {

/// A completed request sent at `sent` whose content chunks arrive at `chunks`.
request_sample timeline(double scheduled, double sent, std::vector<double> chunks, std::int64_t output_tokens,
                        std::int64_t prompt_tokens = 10) {
  request_sample r;
  r.scheduled = scheduled;
  r.sent = sent;
  for (double t : chunks) {
    if (!r.first_token) r.first_token = t;
    else r.itl.push_back(t - r.last_token);
    r.last_token = t;
    ++r.content_chunks;
  }
  r.ended = r.last_token + 0.01;  // the usage chunk and [DONE] come after the last content
  r.output_tokens = output_tokens;
  r.prompt_tokens = prompt_tokens;
  return r;
}

request_sample failure(double sent, const std::string& cls) {
  request_sample r;
  r.scheduled = r.sent = sent;
  r.ended = sent + 0.05;
  r.error = cls;
  return r;
}

// A: TTFT 100 ms, ITL 50 and 100 ms, E2E 250 ms, 3 tokens: TPOT 75 ms.
// B: queued 500 ms, TTFT 200 ms, ITL 400 ms, E2E 600 ms, 5 tokens (usage): TPOT 100 ms.
// C: failed with a 429.
std::vector<request_sample> three_requests() {
  return {timeline(0, 0, {0.1, 0.15, 0.25}, 3), timeline(0.5, 1.0, {1.2, 1.6}, 5), failure(1.5, "rate_limited")};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_bench_test)

BOOST_AUTO_TEST_CASE(per_request_metrics_follow_vllm_definitions) {
  auto rs = three_requests();
  BOOST_TEST(rs[0].ttft() == 0.1, tt::tolerance(1e-9));
  BOOST_TEST(rs[0].e2el() == 0.25, tt::tolerance(1e-9));
  BOOST_TEST(*rs[0].tpot() == 0.075, tt::tolerance(1e-9));
  BOOST_TEST(rs[1].queue() == 0.5, tt::tolerance(1e-9));
  BOOST_TEST(*rs[1].tpot() == 0.1, tt::tolerance(1e-9));  // (0.6 - 0.2) / (5 - 1): tokens from usage
  // TPOT needs two tokens; one chunk has no ITL
  auto single = timeline(0, 0, {0.3}, 1);
  BOOST_TEST(!single.tpot().has_value());
  BOOST_TEST(single.itl.empty());
  BOOST_TEST(single.e2el() == 0.3, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(aggregates_of_a_known_timeline) {
  aggregate a = compute(three_requests(), 2.0, {});
  BOOST_TEST(a.completed == 2u);
  BOOST_TEST(a.failed == 1u);
  BOOST_TEST(a.errors.at("rate_limited") == 1u);
  BOOST_TEST(a.output_tokens == 8);
  BOOST_TEST(a.input_tokens == 20);
  BOOST_TEST(a.request_throughput == 1.0, tt::tolerance(1e-9));
  BOOST_TEST(a.output_throughput == 4.0, tt::tolerance(1e-9));
  BOOST_TEST(a.total_token_throughput == 14.0, tt::tolerance(1e-9));
  BOOST_TEST(!a.goodput.has_value());
  BOOST_TEST(a.ttft_ms.n == 2u);
  BOOST_TEST(a.ttft_ms.mean == 150.0, tt::tolerance(1e-9));
  BOOST_TEST(a.ttft_ms.median == 150.0, tt::tolerance(1e-9));
  BOOST_TEST(a.tpot_ms.mean == 87.5, tt::tolerance(1e-9));
  BOOST_TEST(a.e2el_ms.max == 600.0, tt::tolerance(1e-9));
  // ITL pools every gap: {50, 100, 400}
  BOOST_TEST(a.itl_ms.n == 3u);
  BOOST_TEST(a.itl_ms.mean == 550.0 / 3, tt::tolerance(1e-9));
  BOOST_TEST(a.itl_ms.median == 100.0, tt::tolerance(1e-9));
  BOOST_TEST(a.itl_ms.p90 == 340.0, tt::tolerance(1e-9));  // rank 1.8: 100 + 0.8 * 300
  // the queue counts every request sent, failed ones too: {0, 500, 0}
  BOOST_TEST(a.queue_ms.n == 3u);
  BOOST_TEST(a.queue_ms.max == 500.0, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(goodput_counts_requests_meeting_every_slo) {
  const auto rs = three_requests();
  BOOST_TEST(*compute(rs, 2.0, parse_slo({"ttft:150"})).goodput == 0.5, tt::tolerance(1e-9));  // A only
  BOOST_TEST(*compute(rs, 2.0, parse_slo({"ttft:1000 e2el:1000"})).goodput == 1.0, tt::tolerance(1e-9));
  BOOST_TEST(*compute(rs, 2.0, parse_slo({"tpot:80"})).goodput == 0.5, tt::tolerance(1e-9));
  BOOST_TEST(*compute(rs, 2.0, parse_slo({"ttft:1000", "tpot:80,e2el:200"})).goodput == 0.0, tt::tolerance(1e-9));
  slo s = parse_slo({"ttft:200 tpot:50.5"});
  BOOST_TEST(*s.ttft_ms == 200.0);
  BOOST_TEST(*s.tpot_ms == 50.5);
  BOOST_TEST(!s.e2el_ms.has_value());
  for (std::string bad : {"ttft", "ttft:", "ttft:-1", "ttft:abc", "ttft:5ms", "latency:100", "ttft:nan"})
    BOOST_CHECK_THROW(parse_slo({bad}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(percentiles_interpolate_linearly) {
  const std::vector<double> v{1, 2, 3, 4, 5};
  BOOST_TEST(percentile(v, 0) == 1.0);
  BOOST_TEST(percentile(v, 50) == 3.0);
  BOOST_TEST(percentile(v, 90) == 4.6, tt::tolerance(1e-9));
  BOOST_TEST(percentile(v, 99) == 4.96, tt::tolerance(1e-9));
  BOOST_TEST(percentile(v, 100) == 5.0);
  BOOST_TEST(percentile({7}, 99) == 7.0);
  BOOST_TEST(percentile({}, 50) == 0.0);
  stats s = summarize({4, 2, 2, 4});  // unsorted input
  BOOST_TEST(s.mean == 3.0);
  BOOST_TEST(s.stdev == 1.0, tt::tolerance(1e-9));
  BOOST_TEST(s.median == 3.0);
  BOOST_TEST(s.min == 2.0);
  BOOST_TEST(s.max == 4.0);
}

BOOST_AUTO_TEST_CASE(arrivals_have_the_requested_mean_and_variance) {
  constexpr std::size_t n = 20000;
  auto moments = [](const std::vector<double>& times) {
    std::vector<double> gaps(times.size());
    std::adjacent_difference(times.begin(), times.end(), gaps.begin());
    double mean = std::accumulate(gaps.begin(), gaps.end(), 0.0) / static_cast<double>(gaps.size());
    double var = 0;
    for (double g : gaps) var += (g - mean) * (g - mean);
    return std::pair(mean, var / static_cast<double>(gaps.size() - 1));
  };
  // Poisson at 10/s: exponential gaps, mean 0.1 s, variance 0.01
  auto [pm, pv] = moments(arrivals(10, 1, 42).schedule(n));
  BOOST_TEST(pm == 0.1, tt::tolerance(0.05));
  BOOST_TEST(pv == 0.01, tt::tolerance(0.15));
  // gamma, burstiness 0.25: same mean, variance 1 / (rate^2 * 0.25) = 0.04
  auto [bm, bv] = moments(arrivals(10, 0.25, 42).schedule(n));
  BOOST_TEST(bm == 0.1, tt::tolerance(0.05));
  BOOST_TEST(bv == 0.04, tt::tolerance(0.2));
  // burstiness 4: more regular, variance 0.0025
  auto [rm, rv] = moments(arrivals(10, 4, 7).schedule(n));
  BOOST_TEST(rm == 0.1, tt::tolerance(0.05));
  BOOST_TEST(rv == 0.0025, tt::tolerance(0.15));
  // seeded: the same seed gives the same schedule, another seed another
  BOOST_TEST(arrivals(5, 1, 3).schedule(50) == arrivals(5, 1, 3).schedule(50));
  BOOST_TEST(arrivals(5, 1, 3).schedule(50) != arrivals(5, 1, 4).schedule(50));
  // all at once
  for (double t : arrivals(std::numeric_limits<double>::infinity(), 1, 0).schedule(10)) BOOST_TEST(t == 0.0);
  BOOST_CHECK_THROW(arrivals(0, 1, 0), std::invalid_argument);
  BOOST_CHECK_THROW(arrivals(1, 0, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(synthetic_prompts_draw_lengths_in_range) {
  auto words = [](const openrouter::wire::chat_request& r) {
    std::istringstream in(r.messages.at(0).text());
    std::size_t n = 0;
    for (std::string w; in >> w;) ++n;
    return n;
  };
  auto exact = synthetic_requests(5, {16, 8, 0, 1});
  BOOST_TEST(exact.size() == 5u);
  for (const auto& r : exact) {
    BOOST_TEST(words(r) == 16u);
    BOOST_TEST(*r.max_tokens == 8);
  }
  auto ranged = synthetic_requests(200, {100, 50, 0.5, 9});
  std::set<std::int64_t> outs;
  for (const auto& r : ranged) {
    BOOST_TEST((words(r) >= 50 && words(r) <= 150));
    BOOST_TEST((*r.max_tokens >= 25 && *r.max_tokens <= 75));
    outs.insert(*r.max_tokens);
  }
  BOOST_TEST(outs.size() > 10u);  // really drawn, not constant
  auto again = synthetic_requests(200, {100, 50, 0.5, 9});
  BOOST_TEST(again.at(17).messages.at(0).text() == ranged.at(17).messages.at(0).text());
  BOOST_CHECK_THROW(synthetic_requests(1, {0, 8, 0, 0}), std::invalid_argument);
  BOOST_CHECK_THROW(synthetic_requests(1, {8, 8, 1.0, 0}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(prompt_files_take_bodies_and_prompts) {
  const auto file = std::filesystem::temp_directory_path() / ("cli-bench-prompts-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(file);
    out << R"({"messages":[{"role":"user","content":"hello"}],"max_tokens":7})" << "\n\n"
        << R"({"prompt":"just text"})" << "\n";
  }
  auto rs = load_prompts(file.string());
  BOOST_TEST_REQUIRE(rs.size() == 2u);
  BOOST_TEST(rs[0].messages.at(0).text() == "hello");
  BOOST_TEST(*rs[0].max_tokens == 7);
  BOOST_TEST(rs[1].messages.at(0).text() == "just text");
  {
    std::ofstream out(file, std::ios::app);
    out << "not json\n";
  }
  try {
    load_prompts(file.string());
    BOOST_FAIL("a bad line must be rejected");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()).find(":4: not a JSON object") != std::string::npos, e.what());
  }
  std::filesystem::remove(file);
  BOOST_CHECK_THROW(load_prompts(file.string()), std::invalid_argument);  // missing
}

BOOST_AUTO_TEST_CASE(reports_are_well_formed) {
  run_info run;
  run.model = "vendor/<model>&co";
  run.base_url = "https://127.0.0.1:1/api/v1";
  run.date = "2026-01-01T00:00:00Z";
  run.requests = 3;
  run.objectives = parse_slo({"ttft:150"});
  for (std::size_t c : {1u, 4u}) {
    level_result l;
    l.concurrency = c;
    l.samples = three_requests();
    l.agg = compute(l.samples, 2.0, run.objectives);
    l.cpu_s = 0.003;
    run.levels.push_back(std::move(l));
  }
  BOOST_TEST(run.levels[0].cpu_us_per_request() == 1000.0, tt::tolerance(1e-9));

  // JSON: parses back, with aggregates and per-request arrays
  json::value doc = json::parse(json::serialize(to_json(run)));
  BOOST_TEST(doc.at("model").as_string() == "vendor/<model>&co");
  BOOST_TEST(doc.at("goodput_slo_ms").at("ttft").to_number<double>() == 150.0);
  const auto& levels = doc.at("levels").as_array();
  BOOST_TEST_REQUIRE(levels.size() == 2u);
  const auto& l = levels[1].as_object();
  BOOST_TEST(l.at("max_concurrency").to_number<int>() == 4);
  BOOST_TEST(l.at("completed").to_number<int>() == 2);
  BOOST_TEST(l.at("error_counts").at("rate_limited").to_number<int>() == 1);
  BOOST_TEST(l.at("request_goodput").to_number<double>() == 0.5, tt::tolerance(1e-9));
  BOOST_TEST(l.at("mean_ttft_ms").to_number<double>() == 150.0, tt::tolerance(1e-9));
  BOOST_TEST(l.at("p90_itl_ms").to_number<double>() == 340.0, tt::tolerance(1e-9));
  for (const char* key : {"median_tpot_ms", "p99_e2el_ms", "mean_queue_ms", "output_throughput",
                          "client_cpu_us_per_request", "duration", "total_output_tokens"})
    BOOST_TEST(l.contains(key), key);
  for (const char* key : {"ttfts", "itls", "e2els", "queue_times", "input_lens", "output_lens", "errors"})
    BOOST_TEST(l.at(key).as_array().size() == 3u, key);
  BOOST_TEST(l.at("itls").at(0).as_array().size() == 2u);
  BOOST_TEST(l.at("ttfts").at(2).is_null());  // the failed request
  BOOST_TEST(l.at("errors").at(2).as_string() == "rate_limited");

  // HTML: self-contained, four inline SVG plots, text escaped
  const std::string html = html_report(run);
  std::size_t svgs = 0;
  for (std::size_t at = 0; (at = html.find("<svg ", at)) != std::string::npos; ++at) ++svgs;
  BOOST_TEST(svgs == 4u);
  BOOST_TEST(html.find("</svg>") != std::string::npos);
  BOOST_TEST(html.find("<polyline") != std::string::npos);
  for (const char* title : {"TTFT CDF", "ITL CDF", "E2E latency CDF", "Throughput vs concurrency"})
    BOOST_TEST(html.find(title) != std::string::npos, title);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // no external resources
  BOOST_TEST(html.find("vendor/&lt;model&gt;&amp;co") != std::string::npos);
  BOOST_TEST(html.find("<model>") == std::string::npos);
  BOOST_TEST(html.ends_with("</html>\n"));

  std::ostringstream console;
  print_level(console, run, run.levels[0]);
  BOOST_TEST(console.str().find("Successful requests:") != std::string::npos);
  BOOST_TEST(console.str().find("rate_limited:") != std::string::npos);
  BOOST_TEST(console.str().find("Request goodput (req/s):") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
