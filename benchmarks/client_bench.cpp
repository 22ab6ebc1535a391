// client_bench: openrouter-cpp's client under load, for comparison with floor_loop.
//
//   client_bench --url https://127.0.0.1:PORT/api/v1 --ca-file ca.pem [--mode chat|stream|responses|messages]
//                [--concurrency N] [--requests R] [--max-tokens T] [--model M] [--ramp-per-s C]
//                [--resume 0|1] [--pull next|batch]
//
// Chat completions through openrouter::client (pool, typed request encode, typed decode, error
// classification) with N requests in flight until R are done. --mode chat: async_chat.
// --mode stream: async_chat_stream, then every chunk pulled with async_next (typed decode and
// accumulation of each chunk; --pull batch: async_next_batch, every chunk already decoded
// handed out at once); a request is good when the stream ended cleanly. --mode responses: the
// same through the Responses API (async_responses_stream, POST /responses with stream:true,
// max_output_tokens = --max-tokens), every named event pulled with async_next or
// async_next_batch (typed decode, accumulation); "chunks" counts the events. --mode messages:
// the same through the Anthropic Messages API (async_messages_stream, POST /messages with
// stream:true, max_tokens = --max-tokens), every named event pulled the same way.
// --ramp-per-s C starts the first N requests C per second instead of all at once (thousands of
// TLS handshakes at once overrun a 2-core box). One thread, one io_context. Prints one JSON line:
//   {"bench":"client","mode","concurrency","requests","ok","errors","wall_s","rps",
//    "cpu_us_per_req","peak_rss_kib","base_rss_kib","rss_kib_per_stream","max_open","chunks",
//    "connections","tls_handshakes","reuses","tls_resumptions"}
// base_rss_kib: peak RSS before the first request; rss_kib_per_stream: (peak - base) divided
// by the most requests in flight at once (max_open). --resume 0 turns TLS session resumption
// off (to measure what it saves when connections are not kept alive).
#include <openrouter/client.hpp>
#include <openrouter/messages_stream.hpp>
#include <openrouter/responses_stream.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
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
  std::string url, ca_file, model = "openai/gpt-4o-mini", mode = "chat", pull_mode = "next", http = "auto";
  int concurrency = 16, requests = 10000, max_tokens = 16;
  double ramp = 0;
  bool resume = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--url") url = v;
    else if (k == "--ca-file") ca_file = v;
    else if (k == "--concurrency") concurrency = std::stoi(v);
    else if (k == "--requests") requests = std::stoi(v);
    else if (k == "--max-tokens") max_tokens = std::stoi(v);
    else if (k == "--model") model = v;
    else if (k == "--mode") mode = v;
    else if (k == "--ramp-per-s") ramp = std::stod(v);
    else if (k == "--resume") resume = v != "0";
    else if (k == "--pull") pull_mode = v;
    else if (k == "--http") http = v;
    else {
      std::fprintf(stderr, "client_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (url.empty() || (mode != "chat" && mode != "stream" && mode != "responses" && mode != "messages") ||
      (pull_mode != "next" && pull_mode != "batch") || (http != "auto" && http != "1.1" && http != "2")) {
    std::fprintf(stderr,
                 "client_bench: --url is required; --mode is chat, stream, responses or messages; --pull is next or batch;"
                 " --http is auto, 1.1 or 2\n");
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
  cfg.tls.session_resumption = resume;
  cfg.pool.max_connections = static_cast<std::size_t>(concurrency);
  cfg.pool.max_per_origin = static_cast<std::size_t>(concurrency);
  cfg.http_version = http == "1.1" ? openrouter::http_version::http1
                     : http == "2" ? openrouter::http_version::http2
                                   : openrouter::http_version::automatic;
  openrouter::client cli(ioc.get_executor(), cfg);

  openrouter::wire::chat_request req;
  req.model = model;
  if (max_tokens > 0) req.max_tokens = max_tokens;  // 0: the server decides
  req.messages.push_back(openrouter::wire::message::user("Summarise the benefits of connection pooling."));
  openrouter::wire::responses_request rreq;
  rreq.model = model;
  if (max_tokens > 0) rreq.max_output_tokens = max_tokens;
  rreq.input = "Summarise the benefits of connection pooling.";
  openrouter::wire::messages_request mreq;
  mreq.model = model;
  if (max_tokens > 0) mreq.max_tokens = max_tokens;
  mreq.messages.push_back({"user", std::string("Summarise the benefits of connection pooling."), {}});

  int started = 0, done = 0, errors = 0, open_now = 0, max_open = 0;
  std::size_t chunks = 0;
  std::vector<openrouter::diagnostics> diags(static_cast<std::size_t>(concurrency));
  std::vector<openrouter::chat_stream> streams(static_cast<std::size_t>(concurrency));
  std::vector<openrouter::responses_stream> rstreams(mode == "responses" ? static_cast<std::size_t>(concurrency) : 0);
  std::vector<openrouter::messages_stream> mstreams(mode == "messages" ? static_cast<std::size_t>(concurrency) : 0);
  std::vector<boost::system::error_code> last_ec(static_cast<std::size_t>(concurrency));
  std::function<void(std::size_t)> next;
  std::map<std::string, int> error_kinds;  // reported on stderr: what went wrong, how often
  // When the last request ends: the run's end (an HTTP/2 connection would keep ioc.run() busy
  // until its idle expiry, 50 s later, and count that in the wall time).
  std::chrono::steady_clock::time_point last_done{};
  auto finish = [&](std::size_t slot, bool good) {
    if (!good) {
      ++errors;
      ++error_kinds[diags[slot].summary(last_ec[slot])];
    }
    ++done;
    --open_now;
    if (done == requests) {
      last_done = std::chrono::steady_clock::now();
      ioc.stop();
      return;
    }
    next(slot);
  };
  // Pulls the slot's stream (chat, Responses or Messages: `all` holds that kind) to its end,
  // event by event or batch by batch.
  auto pull_any = [&](auto& self, auto& all, std::size_t slot) -> void {
    if (pull_mode == "batch") {
      all[slot].async_next_batch([&, slot, sp = &self, ap = &all](boost::system::error_code ec, auto b) {
        last_ec[slot] = ec;
        if (ec) return finish(slot, false);
        if (b.empty()) return finish(slot, true);
        chunks += b.size();
        (*sp)(*sp, *ap, slot);
      });
      return;
    }
    all[slot].async_next([&, slot, sp = &self, ap = &all](boost::system::error_code ec, auto ev) {
      last_ec[slot] = ec;
      if (ec) return finish(slot, false);
      if (!ev) return finish(slot, true);
      ++chunks;
      (*sp)(*sp, *ap, slot);
    });
  };
  // The completion of the slot's stream open: pulls the stream, kept in `all[slot]`.
  auto open_and_pull = [&](auto& all, std::size_t slot) {
    return [&, slot, ap = &all](boost::system::error_code ec, auto s) {
      last_ec[slot] = ec;
      if (ec) return finish(slot, false);
      (*ap)[slot] = std::move(s);
      pull_any(pull_any, *ap, slot);
    };
  };
  next = [&](std::size_t slot) {
    if (started >= requests) return;
    ++started;
    max_open = std::max(max_open, ++open_now);
    if (mode == "chat") {
      cli.async_chat(req, diags[slot], [&, slot](boost::system::error_code ec, openrouter::wire::chat_response res) {
        last_ec[slot] = ec;
        finish(slot, !ec && !res.choices.empty());
      });
      return;
    }
    if (mode == "responses") return cli.async_responses_stream(rreq, diags[slot], open_and_pull(rstreams, slot));
    if (mode == "messages") return cli.async_messages_stream(mreq, diags[slot], open_and_pull(mstreams, slot));
    cli.async_chat_stream(req, diags[slot], open_and_pull(streams, slot));
  };

  long base_rss = peak_rss_kib();
  double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  boost::asio::steady_timer ramp_timer(ioc);
  std::function<void(int)> ramp_up = [&](int i) {
    if (i >= concurrency) return;
    next(static_cast<std::size_t>(i));
    ramp_timer.expires_at(t0 + std::chrono::microseconds(static_cast<long long>((i + 1) * 1e6 / ramp)));
    ramp_timer.async_wait([&, i](boost::system::error_code) { ramp_up(i + 1); });
  };
  if (ramp > 0) ramp_up(0);
  else
    for (int i = 0; i < concurrency; ++i) next(static_cast<std::size_t>(i));
  ioc.run();
  for (const auto& [what, n] : error_kinds) std::fprintf(stderr, "client_bench: %d x %s\n", n, what.c_str());
  if (last_done == std::chrono::steady_clock::time_point{}) last_done = std::chrono::steady_clock::now();
  double wall = std::chrono::duration<double>(last_done - t0).count();
  double cpu = cpu_seconds() - cpu0;
  auto st = cli.pool_statistics();
  long peak = peak_rss_kib();
  double per_stream = max_open > 0 ? static_cast<double>(peak - base_rss) / max_open : 0.0;
  std::printf(
      "{\"bench\":\"client\",\"mode\":\"%s\",\"concurrency\":%d,\"requests\":%d,\"ok\":%d,\"errors\":%d,"
      "\"wall_s\":%.3f,\"rps\":%.1f,\"cpu_us_per_req\":%.1f,\"peak_rss_kib\":%ld,\"base_rss_kib\":%ld,"
      "\"rss_kib_per_stream\":%.1f,\"max_open\":%d,\"chunks\":%zu,\"connections\":%llu,\"tls_handshakes\":%llu,"
      "\"reuses\":%llu,\"tls_resumptions\":%llu,\"h2_connections\":%llu,\"h2_max_streams_per_connection\":%llu}\n",
      mode.c_str(), concurrency, requests, done - errors, errors, wall, done / wall, cpu * 1e6 / done, peak, base_rss,
      per_stream, max_open, chunks, static_cast<unsigned long long>(st.connections_opened),
      static_cast<unsigned long long>(st.tls_handshakes), static_cast<unsigned long long>(st.reuses),
      static_cast<unsigned long long>(st.tls_resumptions), static_cast<unsigned long long>(st.h2_connections_opened),
      static_cast<unsigned long long>(st.h2_max_streams_per_connection));
  return errors ? 1 : 0;
}
