// `openrouter serve`: the gateway (src/serve) on N threads sharing one io_context.
#include "commands.hpp"
#include "context.hpp"
#include "fleet.hpp"

#include <serve/config.hpp>
#include <serve/gateway.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace openrouter::cli {

namespace {

int run_serve(context& ctx) {
  const auto& vm = ctx.vm;
  if (vm["hash-token"].as<bool>()) {  // the token on stdin, never on the command line
    std::string token;
    std::getline(std::cin, token);
    if (!token.empty() && token.back() == '\r') token.pop_back();
    if (token.empty()) throw usage_error("--hash-token reads the token from standard input (got nothing)");
    std::cout << serve::sha256_hex(token) << '\n';
    return exit_ok;
  }
  if (ctx.cfg.api_key.empty()) throw usage_error("OPENROUTER_API_KEY is not set (serve needs an API key)");

  serve::gateway_options o;
  try {
    if (vm.count("config")) o.config = serve::load_config_file(vm["config"].as<std::string>());
  } catch (const serve::config_error& e) {
    throw usage_error(std::string("config ") + e.what());
  }
  if (vm.count("listen")) o.config.listen = vm["listen"].as<std::string>();
  if (vm.count("port")) o.config.port = static_cast<std::uint16_t>(integer_option(vm, "port", 0, 65535));
  if (vm.count("threads")) o.config.threads = static_cast<unsigned>(integer_option(vm, "threads", 1, 256));
  if (vm.count("access-log")) o.config.access_log = vm["access-log"].as<std::string>();
  if (vm.count("cert")) o.config.cert_file = vm["cert"].as<std::string>();
  if (vm.count("key")) {
    o.config.key_file = vm["key"].as<std::string>();
    if (o.config.key_file.starts_with("sk-"))  // not echoed: it may be a real key
      throw usage_error("--key is the TLS private key's PEM file; the API key is read from OPENROUTER_API_KEY only");
  }
  if (o.config.cert_file.empty() != o.config.key_file.empty())
    throw usage_error("--cert and --key go together (TLS needs the certificate and its private key)");
  if (auto p = routing_policy(vm)) o.policy = std::move(*p);
  o.shared = fleet_state(ctx, o.policy, "serve");  // --redis, --fleet-size, --fleet-id
  {
    boost::system::error_code ec;
    boost::asio::ip::make_address(o.config.listen, ec);
    if (ec) throw usage_error("--listen must be an IP address (got '" + o.config.listen + "')");
  }

  // Each request in flight holds one upstream connection: a pool smaller than the callers the
  // gateway admits (the client's default is 256) would queue the 257th stream behind the others.
  if (ctx.cfg.pool.max_connections < o.config.max_connections || ctx.cfg.pool.max_per_origin < o.config.max_connections) {
    ctx.cfg.pool.max_connections = std::max(ctx.cfg.pool.max_connections, o.config.max_connections);
    ctx.cfg.pool.max_per_origin = std::max(ctx.cfg.pool.max_per_origin, o.config.max_connections);
    ctx.cli = std::make_unique<client>(ctx.ioc.get_executor(), ctx.cfg);
  }

  std::unique_ptr<serve::gateway> gw;
  try {
    gw = std::make_unique<serve::gateway>(ctx.ioc.get_executor(), *ctx.cli, o);
    gw->start();
  } catch (const serve::config_error& e) {  // e.g. "cert_file: cert.pem: not a usable PEM certificate (...)"
    throw usage_error(std::string("cannot start: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  } catch (const boost::system::system_error& e) {
    error_line("cannot listen on " + o.config.listen + ":" + std::to_string(o.config.port) + ": " +
               e.code().message());
    return exit_failure;
  }
  std::cout << "listening " << gw->url() << std::endl;

  // SIGTERM/SIGINT: drain (in-flight requests finish, up to drain_timeout_ms), then exit 0. A
  // second signal stops at once.
  boost::asio::signal_set signals(ctx.ioc, SIGINT, SIGTERM);
  bool draining = false;
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (draining) {
      ctx.ioc.stop();
      return;
    }
    draining = true;
    gw->drain([&] {
      if (!o.shared) return ctx.ioc.stop();
      o.shared->flush([&] { ctx.ioc.stop(); });  // --redis: the last settlements reach the fleet
    });
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  std::vector<std::thread> pool;
  int code = exit_ok;
  try {
    for (unsigned i = 1; i < o.config.threads; ++i)
      pool.emplace_back([&] {
        try {
          ctx.ioc.run();
        } catch (const std::exception& e) {
          error_line(std::string("internal error: ") + e.what());
          ctx.ioc.stop();
        }
      });
    ctx.ioc.run();
  } catch (const std::exception& e) {
    error_line(std::string("internal error: ") + e.what());
    code = exit_failure;
    ctx.ioc.stop();
  }
  for (auto& t : pool) t.join();
  return code;
}

}  // namespace

const command serve_command{
    "serve",
    "[--config FILE] [--listen ADDR] [--port N] [--threads N] [--policy FILE] [--access-log FILE] [--cert FILE --key FILE]",
    "Run an OpenAI-compatible gateway in front of OpenRouter",
    "Serves POST /api/v1/chat/completions (JSON and SSE, routed through --policy: fallbacks,\n"
    "retries, breakers...), GET /api/v1/models (cached catalog), the reference skill's routes\n"
    "(/api/openrouter/models, free-models, providers, model-endpoints, generation/:id, chat),\n"
    "GET /healthz, GET /metrics (Prometheus) and a web console at / (model picker, streaming chat,\n"
    "image lab, live metrics). With --cert and --key it serves HTTPS only. The OpenRouter key (OPENROUTER_API_KEY) stays in the gateway; callers present\n"
    "gateway tokens from --config (stored as SHA-256 hashes: `openrouter serve --hash-token` reads\n"
    "a token on standard input and prints its hash). Without tokens, only loopback callers are\n"
    "served. Prints `listening http://ADDR:PORT` (https:// with TLS) once ready (--port 0: a free\n"
    "port).\n"
    "SIGTERM drains: no new connections, requests in flight finish (up to drain_timeout_ms), exit 0.",
    false,
    [](po::options_description& o, po::options_description&, po::positional_options_description&) {
      o.add_options()
          ("config", po::value<std::string>()->value_name("FILE"), "gateway configuration (JSON; see README)")
          ("listen", po::value<std::string>()->value_name("ADDR"), "address to listen on (default 127.0.0.1)")
          ("port", po::value<std::string>()->value_name("N"), "port (default 8080; 0: a free port)")
          ("threads", po::value<std::string>()->value_name("N"), "threads running the server (default 1)")
          ("policy", po::value<std::string>()->value_name("FILE"),
           "routing policy file (JSON; its models are fallbacks after the requested model)")
          ("access-log", po::value<std::string>()->value_name("FILE"), "append one JSON line per request")
          ("cert", po::value<std::string>()->value_name("FILE"), "TLS certificate chain (PEM): serve HTTPS only")
          ("key", po::value<std::string>()->value_name("FILE"), "TLS private key (PEM) of --cert")
          ("hash-token", po::bool_switch(), "print the SHA-256 of the token read from standard input, then exit");
      add_fleet_options(o);  // --redis, --fleet-size, --fleet-id (fleet.hpp)
    },
    run_serve};

}  // namespace openrouter::cli
