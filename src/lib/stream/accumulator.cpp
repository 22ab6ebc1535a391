#include <openrouter/stream/accumulator.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>
#include <type_traits>

namespace openrouter::stream {

namespace json = boost::json;

namespace {

// Moves from `x` when the owner came in as an rvalue, copies otherwise (std::forward_like).
template <class Owner, class T>
decltype(auto) fwd(T& x) {
  if constexpr (std::is_lvalue_reference_v<Owner>)
    return static_cast<const T&>(x);
  else
    return std::move(x);
}

// Returns x, moved out when `move`.
template <class T>
T pass(T& x, bool move) {
  if (move) return std::move(x);
  return x;
}

template <class T>
bool modeled(std::string_view key) {
  const auto keys = wire::json_keys(std::type_identity<T>{});
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// A text part nothing else is attached to: further text can be appended to it.
bool plain_text(const wire::content_part& p) {
  return p.type == "text" && p.text && !p.cache_control && p.prompt_cache_breakpoint.is_null() &&
         p.extra.empty();
}

std::optional<std::int64_t> integer(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  if (v.is_double()) {
    const double d = v.get_double();
    const auto i = static_cast<std::int64_t>(d);
    if (static_cast<double>(i) == d) return i;
  }
  return std::nullopt;
}

void append_string(json::object& obj, std::string_view key, const json::string& s) {
  json::value& slot = obj[key];
  if (json::string* have = slot.if_string())
    have->append(s);
  else
    slot = s;
}

void append_items(json::array& to, const json::value& from) {
  if (const json::array* arr = from.if_array())
    to.insert(to.end(), arr->begin(), arr->end());
  else if (!from.is_null())
    to.push_back(from);
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

boost::system::error_code json_error(std::string_view text) {
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  json::parse(text, ec, &arena);
  return ec;
}

}  // namespace

// --- free functions -------------------------------------------------------------------------

std::string_view to_string(stream_outcome o) noexcept {
  switch (o) {
    case stream_outcome::complete:
      return "complete";
    case stream_outcome::error:
      return "error";
    case stream_outcome::incomplete:
      return "incomplete";
  }
  return "unknown";
}

boost::system::error_code make_error_code(stream_outcome o) noexcept {
  switch (o) {
    case stream_outcome::complete:
      return {};
    case stream_outcome::error:
      return openrouter::make_error_code(errc::stream_error);
    case stream_outcome::incomplete:
      return openrouter::make_error_code(errc::stream_incomplete);
  }
  return {};
}

std::vector<invalid_tool_call> invalid_tool_arguments(const wire::message& msg, bool empty_is_valid,
                                                      std::size_t choice) {
  std::vector<invalid_tool_call> out;
  for (std::size_t i = 0; i < msg.tool_calls.size(); ++i) {
    const wire::tool_call& tc = msg.tool_calls[i];
    const std::string& args = tc.function.arguments;
    if (empty_is_valid && blank(args)) continue;
    if (auto ec = json_error(args))
      out.push_back({choice, i, tc.id, tc.function.name, ec});
  }
  return out;
}

std::vector<invalid_tool_call> invalid_tool_arguments(const wire::chat_response& response,
                                                      bool empty_is_valid) {
  std::vector<invalid_tool_call> out;
  for (std::size_t i = 0; i < response.choices.size(); ++i) {
    auto more = invalid_tool_arguments(response.choices[i].message, empty_is_valid, i);
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  return out;
}

// --- feeding --------------------------------------------------------------------------------

void accumulator::feed(const wire::chat_chunk& chunk) { feed_impl(chunk); }
void accumulator::feed(wire::chat_chunk&& chunk) { feed_impl(std::move(chunk)); }

void accumulator::feed_data(std::string_view data, boost::system::error_code& ec) {
  ec = {};
  if (data == "[DONE]") {
    done();
    return;
  }
  wire::chat_chunk chunk;
  wire::parse_chat_chunk(data, chunk, ec);
  if (!ec) feed(std::move(chunk));
}

void accumulator::reset() { *this = accumulator(); }

template <class Chunk>
void accumulator::feed_impl(Chunk&& chunk) {
  using C = decltype(chunk);
  ++chunks_;
  if (id_.empty() && !chunk.id.empty()) id_ = fwd<C>(chunk.id);
  if (model_.empty() && !chunk.model.empty()) model_ = fwd<C>(chunk.model);
  if (provider_.empty() && !chunk.provider.empty()) provider_ = fwd<C>(chunk.provider);
  if (!created_ && chunk.created) created_ = chunk.created;
  if (!system_fingerprint_ && chunk.system_fingerprint && !chunk.system_fingerprint->empty())
    system_fingerprint_ = fwd<C>(chunk.system_fingerprint);
  if (!service_tier_ && chunk.service_tier && !chunk.service_tier->empty())
    service_tier_ = fwd<C>(chunk.service_tier);
  if (chunk.usage) usage_ = fwd<C>(chunk.usage);
  if (chunk.error) error_ = fwd<C>(chunk.error);
  if (!chunk.openrouter_metadata.is_null()) openrouter_metadata_ = fwd<C>(chunk.openrouter_metadata);
  if (!chunk.debug.is_null()) debug_.push_back(fwd<C>(chunk.debug));
  for (auto& kv : chunk.extra)
    if (!modeled<wire::chat_chunk>(kv.key())) extra_[kv.key()] = fwd<C>(kv.value());
  for (auto& choice : chunk.choices) feed_choice(fwd<C>(choice));
}

accumulator::choice_state& accumulator::choice_at(std::int64_t index) {
  // Nearly always one choice: check the back first, then insert in index order.
  if (!choices_.empty() && choices_.back().index == index) return choices_.back();
  auto it = std::lower_bound(choices_.begin(), choices_.end(), index,
                             [](const choice_state& c, std::int64_t i) { return c.index < i; });
  if (it != choices_.end() && it->index == index) return *it;
  it = choices_.insert(it, choice_state{});
  it->index = index;
  return *it;
}

const accumulator::choice_state* accumulator::find_choice(std::int64_t index) const noexcept {
  auto it = std::lower_bound(choices_.begin(), choices_.end(), index,
                             [](const choice_state& c, std::int64_t i) { return c.index < i; });
  return it != choices_.end() && it->index == index ? &*it : nullptr;
}

template <class Choice>
void accumulator::feed_choice(Choice&& in) {
  using C = decltype(in);
  choice_state& c = choice_at(in.index);
  if (in.finish_reason) {
    c.finish_reason = fwd<C>(in.finish_reason);
    finish_seen_ = true;
  }
  if (in.native_finish_reason) c.native_finish_reason = fwd<C>(in.native_finish_reason);
  if (const json::object* lp = in.logprobs.if_object()) {
    for (const json::key_value_pair& kv : *lp) {
      if (kv.value().is_array()) {
        json::value& slot = c.logprobs[kv.key()];
        if (!slot.is_array()) slot = json::array();
        append_items(slot.get_array(), kv.value());
      } else if (!kv.value().is_null()) {
        c.logprobs[kv.key()] = kv.value();
      }
    }
  }
  for (auto& kv : in.extra) {
    if (modeled<wire::chunk_choice>(kv.key())) continue;
    if (kv.key() == "error" && kv.value().is_object()) {
      auto err = json::try_value_to<wire::api_error>(kv.value());
      if (err) {
        c.error = std::move(*err);
        continue;
      }
    }
    c.choice_extra[kv.key()] = fwd<C>(kv.value());
  }
  feed_delta(c, fwd<C>(in.delta));
}

template <class Delta>
void accumulator::feed_delta(choice_state& c, Delta&& d) {
  using D = decltype(d);
  if (d.role && c.role.empty()) c.role = *d.role;
  if (d.content) {
    c.content_seen = true;
    append_text(c, *d.content);
  }
  if (d.reasoning) c.reasoning += *d.reasoning;
  if (d.refusal) c.refusal += *d.refusal;
  if (const json::array* arr = d.reasoning_details.if_array())
    for (const json::value& item : *arr) feed_detail(c, item);
  else if (d.reasoning_details.is_object())
    feed_detail(c, d.reasoning_details);
  for (auto& f : d.tool_calls) feed_tool_call(c, fwd<D>(f));
  if (!d.images.empty()) {
    if constexpr (std::is_lvalue_reference_v<D>)
      c.images.insert(c.images.end(), d.images.begin(), d.images.end());
    else
      c.images.insert(c.images.end(), std::make_move_iterator(d.images.begin()),
                      std::make_move_iterator(d.images.end()));
  }
  auto add_annotation = [&](const json::value& a) {
    for (const json::value& have : c.annotations)
      if (wire::same_json(have, a)) return;
    c.annotations.push_back(a);
  };
  if (const json::array* arr = d.annotations.if_array())
    for (const json::value& a : *arr) add_annotation(a);
  else if (d.annotations.is_object())
    add_annotation(d.annotations);
  if (const json::object* audio = d.audio.if_object()) {
    c.audio_seen = true;
    for (const json::key_value_pair& kv : *audio) {
      const json::string* s = kv.value().if_string();
      if (kv.key() == "data" && s)
        c.audio_data.append(s->data(), s->size());
      else if (kv.key() == "transcript" && s)
        c.audio_transcript.append(s->data(), s->size());
      else if (!kv.value().is_null())
        c.audio_meta[kv.key()] = kv.value();
    }
  }
  for (auto& kv : d.extra) {
    if (kv.key() == "content" && kv.value().is_array()) {
      // content parts (left in extra by a lenient decode: chunk_delta::content is a string)
      c.content_seen = true;
      append_parts(c, kv.value().get_array());
      continue;
    }
    if (!modeled<wire::chunk_delta>(kv.key())) c.message_extra[kv.key()] = fwd<D>(kv.value());
  }
}

void accumulator::append_text(choice_state& c, std::string_view s) {
  c.text.append(s);
  if (!c.parts_mode || s.empty()) return;
  if (!c.parts.empty() && plain_text(c.parts.back()))
    c.parts.back().text->append(s);
  else
    c.parts.push_back(wire::text_part(std::string(s)));
}

void accumulator::append_parts(choice_state& c, const json::array& parts) {
  if (!c.parts_mode) {
    c.parts_mode = true;
    if (!c.text.empty()) c.parts.push_back(wire::text_part(c.text));
  }
  for (const json::value& jv : parts) {
    if (const json::string* s = jv.if_string()) {  // a bare string among parts: text
      append_text(c, std::string_view(s->data(), s->size()));
      continue;
    }
    auto part = json::try_value_to<wire::content_part>(jv);
    if (!part) continue;  // not a part we can read (not an object, wrong member kinds)
    if (plain_text(*part)) {
      append_text(c, *part->text);
      continue;
    }
    if (part->type == "text" && part->text) c.text.append(*part->text);
    c.parts.push_back(std::move(*part));
  }
}

// reasoning_details fragments of one block share (index, type): merge them.
void accumulator::feed_detail(choice_state& c, const json::value& item) {
  const json::object* frag = item.if_object();
  std::optional<std::int64_t> index;
  if (frag != nullptr)
    if (const json::value* i = frag->if_contains("index")) index = integer(*i);
  if (!index) {
    c.details.push_back(item);
    return;
  }
  std::string type;
  if (const json::value* t = frag->if_contains("type"); t && t->is_string())
    type = std::string(t->get_string());
  auto [it, inserted] = c.detail_by_key.try_emplace({*index, std::move(type)}, c.details.size());
  if (inserted) {
    c.details.push_back(item);
    return;
  }
  json::object& block = c.details[it->second].as_object();
  for (const json::key_value_pair& kv : *frag) {
    const std::string_view key = kv.key();
    if (key == "index" || key == "type") continue;
    const json::string* s = kv.value().if_string();
    if (s && (key == "text" || key == "summary" || key == "data"))
      append_string(block, key, *s);
    else if (key == "signature" && !kv.value().is_null())
      block[key] = kv.value();
    else if (const json::value* have = block.if_contains(key); !have || have->is_null())
      block[key] = kv.value();
  }
}

std::size_t accumulator::new_call(choice_state& c, std::int64_t index, std::string id) {
  // After every call of an index <= this one: index order, then arrival order.
  auto it = std::upper_bound(c.calls.begin(), c.calls.end(), index,
                             [](std::int64_t i, const partial_tool_call& p) { return i < p.index; });
  const bool at_end = it == c.calls.end();
  it = c.calls.insert(it, partial_tool_call{});
  it->index = index;
  it->call.id = std::move(id);
  const auto pos = static_cast<std::size_t>(it - c.calls.begin());
  if (at_end) {
    c.call_by_index[index] = pos;
    if (!c.calls[pos].call.id.empty()) c.call_by_id[c.calls[pos].call.id] = pos;
  } else {  // an index arrived out of order: positions moved (rare, calls are few)
    c.call_by_index.clear();
    c.call_by_id.clear();
    for (std::size_t i = 0; i < c.calls.size(); ++i) {
      c.call_by_index[c.calls[i].index] = i;  // later position = newer call of that index
      if (!c.calls[i].call.id.empty()) c.call_by_id[c.calls[i].call.id] = i;
    }
  }
  return pos;
}

template <class Fragment>
void accumulator::feed_tool_call(choice_state& c, Fragment&& f) {
  using F = decltype(f);
  const bool has_id = f.id && !f.id->empty();
  const bool has_name = f.function && f.function->name && !f.function->name->empty();
  std::size_t pos = 0;
  bool repeated_head = false;
  // Without an index: the call of that id, a new call after the last one for a new id, else the
  // call the previous fragment belonged to.
  std::int64_t index = c.last_call_index;
  if (f.index) {
    index = *f.index;
  } else if (has_id) {
    auto by_id = c.call_by_id.find(*f.id);
    if (by_id != c.call_by_id.end()) index = c.calls[by_id->second].index;
    else if (!c.calls.empty()) index = c.calls.back().index + 1;
  }
  if (has_id) {
    if (auto by_id = c.call_by_id.find(*f.id); by_id != c.call_by_id.end()) {
      pos = by_id->second;  // the id wins over the index
      repeated_head = true;
    } else if (auto by_index = c.call_by_index.find(index); by_index != c.call_by_index.end() &&
                                                              c.calls[by_index->second].call.id.empty()) {
      pos = by_index->second;  // arguments came before the head: adopt the id
      c.calls[pos].call.id = *f.id;
      c.call_by_id[*f.id] = pos;
    } else {
      pos = new_call(c, index, *f.id);  // new index, or a second id on a taken index
    }
  } else if (auto by_index = c.call_by_index.find(index); by_index != c.call_by_index.end()) {
    pos = by_index->second;
    // A different name on a call whose arguments have begun: a new call without id.
    const wire::function_call& fn = c.calls[pos].call.function;
    if (has_name && !fn.name.empty() && fn.name != *f.function->name && !fn.arguments.empty())
      pos = new_call(c, index, {});
  } else {
    pos = new_call(c, index, {});
  }

  c.last_call_index = c.calls[pos].index;
  wire::tool_call& call = c.calls[pos].call;
  if (f.type && !f.type->empty()) call.type = *f.type;
  for (auto& kv : f.extra)
    if (!modeled<wire::tool_call_delta>(kv.key())) call.extra[kv.key()] = fwd<F>(kv.value());
  if (!f.function) return;
  auto& fn = *f.function;
  bool resend = false;
  if (has_name) {
    if (call.function.name.empty())
      call.function.name = *fn.name;
    else if (call.function.name == *fn.name)
      resend = repeated_head && fn.arguments && !call.function.arguments.empty() &&
               *fn.arguments == call.function.arguments;
    else
      call.function.name += *fn.name;  // a name streamed in pieces
  }
  if (fn.arguments && !resend) call.function.arguments += *fn.arguments;
  for (auto& kv : fn.extra)
    if (!modeled<wire::function_delta>(kv.key()))
      call.function.extra[kv.key()] = fwd<F>(kv.value());
}

// --- queries --------------------------------------------------------------------------------

bool accumulator::all_finished() const noexcept {
  return !choices_.empty() && std::all_of(choices_.begin(), choices_.end(), [](const choice_state& c) {
           return c.finish_reason.has_value();
         });
}

stream_outcome accumulator::outcome() const noexcept {
  if (error_) return stream_outcome::error;
  for (const choice_state& c : choices_)
    if (c.error || (c.finish_reason && *c.finish_reason == "error")) return stream_outcome::error;
  if (done_ || all_finished()) return stream_outcome::complete;
  return stream_outcome::incomplete;
}

std::vector<std::int64_t> accumulator::choice_indexes() const {
  std::vector<std::int64_t> out;
  out.reserve(choices_.size());
  for (const choice_state& c : choices_) out.push_back(c.index);
  return out;
}

std::string_view accumulator::text(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c ? std::string_view(c->text) : std::string_view();
}

std::string_view accumulator::reasoning(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c ? std::string_view(c->reasoning) : std::string_view();
}

std::string_view accumulator::refusal(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c ? std::string_view(c->refusal) : std::string_view();
}

const std::string* accumulator::finish_reason(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c && c->finish_reason ? &*c->finish_reason : nullptr;
}

const std::string* accumulator::native_finish_reason(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c && c->native_finish_reason ? &*c->native_finish_reason : nullptr;
}

std::span<const partial_tool_call> accumulator::tool_calls(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c ? std::span<const partial_tool_call>(c->calls) : std::span<const partial_tool_call>();
}

std::span<const wire::image_output> accumulator::images(std::int64_t choice) const noexcept {
  const choice_state* c = find_choice(choice);
  return c ? std::span<const wire::image_output>(c->images) : std::span<const wire::image_output>();
}

std::vector<invalid_tool_call> accumulator::invalid_tool_arguments(bool empty_is_valid) const {
  std::vector<invalid_tool_call> out;
  for (std::size_t i = 0; i < choices_.size(); ++i) {
    const auto& calls = choices_[i].calls;
    for (std::size_t j = 0; j < calls.size(); ++j) {
      const wire::tool_call& tc = calls[j].call;
      if (empty_is_valid && blank(tc.function.arguments)) continue;
      if (auto ec = json_error(tc.function.arguments))
        out.push_back({i, j, tc.id, tc.function.name, ec});
    }
  }
  return out;
}

// --- the result -----------------------------------------------------------------------------

wire::chat_choice accumulator::build_choice(choice_state& c, bool move) {
  wire::chat_choice out;
  out.index = c.index;
  out.finish_reason = pass(c.finish_reason, move);
  out.native_finish_reason = pass(c.native_finish_reason, move);
  out.error = pass(c.error, move);
  if (!c.logprobs.empty()) out.logprobs = pass(c.logprobs, move);
  out.extra = pass(c.choice_extra, move);

  wire::message& m = out.message;
  m.role = c.role.empty() ? std::string("assistant") : pass(c.role, move);
  if (c.parts_mode)
    m.content = pass(c.parts, move);
  else if (c.content_seen && !(c.text.empty() && !c.calls.empty()))
    m.content = pass(c.text, move);
  if (!c.reasoning.empty()) m.reasoning = pass(c.reasoning, move);
  if (!c.refusal.empty()) m.refusal = pass(c.refusal, move);
  if (!c.details.empty()) m.reasoning_details = pass(c.details, move);
  m.tool_calls.reserve(c.calls.size());
  for (partial_tool_call& p : c.calls) m.tool_calls.push_back(pass(p.call, move));
  m.images = pass(c.images, move);
  if (!c.annotations.empty()) m.annotations = pass(c.annotations, move);
  if (c.audio_seen) {
    json::object audio = pass(c.audio_meta, move);
    if (!c.audio_data.empty()) audio["data"] = std::string_view(c.audio_data);
    if (!c.audio_transcript.empty()) audio["transcript"] = std::string_view(c.audio_transcript);
    m.audio = std::move(audio);
  }
  m.extra = pass(c.message_extra, move);
  return out;
}

wire::chat_response accumulator::build(bool move) {
  wire::chat_response r;
  r.id = pass(id_, move);
  r.object = "chat.completion";
  r.created = created_;
  r.model = pass(model_, move);
  r.provider = pass(provider_, move);
  r.system_fingerprint = pass(system_fingerprint_, move);
  r.service_tier = pass(service_tier_, move);
  r.usage = pass(usage_, move);
  r.openrouter_metadata = pass(openrouter_metadata_, move);
  r.extra = pass(extra_, move);
  r.choices.reserve(choices_.size());
  for (choice_state& c : choices_) r.choices.push_back(build_choice(c, move));

  // The mid-stream error belongs to the choice it cut short, as in a non-streaming body.
  if (error_) {
    bool placed = false;
    for (wire::chat_choice& c : r.choices) {
      if (c.finish_reason && *c.finish_reason == "error") {
        if (!c.error) c.error = *error_;
        placed = true;
      }
    }
    if (!placed) {
      if (r.choices.empty()) {
        r.choices.emplace_back();
        r.choices.back().message.role = "assistant";
      }
      if (!r.choices.front().error) r.choices.front().error = *error_;
    }
  }
  return r;
}

wire::chat_response accumulator::result() const {
  // build() only moves when asked to; copying through a const_cast keeps one code path.
  return const_cast<accumulator*>(this)->build(false);
}

wire::chat_response accumulator::take() {
  wire::chat_response r = build(true);
  reset();
  return r;
}

}  // namespace openrouter::stream
