#include "support/fleet_run.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>

namespace json = boost::json;

namespace test::fleet {

const std::map<std::string, std::string>& key_env() {
  static const std::map<std::string, std::string> env{{"OPENROUTER_API_KEY", "sk-or-v1-fleet-test-0123456789abcdef"}};
  return env;
}

std::string fresh_fleet_id() {
  static std::atomic<int> runs{0};
  return "run-" + std::to_string(::getpid()) + "-" + std::to_string(++runs);
}

std::string chat_lines(int n, const std::string& model) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    json::object o{{"id", "r" + std::to_string(i)}, {"max_tokens", 4}};
    if (!model.empty()) o["model"] = model;
    o["messages"] = json::array{json::object{{"role", "user"}, {"content", "hi"}}};
    out += json::serialize(o);
    out += '\n';
  }
  return out;
}

batch_run::batch_run(const openrouter::mock::server& mock, const std::string& input_jsonl)
    : ca_(dir_.write("ca.pem", mock.ca_pem())),
      input_(dir_.write("in.jsonl", input_jsonl)),
      base_url_(mock.base_url()),
      fleet_id_(fresh_fleet_id()) {}

std::filesystem::path batch_run::output(int k) const { return dir_.path / ("out" + std::to_string(k) + ".jsonl"); }

std::unique_ptr<cli_process> batch_run::start(int k, int n, const std::vector<std::string>& extra) const {
  std::vector<std::string> args{"--base-url", base_url_,  "--ca-file", ca_.string(), "batch",
                                "--input",    input_.string(), "--output", output(k).string(), "--shard",
                                std::to_string(k) + "/" + std::to_string(n), "--no-progress"};
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<cli_process>(dir_.path, args, key_env());
}

std::vector<json::object> batch_run::results(int n) const {
  std::vector<json::object> out;
  for (int k = 1; k <= n; ++k)
    for (const auto& l : cli::lines(read_file(output(k)))) out.push_back(json::parse(l).as_object());
  return out;
}

std::map<std::string, int> id_counts(const std::vector<json::object>& results) {
  std::map<std::string, int> seen;
  for (const auto& r : results) ++seen[std::string(r.at("id").as_string())];
  return seen;
}

std::size_t bucket_bound(double per_second, double burst, std::chrono::milliseconds window, std::size_t fallbacks,
                         std::size_t fleet_size) {
  const double seconds = std::chrono::duration<double>(window + std::chrono::milliseconds(200)).count();
  const double one = burst + per_second * seconds;
  return static_cast<std::size_t>(one + static_cast<double>(fallbacks) * one / static_cast<double>(fleet_size)) + 1;
}

std::size_t fallbacks(const std::string& err) {
  std::size_t n = 0;
  for (auto at = err.find("local limits (1/"); at != std::string::npos; at = err.find("local limits (1/", at + 1)) ++n;
  return n;
}

std::size_t max_in_window(const std::vector<openrouter::mock::chat_log_entry>& log, std::chrono::milliseconds window,
                          const std::string& model) {
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& e : log)
    if (model.empty() || e.model == model) at.push_back(e.received);
  std::sort(at.begin(), at.end());
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < at.size(); ++i) {  // [at[i], at[i] + window)
    while (j < at.size() && at[j] < at[i] + window) ++j;
    most = std::max(most, j - i);
  }
  return most;
}

}  // namespace test::fleet
