// libFuzzer target for the streamed chunk decoders: a differential check of the SAX fast path
// (src/lib/wire/chat_chunk_fast.cpp) against the DOM decoder that defines the semantics
// (chat_chunk.cpp), as test/unit/wire_chat_chunk_fast_test.cpp does for its hand-made inputs.
//
// The input is [state byte][JSON text]. The text is decoded by the DOM decoder into a fresh
// chunk (the reference), by the fast path into a fresh chunk and into a reused ("dirty") one
// picked by the state byte, and by parse_chat_chunk() into the dirty one. Properties:
// - when the fast path accepts, the DOM decoder accepts too and both give the same chunk
//   (encoding plus every `extra`, in order), fresh or reused, and the result is not flagged
//   DOM-only (else the stream would leave the fast path for good);
// - the fast path's verdict does not depend on the state of the chunk it reuses;
// - parse_chat_chunk() gives the reference's error code and chunk, whatever it reuses;
// - errors are wire::decode_errc values only, and nothing throws.
#include "fuzz_common.hpp"

#include "../../src/lib/wire/chat_chunk_fast.hpp"

#include <openrouter/wire/chat_chunk.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include <array>
#include <vector>

namespace openrouter::fuzz::chat_chunk {

namespace json = boost::json;
using wire::chat_chunk;

// The encoded chunk plus every `extra` in order (value_from() hides an extra key that a set
// member shadows, and json::object equality ignores order).
inline std::string dump(const chat_chunk& c) {
  std::string s = json::serialize(json::value_from(c));
  s += "|" + json::serialize(c.extra);
  for (const wire::chunk_choice& ch : c.choices)
    s += "|" + json::serialize(ch.extra) + "|" + json::serialize(ch.delta.extra);
  return s;
}

// Chunks a stream may have decoded before: a fresh one and three that hold a lot.
inline const std::vector<chat_chunk>& dirty_states() {
  static const std::vector<chat_chunk> states = [] {
    const std::array<std::string_view, 4> texts = {
        R"({"id":"g","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":3,"delta":)"
        R"({"role":"tool","content":"long content long content long content","reasoning":"r","refusal":"f",)"
        R"("tool_calls":[{"index":0,"id":"c"}],"images":[],"audio":{"x":1},"annotations":[1],)"
        R"("reasoning_details":[{"t":1}],"other":5},"finish_reason":"stop","native_finish_reason":"x",)"
        R"("logprobs":{"content":[]},"k":"v"},{"index":1},{"index":2,"delta":{}}]})",
        R"({"id":"g","choices":[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":1,)"
        R"("completion_tokens":2,"total_tokens":3},"error":{"code":1,"message":"m"},"openrouter_metadata":)"
        R"({"a":1},"debug":{"b":2},"zzz":[1],"service_tier":"s","system_fingerprint":null})",
        R"({"id":"","object":null,"model":"","provider":"","created":null,"choices":[{"index":0,"delta":)"
        R"({"content":null,"role":null,"reasoning":null,"refusal":null},"logprobs":null,)"
        R"("native_finish_reason":null,"finish_reason":null}]})",
        R"({"id":"gen-1","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk",)"
        R"("created":1754313000,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},)"
        R"("finish_reason":null,"native_finish_reason":null,"logprobs":null}],"system_fingerprint":"fp"})",
    };
    std::vector<chat_chunk> out(1);
    for (std::string_view t : texts) {
      chat_chunk c;
      boost::system::error_code ec;
      wire::detail::parse_chat_chunk_dom(t, c, ec);
      if (ec) std::abort();  // the fixtures above are valid chunks
      out.push_back(std::move(c));
    }
    return out;
  }();
  return states;
}

inline std::string check(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return {};
  const std::string_view text = as_text(data + 1, size - 1);
  const auto& states = dirty_states();
  const chat_chunk& dirty = states[data[0] % states.size()];
  auto fail = [&](const std::string& how, const std::string& got, const std::string& want) {
    return how + "\n input: " + printable(text) + "\n got:  " + printable(got, 800) + "\n want: " + printable(want, 800);
  };

  chat_chunk ref;
  boost::system::error_code ref_ec;
  wire::detail::parse_chat_chunk_dom(text, ref, ref_ec);
  if (ref_ec && ref_ec.category() != wire::decode_category()) return fail("DOM decoder: foreign error " + ref_ec.message(), "", "");
  const std::string want = dump(ref);

  chat_chunk fresh;
  const bool fast = wire::detail::parse_chat_chunk_fast(text, fresh);
  if (fast) {
    if (ref_ec) return fail("the fast path accepts what the DOM decoder rejects (" + ref_ec.message() + ")", dump(fresh), "");
    if (dump(fresh) != want) return fail("fast path, fresh chunk, differs from the DOM decoder", dump(fresh), want);
    if (wire::detail::holds_dom_only_content(fresh)) return fail("a fast-path result is flagged DOM-only", dump(fresh), "");
  }
  chat_chunk reused = dirty;
  if (wire::detail::parse_chat_chunk_fast(text, reused) != fast)
    return fail("the fast path's verdict depends on the chunk it reuses", "", "");
  if (fast && (json::value_from(reused) != json::value_from(ref) || dump(reused) != want))
    return fail("fast path, reused chunk, differs from the DOM decoder", dump(reused), want);

  chat_chunk via_api = dirty;
  boost::system::error_code ec;
  wire::parse_chat_chunk(text, via_api, ec);
  if (ec != ref_ec) return fail("parse_chat_chunk: error " + ec.message() + ", the DOM decoder's " + ref_ec.message(), "", "");
  if (dump(via_api) != want) return fail("parse_chat_chunk, reused chunk, differs from the DOM decoder", dump(via_api), want);
  return {};
}

}  // namespace openrouter::fuzz::chat_chunk

OPENROUTER_FUZZ_TARGET("chat_chunk_fuzz", openrouter::fuzz::chat_chunk::check)
