#pragma once
// The routing policy file of `--policy FILE`: JSON with // and /* */ comments allowed (and
// trailing commas), read by routing::policy_from_json; and the commented example that
// `openrouter policy --example` prints. Sans-I/O.

#include <openrouter/routing/policy.hpp>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

namespace openrouter::cli::policy_file {

/// Parses a policy file's text (comments and trailing commas allowed): the JSON, or `ec`.
boost::json::value parse(std::string_view text, boost::system::error_code& ec);

/// Reads a policy file's text: the policy, or `what` (not JSON, a bad key or value; empty
/// when all is well). Checks what routing::policy_from_json does, and that max_attempts and
/// max_attempts_per_model are at least 1.
routing::policy load(std::string_view text, std::string& what);

/// A commented example naming every key the loader accepts, each set to its default (models
/// and overrides: an example). tests/unit/cli_policy_file_test checks it against the loader.
std::string_view example();

}  // namespace openrouter::cli::policy_file
