#include "fleet.hpp"

#include <cstdlib>
#include <iostream>

namespace openrouter::cli {

void add_fleet_options(po::options_description& o) {
  o.add_options()
      ("redis", po::value<std::string>()->value_name("URL"),
       "share --rpm, --max-cost, the in-flight limits and cool-downs with every process of the fleet through "
       "Redis (redis://[user@]host[:port][/db], or rediss:// for TLS; the password from REDIS_PASSWORD)")
      ("redis-ca-file", po::value<std::string>()->value_name("FILE"),
       "with rediss://: a CA (PEM) to trust besides the system's, e.g. a private or managed Redis's")
      ("fleet-size", po::value<std::string>()->value_name("N"),
       "processes in the fleet: while Redis cannot be reached, each keeps 1/N of the limits (default: the --shard N, else 1)")
      ("fleet-id", po::value<std::string>()->value_name("NAME"),
       "keeps this fleet's counters apart from other runs with the same key (e.g. the job's name)");
}

std::shared_ptr<routing::shared_state> fleet_state(context& ctx, const routing::policy& p, const char* command) {
  const auto& vm = ctx.vm;
  if (!vm.count("redis")) {
    if (vm.count("fleet-size") || vm.count("fleet-id") || vm.count("redis-ca-file"))
      throw usage_error("--fleet-size, --fleet-id and --redis-ca-file need --redis URL");
    return nullptr;
  }
  fleet_options fo;
  fo.redis_url = vm["redis"].as<std::string>();
  if (vm.count("redis-ca-file")) fo.ca_file = vm["redis-ca-file"].as<std::string>();
  if (const char* pw = std::getenv("REDIS_PASSWORD")) fo.password = pw;
  fo.fleet_size = 1;
  if (vm.count("fleet-size")) fo.fleet_size = static_cast<std::size_t>(integer_option(vm, "fleet-size", 1, 100000));
  else if (vm.count("shard")) {
    const std::string s = vm["shard"].as<std::string>();
    if (auto slash = s.find('/'); slash != std::string::npos) fo.fleet_size = std::strtoul(s.c_str() + slash + 1, nullptr, 10);
    if (fo.fleet_size == 0) fo.fleet_size = 1;
  }
  const std::string id = vm.count("fleet-id") ? vm["fleet-id"].as<std::string>() : std::string();
  fo.key_namespace = fleet_namespace(ctx.cfg.api_key, id);
  std::string prefix = "openrouter ";
  prefix += command;
  prefix += ": fleet: ";
  fo.on_mode = [prefix](bool, const std::string& why) { std::cerr << redact(prefix + why) << std::endl; };
  error_code ec;
  std::string what;
  auto s = make_redis_state(ctx.ioc.get_executor(), p, std::move(fo), ec, what);
  if (!s) throw usage_error(what);
  return s;
}

}  // namespace openrouter::cli
