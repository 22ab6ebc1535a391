#pragma once
// What the SSE scripts of named events share (/responses, /messages): the SSE framing of one
// event, a queue of steps built ahead (the small events before the first delta and after the
// last), and the keep-alive comments before the first event. Sans-I/O.

#include "reply.hpp"
#include "scenario.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <deque>
#include <string>
#include <string_view>

namespace openrouter::mock {

/// "event: TYPE\ndata: JSON\n\n"
std::string sse_event(std::string_view type, const boost::json::object& data);

class named_event_script : public sse_script {
 public:
  explicit named_event_script(const pacing& pace) : pace_(pace) {}
  bool close_after() const override { return closing_; }
  bool coalesce() const override { return pace_.coalesce; }

 protected:
  /// Moves the next queued step into `out`; false when none is queued.
  bool pop(sse_step& out);
  /// Queues `bytes`, sent `delay` after the step before.
  void queue(std::string bytes, std::chrono::milliseconds delay = {});
  /// Queues the ": OPENROUTER PROCESSING" comments before the first event (the first at once,
  /// the others spread over ttft_ms); returns the milliseconds they take, so that the first
  /// delta still comes ttft_ms after the head.
  int queue_comments();

  pacing pace_;
  bool closing_ = false;  ///< close the connection after the body (an error ended it)

 private:
  std::deque<sse_step> queue_;
};

}  // namespace openrouter::mock
