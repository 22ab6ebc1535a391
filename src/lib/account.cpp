// Account and catalog look-ups: GET /credits, /activity (management key), /models/count,
// /model/{author}/{slug}, /endpoints/zdr, /generation/content.
#include "client_impl.hpp"

namespace openrouter {
namespace http = boost::beast::http;
using detail::http_request;

namespace {

http_request get(std::string target) { return {.method = http::verb::get, .target = std::move(target)}; }

// With the management key (client_config::management_key).
http_request get_managed(std::string target) {
  return {.method = http::verb::get, .target = std::move(target), .management = true};
}

}  // namespace

std::string encode_query(const activity_query& q) {
  std::string out;
  auto add = [&](std::string_view k, const std::optional<std::string>& v) {
    if (!v) return;
    out += out.empty() ? "?" : "&";
    out += detail::encode(k);
    out += "=";
    out += detail::encode(*v);
  };
  add("date", q.date);
  add("api_key_hash", q.api_key_hash);
  add("user_id", q.user_id);
  add("group_by", q.group_by);
  add("workspace_id", q.workspace_id);
  return out;
}

void client::do_credits(std::monostate, diagnostics& diag, handler<wire::credits> h) {
  detail::launch(impl_, detail::call_json<wire::credits>(impl_, get_managed("/credits"), diag, detail::parse_data_body<wire::credits>()),
                 std::move(h));
}

void client::do_activity(activity_query q, diagnostics& diag, handler<wire::activity> h) {
  detail::launch(impl_,
                 detail::call_json<wire::activity>(impl_, get_managed("/activity" + encode_query(q)), diag,
                                                   detail::parse_body<wire::activity>()),
                 std::move(h));
}

void client::do_models_count(models_query q, diagnostics& diag, handler<wire::models_count> h) {
  detail::launch(impl_,
                 detail::call_json<wire::models_count>(impl_, get("/models/count" + encode_query(q)), diag,
                                                       detail::parse_data_body<wire::models_count>()),
                 std::move(h));
}

void client::do_model(std::string id, diagnostics& diag, handler<wire::model> h) {
  auto slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size()) {
    diag.clear();
    diag.detail = "expected a model id of the form author/slug";
    detail::complete<wire::model>(std::move(h), get_executor(), make_error_code(errc::invalid_argument), {});
    return;
  }
  std::string target = "/model/" + detail::encode(id.substr(0, slash)) + "/" + detail::encode(id.substr(slash + 1));
  detail::launch(impl_, detail::call_json<wire::model>(impl_, get(std::move(target)), diag, detail::parse_data_body<wire::model>()),
                 std::move(h));
}

void client::do_zdr_endpoints(std::monostate, diagnostics& diag, handler<wire::zdr_endpoints> h) {
  detail::launch(impl_,
                 detail::call_json<wire::zdr_endpoints>(impl_, get("/endpoints/zdr"), diag,
                                                        detail::parse_body<wire::zdr_endpoints>()),
                 std::move(h));
}

void client::do_generation_content(std::string id, diagnostics& diag, handler<wire::generation_content> h) {
  detail::launch(impl_,
                 detail::call_json<wire::generation_content>(impl_, get("/generation/content?id=" + detail::encode(id)), diag,
                                                             detail::parse_data_body<wire::generation_content>()),
                 std::move(h));
}

}  // namespace openrouter
