#include "event_script.hpp"

#include <boost/json/serialize.hpp>

namespace openrouter::mock {

std::string sse_event(std::string_view type, const boost::json::object& data) {
  std::string out = "event: ";
  out += type;
  out += "\ndata: ";
  out += boost::json::serialize(data);
  out += "\n\n";
  return out;
}

bool named_event_script::pop(sse_step& out) {
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void named_event_script::queue(std::string bytes, std::chrono::milliseconds delay) {
  sse_step s;
  s.delay = delay;
  s.bytes = std::move(bytes);
  queue_.push_back(std::move(s));
}

int named_event_script::queue_comments() {
  const int n = pace_.comments_before;
  for (int i = 0; i < n; ++i)
    queue(": OPENROUTER PROCESSING\n\n", std::chrono::milliseconds(i > 0 ? pace_.ttft_ms / n : 0));
  return n > 1 ? (n - 1) * (pace_.ttft_ms / n) : 0;
}

}  // namespace openrouter::mock
