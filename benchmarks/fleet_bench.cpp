// fleet_bench: what sharing a router's limits on Redis costs per attempt: the wall time of one
// admit (one EVALSHA round trip) and of admit + end, and the client CPU they take, against a
// redis-server on loopback (started by run_fleet_bench.sh), one admit at a time.
//
//   fleet_bench redis://127.0.0.1:PORT [N]

#include <openrouter/fleet.hpp>

#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <unistd.h>

namespace routing = openrouter::routing;

namespace {

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fleet_bench redis://HOST:PORT [N]\n");
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 20000;
  boost::asio::io_context ioc;
  routing::policy p;
  p.limits.requests_per_minute = 1e9;
  p.max_cost_usd = 1e9;
  openrouter::fleet_options o;
  o.redis_url = argv[1];
  o.key_namespace = openrouter::fleet_namespace("bench", std::to_string(::getpid()));
  boost::system::error_code ec;
  std::string what;
  auto s = openrouter::make_redis_state(ioc.get_executor(), p, o, ec, what);
  if (!s) {
    std::fprintf(stderr, "%s\n", what.c_str());
    return 2;
  }
  auto one = [&](bool settle) {
    std::optional<routing::admission> a;
    s->admit("openai/gpt-4o-mini", [&](routing::admission x) { a = x; });
    while (!a) ioc.run_one();
    if (settle) s->end(a->ticket, routing::settlement::cost, 0.0001);
    return *a;
  };
  for (int i = 0; i < 200; ++i) one(true);  // warm: connected, scripts loaded
  for (bool settle : {false, true}) {
    const double c0 = cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      if (auto a = one(settle); !a.shared || a.what != routing::admission::verdict::go) {
        std::fprintf(stderr, "not admitted by the shared limits (redis not answering?)\n");
        return 1;
      }
    ioc.restart();
    ioc.poll();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpu_seconds() - c0;
    std::printf("%-14s n=%d  wall %.1f us/attempt  client cpu %.1f us/attempt\n", settle ? "admit+end" : "admit only", n,
                wall / n * 1e6, cpu / n * 1e6);
  }
  std::printf("stats: shared admissions %llu, store errors %llu\n",
              static_cast<unsigned long long>(s->stats().shared_admissions),
              static_cast<unsigned long long>(s->stats().store_errors));
  return 0;
}
