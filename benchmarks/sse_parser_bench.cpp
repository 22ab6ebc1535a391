// sse_parser_bench: throughput of sse::parser on what OpenRouter sends.
//
//   chat   ~10k chat.completion.chunk events like §4.3 of the API reference (a token or two of
//          content each), with ": OPENROUTER PROCESSING" comments, a usage chunk and [DONE];
//          fed in 64 B, 1460 B (one TCP segment) and 16 KiB chunks.
//   image  one 4 MiB base64 image event (delta.images[] data URL) in 1460 B chunks.
//
// Reports MB/s, events/s, heap allocations per event (global operator new is replaced in this
// file) and the share of events handed out without copying. "chat+decode" rows also decode
// every event's JSON into wire::chat_chunk (what chat_stream does), for comparison with
// eventsource-parser + JSON.parse. A memchr('\n') pass over the
// same chunks is printed as the floor of any line-based parser.
//
//   sse_parser_bench                 run
//   sse_parser_bench --write DIR     also write DIR/chat.sse and DIR/image.sse (for the
//                                    eventsource-parser comparison in benchmarks/js)
#include <openrouter/sse/parser.hpp>
#include <openrouter/wire/chat_chunk.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

// --- allocation counting ----------------------------------------------------------------------

namespace {
std::size_t g_allocations = 0;
volatile std::size_t g_floor_sink = 0;
}

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  ++g_allocations;
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

namespace sse = openrouter::sse;
using clock_type = std::chrono::steady_clock;

// --- inputs -------------------------------------------------------------------------------------

std::string chat_stream(int events) {
  static const char* const words[] = {"Hello", " there", "!", " How", " can", " I", " help", " you", " today",
                                      "?",     " The",   " quick", " brown", " fox", " jumps", " over", "\\n"};
  const std::string head = R"({"id":"gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW","provider":"OpenAI",)"
                           R"("model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1754313000,)"
                           R"("choices":[{"index":0,"delta":{"role":"assistant","content":")";
  const std::string tail = R"("},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],)"
                           R"("system_fingerprint":"fp_7a1b2c3d4e"})";
  std::string s = ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n";
  unsigned x = 1;
  for (int i = 0; i < events - 2; ++i) {
    if (i % 50 == 49) s += ": OPENROUTER PROCESSING\n\n";
    x = x * 1103515245u + 12345u;
    s += "data: " + head + words[(x >> 16) % std::size(words)];
    if ((x >> 8) & 1) s += words[(x >> 20) % std::size(words)];
    s += tail + "\n\n";
  }
  s += R"(data: {"id":"gen-1754313000-Hj7kL9mN1pQ3rS5tU7vW","provider":"OpenAI","model":"openai/gpt-4o-mini",)"
       R"("object":"chat.completion.chunk","created":1754313000,"choices":[],"usage":{"prompt_tokens":12,)"
       R"("completion_tokens":9998,"total_tokens":10010,"cost":0.0060072,"is_byok":false}})"
       "\n\ndata: [DONE]\n\n";
  return s;
}

std::string image_stream(std::size_t base64_bytes) {
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s = R"(data: {"id":"gen-1754313300-Im1Im2Im3Im4Im5Im6Im7","provider":"Google",)"
                  R"("model":"google/gemini-2.5-flash-image","object":"chat.completion.chunk","created":1754313300,)"
                  R"("choices":[{"index":0,"delta":{"role":"assistant","content":"","images":[{"type":"image_url",)"
                  R"("image_url":{"url":"data:image/png;base64,)";
  std::uint64_t x = 88172645463325252ull;
  for (std::size_t i = 0; i < base64_bytes; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s += b64[x & 63];
  }
  s += R"("}}]},"finish_reason":null,"native_finish_reason":null}]})"
       "\n\n";
  return s;
}

// --- measurement --------------------------------------------------------------------------------

struct sink {
  std::size_t events = 0, comments = 0, data_bytes = 0;
  void on_event(const sse::event& e) {
    ++events;
    data_bytes += e.data.size();
  }
  void on_comment(std::string_view) { ++comments; }
};

// Also decodes each chunk into a typed chat_chunk (reused, as a stream reuses its buffers).
struct decode_sink : sink {
  openrouter::wire::chat_chunk chunk;
  std::size_t content_bytes = 0;
  void on_event(const sse::event& e) {
    sink::on_event(e);
    if (e.data == "[DONE]") return;
    boost::system::error_code ec;
    openrouter::wire::parse_chat_chunk(e.data, chunk, ec);
    if (ec) {
      std::fprintf(stderr, "decode error: %s\n", ec.message().c_str());
      std::exit(1);
    }
    for (const auto& c : chunk.choices)
      if (c.delta.content) content_bytes += c.delta.content->size();
  }
};

// One pass over `in` in `chunk`-byte pieces.
template <class Sink>
void pass(sse::parser& p, std::string_view in, std::size_t chunk, Sink& s) {
  boost::system::error_code ec;
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    p.parse(in.substr(i, chunk), s, ec);
    if (ec) {
      std::fprintf(stderr, "parse error: %s (%s)\n", ec.message().c_str(), sse::to_string(p.failed()));
      std::exit(1);
    }
  }
  if (!p.finish()) {
    std::fprintf(stderr, "stream ended mid-event\n");
    std::exit(1);
  }
}

std::size_t floor_pass(std::string_view in, std::size_t chunk) {
  std::size_t lines = 0;
  for (std::size_t i = 0; i < in.size(); i += chunk) {
    const auto c = in.substr(i, chunk);
    const char* p = c.data();
    const char* const end = p + c.size();
    while (const void* q = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      ++lines;
      p = static_cast<const char*>(q) + 1;
    }
    g_floor_sink = g_floor_sink + lines;  // volatile: keeps the loop
  }
  return lines;
}

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

template <class Sink = sink>
void bench(const char* name, std::string_view in, std::size_t chunk, double min_seconds) {
  sse::parser p;
  Sink warm;
  const std::size_t cold_before = g_allocations;
  pass(p, in, chunk, warm);  // first pass: buffers grow to their working size
  const std::size_t cold_allocs = g_allocations - cold_before;
  const std::size_t events_per_pass = warm.events;

  Sink s;
  const std::size_t before = g_allocations;
  int reps = 0;
  const auto t0 = clock_type::now();
  double t = 0;
  do {
    pass(p, in, chunk, s);
    ++reps;
    t = seconds_since(t0);
  } while (t < min_seconds || reps < 3);
  const std::size_t allocs = g_allocations - before;

  std::size_t floor_lines = 0;
  int floor_reps = 0;
  const auto f0 = clock_type::now();
  double ft = 0;
  do {
    floor_lines += floor_pass(in, chunk);
    ++floor_reps;
    ft = seconds_since(f0);
  } while (ft < min_seconds / 4 || floor_reps < 3);

  const double mb = static_cast<double>(in.size()) * reps / 1e6;
  const auto& st = p.stats();
  std::printf("%-11s %6zu B chunks  %9.1f MB/s  %11.0f events/s  allocs/event %.4f (first pass %zu)  "
              "zero-copy %5.1f%%  scanned/byte %.2f  copied/byte %.2f  | memchr floor %8.1f MB/s\n",
              name, chunk, mb / t, static_cast<double>(s.events) / t,
              static_cast<double>(allocs) / static_cast<double>(s.events), cold_allocs,
              100.0 * static_cast<double>(st.events_zero_copy) / static_cast<double>(st.events),
              static_cast<double>(st.bytes_scanned) / static_cast<double>(st.bytes_in),
              static_cast<double>(st.bytes_copied) / static_cast<double>(st.bytes_in),
              static_cast<double>(in.size()) * floor_reps / 1e6 / ft);
  if (s.events != events_per_pass * static_cast<std::size_t>(reps) || floor_lines == 0) std::printf("(mismatch)\n");
}

}  // namespace

int main(int argc, char** argv) {
  const std::string chat = chat_stream(10000);
  const std::string image = image_stream(std::size_t{4} << 20);

  if (argc == 3 && std::string_view(argv[1]) == "--write") {
    // DIR is created when missing; "wrote" is printed only for files that are whole on disk
    // (the close checked too), else the error and exit status 1.
    const std::string dir = argv[2];
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      std::fprintf(stderr, "sse_parser_bench: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
      return 1;
    }
    for (const auto& [name, bytes] : {std::pair<const char*, const std::string*>{"chat.sse", &chat}, {"image.sse", &image}}) {
      const std::string path = dir + "/" + name;
      errno = 0;
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
      out.close();
      if (!out) {
        std::fprintf(stderr, "sse_parser_bench: cannot write %s: %s\n", path.c_str(),
                     errno ? std::strerror(errno) : "write failed");
        return 1;
      }
    }
    std::printf("wrote %s/chat.sse (%zu bytes) and %s/image.sse (%zu bytes)\n", dir.c_str(), chat.size(), dir.c_str(),
                image.size());
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: sse_parser_bench [--write DIR]\n");
    return 2;
  }

  {
    sse::parser p;
    sink s;
    pass(p, chat, chat.size(), s);
    std::printf("chat stream: %zu bytes, %zu events, %zu comments, %.0f bytes/event\n", chat.size(), s.events,
                s.comments, static_cast<double>(chat.size()) / static_cast<double>(s.events));
    std::printf("image stream: %zu bytes, 1 event\n", image.size());
  }
  for (std::size_t chunk : {std::size_t{64}, std::size_t{1460}, std::size_t{16384}}) bench("chat", chat, chunk, 1.0);
  bench("image", image, 1460, 1.0);
  for (std::size_t chunk : {std::size_t{64}, std::size_t{1460}, std::size_t{16384}})
    bench<decode_sink>("chat+decode", chat, chunk, 1.0);
  return 0;
}
