// Uses the installed library and mock: one chat against an in-process mock over HTTPS.
#include <openrouter/client.hpp>
#include <openrouter/fleet.hpp>
#include <openrouter/mock/server.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

int legacy_asio_main();

int main() {
  if (legacy_asio_main() != 0) {
    std::cout << "legacy Asio program failed\n";
    return 1;
  }
  openrouter::mock::background_server mock;
  boost::asio::io_context ioc;
  openrouter::client_config cfg;
  cfg.base_url = mock->base_url();
  cfg.api_key = "sk-or-v1-consumer";
  cfg.tls.ca_pem = mock->ca_pem();
  openrouter::client client(ioc.get_executor(), cfg);
  openrouter::wire::chat_request req;
  req.model = "openai/gpt-4o-mini";
  req.messages.push_back(openrouter::wire::message::user("echo: consumer ok"));
  openrouter::diagnostics diag;
  std::string text;
  client.async_chat(req, diag, [&](boost::system::error_code ec, openrouter::wire::chat_response res) {
    text = ec ? diag.summary(ec) : res.text();
  });
  ioc.run();
  std::cout << text << "\n";
  if (text != "consumer ok") return 1;

  // The fleet's shared limits (hiredis comes with the package): a Redis nobody listens on, so
  // the router goes on with its local share of the limits.
  openrouter::routing::policy p;
  p.models = {"openai/gpt-4o-mini"};
  p.limits.requests_per_minute = 600;
  openrouter::fleet_options fo;
  fo.redis_url = "redis://127.0.0.1:1";
  fo.key_namespace = openrouter::fleet_namespace(cfg.api_key, "consumer");
  boost::system::error_code ec;
  std::string what;
  auto shared = openrouter::make_redis_state(ioc.get_executor(), p, fo, ec, what);
  if (!shared) return 1;
  openrouter::router router(client, p);
  router.share(shared);
  req.messages.clear();
  req.messages.push_back(openrouter::wire::message::user("echo: fleet ok"));
  text.clear();
  router.async_chat(req, diag, [&](boost::system::error_code e, openrouter::wire::chat_response res) {
    text = e ? diag.summary(e) : res.text();
    shared->flush([&] { ioc.stop(); });
  });
  ioc.restart();
  ioc.run();
  std::cout << text << " (fleet " << (shared->stats().shared ? "shared" : "local") << ")\n";
  return text == "fleet ok" && !shared->stats().shared ? 0 : 1;
}
