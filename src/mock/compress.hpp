#pragma once
// gzip for openrouter-mock's JSON responses when the client sends Accept-Encoding: gzip.

#include <string>
#include <string_view>

namespace openrouter::mock {

/// A gzip member of `in` (zlib level 6, like common HTTP servers).
std::string gzip(std::string_view in);

}  // namespace openrouter::mock
