// libFuzzer target for the SSE parser: a differential check.
//
// The input is [options byte][chunking seed byte][event-stream bytes]. The bytes are parsed
//   1. by a straight-from-the-spec reference that sees the whole input at once,
//   2. by sse::parser in one chunk,
//   3. by sse::parser in random chunk sizes (from the seed), through parse() callbacks and
//      through the Beast-style pull loop over a caller buffer, and in 1-byte chunks,
// and every run must produce the same events, comments, retries, failure and end state.
// Every chunk lives in its own heap allocation that is overwritten and freed right after use,
// so a view that outlives the bytes it points into is caught (by ASan, or by the comparison in
// a build without it). The work counters must stay linear.
//
// Built with clang (-fsanitize=fuzzer,address,undefined, see CMakeLists.txt here). The body
// is also compiled into the GCC unit tests (test/unit/sse_parser_test.cpp includes this file
// with OPENROUTER_SSE_FUZZ_NO_MAIN) to replay a corpus and random inputs.
#include <openrouter/sse/parser.hpp>

#include <openrouter/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::sse_fuzz {

struct record {
  sse::item kind = sse::item::none;
  std::string a;  // event: type; comment: text
  std::string b;  // event: data
  std::string c;  // event: id
  std::uint64_t retry = 0;
  bool operator==(const record&) const = default;
};

struct outcome {
  std::vector<record> items;
  sse::failure failure = sse::failure::none;
  bool clean = true;  // finish() result
  std::string last_id;
  bool operator==(const outcome&) const = default;
};

inline std::string printable(std::string_view s) {
  std::string r;
  for (unsigned char ch : s) {
    if (ch == '\\') {
      r += "\\\\";
    } else if (ch >= 0x20 && ch < 0x7f) {
      r += static_cast<char>(ch);
    } else {
      static const char hex[] = "0123456789abcdef";
      r += "\\x";
      r += hex[ch >> 4];
      r += hex[ch & 15];
    }
  }
  return r;
}

inline std::string describe(const outcome& o) {
  std::string s;
  for (const auto& r : o.items) {
    switch (r.kind) {
      case sse::item::event:
        s += "  event type=\"" + printable(r.a) + "\" data=\"" + printable(r.b) + "\" id=\"" + printable(r.c) + "\"\n";
        break;
      case sse::item::comment: s += "  comment \"" + printable(r.a) + "\"\n"; break;
      case sse::item::retry: s += "  retry " + std::to_string(r.retry) + "\n"; break;
      case sse::item::none: s += "  none?\n"; break;
    }
  }
  s += std::string("  failure=") + sse::to_string(o.failure) + " clean=" + (o.clean ? "true" : "false") +
       " last_id=\"" + printable(o.last_id) + "\"\n";
  return s;
}

// The spec's algorithm over the whole input, written for obviousness, not speed. Limits are
// checked as the incremental parser does: also on the unterminated last line.
inline outcome reference(std::string_view in, const sse::parser_options& opt) {
  outcome out;
  std::size_t i = 0;
  if (in.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  std::string data, type, id, last_id;
  bool has_data = false, in_event = false;

  auto strip_space = [](std::string_view v) { return !v.empty() && v[0] == ' ' ? v.substr(1) : v; };
  // Returns false on a limit failure.
  auto line = [&](std::string_view l, bool terminated) {
    if (l.empty()) {
      if (!terminated) return true;
      last_id = id;
      in_event = false;
      if (has_data) out.items.push_back({sse::item::event, type.empty() ? "message" : type, data, id, 0});
      data.clear();
      type.clear();
      has_data = false;
      return true;
    }
    if (l[0] == ':') {
      const auto text = strip_space(l.substr(1));
      if (text.size() > opt.max_field_size) return out.failure = sse::failure::field_too_large, false;
      if (terminated) out.items.push_back({sse::item::comment, std::string(text), {}, {}, 0});
      return true;
    }
    const auto colon = l.find(':');
    if (colon == std::string_view::npos && !terminated) return true;  // still reading the name
    const auto name = l.substr(0, colon);
    const auto value = colon == std::string_view::npos ? std::string_view{} : strip_space(l.substr(colon + 1));
    if (name == "data") {
      if ((has_data ? data.size() + 1 : 0) + value.size() > opt.max_event_size)
        return out.failure = sse::failure::event_too_large, false;
      if (!terminated) return true;
      if (has_data) data += '\n';
      data += value;
      has_data = in_event = true;
    } else if (name == "event") {
      if (value.size() > opt.max_field_size) return out.failure = sse::failure::field_too_large, false;
      if (!terminated) return true;
      type = value;
      in_event = true;
    } else if (name == "id") {
      if (value.size() > opt.max_field_size) return out.failure = sse::failure::field_too_large, false;
      if (!terminated) return true;
      if (value.find('\0') == std::string_view::npos) id = value;
      in_event = true;
    } else if (name == "retry" && terminated) {
      if (!value.empty() && std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        std::uint64_t v = 0;
        constexpr auto max = ~std::uint64_t{0};
        for (char ch : value) {
          const unsigned d = static_cast<unsigned>(ch - '0');
          v = v > (max - d) / 10 ? max : v * 10 + d;
        }
        out.items.push_back({sse::item::retry, {}, {}, {}, v});
      }
    }
    return true;
  };

  for (;;) {
    const auto eol = in.find_first_of("\r\n", i);
    if (eol == std::string_view::npos) {
      const auto tail = in.substr(i);
      if (!line(tail, false)) break;
      out.clean = tail.empty() && !in_event;
      out.last_id = last_id;
      return out;
    }
    if (!line(in.substr(i, eol - i), true)) break;
    i = eol + 1;
    if (in[eol] == '\r' && i < in.size() && in[i] == '\n') ++i;
  }
  out.clean = false;  // failed
  out.last_id = last_id;
  return out;
}

struct run_result {
  outcome out;
  sse::parser_stats stats;
  std::size_t calls = 0;
  std::string error;  // a broken invariant of the parser API, if any
};

inline void take(const sse::parser& p, outcome& out) {
  switch (p.produced()) {
    case sse::item::event:
      out.items.push_back({sse::item::event, std::string(p.event().type), std::string(p.event().data),
                           std::string(p.event().id), 0});
      break;
    case sse::item::comment: out.items.push_back({sse::item::comment, std::string(p.comment()), {}, {}, 0}); break;
    case sse::item::retry: out.items.push_back({sse::item::retry, {}, {}, {}, p.retry().value_or(0)}); break;
    case sse::item::none: break;
  }
}

enum class feed { callbacks, pull };

// Feeds `in` in chunks of next_size() bytes (clamped). Each chunk is a fresh allocation.
template <class NextSize>
run_result run(std::string_view in, const sse::parser_options& opt, feed how, NextSize next_size) {
  run_result r;
  sse::parser p(opt);
  boost::system::error_code ec;
  std::size_t pos = 0;
  std::string pending;  // pull: bytes given but not consumed yet
  while (pos < in.size() && !ec) {
    const std::size_t n = std::min<std::size_t>(std::max<std::size_t>(next_size(), 1), in.size() - pos);
    if (how == feed::callbacks) {
      std::string chunk(in.substr(pos, n));
      struct handler {
        outcome& out;
        void on_event(const sse::event& e) {
          out.items.push_back({sse::item::event, std::string(e.type), std::string(e.data), std::string(e.id), 0});
        }
        void on_comment(std::string_view c) { out.items.push_back({sse::item::comment, std::string(c), {}, {}, 0}); }
        void on_retry(std::uint64_t ms) { out.items.push_back({sse::item::retry, {}, {}, {}, ms}); }
      } h{r.out};
      const std::size_t used = p.parse(chunk, h, ec);
      ++r.calls;
      if (!ec && used != chunk.size()) r.error = "parse() did not consume its whole input";
      std::fill(chunk.begin(), chunk.end(), '\xA5');  // the caller reuses its buffer
    } else {
      pending += in.substr(pos, n);
      for (;;) {
        const std::size_t used = p.put(pending, ec);
        ++r.calls;
        if (used > pending.size()) {
          r.error = "put() consumed more than it was given";
          return r;
        }
        take(p, r.out);
        if (!ec && p.produced() == sse::item::none && used != pending.size())
          r.error = "put() stopped early without an item";
        std::string rest(pending.substr(used));  // a new allocation; the old bytes are scribbled
        std::fill(pending.begin(), pending.end(), '\xA5');  // over, so stale views get caught
        pending.swap(rest);
        if (ec || p.produced() == sse::item::none) break;
      }
    }
    pos += n;
  }
  if (ec && ec != make_error_code(errc::bad_sse)) r.error = "unexpected error code " + ec.message();
  if (ec && p.failed() == sse::failure::none) r.error = "error without a failure reason";
  if (!ec && p.failed() != sse::failure::none) r.error = "failure without an error";
  r.out.failure = p.failed();
  r.stats = p.stats();
  r.out.clean = p.finish();
  r.out.last_id = std::string(p.last_event_id());
  if (p.mid_event()) r.error = "mid_event() after finish()";
  return r;
}

// Linear work: each byte is examined a bounded number of times (line-end search, name/value
// checks), plus a bounded SIMD overscan per search; each byte is copied at most once.
inline std::string check_work(const run_result& r, std::string_view in) {
  const auto terminators = static_cast<std::uint64_t>(std::count(in.begin(), in.end(), '\n') +
                                                      std::count(in.begin(), in.end(), '\r'));
  const auto& s = r.stats;
  const std::uint64_t size = in.size();
  if (r.out.failure == sse::failure::none && s.bytes_in != size)
    return "bytes_in " + std::to_string(s.bytes_in) + " != input size " + std::to_string(size);
  if (s.bytes_scanned > 2 * size + 32 * (r.calls + terminators + 1))
    return "bytes_scanned " + std::to_string(s.bytes_scanned) + " is not linear in " + std::to_string(size);
  if (s.bytes_copied > size + terminators)
    return "bytes_copied " + std::to_string(s.bytes_copied) + " exceeds input " + std::to_string(size);
  return {};
}

struct splitmix {
  std::uint64_t x;
  std::uint64_t operator()() {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

/// Empty when every run agrees; otherwise a description of the first disagreement.
inline std::string differential(const std::uint8_t* data, std::size_t size) {
  sse::parser_options opt;
  std::uint8_t seed = 0;
  std::string_view in;
  if (size >= 2) {
    const std::uint8_t sel = data[0];
    seed = data[1];
    in = std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2);
    if (sel & 1) {  // small limits, to reach the failure paths
      opt.max_event_size = (sel >> 1) & 63;
      opt.max_field_size = (sel >> 4) & 15;
    }
  } else {
    in = std::string_view(reinterpret_cast<const char*>(data), size);
  }

  const outcome expected = reference(in, opt);
  auto compare = [&](const char* what, const run_result& r) -> std::string {
    if (!r.error.empty()) return std::string(what) + ": " + r.error;
    if (!(r.out == expected))
      return std::string(what) + " differs from the reference\n input: \"" + printable(in) + "\"\n expected:\n" +
             describe(expected) + " got:\n" + describe(r.out);
    if (auto w = check_work(r, in); !w.empty()) return std::string(what) + ": " + w;
    return {};
  };

  const std::size_t whole = in.size() + 1;
  if (auto d = compare("one chunk", run(in, opt, feed::callbacks, [&] { return whole; })); !d.empty()) return d;
  if (auto d = compare("one chunk, pull", run(in, opt, feed::pull, [&] { return whole; })); !d.empty()) return d;

  splitmix rng{seed * 0x100000001b3ull + size};
  const unsigned spread = 1u << (seed % 12);  // chunk sizes up to 1..2048
  auto random_size = [&] { return static_cast<std::size_t>(rng() % spread) + 1; };
  if (auto d = compare("random chunks", run(in, opt, feed::callbacks, random_size)); !d.empty()) return d;
  if (auto d = compare("random chunks, pull", run(in, opt, feed::pull, random_size)); !d.empty()) return d;
  if (in.size() <= 4096) {
    auto one = [] { return std::size_t{1}; };
    if (auto d = compare("1-byte chunks", run(in, opt, feed::callbacks, one)); !d.empty()) return d;
    if (auto d = compare("1-byte chunks, pull", run(in, opt, feed::pull, one)); !d.empty()) return d;
  }
  return {};
}

}  // namespace openrouter::sse_fuzz

#ifndef OPENROUTER_SSE_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (const auto d = openrouter::sse_fuzz::differential(data, size); !d.empty()) {
    std::fprintf(stderr, "sse_parser_fuzz: %s\n", d.c_str());
    std::abort();
  }
  return 0;
}
#endif
