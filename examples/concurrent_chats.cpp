// 200 chats at once through one client: one coroutine per chat on one io_context, sharing the
// client's keep-alive pool. run() returns when the last one is done.
#include "common/example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <iostream>

namespace wire = openrouter::wire;

struct tally {
  int ok = 0, failed = 0;
};

boost::asio::awaitable<void> one_chat(openrouter::client& cli, int i, tally& t) {
  wire::chat_request req;
  req.model = example::model();
  req.max_completion_tokens = 16;
  req.messages = {wire::message::user("echo: chat " + std::to_string(i))};
  try {
    (void)co_await cli.async_chat(std::move(req));
    ++t.ok;  // one thread runs the io_context: no lock needed
  } catch (const openrouter::api_error& e) {
    if (t.failed++ == 0) std::cout << "first failure: " << e.what() << '\n';
  }
}

int main() {
  const int count = example::real() ? 5 : 200;  // the real API bills each one
  boost::asio::io_context ioc;
  openrouter::client cli(ioc.get_executor(), example::config());
  tally t;
  for (int i = 0; i < count; ++i) boost::asio::co_spawn(ioc, one_chat(cli, i, t), boost::asio::detached);

  auto start = std::chrono::steady_clock::now();
  ioc.run();
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  auto pool = cli.pool_statistics();
  std::cout << count << " chats: " << t.ok << " ok, " << t.failed << " failed in " << elapsed.count() << " s ("
            << pool.connections_opened << " connections)\n";
  if (t.ok != count) {
    std::cerr << "error: " << t.failed << " of " << count << " chats failed\n";
    return 1;
  }
  return 0;
}
