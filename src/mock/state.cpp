#include "state.hpp"

#include "content.hpp"

namespace openrouter::mock {

namespace {
// Generations kept for /generation look-ups: enough for the largest batch runs we test
// (100k requests) while bounding a long-running mock's memory.
constexpr std::size_t max_generations = 200'000;
}  // namespace

mock_state::mock_state(server_options opts)
    : opts_(std::move(opts)),
      catalog_(catalog::generate(opts_.seed, opts_.catalog_size)),
      faults_(opts_.seed, opts_.max_fault_rules) {
  set_scenario(opts_.scenario);
}

std::shared_ptr<const scenario> mock_state::current_scenario() const {
  std::lock_guard lock(mutex_);
  return scenario_;
}

void mock_state::set_scenario(const boost::json::value& v) {
  auto s = std::make_shared<const scenario>(scenario::parse(v));
  faults_.reseed(s->seed.value_or(opts_.seed));
  std::lock_guard lock(mutex_);
  scenario_ = std::move(s);
}

std::chrono::milliseconds mock_state::generation_delay() const {
  auto s = current_scenario();
  if (s->generation_delay_ms) return std::chrono::milliseconds(*s->generation_delay_ms);
  return opts_.generation_delay;
}

std::string mock_state::new_generation_id(std::int64_t created) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uint64_t n = next_id_.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t bits = mix(opts_.seed ^ mix(n));
  std::string id = "gen-" + std::to_string(created) + "-";
  for (int i = 0; i < 20; ++i) {
    if (i == 10) bits = mix(bits + n);
    id.push_back(alphabet[bits % 62]);
    bits /= 62;
  }
  return id;
}

void mock_state::record(generation_record r) {
  std::lock_guard lock(mutex_);
  total_cost_ += r.cost;
  std::string id = r.id;
  if (generations_.insert_or_assign(id, std::move(r)).second) order_.push_back(std::move(id));
  while (order_.size() > max_generations) {
    generations_.erase(order_.front());
    order_.pop_front();
  }
}

void mock_state::mark_cancelled(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (auto it = generations_.find(id); it != generations_.end()) it->second.cancelled = true;
}

std::optional<generation_record> mock_state::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  auto it = generations_.find(std::string(id));
  if (it == generations_.end()) return std::nullopt;
  return it->second;
}

std::vector<generation_record> mock_state::all() const {
  std::lock_guard lock(mutex_);
  std::vector<generation_record> out;
  out.reserve(order_.size());
  for (const auto& id : order_) out.push_back(generations_.at(id));
  return out;
}

double mock_state::total_cost() const {
  std::lock_guard lock(mutex_);
  return total_cost_;
}

void mock_state::log_chat(chat_log_entry e) {
  std::lock_guard lock(mutex_);
  chat_log_.push_back(std::move(e));
  while (chat_log_.size() > opts_.chat_log_size) chat_log_.pop_front();
}

std::vector<chat_log_entry> mock_state::chat_log() const {
  std::lock_guard lock(mutex_);
  return {chat_log_.begin(), chat_log_.end()};
}

}  // namespace openrouter::mock
