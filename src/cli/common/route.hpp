#pragma once
// How the CLI shows a routed request's records (openrouter::request_record): the stderr line of
// `chat` ("routed: a (503 overloaded; retry after backoff 100ms) -> a (ok)") and the "route"
// array of `batch --records` lines. Sans-I/O.

#include <openrouter/router.hpp>

#include <boost/json/array.hpp>

#include <string>

namespace openrouter::cli::route {

/// One attempt per element: {"model", "status", "class", "code", "ms", "then", "then_model",
/// "reason", "waits": [{"kind", "model", "ms"}]} (members absent when they do not apply:
/// "status"/"class"/"code" on success, "then_model" unless retry/fall_back, "reason" unless
/// give_up), preceded by {"waits": [...]} when the request waited before its first attempt.
boost::json::array to_json(const request_record& r);

/// "a/b (503 overloaded; retry after backoff 100ms) -> a/b (ok)": every attempt, the step after
/// it and its waits (waits before the first attempt lead: "waited rate_limit 900ms -> ...").
std::string to_line(const request_record& r);

}  // namespace openrouter::cli::route
