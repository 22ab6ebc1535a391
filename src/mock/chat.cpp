#include "chat.hpp"

#include "content.hpp"
#include "errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include <utility>
#include <algorithm>
#include <cmath>
#include <set>
#include <variant>

namespace openrouter::mock {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------------------------
// Request inspection

std::string_view str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string_view(it->value().get_string()) : std::string_view{};
}

const json::array* arr(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() ? it->value().if_array() : nullptr;
}

const json::object* obj(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() ? it->value().if_object() : nullptr;
}

std::optional<std::int64_t> integer(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().get_int64();
  if (it->value().is_uint64()) return static_cast<std::int64_t>(it->value().get_uint64());
  return std::nullopt;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

constexpr std::string_view roles[] = {"system", "developer", "user", "assistant", "tool"};
constexpr std::string_view part_types[] = {"text", "image_url", "file", "input_audio", "video_url", "input_video"};
constexpr std::string_view provider_keys[] = {
    "order", "allow_fallbacks", "require_parameters", "data_collection", "zdr", "enforce_distillable_text",
    "only", "ignore", "quantizations", "sort", "preferred_min_throughput", "preferred_max_latency",
    "max_price", "experimental"};
constexpr std::string_view pdf_engines[] = {"mistral-ocr", "cloudflare-ai", "native", "pdf-text"};

template <std::size_t N>
bool one_of(const std::string_view (&set)[N], std::string_view s) {
  return std::find(std::begin(set), std::end(set), s) != std::end(set);
}

/// Everything the handler learnt from the request while validating it.
struct request_facts {
  bool stream = false;
  std::string prompt;  ///< last user text, for echo and moderation
  std::string instructions;  ///< system and developer texts (JSON mode reads a schema there)
  std::uint64_t seed = 0;
  std::int64_t prompt_tokens = 0;
  bool wants_image_input = false, wants_file_input = false, wants_audio_input = false;
  bool wants_image_output = false;
  bool last_is_tool = false;
  std::size_t assistant_turns = 0;  ///< assistant messages in the conversation (scripted replies)
  std::optional<std::int64_t> max_tokens;
  std::vector<std::string> params;  ///< request parameters, for require_parameters
  struct file_part {
    std::string name, hash;
    std::size_t bytes = 0;
    bool reused = false;
  };
  std::vector<file_part> files;
  bool file_parser = false;
  bool reasoning = false;
};

std::optional<http_reply> invalid(std::string message) {
  return error_reply(400, message, "invalid_request");
}

std::int64_t text_tokens(std::string_view s) { return static_cast<std::int64_t>((s.size() + 3) / 4); }

// Validates the request like the real API does (the subset clients get wrong) and gathers
// the facts the completion needs.
std::optional<http_reply> inspect(const json::object& req, request_facts& f) {
  if (auto it = req.find("stream"); it != req.end()) {
    if (!it->value().is_bool() && !it->value().is_null()) return invalid("stream: expected a boolean");
    f.stream = it->value().is_bool() && it->value().get_bool();
  }
  const json::array* messages = arr(req, "messages");
  if (!messages) return invalid(req.contains("messages") ? "messages: expected an array" : "messages: Required");
  if (messages->empty()) return invalid("messages: Array must contain at least 1 element(s)");

  std::set<std::string> reused_hashes;  // files whose annotations an assistant turn carries
  std::set<std::string> pending_calls;  // tool call ids of the latest assistant turn
  for (std::size_t i = 0; i < messages->size(); ++i) {
    std::string at = "messages[" + std::to_string(i) + "]";
    const json::object* m = (*messages)[i].if_object();
    if (!m) return invalid(at + ": expected an object");
    std::string_view role = str(*m, "role");
    if (!one_of(roles, role)) return invalid(at + ".role: Invalid discriminator value");
    if (role == "tool" && str(*m, "tool_call_id").empty()) return invalid(at + ".tool_call_id: Required");
    // Like the upstream providers: a tool result answers a call of the latest assistant turn.
    if (role == "tool" && !pending_calls.contains(std::string(str(*m, "tool_call_id"))))
      return invalid(at + ".tool_call_id: no tool call with this id in the preceding assistant message");
    if (role == "assistant") {
      ++f.assistant_turns;
      pending_calls.clear();
      if (const json::array* calls = arr(*m, "tool_calls"))
        for (const auto& c : *calls)
          if (const json::object* co = c.if_object()) pending_calls.insert(std::string(str(*co, "id")));
    }
    f.last_is_tool = role == "tool";
    if (role == "assistant")
      if (const json::array* ann = arr(*m, "annotations"))
        for (const auto& a : *ann)
          if (const json::object* ao = a.if_object(); ao && str(*ao, "type") == "file")
            if (const json::object* file = obj(*ao, "file")) reused_hashes.insert(std::string(str(*file, "hash")));
    f.prompt_tokens += 4;
    auto content = m->find("content");
    if (content == m->end() || content->value().is_null()) {
      if (role != "assistant") return invalid(at + ".content: Required");
      continue;
    }
    if (content->value().is_string()) {
      std::string_view text = content->value().get_string();
      f.prompt_tokens += text_tokens(text);
      if (role == "user") f.prompt = text;
      if (role == "system" || role == "developer") f.instructions.append(text).push_back('\n');
      continue;
    }
    if (!content->value().is_array()) return invalid(at + ".content: expected a string or an array of parts");
    std::size_t j = 0;
    for (const auto& pv : content->value().get_array()) {
      std::string pat = at + ".content[" + std::to_string(j++) + "]";
      const json::object* p = pv.if_object();
      if (!p) return invalid(pat + ": expected an object");
      std::string_view type = str(*p, "type");
      if (!one_of(part_types, type)) return invalid(pat + ".type: Invalid discriminator value");
      if (type == "text") {
        if (!p->contains("text") || !p->at("text").is_string()) return invalid(pat + ".text: Required");
        std::string_view text = p->at("text").get_string();
        f.prompt_tokens += text_tokens(text);
        if (role == "user") f.prompt = text;
      } else if (type == "image_url") {
        const json::object* iu = obj(*p, "image_url");
        if (!iu || str(*iu, "url").empty()) return invalid(pat + ".image_url.url: Required");
        f.wants_image_input = true;
        f.prompt_tokens += 85;
      } else if (type == "file") {
        const json::object* file = obj(*p, "file");
        if (!file) return invalid(pat + ".file: Required");
        std::string_view data = str(*file, "file_data");
        if (data.empty() && str(*file, "file_id").empty()) return invalid(pat + ".file.file_data: Required");
        f.wants_file_input = true;
        request_facts::file_part fp{std::string(str(*file, "filename")), sha256_hex(data), data.size()};
        f.prompt_tokens += static_cast<std::int64_t>(data.size() / 16);
        f.files.push_back(std::move(fp));
      } else if (type == "input_audio") {
        f.wants_audio_input = true;
      }
    }
  }

  for (auto& fp : f.files) fp.reused = reused_hashes.count(fp.hash) != 0;
  if (auto mt = integer(req, "max_completion_tokens")) f.max_tokens = mt;
  else if (auto mt2 = integer(req, "max_tokens")) f.max_tokens = mt2;
  for (std::string_view key : {"max_tokens", "max_completion_tokens"})
    if (req.contains(key) && !req.at(key).is_null() && (!integer(req, key) || *integer(req, key) < 1))
      return invalid(std::string(key) + ": Number must be greater than or equal to 1");
  // The mock generates every token it is asked for: a bound keeps one request from asking for
  // gigabytes (real models stop far earlier, at their max_completion_tokens).
  if (f.max_tokens && *f.max_tokens > limits::max_tokens)
    return invalid("max_tokens: the mock generates at most " + std::to_string(limits::max_tokens) + " tokens");
  if (auto it = req.find("temperature"); it != req.end() && !it->value().is_null()) {
    if (!it->value().is_number()) return invalid("temperature: Expected number");
    double t = it->value().to_number<double>();
    if (t < 0 || t > 2) return invalid("temperature: Number must be between 0 and 2");
  }
  if (const json::array* stop = arr(req, "stop"); stop && stop->size() > 4)
    return invalid("stop: Array must contain at most 4 element(s)");
  if (const json::object* md = obj(req, "metadata"); md && md->size() > 16)
    return invalid("metadata: at most 16 key-value pairs");
  if (auto it = req.find("provider"); it != req.end() && !it->value().is_null()) {
    if (!it->value().is_object()) return invalid("provider: expected an object");
    for (const auto& [k, v] : it->value().get_object())
      if (!one_of(provider_keys, k)) return invalid("provider: Unrecognized key(s) in object: '" + std::string(k) + "'");
  }
  if (const json::object* reasoning = obj(req, "reasoning")) {
    std::string_view effort = str(*reasoning, "effort");
    std::string_view shorthand = str(req, "reasoning_effort");
    if (!effort.empty() && !shorthand.empty() && effort != shorthand)
      return invalid("reasoning_effort and reasoning.effort disagree");
    auto enabled = reasoning->find("enabled");
    auto exclude = reasoning->find("exclude");
    f.reasoning = effort != "none" && !(enabled != reasoning->end() && enabled->value() == false) &&
                  !(exclude != reasoning->end() && exclude->value() == true);
  } else if (auto ir = req.find("include_reasoning"); ir != req.end() && ir->value() == true) {
    f.reasoning = true;
  } else if (!str(req, "reasoning_effort").empty() && str(req, "reasoning_effort") != "none") {
    f.reasoning = true;
  }
  if (const json::array* modalities = arr(req, "modalities"))
    for (const auto& m : *modalities)
      if (m == "image") f.wants_image_output = true;
  if (const json::array* plugins = arr(req, "plugins")) {
    for (const auto& pv : *plugins) {
      const json::object* p = pv.if_object();
      if (!p || str(*p, "id").empty()) return invalid("plugins: each plugin needs an id");
      if (str(*p, "id") != "file-parser") continue;
      if (auto en = p->find("enabled"); en != p->end() && en->value() == false) continue;
      f.file_parser = true;
      if (const json::object* pdf = obj(*p, "pdf"))
        if (std::string_view engine = str(*pdf, "engine"); !engine.empty() && !one_of(pdf_engines, engine))
          return invalid("plugins[file-parser].pdf.engine: Invalid enum value '" + std::string(engine) + "'");
    }
  }
  if (const json::object* rf = obj(req, "response_format")) {
    std::string_view type = str(*rf, "type");
    if (type == "json_schema") {
      const json::object* js = obj(*rf, "json_schema");
      if (!js || str(*js, "name").empty()) return invalid("response_format.json_schema.name: Required");
      f.params.push_back("structured_outputs");
    } else if (type != "json_object" && type != "text" && type != "grammar" && type != "python") {
      return invalid("response_format.type: Invalid discriminator value");
    }
    f.params.push_back("response_format");
  }
  // Request parameters that provider.require_parameters checks endpoints for.
  for (std::string_view p : {"tools", "tool_choice", "temperature", "top_p", "top_k", "seed", "stop",
                             "frequency_penalty", "presence_penalty", "logprobs", "top_logprobs",
                             "max_tokens", "reasoning", "logit_bias"})
    if (req.contains(p)) f.params.emplace_back(p);
  f.seed = fnv1a(f.prompt);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Routing: candidates, provider preferences

struct served {
  std::string id;  ///< the model id that serves (may be a fault/ pseudo-model)
  const model_info* info = nullptr;
  const endpoint_info* endpoint = nullptr;
  model_rules rules;
};

std::vector<std::string> strings(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::array* a = arr(o, key))
    for (const auto& v : *a)
      if (v.is_string()) out.emplace_back(v.get_string());
  return out;
}

bool slug_matches(const endpoint_info& e, std::string_view want) {
  // A base slug matches every endpoint of the provider; "provider/variant" exactly one.
  return e.provider_slug == want || e.tag == want || e.provider_name == want;
}

double price_bound(const json::object& max_price, std::string_view key) {
  auto it = max_price.find(key);
  if (it == max_price.end()) return INFINITY;
  if (it->value().is_number()) return it->value().to_number<double>();
  if (it->value().is_string()) return std::strtod(std::string(it->value().get_string()).c_str(), nullptr);
  return INFINITY;
}

// Picks the endpoint for `m` under `provider` preferences, or the 404 the real API gives.
std::variant<const endpoint_info*, http_reply> pick_endpoint(const model_info& m, std::string_view id,
                                                             const json::object* provider,
                                                             const request_facts& f) {
  std::vector<const endpoint_info*> eps;
  for (const auto& e : m.endpoints) eps.push_back(&e);
  if (!provider) return eps.front();
  std::vector<std::string> excluded_by;
  auto filter = [&](std::string_view reason, auto keep) {
    auto before = eps.size();
    std::erase_if(eps, [&](const endpoint_info* e) { return !keep(*e); });
    if (eps.size() != before) excluded_by.emplace_back(reason);
  };
  if (auto only = strings(*provider, "only"); !only.empty())
    filter("allowed_providers", [&](const endpoint_info& e) {
      return std::any_of(only.begin(), only.end(), [&](const auto& s) { return slug_matches(e, s); });
    });
  if (auto ignore = strings(*provider, "ignore"); !ignore.empty())
    filter("allowed_providers", [&](const endpoint_info& e) {
      return std::none_of(ignore.begin(), ignore.end(), [&](const auto& s) { return slug_matches(e, s); });
    });
  if (auto quants = strings(*provider, "quantizations"); !quants.empty())
    filter("quantization", [&](const endpoint_info& e) { return contains(quants, e.quantization); });
  if (str(*provider, "data_collection") == "deny")
    filter("data_policy:training", [](const endpoint_info& e) { return !e.trains_on_data; });
  if (auto z = provider->find("zdr"); z != provider->end() && z->value() == true)
    filter("data_policy:zdr", [](const endpoint_info& e) { return e.zdr; });
  if (auto rp = provider->find("require_parameters"); rp != provider->end() && rp->value() == true)
    filter("require_parameters", [&](const endpoint_info& e) {
      return std::all_of(f.params.begin(), f.params.end(),
                         [&](const std::string& p) { return contains(e.supported_parameters, p); });
    });
  if (const json::object* mp = obj(*provider, "max_price")) {
    double prompt = price_bound(*mp, "prompt"), completion = price_bound(*mp, "completion");
    filter("max_price", [&](const endpoint_info& e) {
      return e.prompt_price * 1e6 <= prompt + 1e-12 && e.completion_price * 1e6 <= completion + 1e-12;
    });
  }
  auto order = strings(*provider, "order");
  bool allow_fallbacks = !(provider->contains("allow_fallbacks") && provider->at("allow_fallbacks") == false);
  if (!order.empty() && !allow_fallbacks)
    filter("allowed_providers", [&](const endpoint_info& e) {
      return std::any_of(order.begin(), order.end(), [&](const auto& s) { return slug_matches(e, s); });
    });
  if (eps.empty()) {
    bool privacy = std::all_of(excluded_by.begin(), excluded_by.end(),
                               [](const std::string& r) { return r.starts_with("data_policy"); });
    json::object avail = availability(privacy ? "privacy_restricted" : "constraint_filtered", false, id);
    json::array ex;
    for (auto& r : excluded_by) ex.emplace_back(r);
    avail["excluded_by"] = std::move(ex);
    return error_reply(404, "No endpoints found matching your data policy and provider preferences for " +
                                std::string(id) + ".",
                       "not_found", {}, json::object{{"availability", std::move(avail)}});
  }
  for (const auto& want : order)
    for (const endpoint_info* e : eps)
      if (slug_matches(*e, want)) return e;
  std::string_view sort = str(*provider, "sort");
  if (const json::object* so = obj(*provider, "sort")) sort = str(*so, "by");
  if (sort == "throughput" || sort == "latency") {
    auto stat = [&](const endpoint_info* e) {
      const char* key = sort == "throughput" ? "throughput_last_30m" : "latency_last_30m";
      const json::object* s = e->json.contains(key) ? e->json.at(key).if_object() : nullptr;
      // An endpoint without stats sorts last either way.
      double missing = sort == "throughput" ? 0.0 : INFINITY;
      return s && s->contains("p50") && s->at("p50").is_number() ? s->at("p50").to_number<double>() : missing;
    };
    return *std::max_element(eps.begin(), eps.end(), [&](auto a, auto b) {
      return sort == "throughput" ? stat(a) < stat(b) : stat(a) > stat(b);
    });
  }
  return eps.front();  // cheapest first
}

// ---------------------------------------------------------------------------------------------
// The completion: one plan feeds both the JSON body and the SSE script, so a stream and a
// non-streamed call for the same request carry the same final content.


// Splits text into pieces of about `n` bytes without cutting a UTF-8 sequence.
std::vector<std::string> split(std::string_view s, std::size_t n) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t len = std::min(n, s.size());
    while (len < s.size() && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) ++len;
    out.emplace_back(s.substr(0, len));
    s.remove_prefix(len);
  }
  return out;
}

std::string call_id(std::uint64_t seed) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string id = "call_";
  for (int i = 0; i < 24; ++i) id.push_back(alphabet[mix(seed + i) % 62]);
  return id;
}

void plan_tools(const json::object& req, const request_facts& f, completion& c) {
  const json::array* tools = arr(req, "tools");
  if (!tools || tools->empty() || f.last_is_tool) return;
  std::string_view choice = str(req, "tool_choice");
  if (choice == "none") return;
  std::vector<const json::object*> fns;
  for (const auto& t : *tools)
    if (const json::object* to = t.if_object(); to && str(*to, "type") == "function")
      if (const json::object* fn = obj(*to, "function")) fns.push_back(fn);
  if (fns.empty()) return;
  if (const json::object* forced = obj(req, "tool_choice")) {
    std::string_view name = forced->contains("function") && forced->at("function").is_object()
                                ? str(forced->at("function").get_object(), "name") : std::string_view{};
    std::erase_if(fns, [&](const json::object* fn) { return str(*fn, "name") != name; });
    if (fns.empty()) return;
  }
  bool parallel = !(req.contains("parallel_tool_calls") && req.at("parallel_tool_calls") == false);
  std::size_t n = parallel ? std::min<std::size_t>(2, fns.size()) : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const json::object& fn = *fns[i];
    json::value params = fn.contains("parameters") ? fn.at("parameters") : json::value(json::object{});
    std::string args = json::serialize(instance_of(params, params, c.seed + i));
    c.tool_calls.push_back(json::object{
        {"id", call_id(c.seed + 7919 * (i + 1))},
        {"type", "function"},
        {"function", json::object{{"name", str(fn, "name")}, {"arguments", args}}}});
  }
  c.finish_reason = c.native_finish_reason = "tool_calls";
}

// The JSON object after "JSON Schema:" in a system prompt (null when there is none).
json::value schema_in(std::string_view instructions) {
  std::size_t at = instructions.find("JSON Schema:");
  if (at == std::string_view::npos) return nullptr;
  std::string_view rest = instructions.substr(at + 12);
  std::size_t open = rest.find('{');
  if (open == std::string_view::npos) return nullptr;
  json::parser p;
  json::error_code ec;
  p.write_some(rest.data() + open, rest.size() - open, ec);
  if (ec) return nullptr;
  return p.release();
}

// A scripted reply for this turn (scenario "replies"); false when the model has none.
bool plan_scripted(const request_facts& f, const std::vector<scripted_reply>& replies, completion& c) {
  if (replies.empty()) return false;
  const scripted_reply& r = replies[std::min(f.assistant_turns, replies.size() - 1)];
  if (r.content) {
    c.fixed = split(*r.content, 8);
    if (c.fixed.empty()) c.fixed.emplace_back();  // an empty answer is still one (empty) piece
    return true;
  }
  for (std::size_t i = 0; i < r.tool_calls.size(); ++i)
    c.tool_calls.push_back(json::object{
        {"id", call_id(c.seed + 7919 * (i + 1) + 104729 * f.assistant_turns)},
        {"type", "function"},
        {"function", json::object{{"name", r.tool_calls[i].first}, {"arguments", r.tool_calls[i].second}}}});
  c.finish_reason = c.native_finish_reason = "tool_calls";
  return true;
}

void plan_content(const json::object& req, const request_facts& f, const model_info& m, completion& c,
                  const model_rules& rules) {
  const pacing& pace = rules.pace;
  c.seed = mix(f.seed ^ fnv1a(c.model));
  if (plan_scripted(f, rules.replies, c)) return;
  plan_tools(req, f, c);
  if (!c.tool_calls.empty()) return;
  std::size_t tokens = f.max_tokens ? static_cast<std::size_t>(*f.max_tokens) : static_cast<std::size_t>(pace.tokens);
  if (f.wants_image_output || (contains(m.output_modalities, "image") && !contains(m.output_modalities, "text"))) {
    c.images.push_back(json::object{{"type", "image_url"},
                                    {"image_url", json::object{{"url", png_data_url(c.seed)}}}});
    if (!contains(m.output_modalities, "text")) tokens = 0;
    else tokens = std::min<std::size_t>(tokens, 6);
  }
  const json::object* rf = obj(req, "response_format");
  std::string_view rf_type = rf ? str(*rf, "type") : std::string_view{};
  if (rf_type == "json_schema") {
    const json::object& js = rf->at("json_schema").get_object();
    json::value schema = js.contains("schema") ? js.at("schema") : json::value(json::object{});
    c.fixed = split(json::serialize(instance_of(schema, schema, c.seed)), 8);
  } else if (json::value schema = schema_in(f.instructions); rf_type == "json_object" && schema.is_object()) {
    // JSON mode with the schema spelled out in the instructions: a model follows it.
    c.fixed = split(json::serialize(instance_of(schema, schema, c.seed)), 8);
  } else if (rf_type == "json_object") {
    c.fixed = split(json::serialize(json::object{{"answer", c.content(std::min<std::size_t>(tokens, 8))}}), 8);
  } else if (f.prompt.starts_with("echo:")) {
    // "echo: text" answers with the text, split at spaces (handy for exact assertions).
    std::string_view rest = std::string_view(f.prompt).substr(5);
    if (rest.starts_with(' ')) rest.remove_prefix(1);
    while (!rest.empty()) {
      std::size_t sp = rest.find(' ', 1);
      c.fixed.emplace_back(rest.substr(0, sp));
      rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
    }
  } else {
    c.text_tokens = tokens;
  }
  if (f.reasoning && m.reasoning) c.reasoning_tokens = 6;
}

void plan_annotations(const request_facts& f, const model_info& m, completion& c, int& parses) {
  // OpenRouter parses a PDF when the plugin asks for it or the model cannot read files; an
  // assistant turn that carries the file's annotation skips the parse (and its cost).
  bool parse = f.file_parser || !contains(m.input_modalities, "file");
  for (const auto& file : f.files) {
    if (!parse || file.reused) continue;
    ++parses;
    c.annotations.push_back(json::object{
        {"type", "file"},
        {"file", json::object{{"hash", file.hash},
                              {"name", file.name},
                              {"content", json::array{json::object{
                                              {"type", "text"},
                                              {"text", "Parsed text of " + file.name + " (" +
                                                           std::to_string(file.bytes) + " bytes of data URL)"}}}}}}});
  }
}

std::string reasoning_piece(const completion& c, std::size_t i) { return token_text(c.seed ^ 0x5eed, i); }

void plan_usage(const request_facts& f, const endpoint_info& e, completion& c, int parses) {
  std::int64_t completion_tokens = static_cast<std::int64_t>(c.content_pieces() + c.reasoning_tokens);
  for (const auto& tc : c.tool_calls)
    completion_tokens += text_tokens(tc.at("function").at("arguments").get_string()) + 4;
  std::int64_t image_tokens = static_cast<std::int64_t>(c.images.size()) * 1290;
  completion_tokens += image_tokens;
  double prompt_cost = static_cast<double>(f.prompt_tokens) * e.prompt_price;
  double completion_cost = static_cast<double>(completion_tokens) * e.completion_price;
  c.cost = prompt_cost + completion_cost + e.request_price + parses * 0.002;
  c.usage = {{"prompt_tokens", f.prompt_tokens},
             {"completion_tokens", completion_tokens},
             {"total_tokens", f.prompt_tokens + completion_tokens},
             {"cost", c.cost},
             {"is_byok", false},
             {"prompt_tokens_details", json::object{{"cached_tokens", 0}, {"audio_tokens", 0}}},
             {"completion_tokens_details",
              json::object{{"reasoning_tokens", static_cast<std::int64_t>(c.reasoning_tokens)},
                           {"image_tokens", image_tokens}}},
             {"cost_details", json::object{{"upstream_inference_cost", nullptr},
                                           {"upstream_inference_prompt_cost", prompt_cost},
                                           {"upstream_inference_completions_cost", completion_cost}}}};
}

json::object error_object(const fault& f, bool masked) {
  json::value code = f.string_code ? json::value("server_error") : json::value(f.status);
  std::string_view type = f.error_type.empty() ? default_error_type(static_cast<unsigned>(f.status)) : f.error_type;
  json::object meta{{"error_type", type}};
  if (f.status != 500) meta["provider_code"] = "overloaded_error";
  std::string message = !f.message.empty() ? f.message
                        : masked           ? "Provider disconnected unexpectedly"
                                           : "Provider returned error";
  return {{"code", std::move(code)}, {"message", message}, {"metadata", std::move(meta)}};
}

// ---------------------------------------------------------------------------------------------
// Non-streaming body

http_reply json_reply(const completion& c) {
  std::size_t pieces = c.content_pieces();
  json::object choice{{"index", 0}, {"logprobs", nullptr}};
  json::object message{{"role", "assistant"}, {"refusal", nullptr}};
  std::string finish = c.finish_reason;
  if (c.inband && c.inband->kind == fault_kind::error_in_body) {
    std::size_t n = c.inband->after_tokens >= 0 ? std::min<std::size_t>(static_cast<std::size_t>(c.inband->after_tokens), pieces) : pieces / 2;
    message["content"] = c.content(n);
    finish = "error";
    choice["error"] = error_object(*c.inband, true);
  } else if (!c.tool_calls.empty()) {
    message["content"] = nullptr;
    message["tool_calls"] = c.tool_calls;
  } else {
    message["content"] = c.content(pieces);
  }
  if (c.reasoning_tokens) {
    std::string r;
    for (std::size_t i = 0; i < c.reasoning_tokens; ++i) r += reasoning_piece(c, i);
    message["reasoning"] = r;
  } else {
    message["reasoning"] = nullptr;
  }
  if (!c.images.empty()) message["images"] = c.images;
  if (!c.annotations.empty()) message["annotations"] = c.annotations;
  choice["finish_reason"] = finish;
  choice["native_finish_reason"] = finish == "error" ? "error" : c.native_finish_reason;
  choice["message"] = std::move(message);
  json::object body{{"id", c.id},
                    {"provider", c.provider},
                    {"model", c.model},
                    {"object", "chat.completion"},
                    {"created", c.created},
                    {"system_fingerprint", "fp_mock0001"},
                    {"choices", json::array{std::move(choice)}},
                    {"usage", c.usage}};
  http_reply r;
  r.body = json::serialize(body);
  r.generation_id = c.id;
  if (c.inband && c.inband->kind == fault_kind::malformed_json) r.body.resize(r.body.size() / 2);
  if (c.inband && c.inband->kind == fault_kind::reset) r.reset_mid_body = true;
  if (c.inband && c.inband->kind == fault_kind::stall && c.inband->after_tokens >= 0)
    r.stall_mid_body = std::chrono::milliseconds(static_cast<long>(c.inband->seconds * 1000));
  return r;
}

// ---------------------------------------------------------------------------------------------
// Streaming script

class chat_stream final : public sse_script {
 public:
  explicit chat_stream(completion c) : c_(std::move(c)) {
    prefix_ = "data: {\"id\":\"" + c_.id + "\",\"provider\":" + json::serialize(json::value(c_.provider)) +
              ",\"model\":" + json::serialize(json::value(c_.model)) +
              ",\"object\":\"chat.completion.chunk\",\"created\":" + std::to_string(c_.created) + ",\"choices\":";
    for (const auto& tc : c_.tool_calls) {
      const auto& args = tc.at("function").at("arguments").get_string();
      fragments_.push_back(split(std::string_view(args), std::max<std::size_t>(1, args.size() / 3 + 1)));
    }
  }

  bool close_after() const override { return closing_; }
  bool coalesce() const override { return c_.pace.coalesce; }

  bool next(sse_step& out) override {
    out = {};
    while (true) {
      switch (phase_) {
        case phase::comments:
          if (step_ < static_cast<std::size_t>(c_.pace.comments_before)) {
            // Spread the keep-alive comments over the time to first token.
            if (step_ > 0 && c_.pace.comments_before > 1)
              out.delay = std::chrono::milliseconds(c_.pace.ttft_ms / (c_.pace.comments_before));
            ++step_;
            out.bytes = ": OPENROUTER PROCESSING\n\n";
            return true;
          }
          advance(phase::role);
          out.delay = std::chrono::milliseconds(
              c_.pace.ttft_ms - (c_.pace.comments_before > 1 ? (c_.pace.comments_before - 1) * (c_.pace.ttft_ms / c_.pace.comments_before) : 0));
          out.bytes = delta("{\"role\":\"assistant\",\"content\":\"\"}");
          return true;
        case phase::role:  // folded into the comments phase (see advance)
        case phase::reasoning:
          if (step_ < c_.reasoning_tokens) {
            out.delay = token_delay();
            out.bytes = delta("{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":" +
                              quote(reasoning_piece(c_, step_++)) + "}");
            return true;
          }
          advance(phase::content);
          continue;
        case phase::content:
          if (step_ < c_.content_pieces()) {
            if (fault_due()) return fire(out);
            out.delay = pending_comment_ ? itl() : token_delay();
            if (pending_comment_) {
              pending_comment_ = false;
              out.bytes = ": OPENROUTER PROCESSING\n\n";
              return true;
            }
            out.bytes = delta("{\"role\":\"assistant\",\"content\":" + quote(c_.piece(step_)) + "}");
            ++step_;
            ++delivered_;
            if (c_.pace.comment_every > 0 && step_ % static_cast<std::size_t>(c_.pace.comment_every) == 0 &&
                step_ < c_.content_pieces())
              pending_comment_ = true;
            return true;
          }
          if (fault_due()) return fire(out);
          advance(phase::tools);
          continue;
        case phase::tools:
          if (next_tool_fragment(out)) return true;
          advance(phase::images);
          continue;
        case phase::images:
          advance(phase::finish);
          if (!c_.images.empty()) {
            out.delay = itl();
            out.bytes = delta("{\"role\":\"assistant\",\"content\":\"\",\"images\":" + json::serialize(c_.images) + "}");
            return true;
          }
          continue;
        case phase::finish: {
          if (truncated_) return false;
          advance(phase::usage);
          std::string d = "{\"role\":\"assistant\",\"content\":\"\"";
          if (!c_.annotations.empty()) d += ",\"annotations\":" + json::serialize(c_.annotations);
          d += "}";
          out.bytes = delta(d, c_.finish_reason);
          return true;
        }
        case phase::usage:
          advance(phase::done);
          out.bytes = prefix_ + "[],\"usage\":" + json::serialize(c_.usage) + "}\n\n";
          return true;
        case phase::done:
          advance(phase::end);
          if (c_.inband && c_.inband->kind == fault_kind::no_done) return false;
          out.bytes = "data: [DONE]\n\n";
          return true;
        case phase::end:
          return false;
      }
    }
  }

 private:
  enum class phase { comments, role, reasoning, content, tools, images, finish, usage, done, end };

  void advance(phase p) {
    phase_ = p == phase::role ? phase::reasoning : p;
    step_ = 0;
  }

  std::chrono::milliseconds itl() const { return std::chrono::milliseconds(c_.pace.itl_ms); }
  // The first token (reasoning or content) comes with the role chunk, at ttft_ms; each later
  // one itl_ms after the one before.
  std::chrono::milliseconds token_delay() { return std::exchange(first_token_, false) ? std::chrono::milliseconds(0) : itl(); }
  bool first_token_ = true;

  static std::string quote(std::string_view s) { return json::serialize(json::value(json::string(s))); }

  std::string delta(std::string_view d, std::string_view finish = {}) const {
    std::string f = finish.empty() ? "null" : quote(finish);
    return prefix_ + "[{\"index\":0,\"delta\":" + std::string(d) + ",\"finish_reason\":" + f +
           ",\"native_finish_reason\":" + f + ",\"logprobs\":null}],\"system_fingerprint\":\"fp_mock0001\"}\n\n";
  }

  bool fault_due() const {
    if (!c_.inband || fired_) return false;
    // A plain no_done only drops the final [DONE]; see phase::done.
    if (c_.inband->kind == fault_kind::no_done && c_.inband->after_tokens < 0) return false;
    return static_cast<std::size_t>(std::max(c_.inband->after_tokens, 0)) <= delivered_;
  }

  bool fire(sse_step& out) {
    fired_ = true;
    const fault& f = *c_.inband;
    switch (f.kind) {
      case fault_kind::mid_stream_error:
      case fault_kind::error_in_body: {
        json::object chunk{{"id", c_.id}, {"object", "chat.completion.chunk"}, {"created", c_.created},
                           {"model", c_.model}, {"provider", c_.provider}, {"error", error_object(f, true)},
                           {"choices", json::array{json::object{{"index", 0},
                                                                {"delta", json::object{{"content", ""}}},
                                                                {"finish_reason", "error"},
                                                                {"native_finish_reason", "error"}}}}};
        out.bytes = "data: " + json::serialize(chunk) + "\n\n";
        out.delay = itl();
        phase_ = phase::end;
        closing_ = true;
        return true;
      }
      case fault_kind::reset:
        out.act = sse_step::action::reset;
        out.delay = itl();
        phase_ = phase::end;
        return true;
      case fault_kind::stall:
        out.delay = std::chrono::milliseconds(static_cast<long>(f.seconds * 1000));
        out.bytes = "";  // nothing but time passes
        return true;
      case fault_kind::malformed_json:
        out.bytes = prefix_ + "[{\"index\":0,\"delta\":{\"content\":\"broken\n\n";
        return true;
      case fault_kind::malformed_sse:
        // The JSON spills onto a second line without a "data:" field name.
        out.bytes = prefix_ + "[{\"index\":0,\n\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n";
        return true;
      case fault_kind::no_done:
        // The body just ends: no finish, no usage, no [DONE].
        truncated_ = true;
        phase_ = phase::finish;
        out.bytes = "";
        return true;
      default:
        out.bytes = "";
        return true;
    }
  }

  // Parallel tool calls: each call's head, then their argument fragments interleaved.
  bool next_tool_fragment(sse_step& out) {
    std::size_t calls = c_.tool_calls.size();
    if (calls == 0) return false;
    std::size_t total = 0;
    for (const auto& f : fragments_) total += f.size();
    if (step_ >= calls + total) return false;
    out.delay = itl();
    std::string frag;
    if (step_ < calls) {
      const json::object& tc = c_.tool_calls[step_].get_object();
      frag = "{\"index\":" + std::to_string(step_) + ",\"id\":" + quote(tc.at("id").get_string()) +
             ",\"type\":\"function\",\"function\":{\"name\":" +
             quote(tc.at("function").at("name").get_string()) + ",\"arguments\":\"\"}}";
    } else {
      // Round-robin over the calls' remaining fragments.
      std::size_t k = step_ - calls, call = 0, idx = 0;
      for (std::size_t round = 0;; ++round) {
        bool any = false;
        for (call = 0; call < calls; ++call) {
          if (round < fragments_[call].size()) {
            any = true;
            if (k-- == 0) {
              idx = round;
              goto found;
            }
          }
        }
        if (!any) return false;
      }
    found:
      frag = "{\"index\":" + std::to_string(call) + ",\"function\":{\"arguments\":" + quote(fragments_[call][idx]) + "}}";
    }
    ++step_;
    out.bytes = delta("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[" + frag + "]}");
    return true;
  }

  completion c_;
  std::string prefix_;
  std::vector<std::vector<std::string>> fragments_;
  phase phase_ = phase::comments;
  std::size_t step_ = 0, delivered_ = 0;
  bool pending_comment_ = false, fired_ = false, closing_ = false, truncated_ = false;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ---------------------------------------------------------------------------------------------
// One candidate model: everything that can fail before the first byte.

std::variant<served, http_reply> route(mock_state& state, const scenario& scen, std::string_view id,
                                       const json::object& req, const request_facts& f) {
  served s;
  // The auto router picks a real model; the response reports the one that served.
  if (id == "openrouter/auto") id = "openai/gpt-4o-mini";
  s.id = std::string(id);
  std::string fault_error;
  bool fault_model = parse_fault_model(id, fault_error).has_value();
  if (!fault_error.empty()) return error_reply(400, fault_error, "invalid_request");
  s.info = state.models().find(fault_model ? std::string_view("openai/gpt-4o-mini") : id);
  if (!s.info) {
    return error_reply(400, std::string(id) + " is not a valid model ID", "invalid_request", {},
                       json::object{{"availability", availability("model_not_found", false, id)}});
  }
  const model_info& m = *s.info;
  auto missing_input = [&](bool wanted, std::string_view modality) {
    return wanted && !contains(m.input_modalities, modality);
  };
  if (missing_input(f.wants_image_input, "image") || missing_input(f.wants_audio_input, "audio") ||
      (f.wants_image_output && !contains(m.output_modalities, "image"))) {
    return error_reply(404, "No endpoints found that support the requested input or output modalities for " +
                                std::string(id) + ".",
                       "not_found", {}, json::object{{"availability", availability("no_endpoints", false, id)}});
  }
  auto picked = pick_endpoint(m, id, obj(req, "provider"), f);
  if (auto* err = std::get_if<http_reply>(&picked)) return std::move(*err);
  s.endpoint = std::get<const endpoint_info*>(picked);
  if (f.prompt_tokens > s.endpoint->context_length && s.endpoint->context_length > 0) {
    return error_reply(400, "This endpoint's maximum context length is " + std::to_string(s.endpoint->context_length) +
                                " tokens. However, you requested about " + std::to_string(f.prompt_tokens) + " tokens.",
                       "context_length_exceeded");
  }
  s.rules = scen.rules_for(id);
  return s;
}

}  // namespace

std::variant<planned_completion, http_reply> plan_completion(mock_state& state, const json::value& parsed,
                                                            const header_map& headers) {
  if (!parsed.is_object()) return error_reply(400, "Invalid JSON in request body", "invalid_request");
  const json::object& req = parsed.get_object();
  request_facts f;
  if (auto err = inspect(req, f)) return std::move(*err);

  std::vector<std::string> candidates;
  if (std::string_view m = str(req, "model"); !m.empty()) candidates.emplace_back(m);
  for (auto& m : strings(req, "models"))
    if (std::find(candidates.begin(), candidates.end(), m) == candidates.end()) candidates.push_back(std::move(m));
  if (candidates.empty()) candidates.emplace_back("openai/gpt-4o-mini");  // the account's default model

  auto scen = state.current_scenario();
  auto now = std::chrono::steady_clock::now();
  http_reply last_error;
  for (const auto& candidate : candidates) {
    auto routed = route(state, *scen, candidate, req, f);
    if (auto* err = std::get_if<http_reply>(&routed)) {
      last_error = std::move(*err);
      continue;  // any pre-stream error moves on to the next model, as `models` does
    }
    served& s = std::get<served>(routed);
    std::optional<fault> hit = state.faults().draw(s.rules, f.stream, now);
    if (hit && (hit->kind == fault_kind::http_error || hit->kind == fault_kind::wrapped_transient ||
                hit->kind == fault_kind::rate_limit)) {
      last_error = fault_reply(*hit, s.id, s.endpoint->provider_name, f.prompt);
      continue;
    }
    planned_completion out;
    out.stream = f.stream;
    if (hit && hit->after_tokens < 0 && (hit->kind == fault_kind::stall || hit->kind == fault_kind::reset)) {
      if (hit->kind == fault_kind::reset) {
        http_reply pre;  // a delivery fault before any byte
        pre.reset_before = true;
        return pre;
      }
      out.stall_before = std::chrono::milliseconds(static_cast<long>(hit->seconds * 1000));
      hit.reset();
    }

    completion& c = out.c;
    c.created = unix_now();
    c.id = state.new_generation_id(c.created);
    c.model = s.id;
    c.provider = s.endpoint->provider_name;
    c.pace = s.rules.pace;
    c.inband = hit;
    try {
      plan_content(req, f, *s.info, c, s.rules);
    } catch (const instance_too_large& e) {
      return error_reply(400, std::string("response_format or tools: ") + e.what(), "invalid_request");
    }
    int parses = 0;
    plan_annotations(f, *s.info, c, parses);
    plan_usage(f, *s.endpoint, c, parses);

    generation_record rec;
    rec.id = c.id;
    rec.requested_model = candidates.front();
    rec.model = c.model;
    rec.provider = c.provider;
    rec.streamed = f.stream;
    bool errored = c.inband && (c.inband->kind == fault_kind::error_in_body || c.inband->kind == fault_kind::mid_stream_error);
    rec.finish_reason = errored ? "error" : c.finish_reason;
    rec.prompt_tokens = c.usage.at("prompt_tokens").as_int64();
    rec.completion_tokens = c.usage.at("completion_tokens").as_int64();
    rec.cost = c.cost;
    rec.file_parses = parses;
    rec.completion_text = c.content(c.content_pieces());
    for (const char* h : {"http-referer", "x-openrouter-title", "x-title", "user-agent", "x-openrouter-categories"})
      if (auto it = headers.find(h); it != headers.end()) rec.headers[h] = it->second;
    rec.request = parsed;
    rec.created = std::chrono::system_clock::now();
    state.record(std::move(rec));
    return out;
  }
  return last_error;
}

std::string reasoning_text(const completion& c, std::size_t i) { return reasoning_piece(c, i); }

json::object error_object(const fault& f) { return error_object(f, true); }

http_reply handle_chat(mock_state& state, std::string_view body, const header_map& headers) {
  json::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return error_reply(400, "Invalid JSON in request body", "invalid_request");
  auto planned = plan_completion(state, parsed, headers);
  if (auto* err = std::get_if<http_reply>(&planned)) return std::move(*err);
  planned_completion& p = std::get<planned_completion>(planned);
  http_reply r;
  if (p.stream) {
    r.content_type = "text/event-stream";
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.generation_id = p.c.id;
    r.stream = std::make_unique<chat_stream>(std::move(p.c));
  } else {
    r = json_reply(p.c);
  }
  r.headers.emplace_back("X-Generation-Id", r.generation_id);
  r.stall_before = std::max(r.stall_before, p.stall_before);
  return r;
}

}  // namespace openrouter::mock
