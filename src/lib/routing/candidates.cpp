#include <openrouter/routing/candidates.hpp>
#include <openrouter/routing/policy.hpp>

#include <openrouter/catalog.hpp>

#include <algorithm>

namespace openrouter::routing {
namespace {

void add(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

requirements requirements_of(const wire::chat_request& req) {
  requirements r;
  std::size_t chars = 0;
  for (const auto& m : req.messages) {
    if (!m.content) continue;
    if (const auto* text = std::get_if<std::string>(&*m.content)) {
      chars += text->size();
      continue;
    }
    for (const auto& part : std::get<std::vector<wire::content_part>>(*m.content)) {
      if (part.text) chars += part.text->size();
      if (part.image_url) add(r.input_modalities, "image");
      if (part.file) add(r.input_modalities, "file");
      if (part.input_audio) add(r.input_modalities, "audio");
      if (part.video_url) add(r.input_modalities, "video");
    }
  }
  for (const auto& o : req.modalities)
    if (o != "text") add(r.output_modalities, o);
  if (!req.tools.empty()) add(r.parameters, "tools");
  if (req.response_format) {
    add(r.parameters, "response_format");
    if (req.response_format->type == "json_schema") add(r.parameters, "structured_outputs");
  }
  if (req.reasoning) add(r.parameters, "reasoning");
  // A deliberately rough estimate (4 characters a token), only to drop models that are far too
  // small; the server's own count decides the rest.
  r.prompt_tokens_estimate = static_cast<std::int64_t>(chars / 4);
  if (req.max_completion_tokens) r.prompt_tokens_estimate += *req.max_completion_tokens;
  else if (req.max_tokens) r.prompt_tokens_estimate += *req.max_tokens;
  return r;
}

filtered_candidates filter_candidates(const std::vector<std::string>& candidates, const requirements& need,
                                      const wire::models_page& catalog) {
  filtered_candidates out;
  for (const auto& id : candidates) {
    auto m = std::find_if(catalog.data.begin(), catalog.data.end(), [&](const wire::model& x) { return x.id == id; });
    if (m == catalog.data.end()) {
      out.kept.push_back(id);  // unknown to the catalog: let the server decide
      continue;
    }
    std::string why = unmet_capability(
        *m, {need.input_modalities, need.output_modalities, need.parameters}, when_unknown::supported);
    if (why.empty() && m->context_length && need.prompt_tokens_estimate > *m->context_length)
      why = "context " + std::to_string(*m->context_length) + " < ~" + std::to_string(need.prompt_tokens_estimate) +
            " tokens";
    if (why.empty()) out.kept.push_back(id);
    else out.dropped.push_back({id, std::move(why)});
  }
  return out;
}

wire::chat_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                   const std::string& model, const wire::chat_request& base) {
  wire::chat_request r = base;
  if (!model.empty()) r.model = model;
  if (p.server_side_fallback) {
    r.models.clear();
    auto it = std::find(candidates.begin(), candidates.end(), model);
    if (it != candidates.end()) r.models.assign(std::next(it), candidates.end());
  }
  if (p.require_parameters && (!r.tools.empty() || r.response_format)) {
    if (!r.provider) r.provider.emplace();
    if (!r.provider->require_parameters) r.provider->require_parameters = true;
  }
  return r;
}

}  // namespace openrouter::routing
