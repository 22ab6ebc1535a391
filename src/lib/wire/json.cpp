#include "codec.hpp"

#include <cmath>
#include <limits>

namespace openrouter::wire {

namespace {

class decode_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "openrouter.wire.decode"; }
  std::string message(int ev) const override {
    switch (static_cast<decode_errc>(ev)) {
      case decode_errc::invalid_json: return "invalid JSON";
      case decode_errc::expected_object: return "expected a JSON object";
      case decode_errc::expected_array: return "expected a JSON array";
      case decode_errc::expected_string: return "expected a JSON string";
      case decode_errc::expected_number: return "expected a JSON number";
      case decode_errc::expected_integer: return "expected an integral JSON number";
      case decode_errc::expected_bool: return "expected true or false";
      case decode_errc::unexpected_kind: return "unexpected JSON kind for this field";
      case decode_errc::out_of_range: return "integer out of range";
      case decode_errc::invalid_base64: return "invalid base64";
      case decode_errc::bad_vector_length: return "base64 vector data is not a whole number of float32 values";
    }
    return "unknown wire decode error";
  }
};

bool is_number(const boost::json::value& v) noexcept {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

constexpr double two_63 = 9223372036854775808.0;
constexpr double two_64 = 18446744073709551616.0;

int sign(double x) noexcept { return x > 0 ? 1 : (x < 0 ? -1 : 0); }

// i <=> d without converting i to double (which rounds above 2^53).
int cmp_int_double(std::int64_t i, double d) noexcept {
  if (std::isnan(d)) return 1;  // unordered: never equal
  if (d >= two_63) return -1;
  if (d < -two_63) return 1;
  double t = std::trunc(d);
  auto ti = static_cast<std::int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  return -sign(d - t);
}

int cmp_uint_double(std::uint64_t u, double d) noexcept {
  if (std::isnan(d)) return 1;
  if (d < 0) return 1;
  if (d >= two_64) return -1;
  double t = std::trunc(d);
  auto tu = static_cast<std::uint64_t>(t);
  if (u != tu) return u < tu ? -1 : 1;
  return -sign(d - t);
}

int cmp_int_uint(std::int64_t i, std::uint64_t u) noexcept {
  if (i < 0) return -1;
  auto iu = static_cast<std::uint64_t>(i);
  return iu < u ? -1 : (iu > u ? 1 : 0);
}

template <class T>
int cmp3(T a, T b) noexcept {
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

const boost::system::error_category& decode_category() noexcept {
  static const decode_category_impl category;
  return category;
}

boost::system::error_code make_error_code(decode_errc e) noexcept {
  return {static_cast<int>(e), decode_category()};
}

std::string decode_error::message() const {
  std::string m = code.message();
  if (!field.empty()) m.append(" at ").append(field);
  return m;
}

int compare_numbers(const boost::json::value& a, const boost::json::value& b) noexcept {
  using boost::json::kind;
  switch (a.kind()) {
    case kind::int64:
      switch (b.kind()) {
        case kind::int64: return cmp3(a.get_int64(), b.get_int64());
        case kind::uint64: return cmp_int_uint(a.get_int64(), b.get_uint64());
        default: return cmp_int_double(a.get_int64(), b.get_double());
      }
    case kind::uint64:
      switch (b.kind()) {
        case kind::int64: return -cmp_int_uint(b.get_int64(), a.get_uint64());
        case kind::uint64: return cmp3(a.get_uint64(), b.get_uint64());
        default: return cmp_uint_double(a.get_uint64(), b.get_double());
      }
    default:
      switch (b.kind()) {
        case kind::int64: return -cmp_int_double(b.get_int64(), a.get_double());
        case kind::uint64: return -cmp_uint_double(b.get_uint64(), a.get_double());
        default: {
          const double x = a.get_double(), y = b.get_double();
          if (std::isnan(x) || std::isnan(y)) return 1;  // unordered: never equal
          return cmp3(x, y);
        }
      }
  }
}

bool same_json(const boost::json::value& a, const boost::json::value& b, std::size_t max_depth,
               bool& too_deep) noexcept {
  if (max_depth == 0) {
    too_deep = true;
    return false;
  }
  if (is_number(a) && is_number(b)) return compare_numbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  if (const auto* oa = a.if_object()) {
    const auto& ob = b.get_object();
    if (oa->size() != ob.size()) return false;
    for (const auto& kv : *oa) {
      const auto* other = ob.if_contains(kv.key());
      if (other == nullptr || !same_json(kv.value(), *other, max_depth - 1, too_deep)) return false;
    }
    return true;
  }
  if (const auto* aa = a.if_array()) {
    const auto& ab = b.get_array();
    if (aa->size() != ab.size()) return false;
    for (std::size_t i = 0; i < aa->size(); ++i)
      if (!same_json((*aa)[i], ab[i], max_depth - 1, too_deep)) return false;
    return true;
  }
  return a == b;
}

bool same_json(const boost::json::value& a, const boost::json::value& b) noexcept {
  bool deep = false;
  return same_json(a, b, static_cast<std::size_t>(-1), deep);
}

bool all_finite(const boost::json::value& v) noexcept {
  switch (v.kind()) {
    case boost::json::kind::double_: return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& e : v.get_array())
        if (!all_finite(e)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object())
        if (!all_finite(kv.value())) return false;
      return true;
    default: return true;
  }
}

namespace detail {

void decode_ctx::in_key(std::string_view key) {
  std::string& path = err_.field;
  if (path.empty() || path.front() == '[')
    path.insert(0, key);
  else
    path.insert(0, std::string(key) + '.');
}

void decode_ctx::in_index(std::size_t index) {
  std::string& path = err_.field;
  std::string prefix = '[' + std::to_string(index) + ']';
  if (!path.empty() && path.front() != '[') prefix += '.';
  path.insert(0, prefix);
}

void read(const json::value& jv, std::string& out, decode_ctx& c) {
  if (const json::string* s = jv.if_string())
    out.assign(s->data(), s->size());
  else if (jv.is_null())
    out.clear();
  else
    c.fail(decode_errc::expected_string);
}

void read(const json::value& jv, bool& out, decode_ctx& c) {
  if (const bool* b = jv.if_bool())
    out = *b;
  else if (jv.is_null())
    out = false;
  else
    c.fail(decode_errc::expected_bool);
}

void read(const json::value& jv, std::int64_t& out, decode_ctx& c) {
  switch (jv.kind()) {
    case json::kind::int64: out = jv.get_int64(); return;
    case json::kind::uint64:
      if (jv.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return c.fail(decode_errc::out_of_range);
      out = static_cast<std::int64_t>(jv.get_uint64());
      return;
    case json::kind::double_: {
      // 12.0 is an integer written oddly; 12.5 is not an integer.
      const double d = jv.get_double();
      if (std::trunc(d) != d) return c.fail(decode_errc::expected_integer);
      if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
        return c.fail(decode_errc::out_of_range);
      out = static_cast<std::int64_t>(d);
      return;
    }
    case json::kind::null: out = 0; return;
    default: return c.fail(decode_errc::expected_integer);
  }
}

void read(const json::value& jv, double& out, decode_ctx& c) {
  if (is_number(jv))
    out = jv.to_number<double>();
  else if (jv.is_null())
    out = 0;
  else
    c.fail(decode_errc::expected_number);
}

void read(const json::value& jv, json::value& out, decode_ctx&) { out = jv; }

void read(const json::value& jv, json::object& out, decode_ctx& c) {
  if (const json::object* o = jv.if_object())
    out = *o;
  else if (jv.is_null())
    out.clear();
  else
    c.fail(decode_errc::expected_object);
}

json::value to_value(const std::string& v, encode_tag t) { return json::value(json::string_view(v), t.sp); }
json::value to_value(bool v, encode_tag t) { return json::value(v, t.sp); }
json::value to_value(std::int64_t v, encode_tag t) { return json::value(v, t.sp); }

json::value to_value(double v, encode_tag t) {
  // JSON has no NaN/Inf; integral values print as integers (Boost.JSON would write 1E0).
  if (!std::isfinite(v)) return json::value(t.sp);
  constexpr double exact_limit = 9007199254740992.0;  // 2^53
  if (std::trunc(v) == v && std::fabs(v) < exact_limit)
    return json::value(static_cast<std::int64_t>(v), t.sp);
  return json::value(v, t.sp);
}

json::value to_value(const json::object& v, encode_tag t) { return json::value(v, t.sp); }

json::value parse_text(std::string_view text, json::monotonic_resource& arena, decode_error& err) {
  err = {};
  json::parse_options options;
  options.max_depth = 256;  // tool parameter schemas nest deeper than Boost.JSON's default 32
  boost::system::error_code ec;
  json::value jv = json::parse(text, ec, &arena, options);
  // A number beyond double's range would be kept as infinity and written back as "Infinity".
  if (ec || !all_finite(jv)) err.code = make_error_code(decode_errc::invalid_json);
  return jv;
}

const json::value& unwrap_data(const json::value& jv) noexcept {
  if (const json::object* o = jv.if_object())
    if (const json::value* data = o->if_contains("data"); data != nullptr && data->is_object())
      return *data;
  return jv;
}

}  // namespace detail
}  // namespace openrouter::wire
