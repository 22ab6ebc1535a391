#include "exchange.hpp"

#include "gzip.hpp"
#include "header_values.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <chrono>

namespace openrouter::detail {
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// Where the pieces of a body read in pieces are written (exchange.hpp, piece()).
thread_local char piece_scratch[exchange::piece_size];

// A parse failure of the response: a limit of the parser, or bytes that are not HTTP/1.1.
errc parse_failure(const error_code& e) {
  if (e == http::error::header_limit || e == http::error::body_limit || e == http::error::buffer_overflow)
    return errc::response_too_large;
  return errc::bad_response;
}

std::string parse_detail(const error_code& e) {
  if (parse_failure(e) == errc::response_too_large) return "the response head or a chunk line exceeds its limit";
  return "not an HTTP/1.1 response (" + e.message() + ")";
}

}  // namespace

exchange::exchange(std::string head, std::string_view body, read_buffer& in, const limits& l)
    : head_(std::move(head)), body_(body), in_(in), limits_(l) {
  parser_.header_limit(static_cast<std::uint32_t>(limits_.head));
  parser_.body_limit(boost::none);  // bounded here, per mode
}

std::array<boost::asio::const_buffer, 2> exchange::request() const noexcept {
  return {boost::asio::buffer(head_), boost::asio::buffer(body_.data(), body_.size())};
}

void exchange::written() noexcept {
  written_ = true;
  phase_ = phase::head;
  std::string().swap(head_);  // not needed again (a re-send is a new exchange): an open stream holds less
  body_ = {};
}

exchange::action exchange::failed(errc e, std::string detail) {
  if (!error_) {
    error_ = make_error_code(e);
    detail_ = std::move(detail);
  }
  return action::failed;
}

void exchange::fail(error_code ec, std::string detail) {
  if (error_) return;
  error_ = ec;
  detail_ = std::move(detail);
}

void exchange::eof() {
  eof_ = true;
  if (!parser_.got_some()) {  // not a byte: a keep-alive connection the server had closed
    fail(make_error_code(errc::connection_closed));  // (Beast's put_eof requires a byte)
    return;
  }
  error_code e;
  parser_.put_eof(e);  // completes a body delimited by the close; anything else is partial
  if (e) fail(make_error_code(errc::connection_closed));
}

void exchange::read_whole() {
  if (mode_ != body_mode::undecided) return;
  mode_ = body_mode::whole;
  // A declared length over the limit fails before a byte of the body is read.
  if (auto n = parser_.content_length(); n && limits_.whole_body && *n > limits_.whole_body)
    failed(errc::response_too_large,
           "the body of " + std::to_string(*n) + " bytes exceeds max_response_bytes (" +
               std::to_string(limits_.whole_body) + ")");
}

void exchange::read_pieces(std::size_t size) {
  if (mode_ != body_mode::undecided) return;
  mode_ = body_mode::pieces;
  piece_size_ = std::clamp<std::size_t>(size, 1, piece_size);
  if (gzip_) failed(errc::bad_response, "unexpected content-encoding");
}

std::string_view exchange::header(std::string_view name) const {
  const auto& h = parser_.get();
  auto it = h.find(name);
  return it == h.end() ? std::string_view{} : std::string_view(it->value());
}

// Every value goes through header_values: strict, range-checked, waits clamped.
void exchange::read_diagnostics(diagnostics& diag) const {
  const auto& f = parser_.get();
  diag.http_status = response_.status;
  if (auto it = f.find("X-Generation-Id"); it != f.end()) diag.generation_id = std::string(it->value());
  const auto now = std::chrono::system_clock::now();
  if (auto it = f.find(http::field::retry_after); it != f.end()) diag.retry_after = parse_retry_after(it->value(), now);
  auto value = [&](const char* name) -> std::optional<std::string_view> {
    auto it = f.find(name);
    if (it == f.end()) return std::nullopt;
    return std::string_view(it->value());
  };
  if (auto v = value("X-RateLimit-Limit")) diag.rate_limit_limit = parse_header_integer(*v);
  if (auto v = value("X-RateLimit-Remaining")) diag.rate_limit_remaining = parse_header_integer(*v);
  if (auto v = value("X-RateLimit-Reset")) diag.rate_limit_reset = parse_rate_limit_reset(*v, now);
}

bool exchange::reusable() const noexcept {
  // Bytes after the response are not ours to explain: the connection is not trusted again.
  return done_ && !error_ && !eof_ && parser_.keep_alive() && in_.size() == 0;
}

exchange::action exchange::next() {
  if (error_) return action::failed;
  if (done_) return action::done;
  if (!written_) return action::write;
  return parse();
}

exchange::action exchange::parse() {
  error_code e;
  if (!parser_.is_header_done()) {
    phase_ = phase::head;
    while (in_.size() > 0 && !parser_.is_header_done()) {
      std::size_t used = parser_.put(in_.data(), e);
      in_.consume(used);
      if (e == http::error::need_more) break;
      if (e) return failed(parse_failure(e), parse_detail(e));
      if (used == 0) break;
    }
    if (!parser_.is_header_done()) return action::read;
    const auto& h = parser_.get();
    response_.status = h.result_int();
    if (auto it = h.find(http::field::content_type); it != h.end()) response_.content_type = std::string(it->value());
    if (auto it = h.find(http::field::content_encoding); it != h.end()) {
      if (!limits_.accept_gzip || !beast::iequals(it->value(), "gzip"))
        return failed(errc::bad_response, "unexpected content-encoding");
      gzip_ = true;
    }
    parser_.eager(true);  // from here one put() parses every body piece the buffer holds
    phase_ = phase::body;
    headers_seen_ = true;
    return action::headers;
  }
  if (mode_ == body_mode::undecided) {
    read_whole();
    if (error_) return action::failed;
  }
  auto& b = parser_.get().body();
  if (mode_ == body_mode::pieces) {
    piece_ = {};
    if (parser_.is_done()) return finish_body();
    b.data = piece_scratch;
    b.size = piece_size_;
    // Bytes already received (one TLS read brings many HTTP chunks) are parsed without I/O;
    // a read is asked for only when they do not complete a piece of body.
    while (in_.size() > 0 && b.size > 0 && !parser_.is_done()) {
      std::size_t used = parser_.put(in_.data(), e);
      in_.consume(used);
      if (e == http::error::need_more || e == http::error::need_buffer) break;
      if (e) return failed(parse_failure(e), parse_detail(e));
      if (used == 0) break;
    }
    std::size_t n = piece_size_ - b.size;
    if (n > 0) {
      body_bytes_ += n;
      // A stream's whole body is bounded too (a server that never ends one): nothing past the
      // limit is handed out; the pieces before it were.
      if (limits_.streamed_body && body_bytes_ > limits_.streamed_body)
        return failed(errc::response_too_large,
                      "the stream exceeded max_stream_bytes (" + std::to_string(limits_.streamed_body) + " bytes)");
      piece_ = std::string_view(piece_scratch, n);
      return action::piece;
    }
    if (parser_.is_done()) return finish_body();
    return action::read;
  }
  // Whole: straight from the read buffer into the body string, at most what is buffered.
  std::string& body = response_.body;
  while (!parser_.is_done() && in_.size() > 0) {
    // Never more than one byte past the limit is kept.
    const std::size_t old = body.size();
    const std::size_t room = limits_.whole_body ? std::min(in_.size(), limits_.whole_body + 1 - old) : in_.size();
    body.resize(old + room);
    b.data = body.data() + old;
    b.size = room;
    std::size_t used = parser_.put(in_.data(), e);
    in_.consume(used);
    body.resize(old + (room - b.size));
    body_bytes_ = body.size();
    if (limits_.whole_body && body.size() > limits_.whole_body)
      return failed(errc::response_too_large,
                    "the body exceeded max_response_bytes (" + std::to_string(limits_.whole_body) + " bytes)");
    if (e == http::error::need_more || e == http::error::need_buffer) break;
    if (e) return failed(parse_failure(e), parse_detail(e));
    if (used == 0) break;
  }
  if (parser_.is_done()) return finish_body();
  return action::read;
}

exchange::action exchange::finish_body() {
  if (gzip_ && mode_ == body_mode::whole) {
    std::string plain;
    error_code ec;
    gunzip(response_.body, limits_.whole_body ? limits_.whole_body : std::string::npos, plain, ec);
    if (ec) {
      error_ = ec;
      return action::failed;
    }
    response_.body = std::move(plain);
  }
  done_ = true;
  return action::done;
}

}  // namespace openrouter::detail
