// openrouter-mock: a faithful local OpenRouter server (see README "openrouter-mock").
#include <openrouter/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>
#include <boost/program_options.hpp>

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

}  // namespace

int main(int argc, char** argv) {
  openrouter::mock::server_options opts;
  std::string ca_out, scenario_file;
  unsigned threads = 1;
  long generation_delay_ms = 0;
  po::options_description desc("openrouter-mock: a local OpenRouter API server\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("host", po::value(&opts.host)->default_value("127.0.0.1"), "address to listen on (loopback)")
      ("port", po::value(&opts.port)->default_value(0), "port; 0 picks a free one")
      ("tls", "serve HTTPS (the default)")
      ("plain", "serve plain HTTP")
      ("ca-out", po::value(&ca_out), "write the generated CA certificate (PEM) to this file")
      ("cert", po::value(&opts.cert_file), "server certificate chain PEM (instead of generating one)")
      ("key", po::value(&opts.key_file), "server private key PEM (with --cert)")
      ("scenario", po::value(&scenario_file), "fault and pacing scenario (JSON file)")
      ("seed", po::value(&opts.seed)->default_value(1), "seed for the catalog, content and fault draws")
      ("api-key", po::value(&opts.api_key), "accept only this Bearer key (default: any non-empty key)")
      ("catalog-size", po::value(&opts.catalog_size)->default_value(320), "number of models in the catalog")
      ("generation-delay-ms", po::value(&generation_delay_ms)->default_value(0),
       "/generation answers 404 for this long after a completion")
      ("threads", po::value(&threads)->default_value(1), "I/O threads");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    if (vm.count("tls") && vm.count("plain")) throw std::runtime_error("--tls and --plain exclude each other");
    if (vm.count("cert") != vm.count("key")) throw std::runtime_error("--cert and --key go together");
    opts.tls = !vm.count("plain");
    opts.generation_delay = std::chrono::milliseconds(generation_delay_ms);
    if (!scenario_file.empty()) opts.scenario = boost::json::parse(read_file(scenario_file));
    if (threads == 0) threads = 1;

    boost::asio::io_context ioc(static_cast<int>(threads));
    openrouter::mock::server srv(ioc.get_executor(), opts);
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
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "openrouter-mock: " << e.what() << "\n";
    return 2;
  }
}
