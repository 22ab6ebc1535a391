// libFuzzer target for the wire decoders of whole bodies: the chat response, the models
// catalog (page, one model, endpoints, providers), a generation, the key and credits, usage,
// a chat request (what openrouter-mock reads from its clients) and error bodies.
//
// The input is [selector byte][JSON text]; the selector picks the decoder. Properties:
// - the decoder never throws (only std::bad_alloc may escape) and fails only with a
//   wire::decode_errc, naming a field or the document;
// - what it accepts re-encodes to a text that decodes again, to the same text (a fixed point:
//   encoding is deterministic and the decoder reads back everything it writes);
// - nothing is lost: every top-level key of the (unwrapped) input object is in the encoding;
// - the lenient error-body reader never fails and is also a fixed point.
#include "fuzz_common.hpp"

#include <openrouter/wire/all.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <cmath>
#include <new>

namespace openrouter::fuzz::wire_body {

namespace json = boost::json;

// Every top-level key of `text`'s object (its "data" object when `unwrap`) is in `encoded`.
inline std::string keys_kept(std::string_view text, const std::string& encoded, bool unwrap) {
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 256;
  const json::value in = json::parse(text, ec, {}, po);
  if (ec || !in.is_object()) return {};
  const json::object* src = &in.get_object();
  if (unwrap)
    if (const auto* d = src->if_contains("data"); d && d->is_object()) src = &d->get_object();
  const json::value out = json::parse(encoded, ec, {}, po);
  if (ec || !out.is_object()) return "the encoding is not a JSON object: " + printable(encoded);
  for (const auto& kv : *src)
    if (!out.get_object().contains(kv.key()))
      return "key \"" + printable(kv.key()) + "\" of the input is missing from the encoding " + printable(encoded);
  return {};
}

// Boost.JSON 1.81 does not round every decimal to the nearest double (23e00125 reads one ulp
// off the double whose shortest form is 2.2999999999999998E126), so a double may move by an ulp
// per round trip: the same JSON up to that.
inline bool near(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    const double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 4e-16 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto &oa = a.get_object(), &ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    auto ib = ob.begin();
    for (auto ia = oa.begin(); ia != oa.end(); ++ia, ++ib)
      if (ia->key() != ib->key() || !near(ia->value(), ib->value())) return false;
    return true;
  }
  if (a.is_array()) {
    const auto &aa = a.get_array(), &ab = b.get_array();
    if (aa.size() != ab.size()) return false;
    for (std::size_t i = 0; i < aa.size(); ++i)
      if (!near(aa[i], ab[i])) return false;
    return true;
  }
  return a == b;
}

inline bool within_an_ulp(const std::string& s1, const std::string& s2) {
  boost::system::error_code e1, e2;
  json::parse_options po;
  po.max_depth = 256;
  const json::value a = json::parse(s1, e1, {}, po), b = json::parse(s2, e2, {}, po);
  return !e1 && !e2 && near(a, b);
}

template <class T, class Decode>
std::string round_trip(const char* what, std::string_view text, Decode decode, bool unwrap) {
  T v;
  wire::decode_error err;
  try {
    decode(text, v, err);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return std::string(what) + ": the decoder threw " + e.what();
  }
  if (err) {
    if (err.code.category() != wire::decode_category())
      return std::string(what) + ": failed with a foreign error " + err.code.message();
    return {};
  }
  const std::string s1 = wire::serialize(v);
  T w;
  wire::decode_error err2;
  wire::parse(s1, w, err2);
  if (err2)
    return std::string(what) + ": its own encoding does not decode (" + err2.message() + "): " + printable(s1) +
           "\n input: " + printable(text);
  const std::string s2 = wire::serialize(w);
  if (s1 != s2 && !within_an_ulp(s1, s2))
    return std::string(what) + ": encode(decode(encode(x))) != encode(x)\n first:  " + printable(s1) +
           "\n second: " + printable(s2) + "\n input: " + printable(text);
  if (auto d = keys_kept(text, s1, unwrap); !d.empty()) return std::string(what) + ": " + d;
  return {};
}

inline std::string error_body(std::string_view text) {
  wire::error_body b;
  try {
    b = wire::parse_error_body(text);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return std::string("parse_error_body threw ") + e.what();
  }
  // The accessors the client uses to classify the failure.
  (void)b.error.status();
  (void)b.error.code_text();
  (void)b.error.type();
  (void)b.error.provider_code();
  (void)b.error.provider_name();
  (void)b.error.moderation();
  const std::string s1 = wire::serialize(b);
  const std::string s2 = wire::serialize(wire::parse_error_body(s1));
  if (s1 != s2 && !within_an_ulp(s1, s2))
    return "parse_error_body is not a fixed point\n first:  " + printable(s1) + "\n second: " + printable(s2) +
           "\n input: " + printable(text);
  return {};
}

inline std::string check(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return {};
  const std::string_view text = as_text(data + 1, size - 1);
  auto plain = [](std::string_view t, auto& out, wire::decode_error& e) { wire::parse(t, out, e); };
  auto enveloped = [](std::string_view t, auto& out, wire::decode_error& e) { wire::parse_data(t, out, e); };
  switch (data[0] % 12) {
    case 0: return round_trip<wire::chat_response>("chat_response", text, plain, false);
    case 1: return round_trip<wire::models_page>("models_page", text, plain, false);
    case 2: return round_trip<wire::model>("model", text, enveloped, true);
    case 3: return round_trip<wire::model_endpoints>("model_endpoints", text, enveloped, true);
    case 4: return round_trip<wire::provider_list>("provider_list", text, plain, false);
    case 5: return round_trip<wire::generation>("generation", text, enveloped, true);
    case 6: return round_trip<wire::key_info>("key_info", text, enveloped, true);
    case 7: return round_trip<wire::credits>("credits", text, enveloped, true);
    case 8: return round_trip<wire::chat_usage>("chat_usage", text, plain, false);
    case 9: return round_trip<wire::chat_request>("chat_request", text, plain, false);
    case 10: return round_trip<wire::error_body>("error_body (strict)", text, plain, false);
    default: return error_body(text);
  }
}

}  // namespace openrouter::fuzz::wire_body

OPENROUTER_FUZZ_TARGET("wire_body_fuzz", openrouter::fuzz::wire_body::check)
