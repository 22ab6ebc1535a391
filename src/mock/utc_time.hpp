#pragma once
// The current UTC time as the API's management routes write it: "2026-04-20T10:00:00Z".

#include <ctime>
#include <string>

namespace openrouter::mock {

inline std::string utc_now_seconds() {
  std::time_t secs = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace openrouter::mock
