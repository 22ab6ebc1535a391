#pragma once
// The `openrouter` command line: argument parsing, the commands, and their exit codes.

namespace openrouter::cli {

enum exit_code : int {
  exit_ok = 0,
  exit_failure = 1,  ///< the request failed (HTTP error, transport, TLS, ...)
  exit_usage = 2,    ///< bad command line or configuration; no request was made
  /// batch: this run failed nothing, but the output still holds error lines of earlier runs
  /// (rerun with --retry-errors to send those ids again)
  exit_earlier_errors = 3,
};

/// Runs the command line; returns the process exit code. Output goes to stdout, errors (one
/// line each, prefixed "openrouter: ") to stderr. Never prints the API key.
int run(int argc, char** argv);

}  // namespace openrouter::cli
