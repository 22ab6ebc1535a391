// libFuzzer target for openrouter-mock's scenarios (src/mock/scenario.cpp): the JSON scenario
// file and the "fault/..." model names every client request can carry.
//
// The input is [mode byte][text]. Mode even: the text is a scenario file (JSON); odd: the text
// is a model name. Properties:
// - scenario::parse and parse_fault_model fail only with std::invalid_argument / an error text
//   (nothing else escapes, no undefined behaviour on any number: UBSan);
// - what they accept is within the documented ranges (rate in [0, 1], seconds >= 0, an
//   http_error's status in 400..599, pacing not negative);
// - the rules for a few model names can be looked up and a fault engine draws from them, over a
//   span of simulated time, without undefined behaviour.
#include "fuzz_common.hpp"

#include "../../src/mock/scenario.hpp"

#include <boost/json/parse.hpp>

#include <chrono>
#include <new>
#include <stdexcept>

namespace openrouter::fuzz::scenario {

namespace json = boost::json;
using mock::fault_kind;

inline std::string ranges(const mock::model_rules& r, const std::string& where) {
  const auto& p = r.pace;
  if (p.ttft_ms < 0 || p.itl_ms < 0 || p.tokens < 0 || p.comments_before < 0 || p.comment_every < 0)
    return where + ": negative pacing accepted";
  for (const auto& f : r.faults) {
    if (!(f.rate >= 0 && f.rate <= 1)) return where + ": rate " + std::to_string(f.rate) + " accepted";
    if (!(f.seconds >= 0)) return where + ": seconds " + std::to_string(f.seconds) + " accepted";
    if (f.kind == fault_kind::http_error && (f.status < 400 || f.status > 599))
      return where + ": http_error status " + std::to_string(f.status) + " accepted";
    if (f.kind == fault_kind::rate_limit && (f.requests < 0 || !(f.window_s > 0)))
      return where + ": rate_limit without requests >= 0 and window_s > 0 accepted";
  }
  return {};
}

// Looks up rules and draws faults as the mock does for each request.
inline std::string exercise(const mock::scenario& s, std::string_view extra_model) {
  mock::fault_engine engine(s.seed.value_or(1), 64);
  auto now = std::chrono::steady_clock::time_point{};
  std::string names[] = {std::string(extra_model), "vendor/model", "fault/503", "x"};
  for (const auto& [pattern, rules] : s.models) {
    (void)rules;
    if (names[3].size() < 4096) names[3] = pattern;  // an exact match
  }
  for (const auto& name : names) {
    const mock::model_rules r = s.rules_for(name);
    if (auto d = ranges(r, "rules_for(\"" + printable(name) + "\")"); !d.empty()) return d;
    for (int i = 0; i < 8; ++i) {
      (void)engine.draw(r, i % 2 == 0, now);
      now += std::chrono::milliseconds(700);
    }
  }
  return {};
}

inline std::string check(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return {};
  const std::string_view text = as_text(data + 1, size - 1);
  if (data[0] % 2 == 1) {
    std::string error;
    std::optional<mock::model_rules> r;
    try {
      r = mock::parse_fault_model(text, error);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      return std::string("parse_fault_model threw ") + e.what();
    }
    if (!r) {
      // Fault names: "fault/..." and its pacing-only alias "pace/...".
      const bool fault_name = text.starts_with("fault/") || text.starts_with("pace/");
      if (fault_name && error.empty()) return "a malformed fault name without an error";
      if (!fault_name && !error.empty()) return "an error for a name that is not a fault name";
      return {};
    }
    if (auto d = ranges(*r, "parse_fault_model"); !d.empty()) return d + "\n input: " + printable(text);
    try {
      return exercise(mock::scenario{}, text);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      return std::string("the rules of a fault name threw ") + e.what();
    }
  }
  boost::system::error_code jec;
  const json::value v = json::parse(text, jec);
  if (jec) return {};
  mock::scenario s;
  try {
    s = mock::scenario::parse(v);
  } catch (const std::invalid_argument&) {
    return {};
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return std::string("scenario::parse threw ") + e.what();
  }
  if (auto d = ranges(s.defaults, "defaults"); !d.empty()) return d + "\n input: " + printable(text);
  for (const auto& [pattern, rules] : s.models)
    if (auto d = ranges(rules, "models[\"" + printable(pattern) + "\"]"); !d.empty()) return d + "\n input: " + printable(text);
  try {
    return exercise(s, "fault/429;retry_after=2");
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return std::string("a parsed scenario's rules threw ") + e.what();
  }
}

}  // namespace openrouter::fuzz::scenario

OPENROUTER_FUZZ_TARGET("scenario_fuzz", openrouter::fuzz::scenario::check)
