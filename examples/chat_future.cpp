// asio::use_future from a plain main(): one thread runs the io_context, kept running by a work
// guard (without it run() finds no work yet, returns at once, and get() then waits forever).
// A future's get() returns the value or throws openrouter::api_error.
#include "common/example.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <iostream>
#include <thread>
#include <vector>

namespace wire = openrouter::wire;

int main() {
  boost::asio::io_context ioc;
  openrouter::client cli(ioc.get_executor(), example::config());  // destroyed after the join below
  auto work = boost::asio::make_work_guard(ioc);
  std::thread runner([&ioc] { ioc.run(); });

  // Three questions at once; then wait for each answer, with a deadline.
  std::vector<std::future<wire::chat_response>> answers;
  for (const char* q : {"Capital of France?", "Capital of Japan?", "Capital of Peru?"}) {
    wire::chat_request req;
    req.model = example::model();
    req.max_completion_tokens = 32;
    req.messages = {wire::message::user(q)};
    answers.push_back(cli.async_chat(std::move(req), boost::asio::use_future));
  }
  int status = 0, n = 0;
  for (auto& f : answers) {
    ++n;
    if (f.wait_for(std::chrono::minutes(2)) != std::future_status::ready) {
      std::cerr << "error: timeout: answer " << n << " did not arrive\n";
      status = 1;
      break;  // (the join below still waits for it: the client's timeouts bound it)
    }
    try {
      std::cout << "answer " << n << ": " << f.get().text() << '\n';
    } catch (const openrouter::api_error& e) {
      status = example::report(e);
    }
  }

  work.reset();   // run() returns once the operations still pending are done
  runner.join();
  return status;
}
