#include "example.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

namespace example {

namespace {
boost::asio::io_context& context() {
  static boost::asio::io_context ioc;
  return ioc;
}

std::string name_of(boost::system::error_code ec) {
  if (ec.category() == openrouter::category())
    return std::string(openrouter::name(static_cast<openrouter::errc>(ec.value())));
  return ec.category().name() + std::string(":") + std::to_string(ec.value());
}
}  // namespace

namespace {
// The mock of this process, when there is one (started by the first config() without a key).
openrouter::mock::background_server* mock() {
  static std::unique_ptr<openrouter::mock::background_server> server = std::make_unique<openrouter::mock::background_server>();
  return server.get();
}
}  // namespace

bool real() {
  const char* key = std::getenv("OPENROUTER_API_KEY");
  return key && *key;
}

openrouter::client_config config() {
  if (real()) return openrouter::client_config::from_env();
  openrouter::client_config cfg;
  cfg.base_url = mock()->get().base_url();
  cfg.api_key = "sk-or-v1-example-mock-key";  // the mock accepts any key
  cfg.tls.ca_pem = mock()->get().ca_pem();
  cfg.tls.use_system_store = false;
  return cfg;
}

std::string model(std::string fallback) {
  const char* m = std::getenv("OPENROUTER_EXAMPLE_MODEL");
  return m && *m ? std::string(m) : fallback;
}

int report(boost::system::error_code ec, const std::string& summary) {
  std::cerr << "error: " << name_of(ec) << ": " << summary << std::endl;
  return 1;
}

int report(const openrouter::api_error& e) { return report(e.code(), e.what()); }

session::session() : client_(std::make_unique<openrouter::client>(context().get_executor(), config())), real_(example::real()) {}

session::~session() = default;

std::string session::model(std::string fallback) const { return example::model(std::move(fallback)); }

void check(boost::system::error_code ec, const openrouter::diagnostics& diag) {
  if (ec) throw failure{ec, diag.summary(ec)};
}

int run(std::function<boost::asio::awaitable<void>(session&)> body, int limit_seconds) {
  std::optional<session> s;
  try {
    s.emplace();
  } catch (const std::exception& e) {
    std::cerr << "error: setup: " << e.what() << '\n';
    return 1;
  }
  std::optional<int> code;
  boost::asio::co_spawn(context(), body(*s), [&](std::exception_ptr e) {
    code = 0;
    if (!e) return;
    code = 1;
    try {
      std::rethrow_exception(e);
    } catch (const failure& f) {
      report(f.ec, f.what);
    } catch (const openrouter::api_error& x) {
      report(x);
    } catch (const std::exception& x) {
      std::cerr << "error: exception: " << x.what() << '\n';
    }
  });
  context().run_for(std::chrono::seconds(limit_seconds));
  if (!code) {
    std::cerr << "error: timeout: no result within " << limit_seconds << " s" << std::endl;
    std::_Exit(1);  // operations are still pending: skip tearing them down
  }
  return *code;
}

}  // namespace example
