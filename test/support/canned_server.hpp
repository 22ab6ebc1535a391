#pragma once
// A plain-HTTP loopback server that answers every request with the same raw bytes, for
// responses openrouter-mock will not produce on purpose (a 200 of the wrong content type, a
// broken status line...). Runs on a thread of its own; stops in its destructor.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace test {

class canned_server {
 public:
  /// `response`: the exact bytes written after each request is read; the connection is then
  /// closed.
  explicit canned_server(std::string response);
  ~canned_server();
  canned_server(const canned_server&) = delete;
  canned_server& operator=(const canned_server&) = delete;

  /// "http://127.0.0.1:PORT/api/v1"
  std::string base_url() const;
  std::size_t requests() const noexcept { return requests_.load(); }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::atomic<std::size_t> requests_{0};
};

/// A whole HTTP/1.1 response with Content-Length and Connection: close.
std::string http_response(int status, std::string_view content_type, std::string_view body);

}  // namespace test
