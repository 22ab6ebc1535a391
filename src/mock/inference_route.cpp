#include "inference_route.hpp"

#include "errors.hpp"

#include <boost/json/parse.hpp>

namespace openrouter::mock {

std::variant<boost::json::object, http_reply> parse_model_request(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value req = boost::json::parse(body, ec);
  if (ec || !req.is_object()) return error_reply(400, "Invalid JSON body", "invalid_request");
  const auto* model = req.as_object().if_contains("model");
  if (!model || !model->is_string() || model->as_string().empty())
    return error_reply(400, "model: Required", "invalid_request");
  return std::move(req.as_object());
}

std::variant<const route_model*, http_reply> find_route_model(std::span<const route_model> models, std::string_view id,
                                                             std::string_view what) {
  std::string error;
  const bool fault_model = is_fault_model(id, error);
  if (!error.empty()) return error_reply(400, error, "invalid_request");
  for (const auto& m : models)
    if (m.id == id) return &m;
  if (fault_model && !models.empty()) return &models.front();
  return error_reply(404, "Model " + std::string(id) + " not found (no " + std::string(what) + " endpoint)", "not_found");
}

drawn_fault draw_route_fault(mock_state& state, std::string_view model, std::string_view provider,
                             std::string_view prompt) {
  drawn_fault out;
  auto scen = state.current_scenario();
  model_rules rules = scen->rules_for(model);
  out.hit = state.faults().draw(rules, false, std::chrono::steady_clock::now());
  if (!out.hit) return out;
  const fault& f = *out.hit;
  if (f.kind == fault_kind::http_error || f.kind == fault_kind::wrapped_transient || f.kind == fault_kind::rate_limit) {
    out.reply = fault_reply(f, model, provider, prompt);
    out.hit.reset();
  } else if (f.kind == fault_kind::reset && f.after_tokens < 0) {
    http_reply r;
    r.reset_before = true;
    out.reply = std::move(r);
    out.hit.reset();
  }
  return out;
}

void apply_fault(const std::optional<fault>& hit, http_reply& reply) {
  if (!hit) return;
  const auto stall = std::chrono::milliseconds(static_cast<long>(hit->seconds * 1000));
  switch (hit->kind) {
    case fault_kind::stall:
      if (hit->after_tokens < 0) reply.stall_before = stall;
      else reply.stall_mid_body = stall;
      break;
    case fault_kind::reset: reply.reset_mid_body = true; break;
    case fault_kind::malformed_json: reply.body.resize(reply.body.size() / 2); break;
    default: break;
  }
}

bool is_fault_model(std::string_view model, std::string& error) {
  error.clear();
  return parse_fault_model(model, error).has_value();
}

}  // namespace openrouter::mock
