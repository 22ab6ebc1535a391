// openrouter keys list|create|get|update|delete: API key management with the management key
// (OPENROUTER_MANAGEMENT_KEY only: the API key is never sent to /keys in its place).
#include "commands.hpp"
#include "context.hpp"

#include <limits>

namespace openrouter::cli {

namespace {

std::string positional(const context& ctx, const char* what) {
  if (!ctx.vm.count("arg")) throw usage_error(std::string("keys ") + ctx.vm["action"].as<std::string>() + " needs " + what);
  return ctx.vm["arg"].as<std::string>();
}

// --limit USD or "none" (PATCH: clear it).
wire::nullable<double> limit_option(const context& ctx) {
  if (ctx.vm["limit"].as<std::string>() == "none") return wire::nullable<double>::null();
  return real_option(ctx.vm, "limit", 0, 1e12);
}

wire::nullable<std::string> reset_option(const context& ctx) {
  std::string r = ctx.vm["limit-reset"].as<std::string>();
  if (r == "none") return wire::nullable<std::string>::null();
  if (r != "daily" && r != "weekly" && r != "monthly")
    throw usage_error("--limit-reset is daily, weekly, monthly or none, got '" + r + "'");
  return r;
}

int list_keys(context& ctx) {
  key_list_query q;
  if (ctx.vm.count("offset")) q.offset = integer_option(ctx.vm, "offset", 0, std::numeric_limits<std::int32_t>::max());
  if (ctx.vm["include-disabled"].as<bool>()) q.include_disabled = true;
  if (ctx.vm.count("workspace")) q.workspace_id = ctx.vm["workspace"].as<std::string>();
  auto l = ctx.call<wire::api_key_list>([&](client& c, diagnostics& d, auto h) { c.async_list_keys(q, d, std::move(h)); });
  if (!l) return exit_failure;
  if (ctx.json_output()) print_json_of(*l);
  else print_api_keys(std::cout, *l);
  return exit_ok;
}

// The secret comes back this once: the command refuses to create a key whose secret it would
// then have to drop, so --show-secret (stdout, nowhere else) is required.
int create_key(context& ctx) {
  wire::api_key_create req;
  req.name = positional(ctx, "a NAME");
  if (!ctx.vm["show-secret"].as<bool>())
    throw usage_error("the new key's secret is returned once: pass --show-secret to have it printed on stdout");
  if (ctx.vm.count("limit")) {
    auto l = limit_option(ctx);
    req.limit = l.value;
  }
  if (ctx.vm.count("limit-reset")) req.limit_reset = reset_option(ctx).value;
  if (ctx.vm.count("expires-at")) req.expires_at = ctx.vm["expires-at"].as<std::string>();
  if (ctx.vm.count("workspace")) req.workspace_id = ctx.vm["workspace"].as<std::string>();
  auto k = ctx.call<wire::created_api_key>(
      [&](client& c, diagnostics& d, auto h) { c.async_create_key(std::move(req), d, std::move(h)); });
  if (!k) return exit_failure;
  if (ctx.json_output()) {
    print_json_of(*k);
  } else {
    print_api_key(std::cout, k->data);
    std::cout << "secret  " << k->key << '\n';
  }
  return exit_ok;
}

int get_key(context& ctx) {
  std::string hash = positional(ctx, "a HASH");
  auto k = ctx.call<wire::api_key>([&](client& c, diagnostics& d, auto h) { c.async_get_key(hash, d, std::move(h)); });
  if (!k) return exit_failure;
  if (ctx.json_output()) print_json_of(*k);
  else print_api_key(std::cout, *k);
  return exit_ok;
}

int update_key(context& ctx) {
  std::string hash = positional(ctx, "a HASH");
  wire::api_key_update up;
  if (ctx.vm.count("name")) up.name = ctx.vm["name"].as<std::string>();
  const bool disable = ctx.vm["disable"].as<bool>(), enable = ctx.vm["enable"].as<bool>();
  if (disable && enable) throw usage_error("--disable and --enable exclude each other");
  if (disable || enable) up.disabled = disable;
  if (ctx.vm.count("limit")) up.limit = limit_option(ctx);
  if (ctx.vm.count("limit-reset")) up.limit_reset = reset_option(ctx);
  if (!up.name && !up.disabled && !up.limit.present && !up.limit_reset.present)
    throw usage_error("keys update needs a change: --name, --disable, --enable, --limit or --limit-reset");
  auto k = ctx.call<wire::api_key>(
      [&](client& c, diagnostics& d, auto h) { c.async_update_key(hash, std::move(up), d, std::move(h)); });
  if (!k) return exit_failure;
  if (ctx.json_output()) print_json_of(*k);
  else print_api_key(std::cout, *k);
  return exit_ok;
}

int delete_key(context& ctx) {
  std::string hash = positional(ctx, "a HASH");
  auto d = ctx.call<wire::api_key_deleted>(
      [&](client& c, diagnostics& dg, auto h) { c.async_delete_key(hash, dg, std::move(h)); });
  if (!d) return exit_failure;
  if (ctx.json_output()) print_json_of(*d);
  else std::cout << "deleted " << hash << '\n';
  return exit_ok;
}

int run_keys(context& ctx) {
  if (ctx.cfg.management_key.empty())
    throw usage_error("OPENROUTER_MANAGEMENT_KEY is not set (keys needs a management key)");
  if (!ctx.vm.count("action")) throw usage_error("keys needs an action: list, create, get, update or delete");
  const std::string action = ctx.vm["action"].as<std::string>();
  if (action == "list") return list_keys(ctx);
  if (action == "create") return create_key(ctx);
  if (action == "get") return get_key(ctx);
  if (action == "update") return update_key(ctx);
  if (action == "delete") return delete_key(ctx);
  throw usage_error("unknown keys action '" + action + "' (list, create, get, update or delete)");
}

}  // namespace

const command keys_command{
    "keys",
    "list [--offset N] [--include-disabled] | create NAME --show-secret [--limit USD] [--limit-reset R] "
    "[--expires-at T] | get HASH | update HASH [--name N] [--disable|--enable] [--limit USD|none] "
    "[--limit-reset R|none] | delete HASH  [--workspace ID] [--json]",
    "Manage API keys (management key)",
    "Lists, creates, shows, changes and deletes the account's API keys (GET/POST /keys,\n"
    "GET/PATCH/DELETE /keys/HASH). Needs OPENROUTER_MANAGEMENT_KEY (never OPENROUTER_API_KEY).\n"
    "A key is named by its HASH (see `keys list`). `create` prints the new key's secret, which\n"
    "the API returns this once, on stdout only, and only with --show-secret (without it nothing\n"
    "is created). --limit-reset is daily, weekly or monthly; `update` takes none for --limit and\n"
    "--limit-reset to clear them.",
    false,
    [](po::options_description& o, po::options_description& hidden, po::positional_options_description& p) {
      o.add_options()
          ("offset", po::value<std::string>()->value_name("N"), "list: keys to skip")
          ("include-disabled", po::bool_switch(), "list: disabled keys too")
          ("workspace", po::value<std::string>()->value_name("ID"), "list, create: the workspace (UUID)")
          ("show-secret", po::bool_switch(), "create: print the new key's secret on stdout (required)")
          ("limit", po::value<std::string>()->value_name("USD"), "create, update: spending limit (update: none clears)")
          ("limit-reset", po::value<std::string>()->value_name("R"), "create, update: daily, weekly, monthly (update: none)")
          ("expires-at", po::value<std::string>()->value_name("T"), "create: ISO 8601 UTC, e.g. 2027-12-31T23:59:59Z")
          ("name", po::value<std::string>()->value_name("N"), "update: new name")
          ("disable", po::bool_switch(), "update: disable the key")
          ("enable", po::bool_switch(), "update: enable the key");
      json_option(o, "print the response as JSON");
      hidden.add_options()("action", po::value<std::string>())("arg", po::value<std::string>());
      p.add("action", 1).add("arg", 1);
    },
    run_keys};

}  // namespace openrouter::cli
