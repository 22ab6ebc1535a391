// The sans-I/O HTTP/1.1 exchange (src/lib/http/exchange.hpp), driven byte by byte without a
// socket: every response gives the same result whatever the reads' sizes (split at every byte,
// or all at once); the limits hold (head, declared and actual body, streamed body, a line that
// never ends); the diagnostic headers are read strictly; the re-send facts and connection
// reuse are exact (nothing reused after a close, an error or bytes nobody asked for).
#include "http/exchange.hpp"

#include "../../src/mock/compress.hpp"

#include <openrouter/error.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using openrouter::errc;
using openrouter::detail::exchange;
using action = exchange::action;

constexpr std::size_t max_buffer = 128 * 1024;  // as connection::max_read_buffer

// Performs the exchange's I/O actions from `rest`, at most `step` bytes per read; the peer
// closes (eof) when `rest` runs out. Returns the first action that is not write or read.
action run(exchange& x, std::string_view& rest, std::size_t step) {
  for (int guard = 0; guard < 10'000'000; ++guard) {
    action a = x.next();
    if (a == action::write) {
      x.written();
      continue;
    }
    if (a != action::read) return a;
    if (rest.empty()) {
      x.eof();
      continue;
    }
    auto& in = x.buffer();
    std::size_t n = std::min({step, rest.size(), in.max_size() - in.size()});
    if (n == 0) {  // the runner's check: a full buffer fails the exchange
      x.fail(make_error_code(errc::response_too_large));
      continue;
    }
    auto mb = in.prepare(n);
    std::memcpy(mb.data(), rest.data(), n);
    in.commit(n);
    rest.remove_prefix(n);
  }
  BOOST_FAIL("the exchange never settled");
  return action::failed;
}

struct outcome {
  action last = action::failed;
  openrouter::diagnostics diag;
  unsigned status = 0;
  std::string body;
  std::string pieces;  // concatenated (pieces mode)
  std::size_t piece_count = 0, largest_piece = 0;
  bool reusable = false;
  boost::system::error_code error;
  std::string detail;
};

// The whole exchange of `response` read with reads of `step` bytes: whole mode, or pieces of
// `piece_size` bytes when it is non-zero.
outcome exchange_of(std::string_view response, std::size_t step, exchange::limits l = {}, std::size_t piece_size = 0) {
  openrouter::detail::read_buffer in{max_buffer};
  const std::string body = "{\"model\":\"m\"}";
  exchange x("POST /v1/chat/completions HTTP/1.1\r\n\r\n", body, in, l);
  outcome o;
  std::string_view rest = response;
  action a = run(x, rest, step);
  if (a == action::headers) {
    x.read_diagnostics(o.diag);
    o.status = x.response().status;
    if (piece_size) x.read_pieces(piece_size);
    a = run(x, rest, step);
    while (a == action::piece) {
      BOOST_TEST_REQUIRE(x.piece().size() <= piece_size);
      BOOST_TEST_REQUIRE(!x.piece().empty());
      o.pieces += x.piece();
      ++o.piece_count;
      o.largest_piece = std::max(o.largest_piece, x.piece().size());
      a = run(x, rest, step);
    }
  }
  o.last = a;
  o.body = x.response().body;
  o.reusable = x.reusable();
  o.error = x.error();
  o.detail = x.detail();
  BOOST_TEST(x.request_written());
  return o;
}

const std::size_t steps[] = {1, 2, 3, 7, 64, 1 << 20};

std::string chunked(const std::vector<std::string>& chunks, std::string_view ext = "") {
  std::string s;
  for (const auto& c : chunks) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", c.size());
    s += size;
    s += ext;
    s += "\r\n" + c + "\r\n";
  }
  return s + "0\r\n\r\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_exchange_test)

BOOST_AUTO_TEST_CASE(the_request_is_written_before_anything_is_read) {
  openrouter::detail::read_buffer in{max_buffer};
  const std::string body = "{\"a\":1}";
  exchange x("POST /x HTTP/1.1\r\nContent-Length: 7\r\n\r\n", body, in, {});
  BOOST_TEST((x.next() == action::write));
  BOOST_TEST((x.current_phase() == exchange::phase::request));
  BOOST_TEST(!x.request_written());
  auto bufs = x.request();
  std::string sent;
  for (auto b : bufs) sent.append(static_cast<const char*>(b.data()), b.size());
  BOOST_TEST(sent == "POST /x HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  // A write that failed: the request provably did not reach the server whole.
  x.fail(make_error_code(errc::connection_reset));
  BOOST_TEST(!x.request_written());
  BOOST_TEST((x.next() == action::failed));
  BOOST_TEST(!x.reusable());
}

BOOST_AUTO_TEST_CASE(a_content_length_body_is_the_same_at_every_read_size) {
  const std::string body = R"({"id":"gen-1","choices":[{"message":{"content":"hello"}}]})";
  const std::string res = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\nX-Generation-Id: gen-1\r\n\r\n" + body;
  for (auto step : steps) {
    auto o = exchange_of(res, step);
    BOOST_TEST((o.last == action::done), "step " << step);
    BOOST_TEST(o.status == 200u);
    BOOST_TEST(o.body == body, "step " << step);
    BOOST_TEST(o.reusable, "step " << step);
    BOOST_TEST(o.diag.generation_id == "gen-1");
    BOOST_TEST(o.diag.http_status == 200u);
  }
}

BOOST_AUTO_TEST_CASE(a_chunked_body_with_extensions_and_a_trailer_is_the_same_at_every_read_size) {
  std::vector<std::string> chunks;
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    chunks.push_back("part " + std::to_string(i) + std::string(static_cast<std::size_t>(i * 13 % 97), 'x'));
    expected += chunks.back();
  }
  std::string res = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(chunks, ";ext=1");
  res.insert(res.size() - 2, "X-Trailer: t\r\n");
  for (auto step : steps) {
    auto o = exchange_of(res, step);
    BOOST_TEST((o.last == action::done), "step " << step);
    BOOST_TEST(o.body == expected, "step " << step);
    BOOST_TEST(o.reusable);
  }
}

BOOST_AUTO_TEST_CASE(the_diagnostic_headers_are_read_strictly) {
  const std::string res =
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: Sun, 06 Nov 2044 08:49:37 GMT\r\n"
      "X-RateLimit-Limit: 20\r\nX-RateLimit-Remaining: 0\r\nContent-Length: 2\r\n\r\n{}";
  auto o = exchange_of(res, 5);
  BOOST_TEST((o.last == action::done));
  BOOST_TEST(o.status == 429u);
  BOOST_REQUIRE(o.diag.retry_after.has_value());  // an HTTP-date, clamped (a wait, not decades)
  BOOST_TEST(o.diag.retry_after->count() > 0);
  BOOST_TEST(o.diag.rate_limit_limit.value_or(-1) == 20);
  BOOST_TEST(o.diag.rate_limit_remaining.value_or(-1) == 0);

  auto bad = exchange_of("HTTP/1.1 429 x\r\nRetry-After: 120abc\r\nContent-Length: 0\r\n\r\n", 1);
  BOOST_TEST((bad.last == action::done));
  BOOST_TEST(!bad.diag.retry_after.has_value());
  auto secs = exchange_of("HTTP/1.1 503 x\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n", 1);
  BOOST_TEST(secs.diag.retry_after.value_or(std::chrono::milliseconds{}) == std::chrono::milliseconds(7000));
}

BOOST_AUTO_TEST_CASE(a_declared_length_over_the_limit_fails_before_the_body) {
  exchange::limits l;
  l.whole_body = 100;
  // The 101 bytes never arrive: the verdict cannot wait for them.
  auto o = exchange_of("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 1, l);
  BOOST_TEST((o.last == action::failed));
  BOOST_TEST((o.error == errc::response_too_large));
  BOOST_TEST(o.detail.find("max_response_bytes") != std::string::npos);
  BOOST_TEST(!o.reusable);
}

BOOST_AUTO_TEST_CASE(a_chunked_body_over_the_limit_fails_at_the_limit) {
  exchange::limits l;
  l.whole_body = 1000;
  std::vector<std::string> chunks(50, std::string(100, 'a'));
  for (auto step : steps) {
    auto o = exchange_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(chunks), step, l);
    BOOST_TEST((o.last == action::failed), "step " << step);
    BOOST_TEST((o.error == errc::response_too_large));
    BOOST_TEST(o.body.size() <= l.whole_body + 1);  // nothing past the limit is kept
  }
}

BOOST_AUTO_TEST_CASE(a_head_or_a_chunk_line_that_never_ends_stops_at_the_buffer_limit) {
  // A chunk-size line with an endless extension: the buffer's maximum bounds it.
  std::string res = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;" + std::string(300 * 1024, 'e');
  auto o = exchange_of(res, 4096);
  BOOST_TEST((o.last == action::failed));
  BOOST_TEST((o.error == errc::response_too_large));
  // A head over its own limit.
  exchange::limits l;
  l.head = 1024;
  auto h = exchange_of("HTTP/1.1 200 OK\r\nX-Big: " + std::string(4000, 'h') + "\r\nContent-Length: 0\r\n\r\n", 100, l);
  BOOST_TEST((h.last == action::failed));
  BOOST_TEST((h.error == errc::response_too_large));
}

BOOST_AUTO_TEST_CASE(pieces_are_handed_out_bounded_and_whole) {
  std::vector<std::string> chunks;
  std::string expected;
  for (int i = 0; i < 203; ++i) {
    chunks.push_back("data: {\"i\":" + std::to_string(i) + "}\n\n");
    expected += chunks.back();
  }
  const std::string res = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                          chunked(chunks);
  for (auto step : steps) {
    auto o = exchange_of(res, step, {}, 256);
    BOOST_TEST((o.last == action::done), "step " << step);
    BOOST_TEST(o.pieces == expected, "step " << step);
    BOOST_TEST(o.largest_piece <= 256u);
    BOOST_TEST(o.reusable);
    // Coalesced bytes are handed out in full pieces, not one per chunk.
    if (step == (1u << 20)) BOOST_TEST(o.piece_count <= expected.size() / 256 + 1);
  }
}

BOOST_AUTO_TEST_CASE(a_stream_over_its_limit_fails_after_the_pieces_before_it) {
  exchange::limits l;
  l.streamed_body = 1000;
  std::vector<std::string> chunks(100, std::string(50, 's'));
  const std::string res = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(chunks);
  auto o = exchange_of(res, 64, l, 100);
  BOOST_TEST((o.last == action::failed));
  BOOST_TEST((o.error == errc::response_too_large));
  BOOST_TEST(o.pieces.size() <= 1000u);
  BOOST_TEST(o.pieces.size() >= 900u);
  BOOST_TEST(o.detail.find("max_stream_bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(content_encodings_are_decoded_only_when_asked_for) {
  const std::string plain = R"({"data":[{"id":"a/b"}]})";
  const std::string gz = openrouter::mock::gzip(plain);
  const std::string res = "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + std::to_string(gz.size()) +
                          "\r\n\r\n" + gz;
  exchange::limits asked;
  asked.accept_gzip = true;
  auto o = exchange_of(res, 3, asked);
  BOOST_TEST((o.last == action::done));
  BOOST_TEST(o.body == plain);
  auto refused = exchange_of(res, 3);
  BOOST_TEST((refused.last == action::failed));
  BOOST_TEST((refused.error == errc::bad_response));
  auto br = exchange_of("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 0\r\n\r\n", 3, asked);
  BOOST_TEST((br.error == errc::bad_response));
  // A stream is never decoded: an encoded one is refused.
  auto streamed = exchange_of(res, 3, asked, 64);
  BOOST_TEST((streamed.last == action::failed));
  BOOST_TEST((streamed.error == errc::bad_response));
}

BOOST_AUTO_TEST_CASE(the_end_of_the_connection_ends_only_what_it_may_end) {
  // Mid-head, mid-length, mid-chunk: incomplete.
  for (std::string cut : {std::string("HTTP/1.1 200 OK\r\nContent-Le"), std::string("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"),
                          std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")}) {
    for (auto step : steps) {
      auto o = exchange_of(cut, step);
      BOOST_TEST((o.last == action::failed), cut << " step " << step);
      BOOST_TEST((o.error == errc::connection_closed), cut);
    }
  }
  // Nothing at all (a keep-alive connection the server had closed).
  auto none = exchange_of("", 1);
  BOOST_TEST((none.error == errc::connection_closed), none.error.message() << " " << int(none.last));
  // A body delimited by the close: whole, and the connection is not reused.
  auto o = exchange_of("HTTP/1.1 200 OK\r\n\r\nuntil the end", 4);
  BOOST_TEST((o.last == action::done));
  BOOST_TEST(o.body == "until the end");
  BOOST_TEST(!o.reusable);
}

BOOST_AUTO_TEST_CASE(a_connection_is_reused_only_after_a_clean_keep_alive_response) {
  auto close = exchange_of("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", 1 << 20);
  BOOST_TEST((close.last == action::done));
  BOOST_TEST(!close.reusable);
  // Bytes after the response nobody asked for: the connection is not trusted again.
  auto extra = exchange_of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n", 1 << 20);
  BOOST_TEST((extra.last == action::done));
  BOOST_TEST(extra.body == "{}");
  BOOST_TEST(!extra.reusable);
  auto http10 = exchange_of("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", 1 << 20);
  BOOST_TEST(!http10.reusable);
}

BOOST_AUTO_TEST_CASE(what_is_not_http_fails_as_a_bad_response) {
  // A head that is not HTTP.
  auto ssh = exchange_of("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n", 1);
  BOOST_TEST((ssh.last == action::failed));
  BOOST_TEST((ssh.error == errc::bad_response), ssh.error.message() << " " << int(ssh.last));
  BOOST_TEST(ssh.detail.find("not an HTTP/1.1 response") != std::string::npos);
  // A TLS alert record (an http:// URL aimed at a TLS port), then the close: too short to be
  // judged, it is a closed connection (the runner adds the hint, seeing the record's bytes).
  auto tls = exchange_of(std::string("\x15\x03\x01\x00\x02\x02\x46", 7), 1);
  BOOST_TEST((tls.last == action::failed));
  BOOST_TEST((tls.error == errc::connection_closed || tls.error == errc::bad_response));
  auto bad_chunk = exchange_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1);
  BOOST_TEST((bad_chunk.error == errc::bad_response));
  auto bad_stream_chunk = exchange_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcdXX\r\n", 1, {}, 64);
  BOOST_TEST((bad_stream_chunk.error == errc::bad_response));
}

BOOST_AUTO_TEST_SUITE_END()
