#pragma once
// Scripted pacing and fault injection for openrouter-mock (sans-I/O).
//
// A scenario is JSON (documented in README.md, "Scenario format"):
//   { "seed": 7, "generation_delay_ms": 500,
//     "connection": { "close_after_requests": 3, "announce_close": false },
//     "defaults": { <pacing>, "faults": [ <fault>, ... ] },
//     "models": { "vendor/model": { <pacing>, "faults": [...] }, "vendor/*": {...} } }
// The same faults are reachable without a file through model names:
//   "fault/503", "fault/http_error;status=429;retry_after=2", "fault/reset;after_tokens=5".

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace openrouter::mock {

/// The ranges every number of a scenario or a fault model name is checked against; a value
/// outside is an error (a 400 for a model name, std::invalid_argument for a scenario).
namespace limits {
inline constexpr double max_delay_s = 3600;         ///< seconds, window_s; ttft/itl/generation delay in ms
inline constexpr double max_retry_after_s = 86400;  ///< retry_after
inline constexpr int max_tokens = 1'000'000;        ///< tokens, after_tokens, comment_every; max_tokens
inline constexpr int max_count = 1'000'000'000;     ///< count, requests, close_after_requests
inline constexpr int max_comments = 10'000;         ///< comments_before
}  // namespace limits

enum class fault_kind {
  http_error,         ///< status with the exact error envelope (403 moderation, 402, 429...)
  wrapped_transient,  ///< a 400 whose metadata wraps a transient upstream error (429/503)
  rate_limit,         ///< 429 + Retry-After beyond `requests` per `window_s` seconds
  error_in_body,      ///< HTTP 200, choices[0].error + finish_reason "error" after partial text
  mid_stream_error,   ///< SSE error chunk (finish_reason "error") after N tokens, then close
  reset,              ///< TCP reset after N tokens (before the body when not streaming)
  stall,              ///< no bytes for `seconds` (before headers, or after N tokens)
  malformed_json,     ///< a data event whose JSON is cut short, after N tokens
  malformed_sse,      ///< a data event broken across lines (bad framing), after N tokens
  no_done,            ///< the stream ends cleanly but without `data: [DONE]` (after N tokens:
                      ///< also without finish and usage chunks)
};

std::string_view to_string(fault_kind k) noexcept;

struct fault {
  fault_kind kind = fault_kind::http_error;
  int status = 0;                     ///< http_error status; error code of in-band errors
  std::optional<double> retry_after;  ///< seconds, sent as Retry-After (and availability)
  int after_tokens = -1;              ///< content tokens delivered before the fault; -1: before any byte
  double seconds = 0;                 ///< stall length
  double rate = 1;                    ///< probability per eligible request
  std::int64_t count = -1;            ///< fires at most this many times (-1: unlimited)
  std::optional<bool> stream;         ///< only streaming (true) / non-streaming (false) requests
  std::string message;                ///< overrides the default error message
  std::string error_type;             ///< overrides metadata.error_type
  bool string_code = false;           ///< in-band error.code as the string "server_error"
  int requests = 0;                   ///< rate_limit: allowed requests per window
  double window_s = 60;               ///< rate_limit: window length
};

struct pacing {
  int ttft_ms = 0;           ///< time to first content token
  int itl_ms = 0;            ///< gap between tokens
  int tokens = 16;           ///< completion length when the request sets no max_tokens
  bool coalesce = true;      ///< without delays, write every event in as few writes as possible
  int comments_before = 2;   ///< ": OPENROUTER PROCESSING" comments before the first chunk
  int comment_every = 8;     ///< and one every N content tokens (0: never)
};

/// A scripted answer: `content` (the text, e.g. a JSON document, possibly invalid on purpose) or
/// `tool_calls` ({name, arguments}; arguments as a JSON text or any JSON value, sent serialized).
struct scripted_reply {
  std::optional<std::string> content;
  std::vector<std::pair<std::string, std::string>> tool_calls;  ///< name, arguments text
};

struct model_rules {
  pacing pace;
  std::vector<fault> faults;
  /// Answers by turn: the request's N-th assistant turn (its count of assistant messages) gets
  /// replies[N], the last one once they run out. Empty: generated answers.
  std::vector<scripted_reply> replies;
  std::string key;  ///< identifies the rule set for per-rule counters
  bool pace_set = false;  ///< a fault model name set pacing keys of its own
};

struct scenario {
  std::optional<std::uint64_t> seed;
  std::optional<int> generation_delay_ms;
  int close_after_requests = 0;  ///< the server closes a keep-alive connection after N responses
  bool announce_close = false;   ///< ...sending `Connection: close` on the last one
  model_rules defaults;
  std::vector<std::pair<std::string, model_rules>> models;  ///< id or "prefix*" patterns

  /// Throws std::invalid_argument naming the offending JSON path.
  static scenario parse(const boost::json::value& v);

  /// Rules for a model id: exact match, else the longest matching "prefix*" pattern, else
  /// the defaults. "fault/..." names add their own fault on top.
  model_rules rules_for(std::string_view model) const;
};

/// Parses a "fault/<kind or status>[;key=value...]" model name ("fault/none;itl_ms=20" and its
/// alias "pace/itl_ms=20;tokens=50": pacing keys only, no fault). Returns nullopt (and sets
/// `error`) when `model` starts with "fault/" or "pace/" but is malformed; an empty optional
/// with an empty `error` when it is not a fault name at all.
std::optional<model_rules> parse_fault_model(std::string_view model, std::string& error);

/// The mutable side of a scenario: random draws and per-rule counters. Thread-safe.
class fault_engine {
 public:
  /// Keeps the counters and windows of at most `max_rules` rules (at least 1), forgetting the
  /// least recently used: every distinct "fault/..." model name is a rule of its own.
  fault_engine(std::uint64_t seed, std::size_t max_rules) : rng_(seed), max_rules_(max_rules ? max_rules : 1) {}

  /// The fault that hits this request, if any. `now` drives rate-limit windows.
  std::optional<fault> draw(const model_rules& rules, bool stream,
                            std::chrono::steady_clock::time_point now);

  void reseed(std::uint64_t seed);

  /// Rules whose state is kept now (at most max_rules).
  std::size_t tracked() const;

 private:
  struct rule_state {
    std::int64_t fired = 0;
    std::chrono::steady_clock::time_point window_start;  ///< rate_limit window
    int window_used = 0;
    std::list<std::string>::iterator lru;
  };
  rule_state& touch(const std::string& id);  // finds or adds, most recently used first

  mutable std::mutex mutex_;
  std::mt19937_64 rng_;
  std::size_t max_rules_;
  std::unordered_map<std::string, rule_state> rules_;
  std::list<std::string> lru_;  ///< rule ids, most recently used first
};

}  // namespace openrouter::mock
