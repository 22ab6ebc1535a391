#pragma once
// Private machinery behind the wire conversions (never installed, never included by headers).
//
// Each wire struct is described once, in its .cpp, as a tuple of fields {JSON key, member
// pointer, required?}. The generic code below walks that tuple:
// - decode: one pass over the JSON object; each key is matched against the fields, unknown keys
//   (and modeled keys whose value leaves the member unset: null, "", []) go to `extra`;
// - encode: every set member (or required one) in field order, then the `extra` keys that are not
//   already there.
// Member types are handled by the read()/to_value()/is_set() overload sets. The struct overloads
// are declared in codecs.hpp and found through ADL on decode_ctx / encode_tag.
#include <openrouter/wire/json.hpp>

#include "sax_decode.hpp"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace openrouter::wire::detail {

namespace json = boost::json;

/// Decoding state: the first failure wins; its JSON path is built while unwinding.
class decode_ctx {
 public:
  explicit decode_ctx(decode_error& err, bool lenient = false) noexcept
      : err_(err), lenient_(lenient) {}
  bool failed() const noexcept { return err_.code.failed(); }
  /// Lenient decoding turns a wrongly-typed member into "unset, raw value kept in extra".
  bool lenient() const noexcept { return lenient_; }
  void fail(decode_errc e) {
    err_.code = make_error_code(e);
    err_.field.clear();
  }
  void clear() noexcept {
    err_.code = {};
    err_.field.clear();
  }
  void in_key(std::string_view key);
  void in_index(std::size_t index);

 private:
  decode_error& err_;
  bool lenient_;
};

/// Tag of the to_value() overload set; it puts this namespace in ADL's reach. `sp` is the storage
/// every value of the document is built in (serialize(): an arena that lives for one call; the
/// json::value conversions: the default resource).
struct encode_tag {
  json::storage_ptr sp;
};

// --- scalar members -------------------------------------------------------------------------
// A JSON null leaves a member unset (never an error); a wrong kind is an error.
void read(const json::value& jv, std::string& out, decode_ctx& c);
void read(const json::value& jv, bool& out, decode_ctx& c);
void read(const json::value& jv, std::int64_t& out, decode_ctx& c);  // int64/uint64/integral double
void read(const json::value& jv, double& out, decode_ctx& c);        // any number
void read(const json::value& jv, json::value& out, decode_ctx& c);   // opaque: copied
void read(const json::value& jv, json::object& out, decode_ctx& c);

json::value to_value(const std::string& v, encode_tag);
json::value to_value(bool v, encode_tag);
json::value to_value(std::int64_t v, encode_tag);
json::value to_value(double v, encode_tag);  // integral values as integers
json::value to_value(const json::object& v, encode_tag);
// Constrained so that nothing converts to json::value implicitly (value_ref accepts anything
// with a value_from conversion, our structs included).
template <std::same_as<json::value> T>
json::value to_value(const T& v, encode_tag t) {
  return json::value(v, t.sp);
}

// --- presence: what "unset" means per member type -------------------------------------------
// Numbers, bools, nested structs and variants are always written; containers when non-empty.
template <class T>
constexpr bool is_set(const T&) noexcept {
  return true;
}
inline bool is_set(const std::string& v) noexcept { return !v.empty(); }
inline bool is_set(const json::value& v) noexcept { return !v.is_null(); }
inline bool is_set(const json::object& v) noexcept { return !v.empty(); }
template <class T>
bool is_set(const std::optional<T>& v) noexcept {
  return v.has_value();
}
template <class T>
bool is_set(const std::vector<T>& v) noexcept {
  return !v.empty();
}
template <class V>
bool is_set(const std::map<std::string, V>& v) noexcept {
  return !v.empty();
}

// --- containers -----------------------------------------------------------------------------
template <class T>
void read(const json::value& jv, std::optional<T>& out, decode_ctx& c) {
  if (jv.is_null()) {
    out.reset();
    return;
  }
  read(jv, out.emplace(), c);
}

template <class T>
void read(const json::value& jv, std::vector<T>& out, decode_ctx& c) {
  out.clear();
  if (jv.is_null()) return;
  const json::array* arr = jv.if_array();
  if (arr == nullptr) return c.fail(decode_errc::expected_array);
  out.resize(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    read((*arr)[i], out[i], c);
    if (c.failed()) return c.in_index(i);
  }
}

template <class V>
void read(const json::value& jv, std::map<std::string, V>& out, decode_ctx& c) {
  out.clear();
  if (jv.is_null()) return;
  const json::object* obj = jv.if_object();
  if (obj == nullptr) return c.fail(decode_errc::expected_object);
  for (const json::key_value_pair& kv : *obj) {
    read(kv.value(), out[std::string(kv.key())], c);
    if (c.failed()) return c.in_key(kv.key());
  }
}

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

/// Which JSON kinds select variant alternative A.
template <class A>
constexpr bool accepts(json::kind k) noexcept {
  if constexpr (std::is_same_v<A, std::string>)
    return k == json::kind::string;
  else if constexpr (std::is_same_v<A, bool>)
    return k == json::kind::bool_;
  else if constexpr (std::is_arithmetic_v<A>)
    return k == json::kind::int64 || k == json::kind::uint64 || k == json::kind::double_;
  else if constexpr (is_vector<A>::value)
    return k == json::kind::array;
  else
    return k == json::kind::object;  // structs, maps, json::object
}

/// The first alternative whose JSON kind matches is decoded; no match is an error.
template <class... Ts>
void read(const json::value& jv, std::variant<Ts...>& out, decode_ctx& c) {
  const json::kind k = jv.kind();
  const bool matched = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return ((accepts<Ts>(k) ? (read(jv, out.template emplace<I>(), c), true) : false) || ...);
  }(std::index_sequence_for<Ts...>{});
  if (!matched) c.fail(decode_errc::unexpected_kind);
}

template <class T>
json::value to_value(const std::optional<T>& v, encode_tag t) {
  return v ? to_value(*v, t) : json::value(t.sp);
}

template <class T>
json::value to_value(const std::vector<T>& v, encode_tag t) {
  json::array arr(t.sp);
  arr.reserve(v.size());
  for (const T& e : v) arr.push_back(to_value(e, t));
  return arr;
}

template <class V>
json::value to_value(const std::map<std::string, V>& m, encode_tag t) {
  json::object obj(t.sp);
  obj.reserve(m.size());
  for (const auto& [k, v] : m) obj.emplace(k, to_value(v, t));
  return obj;
}

template <class... Ts>
json::value to_value(const std::variant<Ts...>& v, encode_tag t) {
  return std::visit([&](const auto& alt) { return to_value(alt, t); }, v);
}

// --- struct descriptions --------------------------------------------------------------------
struct default_codec {
  template <class M>
  static void decode(const json::value& jv, M& m, decode_ctx& c) {
    read(jv, m, c);
  }
  template <class M>
  static json::value encode(const M& m, const encode_tag& t) {
    return to_value(m, t);
  }
};

template <class S, class M, class Codec = default_codec>
struct field {
  std::string_view key;
  M S::*member;
  bool required;  // written even when unset (the spec requires it and it has a natural default)
};

template <class S, class M>
constexpr field<S, M> opt(std::string_view key, M S::*m) {
  return {key, m, false};
}
template <class S, class M>
constexpr field<S, M> req(std::string_view key, M S::*m) {
  return {key, m, true};
}
/// A member decoded/encoded by Codec instead of its type's default.
template <class Codec, class S, class M>
constexpr field<S, M, Codec> with(std::string_view key, M S::*m) {
  return {key, m, false};
}

template <class S, class M, class Codec>
bool decode_field(const field<S, M, Codec>& f, const json::key_value_pair& kv, S& out,
                  decode_ctx& c) {
  if (kv.key() != f.key) return false;
  M& m = out.*f.member;
  Codec::decode(kv.value(), m, c);
  bool keep_raw = !f.required && !is_set(m);  // null, "" or []: keep it for the round-trip
  if (c.failed()) {
    if (!c.lenient()) {
      c.in_key(f.key);
      return true;
    }
    c.clear();
    m = M{};
    keep_raw = true;
  }
  if (keep_raw) out.extra.emplace(kv.key(), kv.value());
  return true;
}

template <class S, class... F>
void decode_object(const json::value& jv, S& out, decode_ctx& c, const std::tuple<F...>& fields) {
  const json::object* obj = jv.if_object();
  if (obj == nullptr) return c.fail(decode_errc::expected_object);
  for (const json::key_value_pair& kv : *obj) {
    const bool known =
        std::apply([&](const auto&... f) { return (decode_field(f, kv, out, c) || ...); }, fields);
    if (c.failed()) return;
    if (!known) out.extra.emplace(kv.key(), kv.value());
  }
}

template <class S, class M, class Codec>
void encode_field(const field<S, M, Codec>& f, const S& in, json::object& out, const encode_tag& t) {
  const M& m = in.*f.member;
  if (f.required || is_set(m)) out.emplace(f.key, Codec::encode(m, t));
}

template <class S, class... F>
json::value encode_object(const S& in, const std::tuple<F...>& fields, const encode_tag& t) {
  json::value jv(json::object_kind, t.sp);
  json::object& out = jv.get_object();
  std::apply([&](const auto&... f) { (encode_field(f, in, out, t), ...); }, fields);
  // emplace never overwrites: a set typed member wins over an extra of the same name
  for (const json::key_value_pair& kv : in.extra) out.emplace(kv.key(), kv.value());
  return jv;
}

template <class... F>
constexpr std::array<std::string_view, sizeof...(F)> keys_of(const std::tuple<F...>& fields) {
  return std::apply(
      [](const auto&... f) { return std::array<std::string_view, sizeof...(F)>{f.key...}; },
      fields);
}

// --- the SAX decoder's tables (sax_decode.hpp) ------------------------------------------------

/// Tag of sax_level_of(std::type_identity<T>, sax_tag), declared for every struct with a field
/// tuple (codecs.hpp) and defined by OPENROUTER_WIRE_DEFINE_CONVERSIONS; found through ADL.
struct sax_tag {};

template <class T>
concept has_sax_level = requires {
  { sax_level_of(std::type_identity<T>{}, sax_tag{}) } -> std::same_as<const sax_level&>;
};

template <class M>
constexpr bool is_optional_sax_struct = false;
template <class T>
constexpr bool is_optional_sax_struct<std::optional<T>> = has_sax_level<T>;
template <class M>
constexpr bool is_sax_struct_vector = false;
template <class T>
constexpr bool is_sax_struct_vector<std::vector<T>> = has_sax_level<T>;
template <class M>
constexpr bool is_text_variant = false;
template <class... A>
constexpr bool is_text_variant<std::optional<std::variant<std::string, A...>>> = true;

template <class M, class Codec>
constexpr sax_kind sax_kind_of() noexcept {
  using K = sax_kind;
  if constexpr (!std::is_same_v<Codec, default_codec>) return K::other;
  else if constexpr (std::is_same_v<M, std::string>) return K::string;
  else if constexpr (std::is_same_v<M, std::optional<std::string>>) return K::opt_string;
  else if constexpr (is_text_variant<M>) return K::text_variant;
  else if constexpr (std::is_same_v<M, std::int64_t>) return K::int64;
  else if constexpr (std::is_same_v<M, std::optional<std::int64_t>>) return K::opt_int64;
  else if constexpr (std::is_same_v<M, double>) return K::number;
  else if constexpr (std::is_same_v<M, std::optional<double>>) return K::opt_number;
  else if constexpr (std::is_same_v<M, bool>) return K::boolean;
  else if constexpr (std::is_same_v<M, std::optional<bool>>) return K::opt_boolean;
  else if constexpr (std::is_same_v<M, json::value>) return K::value;
  else if constexpr (has_sax_level<M>) return K::object;
  else if constexpr (is_optional_sax_struct<M>) return K::opt_object;
  else if constexpr (is_sax_struct_vector<M>) return K::object_array;
  else return K::other;
}

template <class S, class M, class Codec>
void* sax_member(void* owner, const void* f) {
  return &(static_cast<S*>(owner)->*(static_cast<const field<S, M, Codec>*>(f)->member));
}

// decode_field() for one value: the member's DOM decode and the `extra` rule.
template <class S, class M, class Codec>
bool sax_decode_member(const json::value& jv, void* owner, const void* fp) {
  const auto& f = *static_cast<const field<S, M, Codec>*>(fp);
  S& out = *static_cast<S*>(owner);
  decode_error err;
  decode_ctx c(err);
  M& m = out.*f.member;
  Codec::decode(jv, m, c);
  if (c.failed()) return false;
  if (!f.required && !is_set(m)) return out.extra.emplace(f.key, jv).second;
  return true;
}

template <class T>
void* sax_open_member(void* m) {
  return m;
}
template <class T>
void* sax_open_optional(void* m) {
  return &static_cast<std::optional<T>*>(m)->emplace();
}
template <class T>
void* sax_open_element(void* m) {
  return &static_cast<std::vector<T>*>(m)->emplace_back();
}
template <class T>
const sax_level& sax_child() noexcept {
  return sax_level_of(std::type_identity<T>{}, sax_tag{});
}
template <class V>
void* sax_text(void* m) {
  return &std::get<0>(static_cast<V*>(m)->emplace());  // a new variant holds its (empty) string
}
template <class S>
json::object& sax_extra(void* owner) {
  return static_cast<S*>(owner)->extra;
}

template <class S, class M, class Codec>
constexpr sax_field sax_field_of(const field<S, M, Codec>& f) {
  constexpr sax_kind k = sax_kind_of<M, Codec>();
  sax_field r{f.key, f.required, k, &f, &sax_member<S, M, Codec>, &sax_decode_member<S, M, Codec>,
              nullptr, nullptr, nullptr};
  if constexpr (k == sax_kind::object) {
    r.open = &sax_open_member<M>;
    r.child = &sax_child<M>;
  } else if constexpr (k == sax_kind::opt_object) {
    r.open = &sax_open_optional<typename M::value_type>;
    r.child = &sax_child<typename M::value_type>;
  } else if constexpr (k == sax_kind::object_array) {
    r.open = &sax_open_element<typename M::value_type>;
    r.child = &sax_child<typename M::value_type>;
  } else if constexpr (k == sax_kind::text_variant) {
    r.text = &sax_text<M>;
  }
  return r;
}

template <class... F>
constexpr std::array<sax_field, sizeof...(F)> sax_fields_of(const std::tuple<F...>& fields) {
  return std::apply([](const auto&... f) { return std::array<sax_field, sizeof...(F)>{sax_field_of(f)...}; },
                    fields);
}

// --- entry points ---------------------------------------------------------------------------
/// The JSON text of `v`, its document built in an arena that lives for this call (a request or
/// response document is dozens of keys and strings: no heap allocation for each).
template <class T>
std::string serialize_document(const T& v) {
  alignas(std::max_align_t) unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  return json::serialize(to_value(v, encode_tag{json::storage_ptr(&arena)}));
}

/// Parses JSON text into a value whose storage is `arena` (so no heap for typical documents).
/// Sets decode_errc::invalid_json on failure.
json::value parse_text(std::string_view text, json::monotonic_resource& arena, decode_error& err);

/// The object under "data" when `jv` is a {data: {...}} envelope, else `jv` itself.
const json::value& unwrap_data(const json::value& jv) noexcept;

template <class T>
void from_json(const json::value& jv, T& out, decode_error& err, bool lenient = false) {
  err = {};
  out = T{};
  decode_ctx c(err, lenient);
  read(jv, out, c);
}

/// Stack buffer of the arena parse() uses: a typical chat chunk or response fits.
inline constexpr std::size_t parse_buffer_size = 4096;

/// The DOM decoder: parse into a document, then decode it. It defines the result and the errors.
template <class T>
void parse_dom(std::string_view text, T& out, decode_error& err, bool unwrap = false) {
  alignas(std::max_align_t) unsigned char buffer[parse_buffer_size];
  json::monotonic_resource arena(buffer, sizeof buffer);
  const json::value jv = parse_text(text, arena, err);
  if (err) {
    out = T{};
    return;
  }
  from_json(unwrap ? unwrap_data(jv) : jv, out, err);
}

/// parse_dom's result, through the SAX decoder when it can decide alone (sax_decode.hpp).
template <class T>
void parse(std::string_view text, T& out, decode_error& err, bool unwrap = false) {
  if constexpr (has_sax_level<T>) {
    if (!unwrap) {
      out = T{};
      if (sax_parse(text, sax_level_of(std::type_identity<T>{}, sax_tag{}), &out)) {
        err = {};
        return;
      }
    }
  }
  parse_dom(text, out, err, unwrap);
}

template <class T>
boost::system::result<T> try_value_to(const json::value& jv) {
  T out;
  decode_error err;
  from_json(jv, out, err);
  if (err) return {boost::system::in_place_error, err.code};
  return {boost::system::in_place_value, std::move(out)};
}

}  // namespace openrouter::wire::detail

/// Defines, inside namespace openrouter::wire, the struct codec of T from its field tuple FIELDS
/// and the public conversions declared by OPENROUTER_WIRE_JSON_CONVERSIONS(T).
#define OPENROUTER_WIRE_DEFINE_CONVERSIONS(T, FIELDS)                                          \
  namespace detail {                                                                           \
  void read(const json::value& jv, T& out, decode_ctx& c) { decode_object(jv, out, c, FIELDS); } \
  const sax_level& sax_level_of(std::type_identity<T>, sax_tag) noexcept {                     \
    static constexpr auto fields = sax_fields_of(FIELDS);                                      \
    static constexpr sax_level level{fields.data(), fields.size(), &sax_extra<T>};             \
    return level;                                                                              \
  }                                                                                            \
  json::value to_value(const T& in, encode_tag t) { return encode_object(in, FIELDS, t); }     \
  }                                                                                            \
  void tag_invoke(::boost::json::value_from_tag, ::boost::json::value& jv, const T& v) {      \
    jv = detail::to_value(v, detail::encode_tag{});                                            \
  }                                                                                            \
  ::boost::system::result<T> tag_invoke(::boost::json::try_value_to_tag<T>,                    \
                                        const ::boost::json::value& jv) {                      \
    return detail::try_value_to<T>(jv);                                                        \
  }                                                                                            \
  void from_json(const ::boost::json::value& jv, T& out, decode_error& err) {                  \
    detail::from_json(jv, out, err);                                                           \
  }                                                                                            \
  void parse(std::string_view json, T& out, decode_error& err) { detail::parse(json, out, err); } \
  std::string serialize(const T& v) {                                                          \
    return detail::serialize_document(v);                                                      \
  }                                                                                            \
  std::span<const std::string_view> json_keys(std::type_identity<T>) noexcept {                \
    static constexpr auto keys = detail::keys_of(FIELDS);                                      \
    return keys;                                                                               \
  }
