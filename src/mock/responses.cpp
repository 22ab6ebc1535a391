#include "responses.hpp"

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

std::optional<http_reply> invalid(std::string message) { return error_reply(400, message, "invalid_request"); }

// Input content parts -> chat content parts.
std::optional<http_reply> translate_parts(const json::array& parts, const std::string& at, json::array& out) {
  for (std::size_t j = 0; j < parts.size(); ++j) {
    std::string pat = at + ".content[" + std::to_string(j) + "]";
    const json::object* p = parts[j].if_object();
    if (!p) return invalid(pat + ": expected an object");
    std::string_view type = str(*p, "type");
    if (type == "input_text" || type == "output_text") {
      if (!p->contains("text") || !p->at("text").is_string()) return invalid(pat + ".text: Required");
      out.push_back(json::object{{"type", "text"}, {"text", p->at("text")}});
    } else if (type == "input_image") {
      std::string_view url = str(*p, "image_url");
      if (url.empty()) return invalid(pat + ".image_url: Required");
      out.push_back(json::object{{"type", "image_url"}, {"image_url", json::object{{"url", url}}}});
    } else if (type == "input_file") {
      json::object file;
      if (auto fn = str(*p, "filename"); !fn.empty()) file["filename"] = fn;
      if (auto fd = str(*p, "file_data"); !fd.empty()) file["file_data"] = fd;
      else if (auto fu = str(*p, "file_url"); !fu.empty()) file["file_data"] = fu;
      else return invalid(pat + ".file_data: Required");
      out.push_back(json::object{{"type", "file"}, {"file", std::move(file)}});
    } else if (type == "input_audio") {
      out.push_back(json::object{{"type", "input_audio"}, {"input_audio", p->contains("input_audio") ? p->at("input_audio") : json::value(json::object{})}});
    } else if (type != "refusal") {
      return invalid(pat + ".type: Invalid discriminator value");
    }
  }
  return std::nullopt;
}

// The Responses request as the chat pipeline's request; a 400 for what the real API refuses.
std::optional<http_reply> translate(const json::object& in, json::object& chat) {
  if (auto it = in.find("previous_response_id"); it != in.end() && !it->value().is_null())
    return invalid("previous_response_id is not supported: the Responses API is stateless; send the whole conversation in input");
  for (std::string_view k : {"model", "models", "provider", "temperature", "top_p", "top_k", "frequency_penalty",
                             "presence_penalty", "reasoning", "plugins", "metadata", "user", "session_id",
                             "parallel_tool_calls", "stream", "modalities"})
    if (auto it = in.find(k); it != in.end()) chat[k] = it->value();
  if (auto it = in.find("max_output_tokens"); it != in.end() && !it->value().is_null()) chat["max_tokens"] = it->value();
  json::array messages;
  if (auto it = in.find("instructions"); it != in.end() && it->value().is_string())
    messages.push_back(json::object{{"role", "system"}, {"content", it->value()}});
  auto input = in.find("input");
  if (input == in.end() || input->value().is_null()) return invalid("input: Required");
  if (input->value().is_string()) {
    messages.push_back(json::object{{"role", "user"}, {"content", input->value()}});
  } else if (const json::array* items = input->value().if_array()) {
    for (std::size_t i = 0; i < items->size(); ++i) {
      std::string at = "input[" + std::to_string(i) + "]";
      const json::object* item = (*items)[i].if_object();
      if (!item) return invalid(at + ": expected an object");
      std::string_view type = str(*item, "type");
      if (type.empty() || type == "message") {
        std::string_view role = str(*item, "role");
        if (role != "user" && role != "system" && role != "developer" && role != "assistant")
          return invalid(at + ".role: Invalid enum value");
        auto content = item->find("content");
        if (content == item->end()) return invalid(at + ".content: Required");
        json::object m{{"role", role}};
        if (content->value().is_string()) {
          m["content"] = content->value();
        } else if (const json::array* parts = content->value().if_array()) {
          json::array out;
          if (auto err = translate_parts(*parts, at, out)) return err;
          m["content"] = std::move(out);
        } else {
          return invalid(at + ".content: expected a string or an array of parts");
        }
        messages.push_back(std::move(m));
      } else if (type == "function_call") {
        if (str(*item, "call_id").empty() || str(*item, "name").empty()) return invalid(at + ".call_id: Required");
        json::object call{{"id", str(*item, "call_id")},
                          {"type", "function"},
                          {"function", json::object{{"name", str(*item, "name")}, {"arguments", str(*item, "arguments")}}}};
        // Consecutive calls belong to one assistant turn.
        json::object* last = messages.empty() ? nullptr : messages.back().if_object();
        if (last && str(*last, "role") == "assistant" && last->contains("tool_calls"))
          last->at("tool_calls").as_array().push_back(std::move(call));
        else
          messages.push_back(json::object{{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array{std::move(call)}}});
      } else if (type == "function_call_output") {
        if (str(*item, "call_id").empty()) return invalid(at + ".call_id: Required");
        auto out = item->find("output");
        json::value content = out == item->end() ? json::value("") : out->value().is_string() ? out->value() : json::value(json::serialize(out->value()));
        messages.push_back(json::object{{"role", "tool"}, {"tool_call_id", str(*item, "call_id")}, {"content", content}});
      } else if (type != "reasoning") {
        return invalid(at + ".type: Invalid discriminator value '" + std::string(type) + "'");
      }
    }
  } else {
    return invalid("input: expected a string or an array of input items");
  }
  chat["messages"] = std::move(messages);
  if (auto it = in.find("tools"); it != in.end() && it->value().is_array()) {
    json::array tools;
    for (const auto& t : it->value().get_array()) {
      const json::object* to = t.if_object();
      if (!to || str(*to, "type") != "function") continue;  // server tools: nothing to plan
      if (str(*to, "name").empty()) return invalid("tools: a function tool needs a name");
      json::object fn{{"name", str(*to, "name")}};
      if (to->contains("description")) fn["description"] = to->at("description");
      if (to->contains("parameters")) fn["parameters"] = to->at("parameters");
      tools.push_back(json::object{{"type", "function"}, {"function", std::move(fn)}});
    }
    if (!tools.empty()) chat["tools"] = std::move(tools);
  }
  if (auto it = in.find("tool_choice"); it != in.end()) {
    if (const json::object* tc = it->value().if_object(); tc && str(*tc, "type") == "function")
      chat["tool_choice"] = json::object{{"type", "function"}, {"function", json::object{{"name", str(*tc, "name")}}}};
    else if (it->value().is_string())
      chat["tool_choice"] = it->value();
  }
  if (auto it = in.find("text"); it != in.end() && it->value().is_object()) {
    if (const json::value* f = it->value().get_object().if_contains("format"); f && f->is_object()) {
      const json::object& fo = f->get_object();
      if (str(fo, "type") == "json_schema") {
        json::object js{{"name", str(fo, "name")}};
        if (fo.contains("schema")) js["schema"] = fo.at("schema");
        if (fo.contains("strict")) js["strict"] = fo.at("strict");
        chat["response_format"] = json::object{{"type", "json_schema"}, {"json_schema", std::move(js)}};
      } else if (str(fo, "type") == "json_object") {
        chat["response_format"] = json::object{{"type", "json_object"}};
      }
    }
  }
  return std::nullopt;
}

json::value echo(const json::object& req, std::string_view key, json::value fallback = nullptr) {
  auto it = req.find(key);
  return it == req.end() || it->value().is_null() ? fallback : it->value();
}

// What both renderings share: ids, the output items, usage.
struct rendering {
  completion c;
  json::object req;  // the Responses request (echoed members)
  std::string msg_id, rs_id;
  std::size_t pieces = 0;

  rendering(completion comp, json::object r) : c(std::move(comp)), req(std::move(r)) {
    std::string tail = c.id.size() > 12 ? c.id.substr(c.id.size() - 12) : c.id;
    msg_id = "msg_" + tail;
    rs_id = "rs_" + tail;
    pieces = c.content_pieces();
  }

  bool has_reasoning() const { return c.reasoning_tokens > 0; }
  std::string reasoning() const {
    std::string r;
    for (std::size_t i = 0; i < c.reasoning_tokens; ++i) r += reasoning_text(c, i);
    return r;
  }
  json::object reasoning_item() const {
    return {{"type", "reasoning"},
            {"id", rs_id},
            {"status", "completed"},
            {"summary", json::array{json::object{{"type", "summary_text"}, {"text", reasoning()}}}}};
  }
  static json::object text_part(std::string_view text) {
    return {{"type", "output_text"}, {"text", text}, {"annotations", json::array{}}, {"logprobs", json::array{}}};
  }
  json::object message_item(std::string_view text, std::string_view status) const {
    json::array content;
    if (status != "in_progress") content.push_back(text_part(text));
    return {{"type", "message"}, {"id", msg_id}, {"role", "assistant"}, {"status", status}, {"content", std::move(content)}};
  }
  json::object call_item(std::size_t i, std::string_view arguments, std::string_view status) const {
    const json::object& tc = c.tool_calls[i].get_object();
    return {{"type", "function_call"},
            {"id", "fc_" + std::string(tc.at("id").get_string()).substr(5)},
            {"call_id", tc.at("id")},
            {"name", tc.at("function").at("name")},
            {"arguments", arguments},
            {"status", status}};
  }
  json::array output(std::size_t text_pieces) const {
    json::array out;
    if (has_reasoning()) out.push_back(reasoning_item());
    if (!c.tool_calls.empty()) {
      for (std::size_t i = 0; i < c.tool_calls.size(); ++i)
        out.push_back(call_item(i, c.tool_calls[i].at("function").at("arguments").get_string(), "completed"));
    } else {
      out.push_back(message_item(c.content(text_pieces), "completed"));
    }
    return out;
  }
  json::object usage() const {
    const json::object& u = c.usage;
    const json::object& cd = u.at("cost_details").get_object();
    return {{"input_tokens", u.at("prompt_tokens")},
            {"input_tokens_details", json::object{{"cached_tokens", 0}}},
            {"output_tokens", u.at("completion_tokens")},
            {"output_tokens_details",
             json::object{{"reasoning_tokens", static_cast<std::int64_t>(c.reasoning_tokens)}}},
            {"total_tokens", u.at("total_tokens")},
            {"cost", u.at("cost")},
            {"is_byok", false},
            {"cost_details", json::object{{"upstream_inference_cost", nullptr},
                                          {"upstream_inference_input_cost", cd.at("upstream_inference_prompt_cost")},
                                          {"upstream_inference_output_cost", cd.at("upstream_inference_completions_cost")}}}};
  }
  // The response object; `output` and `usage` as given (in_progress: none yet).
  json::object response(std::string_view status, json::array out, bool with_usage, json::value error = nullptr) const {
    json::object r{{"id", c.id},
                   {"object", "response"},
                   {"created_at", c.created},
                   {"completed_at", status == "completed" ? json::value(c.created + 1) : json::value(nullptr)},
                   {"model", c.model},
                   {"status", status},
                   {"output", std::move(out)},
                   {"error", std::move(error)},
                   {"incomplete_details", nullptr},
                   {"instructions", echo(req, "instructions")},
                   {"max_output_tokens", echo(req, "max_output_tokens")},
                   {"metadata", echo(req, "metadata", json::object{})},
                   {"temperature", echo(req, "temperature")},
                   {"top_p", echo(req, "top_p")},
                   {"presence_penalty", echo(req, "presence_penalty")},
                   {"frequency_penalty", echo(req, "frequency_penalty")},
                   {"tools", echo(req, "tools", json::array{})},
                   {"tool_choice", echo(req, "tool_choice", "auto")},
                   {"parallel_tool_calls", echo(req, "parallel_tool_calls", true)}};
    if (with_usage) r["usage"] = usage();
    return r;
  }
  // The Responses API's error codes are strings (spec ResponsesErrorField and BaseErrorEvent,
  // the SDK's ErrorEvent): a rate limit is "rate_limit_exceeded", any other provider failure
  // "server_error".
  static std::string_view responses_code(const fault& f) { return f.status == 429 ? "rate_limit_exceeded" : "server_error"; }
  json::object responses_error(const fault& f) const {
    json::object e = error_object(f);
    return {{"code", responses_code(f)}, {"message", e.at("message")}};
  }
};

http_reply json_reply(rendering& r) {
  const completion& c = r.c;
  json::object body;
  if (c.inband && c.inband->kind == fault_kind::error_in_body) {
    std::size_t n = c.inband->after_tokens >= 0 ? std::min<std::size_t>(static_cast<std::size_t>(c.inband->after_tokens), r.pieces) : r.pieces / 2;
    json::array out{r.message_item(c.content(n), "incomplete")};
    out.back().as_object()["content"] = json::array{rendering::text_part(c.content(n))};
    body = r.response("failed", std::move(out), true, r.responses_error(*c.inband));
  } else {
    body = r.response("completed", r.output(r.pieces), true);
  }
  http_reply reply;
  reply.body = json::serialize(body);
  reply.generation_id = c.id;
  if (c.inband && c.inband->kind == fault_kind::malformed_json) reply.body.resize(reply.body.size() / 2);
  if (c.inband && c.inband->kind == fault_kind::reset) reply.reset_mid_body = true;
  if (c.inband && c.inband->kind == fault_kind::stall && c.inband->after_tokens >= 0)
    reply.stall_mid_body = std::chrono::milliseconds(static_cast<long>(c.inband->seconds * 1000));
  return reply;
}

// The named events, produced lazily: the events before the first delta and after the last are
// small and built when their phase starts; deltas one by one.
class responses_sse final : public named_event_script {
 public:
  explicit responses_sse(rendering r) : named_event_script(r.c.pace), r_(std::move(r)) {}

  bool next(sse_step& out) override {
    out = {};
    const pacing& pace = pace_;
    while (true) {
      if (pop(out)) return true;
      switch (phase_) {
        case phase::head: {
          spent_ = queue_comments();
          push("response.created", json::object{{"response", r_.response("in_progress", {}, false)}});
          push("response.in_progress", json::object{{"response", r_.response("in_progress", {}, false)}});
          if (r_.has_reasoning()) {
            push("response.output_item.added", json::object{{"output_index", 0}, {"item", r_.reasoning_item()}});
            push("response.output_item.done", json::object{{"output_index", 0}, {"item", r_.reasoning_item()}});
          }
          if (r_.c.tool_calls.empty()) {
            push("response.output_item.added", json::object{{"output_index", msg_index()}, {"item", r_.message_item("", "in_progress")}});
            push("response.content_part.added", json::object{{"output_index", msg_index()}, {"item_id", r_.msg_id},
                                                             {"content_index", 0}, {"part", rendering::text_part("")}});
          }
          // The first delta comes at ttft_ms after the head (what a benchmark's TTFT reads).
          phase_ = r_.c.tool_calls.empty() ? phase::content : phase::tools;
          continue;
        }
        case phase::content:
          if (fault_due()) return fire(out);
          if (step_ < r_.pieces) {
            out.delay = std::chrono::milliseconds(step_ == 0 ? pace.ttft_ms - spent_ : pace.itl_ms);
            out.bytes = event("response.output_text.delta",
                              json::object{{"output_index", msg_index()}, {"item_id", r_.msg_id}, {"content_index", 0},
                                           {"delta", r_.c.piece(step_)}, {"logprobs", json::array{}}});
            ++step_;
            return true;
          }
          {
            std::string text = r_.c.content(r_.pieces);
            push("response.output_text.done", json::object{{"output_index", msg_index()}, {"item_id", r_.msg_id},
                                                           {"content_index", 0}, {"text", text}, {"logprobs", json::array{}}});
            push("response.content_part.done", json::object{{"output_index", msg_index()}, {"item_id", r_.msg_id},
                                                            {"content_index", 0}, {"part", rendering::text_part(text)}});
            push("response.output_item.done", json::object{{"output_index", msg_index()}, {"item", r_.message_item(text, "completed")}});
          }
          phase_ = phase::finish;
          continue;
        case phase::tools:
          if (fault_due()) return fire(out);
          for (std::size_t i = 0; i < r_.c.tool_calls.size(); ++i) {
            std::string args(r_.c.tool_calls[i].at("function").at("arguments").get_string());
            json::object item = r_.call_item(i, "", "in_progress");
            std::string id(item.at("id").get_string());
            std::int64_t index = static_cast<std::int64_t>(i + (r_.has_reasoning() ? 1 : 0));
            push("response.output_item.added", json::object{{"output_index", index}, {"item", std::move(item)}});
            std::size_t third = std::max<std::size_t>(1, args.size() / 3 + 1);
            for (std::size_t at = 0; at < args.size(); at += third)
              push("response.function_call_arguments.delta",
                   json::object{{"output_index", index}, {"item_id", id}, {"delta", args.substr(at, third)}},
                   std::chrono::milliseconds(pace.itl_ms));
            push("response.function_call_arguments.done",
                 json::object{{"output_index", index}, {"item_id", id}, {"name", r_.c.tool_calls[i].at("function").at("name")},
                              {"arguments", args}});
            push("response.output_item.done", json::object{{"output_index", index}, {"item", r_.call_item(i, args, "completed")}});
          }
          phase_ = phase::finish;
          continue;
        case phase::finish:
          if (truncated_) return false;
          phase_ = phase::done;
          out.bytes = event("response.completed",
                            json::object{{"response", r_.response("completed", r_.output(r_.pieces), true)}});
          return true;
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

  std::int64_t msg_index() const { return r_.has_reasoning() ? 1 : 0; }

  std::string event(std::string_view type, json::object data) {
    data["type"] = type;
    data["sequence_number"] = seq_++;
    return sse_event(type, data);
  }
  void push(std::string_view type, json::object data, std::chrono::milliseconds delay = {}) {
    queue(event(type, std::move(data)), delay);
  }

  bool fault_due() const {
    const auto& f = r_.c.inband;
    if (!f || fired_) return false;
    // A plain no_done only drops the end (response.completed and [DONE]), after every delta.
    if (f->kind == fault_kind::no_done && f->after_tokens < 0) return step_ >= r_.pieces;
    return static_cast<std::size_t>(std::max(f->after_tokens, 0)) <= step_;
  }

  bool fire(sse_step& out) {
    fired_ = true;
    const fault& f = *r_.c.inband;
    out.delay = std::chrono::milliseconds(pace_.itl_ms);
    switch (f.kind) {
      case fault_kind::mid_stream_error: {
        json::object e = r_.responses_error(f);
        out.bytes = event("error", json::object{{"code", e.at("code")}, {"message", e.at("message")}, {"param", nullptr}});
        phase_ = phase::end;
        closing_ = true;
        return true;
      }
      case fault_kind::error_in_body: {
        json::array partial{r_.message_item(r_.c.content(step_), "incomplete")};
        partial.back().as_object()["content"] = json::array{rendering::text_part(r_.c.content(step_))};
        out.bytes = event("response.failed",
                          json::object{{"response", r_.response("failed", std::move(partial), true, r_.responses_error(f))}});
        phase_ = phase::end;
        closing_ = true;
        return true;
      }
      case fault_kind::reset:
        out.act = sse_step::action::reset;
        phase_ = phase::end;
        return true;
      case fault_kind::stall:
        out.delay = std::chrono::milliseconds(static_cast<long>(f.seconds * 1000));
        return true;
      case fault_kind::malformed_json:
        out.bytes = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"broken\n\n";
        return true;
      case fault_kind::malformed_sse:
        out.bytes = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\n\"delta\":\"x\"}\n\n";
        return true;
      case fault_kind::no_done:
        // The body just ends: no more deltas, no response.completed, no [DONE].
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
  int spent_ = 0;
  std::int64_t seq_ = 0;
  bool fired_ = false, truncated_ = false;
};

}  // namespace

http_reply handle_responses(mock_state& state, std::string_view body, const header_map& headers) {
  json::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return error_reply(400, "Invalid JSON in request body", "invalid_request");
  json::value chat(json::object_kind);
  if (auto err = translate(parsed.get_object(), chat.get_object())) return std::move(*err);
  auto planned = plan_completion(state, chat, headers);
  if (auto* err = std::get_if<http_reply>(&planned)) return std::move(*err);
  planned_completion& p = std::get<planned_completion>(planned);
  rendering r(std::move(p.c), std::move(parsed.get_object()));
  http_reply reply;
  if (p.stream) {
    reply.content_type = "text/event-stream";
    reply.headers.emplace_back("Cache-Control", "no-cache");
    reply.generation_id = r.c.id;
    reply.stream = std::make_unique<responses_sse>(std::move(r));
  } else {
    reply = json_reply(r);
  }
  reply.headers.emplace_back("X-Generation-Id", reply.generation_id);
  reply.stall_before = std::max(reply.stall_before, p.stall_before);
  return reply;
}

}  // namespace openrouter::mock
