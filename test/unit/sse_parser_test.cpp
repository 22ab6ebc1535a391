// sse::parser: the WHATWG event-stream rules one by one, each input fed whole, split at every
// position (and at every pair of positions for short inputs), in 1-byte chunks, and through
// both the callback and the Beast-style pull interfaces, all compared to a reference
// implementation of the spec; the OpenRouter transcripts of the API reference (§4.3-4.5);
// limits; end of stream; view and copy behaviour; linear work on a 4 MiB event in 1-byte
// chunks; and a replay of the fuzz target's differential check (corpus + random inputs).
#define OPENROUTER_SSE_FUZZ_NO_MAIN
#include "fuzz/sse_parser_fuzz.cpp"

#include <openrouter/error.hpp>
#include <openrouter/sse/parser.hpp>

#include <boost/json.hpp>
#include "fixtures/openrouter_transcripts.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace sse = openrouter::sse;
namespace fz = openrouter::sse_fuzz;
using namespace std::string_literals;
using boost::system::error_code;

namespace {

constexpr std::string_view transcript_text = test::transcripts::text;

constexpr std::string_view transcript_tools = test::transcripts::tools;

constexpr std::string_view transcript_error = test::transcripts::error;

fz::record ev(std::string data, std::string type = "message", std::string id = "") {
  return {sse::item::event, std::move(type), std::move(data), std::move(id), 0};
}
fz::record cm(std::string text) { return {sse::item::comment, std::move(text), {}, {}, 0}; }
fz::record rt(std::uint64_t ms) { return {sse::item::retry, {}, {}, {}, ms}; }

fz::outcome expect(std::vector<fz::record> items, bool clean = true, std::string last_id = "",
                   sse::failure f = sse::failure::none) {
  return {std::move(items), f, clean, std::move(last_id)};
}

// Feeds `in` cut into the given chunk sizes (the last chunk takes the rest).
fz::run_result feed_sizes(std::string_view in, std::vector<std::size_t> sizes, fz::feed how,
                          const sse::parser_options& opt = {}) {
  std::size_t i = 0;
  return fz::run(in, opt, how, [&]() -> std::size_t { return i < sizes.size() ? sizes[i++] : in.size() + 1; });
}

void same(const fz::run_result& r, const fz::outcome& expected, std::string_view in, const std::string& how) {
  BOOST_TEST_CONTEXT("input \"" << fz::printable(in) << "\" fed " << how) {
    BOOST_TEST(r.error.empty(), r.error);
    BOOST_TEST((r.out == expected), "expected:\n" << fz::describe(expected) << "got:\n" << fz::describe(r.out));
    const auto w = fz::check_work(r, in);
    BOOST_TEST(w.empty(), w);
  }
}

// The rule under test: `in` yields `expected` however it is chunked and fed, and the
// reference agrees.
void check(std::string_view in, const fz::outcome& expected, const sse::parser_options& opt = {},
           bool pairs = true) {
  const auto ref = fz::reference(in, opt);
  BOOST_TEST((ref == expected), "reference on \"" << fz::printable(in) << "\":\n"
                                                  << fz::describe(ref) << "expected:\n"
                                                  << fz::describe(expected));
  for (auto how : {fz::feed::callbacks, fz::feed::pull}) {
    const std::string mode = how == fz::feed::callbacks ? " (callbacks)" : " (pull)";
    same(feed_sizes(in, {}, how, opt), expected, in, "whole" + mode);
    same(fz::run(in, opt, how, [] { return std::size_t{1}; }), expected, in, "in 1-byte chunks" + mode);
    for (std::size_t k = 1; k < in.size(); ++k) {
      const auto r = feed_sizes(in, {k}, how, opt);
      if (!(r.out == expected) || !r.error.empty()) same(r, expected, in, "split at " + std::to_string(k) + mode);
    }
    if (pairs && in.size() <= 48) {
      for (std::size_t a = 1; a < in.size(); ++a)
        for (std::size_t b = 1; a + b < in.size(); ++b) {
          const auto r = feed_sizes(in, {a, b}, how, opt);
          if (!(r.out == expected) || !r.error.empty())
            same(r, expected, in, "split at " + std::to_string(a) + " and " + std::to_string(a + b) + mode);
        }
    }
  }
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string r;
  std::size_t i = 0;
  for (std::size_t j; (j = s.find(from, i)) != std::string_view::npos; i = j + from.size()) {
    r += s.substr(i, j - i);
    r += to;
  }
  r += s.substr(i);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sse_parser_test)

// --- line ends -------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(lf_crlf_and_cr_line_ends) {
  check("data: a\n\n", expect({ev("a")}));
  check("data: a\r\n\r\n", expect({ev("a")}));
  check("data: a\r\r", expect({ev("a")}));
  check("data: a\r\ndata: b\rdata: c\n\r\n", expect({ev("a\nb\nc")}));
  // \n\r is two line ends: a blank line follows "data: a".
  check("data: a\n\rdata: b\r\n\n", expect({ev("a"), ev("b")}));
  // \r\r\n: CR ends the line, CR LF is a blank line.
  check("data: a\r\r\ndata: b\n\n", expect({ev("a"), ev("b")}));
}

BOOST_AUTO_TEST_CASE(cr_at_end_of_chunk_then_lf) {
  sse::parser p;
  error_code ec;
  // The CR ends the line at once; the LF that starts the next chunk belongs to it.
  BOOST_TEST(p.put("data: a\r", ec) == 8u);
  BOOST_TEST(!ec);
  BOOST_TEST((p.produced() == sse::item::none));
  BOOST_TEST(p.put("\n", ec) == 1u);
  BOOST_TEST((p.produced() == sse::item::none));  // not a blank line
  // A blank line made of a lone CR dispatches immediately, without waiting for the next byte.
  BOOST_TEST(p.put("\r", ec) == 1u);
  BOOST_TEST((p.produced() == sse::item::event));
  BOOST_TEST(p.event().data == "a");
  BOOST_TEST(p.put("\n", ec) == 1u);  // the LF of that CRLF: skipped
  BOOST_TEST((p.produced() == sse::item::none));
  BOOST_TEST(!p.mid_event());
  BOOST_TEST(p.put("\n", ec) == 1u);  // a second LF is a real blank line (nothing to dispatch)
  BOOST_TEST((p.produced() == sse::item::none));
  BOOST_TEST(p.finish());
}

// --- BOM -------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bom_only_at_stream_start) {
  check("\xEF\xBB\xBF" "data: a\n\n", expect({ev("a")}));
  check("\xEF\xBB\xBF", expect({}));
  // A second BOM is content: the name becomes "\xEF\xBB\xBF" "data", an unknown field.
  check("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\n", expect({}));
  check("data: a\n\n\xEF\xBB\xBF" "data: b\n\n", expect({ev("a")}));
  // Not a whole BOM: the bytes start the first line.
  check("\xEF\xBB" "data: a\n\n", expect({}));
  check("\xEF\xBB:c\n", expect({}));
  check("\xEF:c\n", expect({}));
  check("\xEF\xBB", expect({}, false));  // an unterminated line was discarded
  check("\xEF\n", expect({}));

  // finish() starts a new stream, which may begin with a BOM again.
  sse::parser p;
  error_code ec;
  std::vector<std::string> data;
  p.parse("\xEF\xBB\xBF" "data: 1\n\n", [&](const sse::event& e) { data.emplace_back(e.data); }, ec);
  BOOST_TEST(p.finish());
  p.parse("\xEF\xBB", [&](const sse::event& e) { data.emplace_back(e.data); }, ec);
  p.parse("\xBF" "data: 2\n\n", [&](const sse::event& e) { data.emplace_back(e.data); }, ec);
  BOOST_TEST(p.finish());
  BOOST_TEST((data == std::vector<std::string>{"1", "2"}));
}

// --- fields ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(field_value_forms) {
  check("data:x\n\n", expect({ev("x")}));
  check("data: x\n\n", expect({ev("x")}));
  check("data:  x\n\n", expect({ev(" x")}));  // one space only
  check("data:x \n\n", expect({ev("x ")}));
  check("data\n\n", expect({ev("")}));  // no colon: the whole line is the name, the value is empty
  check("data:\n\n", expect({ev("")}));
  check("data: \n\n", expect({ev("")}));
  check("data:a:b: c\n\n", expect({ev("a:b: c")}));  // the first colon splits
  check("data:\tx\n\n", expect({ev("\tx")}));        // only a space is stripped
  check("data: \0x\n\n"s, expect({ev("\0x"s)}));     // NUL in data is data
}

BOOST_AUTO_TEST_CASE(multi_line_data) {
  check("data: a\ndata: b\n\n", expect({ev("a\nb")}));
  check("data: a\ndata\ndata: c\n\n", expect({ev("a\n\nc")}));
  check("data\ndata\n\n", expect({ev("\n")}));
  check("data: a\n\ndata: b\n\n", expect({ev("a"), ev("b")}));
  check("data: a\n: keep-alive\ndata: b\n\n", expect({cm("keep-alive"), ev("a\nb")}));
  check("data: a\nfoo: x\ndata: b\n\n", expect({ev("a\nb")}));
}

BOOST_AUTO_TEST_CASE(empty_data_buffer_is_not_dispatched) {
  check("\n", expect({}));
  check("\n\n\n", expect({}));
  check("event: x\n\n", expect({}));
  check("id: 7\n\n", expect({}, true, "7"));
  check("retry: 10\n\n", expect({rt(10)}));
  check("foo: bar\n\n", expect({}));
  // The event type is reset by a blank line, whether or not an event was dispatched.
  check("event: x\n\ndata: a\n\n", expect({ev("a")}));
  check("event: x\ndata: a\n\ndata: b\n\n", expect({ev("a", "x"), ev("b")}));
  check("event: x\nevent: y\ndata: a\n\n", expect({ev("a", "y")}));
  check("event\ndata: a\n\n", expect({ev("a")}));  // an empty type means "message"
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_ignored) {
  check("foo: bar\ndata: a\n\n", expect({ev("a")}));
  check("DATA: x\nData: x\n data: x\ndata : x\ndatas: x\n\n", expect({}));
  check("retryy: 5\nevents: x\nidx: 3\ndata: a\n\n", expect({ev("a")}));
  check("a-very-long-unknown-field-name-without-colon\ndata: a\n\n", expect({ev("a")}));
  check("x:\n\n", expect({}));
}

BOOST_AUTO_TEST_CASE(id_field) {
  // The last event ID persists across events until changed.
  check("id: 1\ndata: a\n\ndata: b\n\n", expect({ev("a", "message", "1"), ev("b", "message", "1")}, true, "1"));
  // An id containing NUL is ignored.
  check("id: 1\n\nid: 2\0z\ndata: a\n\n"s, expect({ev("a", "message", "1")}, true, "1"));
  check("id: 1\n\nid: \0\ndata: a\n\n"s, expect({ev("a", "message", "1")}, true, "1"));
  // An empty id resets it.
  check("id: 1\ndata: a\n\nid\ndata: b\n\n", expect({ev("a", "message", "1"), ev("b")}, true, ""));
  check("id: 1\ndata: a\n\nid:\ndata: b\n\n", expect({ev("a", "message", "1"), ev("b")}, true, ""));
  // The id applies to the event being built even when it comes after the data.
  check("data: a\nid: 9\n\n", expect({ev("a", "message", "9")}, true, "9"));
  check("id:  x y\ndata: a\n\n", expect({ev("a", "message", " x y")}, true, " x y"));
  // last_event_id() changes at the blank line; an id cut off with its event is discarded.
  check("id: 1\ndata: a\n\nid: 2\n", expect({ev("a", "message", "1")}, false, "1"));
}

BOOST_AUTO_TEST_CASE(retry_field) {
  check("retry: 1500\n", expect({rt(1500)}));
  check("retry:0\n", expect({rt(0)}));
  check("retry: 007\n", expect({rt(7)}));
  check("retry: 15a\nretry: -1\nretry:\nretry\nretry: 1 \nretry:  5\nretry: +5\nretry: 1.5\n", expect({}));
  check("retry: 99999999999999999999999\n", expect({rt(std::numeric_limits<std::uint64_t>::max())}));
  check("retry: 18446744073709551615\n", expect({rt(18446744073709551615ull)}));
  // retry takes effect when its line ends; it neither starts nor needs an event.
  check("data: a\nretry: 5\n\n", expect({rt(5), ev("a")}));
  sse::parser p;
  error_code ec;
  p.parse("retry: 5\nretry: x\n", [](const sse::event&) {}, ec);
  BOOST_TEST(p.retry().value_or(0) == 5u);
}

BOOST_AUTO_TEST_CASE(comments) {
  check(":\n", expect({cm("")}));
  check(": OPENROUTER PROCESSING\n", expect({cm("OPENROUTER PROCESSING")}));
  check(":x\n", expect({cm("x")}));
  check(":  two\n", expect({cm(" two")}));
  check(": a: b\r\n:c\r", expect({cm("a: b"), cm("c")}));
  check(": c\n\n", expect({cm("c")}));
  check(": c", expect({}, false));  // an unterminated comment is not surfaced
}

// --- end of stream ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(finish_reports_a_cut_event) {
  check("", expect({}));
  check("data: a\n\n", expect({ev("a")}, true));
  check("data: a\n", expect({}, false));  // no blank line: not dispatched
  check("data: a", expect({}, false));
  check("data: a\n\ndata: b", expect({ev("a")}, false));
  check("event: x\n", expect({}, false));
  check("id: 1\n", expect({}, false));
  check("d", expect({}, false));
  check(": c\n", expect({cm("c")}, true));  // comments are not part of an event
  check("retry: 5\n", expect({rt(5)}, true));
  check("foo\n", expect({}, true));
  check("data: a\r", expect({}, false));

  // mid_event() says the same before finish(); after it the parser takes a new stream.
  sse::parser p;
  error_code ec;
  p.put("data: a\n", ec);
  BOOST_TEST(p.mid_event());
  BOOST_TEST(!p.finish());
  BOOST_TEST(!p.mid_event());
  int events = 0;
  p.parse("data: b\n\n", [&](const sse::event& e) { BOOST_TEST(e.data == "b"); ++events; }, ec);
  BOOST_TEST(events == 1);
  BOOST_TEST(p.finish());
}

// --- limits ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(max_event_size) {
  sse::parser_options opt;
  opt.max_event_size = 8;
  const auto too_large = sse::failure::event_too_large;
  check("data: 12345678\n\n", expect({ev("12345678")}), opt);
  check("data: 123456789\n\n", expect({}, false, "", too_large), opt);
  check("data: 1234\ndata: 123\n\n", expect({ev("1234\n123")}), opt);  // the joining LF counts
  check("data: 1234\ndata: 1234\n\n", expect({}, false, "", too_large), opt);
  check("data: 1\n\ndata: 12345678\n\ndata: 123456789\n\ndata: 1\n\n",
        expect({ev("1"), ev("12345678")}, false, "", too_large), opt);
  // Limits apply to the line being read even before it ends.
  check("data: 123456789", expect({}, false, "", too_large), opt);

  // The error: openrouter::errc::bad_sse, sticky until reset().
  sse::parser p(opt);
  error_code ec;
  std::vector<std::string> got;
  auto on = [&](const sse::event& e) { got.emplace_back(e.data); };
  p.parse("data: ok\n\ndata: 0123", on, ec);
  BOOST_TEST(!ec);
  p.parse("456789\n\n", on, ec);
  BOOST_TEST((ec == openrouter::errc::bad_sse));
  BOOST_TEST((p.failed() == sse::failure::event_too_large));
  BOOST_TEST(std::string(sse::to_string(p.failed())).find("max_event_size") != std::string::npos);
  BOOST_TEST(p.put("data: x\n\n", ec) == 0u);
  BOOST_TEST((ec == openrouter::errc::bad_sse));
  BOOST_TEST(!p.finish());
  BOOST_TEST((got == std::vector<std::string>{"ok"}));
  p.reset();
  p.parse("data: fine\n\n", on, ec);
  BOOST_TEST(!ec);
  BOOST_TEST((got == std::vector<std::string>{"ok", "fine"}));
}

BOOST_AUTO_TEST_CASE(max_field_size) {
  sse::parser_options opt;
  opt.max_field_size = 4;
  const auto too_large = sse::failure::field_too_large;
  check(": 1234\nevent: abcd\nid: wxyz\ndata: a\n\n", expect({cm("1234"), ev("a", "abcd", "wxyz")}, true, "wxyz"),
        opt);
  check(": 12345\n", expect({}, false, "", too_large), opt);
  check("event: abcde\n", expect({}, false, "", too_large), opt);
  check("id: abcde\n", expect({}, false, "", too_large), opt);
  check("id: \0bcde\n"s, expect({}, false, "", too_large), opt);
  // Unknown fields and retry are not stored and have no limit.
  check("foo: 123456789\nretry: 123456789\ndata: a\n\n", expect({rt(123456789), ev("a")}), opt);
}

// --- the interfaces --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(pull_interface_stops_at_each_item) {
  sse::parser p;
  error_code ec;
  std::string_view in = ": hi\ndata: a\n\nretry: 3\ndata: b\n\n";
  std::vector<sse::item> kinds;
  while (!in.empty()) {
    in.remove_prefix(p.put(in, ec));
    BOOST_TEST_REQUIRE(!ec);
    kinds.push_back(p.produced());
    if (p.produced() == sse::item::comment) BOOST_TEST(p.comment() == "hi");
  }
  BOOST_TEST((kinds == std::vector<sse::item>{sse::item::comment, sse::item::event, sse::item::retry,
                                              sse::item::event}));
  BOOST_TEST(p.event().data == "b");
  BOOST_TEST(p.put("", ec) == 0u);
  BOOST_TEST((p.produced() == sse::item::none));
  BOOST_TEST(p.finish());
}

BOOST_AUTO_TEST_CASE(handler_struct_with_all_callbacks) {
  struct handler {
    std::string log;
    void on_event(const sse::event& e) { log += "E(" + std::string(e.type) + "," + std::string(e.data) + ")"; }
    void on_comment(std::string_view c) { log += "C(" + std::string(c) + ")"; }
    void on_retry(std::uint64_t ms) { log += "R(" + std::to_string(ms) + ")"; }
  } h;
  sse::parser p;
  error_code ec;
  const std::string_view in = ": c\nevent: t\ndata: d\n\nretry: 9\n";
  BOOST_TEST(p.parse(in, h, ec) == in.size());
  BOOST_TEST(h.log == "C(c)E(t,d)R(9)");
}

BOOST_AUTO_TEST_CASE(data_views_the_input_when_whole_and_is_copied_once_otherwise) {
  sse::parser p;
  error_code ec;
  const std::string in = "data: hello\n\n";
  p.put(in, ec);
  BOOST_TEST_REQUIRE((p.produced() == sse::item::event));
  BOOST_TEST(p.event().data.data() == in.data() + 6);  // a view of the caller's bytes
  BOOST_TEST(p.stats().bytes_copied == 0u);
  BOOST_TEST(p.stats().events_zero_copy == 1u);

  // Split: the part of the line in the first chunk is copied when put() returns (the caller
  // may free it), the rest is appended: each byte is copied once.
  std::string a = "data: hel", b = "lo\n\n";
  p.put(a, ec);
  a.assign(a.size(), '#');  // the caller reuses its buffer
  p.put(b, ec);
  BOOST_TEST_REQUIRE((p.produced() == sse::item::event));
  BOOST_TEST(p.event().data == "hello");
  BOOST_TEST(p.stats().bytes_copied == 5u);

  // A steady stream of whole events copies nothing.
  sse::parser q;
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += ": OPENROUTER PROCESSING\n\ndata: {\"n\":" + std::to_string(i) + "}\n\n";
  int n = 0;
  q.parse(stream, [&](const sse::event&) { ++n; }, ec);
  BOOST_TEST(n == 100);
  BOOST_TEST(q.stats().bytes_copied == 0u);
  BOOST_TEST(q.stats().comments == 100u);
}

// --- OpenRouter transcripts (§4.3-4.5) -------------------------------------------------------

namespace {

struct assembled {
  std::vector<std::string> data;
  std::size_t comments = 0;
  std::string text;
  std::string error_type;
  std::string finish_reason;
};

assembled assemble(const fz::outcome& o) {
  assembled a;
  for (const auto& r : o.items) {
    if (r.kind == sse::item::comment) {
      BOOST_TEST(r.a == "OPENROUTER PROCESSING");
      ++a.comments;
      continue;
    }
    BOOST_TEST_REQUIRE((r.kind == sse::item::event));
    BOOST_TEST(r.a == "message");
    a.data.push_back(r.b);
    if (r.b == "[DONE]") continue;
    const auto chunk = boost::json::parse(r.b).as_object();
    if (const auto* e = chunk.if_contains("error"))
      a.error_type = e->at("metadata").at("error_type").as_string().c_str();
    for (const auto& c : chunk.at("choices").as_array()) {
      const auto& delta = c.at("delta").as_object();
      if (const auto* t = delta.if_contains("content"); t && t->is_string()) a.text += t->as_string().c_str();
      if (const auto& f = c.at("finish_reason"); f.is_string()) a.finish_reason = f.as_string().c_str();
    }
  }
  return a;
}

// Every split point, 1-byte chunks, random chunk sizes; with LF, CRLF and CR line ends.
fz::outcome check_transcript(std::string_view lf_body) {
  const fz::outcome expected = fz::reference(lf_body, {});
  for (const char* eol : {"\n", "\r\n", "\r"}) {
    const std::string body = replace_all(lf_body, "\n", eol);
    BOOST_TEST_CONTEXT("line ends " << fz::printable(eol)) {
      check(body, expected, {}, false);
      fz::splitmix rng{42};
      for (std::size_t spread : {7u, 64u, 1460u}) {
        auto random_size = [&] { return static_cast<std::size_t>(rng() % spread) + 1; };
        same(fz::run(body, {}, fz::feed::callbacks, random_size), expected, body, "random chunks");
        same(fz::run(body, {}, fz::feed::pull, random_size), expected, body, "random chunks (pull)");
      }
    }
  }
  return expected;
}

}  // namespace

BOOST_AUTO_TEST_CASE(openrouter_text_stream) {
  const auto a = assemble(check_transcript(transcript_text));
  BOOST_TEST(a.comments == 3u);
  BOOST_TEST(a.data.size() == 7u);
  BOOST_TEST(a.data.back() == "[DONE]");
  BOOST_TEST(a.text == "Hello there! How can I help?");
  BOOST_TEST(a.finish_reason == "stop");
}

BOOST_AUTO_TEST_CASE(openrouter_tool_call_stream) {
  const auto a = assemble(check_transcript(transcript_tools));
  BOOST_TEST(a.comments == 1u);
  BOOST_TEST(a.data.size() == 8u);
  BOOST_TEST(a.data.back() == "[DONE]");
  BOOST_TEST(a.finish_reason == "tool_calls");
}

BOOST_AUTO_TEST_CASE(openrouter_mid_stream_error) {
  const auto expected = check_transcript(transcript_error);
  BOOST_TEST(expected.clean);  // the error event is complete; the stream then just ends
  const auto a = assemble(expected);
  BOOST_TEST(a.comments == 1u);
  BOOST_TEST(a.data.size() == 3u);
  BOOST_TEST(a.text == "The three main causes are supply shocks,");
  BOOST_TEST(a.error_type == "provider_unavailable");
  BOOST_TEST(a.finish_reason == "error");
  // Cut inside the error event: finish() reports it and nothing half-parsed comes out.
  const auto cut = transcript_error.substr(0, transcript_error.size() - 40);
  const auto r = feed_sizes(cut, {100, 300}, fz::feed::callbacks);
  BOOST_TEST(!r.out.clean);
  BOOST_TEST(r.out.items.size() == 3u);
}

// --- linear work -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(four_mib_event_in_one_byte_chunks_is_linear) {
  std::string in = "data: {\"url\":\"data:image/png;base64,";
  const std::size_t mib4 = std::size_t{4} << 20;
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  fz::splitmix rng{7};
  while (in.size() < mib4) in += b64[rng() % 64];
  in += "\"}\n\n";
  const std::size_t data_size = in.size() - 8;

  for (std::size_t chunk : {std::size_t{1}, std::size_t{1460}, in.size()}) {
    BOOST_TEST_CONTEXT("chunk " << chunk) {
      sse::parser p;
      error_code ec;
      std::size_t events = 0;
      for (std::size_t i = 0; i < in.size(); i += chunk) {
        p.parse(std::string_view(in).substr(i, chunk), [&](const sse::event& e) {
          ++events;
          BOOST_TEST(e.data.size() == data_size);
          BOOST_TEST((e.data == std::string_view(in).substr(6, data_size)));
        }, ec);
        BOOST_TEST_REQUIRE(!ec);
      }
      BOOST_TEST(events == 1u);
      const auto& s = p.stats();
      BOOST_TEST(s.bytes_in == in.size());
      // Each byte examined about once; each data byte copied at most once (none when whole).
      BOOST_TEST(s.bytes_scanned <= 2 * in.size());
      BOOST_TEST(s.bytes_copied <= in.size());
      if (chunk == in.size()) BOOST_TEST(s.bytes_copied == 0u);
      BOOST_TEST(p.finish());
    }
  }
}

BOOST_AUTO_TEST_CASE(many_short_lines_in_one_buffer_are_linear) {
  // The pull interface stops at every item; a naive search for the "other" line-end byte
  // would scan to the end of the buffer each time (quadratic). CR-only and LF-only streams.
  for (const char* eol : {"\n", "\r"}) {
    std::string in;
    for (int i = 0; i < 100000; ++i) in += ":\n"s + "data: x\n\n";
    in = replace_all(in, "\n", eol);
    sse::parser p;
    error_code ec;
    std::string_view rest = in;
    std::size_t events = 0, calls = 0;
    while (!rest.empty()) {
      rest.remove_prefix(p.put(rest, ec));
      ++calls;
      events += p.produced() == sse::item::event;
    }
    BOOST_TEST(events == 100000u);
    BOOST_TEST(p.stats().bytes_scanned <= 2 * in.size() + 32 * calls);
    BOOST_TEST(p.stats().bytes_scanned <= 4 * in.size());
  }
}

// --- the fuzz target's differential check, replayed ------------------------------------------

BOOST_AUTO_TEST_CASE(fuzz_differential_replay) {
  auto run = [](std::uint8_t sel, std::uint8_t seed, std::string_view body) {
    std::string input;
    input += static_cast<char>(sel);
    input += static_cast<char>(seed);
    input += body;
    const auto d = fz::differential(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    BOOST_TEST(d.empty(), d);
    return d.empty();
  };

  // A small corpus of tricky inputs, each under default and small limits and several chunkings.
  const std::vector<std::string> corpus = {
      "",
      "\xEF\xBB\xBF",
      "\xEF\xBB\xBF\xEF\xBB\xBF" "data:x\n\n",
      "\xEF\xBB" "data:x\n\n",
      "data:x\r\r\n\n",
      "data\r\ndata\r\rid\0x\n\ndata: y\n\n"s,
      "retry: 12\r\nretry: 1a\nretry\n:\n: \n:  \n",
      "event: a\nevent\ndata\nid: 1\r\n\r\nid: \n\n",
      ":x\r",
      "data: 0123456789abcdefghijklmnopqrstuvwxyz\n\ndata: 0123456789abcdefghijklmnopqrstuvwxyz",
      std::string(transcript_error),
      std::string(transcript_text.substr(0, 700)),
  };
  for (const auto& body : corpus)
    for (std::uint8_t sel : {0, 1, 0x13, 0x41, 0x7f, 0xff})
      for (std::uint8_t seed : {0, 3, 9, 11, 200})
        if (!run(sel, seed, body)) return;

  // Random inputs over an alphabet of the tokens that matter.
  static const char* const tokens[] = {"data",  "data:", ": ",    ":",     " ",     "\r",          "\n",
                                       "\r\n",  "id",    "id: ",  "event", "retry", "retry: ",     "12",
                                       "x",     "\0",    "\xEF",  "\xBB",  "\xBF",  "\xEF\xBB\xBF", "ab:cd",
                                       "\n\n",  "event: e\n", "data: {\"a\":1}\n\n"};
  fz::splitmix rng{2024};
  for (int i = 0; i < 3000; ++i) {
    std::string body;
    const int n = static_cast<int>(rng() % 40);
    for (int k = 0; k < n; ++k) {
      const char* t = tokens[rng() % std::size(tokens)];
      body += t[0] == '\0' ? "\0"s : std::string(t);
    }
    if (!run(static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()), body)) return;
  }
}

BOOST_AUTO_TEST_SUITE_END()
