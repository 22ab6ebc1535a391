// `openrouter spec-check [FILE]`: the wire types we model against a downloaded OpenRouter
// OpenAPI spec (the checks are in spec/check.hpp). Exit 0 unless something FAILs (--strict:
// or WARNs).
#include "commands.hpp"
#include "context.hpp"
#include "spec/check.hpp"

#include <cstdlib>

namespace openrouter::cli {
namespace {

int run_spec_check(context& ctx) {
  std::string file;
  if (ctx.vm.count("file")) file = ctx.vm["file"].as<std::string>();
  else if (const char* env = std::getenv("OPENROUTER_OPENAPI_SPEC"); env && *env) file = env;
  else throw usage_error("spec-check needs the spec: a FILE argument or $OPENROUTER_OPENAPI_SPEC");
  const bool strict = ctx.vm["strict"].as<bool>();
  const bool quiet = ctx.vm["quiet"].as<bool>();
  std::optional<spec::openapi_document> doc;
  try {
    doc.emplace(spec::openapi_document::load(file));
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  const auto findings = spec::check_spec(*doc);
  for (const auto& f : findings) {
    if (quiet && (f.lvl == spec::level::pass || f.lvl == spec::level::info)) continue;
    std::cout << spec::to_string(f.lvl) << "  " << f.subject << ": " << f.message << '\n';
  }
  const auto t = spec::count(findings);
  const bool failed = t.fail > 0 || (strict && t.warn > 0);
  std::cout << "spec-check: " << t.pass << " PASS, " << t.warn << " WARN, " << t.fail << " FAIL, " << t.info
            << " INFO against " << file << (failed ? " -> failed" : " -> ok") << (strict ? " (strict)" : "") << '\n';
  return failed ? exit_failure : exit_ok;
}

}  // namespace

extern const command spec_check_command{
    "spec-check", "[FILE] [--strict] [--quiet]", "Check our wire types against an OpenAPI spec",
    "Checks the operations the client sends and the JSON members its wire types model against\n"
    "OpenRouter's OpenAPI spec (JSON; FILE, else $OPENROUTER_OPENAPI_SPEC). FAIL: an operation or\n"
    "schema is gone, or a member's type changed to one we cannot decode. WARN: a member we model\n"
    "is no longer in the spec, or the spec also allows a type we reject. INFO: spec members we\n"
    "do not model. Exits 1 when something FAILs (with --strict, WARNs too), else 0.",
    false,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()("strict", po::bool_switch(), "WARN fails too")
                     ("quiet", po::bool_switch(), "print only WARN and FAIL lines and the summary");
      hidden.add_options()("file", po::value<std::string>());
      p.add("file", 1);
    },
    run_spec_check};

}  // namespace openrouter::cli
