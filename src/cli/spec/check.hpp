#pragma once
// `openrouter spec-check`, sans I/O: the wire types we model against an OpenAPI document.
// - FAIL: an operation the client sends is gone; a schema we decode is gone; a member we model
//   has a type our decoder rejects.
// - WARN: a member we model is no longer in the spec (nor on the contract's allow-list); a type
//   the spec also allows that our decoder rejects; a nested schema that is no longer described.
// - INFO: spec members we do not model (new fields); allow-listed members the spec now has.
// - PASS: an operation, or a type with nothing to report but INFO.

#include "openapi.hpp"

#include <string>
#include <vector>

namespace openrouter::cli::spec {

enum class level { pass, info, warn, fail };
std::string_view to_string(level l);

struct finding {
  level lvl;
  std::string subject;  // "POST /chat/completions", "chat_usage", "chat_usage.cost"
  std::string message;
};

std::vector<finding> check_spec(const openapi_document& doc);

struct tally {
  std::size_t pass = 0, info = 0, warn = 0, fail = 0;
};
tally count(const std::vector<finding>& findings);

}  // namespace openrouter::cli::spec
