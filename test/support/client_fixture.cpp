#include "client_fixture.hpp"

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

client_fixture::client_fixture(openrouter::mock::server_options opts,
                               std::function<void(openrouter::client_config&)> tweak)
    : server(std::move(opts)), cli(ioc.get_executor(), make_config(server.get(), tweak)) {}

void client_fixture::run_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("condition not reached in time");
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(10));
  }
}

}  // namespace test
