#include "transport.hpp"

#include "../detail/cancel.hpp"

#include <openrouter/version.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace openrouter::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

namespace {

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Whether connections to cfg's base URL may speak HTTP/2: https:// unless HTTP/1.1 is asked
// for (ALPN decides), http:// only when HTTP/2 is (h2c with prior knowledge).
bool h2_possible(const client_config& cfg) {
  const bool tls = cfg.base_url.rfind("https://", 0) == 0 || cfg.base_url.rfind("HTTPS://", 0) == 0;
  if (cfg.http_version == http_version::http1) return false;
  return tls || cfg.http_version == http_version::http2;
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (beast::iequals(host, "localhost")) return true;
  error_code e;
  auto a = asio::ip::make_address(std::string(host), e);
  if (e) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a.is_loopback();  // 127.0.0.0/8, ::1
}

transport::transport(const asio::any_io_executor& ex, const client_config& cfg)
    : executor_(ex), cfg_(cfg), pool_(cfg.pool, h2_possible(cfg), cfg.http2.max_streams_per_connection) {
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
    if (h2_possible(cfg_)) {  // ALPN: the server picks h2 or HTTP/1.1
      static constexpr unsigned char protos[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
      SSL_CTX_set_alpn_protos(ssl_->native_handle(), protos, sizeof protos);
    }
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
  out += "Accept: ";
  out += !req.accept.empty() ? req.accept : req.event_stream ? std::string_view("text/event-stream") : "application/json";
  out += "\r\n";
  if (req.accept_gzip) out += "Accept-Encoding: gzip\r\n";
  if (!req.body.empty() || req.method == http::verb::post) {
    out += "Content-Type: ";
    out += req.content_type.empty() ? std::string_view("application/json") : std::string_view(req.content_type);
    out += "\r\nContent-Length: ";
    out += std::to_string(req.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

exchange::limits transport::limits_for(const http_request& req) const noexcept {
  exchange::limits l;
  l.whole_body = cfg_.max_response_bytes;
  l.streamed_body = cfg_.max_stream_bytes;
  l.accept_gzip = req.accept_gzip;
  return l;
}

phase_timeouts transport::phases() const noexcept {
  return {cfg_.timeout.read_idle, cfg_.timeout.response_headers, cfg_.timeout.read_idle};
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
    if (speaks_h2(*conn)) {
      auto s = start_h2(std::move(conn), diag, ec);
      if (!s) {
        pool_.release_slot(origin_);
        break;
      }
      pool_.add_h2(origin_, std::move(s), false, false);
    } else {
      pool_.release(origin_, std::move(conn), true);
    }
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
  if (cancelled(co_await asio::this_coro::cancellation_state, ec)) co_return acquired{};
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
    pool_.release_slot(origin_, lease.probe);
    co_return acquired{};
  }
  if (speaks_h2(*conn)) {
    auto s = start_h2(std::move(conn), diag, ec);
    if (!s) {
      pool_.release_slot(origin_, lease.probe);
      co_return acquired{};
    }
    co_return acquired{pool_.add_h2(origin_, std::move(s), lease.probe), false};
  }
  if (lease.probe) pool_.settle_h1(origin_, true);
  co_return acquired{std::move(conn), false};
}

bool transport::speaks_h2(connection& c) const noexcept {
  return c.is_tls() ? cfg_.http_version != http_version::http1 && c.alpn_h2()
                    : cfg_.http_version == http_version::http2;
}

std::shared_ptr<h2::session> transport::start_h2(std::unique_ptr<connection> c, diagnostics& diag, error_code& ec) {
  try {
    h2::session::options o;
    o.settings = cfg_.http2;
    o.tls = origin_.tls;
    o.idle_timeout = cfg_.pool.idle_timeout;
    return h2::session::start(executor_, std::move(c), o, pool_.h2_listener(origin_));
  } catch (const std::exception&) {
    diag.detail = "no memory for an HTTP/2 session";
    ec = make_error_code(errc::out_of_resources);
    return nullptr;
  }
}

bool transport::resend_after(const error_code& ec, bool reused, bool write_failed, std::unique_ptr<connection>& conn) {
  if (ec && ec != asio::error::operation_aborted && conn && conn->unprocessed()) {
    // An HTTP/2 stream the server refused unprocessed (RST_STREAM(REFUSED_STREAM), or above a
    // GOAWAY's last stream id): sending it again cannot do the work twice.
    pool_.release(origin_, std::move(conn), false);
    pool_.count_resend();
    pool_.count_h2_refused_resend();
    log(logger::level::info, "HTTP/2 stream to " + origin_.key() + " refused unprocessed; sending it once more");
    return true;
  }
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
  bool fresh = false;
  for (int attempt = 0;; ++attempt) {
    auto got = co_await acquire(dl, fresh, diag, ec);
    if (ec) co_return http_response{};
    exchange x(head(req), req.body, got.conn->buffer(), limits_for(req));
    auto a = co_await drive(*got.conn, x, dl, phases(), diag);
    if (a == exchange::action::headers) {
      x.read_diagnostics(diag);
      a = co_await drive(*got.conn, x, dl, phases(), diag);  // the body, whole
    }
    diag.request_sent = x.request_written() && !got.conn->unprocessed();
    ec = x.error();
    if (attempt == 0 && resend_after(ec, got.reused, !x.request_written(), got.conn)) {
      fresh = true;
      continue;
    }
    pool_.release(origin_, std::move(got.conn), a == exchange::action::done && x.reusable());
    co_return std::move(x.response());
  }
}

asio::awaitable<void> transport::open_stream(const http_request& req, const deadlines& dl, diagnostics& diag,
                                             error_code& ec, http_response& out, stream_lease& lease) {
  bool fresh = false;
  for (int attempt = 0;; ++attempt) {
    out = {};
    auto got = co_await acquire(dl, fresh, diag, ec);
    if (ec) co_return;
    auto x = std::make_unique<exchange>(head(req), req.body, got.conn->buffer(), limits_for(req));
    auto a = co_await drive(*got.conn, *x, dl, phases(), diag);
    diag.request_sent = x->request_written() && !got.conn->unprocessed();
    ec = x->error();
    if (attempt == 0 && resend_after(ec, got.reused, !x->request_written(), got.conn)) {
      fresh = true;
      continue;
    }
    if (a == exchange::action::headers) {
      x->read_diagnostics(diag);
      out.status = x->response().status;
      out.content_type = x->response().content_type;
      bool ok = out.status >= 200 && out.status <= 299;
      if (ok && out.content_type.find("text/event-stream") != std::string::npos) {
        lease.conn = std::move(got.conn);
        lease.x = std::move(x);
        co_return;
      }
      // Not a stream: read the (error) body whole, bounded.
      a = co_await drive(*got.conn, *x, dl, phases(), diag);
      ec = x->error();
      out.body = std::move(x->response().body);
    }
    pool_.release(origin_, std::move(got.conn), a == exchange::action::done && x->reusable());
    co_return;
  }
}

void transport::release(std::unique_ptr<connection> c, bool reusable) {
  if (!reusable && c) c->close();
  pool_.release(origin_, std::move(c), reusable);
}

}  // namespace openrouter::detail
