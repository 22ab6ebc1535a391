#pragma once
// The start of a body that could not be understood, for diagnostics::body_excerpt.

#include <cstddef>
#include <string>
#include <string_view>

namespace openrouter::detail {

/// At most `max_bytes` (512) of `body`: the key redacted first (a key straddling the cut
/// leaves no prefix behind), then cut, never inside a UTF-8 sequence; control characters
/// other than '\n' become spaces.
std::string excerpt(std::string_view body, const std::string& key, std::size_t max_bytes = 512);

}  // namespace openrouter::detail
