// openrouter presets list|get|versions|create: the account's presets (GET /presets, GET
// /presets/SLUG[/versions[/N]], POST /presets/SLUG/chat/completions | messages | responses).
// A preset is used by naming it as a model: `openrouter chat --model @preset/SLUG ...`.
#include "commands.hpp"
#include "context.hpp"

#include <limits>

namespace openrouter::cli {

namespace {

std::string slug_argument(const context& ctx) {
  if (!ctx.vm.count("slug")) throw usage_error("presets " + ctx.vm["action"].as<std::string>() + " needs a SLUG");
  return ctx.vm["slug"].as<std::string>();
}

preset_list_query page_options(const context& ctx) {
  preset_list_query q;
  if (ctx.vm.count("offset")) q.offset = integer_option(ctx.vm, "offset", 0, std::numeric_limits<std::int32_t>::max());
  if (ctx.vm.count("limit")) q.limit = integer_option(ctx.vm, "limit", 1, 100);
  return q;
}

// The request body of `create`: --input FILE as the --endpoint's request type.
template <class Request>
Request request_from(const std::string& file, const std::string& text) {
  Request req;
  wire::decode_error err;
  wire::parse(text, req, err);
  if (err) throw usage_error("the input file " + file + " is not a request of its --endpoint: " + err.message());
  return req;
}

template <class T>
int print(const context& ctx, const std::optional<T>& v, void (*text)(std::ostream&, const T&)) {
  if (!v) return exit_failure;
  if (ctx.json_output()) print_json_of(*v);
  else text(std::cout, *v);
  return exit_ok;
}

int create_preset(context& ctx, const std::string& slug) {
  if (!ctx.vm.count("input")) throw usage_error("presets create needs --input FILE (a request body, JSON)");
  const std::string file = ctx.vm["input"].as<std::string>();
  const std::string endpoint = ctx.vm["endpoint"].as<std::string>();
  if (endpoint != "chat" && endpoint != "messages" && endpoint != "responses")
    throw usage_error("--endpoint is chat, messages or responses, got '" + endpoint + "'");
  const std::string text = read_whole_file(file, "input file");
  std::optional<wire::preset> p;
  if (endpoint == "chat") {
    auto req = request_from<wire::chat_request>(file, text);
    p = ctx.call<wire::preset>([&](client& c, diagnostics& d, auto h) {
      c.async_create_preset_from_chat(slug, std::move(req), d, std::move(h));
    });
  } else if (endpoint == "messages") {
    auto req = request_from<wire::messages_request>(file, text);
    p = ctx.call<wire::preset>([&](client& c, diagnostics& d, auto h) {
      c.async_create_preset_from_messages(slug, std::move(req), d, std::move(h));
    });
  } else {
    auto req = request_from<wire::responses_request>(file, text);
    p = ctx.call<wire::preset>([&](client& c, diagnostics& d, auto h) {
      c.async_create_preset_from_responses(slug, std::move(req), d, std::move(h));
    });
  }
  return print(ctx, p, &print_preset);
}

int run_presets(context& ctx) {
  if (!ctx.vm.count("action")) throw usage_error("presets needs an action: list, get, versions or create");
  const std::string action = ctx.vm["action"].as<std::string>();
  if (action == "list") {
    auto q = page_options(ctx);
    return print(ctx, ctx.call<wire::preset_list>([&](client& c, diagnostics& d, auto h) { c.async_list_presets(q, d, std::move(h)); }),
                 &print_presets);
  }
  if (action != "get" && action != "versions" && action != "create")
    throw usage_error("unknown presets action '" + action + "' (list, get, versions or create)");
  const std::string slug = slug_argument(ctx);
  if (action == "create") return create_preset(ctx, slug);
  if (action == "versions") {
    auto q = page_options(ctx);
    return print(ctx, ctx.call<wire::preset_version_list>([&](client& c, diagnostics& d, auto h) {
                   c.async_list_preset_versions(slug, q, d, std::move(h));
                 }),
                 &print_preset_versions);
  }
  if (ctx.vm.count("version")) {
    const std::int64_t n = integer_option(ctx.vm, "version", 1, std::numeric_limits<std::int32_t>::max());
    return print(ctx, ctx.call<wire::preset_version>([&](client& c, diagnostics& d, auto h) {
                   c.async_get_preset_version(slug, n, d, std::move(h));
                 }),
                 &print_preset_version);
  }
  return print(ctx, ctx.call<wire::preset>([&](client& c, diagnostics& d, auto h) { c.async_get_preset(slug, d, std::move(h)); }),
               &print_preset);
}

}  // namespace

const command presets_command{
    "presets",
    "list [--offset N] [--limit N] | get SLUG [--version N] | versions SLUG [--offset N] [--limit N] | "
    "create SLUG --input FILE [--endpoint chat|messages|responses]  [--json]",
    "List, show and create presets",
    "Lists the account's presets (most recently updated first), shows one with its designated\n"
    "version (or, with --version N, one version), lists a preset's versions (oldest first), and\n"
    "creates a preset, or its next version, from a request body: --input FILE holds a chat\n"
    "request (--endpoint chat, the default), a Messages or a Responses request, of which the API\n"
    "keeps the model and parameters, and the system message (`system`, `instructions`) as the\n"
    "system prompt. Use a preset by naming it as the model: --model @preset/SLUG.",
    true,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("offset", po::value<std::string>()->value_name("N"), "list, versions: records to skip")
          ("limit", po::value<std::string>()->value_name("N"), "list, versions: records per page, 1-100")
          ("version", po::value<std::string>()->value_name("N"), "get: this version instead of the designated one")
          ("input", po::value<std::string>()->value_name("FILE"), "create: the request body (JSON)")
          ("endpoint", po::value<std::string>()->default_value("chat")->value_name("E"),
           "create: what --input holds: chat, messages or responses");
      json_option(o, "print the response as JSON");
      hidden.add_options()("action", po::value<std::string>())("slug", po::value<std::string>());
      p.add("action", 1).add("slug", 1);
    },
    run_presets};

}  // namespace openrouter::cli
