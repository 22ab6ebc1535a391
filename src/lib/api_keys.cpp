// API key management with the management key: GET/POST /keys, GET/PATCH/DELETE /keys/{hash}.
#include "client_impl.hpp"

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::http_request;
using detail::refused;
using detail::result;

namespace {

// Why an operation cannot be sent ("" when it can): no management key (api_key is never sent in
// its place: a user key would go to an admin endpoint, and the API would answer 403 anyway), or
// an empty required argument (`what`).
std::string refusal(const client::impl& im, std::optional<std::string_view> arg, std::string_view what) {
  if (im.transport.config().management_key.empty())
    return "key management needs a management key: client_config::management_key (OPENROUTER_MANAGEMENT_KEY)";
  if (arg && arg->empty()) return std::string(what) + " is empty";
  return {};
}

http_request managed(http::verb method, std::string target, std::string body = {}) {
  return {.method = method, .target = std::move(target), .body = std::move(body), .management = true};
}

std::string key_target(std::string_view hash) { return "/keys/" + detail::encode(hash); }

// POST /keys: the 201 carries the new secret, so a malformed answer's body is not excerpted
// into the diagnostics (call_json would, redacting only the management key).
asio::awaitable<result<wire::created_api_key>> create_key_op(std::shared_ptr<client::impl> im,
                                                             wire::api_key_create req, diagnostics& diag) {
  auto r = co_await detail::call_json<wire::created_api_key>(
      im, managed(http::verb::post, "/keys", wire::serialize(req)), diag,
      [](std::string_view body, wire::created_api_key& out, wire::decode_error& err) {
        wire::parse(body, out, err);
        if (!err && out.key.empty()) err = {make_error_code(wire::decode_errc::expected_string), "key"};
      });
  if (r.first && diag.http_status >= 200 && diag.http_status < 300) {
    diag.body_excerpt.clear();
    r.second.key.clear();
  }
  co_return r;
}

}  // namespace

std::string encode_query(const key_list_query& q) {
  std::string out;
  auto add = [&](std::string_view k, const std::string& v) {
    out += out.empty() ? "?" : "&";
    out += k;
    out += "=";
    out += detail::encode(v);
  };
  if (q.offset) add("offset", std::to_string(*q.offset));
  if (q.include_disabled) add("include_disabled", *q.include_disabled ? "true" : "false");
  if (q.workspace_id) add("workspace_id", *q.workspace_id);
  return out;
}

void client::do_list_keys(key_list_query q, diagnostics& diag, handler<wire::api_key_list> h) {
  std::string why = refusal(*impl_, std::nullopt, "");
  if (why.empty() && q.offset && *q.offset < 0) why = "offset is negative";
  if (refused(std::move(why), diag, h, get_executor())) return;
  detail::launch(impl_,
                 detail::call_json<wire::api_key_list>(impl_, managed(http::verb::get, "/keys" + encode_query(q)), diag,
                                                       detail::parse_body<wire::api_key_list>()),
                 std::move(h));
}

void client::do_create_key(wire::api_key_create req, diagnostics& diag, handler<wire::created_api_key> h) {
  if (refused(refusal(*impl_, req.name, "the key's name"), diag, h, get_executor())) return;
  detail::launch(impl_, create_key_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_get_key(std::string hash, diagnostics& diag, handler<wire::api_key> h) {
  if (refused(refusal(*impl_, hash, "the key's hash"), diag, h, get_executor())) return;
  detail::launch(impl_,
                 detail::call_json<wire::api_key>(impl_, managed(http::verb::get, key_target(hash)), diag,
                                                  detail::parse_data_body<wire::api_key>()),
                 std::move(h));
}

void client::do_update_key(std::pair<std::string, wire::api_key_update> a, diagnostics& diag, handler<wire::api_key> h) {
  if (refused(refusal(*impl_, a.first, "the key's hash"), diag, h, get_executor())) return;
  detail::launch(impl_,
                 detail::call_json<wire::api_key>(impl_, managed(http::verb::patch, key_target(a.first), wire::serialize(a.second)),
                                                  diag, detail::parse_data_body<wire::api_key>()),
                 std::move(h));
}

void client::do_delete_key(std::string hash, diagnostics& diag, handler<wire::api_key_deleted> h) {
  if (refused(refusal(*impl_, hash, "the key's hash"), diag, h, get_executor())) return;
  detail::launch(impl_,
                 detail::call_json<wire::api_key_deleted>(
                     impl_, managed(http::verb::delete_, key_target(hash)), diag,
                     [](std::string_view body, wire::api_key_deleted& out, wire::decode_error& err) {
                       wire::parse(body, out, err);
                       // The spec's const: anything but true did not delete the key.
                       if (!err && !out.deleted) err = {make_error_code(wire::decode_errc::expected_bool), "deleted"};
                     }),
                 std::move(h));
}

}  // namespace openrouter
