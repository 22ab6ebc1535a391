#include "workload.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string_view>

namespace openrouter::cli::bench {

arrivals::arrivals(double rate, double burstiness, std::uint64_t seed)
    : rate_(rate), rng_(seed), gap_(burstiness > 0 ? burstiness : 1.0, 1.0) {
  if (!(burstiness > 0) || !std::isfinite(burstiness)) throw std::invalid_argument("burstiness must be positive");
  if (!(rate > 0)) throw std::invalid_argument("the request rate must be positive");
}

double arrivals::next_gap() {
  if (std::isinf(rate_)) return 0;
  // shape k, scale 1/(rate k): mean 1/rate, variance 1/(rate^2 k)
  return gap_(rng_) / (rate_ * gap_.alpha());
}

std::vector<double> arrivals::schedule(std::size_t n) {
  std::vector<double> out;
  out.reserve(n);
  double t = 0;
  for (std::size_t i = 0; i < n; ++i) out.push_back(t += next_gap());
  return out;
}

namespace {

constexpr std::array<std::string_view, 32> vocabulary{
    "time",  "river", "stone", "light", "paper", "green",  "house", "music", "cloud", "north", "table",
    "water", "field", "glass", "story", "metal", "winter", "bread", "tower", "plant", "ocean", "signal",
    "road",  "voice", "garden", "engine", "market", "silver", "forest", "window", "number", "bridge"};

std::int64_t draw_len(std::mt19937_64& rng, std::int64_t len, double ratio) {
  auto lo = static_cast<std::int64_t>(std::floor(static_cast<double>(len) * (1 - ratio)));
  auto hi = static_cast<std::int64_t>(std::ceil(static_cast<double>(len) * (1 + ratio)));
  if (lo < 1) lo = 1;
  if (hi < lo) hi = lo;
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

}  // namespace

std::vector<wire::chat_request> synthetic_requests(std::size_t n, const synthetic_options& o) {
  if (o.input_len < 1 || o.output_len < 1) throw std::invalid_argument("lengths must be at least 1");
  if (!(o.range_ratio >= 0 && o.range_ratio < 1)) throw std::invalid_argument("the range ratio must be in [0, 1)");
  std::mt19937_64 rng(o.seed);
  std::uniform_int_distribution<std::size_t> word(0, vocabulary.size() - 1);
  std::vector<wire::chat_request> out(n);
  for (auto& req : out) {
    std::int64_t in = draw_len(rng, o.input_len, o.range_ratio);
    std::int64_t max_out = draw_len(rng, o.output_len, o.range_ratio);
    std::string text;
    text.reserve(static_cast<std::size_t>(in) * 7);
    for (std::int64_t i = 0; i < in; ++i) {
      if (i) text += ' ';
      text += vocabulary[word(rng)];
    }
    req.messages.push_back(wire::message::user(std::move(text)));
    req.max_tokens = max_out;
  }
  return out;
}

std::vector<wire::chat_request> load_prompts(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read the prompts file " + file);
  std::vector<wire::chat_request> out;
  std::size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = file + ":" + std::to_string(line_no) + ": ";
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) throw std::invalid_argument(where + "not a JSON object");
    wire::chat_request req;
    if (auto* p = v.get_object().if_contains("prompt"); p && !v.get_object().contains("messages")) {
      if (!p->is_string() || p->get_string().empty()) throw std::invalid_argument(where + "\"prompt\" must be a non-empty string");
      req.messages.push_back(wire::message::user(std::string(p->get_string())));
    } else {
      wire::decode_error err;
      wire::from_json(v, req, err);
      if (err) throw std::invalid_argument(where + err.message());
      if (req.messages.empty()) throw std::invalid_argument(where + "a chat body needs \"messages\" (or use {\"prompt\": ...})");
    }
    out.push_back(std::move(req));
  }
  if (out.empty()) throw std::invalid_argument("the prompts file " + file + " holds no requests");
  return out;
}

}  // namespace openrouter::cli::bench
