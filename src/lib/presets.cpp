// Presets: GET /presets, GET /presets/{slug}, POST /presets/{slug}/chat/completions | /messages |
// /responses, GET /presets/{slug}/versions and /versions/{version}. Sent with api_key.
#include "client_impl.hpp"

namespace openrouter {
namespace http = boost::beast::http;
using detail::http_request;
using detail::refused;

namespace {

// Why `slug` cannot name a preset ("" when it can): it is one path segment.
std::string slug_refusal(std::string_view slug) {
  if (slug.empty()) return "the preset's slug is empty";
  if (slug.find('/') != std::string_view::npos) return "the preset's slug has a '/': a slug is one path segment";
  return {};
}

std::string query_refusal(const preset_list_query& q) {
  if (q.offset && *q.offset < 0) return "offset is negative";
  if (q.limit && (*q.limit < 1 || *q.limit > 100)) return "limit is outside 1..100";
  return {};
}

std::string preset_target(std::string_view slug) { return "/presets/" + detail::encode(slug); }

http_request get(std::string target) { return {.method = http::verb::get, .target = std::move(target)}; }

}  // namespace

std::string encode_query(const preset_list_query& q) {
  std::string out;
  auto add = [&](std::string_view k, const std::optional<std::int64_t>& v) {
    if (!v) return;
    out += out.empty() ? "?" : "&";
    out += k;
    out += "=";
    out += std::to_string(*v);
  };
  add("offset", q.offset);
  add("limit", q.limit);
  return out;
}

void client::do_list_presets(preset_list_query q, diagnostics& diag, handler<wire::preset_list> h) {
  if (refused(query_refusal(q), diag, h, get_executor())) return;
  detail::launch(impl_,
                 detail::call_json<wire::preset_list>(impl_, get("/presets" + encode_query(q)), diag,
                                                      detail::parse_body<wire::preset_list>()),
                 std::move(h));
}

void client::do_get_preset(std::string slug, diagnostics& diag, handler<wire::preset> h) {
  if (refused(slug_refusal(slug), diag, h, get_executor())) return;
  detail::launch(impl_,
                 detail::call_json<wire::preset>(impl_, get(preset_target(slug)), diag,
                                                 detail::parse_data_body<wire::preset>()),
                 std::move(h));
}

namespace {

// POST /presets/{slug}/{endpoint} with an inference request body: the preset and its new version.
template <class Request>
void create_preset(const std::shared_ptr<client::impl>& im, const client::executor_type& ex, std::string_view endpoint,
                   std::pair<std::string, Request>& a, diagnostics& diag, client::handler<wire::preset>& h) {
  if (refused(slug_refusal(a.first), diag, h, ex)) return;
  std::string target = preset_target(a.first);
  target += endpoint;
  http_request req{.method = http::verb::post, .target = std::move(target), .body = wire::serialize(a.second)};
  detail::launch(im, detail::call_json<wire::preset>(im, std::move(req), diag, detail::parse_data_body<wire::preset>()),
                 std::move(h));
}

}  // namespace

void client::do_create_preset_from_chat(std::pair<std::string, wire::chat_request> a, diagnostics& diag,
                                        handler<wire::preset> h) {
  create_preset(impl_, get_executor(), "/chat/completions", a, diag, h);
}

void client::do_create_preset_from_messages(std::pair<std::string, wire::messages_request> a, diagnostics& diag,
                                            handler<wire::preset> h) {
  create_preset(impl_, get_executor(), "/messages", a, diag, h);
}

void client::do_create_preset_from_responses(std::pair<std::string, wire::responses_request> a, diagnostics& diag,
                                             handler<wire::preset> h) {
  create_preset(impl_, get_executor(), "/responses", a, diag, h);
}

void client::do_list_preset_versions(std::pair<std::string, preset_list_query> a, diagnostics& diag,
                                     handler<wire::preset_version_list> h) {
  std::string why = slug_refusal(a.first);
  if (why.empty()) why = query_refusal(a.second);
  if (refused(std::move(why), diag, h, get_executor())) return;
  std::string target = preset_target(a.first);
  target += "/versions";
  target += encode_query(a.second);
  detail::launch(impl_,
                 detail::call_json<wire::preset_version_list>(impl_, get(std::move(target)), diag,
                                                              detail::parse_body<wire::preset_version_list>()),
                 std::move(h));
}

void client::do_get_preset_version(std::pair<std::string, std::int64_t> a, diagnostics& diag,
                                   handler<wire::preset_version> h) {
  std::string why = slug_refusal(a.first);
  if (why.empty() && a.second < 1) why = "the preset version is below 1";
  if (refused(std::move(why), diag, h, get_executor())) return;
  std::string target = preset_target(a.first);
  target += "/versions/";
  target += std::to_string(a.second);
  detail::launch(impl_,
                 detail::call_json<wire::preset_version>(impl_, get(std::move(target)), diag,
                                                         detail::parse_data_body<wire::preset_version>()),
                 std::move(h));
}

}  // namespace openrouter
