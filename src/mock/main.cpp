// openrouter-mock: a faithful local OpenRouter server (see README "openrouter-mock").
#include <openrouter/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace po = boost::program_options;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A numeric option's text, checked before use: digits only (no sign, no exponent, no spaces),
// within [lo, hi]. A bad value is a usage error naming the option.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint64_t number_option(const po::variables_map& vm, const std::string& name, std::uint64_t lo, std::uint64_t hi) {
  const std::string text = vm[name].as<std::string>();
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || ec != std::errc{} || end != text.data() + text.size() || v < lo || v > hi)
    throw usage_error("--" + name + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                      "], got '" + text + "'");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  namespace mock = openrouter::mock;
  mock::server_options opts;
  std::string ca_out, scenario_file;
  po::options_description desc("openrouter-mock: a local OpenRouter API server\nOptions");
  // Numbers are read as text and range-checked by number_option (program_options would wrap
  // "-1" into an unsigned type silently).
  auto num = [](const char* def) { return po::value<std::string>()->default_value(def); };
  desc.add_options()
      ("help,h", "show this help")
      ("host", po::value(&opts.host)->default_value("127.0.0.1"), "address to listen on (loopback)")
      ("port", num("0"), "port; 0 picks a free one")
      ("tls", "serve HTTPS (the default)")
      ("plain", "serve plain HTTP")
      ("ca-out", po::value(&ca_out), "write the generated CA certificate (PEM) to this file")
      ("cert", po::value(&opts.cert_file), "server certificate chain PEM (instead of generating one)")
      ("key", po::value(&opts.key_file), "server private key PEM (with --cert)")
      ("scenario", po::value(&scenario_file), "fault and pacing scenario (JSON file)")
      ("seed", num("1"), "seed for the catalog, content and fault draws")
      ("api-key", po::value(&opts.api_key), "accept only this Bearer key (default: any non-empty key)")
      ("management-key", po::value(&opts.management_key), "the management key (/keys routes; none by default)")
      ("catalog-size", num("320"), "number of models in the catalog (1-100000)")
      ("generation-delay-ms", num("0"), "/generation answers 404 for this long after a completion")
      ("threads", num("1"), "I/O threads (1-256)")
      ("max-connections", num("16384"), "open connections at most; beyond, new ones are closed at once (0: no limit)")
      ("header-timeout-ms", num("30000"), "a request header must arrive within this (a new connection: from accept)")
      ("idle-timeout-ms", num("300000"), "a keep-alive connection waits this long for its next request")
      ("body-timeout-ms", num("60000"), "a request body must arrive within this after its header")
      ("write-timeout-ms", num("60000"), "each write of a response must finish within this")
      ("max-header-bytes", num("65536"), "larger request headers get 431")
      ("max-request-body", num("67108864"), "larger request bodies get 413")
      ("max-fault-rules", num("4096"), "per-rule fault state kept (least recently used forgotten)")
      // --- HTTP/2
      ("http2", "serve HTTP/2 too: h2 by ALPN (TLS), h2c prior knowledge (--plain)")
      ("h2-max-streams", num("100"), "HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS (1-1000000)")
      ("h2-window", num("65535"), "HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE (1-2147483647; tiny: a flow-control fault)")
      ("h2-goaway-after", num("0"), "HTTP/2: GOAWAY after N streams per connection (0: never)")
      ("h2-refuse-first", num("0"), "HTTP/2: the first N streams of each connection get RST_STREAM(REFUSED_STREAM)");
  int exit_code = 0;
  try {
    po::variables_map vm;
    try {
      po::store(po::parse_command_line(argc, argv, desc), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      throw usage_error(e.what());
    }
    if (vm.count("help")) {
      std::cout << desc << "\n"
                << "The API is served under /api/v1 (base URL http://HOST:PORT/api/v1); other paths get a\n"
                << "404 whose message names the path meant (\"did you mean /api/v1/chat/completions?\").\n"
                << "Model names choose behaviour: \"fault/<kind or status>[;key=value...]\" adds a fault\n"
                << "(fault/503, fault/reset;after_tokens=5, ...); pacing keys (ttft_ms, itl_ms, tokens,\n"
                << "write_mode, comments_before, comment_every) combine with any fault, and\n"
                << "\"fault/none;itl_ms=20;tokens=50\" (alias \"pace/itl_ms=20;tokens=50\") paces without one.\n";
      return 0;
    }
    if (vm.count("tls") && vm.count("plain")) throw usage_error("--tls and --plain exclude each other");
    if (vm.count("cert") != vm.count("key")) throw usage_error("--cert and --key go together");
    using ms = std::chrono::milliseconds;
    constexpr std::uint64_t day_ms = 86'400'000;
    opts.port = static_cast<std::uint16_t>(number_option(vm, "port", 0, 65535));
    opts.seed = number_option(vm, "seed", 0, UINT64_MAX);
    opts.catalog_size = number_option(vm, "catalog-size", 1, mock::max_catalog_size);
    opts.generation_delay = ms(number_option(vm, "generation-delay-ms", 0, day_ms));
    const auto threads = static_cast<unsigned>(number_option(vm, "threads", 1, 256));
    opts.max_connections = number_option(vm, "max-connections", 0, 10'000'000);
    opts.header_timeout = ms(number_option(vm, "header-timeout-ms", 1, day_ms));
    opts.idle_timeout = ms(number_option(vm, "idle-timeout-ms", 1, day_ms));
    opts.body_timeout = ms(number_option(vm, "body-timeout-ms", 1, day_ms));
    opts.write_timeout = ms(number_option(vm, "write-timeout-ms", 1, day_ms));
    opts.max_header_bytes = number_option(vm, "max-header-bytes", 1024, 16u << 20);
    opts.max_request_body = number_option(vm, "max-request-body", 1, 1u << 30);
    opts.max_fault_rules = number_option(vm, "max-fault-rules", 1, 10'000'000);
    opts.tls = !vm.count("plain");
    opts.http2 = vm.count("http2") > 0;
    opts.h2.max_concurrent_streams = static_cast<std::uint32_t>(number_option(vm, "h2-max-streams", 1, 1'000'000));
    opts.h2.initial_window_size = static_cast<std::uint32_t>(number_option(vm, "h2-window", 1, 2147483647));
    opts.h2.goaway_after_streams = number_option(vm, "h2-goaway-after", 0, 1'000'000'000);
    opts.h2.refuse_first_streams = number_option(vm, "h2-refuse-first", 0, 1'000'000'000);
    if (!scenario_file.empty()) opts.scenario = boost::json::parse(read_file(scenario_file));

    boost::asio::io_context ioc(static_cast<int>(threads));
    mock::server srv(ioc.get_executor(), opts);
    srv.start();
    if (!ca_out.empty()) {
      if (srv.ca_pem().empty()) throw std::runtime_error("--ca-out needs a generated certificate (no --cert, no --plain)");
      std::ofstream out(ca_out, std::ios::binary | std::ios::trunc);
      out << srv.ca_pem();
      if (!out.flush()) throw std::runtime_error("cannot write " + ca_out);
    }
    std::cout << "listening " << (opts.tls ? "https" : "http") << "://"
              << (opts.host.find(':') != std::string::npos ? "[" + opts.host + "]" : opts.host) << ":" << srv.port()
              << std::endl;

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      srv.stop();
      ioc.stop();
    });
    // Threads that started are always joined, even when starting another one fails.
    std::vector<std::thread> pool;
    try {
      for (unsigned i = 1; i < threads; ++i)
        pool.emplace_back([&] {
          try {
            ioc.run();
          } catch (const std::exception& e) {
            std::cerr << "openrouter-mock: " << e.what() << "\n";
            ioc.stop();
          }
        });
      ioc.run();
    } catch (const std::exception& e) {
      std::cerr << "openrouter-mock: " << e.what() << "\n";
      exit_code = 1;
      srv.stop();
      ioc.stop();
    }
    for (auto& t : pool) t.join();
    return exit_code;
  } catch (const usage_error& e) {
    std::cerr << "openrouter-mock: " << e.what() << "\n" << "usage: openrouter-mock --help\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "openrouter-mock: " << e.what() << "\n";
    return 2;
  }
}
