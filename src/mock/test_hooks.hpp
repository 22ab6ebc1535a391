#pragma once
// White-box seams for openrouter-mock's own tests (test/mock/robustness_test.cpp); not part of
// the public interface. Unset, they cost one atomic load per request.

#include <atomic>
#include <string_view>

namespace openrouter::mock::test_hooks {

/// Called with each request's target before it is handled: tests throw from it to prove that
/// an exception ends only its own connection.
inline std::atomic<void (*)(std::string_view target)> on_request{nullptr};

}  // namespace openrouter::mock::test_hooks
