#include "common/route.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cmath>

namespace openrouter::cli::route {

namespace json = boost::json;

namespace {

std::int64_t ms(std::chrono::steady_clock::duration d) {
  return std::llround(std::chrono::duration<double, std::milli>(d).count());
}

json::array waits_json(const std::vector<routing::wait_record>& ws) {
  json::array a;
  for (const auto& w : ws) {
    json::object o;
    o["kind"] = routing::to_string(w.why);
    o["model"] = w.model;
    o["ms"] = ms(w.waited());
    a.push_back(std::move(o));
  }
  return a;
}

std::string waits_text(const std::vector<routing::wait_record>& ws) {
  std::string s;
  for (const auto& w : ws) {
    s += s.empty() ? "" : ", ";
    s += std::string(routing::to_string(w.why)) + " " + std::to_string(ms(w.waited())) + "ms";
  }
  return s;
}

}  // namespace

json::array to_json(const request_record& r) {
  json::array out;
  if (!r.initial_waits.empty()) {
    json::object o;
    o["waits"] = waits_json(r.initial_waits);
    out.push_back(std::move(o));
  }
  for (const auto& a : r.attempts) {
    json::object o;
    o["model"] = a.model;
    if (a.ec) {
      if (a.http_status) o["status"] = a.http_status;
      o["class"] = routing::to_string(a.cls);
      o["code"] = a.ec.message();
    }
    if (a.ended != routing::time_point{}) o["ms"] = ms(a.ended - a.started);
    if (a.hedge) o["hedge"] = true;
    o["then"] = routing::to_string(a.then);
    if (a.then == routing::next_step::retry || a.then == routing::next_step::fall_back) o["then_model"] = a.then_model;
    if (a.then == routing::next_step::give_up) o["reason"] = a.then_reason;
    if (!a.waits.empty()) o["waits"] = waits_json(a.waits);
    out.push_back(std::move(o));
  }
  return out;
}

std::string to_line(const request_record& r) {
  std::string line;
  if (!r.initial_waits.empty()) line += "waited " + waits_text(r.initial_waits) + " ->";
  for (const auto& a : r.attempts) {
    if (!line.empty()) line += " ";
    line += a.model + " (";
    if (!a.ec) line += "ok";
    else line += (a.http_status ? std::to_string(a.http_status) + " " : std::string()) + std::string(routing::to_string(a.cls));
    switch (a.then) {
      case routing::next_step::none: break;
      case routing::next_step::retry: line += "; retry"; break;
      case routing::next_step::fall_back: line += "; fall back"; break;
      case routing::next_step::give_up: line += "; give up: " + a.then_reason; break;
      case routing::next_step::superseded: line += "; superseded"; break;
    }
    if (!a.waits.empty()) line += " after " + waits_text(a.waits);
    line += ")";
    if (&a != &r.attempts.back()) line += " ->";
  }
  return line;
}

}  // namespace openrouter::cli::route
