// Blocking use, no Asio: openrouter::sync_client runs its own io_context thread. A chat, a
// stream whose callback stops it after ten chunks, and an error as an exception.
#include "common/example.hpp"

#include <openrouter/sync_client.hpp>

#include <iostream>

namespace wire = openrouter::wire;

int main() {
  try {
    openrouter::sync_client cli(example::config());

    wire::chat_request req;
    req.model = example::model();
    req.max_completion_tokens = 200;
    req.messages = {wire::message::user("Say hello in five words.")};
    std::cout << "assistant: " << cli.chat(req).text() << '\n';

    // Streaming: the callback runs on this thread for each chunk; returning false stops the
    // stream (its connection is closed). The return value holds everything received.
    req.messages = {wire::message::user("Count from one to fifty in words.")};
    int chunks = 0;
    wire::chat_response partial = cli.chat_stream(req, [&](const wire::chat_chunk& c) {
      std::cout << c.text() << std::flush;
      return ++chunks < 10;
    });
    std::cout << "\nstopped after " << chunks << " chunks, kept " << partial.text().size() << " characters\n";

    std::cout << cli.providers().data.size() << " providers\n";
  } catch (const openrouter::api_error& e) {
    return example::report(e);  // e.diagnostics(): status, OpenRouter's error, Retry-After...
  } catch (const std::exception& e) {
    std::cerr << "error: setup: " << e.what() << '\n';
    return 1;
  }
}
