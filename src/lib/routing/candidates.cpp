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

requirements requirements_of(const wire::responses_request& req) {
  requirements r;
  std::size_t chars = req.instructions ? req.instructions->size() : 0;
  if (const auto* text = std::get_if<std::string>(&req.input)) {
    chars += text->size();
  } else {
    // Input items: messages whose content is a text or a list of parts, and other items
    // (function_call_output...) counted by their text.
    const auto count_part = [&](const boost::json::object& part) {
      const auto* type = part.if_contains("type");
      const std::string_view t = type && type->is_string() ? std::string_view(type->get_string()) : "";
      if (t == "input_image") add(r.input_modalities, "image");
      else if (t == "input_file") add(r.input_modalities, "file");
      else if (t == "input_audio") add(r.input_modalities, "audio");
      else if (t == "input_video") add(r.input_modalities, "video");
      if (const auto* x = part.if_contains("text"); x && x->is_string()) chars += x->get_string().size();
    };
    for (const auto& item : std::get<boost::json::array>(req.input)) {
      const auto* o = item.if_object();
      if (!o) continue;
      if (const auto* x = o->if_contains("output"); x && x->is_string()) chars += x->get_string().size();
      const auto* content = o->if_contains("content");
      if (!content) continue;
      if (content->is_string()) chars += content->get_string().size();
      else if (const auto* parts = content->if_array())
        for (const auto& part : *parts)
          if (const auto* po = part.if_object()) count_part(*po);
    }
  }
  if (const auto* tools = req.tools.if_array(); tools && !tools->empty()) add(r.parameters, "tools");
  if (const auto* text = req.text.if_object())
    if (const auto* format = text->if_contains("format"); format && format->is_object())
      if (const auto* type = format->as_object().if_contains("type"); type && type->is_string()) {
        if (type->get_string() == "json_schema") {
          add(r.parameters, "response_format");
          add(r.parameters, "structured_outputs");
        } else if (type->get_string() == "json_object") {
          add(r.parameters, "response_format");
        }
      }
  if (req.reasoning) add(r.parameters, "reasoning");
  r.prompt_tokens_estimate = static_cast<std::int64_t>(chars / 4);
  if (req.max_output_tokens) r.prompt_tokens_estimate += *req.max_output_tokens;
  return r;
}

requirements requirements_of(const wire::messages_request& req) {
  requirements r;
  std::size_t chars = 0;
  const auto count = [&](const wire::messages_content& c) {
    if (const auto* text = std::get_if<std::string>(&c)) {
      chars += text->size();
      return;
    }
    for (const auto& b : std::get<std::vector<wire::messages_content_block>>(c)) {
      if (b.text) chars += b.text->size();
      if (b.type == "image") add(r.input_modalities, "image");
      else if (b.type == "document") add(r.input_modalities, "file");
    }
  };
  if (req.system) count(*req.system);
  for (const auto& m : req.messages) count(m.content);
  if (const auto* tools = req.tools.if_array(); tools && !tools->empty()) add(r.parameters, "tools");
  if (const auto* t = req.thinking.if_object())
    if (const auto* type = t->if_contains("type"); type && type->is_string() && type->get_string() == "enabled")
      add(r.parameters, "reasoning");
  r.prompt_tokens_estimate = static_cast<std::int64_t>(chars / 4) + req.max_tokens.value_or(0);
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

namespace {

// What an attempt changes of a request with a `models` fallback list: the model, the models
// after it (server-side fallback), and provider.require_parameters when the request depends on
// parameters a provider may ignore.
template <class Request>
Request for_attempt(const policy& p, const std::vector<std::string>& candidates, const std::string& model,
                    const Request& base, bool has_parameters) {
  Request r = base;
  if (!model.empty()) r.model = model;
  if (p.server_side_fallback) {
    r.models.clear();
    auto it = std::find(candidates.begin(), candidates.end(), model);
    if (it != candidates.end()) r.models.assign(std::next(it), candidates.end());
  }
  if (p.require_parameters && has_parameters) {
    if (!r.provider) r.provider.emplace();
    if (!r.provider->require_parameters) r.provider->require_parameters = true;
  }
  return r;
}

}  // namespace

wire::chat_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                   const std::string& model, const wire::chat_request& base) {
  return for_attempt(p, candidates, model, base, !base.tools.empty() || base.response_format.has_value());
}

wire::responses_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                        const std::string& model, const wire::responses_request& base) {
  const auto* tools = base.tools.if_array();
  const auto* text = base.text.if_object();
  const bool format = text && text->if_contains("format") && !text->at("format").is_null();
  return for_attempt(p, candidates, model, base, (tools && !tools->empty()) || format);
}

wire::messages_request attempt_request(const policy& p, const std::vector<std::string>& candidates,
                                       const std::string& model, const wire::messages_request& base) {
  const auto* tools = base.tools.if_array();
  return for_attempt(p, candidates, model, base, tools && !tools->empty());
}

namespace {

template <class Request>
Request with_model(const Request& base, const std::string& model) {
  Request r = base;
  if (!model.empty()) r.model = model;
  return r;
}

}  // namespace

wire::embeddings_request attempt_request(const policy&, const std::vector<std::string>&, const std::string& model,
                                         const wire::embeddings_request& base) {
  return with_model(base, model);
}
wire::rerank_request attempt_request(const policy&, const std::vector<std::string>&, const std::string& model,
                                     const wire::rerank_request& base) {
  return with_model(base, model);
}
wire::image_generation_request attempt_request(const policy&, const std::vector<std::string>&, const std::string& model,
                                               const wire::image_generation_request& base) {
  return with_model(base, model);
}
wire::transcription_request attempt_request(const policy&, const std::vector<std::string>&, const std::string& model,
                                            const wire::transcription_request& base) {
  return with_model(base, model);
}
wire::speech_request attempt_request(const policy&, const std::vector<std::string>&, const std::string& model,
                                     const wire::speech_request& base) {
  return with_model(base, model);
}

}  // namespace openrouter::routing
