#include "commands.hpp"

#include "common/policy_file.hpp"
#include "common/route.hpp"
#include "common/text.hpp"
#include "context.hpp"
#include "output.hpp"

#include <openrouter/catalog.hpp>
#include <openrouter/chat_stream.hpp>
#include <openrouter/client.hpp>
#include <openrouter/router.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/version.hpp>

#include <boost/json/array.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openrouter::cli {

namespace {

// --- commands ----------------------------------------------------------------------------------

int run_models(context& ctx) {
  const auto& vm = ctx.vm;
  catalog_filter f;
  f.free_only = vm["free"].as<bool>();
  f.input_modalities = list_option(vm, "input-modality");
  f.output_modalities = list_option(vm, "output-modality");
  f.parameters = list_option(vm, "param");
  if (vm.count("search")) f.search = vm["search"].as<std::string>();

  // /models lists text-output models unless asked for output_modalities=all; the filter itself
  // runs here (the server's output filter is "any of", ours "all of").
  models_query q;
  if (!f.output_modalities.empty()) {
    q.output_modalities = {"all"};
    std::erase(f.output_modalities, "all");
  }
  auto page = ctx.call<wire::models_page>(
      [&](client& c, diagnostics& d, auto h) { c.async_models(q, d, std::move(h)); });
  if (!page) return exit_failure;
  auto selected = select(*page, f);
  if (ctx.json_output()) {
    json::array arr;
    arr.reserve(selected.size());
    for (const auto* m : selected) arr.push_back(json::value_from(*m));
    print_json(arr);
  } else {
    print_models(std::cout, selected);
  }
  return exit_ok;
}

int run_providers(context& ctx) {
  auto list = ctx.call<wire::provider_list>([](client& c, diagnostics& d, auto h) { c.async_providers(d, std::move(h)); });
  if (!list) return exit_failure;
  if (ctx.json_output()) print_json(json::value_from(list->data));
  else print_providers(std::cout, *list);
  return exit_ok;
}

int run_endpoints(context& ctx) {
  if (!ctx.vm.count("model")) throw usage_error("endpoints needs a model id (AUTHOR/SLUG)");
  std::string id = ctx.vm["model"].as<std::string>();
  auto slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size())
    throw usage_error("expected a model id of the form AUTHOR/SLUG, got '" + id + "'");
  auto eps = ctx.call<wire::model_endpoints>(
      [&](client& c, diagnostics& d, auto h) { c.async_model_endpoints(id, d, std::move(h)); });
  if (!eps) return exit_failure;
  if (ctx.json_output()) print_json_of(*eps);
  else print_endpoints(std::cout, *eps);
  return exit_ok;
}

int run_generation(context& ctx) {
  if (!ctx.vm.count("id")) throw usage_error("generation needs a generation id (gen-...)");
  std::string id = ctx.vm["id"].as<std::string>();
  std::optional<wire::generation> g;
  if (ctx.vm.count("wait")) {
    generation_poll poll;
    poll.max_wait = seconds_option(ctx.vm, "wait", true);
    std::optional<std::pair<error_code, wire::generation>> out;
    ctx.cli->async_wait_generation(id, poll, ctx.diag,
                                   [&out](error_code ec, wire::generation v) { out.emplace(ec, std::move(v)); });
    ctx.drive([&] { return out.has_value(); });
    if (!out) {
      error_line("internal error: the request did not complete");
      return exit_failure;
    }
    if (out->first == make_error_code(errc::generation_pending)) {
      error_line("generation " + id + " is not available yet (still 404 after " +
                 decimal(std::chrono::duration<double>(poll.max_wait).count()) + "s)");
      return exit_failure;
    }
    if (out->first) {
      error_line(ctx.diag.summary(out->first));
      return exit_failure;
    }
    g = std::move(out->second);
  } else {
    g = ctx.call<wire::generation>([&](client& c, diagnostics& d, auto h) { c.async_generation(id, d, std::move(h)); });
    if (!g) return exit_failure;
  }
  if (ctx.json_output()) print_json_of(*g);
  else print_generation(std::cout, *g);
  return exit_ok;
}

int run_key(context& ctx) {
  auto k = ctx.call<wire::key_info>([](client& c, diagnostics& d, auto h) { c.async_key(d, std::move(h)); });
  if (!k) return exit_failure;
  if (ctx.json_output()) print_json_of(*k);
  else print_key(std::cout, *k);
  return exit_ok;
}

// credits and activity need a management key: OPENROUTER_MANAGEMENT_KEY, else OPENROUTER_API_KEY.
void need_management_key(const context& ctx, std::string_view cmd) {
  if (ctx.cfg.management_key.empty() && ctx.cfg.api_key.empty())
    throw usage_error("neither OPENROUTER_MANAGEMENT_KEY nor OPENROUTER_API_KEY is set (" + std::string(cmd) +
                      " needs a management key)");
}

int run_credits(context& ctx) {
  need_management_key(ctx, "credits");
  auto c = ctx.call<wire::credits>([](client& cl, diagnostics& d, auto h) { cl.async_credits(d, std::move(h)); });
  if (!c) return exit_failure;
  if (ctx.json_output()) print_json_of(*c);
  else print_credits(std::cout, *c);
  return exit_ok;
}

int run_activity(context& ctx) {
  need_management_key(ctx, "activity");
  activity_query q;
  if (ctx.vm.count("date")) q.date = ctx.vm["date"].as<std::string>();
  auto a = ctx.call<wire::activity>([&](client& cl, diagnostics& d, auto h) { cl.async_activity(q, d, std::move(h)); });
  if (!a) return exit_failure;
  if (ctx.json_output()) print_json_of(*a);
  else print_activity(std::cout, *a);
  return exit_ok;
}

// chat --stream: content is printed (and flushed) as each chunk arrives; a stream that fails or
// ends incomplete prints its one error line after the partial text and exits 1.
template <class Stream>
int print_stream(context& ctx, Stream& stream) {
  bool json = ctx.json_output();
  while (true) {
    // The error line of a failure goes after a newline ending the partial text (ctx.call).
    auto chunk = ctx.call<std::optional<wire::chat_chunk>>(
        [&](client&, diagnostics&, auto h) { stream.async_next(std::move(h)); });
    if (!chunk || !*chunk) {
      ctx.end_stdout_line();
      if (!chunk) return exit_failure;
      break;
    }
    if (json) continue;
    for (const auto& c : (*chunk)->choices) {
      if (c.index != 0 || !c.delta.content || c.delta.content->empty()) continue;
      std::cout << *c.delta.content << std::flush;
      ctx.stdout_line_open = c.delta.content->back() != '\n';
    }
  }
  if (json) print_json_of(stream.result());
  return exit_ok;
}

int stream_chat(context& ctx, wire::chat_request req) {
  auto stream = ctx.call<openrouter::chat_stream>(
      [&](client& c, diagnostics& d, auto h) { c.async_chat_stream(std::move(req), d, std::move(h)); });
  if (!stream) return exit_failure;
  return print_stream(ctx, *stream);
}

// One line on stderr when the answer took more than one attempt: what happened on the way.
void print_route(const request_record& r) {
  if (r.attempts.size() < 2) return;
  error_line("routed: " + route::to_line(r));
}

// A non-streamed answer: the whole response as JSON, or its text on one line or more.
void print_reply(const context& ctx, const wire::chat_response& res) {
  if (ctx.json_output()) {
    print_json_of(res);
    return;
  }
  std::string text = res.text();
  std::cout << text;
  if (text.empty() || text.back() != '\n') std::cout << '\n';
}

int routed_chat(context& ctx, wire::chat_request req, routing::policy p, bool stream) {
  std::optional<request_record> record;
  router r(*ctx.cli, std::move(p), router_hooks{{}, [&](const request_record& rec) { record = rec; }});
  if (stream) {  // failover happens before the first content chunk; then it is one stream
    auto s = ctx.call<routed_stream>(
        [&](client&, diagnostics& d, auto h) { r.async_chat_stream(std::move(req), d, std::move(h)); });
    if (record) print_route(*record);
    if (!s) return exit_failure;
    return print_stream(ctx, *s);
  }
  auto res = ctx.call<wire::chat_response>(
      [&](client&, diagnostics& d, auto h) { r.async_chat(std::move(req), d, std::move(h)); });
  if (record) print_route(*record);
  if (!res) return exit_failure;
  print_reply(ctx, *res);
  return exit_ok;
}

int run_chat(context& ctx) {
  const auto& vm = ctx.vm;
  std::optional<routing::policy> policy = routing_policy(vm);
  if (!vm.count("model") && !(policy && !policy->models.empty()))
    throw usage_error("chat needs --model (e.g. --model openai/gpt-4o-mini), or a --policy with models");
  std::string prompt;
  if (vm.count("prompt")) {
    for (const auto& part : vm["prompt"].as<std::vector<std::string>>()) prompt += (prompt.empty() ? "" : " ") + part;
  } else if (!::isatty(STDIN_FILENO)) {
    prompt.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == '\r')) prompt.pop_back();
  }
  if (prompt.empty()) throw usage_error("chat needs a prompt (an argument, or on standard input)");

  wire::chat_request req;
  if (vm.count("model")) req.model = vm["model"].as<std::string>();
  if (vm.count("system")) req.messages.push_back(wire::message::system(vm["system"].as<std::string>()));
  req.messages.push_back(wire::message::user(std::move(prompt)));
  if (vm.count("max-tokens")) req.max_tokens = integer_option(vm, "max-tokens", 1, std::numeric_limits<std::int32_t>::max());
  if (vm.count("temperature")) req.temperature = real_option(vm, "temperature", 0, 2);
  const bool stream = vm.count("stream") && vm["stream"].as<bool>();
  if (policy) return routed_chat(ctx, std::move(req), std::move(*policy), stream);
  if (stream) return stream_chat(ctx, std::move(req));
  auto res = ctx.call<wire::chat_response>(
      [&](client& c, diagnostics& d, auto h) { c.async_chat(std::move(req), d, std::move(h)); });
  if (!res) return exit_failure;
  print_reply(ctx, *res);
  return exit_ok;
}

// policy --example: the commented example policy; policy --check FILE: whether FILE loads.
int run_policy(context& ctx) {
  const auto& vm = ctx.vm;
  const bool ex = vm["example"].as<bool>();
  if (ex == (vm.count("check") > 0)) throw usage_error("policy needs --example or --check FILE (one of them)");
  if (ex) {
    std::cout << policy_file::example() << std::flush;
    if (!std::cout) {
      error_line("cannot write the example to standard output");
      return exit_failure;
    }
    return exit_ok;
  }
  const std::string file = vm["check"].as<std::string>();
  std::string what;
  policy_file::load(read_whole_file(file, "policy file"), what);
  if (!what.empty()) {
    error_line("policy file " + file + ": " + what);
    return exit_failure;
  }
  std::cout << file << ": ok\n";
  return exit_ok;
}

const command policy_command{
    "policy", "--example | --check FILE", "Print an example routing policy, or check a policy file",
    "--example prints a commented routing policy (the file of `chat --policy` and `batch --policy`)\n"
    "naming every key the loader accepts, each at its default: save it, delete what you do not\n"
    "need, change the rest. Comments (// and /* */) are allowed in policy files. --check FILE\n"
    "loads FILE as `--policy` would and reports the first bad key or value (exit 1).",
    false,
    [](po::options_description& o, po::options_description&, po::positional_options_description&) {
      o.add_options()
          ("example", po::bool_switch(), "print the commented example policy")
          ("check", po::value<std::string>()->value_name("FILE"), "load FILE as --policy would");
    },
    run_policy};

// --- the command table -------------------------------------------------------------------------

const std::array<command, 8> chat_and_lookups{{
    {"models", "[--free] [--input-modality M]... [--output-modality M]... [--param P]... [--search TEXT] [--json]",
     "List catalog models, filtered",
     "Lists the models of GET /models that meet every filter: id, context length, prompt and\n"
     "completion prices in USD per million tokens, modalities. Without --output-modality the API\n"
     "lists text-output models; with it, the whole catalog is filtered (--output-modality all: no\n"
     "output filter). Lists may repeat the flag or separate values with commas.",
     false,
     [](po::options_description& o, po::options_description&, po::positional_options_description&) {
       o.add_options()
           ("free", po::bool_switch(), "only free models (every price absent or \"0\")")
           ("input-modality", po::value<std::vector<std::string>>()->composing()->value_name("M"),
            "required input modality (text, image, file, audio, video)")
           ("output-modality", po::value<std::vector<std::string>>()->composing()->value_name("M"),
            "required output modality (text, image, audio, embeddings; all)")
           ("param", po::value<std::vector<std::string>>()->composing()->value_name("P"),
            "required supported parameter (tools, response_format, reasoning, ...)")
           ("search", po::value<std::string>()->value_name("TEXT"),
            "case-insensitive text in the id, name or description");
       json_option(o, "print the selected models as a JSON array");
     },
     run_models},
    {"providers", "[--json]", "List providers", "Lists the providers of GET /providers.", false,
     [](po::options_description& o, po::options_description&, po::positional_options_description&) {
       json_option(o, "print the providers as a JSON array");
     },
     run_providers},
    {"endpoints", "AUTHOR/SLUG [--json]", "List the provider endpoints serving a model",
     "Lists the endpoints of GET /models/AUTHOR/SLUG/endpoints: provider tag (for provider.order),\n"
     "quantization, context, prices per million tokens, uptime and status.",
     false,
     [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
       json_option(o, "print the response as JSON");
       hidden.add_options()("model", po::value<std::string>());
       p.add("model", 1);
     },
     run_endpoints},
    {"generation", "ID [--wait SECONDS] [--json]", "Show the record of a generation",
     "Shows GET /generation?id=ID: model, provider, tokens, cost, latency. Records appear a few\n"
     "seconds after a completion; --wait polls (with backoff) while the record is not there yet.",
     true,
     [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
       o.add_options()("wait", po::value<std::string>()->value_name("SECONDS"),
                       "keep polling up to SECONDS while the record is not written yet");
       json_option(o, "print the record as JSON");
       hidden.add_options()("id", po::value<std::string>());
       p.add("id", 1);
     },
     run_generation},
    {"key", "[--json]", "Show the API key's limits and usage", "Shows GET /key for OPENROUTER_API_KEY.", true,
     [](po::options_description& o, po::options_description&, po::positional_options_description&) {
       json_option(o, "print the key information as JSON");
     },
     run_key},
    {"credits", "[--json]", "Show the credits bought and used",
     "Shows GET /credits: total credits, total usage and what remains (USD). Needs a management\n"
     "key: OPENROUTER_MANAGEMENT_KEY, else OPENROUTER_API_KEY (which the API then refuses with 403\n"
     "unless it is one).",
     false,
     [](po::options_description& o, po::options_description&, po::positional_options_description&) {
       json_option(o, "print the response's data as JSON");
     },
     run_credits},
    {"activity", "[--date YYYY-MM-DD] [--json]", "Show usage per day, model and provider",
     "Shows GET /activity: requests, tokens and cost per UTC day, model and provider endpoint over\n"
     "the last 30 days (--date: one day), then the totals. Needs a management key, as `credits`.",
     false,
     [](po::options_description& o, po::options_description&, po::positional_options_description&) {
       o.add_options()("date", po::value<std::string>()->value_name("YYYY-MM-DD"), "one UTC day of the last 30");
       json_option(o, "print the response as JSON");
     },
     run_activity},
    {"chat", "--model M [--fallback M2,M3] [--policy FILE] [--system TEXT] [--max-tokens N] [--temperature T] [--stream] [--json] PROMPT...",
     "Send a prompt, print the reply",
     "Sends one chat completion and prints the assistant's text; with --stream the text is printed\n"
     "as it arrives, and a stream that fails or ends early prints its error after the partial text\n"
     "and exits 1. Words of PROMPT are joined by spaces; without PROMPT, standard input is the prompt.\n"
     "With --fallback or --policy the request is routed: transient failures are retried with\n"
     "backoff, then the next model is tried, under one deadline; a line on stderr shows the route\n"
     "when it took more than one attempt (each attempt, the step after it and its waits).\n"
     "`openrouter policy --example` prints a commented policy file with every key.",
     true,
     [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
       o.add_options()
           ("model", po::value<std::string>()->value_name("M"), "model id, e.g. openai/gpt-4o-mini (required)")
           ("system", po::value<std::string>()->value_name("TEXT"), "system prompt")
           ("max-tokens", po::value<std::string>()->value_name("N"), "upper bound on generated tokens")
           ("temperature", po::value<std::string>()->value_name("T"), "sampling temperature (0 to 2)")
           ("stream", po::bool_switch(), "print the reply as it arrives (server-sent events)")
           ("fallback", po::value<std::vector<std::string>>()->composing()->value_name("M2,M3"),
            "models to fall back to, in order, after --model")
           ("policy", po::value<std::string>()->value_name("FILE"),
            "routing policy file (JSON; every key: `openrouter policy --example`)");
       json_option(o, "print the whole response as JSON (with --stream: the accumulated response)");
       hidden.add_options()("prompt", po::value<std::vector<std::string>>());
       p.add("prompt", -1);
     },
     run_chat},
}};

// Every command, in the order `openrouter --help` lists them. Commands defined in files of
// their own are declared in context.hpp.
const std::vector<const command*>& commands() {
  static const std::vector<const command*> all = [] {
    std::vector<const command*> v;
    for (const auto& c : chat_and_lookups) v.push_back(&c);
    v.push_back(&embed_command);
    v.push_back(&keys_command);
    v.push_back(&presets_command);
    for (const command* c : {&rerank_command, &image_command, &speak_command, &transcribe_command}) v.push_back(c);
    v.push_back(&batch_command);
    v.push_back(&policy_command);
    v.push_back(&bench_command);
    v.push_back(&spec_check_command);
    v.push_back(&serve_command);
    return v;
  }();
  return all;
}

const command* find_command(std::string_view name) {
  for (const auto* c : commands())
    if (c->name == name) return c;
  return nullptr;
}

// Common options take a value: the pre-scan must skip it when looking for the command.
constexpr std::array<std::string_view, 7> common_with_value{"--base-url", "--ca-file", "--timeout", "--app-name",
                                                            "--site-url", "--proxy",    "--http"};

po::options_description common_options() {
  po::options_description o("Common options");
  o.add_options()
      ("help,h", "show help")
      ("base-url", po::value<std::string>()->value_name("URL"),
       "API base URL (default: $OPENROUTER_BASE_URL, else https://openrouter.ai/api/v1)")
      ("ca-file", po::value<std::string>()->value_name("PEM"),
       "also trust this CA certificate (e.g. openrouter-mock's; default: $OPENROUTER_CA_FILE)")
      ("timeout", po::value<std::string>()->value_name("SECONDS"), "overall deadline of each request")
      ("app-name", po::value<std::string>()->value_name("NAME"),
       "app attribution title (X-OpenRouter-Title; default: $OPENROUTER_APP_NAME)")
      ("site-url", po::value<std::string>()->value_name("URL"),
       "app attribution URL (HTTP-Referer; default: $OPENROUTER_SITE_URL)")
      ("proxy", po::value<std::string>()->value_name("URL"),
       "HTTPS proxy, http://[user:password@]host[:port] (default: $https_proxy / $HTTPS_PROXY, which "
       "loopback hosts and $NO_PROXY bypass); only https:// base URLs use it")
      ("no-proxy", "connect directly, whatever --proxy and the environment say")
      ("http", po::value<std::string>()->value_name("VERSION"),
       "auto (default: HTTP/2 when an https:// server offers it, else HTTP/1.1), 1.1, or 2 (also h2c, "
       "HTTP/2 without TLS, for http:// base URLs)")
      ("allow-plaintext-key",
       "send the API key even over plain http:// to a host that is not loopback (refused by default)");
  return o;
}

void top_help(std::ostream& os) {
  os << "Usage: openrouter COMMAND [OPTIONS] [ARGS]\n\n"
        "A command-line client for the OpenRouter API.\n\n"
        "Commands:\n";
  for (const auto* c : commands()) {
    std::string name(c->name);
    os << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') << c->summary << '\n';
  }
  os << '\n' << common_options() << '\n';
  os << "Environment:\n"
        "  OPENROUTER_API_KEY   the API key (needed by chat, embed, generation and key). It is read\n"
        "                       from the environment only: flags would leak into process listings\n"
        "                       and shell history.\n"
        "  OPENROUTER_MANAGEMENT_KEY\n"
        "                       the management key of credits and activity (else OPENROUTER_API_KEY)\n"
        "                       and of keys (required there)\n"
        "  OPENROUTER_BASE_URL, OPENROUTER_CA_FILE, OPENROUTER_APP_NAME, OPENROUTER_SITE_URL\n"
        "                       defaults of the matching flags\n\n"
        "Exit status: 0 on success, 1 when a request fails, 2 for usage or configuration errors.\n"
        "Run 'openrouter COMMAND --help' for the options of a command.\n";
}

void command_help(std::ostream& os, const command& c, const po::options_description& own) {
  os << "Usage: openrouter " << c.name << ' ' << c.synopsis << "\n\n" << c.description << "\n\n";
  if (!own.options().empty()) os << own << '\n';
  os << common_options();
}

client_config make_config(const po::variables_map& vm) {
  client_config cfg = client_config::from_env();  // key, base URL, attribution, CA file
  if (vm.count("base-url")) cfg.base_url = vm["base-url"].as<std::string>();
  if (cfg.base_url.empty()) cfg.base_url = default_base_url;
  if (vm.count("ca-file")) cfg.tls.ca_file = vm["ca-file"].as<std::string>();
  if (vm.count("app-name")) cfg.app_name = vm["app-name"].as<std::string>();
  if (vm.count("site-url")) cfg.site_url = vm["site-url"].as<std::string>();
  if (vm.count("timeout")) cfg.timeout.total = seconds_option(vm, "timeout", false);
  if (vm.count("allow-plaintext-key")) cfg.allow_plaintext_key = true;
  if (vm.count("proxy")) cfg.proxy.url = vm["proxy"].as<std::string>();
  if (vm.count("no-proxy")) cfg.proxy.disabled = true;
  if (vm.count("http")) {
    const std::string v = vm["http"].as<std::string>();
    if (v == "auto") cfg.http_version = openrouter::http_version::automatic;
    else if (v == "1.1" || v == "1") cfg.http_version = openrouter::http_version::http1;
    else if (v == "2") cfg.http_version = openrouter::http_version::http2;
    else throw usage_error("--http takes auto, 1.1 or 2, not '" + v + "'");
  }
  cfg.user_agent = "openrouter-cli/" + std::to_string(version_major) + "." + std::to_string(version_minor) + "." +
                   std::to_string(version_patch) + " " + std::string(user_agent());
  return cfg;
}

/// The command is the first word that is neither an option nor a common option's value, so
/// common options may come before it too.
std::optional<std::size_t> command_position(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (std::find(common_with_value.begin(), common_with_value.end(), a) != common_with_value.end()) {
      ++i;
      continue;
    }
    if (!a.starts_with("-")) return i;
  }
  return std::nullopt;
}

int run_command(const command& cmd, std::vector<std::string> args) {
  po::options_description own("Options");
  po::options_description hidden;
  po::positional_options_description positional;
  cmd.options(own, hidden, positional);
  po::options_description all;
  all.add(own).add(common_options()).add(hidden);

  context ctx;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), ctx.vm);
    po::notify(ctx.vm);
  } catch (const po::error& e) {
    throw usage_error(std::string(e.what()) + " (see 'openrouter " + std::string(cmd.name) + " --help')");
  }
  if (ctx.vm.count("help")) {
    command_help(std::cout, cmd, own);
    return exit_ok;
  }
  ctx.cfg = make_config(ctx.vm);
  if (cmd.needs_key && ctx.cfg.api_key.empty())
    throw usage_error("OPENROUTER_API_KEY is not set (" + std::string(cmd.name) + " needs an API key)");
  try {
    ctx.cli = std::make_unique<client>(ctx.ioc.get_executor(), ctx.cfg);
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());  // unusable base URL, unreadable or invalid CA file, ...
  }
  return cmd.run(ctx);
}

}  // namespace

namespace {

/// While it lives, what is printed on std::cout goes through a terminal filter when standard
/// output is a terminal: model text (and any other server text) cannot send it escape
/// sequences. Elsewhere (a file, a pipe) the bytes pass unchanged.
class terminal_guard {
 public:
  terminal_guard() {
    if (::isatty(STDOUT_FILENO) != 1) return;
    filter_ = std::make_unique<text::terminal_streambuf>(std::cout.rdbuf());
    saved_ = std::cout.rdbuf(filter_.get());
  }
  ~terminal_guard() {
    if (!filter_) return;
    std::cout.flush();
    std::cout.rdbuf(saved_);
    filter_.reset();  // writes what it held back
  }
  terminal_guard(const terminal_guard&) = delete;
  terminal_guard& operator=(const terminal_guard&) = delete;

 private:
  std::unique_ptr<text::terminal_streambuf> filter_;
  std::streambuf* saved_ = nullptr;
};

}  // namespace

int run(int argc, char** argv) {
  if (const char* k = std::getenv("OPENROUTER_API_KEY")) api_key_for_redaction() = k;
  if (const char* k = std::getenv("OPENROUTER_MANAGEMENT_KEY")) management_key_for_redaction() = k;
  terminal_guard guard;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    // `serve --key FILE` names the TLS private key's file (serve.cpp refuses a value that looks
    // like an API key); every other --key* or --api-key* flag is refused.
    const std::optional<std::size_t> word = command_position(args);
    const bool serving = word && args[*word] == "serve";
    for (const auto& a : args) {
      if (a == "--") break;
      const bool tls_key = serving && (a == "--key" || a.starts_with("--key="));
      if (a.starts_with("--api-key") || (a.starts_with("--key") && !tls_key))
        throw usage_error("the API key is read from OPENROUTER_API_KEY only, never from a flag");
    }
    std::optional<std::size_t> at = command_position(args);
    if (!at) {
      bool help = std::any_of(args.begin(), args.end(), [](const auto& a) { return a == "--help" || a == "-h"; });
      bool version = std::any_of(args.begin(), args.end(), [](const auto& a) { return a == "--version"; });
      if (help) {
        top_help(std::cout);
        return exit_ok;
      }
      if (version) {
        std::cout << "openrouter " << version_major << '.' << version_minor << '.' << version_patch << " ("
                  << user_agent() << ")\n";
        return exit_ok;
      }
      if (args.empty()) {
        top_help(std::cerr);
        return exit_usage;
      }
      throw usage_error("missing command (see 'openrouter --help')");
    }
    std::string name = args[*at];
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(*at));
    if (name == "help") {  // "help COMMAND" is "COMMAND --help"
      auto topic = command_position(args);
      if (!topic) {
        top_help(std::cout);
        return exit_ok;
      }
      name = args[*topic];
      args = {"--help"};
    }
    const command* cmd = find_command(name);
    if (!cmd) throw usage_error("unknown command '" + name + "' (see 'openrouter --help')");
    return run_command(*cmd, std::move(args));
  } catch (const usage_error& e) {
    error_line(e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    error_line(std::string("internal error: ") + e.what());
    return exit_failure;
  }
}

}  // namespace openrouter::cli
