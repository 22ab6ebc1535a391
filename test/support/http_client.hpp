#pragma once
// A deliberately plain HTTP/1.1 client for testing openrouter-mock independently of the
// library: one keep-alive connection (TLS verified against the mock's CA, or plain), raw
// access to status, headers, body, and to how the body ended.

#include <openrouter/mock/server.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace test {

struct raw_response {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;                            ///< de-chunked, possibly partial
  boost::system::error_code error;             ///< how reading ended (success: clean)
  std::chrono::milliseconds elapsed{0};

  std::string header(const std::string& name) const;
  boost::json::value json() const;  ///< throws on invalid JSON
};

struct sse_event {
  std::string data;   ///< the data lines joined by "\n"; for a comment, its text after the ':'
  bool comment = false;
  std::string event;  ///< the `event:` field ("" when the event has none)
};

/// Splits an SSE body into events and comments (test-side; LF line ends only). Fields are read
/// as the SSE spec reads them: `event:` and `data:` lines of one block form one event (several
/// data lines joined by "\n", one space after the colon dropped), other fields are ignored. A
/// block of comment lines only is a comment; a block with fields but no data line is an event
/// with empty data (kept, so that a JSON consumer of the data notices it).
std::vector<sse_event> split_sse(const std::string& body);

class http_client {
 public:
  explicit http_client(const openrouter::mock::server& srv, std::string api_key = "sk-or-v1-test");
  /// Any server: plain when `ca_pem` is empty, else TLS trusting `ca_pem`.
  http_client(std::string host, std::uint16_t port, const std::string& ca_pem,
              std::string verify_host = "localhost", std::string api_key = "sk-or-v1-test");
  /// Trusts `ca_pem` instead of the server's CA and verifies the certificate for `verify_host`.
  http_client(const openrouter::mock::server& srv, const std::string& ca_pem, const std::string& verify_host);
  ~http_client();

  raw_response request(const std::string& method, const std::string& target, const std::string& body = {},
                       std::map<std::string, std::string> headers = {},
                       std::chrono::seconds timeout = std::chrono::seconds(30));
  raw_response get(const std::string& target) { return request("GET", target); }
  raw_response post(const std::string& target, const boost::json::value& body,
                    std::map<std::string, std::string> headers = {});

  void set_api_key(std::string key) { api_key_ = std::move(key); }
  std::size_t connections_opened() const noexcept { return connects_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::string api_key_;
  std::size_t connects_ = 0;
};

/// The path part of the mock's base URL ("/api/v1") joined with `p`.
std::string api(const std::string& p);

}  // namespace test
