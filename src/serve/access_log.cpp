#include "access_log.hpp"

#include <stdexcept>
#include <vector>

namespace openrouter::serve {

access_log::access_log(const std::string& path, std::atomic<std::uint64_t>* dropped) : dropped_(dropped) {
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw std::runtime_error("cannot open the access log " + path);
  thread_ = std::thread([this] { run(); });
}

access_log::~access_log() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  std::fclose(file_);
}

void access_log::write(std::string line) {
  {
    std::lock_guard lk(mu_);
    if (queue_.size() >= max_queued) {
      if (dropped_) ++*dropped_;
      return;
    }
    queue_.push_back(std::move(line));
  }
  cv_.notify_one();
}

void access_log::run() {
  std::vector<std::string> batch;
  while (true) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty() && stop_) return;
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    for (auto& l : batch) {
      l += '\n';
      std::fwrite(l.data(), 1, l.size(), file_);
    }
    std::fflush(file_);
    batch.clear();
  }
}

}  // namespace openrouter::serve
