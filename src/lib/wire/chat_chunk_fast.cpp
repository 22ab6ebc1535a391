// The fast path of parse_chat_chunk(): a Boost.JSON SAX handler that writes the common chunk
// shape straight into the caller's chat_chunk. The DOM decoder (codec.hpp) stays the definition:
// this handler reproduces its result exactly for the keys and kinds it models and gives up
// (returns false from a callback) on anything else, leaving the chunk to the DOM decoder.
//
// Reproduced quirks of the DOM decoder:
// - a modeled key whose value leaves its member unset (null; "" for a plain std::string) is also
//   kept in the owner's `extra`, in document order;
// - null leaves an optional unset, clears a plain string and zeroes the required `index`;
// - a member the chunk does not mention is reset (the DOM decoder starts from chat_chunk{}).
#include "chat_chunk_fast.hpp"
#include "sax_handler.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>

namespace openrouter::wire::detail {

namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

// Where the value after the current key goes; also the bit number in the `seen` masks.
enum class slot : std::uint8_t {
  // chat_chunk
  id, object, created, model, provider, system_fingerprint, service_tier, choices,
  // chunk_choice
  index, delta, finish_reason, native_finish_reason, logprobs,
  // chunk_delta
  role, content, reasoning, refusal,
  none,
};

// The JSON key of each slot, in enum order.
constexpr std::string_view slot_keys[] = {
    "id",           "object",  "created", "model",         "provider",             "system_fingerprint",
    "service_tier", "choices", "index",   "delta",         "finish_reason",        "native_finish_reason",
    "logprobs",     "role",    "content", "reasoning",     "refusal",
};
static_assert(std::size(slot_keys) == static_cast<std::size_t>(slot::none));

constexpr std::string_view key_of(slot s) noexcept { return slot_keys[static_cast<std::size_t>(s)]; }

constexpr std::uint32_t bit(slot s) noexcept { return std::uint32_t{1} << static_cast<unsigned>(s); }

// The slot of `key` among the keys of one object, [first, last].
slot find(slot first, slot last, std::string_view key) noexcept {
  for (auto i = static_cast<std::size_t>(first); i <= static_cast<std::size_t>(last); ++i)
    if (slot_keys[i] == key) return static_cast<slot>(i);
  return slot::none;
}

std::string& assign_in_place(std::optional<std::string>& o) {
  if (o)
    o->clear();
  else
    o.emplace();
  return *o;
}

void set_null(json::value& v) noexcept {
  if (!v.is_null()) v.emplace_null();
}

// Writes one object's `extra` entries over the previous chunk's: in a stream they are the same
// keys with the same null/"" values chunk after chunk, so the steady state allocates nothing
// (json::object allocates every key it stores).
class extra_writer {
 public:
  void start(json::object& o) noexcept {
    obj_ = &o;
    n_ = 0;
  }
  void put_null(std::string_view key) { put(key, false); }
  void put_empty_string(std::string_view key) { put(key, true); }
  /// Drops what the previous chunk had beyond this chunk's entries (from the back: keeps order).
  void finish() noexcept {
    while (obj_->size() > n_) obj_->erase(obj_->end() - 1);
  }

 private:
  void put(std::string_view key, bool empty_string) {
    if (n_ < obj_->size()) {
      const json::key_value_pair& kv = obj_->begin()[n_];
      const json::value& v = kv.value();
      if (kv.key() == key && (empty_string ? v.is_string() && v.get_string().empty() : v.is_null())) {
        ++n_;
        return;
      }
      finish();
    }
    if (empty_string)
      obj_->emplace(key, json::string_kind);
    else
      obj_->emplace(key, nullptr);
    ++n_;
  }

  json::object* obj_ = nullptr;
  std::size_t n_ = 0;
};

enum class level : std::uint8_t { before, root, choices, choice, delta, after };

class chunk_handler : public sax_handler_base {
 public:
  explicit chunk_handler(chat_chunk& out) noexcept : out_(out) {}

  bool complete() const noexcept { return at_ == level::after; }

  bool on_object_begin(error_code& ec) {
    switch (at_) {
      case level::before:
        at_ = level::root;
        root_extra_.start(out_.extra);
        return true;
      case level::choices:
        if (n_choices_ == out_.choices.size()) out_.choices.emplace_back();
        choice_ = &out_.choices[n_choices_++];
        choice_seen_ = 0;
        choice_extra_.start(choice_->extra);
        at_ = level::choice;
        return true;
      case level::choice:
        if (pending_ != slot::delta) break;
        pending_ = slot::none;
        start_delta();
        at_ = level::delta;
        return true;
      default: break;
    }
    return give_up(ec);
  }

  bool on_object_end(std::size_t, error_code&) {
    switch (at_) {
      case level::delta:
        finish_delta();
        at_ = level::choice;
        break;
      case level::choice:
        finish_choice();
        at_ = level::choices;
        break;
      default:  // the root: arrays and other objects never get this far
        finish_root();
        at_ = level::after;
        break;
    }
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (at_ != level::root || pending_ != slot::choices) return give_up(ec);
    pending_ = slot::none;
    n_choices_ = 0;
    at_ = level::choices;
    return true;
  }

  bool on_array_end(std::size_t, error_code&) {
    // only `choices` gets here
    out_.choices.erase(out_.choices.begin() + static_cast<std::ptrdiff_t>(n_choices_), out_.choices.end());
    at_ = level::root;
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code& ec) {
    if (s.size() > sizeof key_buf_ - key_len_) return give_up(ec);  // longer than any key we model
    std::memcpy(key_buf_ + key_len_, s.data(), s.size());
    key_len_ += s.size();
    return true;
  }

  bool on_key(string_view s, std::size_t, error_code& ec) {
    std::string_view key(s.data(), s.size());
    if (key_len_ != 0) {
      if (!on_key_part(s, 0, ec)) return false;
      key = std::string_view(key_buf_, key_len_);
      key_len_ = 0;
    }
    std::uint32_t* seen = nullptr;
    switch (at_) {
      case level::root:
        pending_ = find(slot::id, slot::choices, key);
        seen = &root_seen_;
        break;
      case level::choice:
        pending_ = find(slot::index, slot::logprobs, key);
        seen = &choice_seen_;
        break;
      default:
        pending_ = find(slot::role, slot::refusal, key);
        seen = &delta_seen_;
        break;
    }
    // Unknown keys go to `extra` and duplicates are resolved by the DOM: not modeled here.
    if (pending_ == slot::none || (*seen & bit(pending_)) != 0) return give_up(ec);
    *seen |= bit(pending_);
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code& ec) {
    if (text_ == nullptr && !start_text(ec)) return false;
    text_->append(s.data(), s.size());
    return true;
  }

  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (text_ == nullptr && !start_text(ec)) return false;
    text_->append(s.data(), s.size());
    // a plain std::string left empty is unset: the DOM decoder keeps "" in extra
    if (text_->empty() && is_plain_string(pending_)) root_extra_.put_empty_string(key_of(pending_));
    text_ = nullptr;
    pending_ = slot::none;
    return true;
  }

  bool on_null(error_code& ec) {
    const slot s = pending_;
    pending_ = slot::none;
    switch (s) {
      case slot::id: out_.id.clear(); break;
      case slot::object: out_.object.clear(); break;
      case slot::model: out_.model.clear(); break;
      case slot::provider: out_.provider.clear(); break;
      case slot::created: out_.created.reset(); break;
      case slot::system_fingerprint: out_.system_fingerprint.reset(); break;
      case slot::service_tier: out_.service_tier.reset(); break;
      case slot::index: choice_->index = 0; return true;  // required: never kept in extra
      case slot::finish_reason: choice_->finish_reason.reset(); break;
      case slot::native_finish_reason: choice_->native_finish_reason.reset(); break;
      case slot::logprobs: set_null(choice_->logprobs); break;
      case slot::role: choice_->delta.role.reset(); break;
      case slot::content: choice_->delta.content.reset(); break;
      case slot::reasoning: choice_->delta.reasoning.reset(); break;
      case slot::refusal: choice_->delta.refusal.reset(); break;
      default: return give_up(ec);  // null choices/delta, or a null array element
    }
    extra_for(s).put_null(key_of(s));
    return true;
  }

  bool on_int64(std::int64_t i, string_view, error_code& ec) {
    const slot s = pending_;
    pending_ = slot::none;
    if (s == slot::created)
      out_.created = i;
    else if (s == slot::index)
      choice_->index = i;
    else
      return give_up(ec);
    return true;
  }

  // Numbers written as doubles or beyond int64 go through the DOM's conversion rules.
  bool on_uint64(std::uint64_t, string_view, error_code& ec) { return give_up(ec); }
  bool on_double(double, string_view, error_code& ec) { return give_up(ec); }
  bool on_bool(bool, error_code& ec) { return give_up(ec); }

 private:
  static bool is_plain_string(slot s) noexcept {
    return s == slot::id || s == slot::object || s == slot::model || s == slot::provider;
  }

  extra_writer& extra_for(slot s) noexcept {
    if (s < slot::index) return root_extra_;
    if (s < slot::role) return choice_extra_;
    return delta_extra_;
  }

  // The string member the value of pending_ is appended to, emptied in place (keeps its capacity).
  bool start_text(error_code& ec) {
    switch (pending_) {
      case slot::id: text_ = &out_.id; break;
      case slot::object: text_ = &out_.object; break;
      case slot::model: text_ = &out_.model; break;
      case slot::provider: text_ = &out_.provider; break;
      case slot::system_fingerprint: text_ = &assign_in_place(out_.system_fingerprint); return true;
      case slot::service_tier: text_ = &assign_in_place(out_.service_tier); return true;
      case slot::finish_reason: text_ = &assign_in_place(choice_->finish_reason); return true;
      case slot::native_finish_reason: text_ = &assign_in_place(choice_->native_finish_reason); return true;
      case slot::role: text_ = &assign_in_place(choice_->delta.role); return true;
      case slot::content: text_ = &assign_in_place(choice_->delta.content); return true;
      case slot::reasoning: text_ = &assign_in_place(choice_->delta.reasoning); return true;
      case slot::refusal: text_ = &assign_in_place(choice_->delta.refusal); return true;
      default: return give_up(ec);
    }
    text_->clear();
    return true;
  }

  void start_delta() noexcept {
    delta_seen_ = 0;
    delta_extra_.start(choice_->delta.extra);
  }

  void finish_delta() noexcept {
    chunk_delta& d = choice_->delta;
    if ((delta_seen_ & bit(slot::role)) == 0) d.role.reset();
    if ((delta_seen_ & bit(slot::content)) == 0) d.content.reset();
    if ((delta_seen_ & bit(slot::reasoning)) == 0) d.reasoning.reset();
    if ((delta_seen_ & bit(slot::refusal)) == 0) d.refusal.reset();
    set_null(d.reasoning_details);
    d.tool_calls.clear();
    d.images.clear();
    set_null(d.audio);
    set_null(d.annotations);
    delta_extra_.finish();
  }

  void finish_choice() noexcept {
    chunk_choice& c = *choice_;
    if ((choice_seen_ & bit(slot::index)) == 0) c.index = 0;
    if ((choice_seen_ & bit(slot::delta)) == 0) {
      start_delta();
      finish_delta();
    }
    if ((choice_seen_ & bit(slot::finish_reason)) == 0) c.finish_reason.reset();
    if ((choice_seen_ & bit(slot::native_finish_reason)) == 0) c.native_finish_reason.reset();
    set_null(c.logprobs);  // only null is modeled: it is null whether seen or not
    choice_extra_.finish();
  }

  void finish_root() noexcept {
    chat_chunk& o = out_;
    if ((root_seen_ & bit(slot::id)) == 0) o.id.clear();
    if ((root_seen_ & bit(slot::object)) == 0) o.object.clear();
    if ((root_seen_ & bit(slot::created)) == 0) o.created.reset();
    if ((root_seen_ & bit(slot::model)) == 0) o.model.clear();
    if ((root_seen_ & bit(slot::provider)) == 0) o.provider.clear();
    if ((root_seen_ & bit(slot::system_fingerprint)) == 0) o.system_fingerprint.reset();
    if ((root_seen_ & bit(slot::service_tier)) == 0) o.service_tier.reset();
    if ((root_seen_ & bit(slot::choices)) == 0) o.choices.clear();
    o.usage.reset();
    o.error.reset();
    set_null(o.openrouter_metadata);
    set_null(o.debug);
    root_extra_.finish();
  }

  chat_chunk& out_;
  chunk_choice* choice_ = nullptr;  // the element being decoded
  std::string* text_ = nullptr;     // the member a string value is being appended to
  std::size_t n_choices_ = 0;
  std::uint32_t root_seen_ = 0, choice_seen_ = 0, delta_seen_ = 0;
  level at_ = level::before;
  slot pending_ = slot::none;
  extra_writer root_extra_, choice_extra_, delta_extra_;
  std::size_t key_len_ = 0;
  char key_buf_[24];  // a key delivered in parts (escapes); longer ones are unknown anyway
};

}  // namespace

namespace {

// The fast path only ever stores null and "" in `extra`.
bool has_valued_extra(const json::object& extra) noexcept {
  for (const json::key_value_pair& kv : extra) {
    const json::value& v = kv.value();
    if (!v.is_null() && !(v.is_string() && v.get_string().empty())) return true;
  }
  return false;
}

}  // namespace

bool holds_dom_only_content(const chat_chunk& c) noexcept {
  if (c.usage || c.error || !c.openrouter_metadata.is_null() || !c.debug.is_null() ||
      has_valued_extra(c.extra))
    return true;
  for (const chunk_choice& ch : c.choices) {
    const chunk_delta& d = ch.delta;
    if (!ch.logprobs.is_null() || has_valued_extra(ch.extra) || !d.tool_calls.empty() ||
        !d.images.empty() || !d.reasoning_details.is_null() || !d.audio.is_null() ||
        !d.annotations.is_null() || has_valued_extra(d.extra))
      return true;
  }
  return false;
}

bool parse_chat_chunk_fast(std::string_view json, chat_chunk& out) {
  json::basic_parser<chunk_handler> p(json::parse_options{}, out);
  error_code ec;
  const std::size_t n = p.write_some(false, json.data(), json.size(), ec);
  // a complete root object and nothing but whitespace after it, as json::parse requires
  return !ec && n == json.size() && p.handler().complete();
}

}  // namespace openrouter::wire::detail
