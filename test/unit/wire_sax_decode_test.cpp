// The generic SAX decoder (src/lib/wire/sax_decode.hpp) against the DOM decoder it must reproduce:
// chat responses (the reference's examples, the mock's body, hand-written edge cases, random
// value-level mutations and byte mutations), chat requests, and the decoder must decide alone for
// the common responses. Wherever the SAX decoder takes a text, the result must equal the DOM's,
// `extra` order included; wherever it declines, wire::parse must still give the DOM's result and
// error.
#include "wire/codecs.hpp"

#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include "fixtures/openrouter_transcripts.hpp"
#include "wire_differential.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using namespace openrouter::wire;

namespace {

// The encoded value plus every `extra` in order (json::object equality ignores order).
std::string dump(const chat_response& r) {
  std::string s = json::serialize(json::value_from(r)) + "|" + json::serialize(r.extra);
  for (const chat_choice& c : r.choices) {
    s += "|" + json::serialize(c.extra) + "|" + json::serialize(c.message.extra);
    for (const tool_call& t : c.message.tool_calls)
      s += "|" + json::serialize(t.extra) + "|" + json::serialize(t.function.extra);
  }
  if (r.usage) {
    s += "|" + json::serialize(r.usage->extra);
    if (r.usage->prompt_tokens_details) s += "|" + json::serialize(r.usage->prompt_tokens_details->extra);
    if (r.usage->cost_details) s += "|" + json::serialize(r.usage->cost_details->extra);
  }
  return s;
}
std::string dump(const chat_request& r) {
  std::string s = json::serialize(json::value_from(r)) + "|" + json::serialize(r.extra);
  for (const message& m : r.messages) s += "|" + json::serialize(m.extra);
  return s;
}

template <class T>
struct differential : test::differential_report {
  std::size_t texts = 0, sax_hits = 0;
  std::vector<std::string> declined;  // texts the DOM decodes and the SAX decoder left to it

  // Requires the DOM's result from the SAX decoder when it decides, and from wire::parse always.
  bool check(const std::string& text) {
    ++texts;
    T ref;
    decode_error ref_err;
    detail::parse_dom(text, ref, ref_err);
    const std::string want = dump(ref);

    T sax;
    const bool took = detail::sax_parse(text, sax_level_of(std::type_identity<T>{}, detail::sax_tag{}), &sax);
    if (took) {
      ++sax_hits;
      expect(!ref_err, text, "SAX took a text the DOM rejects (" + ref_err.message() + ")", dump(sax), want);
      expect(dump(sax) == want, text, "SAX alone", dump(sax), want);
    }
    if (!took && !ref_err) declined.push_back(text);
    T via;
    via.extra.emplace("stale", 1);  // parse() must not keep anything of what `out` held
    decode_error err;
    parse(text, via, err);
    expect(err.code == ref_err.code && err.field == ref_err.field && dump(via) == want, text, "wire::parse",
           dump(via) + " / " + err.message(), want + " / " + ref_err.message());
    return took;
  }
};

// openrouter-mock's non-streaming body (src/mock/chat.cpp json_reply and plan_usage).
const std::string mock_body =
    R"({"id":"gen-1765100000-AbCdEfGhIjKlMnOpQrSt","provider":"OpenAI","model":"openai/gpt-4o-mini",)"
    R"("object":"chat.completion","created":1765100000,"system_fingerprint":"fp_mock0001","choices":[)"
    R"({"index":0,"logprobs":null,"finish_reason":"stop","native_finish_reason":"stop","message":{"role":"assistant",)"
    R"("refusal":null,"content":"Invoice OCR turns scanned bills into structured data for you.","reasoning":null}}],)"
    R"("usage":{"prompt_tokens":12,"completion_tokens":16,"total_tokens":28,"cost":0.0000123,"is_byok":false,)"
    R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,)"
    R"("image_tokens":0},"cost_details":{"upstream_inference_cost":null,"upstream_inference_prompt_cost":0.0000018,)"
    R"("upstream_inference_completions_cost":0.0000105}}})";

// mock_body with choices[0].message replaced
std::string with_message(std::string_view m) {
  return R"({"id":"g","choices":[{"index":0,"finish_reason":"stop","message":)" + std::string(m) + "}]}";
}
std::string with_choice(std::string_view c) { return R"({"id":"g","choices":[)" + std::string(c) + "]}"; }
std::string with_usage(std::string_view u) { return R"({"id":"g","choices":[],"usage":)" + std::string(u) + "}"; }
std::string with_top(std::string_view members) { return R"({"id":"g","choices":[],)" + std::string(members) + "}"; }

std::vector<std::string> response_edge_cases() {
  std::vector<std::string> v = {
      // message content and its other members
      with_message(R"({"role":"assistant","content":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00 \u0000"})"),
      with_message(R"({"role":"assistant","content":""})"),
      with_message(R"({"role":"assistant","content":null})"),
      with_message(R"({"role":"","content":"x"})"),
      with_message(R"({"role":null})"),
      with_message(R"({})"),
      with_message(R"({"content":[{"type":"text","text":"part"},{"type":"image_url","image_url":{"url":"u"}}]})"),
      with_message(R"({"content":[]})"),
      with_message(R"({"content":5})"),
      with_message(R"({"content":{"type":"text"}})"),
      with_message(R"({"content":"x","tool_calls":[]})"),
      with_message(R"({"content":"x","tool_calls":null})"),
      with_message(R"({"content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":""}},)"
                   R"({"id":"","function":{"name":"g","arguments":"{\"a\":1}","extra":true},"other":[1]}]})"),
      with_message(R"({"tool_calls":[{"function":null}]})"),
      with_message(R"({"tool_calls":[{"type":null}]})"),
      with_message(R"({"tool_calls":[1]})"),
      with_message(R"({"tool_calls":[[]]})"),
      with_message(R"({"tool_calls":{}})"),
      with_message(R"({"reasoning":"think","reasoning_details":[{"type":"reasoning.text","text":"t"}]})"),
      with_message(R"({"reasoning_details":null,"annotations":null,"audio":null})"),
      with_message(R"({"annotations":[{"type":"url_citation","url_citation":{"url":"u"}}],"audio":{"id":"a"}})"),
      with_message(R"({"images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]})"),
      with_message(R"({"images":[]})"),
      with_message(R"({"name":"n","tool_call_id":null,"model":"m","refusal":""})"),
      with_message(R"({"content":"x","content":"y"})"),
      with_message(R"({"\u0063ontent":"escaped key","r\u006fle":"assistant"})"),
      with_message("null"),
      with_message("[]"),
      with_message(R"("x")"),
      // choices
      with_choice(R"({"index":0,"message":{"content":"x"},"error":{"code":502,"message":"m","metadata":{"a":1}}})"),
      with_choice(R"({"index":0,"error":null})"),
      with_choice(R"({"index":null})"),
      with_choice(R"({"index":1.0})"),
      with_choice(R"({"index":1.5})"),
      with_choice(R"({"index":9223372036854775807})"),
      with_choice(R"({"index":9223372036854775808})"),
      with_choice(R"({"index":"0"})"),
      with_choice(R"({"index":0,"logprobs":{"content":[{"token":"a","logprob":-0.1}]}})"),
      with_choice(R"({"index":0,"logprobs":[]})"),
      with_choice(R"({"index":0,"finish_reason":null,"native_finish_reason":""})"),
      with_choice(R"({"index":0,"unknown":{"a":[1,{"b":null}]},"unknown":2})"),
      with_choice(R"({"index":0,"message":{}},{"index":1,"message":{"content":"b"}})"),
      with_choice("null"),
      with_choice("1"),
      with_choice("[]"),
      with_choice(R"({"index":0},null)"),
      with_choice(""),
      // usage
      with_usage("null"),
      with_usage("{}"),
      with_usage(R"({"prompt_tokens":1,"completion_tokens":2,"total_tokens":3})"),
      with_usage(R"({"prompt_tokens":null,"completion_tokens":2.0,"total_tokens":1e2})"),
      with_usage(R"({"prompt_tokens":"1"})"),
      with_usage(R"({"prompt_tokens":18446744073709551615})"),
      with_usage(R"({"cost":1,"is_byok":null})"),
      with_usage(R"({"cost":18446744073709551615,"is_byok":true})"),
      with_usage(R"({"cost":null,"is_byok":"no"})"),
      with_usage(R"({"cost":1e400})"),
      with_usage(R"({"cost":-0.0,"cost_details":null,"prompt_tokens_details":{}})"),
      with_usage(R"({"server_tool_use_details":{"web_search_requests":2},"server_tool_use":{"web_search_requests":1.0}})"),
      with_usage(R"({"completion_tokens_details":{"reasoning_tokens":null,"zzz":[]}})"),
      with_usage(R"({"prompt_tokens_details":[]})"),
      with_usage("[]"),
      // top level
      with_top(R"("created":null)"),
      with_top(R"("created":1.0)"),
      with_top(R"("created":-1)"),
      with_top(R"("model":"","provider":null,"object":"")"),
      with_top(R"("system_fingerprint":null,"service_tier":"")"),
      with_top(R"("model":5)"),
      with_top(R"("openrouter_metadata":{"attempts":[{"provider":"p"}]})"),
      with_top(R"("openrouter_metadata":null)"),
      with_top(R"("unknown":{"nested":[1,2,3]},"other":null)"),
      with_top(R"("id":"dup")"),
      with_top(R"("unknown":1,"unknown":2)"),
      with_top(R"("choices":[])"),
      R"({"id":null,"choices":null})",
      R"({"choices":{}})",
      R"({"choices":"x"})",
      R"({})",
      // not a response
      "", " ", "42", "null", R"("x")", "[]", "[{}]",
      mock_body + " x", mock_body + mock_body, mock_body + "\n \t\r", " \n" + mock_body, mock_body + ",",
      "\xef\xbb\xbf" + mock_body,
      R"({"id":"g",/*c*/"choices":[]})",
      R"({"id":"g","choices":[],})",
      R"({'id':"g"})",
  };
  // long strings and keys, with and without escapes (delivered in parts by the parser)
  std::string long_plain(20000, 'a');
  std::string long_escaped;
  for (int i = 0; i < 3000; ++i) long_escaped += "ab\\n\\u00e9\\\"";
  v.push_back(with_message(R"({"content":")" + long_plain + R"("})"));
  v.push_back(with_message(R"({"content":")" + long_escaped + R"("})"));
  v.push_back(with_message(R"({"content":[{"type":"text","text":")" + long_escaped + R"("}]})"));
  v.push_back(with_top(R"("x":")" + long_escaped + R"(")"));
  v.push_back(with_top("\"" + long_plain + "\":1"));
  v.push_back(with_top("\"" + long_escaped + "\":[\"" + long_escaped + "\"]"));
  // deep nesting, inside an opaque member and inside typed ones
  v.push_back(with_top(R"("openrouter_metadata":)" + std::string(200, '[') + std::string(200, ']')));
  v.push_back(with_top(R"("unknown":)" + std::string(300, '[') + std::string(300, ']')));
  // every prefix of the mock body (truncated bodies)
  for (std::size_t n = 0; n < mock_body.size(); ++n) v.push_back(mock_body.substr(0, n));
  return v;
}

// Value-level mutations of a valid document: a member removed, replaced by a value of another
// kind, an unknown key added, a key duplicated, members reordered.
class mutator {
 public:
  explicit mutator(unsigned seed) : rng_(seed) {}

  bool duplicated = false;  // the last text has a key written twice

  std::string mutate(json::value doc) {
    const unsigned edits = 1 + pick(3);
    for (unsigned i = 0; i < edits; ++i) {
      std::vector<json::object*> objects;
      collect(doc, objects);
      if (objects.empty()) break;
      json::object& o = *objects[pick(static_cast<unsigned>(objects.size()))];
      if (o.empty()) {
        o.emplace("k" + std::to_string(pick(3)), any_value());
        continue;
      }
      auto it = o.begin() + pick(static_cast<unsigned>(o.size()));
      switch (pick(5)) {
        case 0: o.erase(it); break;
        case 1: it->value() = any_value(); break;
        case 2: o.emplace("unknown_" + std::to_string(pick(3)), any_value()); break;
        case 3: {  // move a member to the end (reorder)
          json::value v = it->value();
          std::string k(it->key());
          o.erase(it);
          o.emplace(k, std::move(v));
          break;
        }
        default: duplicate_ = std::string(it->key()); break;
      }
    }
    std::string s = json::serialize(doc);
    duplicated = false;
    if (!duplicate_.empty()) {  // a key written twice (json::object cannot hold that)
      const std::string k = "\"" + duplicate_ + "\":";
      if (auto at = s.find(k); at != std::string::npos) {
        s.insert(at, k + "null,");
        duplicated = true;
      }
      duplicate_.clear();
    }
    return s;
  }

 private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

  static void collect(json::value& v, std::vector<json::object*>& out) {
    if (auto* o = v.if_object()) {
      out.push_back(o);
      for (auto& kv : *o) collect(kv.value(), out);
    } else if (auto* a = v.if_array()) {
      for (auto& e : *a) collect(e, out);
    }
  }

  json::value any_value() {
    static const char* const values[] = {"null", "true", "false", "0", "-1", "1.5", "2.0", R"("")", R"("s")", "{}",
                                         "[]", R"({"a":[1,{"b":null}]})", "[null]", "[{}]", "18446744073709551615",
                                         R"([{"type":"text","text":"t"}])"};
    return json::parse(values[pick(static_cast<unsigned>(std::size(values)))]);
  }

  std::mt19937 rng_;
  std::string duplicate_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_sax_decode_test)

BOOST_AUTO_TEST_CASE(common_responses_are_decoded_without_a_document) {
  differential<chat_response> d;
  BOOST_TEST(d.check(mock_body));
  BOOST_TEST(d.check(std::string(test::transcripts::text_response)));
  BOOST_TEST(d.check(std::string(test::transcripts::tool_call_response)));
  BOOST_TEST(d.failures == 0u);

  // and what they decode to, spelled out (the differential alone would pass two equal wrong decoders)
  chat_response r;
  BOOST_TEST_REQUIRE(detail::sax_parse(mock_body, sax_level_of(std::type_identity<chat_response>{}, detail::sax_tag{}), &r));
  BOOST_TEST(r.id == "gen-1765100000-AbCdEfGhIjKlMnOpQrSt");
  BOOST_TEST(r.created.value_or(0) == 1765100000);
  BOOST_TEST(r.system_fingerprint.value_or("") == "fp_mock0001");
  BOOST_TEST_REQUIRE(r.choices.size() == 1u);
  BOOST_TEST(r.choices[0].finish_reason.value_or("") == "stop");
  BOOST_TEST(r.text() == "Invoice OCR turns scanned bills into structured data for you.");
  BOOST_TEST(!r.choices[0].message.refusal);
  BOOST_TEST(json::serialize(r.choices[0].message.extra) == R"({"refusal":null,"reasoning":null})");
  BOOST_TEST(json::serialize(r.choices[0].extra) == R"({"logprobs":null})");
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->total_tokens == 28);
  BOOST_TEST(r.usage->cost.value_or(0) == 0.0000123);
  BOOST_TEST((r.usage->is_byok == std::optional<bool>(false)));
  BOOST_TEST(r.usage->completion_tokens_details->reasoning_tokens.value_or(-1) == 0);
  BOOST_TEST(!r.usage->cost_details->upstream_inference_cost);
  BOOST_TEST(json::serialize(r.usage->cost_details->extra) == R"({"upstream_inference_cost":null})");

  chat_response t;
  BOOST_TEST_REQUIRE(detail::sax_parse(std::string(test::transcripts::tool_call_response),
                                       sax_level_of(std::type_identity<chat_response>{}, detail::sax_tag{}), &t));
  BOOST_TEST_REQUIRE(t.choices.at(0).message.tool_calls.size() == 1u);
  BOOST_TEST(t.choices[0].message.tool_calls[0].function.arguments == R"({"city":"San Francisco"})");
  BOOST_TEST(!t.choices[0].message.content);
  BOOST_TEST(json::serialize(t.choices[0].message.extra) == R"({"content":null})");
}

BOOST_AUTO_TEST_CASE(edge_cases) {
  differential<chat_response> d;
  for (const std::string& text : response_edge_cases()) d.check(text);
  BOOST_TEST_MESSAGE(d.texts << " edge cases, " << d.sax_hits << " decoded by SAX alone");
  // it leaves to the DOM only the texts the DOM rejects and the 5 with a duplicate key
  for (const std::string& t : d.declined) BOOST_TEST_MESSAGE("left to the DOM: " << t.substr(0, 300));
  BOOST_TEST(d.declined.size() == 5u);
  BOOST_TEST(d.sax_hits == 57u);
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(value_mutations_of_real_responses) {
  differential<chat_response> d;
  mutator m(20261207);
  const std::string bases[] = {mock_body, std::string(test::transcripts::text_response),
                               std::string(test::transcripts::tool_call_response)};
  std::size_t left = 0;  // valid texts left to the DOM without a duplicate key
  for (int i = 0; i < 3000; ++i) {
    const std::size_t before = d.declined.size();
    d.check(m.mutate(json::parse(bases[i % 3])));
    if (d.declined.size() > before && !m.duplicated && ++left <= 5) BOOST_ERROR("left to the DOM: " << d.declined.back());
  }
  BOOST_TEST_MESSAGE(d.texts << " mutated responses, " << d.sax_hits << " decoded by SAX alone");
  BOOST_TEST(left == 0u);
  BOOST_TEST(d.sax_hits >= 1000u);
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(byte_mutations) {
  differential<chat_response> d;
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) d.check(test::mutate_bytes(rng, i % 2 ? mock_body : std::string(test::transcripts::tool_call_response)));
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(chat_requests) {
  differential<chat_request> d;
  const std::string requests[] = {
      R"({"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]})",
      R"({"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"t",)"
      R"("cache_control":{"type":"ephemeral"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]}],)"
      R"("stream":true,"max_tokens":16,"temperature":0.2,"top_p":1,"models":["a","b"],"provider":{"order":["x"],)"
      R"("allow_fallbacks":false},"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],)"
      R"("tool_choice":"auto","response_format":{"type":"json_object"},"usage":{"include":true},"user":"u","zzz":1})",
      R"({"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function",)"
      R"("function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"42"}]})",
  };
  mutator m(99);
  for (const std::string& r : requests) {
    BOOST_TEST(d.check(r));
    for (int i = 0; i < 500; ++i) d.check(m.mutate(json::parse(r)));
  }
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
