// embeddings_bench: POST /embeddings through openrouter::client under load: N requests in
// flight, each a batch of B texts, until R requests are done. One thread, one io_context.
//
//   embeddings_bench --url https://127.0.0.1:PORT/api/v1 --ca-file ca.pem [--concurrency 64]
//                    [--requests 2000] [--batch 16] [--dimensions 256] [--encoding-format base64|float]
//                    [--model openai/text-embedding-3-small]
//
// The client's whole path is measured: request encode, pool, TLS, response decode (base64 to
// floats, or JSON floats) and the answer check (one vector per input, in index order). Prints
// one JSON line: {"bench":"embeddings","encoding","concurrency","batch","dimensions","requests",
// "ok","errors","inputs","wall_s","inputs_per_s","cpu_us_per_input","cpu_us_per_req"}. The CPU
// is this process's (user + system), the mock's excluded.
#include <openrouter/client.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
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

}  // namespace

int main(int argc, char** argv) {
  std::string url, ca_file, model = "openai/text-embedding-3-small", format = "base64";
  int concurrency = 64, requests = 2000, batch = 16, dims = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--url") url = v;
    else if (k == "--ca-file") ca_file = v;
    else if (k == "--concurrency") concurrency = std::stoi(v);
    else if (k == "--requests") requests = std::stoi(v);
    else if (k == "--batch") batch = std::stoi(v);
    else if (k == "--dimensions") dims = std::stoi(v);
    else if (k == "--encoding-format") format = v;
    else if (k == "--model") model = v;
    else {
      std::fprintf(stderr, "embeddings_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (url.empty() || concurrency < 1 || batch < 1 || (format != "base64" && format != "float")) {
    std::fprintf(stderr, "embeddings_bench: --url is required; --encoding-format is base64 or float\n");
    return 2;
  }
  boost::asio::io_context ioc(1);
  openrouter::client_config cfg;
  cfg.base_url = url;
  cfg.api_key = "sk-or-v1-bench";
  cfg.tls.ca_file = ca_file;
  cfg.pool.max_connections = static_cast<std::size_t>(concurrency);
  cfg.pool.max_per_origin = static_cast<std::size_t>(concurrency);
  openrouter::client cli(ioc.get_executor(), cfg);

  // Distinct texts per request (the mock's vectors derive from the text).
  auto request_for = [&](int n) {
    openrouter::wire::embeddings_request req;
    req.model = model;
    req.dimensions = dims;
    req.encoding_format = format;
    std::vector<std::string> texts;
    texts.reserve(static_cast<std::size_t>(batch));
    for (int i = 0; i < batch; ++i)
      texts.push_back("document " + std::to_string(n) + "." + std::to_string(i) +
                      ": connection pooling keeps TLS sessions warm across requests");
    req.input = std::move(texts);
    return req;
  };

  int started = 0, done = 0, errors = 0;
  long inputs = 0;
  std::vector<openrouter::diagnostics> diags(static_cast<std::size_t>(concurrency));
  std::map<std::string, int> error_kinds;
  std::function<void(std::size_t)> next = [&](std::size_t slot) {
    if (started >= requests) return;
    auto req = request_for(started++);
    cli.async_embeddings(std::move(req), diags[slot],
                         [&, slot](boost::system::error_code ec, openrouter::wire::embeddings_response res) {
                           ++done;
                           if (ec || res.data.size() != static_cast<std::size_t>(batch) ||
                               res.data[0].embedding.size() != static_cast<std::size_t>(dims)) {
                             ++errors;
                             ++error_kinds[diags[slot].summary(ec)];
                           } else {
                             inputs += static_cast<long>(res.data.size());
                           }
                           next(slot);
                         });
  };
  const double cpu0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int s = 0; s < concurrency; ++s) next(static_cast<std::size_t>(s));
  ioc.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  for (const auto& [what, n] : error_kinds) std::fprintf(stderr, "%d x %s\n", n, what.c_str());
  std::printf(
      "{\"bench\":\"embeddings\",\"encoding\":\"%s\",\"concurrency\":%d,\"batch\":%d,\"dimensions\":%d,"
      "\"requests\":%d,\"ok\":%d,\"errors\":%d,\"inputs\":%ld,\"wall_s\":%.3f,\"inputs_per_s\":%.0f,"
      "\"cpu_us_per_input\":%.2f,\"cpu_us_per_req\":%.1f}\n",
      format.c_str(), concurrency, batch, dims, requests, done - errors, errors, inputs, wall,
      static_cast<double>(inputs) / wall, inputs ? cpu * 1e6 / static_cast<double>(inputs) : 0.0,
      done ? cpu * 1e6 / done : 0.0);
  return errors ? 1 : 0;
}
