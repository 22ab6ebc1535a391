#include <openrouter/version.hpp>

namespace openrouter {
std::string_view user_agent() noexcept { return "openrouter-cpp/0.1.0"; }
}  // namespace openrouter
