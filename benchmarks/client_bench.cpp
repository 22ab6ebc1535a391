// client_bench: openrouter-cpp's client under load, for comparison with floor_loop.
//
//   client_bench --url https://127.0.0.1:PORT/api/v1 --ca-file ca.pem
//                [--concurrency N] [--requests R] [--max-tokens T] [--model M]
//
// Non-streaming chat completions through openrouter::client (pool, typed request encode,
// typed response decode, error classification) with N requests in flight until R are done.
// One thread, one io_context. Prints one JSON line:
//   {"bench":"client","concurrency","requests","ok","errors","wall_s","rps","cpu_us_per_req",
//    "peak_rss_kib","connections","tls_handshakes","reuses"}
#include <openrouter/client.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace {

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, ca_file, model = "openai/gpt-4o-mini";
  int concurrency = 16, requests = 10000, max_tokens = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--url") url = v;
    else if (k == "--ca-file") ca_file = v;
    else if (k == "--concurrency") concurrency = std::stoi(v);
    else if (k == "--requests") requests = std::stoi(v);
    else if (k == "--max-tokens") max_tokens = std::stoi(v);
    else if (k == "--model") model = v;
    else {
      std::fprintf(stderr, "client_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (url.empty()) {
    std::fprintf(stderr, "client_bench: --url is required\n");
    return 2;
  }
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }

  boost::asio::io_context ioc(1);
  openrouter::client_config cfg;
  cfg.base_url = url;
  cfg.api_key = "sk-or-v1-bench";
  cfg.tls.ca_file = ca_file;
  cfg.pool.max_connections = static_cast<std::size_t>(concurrency);
  cfg.pool.max_per_origin = static_cast<std::size_t>(concurrency);
  openrouter::client cli(ioc.get_executor(), cfg);

  openrouter::wire::chat_request req;
  req.model = model;
  req.max_tokens = max_tokens;
  req.messages.push_back(openrouter::wire::message::user("Summarise the benefits of connection pooling."));

  int started = 0, done = 0, errors = 0;
  std::vector<openrouter::diagnostics> diags(static_cast<std::size_t>(concurrency));
  std::function<void(std::size_t)> next = [&](std::size_t slot) {
    if (started >= requests) return;
    ++started;
    cli.async_chat(req, diags[slot], [&, slot](boost::system::error_code ec, openrouter::wire::chat_response res) {
      if (ec || res.choices.empty()) ++errors;
      ++done;
      next(slot);
    });
  };

  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < concurrency; ++i) next(static_cast<std::size_t>(i));
  ioc.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = cpu_seconds() - cpu0;
  auto st = cli.pool_statistics();
  std::printf(
      "{\"bench\":\"client\",\"concurrency\":%d,\"requests\":%d,\"ok\":%d,\"errors\":%d,\"wall_s\":%.3f,"
      "\"rps\":%.1f,\"cpu_us_per_req\":%.1f,\"peak_rss_kib\":%ld,\"connections\":%llu,\"tls_handshakes\":%llu,"
      "\"reuses\":%llu}\n",
      concurrency, requests, done - errors, errors, wall, done / wall, cpu * 1e6 / done, peak_rss_kib(),
      static_cast<unsigned long long>(st.connections_opened), static_cast<unsigned long long>(st.tls_handshakes),
      static_cast<unsigned long long>(st.reuses));
  return errors ? 1 : 0;
}
