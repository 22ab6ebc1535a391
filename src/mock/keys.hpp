#pragma once
// API key management of openrouter-mock: GET/POST /keys, GET/PATCH/DELETE /keys/{hash}, over
// an in-memory store per server. Only the management key (server_options::management_key) may
// call them: routes.cpp answers 401 for a missing or unknown key and 403 for any other key
// before it dispatches here. Sans-I/O, like routes.cpp.

#include "reply.hpp"

#include <boost/json/object.hpp>
#include <boost/url/url_view.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::mock {

class key_store {
 public:
  explicit key_store(std::uint64_t seed) : next_(seed) {}

  /// `hash` empty: /keys (GET lists, POST creates), else /keys/{hash} (GET, PATCH, DELETE);
  /// 405 for another method, 400 for a bad body or query, 404 for an unknown hash.
  http_reply handle(std::string_view method, std::string_view hash, const boost::urls::url_view& url,
                    std::string_view body);

 private:
  http_reply list(const boost::urls::url_view& url) const;
  http_reply create(std::string_view body);
  http_reply update(std::string_view hash, std::string_view body);
  boost::json::object* find(std::string_view hash);

  mutable std::mutex mutex_;
  std::vector<boost::json::object> keys_;  // in creation order
  std::uint64_t next_;
};

}  // namespace openrouter::mock
