#include "support/cli_mock.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>

namespace test::cli {

mock_cli::mock_cli(openrouter::mock::server_options opts, std::map<std::string, std::string> run_env)
    : server(std::move(opts)), env(std::move(run_env)) {
  BOOST_TEST_REQUIRE(std::filesystem::exists(cli_binary), cli_binary << " is missing: build the openrouter-cli target first");
  ca_file = dir.write("mock-ca.pem", server->ca_pem()).string();
}

result mock_cli::cli(std::vector<std::string> args, const std::map<std::string, std::string>& run_env) {
  std::vector<std::string> full{"--base-url", server->base_url(), "--ca-file", ca_file};
  full.insert(full.end(), args.begin(), args.end());
  return run(cli_binary, dir, full, run_env);
}

}  // namespace test::cli
