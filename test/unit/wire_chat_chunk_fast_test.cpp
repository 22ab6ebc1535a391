// parse_chat_chunk's SAX fast path, and the generic SAX decoder it falls back to, against the DOM
// decoder both must reproduce exactly: transcript chunks, the benchmark's generated chunks,
// hand-written edge cases, random chunk shapes and byte mutations, each decoded into fresh and
// into dirty (reused) chunks; and the fast path must fire for the common chunks.
#include "wire/chat_chunk_fast.hpp"
#include "wire/codecs.hpp"

#include <openrouter/wire/chat_chunk.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>
#include "fixtures/openrouter_transcripts.hpp"
#include "wire_differential.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace json = boost::json;
using namespace openrouter::wire;
using boost::system::error_code;

namespace {

std::vector<std::string> data_events(std::string_view transcript) {
  std::vector<std::string> out;
  while (!transcript.empty()) {
    const auto eol = transcript.find('\n');
    std::string_view line = transcript.substr(0, eol);
    transcript.remove_prefix(eol == std::string_view::npos ? transcript.size() : eol + 1);
    if (line.starts_with("data: ") && line != "data: [DONE]") out.emplace_back(line.substr(6));
  }
  return out;
}

// The encoded chunk plus every `extra` in order: value_from() hides an extra key that a set
// member shadows, and json::object equality ignores order.
std::string dump(const chat_chunk& c) {
  std::string s = json::serialize(json::value_from(c));
  s += "|" + json::serialize(c.extra);
  for (const chunk_choice& ch : c.choices)
    s += "|" + json::serialize(ch.extra) + "|" + json::serialize(ch.delta.extra);
  return s;
}

const std::string base =
    R"({"id":"gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW","provider":"OpenAI","model":"openai/gpt-4o-mini",)"
    R"("object":"chat.completion.chunk","created":1754313000,"choices":[{"index":0,"delta":{"role":"assistant",)"
    R"("content":"Hello"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],)"
    R"("system_fingerprint":"fp_7a1b2c3d4e"})";

// base with its delta object replaced
std::string with_delta(std::string_view delta) {
  return R"({"id":"g","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)" +
         std::string(delta) + R"(,"finish_reason":null}]})";
}
std::string with_choice(std::string_view choice) {
  return R"({"id":"g","object":"chat.completion.chunk","created":1,"model":"m","choices":[)" + std::string(choice) +
         "]}";
}
std::string with_top(std::string_view members) {
  return R"({"id":"g","choices":[{"index":0,"delta":{"content":"x"}}],)" + std::string(members) + "}";
}

// The chunks of benchmarks/sse_parser_bench.cpp's chat stream: every word pair.
std::vector<std::string> bench_chunks() {
  static const char* const words[] = {"Hello", " there", "!", " How", " can", " I", " help", " you", " today",
                                      "?",     " The",   " quick", " brown", " fox", " jumps", " over", "\\n"};
  const std::string head = R"({"id":"gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW","provider":"OpenAI",)"
                           R"("model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1754313000,)"
                           R"("choices":[{"index":0,"delta":{"role":"assistant","content":")";
  const std::string tail = R"("},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],)"
                           R"("system_fingerprint":"fp_7a1b2c3d4e"})";
  std::vector<std::string> out;
  for (const char* a : words) {
    out.push_back(head + a + tail);
    for (const char* b : words) out.push_back(head + a + b + tail);
  }
  return out;
}

std::vector<std::string> edge_case_texts() {
  std::vector<std::string> v = {
      // strings
      with_delta(R"({"role":"assistant","content":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac\ud83d\ude00 \u0000"})"),
      with_delta(R"({"content":""})"),
      with_delta(R"({"content":null})"),
      with_delta(R"({"role":"assistant"})"),
      with_delta(R"({"role":""})"),
      with_delta(R"({})"),
      with_delta(R"({"reasoning":"think","refusal":null})"),
      with_delta(R"({"reasoning":null,"refusal":"no"})"),
      with_delta(R"({"content":"\u0063"})"),
      with_delta(R"({"\u0063ontent":"escaped key"})"),
      with_delta(R"({"content\u0000":"x"})"),
      with_delta(R"({"content":"x","content":"y"})"),
      with_delta(R"({"content":null,"content":"y"})"),
      with_delta(R"({"content":"x","unknown":1})"),
      with_delta(R"({"content":"x","tool_calls":[]})"),
      with_delta(R"({"content":"x","tool_calls":null})"),
      with_delta(R"({"content":"x","reasoning_details":[]})"),
      with_delta(R"({"content":"x","reasoning_details":null})"),
      with_delta(R"({"content":"x","images":null})"),
      with_delta(R"({"content":"x","audio":null,"annotations":null})"),
      with_delta(R"({"content":5})"),
      with_delta(R"({"content":true})"),
      with_delta(R"({"content":{}})"),
      with_delta(R"({"content":["x"]})"),
      with_delta(R"({"role":{"nested":{"deeper":[1,2,{"x":null}]}}})"),
      with_delta("null"),
      with_delta(R"("x")"),
      with_delta("[]"),
      with_delta("{}"),
      with_delta(R"({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"c","type":"function",)"
                 R"("function":{"name":"f","arguments":""}}]})"),
      with_delta(R"({"content":"\xff"})"),
      with_delta("{\"content\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}"),
      // choices
      with_choice(R"({"index":0,"delta":{"content":"x"},"finish_reason":"stop","native_finish_reason":"end_turn"})"),
      with_choice(R"({"index":0,"delta":{"content":""},"finish_reason":"error"})"),
      with_choice(R"({"index":null,"delta":{"content":"x"}})"),
      with_choice(R"({"delta":{"content":"x"}})"),
      with_choice(R"({"index":0})"),
      with_choice(R"({})"),
      with_choice(R"({"index":-1,"delta":{"content":"x"}})"),
      with_choice(R"({"index":1.0,"delta":{"content":"x"}})"),
      with_choice(R"({"index":1.5,"delta":{"content":"x"}})"),
      with_choice(R"({"index":9223372036854775808})"),
      with_choice(R"({"index":"0"})"),
      with_choice(R"({"index":0,"index":1})"),
      with_choice(R"({"index":0,"delta":{},"delta":{"content":"x"}})"),
      with_choice(R"({"index":0,"logprobs":null})"),
      with_choice(R"({"index":0,"logprobs":{"content":null}})"),
      with_choice(R"({"index":0,"logprobs":[]})"),
      with_choice(R"({"index":0,"logprobs":"x"})"),
      with_choice(R"({"index":0,"finish_reason":5})"),
      with_choice(R"({"index":0,"extra_key":{"a":[1,{"b":null}]}})"),
      with_choice(R"({"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"},"finish_reason":null})"),
      with_choice(R"({"index":0,"delta":{"content":"a"},"logprobs":null},{"index":1,"delta":{"role":"assistant"}},)"
                  R"({"index":2,"finish_reason":"stop","native_finish_reason":null})"),
      with_choice("null"),
      with_choice("1"),
      with_choice("[]"),
      with_choice(R"({"index":0},null)"),
      with_choice(""),
      // top level
      with_top(R"("created":null)"),
      with_top(R"("created":1.0)"),
      with_top(R"("created":1e3)"),
      with_top(R"("created":-0)"),
      with_top(R"("created":-1)"),
      with_top(R"("created":9223372036854775807)"),
      with_top(R"("created":9223372036854775808)"),
      with_top(R"("created":18446744073709551616)"),
      with_top(R"("created":"1")"),
      with_top(R"("created":true)"),
      with_top(R"("model":"","provider":null,"object":"")"),
      with_top(R"("system_fingerprint":null,"service_tier":null)"),
      with_top(R"("system_fingerprint":"","service_tier":"auto")"),
      with_top(R"("model":5)"),
      with_top(R"("unknown":{"nested":[1,2,3]})"),
      with_top(R"("usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3})"),
      with_top(R"("usage":null)"),
      with_top(R"("error":{"code":502,"message":"x"})"),
      with_top(R"("openrouter_metadata":null,"debug":null)"),
      with_top(R"("id":"dup")"),
      with_top(R"("choices":[])"),
      R"({"id":null,"choices":[]})",
      R"({"id":"","choices":null})",
      R"({"choices":{}})",
      R"({"choices":"x"})",
      R"({"id":"g"})",
      R"({})",
      R"({"choices":[],"id":"late"})",
      // not a chunk
      "", " ", "42", "null", R"("x")", "[]", "[{}]", "[DONE]",
      base + " x", base + base, base + "\n \t\r", " \n" + base, base + ",",
      "\xef\xbb\xbf" + base,
      R"({"id":"g",/*c*/"choices":[]})",
      R"({"id":"g","choices":[],})",
      R"({"id":"g","choices":[{"index":0,}]})",
      R"({'id':"g"})",
      R"({"id":"g","choices":[{"index":0,"delta":{"content":"unterminated}]})",
  };
  // long strings, with and without escapes (delivered in parts by the parser)
  std::string long_plain(20000, 'a');
  std::string long_escaped;
  for (int i = 0; i < 3000; ++i) long_escaped += "ab\\n\\u00e9\\\"";
  v.push_back(with_delta(R"({"content":")" + long_plain + R"("})"));
  v.push_back(with_delta(R"({"content":")" + long_escaped + R"("})"));
  v.push_back(with_top(R"("id":")" + long_escaped + R"(")"));
  v.push_back(with_delta("{\"" + long_plain + "\":1}"));
  v.push_back(with_delta(R"({"\u0063\u006f\u006e\u0074\u0065\u006e\u0074\u0063\u006f\u006e\u0074\u0065\u006e\u0074":1})"));
  // deep nesting
  v.push_back(with_delta(R"({"x":)" + std::string(300, '[') + std::string(300, ']') + "}"));
  // every prefix of the base chunk (truncated events)
  for (std::size_t n = 0; n < base.size(); ++n) v.push_back(base.substr(0, n));
  return v;
}

// Random chunks built from the modeled keys with random kinds, orders, duplicates and unknowns.
class shape_generator {
 public:
  explicit shape_generator(unsigned seed) : rng_(seed) {}

  std::string chunk() {
    std::vector<std::string> members;
    add(members, "id", string_like());
    add(members, "object", string_like());
    add(members, "created", number_like());
    add(members, "model", string_like());
    add(members, "provider", string_like());
    add(members, "system_fingerprint", string_like());
    add(members, "service_tier", string_like());
    if (pick(20) != 0) {
      std::string arr = "[";
      const unsigned n = pick(8) == 0 ? pick(4) : 1;
      for (unsigned i = 0; i < n; ++i) arr += (i ? "," : "") + choice();
      members.push_back(R"("choices":)" + arr + "]");
    }
    if (pick(15) == 0) members.push_back(R"("usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3})");
    if (pick(15) == 0) members.push_back(R"("error":{"code":500,"message":"m"})");
    return object(members);
  }

 private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

  std::string object(std::vector<std::string>& members) {
    std::shuffle(members.begin(), members.end(), rng_);
    if (pick(20) == 0 && !members.empty()) members.push_back(members[pick(static_cast<unsigned>(members.size()))]);
    if (pick(25) == 0) members.push_back(R"("unknown_)" + std::to_string(pick(3)) + R"(":)" + any_value());
    std::string s = "{";
    for (std::size_t i = 0; i < members.size(); ++i) s += (i ? "," : "") + members[i];
    return s + "}";
  }

  void add(std::vector<std::string>& members, std::string_view key, std::string value) {
    if (pick(6) != 0) members.push_back("\"" + std::string(key) + "\":" + std::move(value));
  }

  std::string string_like() {
    switch (pick(12)) {
      case 0: return "null";
      case 1: return R"("")";
      case 2: return any_value();
      case 3: return R"("esc\"aped\u00e9\n")";
      default: return "\"v" + std::to_string(pick(1000)) + "\"";
    }
  }
  std::string number_like() {
    switch (pick(12)) {
      case 0: return "null";
      case 1: return any_value();
      case 2: return "17.0";
      case 3: return "9223372036854775808";
      default: return std::to_string(pick(2000000000));
    }
  }
  std::string any_value() {
    static const char* const values[] = {"null", "true", "false", "0", "-1", "1.5", "1e400", R"("")", R"("s")",
                                         "{}", "[]", R"({"a":[1,{"b":null}]})", "[null]", "18446744073709551615"};
    return values[pick(std::size(values))];
  }
  std::string choice() {
    if (pick(40) == 0) return any_value();
    std::vector<std::string> members;
    add(members, "index", pick(8) == 0 ? number_like() : std::to_string(pick(3)));
    if (pick(8) != 0) members.push_back(R"("delta":)" + (pick(30) == 0 ? any_value() : delta()));
    add(members, "finish_reason", pick(2) ? "null" : string_like());
    add(members, "native_finish_reason", pick(2) ? "null" : string_like());
    add(members, "logprobs", pick(6) ? "null" : any_value());
    return object(members);
  }
  std::string delta() {
    std::vector<std::string> members;
    add(members, "role", pick(2) ? R"("assistant")" : string_like());
    add(members, "content", pick(2) ? "\"c" + std::to_string(pick(100)) + "\"" : string_like());
    if (pick(4) == 0) add(members, "reasoning", string_like());
    if (pick(4) == 0) add(members, "refusal", string_like());
    if (pick(20) == 0) members.push_back(R"("tool_calls":[{"index":0,"function":{"arguments":"{}"}}])");
    return object(members);
  }

  std::mt19937 rng_;
};

// States an output chunk may be in before it is reused.
std::vector<chat_chunk> dirty_states() {
  std::vector<std::string> texts = {
      with_choice(R"({"index":3,"delta":{"role":"tool","content":"long content long content long content",)"
                  R"("reasoning":"r","refusal":"f","tool_calls":[{"index":0,"id":"c"}],"images":[],"audio":{"x":1},)"
                  R"("annotations":[1],"reasoning_details":[{"t":1}],"other":5},"finish_reason":"stop",)"
                  R"("native_finish_reason":"x","logprobs":{"content":[]},"k":"v"},{"index":1},{"index":2,"delta":{}})"),
      with_top(R"("usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"error":{"code":1,"message":"m"},)"
               R"("openrouter_metadata":{"a":1},"debug":{"b":2},"zzz":[1],"service_tier":"s","system_fingerprint":null)"),
      R"({"id":"","object":null,"model":"","provider":"","created":null,"choices":[{"index":0,"delta":{"content":null,)"
      R"("role":null,"reasoning":null,"refusal":null},"logprobs":null,"native_finish_reason":null,"finish_reason":null}]})",
      base,
  };
  std::vector<chat_chunk> out(1);  // a fresh one
  for (const std::string& t : texts) {
    chat_chunk c;
    error_code ec;
    detail::parse_chat_chunk_dom(t, c, ec);
    BOOST_TEST_REQUIRE(!ec, ec.message() << " in " << t);
    out.push_back(std::move(c));
  }
  // Moved-from chunks: a stream decodes its next events into the objects async_next moved its
  // last ones out of (engaged optionals left empty, json objects left empty).
  for (std::size_t i = 1, n = out.size(); i < n; ++i) {
    chat_chunk moved_from = out[i];
    chat_chunk taken = std::move(moved_from);
    out.push_back(std::move(moved_from));
  }
  return out;
}

struct differential : test::differential_report {
  std::vector<chat_chunk> dirty = dirty_states();
  chat_chunk carried;  // reused across every text, as a stream reuses it
  std::size_t texts = 0, fast_hits = 0, generic_hits = 0;

  // Decodes `text` every way and requires the DOM decoder's result; returns whether the fast path took it.
  bool check(const std::string& text) {
    ++texts;
    chat_chunk ref;
    error_code ref_ec;
    detail::parse_chat_chunk_dom(text, ref, ref_ec);
    const std::string want = dump(ref);

    chat_chunk fast_out;
    const bool fast = detail::parse_chat_chunk_fast(text, fast_out);
    if (fast) {
      ++fast_hits;
      expect(!ref_ec && dump(fast_out) == want, text, "fast path alone, fresh", dump(fast_out), want);
      // else parse_chat_chunk would skip the fast path for the rest of the stream
      expect(!detail::holds_dom_only_content(fast_out), text, "fast result flagged as DOM-only", dump(fast_out), "");
    }
    chat_chunk generic;  // the generic SAX decoder (sax_decode.hpp) decodes into fresh structs only
    if (detail::sax_parse(text, sax_level_of(std::type_identity<chat_chunk>{}, detail::sax_tag{}), &generic)) {
      ++generic_hits;
      expect(!ref_ec && dump(generic) == want, text, "generic SAX decoder alone", dump(generic), want);
    }
    for (std::size_t i = 0; i < dirty.size(); ++i) {
      chat_chunk c = dirty[i];
      if (detail::parse_chat_chunk_fast(text, c) != fast) expect(false, text, "fast path verdict depends on reuse", "", "");
      if (fast) expect(json::value_from(c) == json::value_from(ref) && dump(c) == want, text,
                       "fast path alone, dirty #" + std::to_string(i), dump(c), want);
      c = dirty[i];
      error_code ec;
      parse_chat_chunk(text, c, ec);
      expect(ec == ref_ec && json::value_from(c) == json::value_from(ref) && dump(c) == want, text,
             "parse_chat_chunk, dirty #" + std::to_string(i), dump(c), want);
    }
    error_code ec;
    parse_chat_chunk(text, carried, ec);
    expect(ec == ref_ec && dump(carried) == want, text, "parse_chat_chunk, carried", dump(carried), want);
    return fast;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_chat_chunk_fast_test)

BOOST_AUTO_TEST_CASE(transcript_chunks) {
  differential d;
  std::size_t fast = 0;
  for (std::string_view transcript :
       {test::transcripts::text, test::transcripts::tools, test::transcripts::error})
    for (const std::string& event : data_events(transcript)) fast += d.check(event);
  BOOST_TEST(d.texts == 16u);
  // text: 5 of 6 (not usage); tools: the finish chunk only; error: the 2 chunks before the error
  BOOST_TEST(fast == 8u);
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(benchmark_chunks_all_take_the_fast_path) {
  differential d;
  for (const std::string& event : bench_chunks()) BOOST_TEST_REQUIRE(d.check(event), event);
  BOOST_TEST(d.texts == 17u * 18u);
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(edge_cases) {
  differential d;
  for (const std::string& text : edge_case_texts()) d.check(text);
  BOOST_TEST_MESSAGE(d.texts << " edge cases, " << d.fast_hits << " on the fast path, " << d.generic_hits
                             << " decided by the generic SAX decoder");
  BOOST_TEST(d.generic_hits > d.fast_hits);  // it also takes usage, errors, tool calls, unknown keys
  BOOST_TEST(d.fast_hits >= 30u);  // the valid common-shape ones (38 today)
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(random_shapes) {
  differential d;
  shape_generator gen(20250805);
  for (int i = 0; i < 3000; ++i) d.check(gen.chunk());
  BOOST_TEST_MESSAGE(d.texts << " random shapes, " << d.fast_hits << " on the fast path");
  BOOST_TEST(d.fast_hits > 300u);
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(random_mutations) {
  differential d;
  std::mt19937 rng(42);
  for (int i = 0; i < 3000; ++i) d.check(test::mutate_bytes(rng, base));
  BOOST_TEST_MESSAGE(d.texts << " mutations, " << d.fast_hits << " on the fast path");
  BOOST_TEST(d.fast_hits > 50u);
  BOOST_TEST(d.failures == 0u);
}

BOOST_AUTO_TEST_CASE(reuse_keeps_capacity) {
  // the steady state of a stream: same shape, other content; nothing is reallocated unless it grew
  const auto events = bench_chunks();
  chat_chunk c;
  BOOST_TEST_REQUIRE(detail::parse_chat_chunk_fast(events[1], c));
  const char* const id = c.id.data();
  const char* const extra_key = c.choices.at(0).extra.begin()->key().data();
  const auto* const choice = c.choices.data();
  const std::string* content = &*c.choices[0].delta.content;
  for (std::size_t i = 2; i < 60; ++i) {
    const char* const data = content->data();
    const std::size_t capacity = content->capacity();
    BOOST_TEST_REQUIRE(detail::parse_chat_chunk_fast(events[i], c));
    BOOST_TEST(c.choices.data() == choice);
    BOOST_TEST(c.id.data() == id);
    BOOST_TEST(c.choices[0].extra.begin()->key().data() == extra_key);
    BOOST_TEST(&*c.choices[0].delta.content == content);
    if (content->size() <= capacity) BOOST_TEST(content->data() == data);
  }
  BOOST_TEST(c.choices[0].extra.size() == 3u);
}

BOOST_AUTO_TEST_CASE(fast_path_resumes_after_a_run_of_dom_chunks) {
  // parse_chat_chunk skips the fast path right after a chunk that needed the DOM decoder (which
  // rebuilds every member); the following common chunk must take it again (keeps the buffers)
  const auto tools = data_events(test::transcripts::tools);
  const auto common = bench_chunks();
  chat_chunk c;
  error_code ec;
  parse_chat_chunk(tools[1], c, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(detail::holds_dom_only_content(c));
  parse_chat_chunk(common[0], c, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(!detail::holds_dom_only_content(c));
  for (std::size_t i = 1; i < 5; ++i) {
    const char* const id = c.id.data();
    const std::string* const content = &*c.choices.at(0).delta.content;
    parse_chat_chunk(common[i], c, ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(c.id.data() == id);
    BOOST_TEST(&*c.choices.at(0).delta.content == content);
  }
}

BOOST_AUTO_TEST_SUITE_END()
