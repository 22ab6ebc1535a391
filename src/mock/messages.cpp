#include "messages.hpp"

#include "errors.hpp"
#include "event_script.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace openrouter::mock {
namespace json = boost::json;

namespace {

std::string_view str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string_view(it->value().get_string()) : std::string_view{};
}

// The Anthropic error type of an HTTP status (spec AnthropicMessagesErrorResponse.error.type).
std::string_view anthropic_type(unsigned status) {
  switch (status) {
    case 400: case 413: case 422: return "invalid_request_error";
    case 401: return "authentication_error";
    case 402: return "billing_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 408: case 504: case 524: return "timeout_error";
    case 429: return "rate_limit_error";
    case 503: case 529: return "overloaded_error";
    default: return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

// {type, message, error_type} of a status and message; error_type is OpenRouter's ApiErrorType.
json::object anthropic_error(unsigned status, std::string_view message, std::string_view error_type) {
  json::object e{{"type", anthropic_type(status)}, {"message", message}};
  e["error_type"] = error_type.empty() ? default_error_type(status) : error_type;
  return e;
}

http_reply invalid(std::string_view message) {
  return as_messages_error(error_reply(400, message, "invalid_request"));
}

// A source ({type:"base64", media_type, data} or {type:"url", url}) as a URL the chat pipeline takes.
std::string source_url(const json::object& src, std::string_view fallback_type) {
  if (str(src, "type") == "url") return std::string(str(src, "url"));
  std::string_view media = str(src, "media_type");
  std::string url = "data:";
  url += media.empty() ? fallback_type : media;
  url += ";base64,";
  url += str(src, "data");
  return url;
}

// One content block of a user/assistant message into the chat message(s).
std::optional<http_reply> translate_block(const json::object& b, const std::string& at, json::array& parts,
                                          json::array& tool_calls, json::array& tool_messages) {
  std::string_view type = str(b, "type");
  if (type == "text") {
    if (!b.contains("text") || !b.at("text").is_string()) return invalid(at + ".text: Required");
    parts.push_back(json::object{{"type", "text"}, {"text", b.at("text")}});
  } else if (type == "image" || type == "document") {
    const json::object* src = b.contains("source") ? b.at("source").if_object() : nullptr;
    if (!src) return invalid(at + ".source: Required");
    std::string_view st = str(*src, "type");
    if (st == "url" ? str(*src, "url").empty() : (st != "base64" || str(*src, "data").empty()))
      return invalid(at + ".source: expected {type:\"base64\", media_type, data} or {type:\"url\", url}");
    if (type == "image")
      parts.push_back(json::object{{"type", "image_url"}, {"image_url", json::object{{"url", source_url(*src, "image/png")}}}});
    else
      parts.push_back(json::object{{"type", "file"},
                                   {"file", json::object{{"filename", "document.pdf"},
                                                         {"file_data", source_url(*src, "application/pdf")}}}});
  } else if (type == "tool_use") {
    if (str(b, "id").empty() || str(b, "name").empty()) return invalid(at + ".id: Required");
    json::value input = b.contains("input") ? b.at("input") : json::value(json::object{});
    tool_calls.push_back(json::object{{"id", str(b, "id")},
                                      {"type", "function"},
                                      {"function", json::object{{"name", str(b, "name")}, {"arguments", json::serialize(input)}}}});
  } else if (type == "tool_result") {
    if (str(b, "tool_use_id").empty()) return invalid(at + ".tool_use_id: Required");
    std::string content;
    if (auto it = b.find("content"); it != b.end()) {
      if (it->value().is_string()) {
        content = it->value().get_string();
      } else if (const json::array* inner = it->value().if_array()) {
        for (const auto& x : *inner)
          if (const json::object* xo = x.if_object(); xo && str(*xo, "type") == "text") content += str(*xo, "text");
      }
    }
    tool_messages.push_back(json::object{{"role", "tool"}, {"tool_call_id", str(b, "tool_use_id")}, {"content", content}});
  } else if (type != "thinking" && type != "redacted_thinking") {
    return invalid(at + ".type: Invalid discriminator value '" + std::string(type) + "'");
  }
  return std::nullopt;
}

// The Messages request as the chat pipeline's request; a 400 for what the real API refuses.
std::optional<http_reply> translate(const json::object& in, json::object& chat) {
  for (std::string_view k : {"model", "models", "provider", "temperature", "top_p", "top_k", "plugins", "user",
                             "session_id", "stream", "max_tokens"})
    if (auto it = in.find(k); it != in.end()) chat[k] = it->value();
  if (auto it = in.find("stop_sequences"); it != in.end() && it->value().is_array()) chat["stop"] = it->value();
  json::array messages;
  if (auto it = in.find("system"); it != in.end()) {
    if (it->value().is_string()) {
      messages.push_back(json::object{{"role", "system"}, {"content", it->value()}});
    } else if (const json::array* blocks = it->value().if_array()) {
      std::string text;
      for (const auto& b : *blocks)
        if (const json::object* bo = b.if_object(); bo && str(*bo, "type") == "text") text += str(*bo, "text");
        else return invalid("system: expected a string or text blocks");
      messages.push_back(json::object{{"role", "system"}, {"content", text}});
    } else if (!it->value().is_null()) {
      return invalid("system: expected a string or text blocks");
    }
  }
  auto msgs = in.find("messages");
  const json::array* list = msgs == in.end() ? nullptr : msgs->value().if_array();
  if (!list) return invalid("messages: Required");
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string at = "messages[" + std::to_string(i) + "]";
    const json::object* m = (*list)[i].if_object();
    if (!m) return invalid(at + ": expected an object");
    std::string_view role = str(*m, "role");
    if (role != "user" && role != "assistant" && role != "system") return invalid(at + ".role: Invalid enum value");
    auto content = m->find("content");
    if (content == m->end()) return invalid(at + ".content: Required");
    if (content->value().is_string()) {
      messages.push_back(json::object{{"role", role}, {"content", content->value()}});
      continue;
    }
    const json::array* blocks = content->value().if_array();
    if (!blocks) return invalid(at + ".content: expected a string or an array of content blocks");
    json::array parts, tool_calls, tool_messages;
    for (std::size_t j = 0; j < blocks->size(); ++j) {
      std::string bat = at + ".content[" + std::to_string(j) + "]";
      const json::object* b = (*blocks)[j].if_object();
      if (!b) return invalid(bat + ": expected an object");
      if (auto err = translate_block(*b, bat, parts, tool_calls, tool_messages)) return err;
    }
    // A user turn's tool results are tool messages, before its other content.
    for (auto& t : tool_messages) messages.push_back(std::move(t));
    if (!tool_calls.empty()) {
      json::object a{{"role", "assistant"}, {"tool_calls", std::move(tool_calls)}};
      a["content"] = parts.empty() ? json::value(nullptr) : json::value(std::move(parts));
      messages.push_back(std::move(a));
    } else if (!parts.empty()) {
      messages.push_back(json::object{{"role", role}, {"content", std::move(parts)}});
    }
  }
  chat["messages"] = std::move(messages);
  if (auto it = in.find("tools"); it != in.end() && it->value().is_array()) {
    json::array tools;
    for (const auto& t : it->value().get_array()) {
      const json::object* to = t.if_object();
      if (!to) return invalid("tools: expected objects");
      std::string_view type = str(*to, "type");
      if (!type.empty() && type != "custom") continue;  // server tools: nothing to plan
      if (str(*to, "name").empty()) return invalid("tools: a tool needs a name");
      json::object fn{{"name", str(*to, "name")}};
      if (to->contains("description")) fn["description"] = to->at("description");
      if (to->contains("input_schema")) fn["parameters"] = to->at("input_schema");
      tools.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
    }
    if (!tools.empty()) chat["tools"] = std::move(tools);
  }
  if (auto it = in.find("tool_choice"); it != in.end()) {
    if (const json::object* tc = it->value().if_object()) {
      std::string_view t = str(*tc, "type");
      if (t == "tool") chat["tool_choice"] = json::object{{"type", "function"}, {"function", json::object{{"name", str(*tc, "name")}}}};
      else if (t == "any") chat["tool_choice"] = "required";
      else if (t == "auto" || t == "none") chat["tool_choice"] = t;
      else return invalid("tool_choice.type: Invalid discriminator value");
    }
  }
  if (auto it = in.find("thinking"); it != in.end())
    if (const json::object* th = it->value().if_object(); th && str(*th, "type") == "enabled")
      chat["reasoning"] = json::object{{"enabled", true}};
  return std::nullopt;
}

// What both renderings share: the content blocks, stop reason, usage.
struct rendering {
  completion c;
  std::size_t pieces = 0;

  explicit rendering(completion comp) : c(std::move(comp)) { pieces = c.content_pieces(); }

  bool has_thinking() const { return c.reasoning_tokens > 0; }
  std::string thinking() const {
    std::string r;
    for (std::size_t i = 0; i < c.reasoning_tokens; ++i) r += reasoning_text(c, i);
    return r;
  }
  std::string signature() const { return "sig_" + std::to_string(c.seed % 1000003); }
  std::string_view stop_reason() const {
    if (!c.tool_calls.empty()) return "tool_use";
    if (c.finish_reason == "length") return "max_tokens";
    if (c.finish_reason == "content_filter") return "refusal";
    return "end_turn";
  }
  static json::object text_block(std::string_view text) { return {{"type", "text"}, {"text", text}, {"citations", nullptr}}; }
  json::object tool_use_block(std::size_t i, bool with_input) const {
    const json::object& tc = c.tool_calls[i].get_object();
    std::string_view id = tc.at("id").get_string();
    json::value input = json::object{};
    if (with_input) {
      json::error_code ec;
      input = json::parse(tc.at("function").at("arguments").get_string(), ec);
      if (ec) input = json::object{};
    }
    return {{"type", "tool_use"},
            {"id", "toolu_" + std::string(id.starts_with("call_") ? id.substr(5) : id)},
            {"name", tc.at("function").at("name")},
            {"input", std::move(input)},
            {"caller", json::object{{"type", "direct"}}}};
  }
  json::array content() const {
    json::array out;
    if (has_thinking()) out.push_back(json::object{{"type", "thinking"}, {"thinking", thinking()}, {"signature", signature()}});
    if (!c.tool_calls.empty()) {
      for (std::size_t i = 0; i < c.tool_calls.size(); ++i) out.push_back(tool_use_block(i, true));
    } else {
      out.push_back(text_block(c.content(pieces)));
    }
    return out;
  }
  std::int64_t input_tokens() const { return c.usage.at("prompt_tokens").to_number<std::int64_t>(); }
  // The final usage: the message's (JSON) and message_delta's (stream), with OpenRouter's cost.
  json::object usage(bool delta) const {
    const json::object& u = c.usage;
    const json::object& cd = u.at("cost_details").get_object();
    json::object out{{"input_tokens", input_tokens()},
                     {"output_tokens", u.at("completion_tokens")},
                     {"cache_creation_input_tokens", nullptr},
                     {"cache_read_input_tokens", nullptr},
                     {"output_tokens_details",
                      has_thinking() ? json::value(json::object{{"thinking_tokens", static_cast<std::int64_t>(c.reasoning_tokens)}})
                                     : json::value(nullptr)},
                     {"server_tool_use", nullptr}};
    if (!delta) {
      out["cache_creation"] = nullptr;
      out["inference_geo"] = nullptr;
      out["service_tier"] = "standard";
    }
    out["cost"] = u.at("cost");
    out["is_byok"] = false;
    out["cost_details"] = json::object{{"upstream_inference_cost", nullptr},
                                       {"upstream_inference_prompt_cost", cd.at("upstream_inference_prompt_cost")},
                                       {"upstream_inference_completions_cost", cd.at("upstream_inference_completions_cost")}};
    return out;
  }
  json::object message(json::array content, json::value stop_reason, json::object usage) const {
    return {{"id", c.id},
            {"type", "message"},
            {"role", "assistant"},
            {"container", nullptr},
            {"content", std::move(content)},
            {"model", c.model},
            {"stop_reason", std::move(stop_reason)},
            {"stop_details", nullptr},
            {"stop_sequence", nullptr},
            {"usage", std::move(usage)}};
  }
  // message_start's usage: the prompt, nothing generated yet.
  json::object start_usage() const {
    return {{"input_tokens", input_tokens()},         {"output_tokens", 0},
            {"cache_creation_input_tokens", nullptr}, {"cache_read_input_tokens", nullptr},
            {"cache_creation", nullptr},              {"inference_geo", nullptr},
            {"output_tokens_details", nullptr},       {"server_tool_use", nullptr},
            {"service_tier", "standard"}};
  }
  static unsigned fault_status(const fault& f) { return f.status >= 400 ? static_cast<unsigned>(f.status) : 500u; }
  json::object stream_error(const fault& f) const {
    json::object e = error_object(f);
    return anthropic_error(fault_status(f), e.at("message").get_string(), f.error_type);
  }
};

http_reply json_reply(rendering& r) {
  const completion& c = r.c;
  http_reply reply;
  if (c.inband && c.inband->kind == fault_kind::error_in_body) {
    // The Messages API has no failed message: the provider's failure is an error body.
    json::object e = error_object(*c.inband);
    reply = as_messages_error(error_reply(rendering::fault_status(*c.inband), e.at("message").get_string(), c.inband->error_type));
    reply.generation_id = c.id;
    return reply;
  }
  reply.body = json::serialize(r.message(r.content(), json::value(r.stop_reason()), r.usage(false)));
  reply.generation_id = c.id;
  if (c.inband && c.inband->kind == fault_kind::malformed_json) reply.body.resize(reply.body.size() / 2);
  if (c.inband && c.inband->kind == fault_kind::reset) reply.reset_mid_body = true;
  if (c.inband && c.inband->kind == fault_kind::stall && c.inband->after_tokens >= 0)
    reply.stall_mid_body = std::chrono::milliseconds(static_cast<long>(c.inband->seconds * 1000));
  return reply;
}

// The named events, produced lazily: the events before the first delta and after the last are
// small and built when their phase starts; deltas one by one.
class messages_sse final : public named_event_script {
 public:
  explicit messages_sse(rendering r) : named_event_script(r.c.pace), r_(std::move(r)) {}

  bool next(sse_step& out) override {
    out = {};
    const pacing& pace = pace_;
    while (true) {
      if (pop(out)) return true;
      switch (phase_) {
        case phase::head: {
          spent_ = queue_comments();
          push("message_start", json::object{{"message", r_.message(json::array{}, nullptr, r_.start_usage())}});
          push("ping", json::object{});
          if (r_.has_thinking()) {
            push("content_block_start", json::object{{"index", index_},
                                                     {"content_block", json::object{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}}});
            push("content_block_delta", json::object{{"index", index_}, {"delta", json::object{{"type", "thinking_delta"}, {"thinking", r_.thinking()}}}});
            push("content_block_delta", json::object{{"index", index_}, {"delta", json::object{{"type", "signature_delta"}, {"signature", r_.signature()}}}});
            push("content_block_stop", json::object{{"index", index_++}});
          }
          if (r_.c.tool_calls.empty())
            push("content_block_start", json::object{{"index", index_}, {"content_block", rendering::text_block("")}});
          // The first delta comes at ttft_ms after the head (what a benchmark's TTFT reads).
          phase_ = r_.c.tool_calls.empty() ? phase::content : phase::tools;
          continue;
        }
        case phase::content:
          if (fault_due()) return fire(out);
          if (step_ < r_.pieces) {
            out.delay = std::chrono::milliseconds(step_ == 0 ? pace.ttft_ms - spent_ : pace.itl_ms);
            out.bytes = event("content_block_delta",
                              json::object{{"index", index_}, {"delta", json::object{{"type", "text_delta"}, {"text", r_.c.piece(step_)}}}});
            ++step_;
            return true;
          }
          push("content_block_stop", json::object{{"index", index_}});
          phase_ = phase::finish;
          continue;
        case phase::tools:
          if (fault_due()) return fire(out);
          for (std::size_t i = 0; i < r_.c.tool_calls.size(); ++i, ++index_) {
            std::string args(r_.c.tool_calls[i].at("function").at("arguments").get_string());
            push("content_block_start", json::object{{"index", index_}, {"content_block", r_.tool_use_block(i, false)}});
            std::size_t third = std::max<std::size_t>(1, args.size() / 3 + 1);
            for (std::size_t at = 0; at < args.size(); at += third) {
              int delay = at == 0 && i == 0 ? pace.ttft_ms - spent_ : pace.itl_ms;
              push("content_block_delta",
                   json::object{{"index", index_}, {"delta", json::object{{"type", "input_json_delta"}, {"partial_json", args.substr(at, third)}}}},
                   std::chrono::milliseconds(delay));
            }
            push("content_block_stop", json::object{{"index", index_}});
          }
          phase_ = phase::finish;
          continue;
        case phase::finish:
          if (truncated_) return false;
          push("message_delta", json::object{{"delta", json::object{{"stop_reason", r_.stop_reason()},
                                                                    {"stop_sequence", nullptr},
                                                                    {"container", nullptr},
                                                                    {"stop_details", nullptr}}},
                                             {"usage", r_.usage(true)}});
          push("message_stop", json::object{});
          phase_ = phase::done;
          continue;
        case phase::done:
          phase_ = phase::end;
          out.bytes = "data: [DONE]\n\n";
          return true;
        case phase::end:
          return false;
      }
    }
  }

 private:
  enum class phase { head, content, tools, finish, done, end };

  static std::string event(std::string_view type, json::object data) {
    json::object typed{{"type", type}};  // first, as the API writes it
    typed.reserve(data.size() + 1);
    for (auto& kv : data) typed.emplace(kv.key(), std::move(kv.value()));
    return sse_event(type, typed);
  }
  void push(std::string_view type, json::object data, std::chrono::milliseconds delay = {}) {
    queue(event(type, std::move(data)), delay);
  }

  bool fault_due() const {
    const auto& f = r_.c.inband;
    if (!f || fired_) return false;
    // A plain no_done only drops the end (message_delta, message_stop and [DONE]), after every delta.
    if (f->kind == fault_kind::no_done && f->after_tokens < 0) return step_ >= r_.pieces;
    return static_cast<std::size_t>(std::max(f->after_tokens, 0)) <= step_;
  }

  bool fire(sse_step& out) {
    fired_ = true;
    const fault& f = *r_.c.inband;
    out.delay = std::chrono::milliseconds(pace_.itl_ms);
    switch (f.kind) {
      case fault_kind::mid_stream_error:
      case fault_kind::error_in_body:  // no failed message in this API: an error event
        out.bytes = event("error", json::object{{"error", r_.stream_error(f)}});
        phase_ = phase::end;
        closing_ = true;
        return true;
      case fault_kind::reset:
        out.act = sse_step::action::reset;
        phase_ = phase::end;
        return true;
      case fault_kind::stall:
        out.delay = std::chrono::milliseconds(static_cast<long>(f.seconds * 1000));
        return true;
      case fault_kind::malformed_json:
        out.bytes = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"broken\n\n";
        return true;
      case fault_kind::malformed_sse:
        out.bytes = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\n\"index\":0}\n\n";
        return true;
      case fault_kind::no_done:
        // The body just ends: no more deltas, no message_delta, no message_stop, no [DONE].
        truncated_ = true;
        phase_ = phase::finish;
        return true;
      default:
        return true;
    }
  }

  rendering r_;
  phase phase_ = phase::head;
  std::size_t step_ = 0;
  std::int64_t index_ = 0;  // of the content block being streamed
  int spent_ = 0;           // by the comments before the first event
  bool fired_ = false, truncated_ = false;
};

}  // namespace

http_reply as_messages_error(http_reply reply) {
  if (reply.status >= 200 && reply.status < 300) return reply;
  json::error_code ec;
  json::value v = json::parse(reply.body, ec);
  const json::object* body = ec ? nullptr : v.if_object();
  const json::object* err = body && body->contains("error") ? body->at("error").if_object() : nullptr;
  if (!err) return reply;
  std::string_view error_type;
  json::object metadata;
  if (const auto* md = err->if_contains("metadata"); md && md->is_object()) {
    metadata = md->get_object();
    error_type = str(metadata, "error_type");
  }
  json::object out{{"type", "error"},
                   {"error", anthropic_error(reply.status, str(*err, "message"), error_type)},
                   {"request_id", reply.generation_id.empty() ? json::value(nullptr) : json::value(reply.generation_id)}};
  if (!metadata.empty()) out["metadata"] = std::move(metadata);
  reply.body = json::serialize(out);
  return reply;
}

http_reply handle_messages(mock_state& state, std::string_view body, const header_map& headers) {
  json::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return invalid("Invalid JSON in request body");
  json::value chat(json::object_kind);
  if (auto err = translate(parsed.get_object(), chat.get_object())) return std::move(*err);
  auto planned = plan_completion(state, chat, headers);
  if (auto* err = std::get_if<http_reply>(&planned)) return as_messages_error(std::move(*err));
  planned_completion& p = std::get<planned_completion>(planned);
  rendering r(std::move(p.c));
  http_reply reply;
  if (p.stream) {
    reply.content_type = "text/event-stream";
    reply.headers.emplace_back("Cache-Control", "no-cache");
    reply.generation_id = r.c.id;
    reply.stream = std::make_unique<messages_sse>(std::move(r));
  } else {
    reply = json_reply(r);
  }
  reply.headers.emplace_back("X-Generation-Id", reply.generation_id);
  reply.stall_before = std::max(reply.stall_before, p.stall_before);
  return reply;
}

}  // namespace openrouter::mock
