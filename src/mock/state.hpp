#pragma once
// State shared by every connection of one openrouter-mock server. Thread-safe.

#include <openrouter/mock/server.hpp>

#include "catalog.hpp"
#include "keys.hpp"
#include "presets.hpp"
#include "scenario.hpp"

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace openrouter::mock {

class mock_state {
 public:
  explicit mock_state(server_options opts);

  const server_options& options() const noexcept { return opts_; }
  const catalog& models() const noexcept { return catalog_; }
  fault_engine& faults() noexcept { return faults_; }
  key_store& keys() noexcept { return keys_; }  ///< /keys (its own lock)
  preset_store& presets() noexcept { return presets_; }  ///< @preset/ models, /presets (its own lock)
  std::uint64_t faults_tracked() const { return faults_.tracked(); }

  std::shared_ptr<const scenario> current_scenario() const;
  void set_scenario(const boost::json::value& v);  // throws std::invalid_argument
  std::chrono::milliseconds generation_delay() const;

  /// A fresh "gen-<unix>-<20 chars>" id (unique within the process).
  std::string new_generation_id(std::int64_t created);

  void record(generation_record r);
  void mark_cancelled(const std::string& id);
  std::optional<generation_record> find(std::string_view id) const;
  std::vector<generation_record> all() const;
  double total_cost() const;

  /// server_options::chat_log_size > 0: the chat log is kept (log_chat, chat_log).
  bool chat_log_on() const noexcept { return opts_.chat_log_size > 0; }
  void log_chat(chat_log_entry e);
  std::vector<chat_log_entry> chat_log() const;

  std::atomic<std::uint64_t> connections_accepted{0}, connections_open{0}, requests{0},
      tls_handshakes{0}, streams_open{0}, gzip_responses{0}, peer_closed_during_stall{0},
      connections_refused{0}, connections_timed_out{0}, connection_errors{0}, chat_requests{0},
      h2_connections{0}, h2_streams{0}, h2_refused_streams{0}, h2_pings{0};  // HTTP/2 (h2_connection.cpp)

 private:
  server_options opts_;
  catalog catalog_;
  fault_engine faults_;
  key_store keys_{opts_.seed};
  preset_store presets_{opts_.presets};
  mutable std::mutex mutex_;
  std::shared_ptr<const scenario> scenario_;
  std::unordered_map<std::string, generation_record> generations_;
  std::deque<std::string> order_;  // oldest first, bounds memory on long runs
  double total_cost_ = 0;
  std::deque<chat_log_entry> chat_log_;  // at most opts_.chat_log_size, oldest first
  std::atomic<std::uint64_t> next_id_{0};
};

}  // namespace openrouter::mock
