#include "exchange_runner.hpp"

#include "../detail/cancel.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace openrouter::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

deadlines deadlines::start(const timeouts& t) {
  return {t.total.count() > 0 ? clock::now() + t.total : clock::time_point::max()};
}

clock::time_point deadlines::phase(std::chrono::milliseconds p, bool& total_binds) const {
  auto now = clock::now();
  // Compared in milliseconds: a phase of years must not overflow the clock's nanoseconds.
  auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(total - now) > p ? now + p : total;
  total_binds = limit == total;
  return limit;
}

error_code map_io_error(const error_code& ec, bool total_binds, errc phase_timeout) {
  if (!ec || ec.category() == category()) return ec;
  if (ec == asio::error::operation_aborted) return ec;  // the caller cancelled
  if (ec == beast::error::timeout) return make_error_code(total_binds ? errc::total_timeout : phase_timeout);
  if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return make_error_code(errc::response_too_large);
  if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) return make_error_code(errc::connection_reset);
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
      ec == asio::ssl::error::stream_truncated)
    return make_error_code(errc::connection_closed);
  if (ec.category() == make_error_code(http::error::bad_version).category()) return make_error_code(errc::bad_response);
  return make_error_code(errc::connection_reset);
}

namespace {

// diag.detail of a failed write or read on `c`: the phase, the peer, the system's reason (`e`).
std::string io_detail(const char* what, connection& c, const error_code& e, const error_code& ec) {
  std::string d = what + c.peer() + ": ";
  if (const std::string protocol = c.failure_detail(); !protocol.empty())  // an HTTP/2 stream's RST or GOAWAY
    d += ec.message() + ": " + protocol;
  else if (ec == errc::headers_timeout || ec == errc::read_timeout || ec == errc::total_timeout)
    d += ec.message();
  else if (ec == errc::connection_closed)
    d += "the server closed the connection";
  else
    d += system_reason(e);
  return d;
}

// A plain-HTTP request aimed at a TLS port: the server answers with a TLS alert or hangs up.
void tls_port_hint(connection& c, const error_code& ec, diagnostics& diag) {
  if (c.is_tls() || (ec != errc::connection_closed && ec != errc::connection_reset && ec != errc::bad_response)) return;
  auto data = c.buffer().data();
  const auto* first = static_cast<const unsigned char*>(data.data());
  bool tls_record = data.size() >= 2 && (first[0] == 0x15 || first[0] == 0x16) && first[1] == 0x03;
  if (tls_record || data.size() == 0)
    diag.detail += std::string(tls_record ? "; the answer is a TLS record" : "") +
                   "; hint: the server may speak TLS on this port (an https:// base URL?)";
}

}  // namespace

asio::awaitable<exchange::action> drive(connection& c, exchange& x, const deadlines& dl, const phase_timeouts& t,
                                        diagnostics& diag) {
  bool armed = false;
  for (;;) {
    const exchange::action a = x.next();
    if (a != exchange::action::write && a != exchange::action::read) {
      if (armed) c.expires_never();
      if (a == exchange::action::failed && !x.detail().empty()) {  // the exchange's own verdict
        diag.detail = x.error() == errc::bad_response ? "read from " + c.peer() + ": " + x.detail() : x.detail();
        if (x.current_phase() == exchange::phase::head) tls_port_hint(c, x.error(), diag);
      }
      co_return a;
    }
    error_code ec;
    if (cancelled(co_await asio::this_coro::cancellation_state, ec)) {
      x.fail(ec);
      continue;
    }
    const exchange::phase ph = x.current_phase();
    const auto limit = ph == exchange::phase::request ? t.request : ph == exchange::phase::head ? t.head : t.body;
    bool total_binds = false;
    c.expires_at(dl.phase(limit, total_binds));
    armed = true;
    total_binds = total_binds || t.total_only;
    const errc timeout = ph == exchange::phase::head ? errc::headers_timeout : errc::read_timeout;
    error_code e;
    if (a == exchange::action::write) {
      auto bufs = x.request();
      asio::awaitable<std::size_t> op =
          c.visit([&](auto& s) { return asio::async_write(s, bufs, asio::redirect_error(asio::use_awaitable, e)); });
      co_await std::move(op);
      if (!e) {
        x.written();
        continue;
      }
      ec = map_io_error(e, total_binds, timeout);
      x.fail(ec);
      if (ec.category() == category()) diag.detail = io_detail("write to ", c, e, ec);
      continue;
    }
    read_buffer& in = x.buffer();
    c.prepare_read();
    if (in.size() >= in.max_size()) {  // a head line, chunk-size line or trailer that never ends
      x.fail(make_error_code(errc::response_too_large),
             "a line of the response exceeds " + std::to_string(in.max_size()) + " bytes");
      continue;
    }
    // As Beast's reads: the buffer's free capacity, at least 512 bytes, within its maximum.
    const std::size_t room =
        std::min(std::max<std::size_t>(512, in.capacity() - in.size()), in.max_size() - in.size());
    asio::mutable_buffer space;
    try {
      space = in.prepare(room);
    } catch (const std::exception&) {
      x.fail(make_error_code(errc::out_of_resources), "no memory for the read buffer");
      continue;
    }
    asio::awaitable<std::size_t> op =
        c.visit([&](auto& s) { return s.async_read_some(space, asio::redirect_error(asio::use_awaitable, e)); });
    in.commit(co_await std::move(op));
    if (!e) continue;
    if (e == asio::error::eof) x.eof();  // ends a body delimited by the close; else incomplete
    else x.fail(map_io_error(e, total_binds, timeout));
    if (x.error() && x.error().category() == category()) {
      diag.detail = io_detail("read from ", c, e, x.error());
      if (ph == exchange::phase::head) tls_port_hint(c, x.error(), diag);
    }
  }
}

}  // namespace openrouter::detail
