#include "client_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>

namespace test {

openrouter::wire::chat_request chat_request(std::string model, std::string prompt) {
  openrouter::wire::chat_request r;
  r.model = std::move(model);
  r.messages.push_back(openrouter::wire::message::user(std::move(prompt)));
  return r;
}

openrouter::client_config config_for(const openrouter::mock::server& srv) {
  openrouter::client_config c;
  c.base_url = srv.base_url();
  c.api_key = "sk-or-v1-test-0123456789abcdef";
  c.tls.ca_pem = srv.ca_pem();
  c.tls.use_system_store = false;
  return c;
}

namespace {
openrouter::client_config make_config(const openrouter::mock::server& srv,
                                      const std::function<void(openrouter::client_config&)>& tweak) {
  auto c = config_for(srv);
  if (tweak) tweak(c);
  return c;
}
}  // namespace

bool over_h2() {
  static const bool on = [] {
    const char* v = std::getenv("OPENROUTER_TEST_HTTP");
    return v && std::strcmp(v, "2") == 0;
  }();
  return on;
}

namespace {
openrouter::mock::server_options with_protocol(openrouter::mock::server_options o) {
  if (over_h2()) o.http2 = true;
  return o;
}
}  // namespace

client_fixture::client_fixture(openrouter::mock::server_options opts,
                               std::function<void(openrouter::client_config&)> tweak)
    : server(with_protocol(std::move(opts))), cli(ioc.get_executor(), make_config(server.get(), tweak)) {}

openrouter::errc reset_error() { return over_h2() ? openrouter::errc::stream_reset : openrouter::errc::connection_reset; }

std::uint64_t reusable_connections(const openrouter::pool_stats& s) {
  if (!over_h2()) return s.idle;
  return s.h2_streams == 0 ? s.h2_connections : 0;
}

void client_fixture::wait_abandoned(std::chrono::seconds limit) {
  if (!over_h2()) {
    run_until([&] { return server->stats().connections_open == 0; }, limit);
    return;
  }
  run_until([&] { return cli.pool_statistics().h2_streams == 0 && server->stats().streams_open == 0; }, limit);
  BOOST_TEST(server->stats().connections_open >= 1u);  // the streams were reset, their connection stays
  BOOST_TEST(cli.pool_statistics().h2_connections >= 1u);
}

client_fixture::~client_fixture() {
  if (!over_h2() || std::uncaught_exceptions() > 0) return;
  const auto s = cli.pool_statistics();
  if (s.connections_opened > 0 && s.h2_connections_opened == 0)
    BOOST_ERROR("OPENROUTER_TEST_HTTP=2, yet the client opened " << s.connections_opened
                                                                 << " connection(s) and none spoke HTTP/2");
}

void client_fixture::run_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("condition not reached in time");
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(10));
  }
}

}  // namespace test
