#pragma once
// Request dispatch for openrouter-mock: path and method to handler, auth, the read-only
// endpoints (/models, /models/user, endpoints, /providers, /generation, /key). Sans-I/O.

#include "chat.hpp"
#include "reply.hpp"
#include "state.hpp"

#include <string_view>

namespace openrouter::mock {

struct request_view {
  std::string_view method;  ///< "GET", "POST", ...
  std::string_view target;  ///< origin-form, e.g. "/api/v1/models?category=programming"
  const header_map& headers;
  std::string_view body;
};

http_reply handle_request(mock_state& state, const request_view& req);

}  // namespace openrouter::mock
