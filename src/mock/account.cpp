#include "account.hpp"

#include "errors.hpp"

#include <boost/json/serialize.hpp>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

// The credits an account of the mock has bought (what GET /key reports as its limit, too).
constexpr double k_total_credits = 100;

http_reply ok_json(const json::value& body) {
  http_reply r;
  r.body = json::serialize(body);
  return r;
}

}  // namespace

http_reply handle_credits(const mock_state& state, std::string_view key) {
  const auto& mk = state.options().management_key;
  if (!mk.empty() && key != mk) return error_reply(403, "Only management keys can fetch credits");
  return ok_json(json::object{
      {"data", json::object{{"total_credits", k_total_credits}, {"total_usage", state.total_cost()}}}});
}

http_reply handle_models_count(const mock_state& state, const boost::urls::url_view& url) {
  query_params q;
  if (auto it = url.params().find("output_modalities"); it != url.params().end())
    q["output_modalities"] = std::string((*it).value);
  std::string error;
  auto body = state.models().list(q, error);
  if (!body) return error_reply(400, error, "invalid_request");
  return ok_json(json::object{{"data", json::object{{"count", body->at("total_count")}}}});
}

}  // namespace openrouter::mock
