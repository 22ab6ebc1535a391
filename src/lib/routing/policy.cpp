#include <openrouter/routing/policy.hpp>

#include <boost/json/value.hpp>

#include <cmath>
#include <limits>

namespace openrouter::routing {
namespace json = boost::json;

namespace {

struct bad_policy {
  std::string what;
};

class reader {
 public:
  reader(const json::object& o, std::string path) : o_(o), path_(std::move(path)) {}

  template <class F>
  void each(F&& f) const {
    for (const auto& kv : o_) f(std::string_view(kv.key()), kv.value(), path_ + "." + std::string(kv.key()));
  }

 private:
  const json::object& o_;
  std::string path_;
};

const json::object& object(const json::value& v, const std::string& path) {
  if (!v.is_object()) throw bad_policy{path + ": expected an object"};
  return v.get_object();
}

double number(const json::value& v, const std::string& path) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double() && std::isfinite(v.get_double())) return v.get_double();
  throw bad_policy{path + ": expected a number"};
}

double non_negative(const json::value& v, const std::string& path) {
  double d = number(v, path);
  if (d < 0) throw bad_policy{path + ": must not be negative"};
  return d;
}

unsigned count(const json::value& v, const std::string& path) {
  double d = non_negative(v, path);
  if (d != std::floor(d) || d > 1e6) throw bad_policy{path + ": expected a whole number up to 1000000"};
  return static_cast<unsigned>(d);
}

std::chrono::milliseconds millis(const json::value& v, const std::string& path) {
  double d = non_negative(v, path);
  if (d > 1e12) throw bad_policy{path + ": too large"};
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(d)));
}

double ratio(const json::value& v, const std::string& path) {
  double d = non_negative(v, path);
  if (d > 1000) throw bad_policy{path + ": too large"};
  return d;
}

bool boolean(const json::value& v, const std::string& path) {
  if (!v.is_bool()) throw bad_policy{path + ": expected true or false"};
  return v.get_bool();
}

std::string string(const json::value& v, const std::string& path) {
  if (!v.is_string()) throw bad_policy{path + ": expected a string"};
  return std::string(v.get_string());
}

[[noreturn]] void unknown(const std::string& path) { throw bad_policy{path + ": unknown key"}; }

verdict verdict_of(const json::value& v, const std::string& path) {
  std::string s = string(v, path);
  if (s == "retry_same") return verdict::retry_same;
  if (s == "next_model") return verdict::next_model;
  if (s == "stop") return verdict::stop;
  throw bad_policy{path + ": expected retry_same, next_model or stop"};
}

// errc names accepted in "overrides": the enumerators' own names.
errc errc_of(std::string_view name, const std::string& path) {
  // Up to the first value without a name, so that enumerators added later are found too.
  for (int i = static_cast<int>(errc::resolve_failed);; ++i) {
    auto e = static_cast<errc>(i);
    std::string_view n = openrouter::name(e);
    if (n == "unknown") break;
    if (n == name) return e;
  }
  throw bad_policy{path + ": not an openrouter::errc name"};
}

}  // namespace

policy policy_from_json(const json::value& v, boost::system::error_code& ec, std::string& what) {
  ec = {};
  what.clear();
  policy p;
  try {
    reader(object(v, "$"), "$").each([&](std::string_view k, const json::value& x, const std::string& path) {
      if (k == "models") {
        if (!x.is_array()) throw bad_policy{path + ": expected an array of model ids"};
        for (const auto& m : x.get_array()) {
          std::string id = string(m, path + "[]");
          if (id.empty()) throw bad_policy{path + ": empty model id"};
          p.models.push_back(std::move(id));
        }
      } else if (k == "server_side_fallback") {
        p.server_side_fallback = boolean(x, path);
      } else if (k == "max_attempts") {
        p.max_attempts = count(x, path);
      } else if (k == "max_attempts_per_model") {
        p.max_attempts_per_model = count(x, path);
      } else if (k == "deadline_ms") {
        p.deadline = millis(x, path);
      } else if (k == "attempt_timeout_ms") {
        p.attempt_timeout = millis(x, path);
      } else if (k == "max_cost_usd") {
        p.max_cost_usd = non_negative(x, path);
      } else if (k == "max_request_cost_usd") {
        p.max_request_cost_usd = non_negative(x, path);
      } else if (k == "filter_by_catalog") {
        p.filter_by_catalog = boolean(x, path);
      } else if (k == "catalog_max_age_ms") {
        p.catalog_max_age = millis(x, path);
      } else if (k == "require_parameters") {
        p.require_parameters = boolean(x, path);
      } else if (k == "limits") {
        reader(object(x, path), path).each([&](std::string_view lk, const json::value& y, const std::string& lp) {
          if (lk == "max_in_flight") p.limits.max_in_flight = count(y, lp);
          else if (lk == "max_in_flight_per_model") p.limits.max_in_flight_per_model = count(y, lp);
          else if (lk == "requests_per_minute") p.limits.requests_per_minute = non_negative(y, lp);
          else if (lk == "burst") p.limits.burst = non_negative(y, lp);
          else if (lk == "adaptive") p.limits.adaptive = boolean(y, lp);
          else if (lk == "poll_ms") p.limits.poll = millis(y, lp);
          else unknown(lp);
        });
      } else if (k == "hedge") {
        reader(object(x, path), path).each([&](std::string_view hk, const json::value& y, const std::string& hp) {
          if (hk == "enabled") p.hedge.enabled = boolean(y, hp);
          else if (hk == "delay_ms") p.hedge.delay = millis(y, hp);
          else if (hk == "quantile") {
            p.hedge.quantile = number(y, hp);
            if (!(p.hedge.quantile > 0 && p.hedge.quantile <= 1)) throw bad_policy{hp + ": expected a number in (0, 1]"};
          } else if (hk == "min_samples") p.hedge.min_samples = count(y, hp);
          else if (hk == "min_delay_ms") p.hedge.min_delay = millis(y, hp);
          else if (hk == "max_delay_ms") p.hedge.max_delay = millis(y, hp);
          else if (hk == "max_hedges") p.hedge.max_hedges = count(y, hp);
          else unknown(hp);
        });
      } else if (k == "backoff") {
        reader(object(x, path), path).each([&](std::string_view bk, const json::value& y, const std::string& bp) {
          if (bk == "initial_ms") p.backoff.initial = millis(y, bp);
          else if (bk == "multiplier") p.backoff.multiplier = ratio(y, bp);
          else if (bk == "max_ms") p.backoff.max = millis(y, bp);
          else if (bk == "retry_after_cap_ms") p.backoff.retry_after_cap = millis(y, bp);
          else if (bk == "fallback_over_ms") p.backoff.fallback_over = millis(y, bp);
          else if (bk == "jitter") {
            std::string j = string(y, bp);
            if (j == "full") p.backoff.jitter = backoff_policy::jitter_kind::full;
            else if (j == "equal") p.backoff.jitter = backoff_policy::jitter_kind::equal;
            else if (j == "none") p.backoff.jitter = backoff_policy::jitter_kind::none;
            else throw bad_policy{bp + ": expected full, equal or none"};
          } else unknown(bp);
        });
      } else if (k == "breaker") {
        reader(object(x, path), path).each([&](std::string_view bk, const json::value& y, const std::string& bp) {
          if (bk == "enabled") p.use_breakers = boolean(y, bp);
          else if (bk == "window_ms") p.breaker.window = millis(y, bp);
          else if (bk == "min_requests") p.breaker.min_requests = count(y, bp);
          else if (bk == "failure_ratio") p.breaker.failure_ratio = ratio(y, bp);
          else if (bk == "open_ms") p.breaker.open_for = millis(y, bp);
          else if (bk == "max_open_ms") p.breaker.max_open_for = millis(y, bp);
          else if (bk == "half_open_probes") p.breaker.half_open_probes = count(y, bp);
          else unknown(bp);
        });
      } else if (k == "retry_budget") {
        reader(object(x, path), path).each([&](std::string_view bk, const json::value& y, const std::string& bp) {
          if (bk == "enabled") p.use_retry_budget = boolean(y, bp);
          else if (bk == "ratio") p.retry_budget.ratio = ratio(y, bp);
          else if (bk == "window_ms") p.retry_budget.window = millis(y, bp);
          else if (bk == "min_retries") p.retry_budget.min_retries = count(y, bp);
          else unknown(bp);
        });
      } else if (k == "overrides") {
        reader(object(x, path), path).each([&](std::string_view ek, const json::value& y, const std::string& op) {
          p.classifier.overrides.emplace_back(errc_of(ek, op), verdict_of(y, op));
        });
      } else {
        unknown(path);
      }
    });
  } catch (const bad_policy& e) {
    ec = make_error_code(errc::invalid_argument);
    what = e.what;
    return policy{};
  }
  return p;
}

}  // namespace openrouter::routing
