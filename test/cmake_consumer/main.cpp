// Uses the installed library and mock: one chat against an in-process mock over HTTPS.
#include <openrouter/client.hpp>
#include <openrouter/mock/server.hpp>

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
  return text == "consumer ok" ? 0 : 1;
}
