#pragma once
// Library version, and the User-Agent the client sends.
#include <string_view>

namespace openrouter {
inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
inline constexpr int version_patch = 0;
/// "openrouter-cpp/0.1.0"
std::string_view user_agent() noexcept;
}  // namespace openrouter
