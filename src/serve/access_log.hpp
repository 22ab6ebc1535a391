#pragma once
// The JSONL access log: one line per request, written by a thread of its own so that no file
// I/O happens on the io_context's threads. The queue is bounded (max_queued lines): when the
// disk cannot keep up, lines are dropped and counted, never buffered without end.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace openrouter::serve {

class access_log {
 public:
  static constexpr std::size_t max_queued = 10'000;
  /// Opens `path` for appending; throws std::runtime_error naming it when it cannot.
  explicit access_log(const std::string& path, std::atomic<std::uint64_t>* dropped = nullptr);
  ~access_log();  ///< writes what is queued, then closes
  access_log(const access_log&) = delete;
  access_log& operator=(const access_log&) = delete;

  /// Queues one line (without its newline). Never blocks on I/O.
  void write(std::string line);

 private:
  void run();
  std::FILE* file_ = nullptr;
  std::atomic<std::uint64_t>* dropped_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace openrouter::serve
