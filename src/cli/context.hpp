#pragma once
// What every command of the `openrouter` CLI shares: the context it runs in (options, config,
// client, one io_context), the command table entry, one-line errors with the key redacted, and
// option helpers. Private to src/cli.

#include "output.hpp"

#include <openrouter/client.hpp>
#include <openrouter/routing/policy.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/program_options.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter::cli {
namespace po = boost::program_options;
namespace asio = boost::asio;
namespace json = boost::json;
using boost::system::error_code;

inline constexpr std::string_view default_base_url = "https://openrouter.ai/api/v1";

/// A bad command line or configuration: reported on one line, exit code 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The key from the environment (set once at start-up), so that no message we print can carry it.
std::string& api_key_for_redaction();
/// The management key from the environment (OPENROUTER_MANAGEMENT_KEY), redacted the same way.
std::string& management_key_for_redaction();
/// `s` with the API key replaced by "[redacted]" and line breaks by spaces.
std::string redact(std::string s);
/// One line on stderr: "openrouter: MSG", redacted.
void error_line(std::string_view msg);

struct context {
  po::variables_map vm;
  client_config cfg;
  asio::io_context ioc;  // one, run on this thread only
  std::unique_ptr<client> cli;
  diagnostics diag;

  /// Text is on stdout since its last newline (a stream's partial reply): an error line ends
  /// that line first, so that on a terminal (stdout and stderr on one screen) the error never
  /// runs on from the partial text.
  bool stdout_line_open = false;

  bool json_output() const { return vm.count("json") && vm["json"].as<bool>(); }

  /// Ends the open stdout line, if any (see stdout_line_open).
  void end_stdout_line() {
    if (std::exchange(stdout_line_open, false)) std::cout << '\n' << std::flush;
  }

  /// Runs the io_context until done() holds or no work is left. An io_context that ran out of
  /// work (say, between two pulls of a stream, when no operation is pending) is stopped and
  /// must be restarted before it runs anything again.
  template <class Done>
  void drive(Done done) {
    if (ioc.stopped()) ioc.restart();
    while (!done() && ioc.run_one() != 0) {
    }
  }

  /// Starts one operation with `start(client&, diagnostics&, handler)` and runs the io_context
  /// until it completes. On failure prints the one-line summary and returns nullopt.
  template <class T, class Start>
  std::optional<T> call(Start start) {
    std::optional<std::pair<error_code, T>> out;
    start(*cli, diag, [&out](error_code ec, T v) { out.emplace(ec, std::move(v)); });
    drive([&] { return out.has_value(); });
    if (!out) {
      end_stdout_line();
      error_line("internal error: the request did not complete");
      return std::nullopt;
    }
    if (out->first) {
      end_stdout_line();
      error_line(diag.summary(out->first));
      return std::nullopt;
    }
    return std::move(out->second);
  }
};

void print_json(const json::value& v);

template <class T>
void print_json_of(const T& v) {
  print_json(json::value_from(v));
}

/// The whole of `file`; a usage_error "cannot read the WHAT FILE" when it cannot be opened.
std::string read_whole_file(const std::string& file, std::string_view what);
/// "a,b" and repeated flags alike: {"a", "b"}.
std::vector<std::string> list_option(const po::variables_map& vm, const char* name);
/// Numeric options are declared as text (po::value<std::string>) and read through these, so that
/// every number from the command line is parsed strictly (common/numbers.hpp) and range-checked:
/// anything else is a usage_error naming the option, the accepted range and the value given.
/// The integer value of option `name`, in [lo, hi].
std::int64_t integer_option(const po::variables_map& vm, const char* name, std::int64_t lo, std::int64_t hi);
/// The unsigned integer value of option `name` (no sign), at most `hi`.
std::uint64_t unsigned_option(const po::variables_map& vm, const char* name, std::uint64_t hi);
/// The real value of option `name`: finite, in [lo, hi] (above lo when `lo_open`); with
/// `allow_infinity`, +inf too.
double real_option(const po::variables_map& vm, const char* name, double lo, double hi, bool lo_open = false,
                   bool allow_infinity = false);
/// A number of seconds from option `name` (at most 10^7), validated.
std::chrono::milliseconds seconds_option(const po::variables_map& vm, const char* name, bool allow_zero);
/// --policy FILE (JSON, see routing::policy_from_json), with --model and --fallback naming the
/// candidates when given. nullopt when the request is not routed.
std::optional<routing::policy> routing_policy(const po::variables_map& vm);

/// One entry of the command table (commands.cpp lists them).
struct command {
  std::string_view name;
  std::string_view synopsis;  // after "openrouter NAME"
  std::string_view summary;
  std::string_view description;
  bool needs_key;
  void (*options)(po::options_description&, po::options_description& hidden, po::positional_options_description&);
  int (*run)(context&);
};

/// Adds `--json` with the given help text.
void json_option(po::options_description& o, const char* what);

// Commands defined in files of their own (commands.cpp lists them in its table).
extern const command batch_command;
extern const command bench_command;
extern const command embed_command;
extern const command keys_command;
extern const command presets_command;
extern const command spec_check_command;
// rerank, image, speak, transcribe (media_endpoints.cpp)
extern const command rerank_command;
extern const command image_command;
extern const command speak_command;
extern const command transcribe_command;
extern const command serve_command;

}  // namespace openrouter::cli
