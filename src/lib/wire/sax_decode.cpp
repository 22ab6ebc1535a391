// The SAX decoder of sax_decode.hpp: one Boost.JSON basic_parser handler, driven by the tables
// OPENROUTER_WIRE_DEFINE_CONVERSIONS derives from each struct's field tuple. Compiled once; the
// per-type parts are the tables and the small functions they point to (codec.hpp).
#include "sax_decode.hpp"
#include "sax_handler.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace openrouter::wire::detail {

namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

// Objects decoded natively nest at most this deep (a chat response: 4); deeper ones go to the DOM.
constexpr std::size_t max_frames = 16;

struct frame {
  const sax_level* level;  // nullptr: an array of structs
  void* obj;               // the struct; for an array, its vector member
  const sax_field* field;  // an array's field
  std::uint64_t seen;      // the object's fields met so far (duplicates go to the DOM)
  std::size_t count;       // an array's elements; an object's next field to try first
};

class handler : public sax_handler_base {
 public:
  handler(const sax_level& root, void* out) noexcept : root_(root), out_(out) {}

  bool complete() const noexcept { return complete_; }

  bool on_object_begin(error_code& ec) {
    if (capturing_) {
      ++depth_;
      return true;
    }
    if (n_ == 0) return push_object(root_, out_, ec);
    frame& t = top();
    if (t.level == nullptr) {  // an element of an array of structs
      ++t.count;
      return push_object(t.field->child(), t.field->open(t.obj), ec);
    }
    const sax_field* f = take_pending();
    if (f != nullptr && (f->kind == sax_kind::object || f->kind == sax_kind::opt_object))
      return push_object(f->child(), f->open(f->member(t.obj, f->field)), ec);
    start_capture(f);
    ++depth_;
    return true;
  }

  bool on_object_end(std::size_t n, error_code& ec) {
    if (capturing_) {
      vs_->push_object(n);
      return --depth_ != 0 || finish_capture(ec);
    }
    if (--n_ == 0) complete_ = true;
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (capturing_) {
      ++depth_;
      return true;
    }
    if (n_ == 0 || top().level == nullptr) return give_up(ec);  // a root array, arrays of arrays
    frame& t = top();
    const sax_field* f = take_pending();
    if (f != nullptr && f->kind == sax_kind::object_array) {
      if (n_ == max_frames) return give_up(ec);
      void* vec = f->member(t.obj, f->field);
      frames_[n_++] = frame{nullptr, vec, f, 0, 0};
      return true;
    }
    start_capture(f);
    ++depth_;
    return true;
  }

  bool on_array_end(std::size_t n, error_code& ec) {
    if (capturing_) {
      vs_->push_array(n);
      return --depth_ != 0 || finish_capture(ec);
    }
    const frame a = frames_[--n_];
    // decode_field's rule: an empty vector is unset, kept in extra unless required
    if (a.count == 0 && !a.field->required && !extra().emplace(a.field->key, json::array()).second)
      return give_up(ec);
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    if (capturing_)
      vs_->push_chars(s);
    else
      key_.append(s.data(), s.size());
    return true;
  }

  bool on_key(string_view s, std::size_t, error_code& ec) {
    if (capturing_) {
      vs_->push_key(s);
      return true;
    }
    if (!in_object()) return give_up(ec);
    std::string_view key(s.data(), s.size());
    if (!key_.empty()) {
      key_.append(s.data(), s.size());
      key = key_;
    }
    frame& t = top();
    pending_ = nullptr;
    // Servers write keys in one order, mostly the field tuple's: the search starts after the
    // field matched last and wraps around.
    const std::size_t size = t.level->size;
    for (std::size_t n = 0, i = t.count; n < size; ++n, i = i + 1 == size ? 0 : i + 1) {
      if (t.level->fields[i].key != key) continue;
      if (i >= 64 || (t.seen & (std::uint64_t{1} << i)) != 0) return give_up(ec);  // duplicates: the DOM's
      t.seen |= std::uint64_t{1} << i;
      t.count = i + 1 == size ? 0 : i + 1;
      pending_ = &t.level->fields[i];
      break;
    }
    if (pending_ == nullptr) unknown_key_.assign(key);  // kept in extra with its value
    key_.clear();
    return true;
  }

  bool on_string_part(string_view s, std::size_t, error_code& ec) {
    if (capturing_) {
      vs_->push_chars(s);
      return true;
    }
    if (!in_object()) return give_up(ec);
    if (text_ == nullptr && !start_text()) {
      start_capture(take_pending());
      vs_->push_chars(s);
      return true;
    }
    text_->append(s.data(), s.size());
    return true;
  }

  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (capturing_) return captured(ec, [&] { vs_->push_string(s); });
    if (!in_object()) return give_up(ec);
    if (text_ == nullptr && !start_text()) {
      start_capture(take_pending());
      vs_->push_string(s);
      return finish_capture(ec);
    }
    text_->append(s.data(), s.size());
    const bool empty = text_->empty();
    text_ = nullptr;
    const sax_field* f = take_pending();
    // a plain std::string left empty is unset: kept in extra
    if (f->kind == sax_kind::string && empty && !f->required && !extra().emplace(f->key, json::string()).second)
      return give_up(ec);
    return true;
  }

  bool on_null(error_code& ec) {
    if (capturing_) return captured(ec, [&] { vs_->push_null(); });
    if (!in_object()) return give_up(ec);
    const sax_field* f = pending_;
    // unknown keys, members of other types, and a struct member (null is the DOM's error)
    if (f == nullptr || f->kind == sax_kind::other || f->kind == sax_kind::object)
      return capture_scalar(ec, [this] { vs_->push_null(); });
    void* m = f->member(top().obj, f->field);
    bool unset = true;  // numbers and booleans are always set
    switch (f->kind) {
      case sax_kind::string: static_cast<std::string*>(m)->clear(); break;
      case sax_kind::opt_string: static_cast<std::optional<std::string>*>(m)->reset(); break;
      case sax_kind::int64: *static_cast<std::int64_t*>(m) = 0; unset = false; break;
      case sax_kind::opt_int64: static_cast<std::optional<std::int64_t>*>(m)->reset(); break;
      case sax_kind::number: *static_cast<double*>(m) = 0; unset = false; break;
      case sax_kind::opt_number: static_cast<std::optional<double>*>(m)->reset(); break;
      case sax_kind::boolean: *static_cast<bool*>(m) = false; unset = false; break;
      case sax_kind::opt_boolean: static_cast<std::optional<bool>*>(m)->reset(); break;
      case sax_kind::value: static_cast<json::value*>(m)->emplace_null(); break;
      // opt_object, object_array, text_variant: the member is fresh (its first and only value), so
      // it already is what the DOM's null leaves (an empty optional or vector)
      default: break;
    }
    take_pending();
    if (unset && !f->required && !extra().emplace(f->key, nullptr).second) return give_up(ec);
    return true;
  }

  bool on_bool(bool b, error_code& ec) {
    if (capturing_) return captured(ec, [&] { vs_->push_bool(b); });
    if (!in_object()) return give_up(ec);
    const sax_field* f = pending_;
    if (f != nullptr && f->kind == sax_kind::boolean) {
      *static_cast<bool*>(f->member(top().obj, f->field)) = b;
    } else if (f != nullptr && f->kind == sax_kind::opt_boolean) {
      *static_cast<std::optional<bool>*>(f->member(top().obj, f->field)) = b;
    } else {
      return capture_scalar(ec, [&] { vs_->push_bool(b); });
    }
    take_pending();
    return true;
  }

  bool on_int64(std::int64_t i, string_view, error_code& ec) {
    if (capturing_) return captured(ec, [&] { vs_->push_int64(i); });
    if (!in_object()) return give_up(ec);
    const sax_field* f = pending_;
    void* m = f != nullptr ? f->member(top().obj, f->field) : nullptr;
    switch (f != nullptr ? f->kind : sax_kind::other) {
      case sax_kind::int64: *static_cast<std::int64_t*>(m) = i; break;
      case sax_kind::opt_int64: *static_cast<std::optional<std::int64_t>*>(m) = i; break;
      case sax_kind::number: *static_cast<double*>(m) = static_cast<double>(i); break;
      case sax_kind::opt_number: *static_cast<std::optional<double>*>(m) = static_cast<double>(i); break;
      default: return capture_scalar(ec, [&] { vs_->push_int64(i); });
    }
    take_pending();
    return true;
  }

  bool on_uint64(std::uint64_t u, string_view, error_code& ec) {
    if (capturing_) return captured(ec, [&] { vs_->push_uint64(u); });
    if (!in_object()) return give_up(ec);
    return capture_scalar(ec, [&] { vs_->push_uint64(u); });  // range rules: the member's read()
  }

  bool on_double(double d, string_view, error_code& ec) {
    // json::parse keeps a number beyond double's range as infinity, which parse_text() rejects
    if (!std::isfinite(d)) return give_up(ec);
    if (capturing_) return captured(ec, [&] { vs_->push_double(d); });
    if (!in_object()) return give_up(ec);
    const sax_field* f = pending_;
    if (f != nullptr && f->kind == sax_kind::number) {
      *static_cast<double*>(f->member(top().obj, f->field)) = d;
    } else if (f != nullptr && f->kind == sax_kind::opt_number) {
      *static_cast<std::optional<double>*>(f->member(top().obj, f->field)) = d;
    } else {
      return capture_scalar(ec, [&] { vs_->push_double(d); });  // integers written as doubles
    }
    take_pending();
    return true;
  }

 private:
  frame& top() noexcept { return frames_[n_ - 1]; }
  // Scalars, keys and captures belong to an object (not the root, not an array of structs).
  bool in_object() noexcept { return n_ != 0 && top().level != nullptr; }
  // The `extra` of the object being decoded (a value's owner is always the top frame).
  json::object& extra() { return top().level->extra(top().obj); }

  bool push_object(const sax_level& level, void* obj, error_code& ec) {
    if (n_ == max_frames) return give_up(ec);
    frames_[n_++] = frame{&level, obj, nullptr, 0, 0};
    return true;
  }

  // The field the next value is for (nullptr: an unknown key), consumed.
  const sax_field* take_pending() noexcept {
    const sax_field* f = pending_;
    pending_ = nullptr;
    return f;
  }

  // Native string targets: the member a string value is appended to.
  bool start_text() {
    const sax_field* f = pending_;
    if (f == nullptr) return false;
    void* m = f->member(top().obj, f->field);
    switch (f->kind) {
      case sax_kind::string: text_ = static_cast<std::string*>(m); break;
      case sax_kind::opt_string: text_ = &static_cast<std::optional<std::string>*>(m)->emplace(); break;
      case sax_kind::text_variant: text_ = static_cast<std::string*>(f->text(m)); break;
      default: return false;
    }
    text_->clear();
    return true;
  }

  // A value the member does not take natively: built as a JSON value, then given to its read().
  void start_capture(const sax_field* f) {
    if (!vs_) vs_.emplace(json::storage_ptr(), temp_, sizeof temp_);
    vs_->reset();
    capturing_ = true;
    depth_ = 0;
    capture_field_ = f;
  }

  // A scalar inside the value being captured; it may complete the value.
  template <class Push>
  bool captured(error_code& ec, Push push) {
    push();
    return depth_ != 0 || finish_capture(ec);
  }

  template <class Push>
  bool capture_scalar(error_code& ec, Push push) {
    start_capture(take_pending());
    push();
    return finish_capture(ec);
  }

  bool finish_capture(error_code& ec) {
    capturing_ = false;
    json::value v = vs_->release();
    const sax_field* f = capture_field_;
    if (f == nullptr)  // an unknown key
      return extra().emplace(unknown_key_, std::move(v)).second || give_up(ec);
    if (f->kind == sax_kind::value) {
      *static_cast<json::value*>(f->member(top().obj, f->field)) = std::move(v);
      return true;
    }
    return f->decode(v, top().obj, f->field) || give_up(ec);
  }

  const sax_level& root_;
  void* out_;
  frame frames_[max_frames];
  std::size_t n_ = 0;
  const sax_field* pending_ = nullptr;
  bool complete_ = false;
  bool capturing_ = false;
  std::size_t depth_ = 0;  // containers open inside the value being captured
  std::string* text_ = nullptr;
  const sax_field* capture_field_ = nullptr;
  std::string key_;          // a key delivered in parts
  std::string unknown_key_;  // the key of the value being captured for extra
  std::optional<json::value_stack> vs_;
  unsigned char temp_[256];
};

}  // namespace

bool sax_parse(std::string_view json, const sax_level& level, void* out) {
  json::parse_options options;
  options.max_depth = 256;  // as parse_text()
  json::basic_parser<handler> p(options, level, out);
  error_code ec;
  const std::size_t n = p.write_some(false, json.data(), json.size(), ec);
  // a complete root object and nothing but whitespace after it, as json::parse requires
  return !ec && n == json.size() && p.handler().complete();
}

}  // namespace openrouter::wire::detail
