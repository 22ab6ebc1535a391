#pragma once
// Shared fixtures: an in-process openrouter-mock per test case.

#include "http_client.hpp"

#include <openrouter/mock/server.hpp>

#include <boost/json/parse.hpp>

namespace test {

struct mock_fixture {
  explicit mock_fixture(openrouter::mock::server_options opts = {}) : server(std::move(opts)), client(server.get()) {}
  openrouter::mock::background_server server;
  http_client client;

  raw_response chat(const boost::json::value& body, std::map<std::string, std::string> headers = {}) {
    return client.post(api("/chat/completions"), body, std::move(headers));
  }
};

/// A chat request body: one user message to `model`.
boost::json::object chat_body(const std::string& model, const std::string& prompt = "Say hello", bool stream = false);

/// The data payloads of an SSE body, comments dropped, [DONE] kept as the string "[DONE]".
std::vector<std::string> sse_data(const std::string& body);

/// Concatenated delta.content of an SSE chat stream.
std::string streamed_text(const std::string& body);

}  // namespace test
