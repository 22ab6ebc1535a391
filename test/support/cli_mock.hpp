#pragma once
// The built `openrouter` CLI against an in-process openrouter-mock over verified HTTPS, as a user
// runs it: every run gets --base-url and --ca-file, and the keys only through its environment.

#include "support/cli_process.hpp"

#include <openrouter/mock/server.hpp>

#include <map>
#include <string>
#include <vector>

namespace test::cli {

/// The `openrouter` executable of this build.
inline const std::string cli_binary = OPENROUTER_BINARY_DIR "/openrouter";

struct mock_cli {
  /// A mock with `opts`; `env` is the environment of every run that names none.
  mock_cli(openrouter::mock::server_options opts, std::map<std::string, std::string> env);

  result cli(std::vector<std::string> args) { return cli(std::move(args), env); }
  result cli(std::vector<std::string> args, const std::map<std::string, std::string>& run_env);

  temp_dir dir;
  openrouter::mock::background_server server;
  std::string ca_file;
  std::map<std::string, std::string> env;
};

}  // namespace test::cli
