// floor_loop: the "floor" an OpenRouter client is measured against.
//
// A minimal hand-written client on the same stack as openrouter-cpp (Boost.Asio C++20
// coroutines, Boost.Beast HTTP/1.1, OpenSSL, Boost.JSON) with none of the library's
// machinery: no pool (each of N coroutines owns one keep-alive connection for its whole
// life and reconnects only when the server closes it or an error kills it), no retries, no
// typed decode. It still does everything a real client must: verifies TLS against the CA,
// reads every response to its end, checks the status, JSON-parses every non-streaming body
// and every SSE `data:` payload, and requires `data: [DONE]` before calling a stream good.
//
//   floor_loop --url https://127.0.0.1:PORT --ca-file ca.pem --mode chat|stream
//              [--concurrency N] [--requests R] [--max-tokens T] [--key K] [--model M]
//              [--timeout-s S] [--connect-rate C] [--release-buffers]
//
// One thread, one io_context. Prints one JSON line on stdout:
//   {"mode","tls","concurrency","requests","ok","errors","incomplete","timed_out","error_kinds",
//    "wall_s","rps","cpu_user_s","cpu_sys_s","cpu_us_per_req","peak_rss_kib",
//    "connections","tls_handshakes","sse_events","max_open","all_open_s",
//    "latency_ms":{p50,p90,p99,max},"nofile_limit"}
// max_open: the most connections open (handshake done) at once on the client side;
// all_open_s: when that first reached min(concurrency, requests) (-1: never).
// `incomplete` counts requests not finished when --timeout-s (a whole-run watchdog) fired.
// --max-tokens 0 leaves max_tokens out of the request (the mock's scenario decides).
// --connect-rate C spaces the initial connects C per second (0: all at once).
// --release-buffers sets SSL_MODE_RELEASE_BUFFERS (less RSS per idle TLS connection).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::string url;
  std::string ca_file;
  std::string mode = "chat";
  std::string key = "sk-or-v1-bench";
  std::string model = "openai/gpt-4o-mini";
  long concurrency = 1;
  long requests = 1;
  long max_tokens = 16;
  double timeout_s = 600;
  double connect_rate = 0;
  bool release_buffers = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "floor_loop: " << why
            << "\nusage: floor_loop --url https://127.0.0.1:PORT [--ca-file PEM] [--mode chat|stream]"
               " [--concurrency N] [--requests R] [--max-tokens T] [--key K] [--model M]"
               " [--timeout-s S] [--connect-rate C] [--release-buffers]\n";
  std::exit(2);
}

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + a);
      return argv[++i];
    };
    try {
      if (a == "--url") o.url = value();
      else if (a == "--ca-file") o.ca_file = value();
      else if (a == "--mode") o.mode = value();
      else if (a == "--key") o.key = value();
      else if (a == "--model") o.model = value();
      else if (a == "--concurrency") o.concurrency = std::stol(value());
      else if (a == "--requests") o.requests = std::stol(value());
      else if (a == "--max-tokens") o.max_tokens = std::stol(value());
      else if (a == "--timeout-s") o.timeout_s = std::stod(value());
      else if (a == "--connect-rate") o.connect_rate = std::stod(value());
      else if (a == "--release-buffers") o.release_buffers = true;
      else if (a == "--help" || a == "-h") usage("help");
      else usage("unknown option " + a);
    } catch (const std::logic_error&) {
      usage("bad value for " + a);
    }
  }
  if (o.url.empty()) usage("--url is required");
  if (o.mode != "chat" && o.mode != "stream") usage("--mode is chat or stream");
  if (o.concurrency < 1 || o.requests < 0) usage("--concurrency >= 1, --requests >= 0");
  return o;
}

struct target {
  bool tls = true;
  std::string host;         // as written in the URL (brackets stripped)
  std::string port;
  std::string host_header;  // host[:port]
  std::string path;         // .../chat/completions
};

target parse_url(const std::string& url) {
  target t;
  std::string_view rest = url;
  if (rest.starts_with("https://")) rest.remove_prefix(8);
  else if (rest.starts_with("http://")) t.tls = false, rest.remove_prefix(7);
  else usage("--url must start with http:// or https://");
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string base = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) base = "/api/v1";
  t.path = base + "/chat/completions";
  t.host_header = std::string(authority);
  std::string_view host = authority, port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) usage("bad IPv6 literal in --url");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  t.host = std::string(host);
  t.port = port.empty() ? (t.tls ? "443" : "80") : std::string(port);
  return t;
}

// Raises the soft descriptor limit to the hard one: N coroutines hold N sockets.
rlim_t raise_nofile() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

// Splits an SSE byte stream into events (blank-line separated) and hands each event's
// `data` (multi-line data joined with '\n') to `on_data`. Comments and other fields are
// skipped. Lines end in "\n" or "\r\n".
// SSE split the fast way: lines are found with memchr in the bytes as they arrived; only a
// line cut by the end of a read is copied (to be completed by the next one), and a `data:`
// payload is handed out in place unless it spans reads or lines.
class sse_scanner {
 public:
  template <class F>
  void feed(const char* p, std::size_t n, F&& on_data) {
    const char* end = p + n;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!nl) {
        partial_.append(p, static_cast<std::size_t>(end - p));
        return;
      }
      std::string_view line(p, static_cast<std::size_t>(nl - p));
      if (!partial_.empty()) {
        partial_.append(line);
        line = partial_;
      }
      p = nl + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) {
        if (has_data_) on_data(data_in_place_ ? data_view_ : std::string_view(data_));
        data_.clear();
        has_data_ = data_in_place_ = false;
      } else if (line.size() >= 5 && std::memcmp(line.data(), "data:", 5) == 0) {
        line.remove_prefix(5);
        if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        if (!has_data_ && partial_.empty()) {  // the common case: one line, in the read buffer
          data_view_ = line;
          data_in_place_ = true;
        } else {
          if (data_in_place_) data_.assign(data_view_);
          if (has_data_) data_ += '\n';
          data_.append(line);
          data_in_place_ = false;
        }
        has_data_ = true;
      }
      // ":" comments, "event:", "id:", "retry:" are not needed here
      partial_.clear();
    }
    // A payload still pointing into this read must survive it.
    if (has_data_ && data_in_place_) {
      data_.assign(data_view_);
      data_in_place_ = false;
    }
  }

 private:
  std::string partial_;  // a line cut by the end of a read
  std::string data_;     // a payload that spans reads or lines
  std::string_view data_view_;
  bool has_data_ = false, data_in_place_ = false;
};

// boost::json::parse into a buffer reused for every document (no heap allocation per event
// for documents that fit).
class json_checker {
 public:
  json_checker() : parser_(json::storage_ptr(), json::parse_options{}, scratch_, sizeof scratch_) {}
  // The parsed document (valid until the next call), or nullptr when `text` is not JSON.
  const json::value* parse(std::string_view text) {
    value_.reset();
    resource_.release();
    parser_.reset(json::storage_ptr(&resource_));
    error_code ec;
    parser_.write(text.data(), text.size(), ec);
    if (ec) return nullptr;
    value_.emplace(parser_.release());  // keeps the arena's storage (an assignment would copy)
    return &*value_;
  }

 private:
  unsigned char scratch_[4096];
  unsigned char arena_[16384];
  json::monotonic_resource resource_{arena_, sizeof arena_};
  json::parser parser_;
  std::optional<json::value> value_;
};

struct run_state {
  options opt;
  target tgt;
  std::string body;    // request JSON
  std::string auth;    // "Bearer ..."
  std::string request_chat, request_stream;  // the whole request, formatted once
  json_checker json;   // one parser, its buffers reused for every document
  tcp::endpoint endpoint;
  std::unique_ptr<ssl::context> tls;
  clock_type::time_point start;

  long issued = 0;
  long ok = 0;
  long errors = 0;
  long connections = 0;
  long handshakes = 0;
  long sse_events = 0;
  long connect_slot = 0;
  long active_workers = 0;
  long open_now = 0;       // connections currently ready (handshake done)
  long max_open = 0;       // the most ready at once
  double all_open_s = -1;  // when max_open first reached the worker count
  long workers = 0;
  asio::steady_timer* watchdog = nullptr;  // cancelled when the last worker ends
  std::map<std::string, long> error_kinds;
  std::vector<std::uint32_t> latency_us;  // successful requests

  void opened() {
    if (++open_now > max_open) {
      max_open = open_now;
      if (max_open == workers) all_open_s = std::chrono::duration<double>(clock_type::now() - start).count();
    }
  }

  // Counts a failed request; the first few of each kind are described on stderr.
  void fail(const char* kind, const error_code& ec = {}) {
    ++errors;
    long n = ++error_kinds[kind];
    if (n <= 3 || (n & (n - 1)) == 0) {
      double t = std::chrono::duration<double>(clock_type::now() - start).count();
      std::fprintf(stderr, "floor_loop: t=%.3fs error #%ld %s%s%s\n", t, n, kind, ec ? ": " : "",
                   ec ? ec.message().c_str() : "");
    }
  }
};

template <class Stream>
struct conn_traits;

template <>
struct conn_traits<tcp::socket> {
  static tcp::socket& socket(tcp::socket& s) { return s; }
};
template <>
struct conn_traits<beast::ssl_stream<tcp::socket>> {
  static tcp::socket& socket(beast::ssl_stream<tcp::socket>& s) { return s.next_layer(); }
};

template <class Stream>
asio::awaitable<std::unique_ptr<Stream>> open_connection(run_state& st) {
  auto ex = co_await asio::this_coro::executor;
  if (st.opt.connect_rate > 0) {
    // Space the initial connects: slot k starts at k / rate seconds.
    auto at = st.start + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(static_cast<double>(st.connect_slot++) / st.opt.connect_rate));
    if (at > clock_type::now()) {
      asio::steady_timer t(ex, at);
      co_await t.async_wait(asio::use_awaitable);
    }
  }
  tcp::socket sock(ex);
  error_code ec;
  co_await sock.async_connect(st.endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    st.fail("connect", ec);
    co_return nullptr;
  }
  ++st.connections;
  sock.set_option(tcp::no_delay(true), ec);
  if constexpr (std::is_same_v<Stream, tcp::socket>) {
    st.opened();
    co_return std::make_unique<tcp::socket>(std::move(sock));
  } else {
    auto s = std::make_unique<Stream>(std::move(sock), *st.tls);
    SSL* ssl = s->native_handle();
    // Verify the peer's name: an IP literal against the IP SANs, a name against DNS SANs (+SNI).
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    error_code aec;
    asio::ip::make_address(st.tgt.host, aec);
    if (!aec) {
      X509_VERIFY_PARAM_set1_ip_asc(param, st.tgt.host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, st.tgt.host.c_str());
      X509_VERIFY_PARAM_set1_host(param, st.tgt.host.c_str(), 0);
    }
    co_await s->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      st.fail("handshake", ec);
      co_return nullptr;
    }
    ++st.handshakes;
    st.opened();
    co_return s;
  }
}

// Returns true when the connection may be reused.
template <class Stream>
asio::awaitable<bool> one_request(run_state& st, Stream& s, beast::flat_buffer& buf) {
  const bool stream = st.opt.mode == "stream";
  auto t0 = clock_type::now();
  error_code ec;
  {
    // The request's bytes were formatted once (run_state::request); one write per request.
    co_await asio::async_write(s, asio::buffer(stream ? st.request_stream : st.request_chat),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      st.fail("write", ec);
      co_return false;
    }
  }

  if (!stream) {
    http::response_parser<http::string_body> p;
    p.body_limit(64u << 20);
    co_await http::async_read(s, buf, p, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      st.fail("read", ec);
      co_return false;
    }
    const auto& res = p.get();
    bool good = res.result() == http::status::ok;
    if (!good) {
      st.fail("status");
    } else {
      const json::value* v = st.json.parse(res.body());
      const json::object* obj = v ? v->if_object() : nullptr;
      const json::value* choices = obj ? obj->if_contains("choices") : nullptr;
      if (!obj) st.fail("json"), good = false;
      else if (!choices || !choices->is_array() || choices->get_array().empty()) st.fail("no_choices"), good = false;
    }
    if (good) {
      ++st.ok;
      st.latency_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0).count()));
    }
    co_return p.keep_alive();
  }

  // Streaming: headers first, then the body. Whatever is already buffered is parsed at once,
  // without a completion per chunk: the parser is eager (one put() runs through every complete
  // chunk in the buffer) and hands each chunk's bytes to the SSE scanner in place (no copy into
  // a body buffer). The socket is read only when the parser needs more.
  http::response_parser<http::empty_body> p;
  p.body_limit(boost::none);
  co_await http::async_read_header(s, buf, p, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    st.fail("read_header", ec);
    co_return false;
  }
  const bool status_ok = p.get().result() == http::status::ok;
  sse_scanner scanner;
  bool done = false, json_error = false, inband_error = false, after_done = false;
  long events = 0;
  auto on_data = [&](std::string_view data) {
    if (done) {
      after_done = true;
      return;
    }
    if (data == "[DONE]") {
      done = true;
      return;
    }
    ++events;
    const json::value* v = st.json.parse(data);
    const json::object* obj = v ? v->if_object() : nullptr;
    if (!obj) json_error = true;
    else if (obj->contains("error")) inband_error = true;
  };
  auto on_chunk = [&](std::uint64_t, beast::string_view body, error_code&) -> std::size_t {
    if (status_ok) scanner.feed(body.data(), body.size(), on_data);
    return body.size();
  };
  p.on_chunk_body(on_chunk);
  p.eager(true);
  while (!p.is_done()) {
    if (buf.size() > 0) {
      std::size_t used = p.put(buf.data(), ec);
      buf.consume(used);
      if (ec == http::error::need_more) ec = {};
      else if (ec) break;
      if (p.is_done() || used > 0) continue;
    }
    // Beast's put() wants a whole chunk header in one buffer: reads append to what is left.
    std::size_t n = co_await s.async_read_some(buf.prepare(16 * 1024), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof && p.need_eof()) {
      p.put_eof(ec);
      break;
    }
    if (ec) break;
    buf.commit(n);
  }
  st.sse_events += events;
  if (ec) {
    st.fail(done ? "read_after_done" : "read_body", ec);
    co_return false;
  }
  if (!status_ok) st.fail("status");
  else if (json_error) st.fail("json");
  else if (inband_error) st.fail("inband_error");
  else if (!done) st.fail("no_done");
  else if (after_done) st.fail("data_after_done");
  else {
    ++st.ok;
    st.latency_us.push_back(static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t0).count()));
  }
  co_return p.keep_alive();
}

template <class Stream>
asio::awaitable<void> worker(run_state& st) {
  std::unique_ptr<Stream> s;
  beast::flat_buffer buf;
  // Beast reads at most the buffer's free capacity (512 bytes when empty), and a body parsed
  // out of it never makes it grow: reserve what one TLS record can bring.
  buf.reserve(16 * 1024);
  while (st.issued < st.opt.requests) {
    ++st.issued;
    if (!s) {
      s = co_await open_connection<Stream>(st);
      if (!s) continue;  // counted; the next request tries a fresh connection
    }
    bool reuse = co_await one_request(st, *s, buf);
    if (!reuse) {
      error_code ec;
      conn_traits<Stream>::socket(*s).close(ec);
      s.reset();
      --st.open_now;
      buf.clear();
    }
  }
  if (s) --st.open_now;
  if (--st.active_workers == 0 && st.watchdog) st.watchdog->cancel();
}

double percentile(std::vector<std::uint32_t>& v, double q) {
  if (v.empty()) return 0;
  std::size_t k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k] / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  run_state st;
  st.opt = parse_args(argc, argv);
  st.tgt = parse_url(st.opt.url);
  const rlim_t nofile = raise_nofile();
  if (nofile != 0 && static_cast<rlim_t>(st.opt.concurrency) + 32 > nofile)
    std::cerr << "floor_loop: warning: RLIMIT_NOFILE " << nofile << " < concurrency " << st.opt.concurrency << "\n";

  const bool stream = st.opt.mode == "stream";
  {
    json::object body;
    body["model"] = st.opt.model;
    body["messages"] = json::array{json::object{{"role", "user"}, {"content", "Say hello in one short sentence."}}};
    if (st.opt.max_tokens > 0) body["max_tokens"] = st.opt.max_tokens;
    if (stream) body["stream"] = true;
    st.body = json::serialize(body);
  }
  st.auth = "Bearer " + st.opt.key;
  for (bool sse : {false, true}) {
    std::string& r = sse ? st.request_stream : st.request_chat;
    r = "POST " + st.tgt.path + " HTTP/1.1\r\nHost: " + st.tgt.host_header + "\r\nAuthorization: " + st.auth +
        "\r\nContent-Type: application/json\r\nAccept: " + (sse ? "text/event-stream" : "application/json") +
        "\r\nContent-Length: " + std::to_string(st.body.size()) + "\r\n\r\n" + st.body;
  }

  asio::io_context ioc(1);
  try {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(st.tgt.host, st.tgt.port, tcp::resolver::numeric_service);
    if (results.empty()) throw std::runtime_error("cannot resolve " + st.tgt.host);
    st.endpoint = results.begin()->endpoint();
    if (st.tgt.tls) {
      st.tls = std::make_unique<ssl::context>(ssl::context::tls_client);
      st.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      if (st.opt.ca_file.empty()) st.tls->set_default_verify_paths();
      else st.tls->load_verify_file(st.opt.ca_file);
      st.tls->set_verify_mode(ssl::verify_peer);
      if (st.opt.release_buffers) SSL_CTX_set_mode(st.tls->native_handle(), SSL_MODE_RELEASE_BUFFERS);
    }
  } catch (const std::exception& e) {
    std::cerr << "floor_loop: " << e.what() << "\n";
    return 2;
  }
  st.latency_us.reserve(static_cast<std::size_t>(st.opt.requests));

  const long workers = std::min(st.opt.concurrency, std::max(st.opt.requests, 1L));
  st.active_workers = workers;
  st.workers = workers;
  st.start = clock_type::now();
  for (long i = 0; i < workers; ++i) {
    if (st.tgt.tls)
      asio::co_spawn(ioc, worker<beast::ssl_stream<tcp::socket>>(st), asio::detached);
    else
      asio::co_spawn(ioc, worker<tcp::socket>(st), asio::detached);
  }
  // Whole-run watchdog: whatever has not finished by then is reported as incomplete.
  bool timed_out = false;
  asio::steady_timer watchdog(ioc, std::chrono::duration_cast<clock_type::duration>(
                                       std::chrono::duration<double>(st.opt.timeout_s)));
  watchdog.async_wait([&](error_code ec) {
    if (!ec) {
      timed_out = true;
      ioc.stop();
    }
  });
  st.watchdog = &watchdog;
  ioc.run();
  const double wall = std::chrono::duration<double>(clock_type::now() - st.start).count();

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double user = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
  const double sys = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
  const long done = st.ok + st.errors;
  const long incomplete = st.opt.requests - done;

  // Hand-formatted so that numbers read as plain decimals.
  std::string kinds;
  for (const auto& [k, n] : st.error_kinds)
    kinds += (kinds.empty() ? "\"" : ",\"") + k + "\":" + std::to_string(n);
  char line[2048];
  std::snprintf(
      line, sizeof line,
      "{\"mode\":\"%s\",\"tls\":%s,\"concurrency\":%ld,\"requests\":%ld,\"ok\":%ld,\"errors\":%ld,"
      "\"incomplete\":%ld,\"timed_out\":%s,\"error_kinds\":{%s},\"wall_s\":%.3f,\"rps\":%.1f,"
      "\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"cpu_s\":%.3f,\"cpu_us_per_req\":%.1f,\"peak_rss_kib\":%ld,"
      "\"connections\":%ld,\"tls_handshakes\":%ld,\"sse_events\":%ld,"
      "\"max_open\":%ld,\"all_open_s\":%.3f,"
      "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},\"nofile_limit\":%lld}",
      st.opt.mode.c_str(), st.tgt.tls ? "true" : "false", st.opt.concurrency, st.opt.requests, st.ok, st.errors,
      incomplete, timed_out ? "true" : "false", kinds.c_str(), wall,
      wall > 0 ? static_cast<double>(st.ok) / wall : 0.0, user, sys, user + sys,
      done > 0 ? (user + sys) * 1e6 / static_cast<double>(done) : 0.0, static_cast<long>(ru.ru_maxrss),
      st.connections, st.handshakes, st.sse_events, st.max_open, st.all_open_s, percentile(st.latency_us, 0.50),
      percentile(st.latency_us, 0.90), percentile(st.latency_us, 0.99), percentile(st.latency_us, 1.0),
      static_cast<long long>(nofile));
  std::cout << line << std::endl;
  return st.errors == 0 && incomplete == 0 ? 0 : 1;
}
