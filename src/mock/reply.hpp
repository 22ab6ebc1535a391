#pragma once
// What a handler hands back to the connection: a complete response, or a scripted SSE body
// the connection plays out step by step (sans-I/O: the connection owns sockets and timers).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter::mock {

struct sse_step {
  enum class action {
    write,  ///< wait `delay`, then send `bytes` (one chunk of the chunked body)
    reset,  ///< wait `delay`, then reset the TCP connection (RST)
  };
  action act = action::write;
  std::chrono::milliseconds delay{0};
  std::string bytes;
};

/// Produces the steps of one SSE body lazily, so an open stream costs little memory.
class sse_script {
 public:
  virtual ~sse_script() = default;
  /// The next step; false at the clean end of the body.
  virtual bool next(sse_step& out) = 0;
  /// Whether the connection closes after the body (a mid-stream error ends the connection).
  virtual bool close_after() const = 0;
  /// Whether events without a delay between them may share one write (else one per event).
  virtual bool coalesce() const = 0;
};

struct http_reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::unique_ptr<sse_script> stream;  ///< set: `body` is ignored, the script is played

  std::chrono::milliseconds stall_before{0};  ///< silence before the status line
  bool reset_before = false;                   ///< reset instead of answering
  bool reset_mid_body = false;                 ///< send headers and half the body, then reset
  std::chrono::milliseconds stall_mid_body{0};  ///< send headers and half the body, wait, then the rest
  bool close = false;                          ///< close the connection after this reply
  std::string generation_id;                   ///< to mark as cancelled if the client leaves
};

/// The mock's own error answer (a malformed or oversize request, not a handler's reply):
/// {"error":{"code":S,"message":M,"metadata":{"error_type":T}}}; an HTTP/1.1 connection closes
/// after it (the rest of the request is not read).
inline http_reply plain_error(unsigned status, std::string_view message, std::string_view type) {
  http_reply r;
  r.status = status;
  r.body = R"({"error":{"code":)" + std::to_string(status) + R"(,"message":")" + std::string(message) +
           R"(","metadata":{"error_type":")" + std::string(type) + R"("}}})";
  r.close = true;
  return r;
}

}  // namespace openrouter::mock
