// Completion-handler style: no coroutines. Each operation takes a callback
// `void(error_code, T)`; the diagnostics must outlive the operation (here a shared_ptr the
// callback holds). A two-turn conversation: the second request starts from the first's callback.
#include "common/example.hpp"

#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>

namespace wire = openrouter::wire;

int main() {
  boost::asio::io_context ioc;
  openrouter::client cli(ioc.get_executor(), example::config());

  auto req = std::make_shared<wire::chat_request>();
  req->model = example::model();
  req->max_completion_tokens = 64;
  req->messages = {wire::message::user("Name a prime number.")};
  auto diag = std::make_shared<openrouter::diagnostics>();
  int status = 1;

  cli.async_chat(*req, *diag, [&cli, &status, req, diag](boost::system::error_code ec, wire::chat_response first) {
    if (ec) {
      status = example::report(ec, diag->summary(ec));
      return;
    }
    std::cout << "turn 1: " << first.text() << '\n';
    req->messages.push_back(wire::message::assistant(first.text()));
    req->messages.push_back(wire::message::user("And the next one?"));
    cli.async_chat(*req, *diag, [&status, diag](boost::system::error_code ec, wire::chat_response second) {
      if (ec) {
        status = example::report(ec, diag->summary(ec));
        return;
      }
      std::cout << "turn 2: " << second.text() << '\n';
      status = 0;
    });
  });
  ioc.run();  // returns once no operation is left: both callbacks have run
  return status;
}
