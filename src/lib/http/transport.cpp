#include "transport.hpp"

#include "gzip.hpp"
#include "header_values.hpp"

#include "../detail/cancel.hpp"

#include <openrouter/version.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/buffer_body.hpp>

#include <array>
#include <stdexcept>

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
  auto limit = total - now > p ? now + p : total;
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

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (beast::iequals(host, "localhost")) return true;
  error_code e;
  auto a = asio::ip::make_address(std::string(host), e);
  if (e) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a.is_loopback();  // 127.0.0.0/8, ::1
}

namespace {

// Every value goes through header_values: strict, range-checked, waits clamped.
template <class Fields>
void read_diagnostic_headers(const Fields& f, diagnostics& diag) {
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

}  // namespace

transport::transport(const asio::any_io_executor& ex, const client_config& cfg)
    : executor_(ex), cfg_(cfg), pool_(cfg.pool) {
  error_code ec;
  origin_ = parse_origin(cfg_.base_url, ec);
  if (ec) throw std::invalid_argument("openrouter: unusable base URL (expected http(s)://host[:port]/path)");
  for (const auto& [k, v] : cfg_.extra_headers)
    if (has_crlf(k) || has_crlf(v) || k.empty()) throw std::invalid_argument("openrouter: invalid extra header");
  if (has_crlf(cfg_.api_key) || has_crlf(cfg_.management_key) || has_crlf(cfg_.site_url) || has_crlf(cfg_.app_name) || has_crlf(cfg_.user_agent))
    throw std::invalid_argument("openrouter: header values must not contain CR or LF");

  if (!origin_.tls && (!cfg_.api_key.empty() || !cfg_.management_key.empty()) && !cfg_.allow_plaintext_key && !is_loopback_host(origin_.host))
    throw std::invalid_argument("openrouter: refusing to send the API key in clear text to http://" + origin_.host +
                                " (not a loopback host); use https://, or opt in with "
                                "client_config::allow_plaintext_key (CLI: --allow-plaintext-key)");
  std::string proxy_error;
  proxy_ = select_proxy(cfg_.proxy, origin_, process_env(), proxy_error);
  if (!proxy_error.empty()) throw std::invalid_argument("openrouter: unusable proxy setting (" + proxy_error + ")");
  if (origin_.tls) {
    ssl_.emplace(make_tls_context(cfg_.tls));
    if (cfg_.tls.session_resumption) sessions_.install(ssl_->native_handle());
  }

  auto headers = [&](const std::string& key) {
    std::string h = "Host: " + origin_.host_header + "\r\n";
    if (!key.empty()) h += "Authorization: Bearer " + key + "\r\n";
    h += "User-Agent: " + (cfg_.user_agent.empty() ? std::string(user_agent()) : cfg_.user_agent) + "\r\n";
    if (!cfg_.site_url.empty()) h += "HTTP-Referer: " + cfg_.site_url + "\r\n";
    if (!cfg_.app_name.empty()) {
      h += "X-OpenRouter-Title: " + cfg_.app_name + "\r\n";
      if (cfg_.send_legacy_title) h += "X-Title: " + cfg_.app_name + "\r\n";
    }
    for (const auto& [k, v] : cfg_.extra_headers) h += k + ": " + v + "\r\n";
    return h;
  };
  fixed_headers_ = headers(cfg_.api_key);
  management_headers_ = cfg_.management_key.empty() ? fixed_headers_ : headers(cfg_.management_key);
}

void transport::log(logger::level lvl, const std::string& msg) const {
  // Messages name the origin and the error, never headers or bodies (the key lives there).
  if (cfg_.log.sink && lvl >= cfg_.log.min_level) cfg_.log.sink(lvl, msg);
}

std::string transport::head(const http_request& req) const {
  std::string out;
  const std::string& fixed = req.management ? management_headers_ : fixed_headers_;
  out.reserve(256 + fixed.size());
  out += http::to_string(req.method);
  out += ' ';
  out += origin_.base_path;
  out += req.target;
  out += " HTTP/1.1\r\n";
  out += fixed;
  out += req.event_stream ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n";
  if (req.accept_gzip) out += "Accept-Encoding: gzip\r\n";
  if (!req.body.empty() || req.method == http::verb::post) {
    out += "Content-Type: application/json\r\nContent-Length: ";
    out += std::to_string(req.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

template <class Stream>
asio::awaitable<void> transport::write_request(Stream& s, connection& c, const http_request& req, const deadlines& dl,
                                               diagnostics& diag, error_code& ec) {
  ec = {};
  bool total_binds = false;
  error_code e;
  if (co_await cancel_requested(ec)) co_return;
  std::string h = head(req);
  std::array<asio::const_buffer, 2> bufs{asio::buffer(h), asio::buffer(req.body)};
  c.tcp().expires_at(dl.phase(cfg_.timeout.read_idle, total_binds));
  co_await asio::async_write(s, bufs, asio::redirect_error(asio::use_awaitable, e));
  if (e) ec = map_io_error(e, total_binds, errc::read_timeout);
  if (e && ec.category() == category()) io_detail("write to ", c, e, ec, false, diag);
}

void transport::io_detail(const char* phase, connection& c, const error_code& e, const error_code& ec, bool headers,
                          diagnostics& diag) const {
  if (ec == errc::response_too_large) return;
  std::string d = phase + c.peer() + ": ";
  if (ec == errc::headers_timeout || ec == errc::read_timeout || ec == errc::total_timeout)
    d += ec.message();
  else if (ec == errc::connection_closed)
    d += "the server closed the connection";
  else
    d += system_reason(e);
  // http:// aimed at a TLS port: the server answers the request with a TLS alert or hangs up.
  if (headers && !origin_.tls &&
      (ec == errc::connection_closed || ec == errc::connection_reset || ec == errc::bad_response)) {
    auto data = c.buffer().data();
    const auto* first = static_cast<const unsigned char*>(data.data());
    bool tls_record = data.size() >= 2 && (first[0] == 0x15 || first[0] == 0x16) && first[1] == 0x03;
    if (tls_record || data.size() == 0)
      d += std::string(tls_record ? "; the answer is a TLS record" : "") +
           "; hint: the server may speak TLS on this port (an https:// base URL?)";
  }
  diag.detail = std::move(d);
}

template <class Stream>
asio::awaitable<void> transport::exchange(Stream& s, connection& c, const http_request& req, const deadlines& dl,
                                          http_response& out, diagnostics& diag, error_code& ec, bool& write_failed,
                                          bool& keep_alive) {
  co_await write_request(s, c, req, dl, diag, ec);
  write_failed = static_cast<bool>(ec);
  diag.request_sent = !ec;
  if (ec) co_return;
  bool total_binds = false;
  error_code e;

  http::response_parser<http::string_body> parser;
  parser.body_limit(cfg_.max_response_bytes);
  parser.header_limit(64 * 1024);
  if (co_await cancel_requested(ec)) co_return;
  c.tcp().expires_at(dl.phase(cfg_.timeout.response_headers, total_binds));
  co_await http::async_read_header(s, c.buffer(), parser, asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    ec = map_io_error(e, total_binds, errc::headers_timeout);
    if (ec.category() == category()) io_detail("read from ", c, e, ec, true, diag);
    co_return;
  }
  while (!parser.is_done()) {
    if (co_await cancel_requested(ec)) co_return;
    c.tcp().expires_at(dl.phase(cfg_.timeout.read_idle, total_binds));
    c.prepare_read();
    co_await http::async_read_some(s, c.buffer(), parser, asio::redirect_error(asio::use_awaitable, e));
    if (e) {
      ec = map_io_error(e, total_binds, errc::read_timeout);
      if (ec.category() == category()) io_detail("read from ", c, e, ec, false, diag);
      co_return;
    }
  }
  c.tcp().expires_never();
  auto& res = parser.get();
  out.status = res.result_int();
  diag.http_status = out.status;
  if (auto it = res.find(http::field::content_type); it != res.end()) out.content_type = std::string(it->value());
  read_diagnostic_headers(res, diag);
  keep_alive = res.keep_alive();
  out.body = std::move(res.body());
  if (auto it = res.find(http::field::content_encoding); it != res.end()) {
    if (!req.accept_gzip || !beast::iequals(it->value(), "gzip")) {
      ec = make_error_code(errc::bad_response);  // an encoding we did not ask for
      diag.detail = "unexpected content-encoding";
      co_return;
    }
    std::string plain;
    gunzip(out.body, cfg_.max_response_bytes, plain, ec);
    if (ec) co_return;
    out.body = std::move(plain);
  }
}

asio::awaitable<std::size_t> transport::warmup(std::size_t n, const deadlines& dl, diagnostics& diag,
                                               error_code& ec) {
  ec = {};
  std::size_t opened = 0;
  while (opened < n && pool_.try_reserve(origin_)) {
    bool total_binds = false;
    auto conn = connection::create(executor_, origin_, ssl_ ? &*ssl_ : nullptr, diag, ec);
    if (conn) co_await connect(*conn, dl.phase(cfg_.timeout.connect, total_binds), diag, ec);
    pool_.count_connect(!ec, origin_.tls, !ec && conn->resumed());
    if (ec) {
      pool_.release_slot(origin_);
      break;
    }
    pool_.release(origin_, std::move(conn), true);
    ++opened;
  }
  co_return opened;
}

asio::awaitable<void> transport::connect(connection& c, clock::time_point deadline, diagnostics& diag,
                                         error_code& ec) {
  co_await c.connect(origin_, deadline, diag, ec, nullptr, proxy_ ? &*proxy_ : nullptr);
  if (!ec || ec == asio::error::operation_aborted) co_return;
  // Without a base URL of their own, users reach openrouter.ai; a failure to reach it often
  // means they meant a local server.
  if (cfg_.base_url == client_config{}.base_url && !proxy_)
    diag.detail += std::string(diag.detail.empty() ? "" : "; ") + "the default base URL " + cfg_.base_url +
                   " is in use (another server: client_config::base_url, CLI --base-url, OPENROUTER_BASE_URL)";
}

asio::awaitable<transport::acquired> transport::acquire(const deadlines& dl, bool fresh, diagnostics& diag,
                                                       error_code& ec) {
  ec = {};
  bool total_binds = false;
  if (co_await cancel_requested(ec)) co_return acquired{};
  auto lease = co_await pool_.acquire(origin_, dl.phase(cfg_.pool.acquire_timeout, total_binds), fresh, ec);
  if (ec) {
    if (ec == make_error_code(errc::pool_timeout)) {
      log(logger::level::warning, "no free connection to " + origin_.key() + " within the acquire timeout");
      if (total_binds) ec = make_error_code(errc::total_timeout);
    }
    co_return acquired{};
  }
  if (lease.conn) co_return acquired{std::move(lease.conn), true};
  // The slot is ours until the connection is: every failure below gives it back.
  auto conn = connection::create(executor_, origin_, ssl_ ? &*ssl_ : nullptr, diag, ec);
  if (conn) co_await connect(*conn, dl.phase(cfg_.timeout.connect, total_binds), diag, ec);
  pool_.count_connect(!ec, origin_.tls, !ec && conn->resumed());
  if (ec) {
    log(logger::level::warning, "connect to " + origin_.key() + " failed: " + ec.message() +
                                    (diag.detail.empty() ? "" : " (" + diag.detail + ")"));
    if (ec == make_error_code(errc::connect_timeout) && total_binds) ec = make_error_code(errc::total_timeout);
    pool_.release_slot(origin_);
    co_return acquired{};
  }
  co_return acquired{std::move(conn), false};
}

bool transport::resend_after(const error_code& ec, bool reused, bool write_failed, std::unique_ptr<connection>& conn) {
  if (!ec || !reused || !write_failed || ec == asio::error::operation_aborted ||
      (ec != make_error_code(errc::connection_closed) && ec != make_error_code(errc::connection_reset)))
    return false;
  // Writing the request failed on a keep-alive connection the server had closed while it was
  // parked: the server never got the whole request, so it cannot have acted on it, and
  // sending it again on a new connection is safe. Once written, a request is never re-sent
  // here (the server may have done, and billed, the work): that failure goes to the caller.
  pool_.release(origin_, std::move(conn), false);
  pool_.count_resend();
  log(logger::level::info, "keep-alive connection to " + origin_.key() + " was closed by the server (" +
                               ec.message() + ") before the request was written; sending it on a new connection");
  return true;
}

asio::awaitable<http_response> transport::execute(const http_request& req, const deadlines& dl, diagnostics& diag,
                                                  error_code& ec) {
  http_response out;
  bool fresh = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto got = co_await acquire(dl, fresh, diag, ec);
    if (ec) co_return out;
    bool write_failed = false, keep_alive = false;
    co_await got.conn->visit(
        [&](auto& s) { return exchange(s, *got.conn, req, dl, out, diag, ec, write_failed, keep_alive); });
    if (attempt == 0 && resend_after(ec, got.reused, write_failed, got.conn)) {
      fresh = true;
      continue;
    }
    pool_.release(origin_, std::move(got.conn), !ec && keep_alive);
    co_return out;
  }
  co_return out;
}

template <class Stream>
asio::awaitable<void> transport::stream_exchange(Stream& s, connection& c, const http_request& req, const deadlines& dl,
                                                 http_response& out, stream_lease& lease, diagnostics& diag,
                                                 error_code& ec, bool& write_failed) {
  co_await write_request(s, c, req, dl, diag, ec);
  write_failed = static_cast<bool>(ec);
  diag.request_sent = !ec;
  if (ec) co_return;
  bool total_binds = false;
  error_code e;
  auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
  parser->body_limit(boost::none);  // the stream reader bounds a stream (max_stream_bytes)
  parser->header_limit(64 * 1024);
  if (co_await cancel_requested(ec)) co_return;
  c.tcp().expires_at(dl.phase(cfg_.timeout.response_headers, total_binds));
  co_await http::async_read_header(s, c.buffer(), *parser, asio::redirect_error(asio::use_awaitable, e));
  if (e) {
    ec = map_io_error(e, total_binds, errc::headers_timeout);
    if (ec.category() == category()) io_detail("read from ", c, e, ec, true, diag);
    co_return;
  }
  auto& res = parser->get();
  out.status = res.result_int();
  diag.http_status = out.status;
  if (auto it = res.find(http::field::content_type); it != res.end()) out.content_type = std::string(it->value());
  read_diagnostic_headers(res, diag);
  lease.keep_alive = res.keep_alive();
  bool ok = out.status >= 200 && out.status <= 299;
  bool sse = out.content_type.find("text/event-stream") != std::string::npos;
  if (res.find(http::field::content_encoding) != res.end()) {
    ec = make_error_code(errc::bad_response);  // we never ask for an encoding here
    diag.detail = "unexpected content-encoding";
    co_return;
  }
  if (ok && sse) {
    c.tcp().expires_never();
    lease.parser = std::move(parser);
    co_return;
  }
  // Not a stream: read the (error) body whole, bounded.
  std::array<char, 8192> buf;
  while (!parser->is_done()) {
    parser->get().body().data = buf.data();
    parser->get().body().size = buf.size();
    if (co_await cancel_requested(ec)) co_return;
    c.tcp().expires_at(dl.phase(cfg_.timeout.read_idle, total_binds));
    c.prepare_read();
    co_await http::async_read_some(s, c.buffer(), *parser, asio::redirect_error(asio::use_awaitable, e));
    if (e == http::error::need_buffer) e = {};
    if (e) {
      ec = map_io_error(e, total_binds, errc::read_timeout);
      if (ec.category() == category()) io_detail("read from ", c, e, ec, false, diag);
      co_return;
    }
    out.body.append(buf.data(), buf.size() - parser->get().body().size);
    if (out.body.size() > cfg_.max_response_bytes) {
      ec = make_error_code(errc::response_too_large);
      co_return;
    }
  }
  c.tcp().expires_never();
}

asio::awaitable<void> transport::open_stream(const http_request& req, const deadlines& dl, diagnostics& diag,
                                             error_code& ec, http_response& out, stream_lease& lease) {
  bool fresh = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    out = {};
    auto got = co_await acquire(dl, fresh, diag, ec);
    if (ec) co_return;
    bool write_failed = false;
    co_await got.conn->visit(
        [&](auto& s) { return stream_exchange(s, *got.conn, req, dl, out, lease, diag, ec, write_failed); });
    if (attempt == 0 && resend_after(ec, got.reused, write_failed, got.conn)) {
      fresh = true;
      continue;
    }
    if (!ec && lease.parser) {
      lease.conn = std::move(got.conn);
      co_return;
    }
    pool_.release(origin_, std::move(got.conn), !ec && lease.keep_alive);
    co_return;
  }
}

void transport::release(std::unique_ptr<connection> c, bool reusable) {
  if (!reusable && c) c->close();
  pool_.release(origin_, std::move(c), reusable);
}

}  // namespace openrouter::detail
