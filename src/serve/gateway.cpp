// The gateway's I/O: accept loop, HTTP/1.1 keep-alive connections (one coroutine each, on a
// strand), the routes, and the forwarding of routed answers and streams to the caller.
#include "gateway.hpp"
#include <openrouter/wire/output.hpp>

#include "access_log.hpp"
#include "console.hpp"
#include "metrics.hpp"
#include "skill_routes.hpp"

#include <tls/server_tls.hpp>

#include <openrouter/router.hpp>
#include <openrouter/routing/breaker.hpp>
#include <openrouter/routing/classify.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/models.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openrouter/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/serialize.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <array>
#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <unordered_map>

namespace openrouter::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view chat_route = "/api/v1/chat/completions";
constexpr std::string_view models_route = "/api/v1/models";
constexpr std::size_t max_routers = 4096;  // distinct candidate lists (one router each)

// Counts a request being served (chat, models) for the in-flight gauge while it lives.
struct in_flight_guard {
  metrics& m;
  explicit in_flight_guard(metrics& mm) : m(mm) { ++m.in_flight; }
  ~in_flight_guard() { --m.in_flight; }
  in_flight_guard(const in_flight_guard&) = delete;
  in_flight_guard& operator=(const in_flight_guard&) = delete;
};

// The reason phrase of a status line (Beast's table; codes it does not know get "Status").
std::string_view reason(unsigned status) {
  auto r = http::obsolete_reason(static_cast<http::status>(status));
  return r == "<unknown-status>" ? std::string_view("Status") : std::string_view(r.data(), r.size());
}

/// An OpenRouter-style error body: {"error":{"code":N,"message":"..."}}.
std::string error_json(unsigned status, std::string_view message, std::string_view type = {}) {
  json::object err{{"code", status}, {"message", message}};
  if (!type.empty()) err["metadata"] = json::object{{"gateway_error", type}};
  return json::serialize(json::object{{"error", std::move(err)}});
}

bool is_loopback(const tcp::endpoint& ep) {
  auto a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a.is_loopback();
}

std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

double seconds(clock_type::duration d) { return std::chrono::duration<double>(d).count(); }

/// A caller's budget and rate state (one per token; one for loopback callers without tokens).
struct caller_state {
  const token_config* token = nullptr;  // null: a loopback caller without tokens
  std::string name;
  std::mutex mu;
  double spent = 0;
  double bucket = 0;  // requests_per_minute token bucket
  clock_type::time_point refilled{};

  bool budget_left() {
    if (!token || !token->budget_usd) return true;
    std::lock_guard lk(mu);
    return spent < *token->budget_usd;
  }
  void add_spend(double usd) {
    std::lock_guard lk(mu);
    spent += usd;
  }
  /// A request may start now (nullopt), else the seconds until it may.
  std::optional<double> take_rate_token(clock_type::time_point now) {
    if (!token || token->requests_per_minute <= 0) return std::nullopt;
    std::lock_guard lk(mu);
    const double cap = std::max(1.0, token->requests_per_minute);
    const double per_s = token->requests_per_minute / 60.0;
    if (refilled == clock_type::time_point{}) bucket = cap;
    else bucket = std::min(cap, bucket + seconds(now - refilled) * per_s);
    refilled = now;
    if (bucket >= 1) {
      bucket -= 1;
      return std::nullopt;
    }
    return (1 - bucket) / per_s;
  }
};

/// A caller's byte stream: plain TCP, or TLS over it (Asio's ssl::stream, as the mock serves
/// it). Deadlines are the TCP layer's (expires_after bounds the TLS layer's reads and writes
/// too). Asio's TLS stream takes one read beside one write: the disconnect watch of a TLS caller
/// reads while a response is written.
class caller_stream {
 public:
  using executor_type = beast::tcp_stream::executor_type;
  caller_stream(tcp::socket s, ssl::context* tls) {
    if (tls) tls_.emplace(beast::tcp_stream(std::move(s)), *tls);
    else plain_.emplace(std::move(s));
  }
  executor_type get_executor() { return lowest().get_executor(); }
  bool is_tls() const noexcept { return tls_.has_value(); }
  ssl::stream<beast::tcp_stream>& tls() { return *tls_; }
  beast::tcp_stream& lowest() { return tls_ ? tls_->next_layer() : *plain_; }
  tcp::socket& socket() { return lowest().socket(); }
  template <class Duration>
  void expires_after(Duration d) { lowest().expires_after(d); }
  void expires_never() { lowest().expires_never(); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& b, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& bufs) {
          if (tls_) tls_->async_read_some(bufs, std::move(handler));
          else plain_->async_read_some(bufs, std::move(handler));
        },
        token, b);
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& b, Token&& token) {
    return asio::async_initiate<Token, void(error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& bufs) {
          if (tls_) tls_->async_write_some(bufs, std::move(handler));
          else plain_->async_write_some(bufs, std::move(handler));
        },
        token, b);
  }

 private:
  std::optional<beast::tcp_stream> plain_;
  std::optional<ssl::stream<beast::tcp_stream>> tls_;
};

/// One caller connection: its stream (on its strand) and whether it waits for a request.
struct connection {
  connection(tcp::socket s, ssl::context* tls) : stream(std::move(s), tls) {}
  caller_stream stream;
  beast::flat_buffer buffer;
  bool idle = true;  // on the strand only
  bool loopback = false;
  std::string remote;
};

/// What one response did, for the access log and metrics.
struct exchange {
  std::string method, route;
  unsigned status = 0;
  caller_state* caller = nullptr;
  std::string model, served_by, outcome;
  bool stream = false;
  std::size_t attempts = 0;
  std::optional<double> cost, ttft_s;
  clock_type::time_point started = clock_type::now();
};

/// Status and message of a failed routed request, as the caller gets them.
std::pair<unsigned, std::string> upstream_error(error_code ec, const diagnostics& d) {
  std::string msg = !d.error.message.empty() ? d.error.message : d.summary(ec);
  if (ec.category() == category()) {
    switch (static_cast<errc>(ec.value())) {
      case errc::budget_exhausted: return {402, "the gateway's spend cap is reached"};
      case errc::invalid_argument: return {400, msg};
      case errc::remote_asset_not_allowed: return {400, msg};
      case errc::connect_timeout:
      case errc::headers_timeout:
      case errc::read_timeout:
      case errc::total_timeout:
      case errc::attempt_timeout: return {504, "upstream timed out (" + std::string(name(static_cast<errc>(ec.value()))) + ")"};
      default: break;
    }
  }
  unsigned s = d.http_status;
  if (s == 401 || (s == 403 && ec == make_error_code(errc::forbidden)))
    return {502, "upstream refused the gateway's credentials"};
  if (s >= 400 && s <= 599) return {s, msg};
  return {502, msg};  // transport, protocol, an error inside a 200, a stream cut before content
}

}  // namespace

struct gateway::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor e, client& up, gateway_options o)
      : ex(std::move(e)), upstream(up), opts(std::move(o)), acceptor(strand_for(ex)) {
    if (!opts.config.access_log.empty()) {
      try {
        log = std::make_unique<access_log>(opts.config.access_log, &m.access_log_dropped);
      } catch (const std::exception& e) {
        throw config_error(std::string("access_log: ") + e.what());
      }
    }
    for (const auto& t : opts.config.tokens) {
      auto c = std::make_unique<caller_state>();
      c->token = &t;
      c->name = t.name;
      by_hash.emplace(t.sha256_hex, c.get());
      callers.push_back(std::move(c));
    }
    loopback_caller.name = "loopback";
    key = upstream.config().api_key;
    check_tls_files(opts.config);
    if (!opts.config.cert_file.empty()) {
      // Unusable files fail here, at start-up, naming the field and the file.
      tls_ctx.emplace(ssl::context::tls_server);
      try {
        auto material = tls::load_tls_material(opts.config.cert_file, opts.config.key_file);
        tls::configure_server(*tls_ctx, material, "openrouter-serve", opts.config.cert_file, opts.config.key_file);
      } catch (const tls::material_error& e) {
        throw config_error(std::string(e.which == tls::material_error::part::key ? "key_file: " : "cert_file: ") +
                           e.what());
      }
    }
    // A policy the router refuses is refused now, not at the first request.
    routing::policy probe = opts.policy;
    probe.models = {"probe"};
    router check(upstream, probe);
  }

  asio::any_io_executor ex;
  client& upstream;
  gateway_options opts;
  std::optional<ssl::context> tls_ctx;  // set: HTTPS only
  tcp::acceptor acceptor;
  metrics m;
  std::unique_ptr<access_log> log;
  std::vector<std::unique_ptr<caller_state>> callers;
  std::unordered_map<std::string, caller_state*> by_hash;
  caller_state loopback_caller;
  std::string key;  // the OpenRouter key, only to scrub it from anything we send or log

  std::mutex routers_mu;
  std::map<std::vector<std::string>, std::unique_ptr<router>> routers;

  std::mutex catalog_mu;
  std::shared_ptr<const wire::models_page> catalog;
  std::string catalog_json;
  std::shared_ptr<const wire::models_page> skill_catalog;  // the page the skill's routes last served
  std::shared_ptr<const wire::provider_list> providers;    // the skill's /providers answer, cached
  clock_type::time_point providers_at{};

  std::atomic<bool> draining{false}, stopped{false};
  std::mutex conns_mu;
  std::uint64_t next_conn = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<connection>> conns;
  std::uint16_t bound_port = 0;

  std::string scrub(std::string s) const {
    if (key.size() >= 4)
      for (std::size_t pos; (pos = s.find(key)) != std::string::npos;) s.replace(pos, key.size(), "[redacted]");
    return s;
  }

  router* router_for(std::vector<std::string> candidates) {
    std::lock_guard lk(routers_mu);
    auto it = routers.find(candidates);
    if (it != routers.end()) return it->second.get();
    if (routers.size() >= max_routers) return nullptr;
    routing::policy p = opts.policy;
    p.models = candidates;
    router_hooks hooks;
    hooks.on_attempt = [this](const routing::attempt_record& a) {
      m.attempt(a.model, a.cls == routing::error_class::none ? "success" : routing::to_string(a.cls));
    };
    auto r = std::make_unique<router>(upstream, std::move(p), std::move(hooks));
    r->share(opts.shared);  // serve --redis: the replicas' shared limits
    return routers.emplace(std::move(candidates), std::move(r)).first->second.get();
  }

  std::string breaker_metrics() {
    // One gauge per model and state: the most severe state among the routers that know it.
    std::map<std::string, int> worst;  // 0 closed, 1 half_open, 2 open
    auto now = clock_type::now();
    {
      std::lock_guard lk(routers_mu);
      for (auto& [models, r] : routers)
        for (const auto& model : models) {
          auto s = r->health().state(model, now);
          int v = s == routing::breaker::state::open ? 2 : s == routing::breaker::state::half_open ? 1 : 0;
          auto [it, fresh] = worst.emplace(model, v);
          if (!fresh) it->second = std::max(it->second, v);
        }
    }
    std::string out =
        "# HELP openrouter_gateway_breaker_state Circuit breaker state per model (1 for the current state).\n"
        "# TYPE openrouter_gateway_breaker_state gauge\n";
    std::size_t n = 0;
    for (const auto& [model, v] : worst) {
      if (++n > metrics::max_models) break;
      for (int s = 0; s < 3; ++s)
        out += "openrouter_gateway_breaker_state{model=\"" + label_escape(model) + "\",state=\"" +
               (s == 0 ? "closed" : s == 1 ? "half_open" : "open") + "\"} " + (s == v ? "1" : "0") + "\n";
    }
    return out;
  }

  void log_exchange(const connection& c, const exchange& x) {
    m.response(x.route, x.status);
    if (!log) return;
    json::object o{{"time", iso_now()},
                   {"remote", c.remote},
                   {"method", x.method},
                   {"route", x.route},
                   {"status", x.status},
                   {"duration_us", std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - x.started).count()}};
    if (x.caller) o["caller"] = x.caller->name;
    if (!x.model.empty()) o["model"] = x.model;
    if (!x.served_by.empty()) o["served_by"] = x.served_by;
    if (x.route == chat_route || x.route == skill::chat_route) o["stream"] = x.stream;
    if (x.attempts) o["attempts"] = x.attempts;
    if (!x.outcome.empty()) o["outcome"] = x.outcome;
    if (x.cost) o["cost_usd"] = *x.cost;
    if (x.ttft_s) o["ttft_us"] = static_cast<std::int64_t>(std::llround(*x.ttft_s * 1e6));
    log->write(scrub(json::serialize(o)));
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
  static asio::awaitable<void> run_connection(std::shared_ptr<impl> self, std::shared_ptr<connection> c,
                                              std::uint64_t id);
  /// A TLS caller's handshake (or the 400 for plain HTTP); false: the connection closes.
  asio::awaitable<bool> handshake(connection& c);
  asio::awaitable<bool> serve_one(std::shared_ptr<connection> c, http::request<http::string_body>& req);
  /// POST /api/v1/chat/completions, and the skill's /api/openrouter/chat (`skill`: its request
  /// defaults, JSON answer and error shape; the same policy path).
  asio::awaitable<bool> chat(std::shared_ptr<connection> c, http::request<http::string_body>& req, exchange& x,
                             const std::vector<std::pair<std::string, std::string>>& cors, bool skill);
  /// The skill's GET routes: models, free-models, providers, model-endpoints, generation/:id.
  asio::awaitable<bool> skill_get(std::shared_ptr<connection> c, http::request<http::string_body>& req, exchange& x,
                                  const std::vector<std::pair<std::string, std::string>>& cors, bool keep_alive);
  asio::awaitable<bool> models(std::shared_ptr<connection> c, exchange& x,
                               const std::vector<std::pair<std::string, std::string>>& cors, bool keep_alive);
  asio::awaitable<bool> write(connection& c, std::string_view bytes);
  asio::awaitable<bool> respond(connection& c, unsigned status, std::string_view content_type, std::string_view body,
                                bool keep_alive, const std::vector<std::pair<std::string, std::string>>& headers = {});
};

// --- writing -----------------------------------------------------------------------------------

asio::awaitable<bool> gateway::impl::write(connection& c, std::string_view bytes) {
  c.stream.expires_after(opts.config.write_timeout);
  error_code ec;
  co_await asio::async_write(c.stream, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
  c.stream.expires_never();
  co_return !ec;
}

asio::awaitable<bool> gateway::impl::respond(connection& c, unsigned status, std::string_view content_type,
                                             std::string_view body, bool keep_alive,
                                             const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  out.reserve(body.size() + 256);
  out += "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) + "\r\n";
  if (!content_type.empty()) out += "Content-Type: " + std::string(content_type) + "\r\n";
  if (status != 204 && status != 304) out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  out += body;
  co_return co_await write(c, out);
}

// --- connections -------------------------------------------------------------------------------

namespace {

/// Before closing after an error answer: reads and drops what the caller still sends (at most
/// 1 MiB for 1 s), so that closing with unread bytes does not reset the connection before the
/// caller has read the answer. `S`: the caller_stream, or its TCP layer under TLS.
template <class S>
asio::awaitable<void> linger(S& s) {
  error_code ec;
  beast::get_lowest_layer(s).socket().shutdown(tcp::socket::shutdown_send, ec);
  beast::get_lowest_layer(s).expires_after(1s);
  std::array<char, 16384> sink;
  for (std::size_t drained = 0; drained < (1u << 20);) {
    auto [rec, n] = co_await s.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
    if (rec) break;
    drained += n;
  }
}

}  // namespace

asio::awaitable<bool> gateway::impl::handshake(connection& c) {
  // One deadline from accept covers the first bytes and the whole handshake: a caller that
  // connects and sends nothing, or stops halfway, is dropped at handshake_timeout.
  c.stream.expires_after(opts.config.handshake_timeout);
  error_code ec;
  bool hello = co_await beast::async_detect_ssl(c.stream.lowest(), c.buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    ++m.tls_handshake_failures;
    co_return false;
  }
  if (!hello) {
    // Plain text on the HTTPS port (an http:// URL): a 400 in clear text that says so, then close.
    ++m.tls_handshake_failures;
    exchange x;
    x.method = "?";
    x.route = "plain_http_on_tls";
    x.status = 400;
    const std::string body = error_json(400, "this port serves HTTPS only: use an https:// URL");
    std::string out = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    c.stream.expires_after(opts.config.write_timeout);
    co_await asio::async_write(c.stream.lowest(), asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
    log_exchange(c, x);
    if (!ec) co_await linger(c.stream.lowest());
    co_return false;
  }
  std::size_t used = co_await c.stream.tls().async_handshake(ssl::stream_base::server, c.buffer.data(),
                                                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    ++m.tls_handshake_failures;
    co_return false;
  }
  c.buffer.consume(used);
  c.stream.expires_never();
  co_return true;
}

asio::awaitable<void> gateway::impl::accept_loop(std::shared_ptr<impl> self) {
  while (!self->stopped && !self->draining) {
    error_code ec;
    tcp::socket s = co_await self->acceptor.async_accept(strand_for(self->ex),
                                                          asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) co_return;
      // Out of descriptors and the like: pause instead of spinning.
      asio::steady_timer t(self->ex, 50ms);
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (static_cast<std::size_t>(self->m.connections.load()) >= self->opts.config.max_connections) {
      s.close(ec);
      continue;
    }
    s.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<connection>(std::move(s), self->tls_ctx ? &*self->tls_ctx : nullptr);
    auto ep = c->stream.socket().remote_endpoint(ec);
    if (ec) continue;
    c->loopback = is_loopback(ep);
    c->remote = ep.address().to_string();
    std::uint64_t id;
    {
      std::lock_guard lk(self->conns_mu);
      id = ++self->next_conn;
      self->conns.emplace(id, c);
    }
    auto strand = c->stream.get_executor();
    asio::co_spawn(strand, run_connection(self, c, id), asio::detached);
  }
}

asio::awaitable<void> gateway::impl::run_connection(std::shared_ptr<impl> self, std::shared_ptr<connection> c,
                                                    std::uint64_t id) {
  ++self->m.connections;
  const auto& cfg = self->opts.config;
  try {
    bool ready = true;
    if (c->stream.is_tls()) ready = co_await self->handshake(*c);
    for (std::size_t served = 0; ready; ++served) {
      c->idle = true;
      if (self->draining || self->stopped) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
      parser.body_limit(cfg.max_body_bytes);
      error_code ec;
      c->stream.expires_after(served == 0 ? cfg.read_timeout : cfg.idle_timeout);
      co_await http::async_read_header(c->stream, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      c->idle = false;
      if (!ec && !parser.is_done()) {
        c->stream.expires_after(cfg.read_timeout);
        auto& h = parser.get();
        if (beast::iequals(h[http::field::expect], "100-continue"))
          co_await asio::async_write(c->stream, asio::buffer(std::string_view("HTTP/1.1 100 Continue\r\n\r\n")),
                                     asio::redirect_error(asio::use_awaitable, ec));
        if (!ec)
          co_await http::async_read(c->stream, c->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
      c->stream.expires_never();
      if (ec == http::error::body_limit || ec == http::error::header_limit) {
        bool body = ec == http::error::body_limit;
        exchange x;
        x.method = "?";
        x.route = "limit";
        x.status = body ? 413 : 431;
        bool sent = co_await self->respond(*c, x.status, "application/json",
                                           error_json(x.status, body ? "request body too large" : "request header too large"),
                                           false);
        self->log_exchange(*c, x);
        if (sent) co_await linger(c->stream);
        break;
      }
      if (ec) {
        // A malformed request gets a 400 before the connection closes; a closed or timed-out
        // connection gets nothing.
        if (ec.category() == make_error_code(http::error::bad_method).category() && ec != http::error::end_of_stream &&
            ec != http::error::partial_message) {
          exchange x;
          x.method = "?";
          x.route = "malformed";
          x.status = 400;
          co_await self->respond(*c, 400, "application/json", error_json(400, "malformed HTTP request"), false);
          self->log_exchange(*c, x);
        }
        break;
      }
      auto req = parser.release();
      using namespace asio::experimental::awaitable_operators;
      // The caller's disconnect (EOF while we work) cancels the request, and so its upstream.
      auto watch = [](std::shared_ptr<connection> conn) -> asio::awaitable<void> {
        error_code wec;
        ssize_t n = 0;
        if (conn->stream.is_tls()) {
          // Only the TLS layer tells a pipelined request from a close_notify: read through it
          // (beside the response's writes); what it reads is kept for the next request.
          std::size_t got = co_await conn->stream.tls().async_read_some(conn->buffer.prepare(4096),
                                                                         asio::redirect_error(asio::use_awaitable, wec));
          if (wec) co_return;
          conn->buffer.commit(got);
          n = static_cast<ssize_t>(got);
        } else {
          for (;;) {
            co_await conn->stream.socket().async_wait(tcp::socket::wait_read,
                                                      asio::redirect_error(asio::use_awaitable, wec));
            if (wec) co_return;
            char b;
            n = ::recv(conn->stream.socket().native_handle(), &b, 1, MSG_PEEK | MSG_DONTWAIT);
            // The reactor may report a readiness already used up (by the request's own read):
            // nothing to read is not a hang-up. Only EOF (0) or a real error is.
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            break;
          }
        }
        if (n > 0) {  // a pipelined request, not a hang-up: wait until the response is done
          asio::steady_timer t(co_await asio::this_coro::executor, clock_type::time_point::max());
          co_await t.async_wait(asio::redirect_error(asio::use_awaitable, wec));
        }
      };
      auto outcome = co_await (self->serve_one(c, req) || watch(c));
      if (outcome.index() != 0) break;  // the caller went away
      if (!std::get<0>(outcome)) break;
    }
  } catch (const std::exception&) {
    // ends this connection only
  }
  error_code ec;
  c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  c->stream.socket().close(ec);
  --self->m.connections;
  std::lock_guard lk(self->conns_mu);
  self->conns.erase(id);
}

// --- routes ------------------------------------------------------------------------------------

asio::awaitable<bool> gateway::impl::serve_one(std::shared_ptr<connection> c, http::request<http::string_body>& req) {
  exchange x;
  x.method = std::string(req.method_string());
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  bool keep_alive = req.keep_alive() && !draining;

  // Who is calling.
  caller_state* caller = nullptr;
  {
    std::string_view auth = req[http::field::authorization];
    if (by_hash.empty()) {
      if (c->loopback) caller = &loopback_caller;
    } else if (auth.size() > 7 && beast::iequals(auth.substr(0, 7), "Bearer ")) {
      auto it = by_hash.find(sha256_hex(auth.substr(7)));
      if (it != by_hash.end()) caller = it->second;
    }
  }
  x.caller = caller;

  // CORS: the caller's token lists the origins it may be used from.
  std::vector<std::pair<std::string, std::string>> cors;
  std::string_view origin = req[http::field::origin];
  auto origin_ok = [&](const token_config& t) {
    for (const auto& o : t.cors_origins)
      if (o == "*" || o == origin) return true;
    return false;
  };
  if (!origin.empty() && caller && caller->token && origin_ok(*caller->token))
    cors = {{"Access-Control-Allow-Origin", std::string(origin)}, {"Vary", "Origin"}};

  if (req.method() == http::verb::options) {  // a preflight carries no token: any token's origins
    x.route = "preflight";
    bool ok = false;
    for (const auto& t : opts.config.tokens) ok = ok || (!origin.empty() && origin_ok(t));
    std::vector<std::pair<std::string, std::string>> h;
    if (ok)
      h = {{"Access-Control-Allow-Origin", std::string(origin)},
           {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
           {"Access-Control-Allow-Headers", "authorization, content-type"},
           {"Access-Control-Max-Age", "600"},
           {"Vary", "Origin"}};
    x.status = ok ? 204 : 403;
    const std::string empty;
    bool w = co_await respond(*c, x.status, empty, empty, keep_alive, h);
    log_exchange(*c, x);
    co_return w && keep_alive;
  }

  using header_list = std::vector<std::pair<std::string, std::string>>;
  // (Headers and texts are named outside the co_await expressions: GCC 12 cannot compile an
  // initializer list or a string literal converted to std::string inside one.)
  const header_list none, allow_get{{"Allow", "GET"}}, allow_post{{"Allow", "POST"}},
      www_auth{{"WWW-Authenticate", "Bearer"}};
  // The reference skill's routes answer errors in its templates' shape ({"error":"message"}).
  const bool skill_path = path.starts_with(skill::prefix);
  auto error_body = [skill_path](unsigned status, std::string_view msg) {
    return skill_path ? skill::error_body(msg) : error_json(status, msg);
  };
  const std::string json_type = "application/json", not_allowed = error_body(405, "method not allowed");
  auto simple = [&](unsigned status, std::string body, std::string_view ct,
                    header_list h) -> asio::awaitable<bool> {
    x.status = status;
    h.insert(h.end(), cors.begin(), cors.end());
    bool w = co_await respond(*c, status, ct, body, keep_alive, h);
    log_exchange(*c, x);
    co_return w && keep_alive;
  };

  if (opts.config.console && console::is_console_path(path)) {  // static, no token: it holds no secret
    x.route = "console";
    if (req.method() != http::verb::get)
      co_return co_await simple(405, not_allowed, json_type, allow_get);
    auto r = console::answer(path, req[http::field::if_none_match]);
    x.status = r.status;
    // (Named, no conditional inside co_await: see chat() about GCC 12.)
    std::string_view type = r.content_type, body = r.body;
    const std::string missing = error_json(404, "no such route");
    if (r.status == 404) {
      type = json_type;
      body = missing;
    } else if (r.status == 304) {
      type = {};
    }
    bool w = co_await respond(*c, r.status, type, body, keep_alive, r.headers);
    log_exchange(*c, x);
    co_return w && keep_alive;
  }
  if (path == "/healthz") {
    x.route = "/healthz";
    if (req.method() != http::verb::get)
      co_return co_await simple(405, not_allowed, json_type, allow_get);
    const std::string body = draining ? R"({"status":"draining"})" : R"({"status":"ok"})";
    co_return co_await simple(draining ? 503 : 200, body, json_type, none);
  }
  const bool generation_path = path.starts_with(skill::generation_prefix);
  const bool known = path == "/metrics" || path == models_route || path == chat_route || path == skill::models_route ||
                     path == skill::free_models_route || path == skill::providers_route || generation_path ||
                     path == skill::chat_route || path == skill::model_endpoints_route;
  if (!known) {
    x.route = "unmatched";
    const std::string body = error_body(404, "no such route");
    co_return co_await simple(404, body, json_type, none);
  }
  x.route = generation_path ? std::string(skill::generation_route) : std::string(path);  // never a caller's id
  if (!caller) {
    x.outcome = "unauthorized";
    const std::string body = error_body(401, "unauthorized");
    co_return co_await simple(401, body, json_type, www_auth);
  }
  if (skill_path && path != skill::chat_route) {
    if (req.method() != http::verb::get)
      co_return co_await simple(405, not_allowed, json_type, allow_get);
    co_return co_await skill_get(c, req, x, cors, keep_alive);
  }
  if (path == "/metrics") {
    if (req.method() != http::verb::get)
      co_return co_await simple(405, not_allowed, json_type, allow_get);
    const std::string body = m.render(upstream.pool_statistics(), breaker_metrics());
    const std::string type = "text/plain; version=0.0.4; charset=utf-8";
    co_return co_await simple(200, body, type, none);
  }
  if (path == models_route) {
    if (req.method() != http::verb::get)
      co_return co_await simple(405, not_allowed, json_type, allow_get);
    co_return co_await models(c, x, cors, keep_alive);
  }
  if (req.method() != http::verb::post)
    co_return co_await simple(405, not_allowed, json_type, allow_post);
  co_return co_await chat(c, req, x, cors, skill_path);
}

asio::awaitable<bool> gateway::impl::skill_get(std::shared_ptr<connection> c, http::request<http::string_body>& req,
                                               exchange& x,
                                               const std::vector<std::pair<std::string, std::string>>& cors,
                                               bool keep_alive) {
  in_flight_guard g{m};
  const std::string_view target = req.target();
  const std::string_view path = target.substr(0, target.find('?'));
  diagnostics diag;
  error_code ec;
  unsigned status = 200;
  std::string body;
  if (path == skill::models_route || path == skill::free_models_route) {
    const bool free_only = path == skill::free_models_route;
    const bool vision_only = !free_only && skill::query_param(target, "visionOnly") == std::optional<std::string>("true");
    if (!free_only && skill::query_param(target, "scope") == std::optional<std::string>("user")) {
      // The models the gateway's key may use (its provider preferences and guardrails): not cached.
      models_query everything;  // named: GCC 12 and temporaries inside co_await expressions
      auto [uec, page] = co_await upstream.async_user_models(everything, diag, asio::as_tuple(asio::use_awaitable));
      ec = uec;
      if (!ec) body = skill::models_body(page.data, vision_only, false, false);
    } else {
      auto [cec, page] = co_await upstream.async_catalog(opts.catalog_max_age, diag, asio::as_tuple(asio::use_awaitable));
      ec = cec;
      if (!ec && !page) ec = make_error_code(errc::bad_response);
      if (!ec) {
        bool cached;
        {
          std::lock_guard lk(catalog_mu);
          cached = skill_catalog == page;
          skill_catalog = page;
        }
        body = skill::models_body(page->data, vision_only, free_only, cached);
      }
    }
  } else if (path == skill::providers_route) {
    std::shared_ptr<const wire::provider_list> hit;
    {
      std::lock_guard lk(catalog_mu);
      if (providers && clock_type::now() - providers_at < opts.catalog_max_age) hit = providers;
    }
    if (hit) {
      body = skill::providers_body(hit->data, true);
    } else {
      auto [pec, list] = co_await upstream.async_providers(diag, asio::as_tuple(asio::use_awaitable));
      ec = pec;
      if (!ec) {
        body = skill::providers_body(list.data, false);
        std::lock_guard lk(catalog_mu);
        providers = std::make_shared<const wire::provider_list>(std::move(list));
        providers_at = clock_type::now();
      }
    }
  } else if (path == skill::model_endpoints_route) {
    auto model = skill::model_param(target);
    if (!model) {
      status = 400;
      body = skill::error_body("model is required (GET /api/openrouter/model-endpoints?model=author/slug)");
    } else {
      const std::string id = *model;  // named: GCC 12 and temporaries inside co_await expressions
      auto [eec, eps] = co_await upstream.async_model_endpoints(id, diag, asio::as_tuple(asio::use_awaitable));
      ec = eec;
      if (!ec) body = skill::model_endpoints_body(eps);
    }
  } else {  // generation/:id
    auto id = skill::generation_id(path);
    if (!id) {
      status = 400;
      body = skill::error_body("generation id is required (GET /api/openrouter/generation/<id>)");
    } else {
      // A fresh generation's record lags its completion: upstream answers 404 for a while. Poll
      // with backoff (the client's wait_generation) up to generation_wait, then a clear 404.
      generation_poll poll;
      poll.max_wait = opts.config.generation_wait;
      const std::string gid = *id;
      auto [gec, gen] = co_await upstream.async_wait_generation(gid, poll, diag, asio::as_tuple(asio::use_awaitable));
      ec = gec;
      if (ec == make_error_code(errc::generation_pending)) {
        status = 404;
        body = skill::error_body("generation " + *id + " not found: OpenRouter still had no record of it after " +
                                 std::to_string(opts.config.generation_wait.count()) +
                                 " ms (records appear shortly after a generation ends; an id it never issued stays unknown)");
        ec = {};
      } else if (!ec) {
        body = skill::generation_body(gen);
      }
    }
  }
  if (ec) {
    auto [s, msg] = upstream_error(ec, diag);
    status = s;
    body = skill::error_body(scrub(msg));
  }
  x.status = status;
  bool w = co_await respond(*c, status, "application/json", body, keep_alive, cors);
  log_exchange(*c, x);
  co_return w && keep_alive && !draining;
}

asio::awaitable<bool> gateway::impl::models(std::shared_ptr<connection> c, exchange& x,
                                            const std::vector<std::pair<std::string, std::string>>& cors,
                                            bool keep_alive) {
  in_flight_guard g{m};
  diagnostics diag;
  auto [ec, page] = co_await upstream.async_catalog(opts.catalog_max_age, diag, asio::as_tuple(asio::use_awaitable));
  std::string body;
  unsigned status = 200;
  if (ec || !page) {
    auto [s, msg] = upstream_error(ec, diag);
    status = s;
    body = error_json(s, scrub(msg), ec ? name(static_cast<errc>(ec.value())) : "");
  } else {
    std::lock_guard lk(catalog_mu);
    if (catalog != page) {
      catalog = page;
      catalog_json = wire::serialize(*page);
    }
    body = catalog_json;
  }
  x.status = status;
  bool w = co_await respond(*c, status, "application/json", body, keep_alive, cors);
  log_exchange(*c, x);
  co_return w && keep_alive && !draining;
}

asio::awaitable<bool> gateway::impl::chat(std::shared_ptr<connection> c, http::request<http::string_body>& req,
                                          exchange& x, const std::vector<std::pair<std::string, std::string>>& cors,
                                          bool skill) {
  auto error_body = [skill](unsigned status, std::string_view msg) {
    return skill ? skill::error_body(msg) : error_json(status, msg);
  };
  const bool keep_alive = req.keep_alive() && !draining;
  // (string_view parameters: see serve_one about GCC 12 and co_await expressions)
  auto fail = [&](unsigned status, std::string_view msg, std::string_view outcome,
                  std::string_view retry_after = {}) -> asio::awaitable<bool> {
    x.status = status;
    x.outcome = std::string(outcome);
    std::vector<std::pair<std::string, std::string>> h = cors;
    if (!retry_after.empty()) h.emplace_back("Retry-After", std::string(retry_after));
    const std::string body = error_body(status, scrub(std::string(msg)));
    bool w = co_await respond(*c, status, "application/json", body, keep_alive, h);
    log_exchange(*c, x);
    m.request(x.model.empty() ? "none" : x.model, x.outcome, x.stream, seconds(clock_type::now() - x.started),
              std::nullopt);
    co_return w && keep_alive;
  };

  wire::chat_request creq;
  wire::decode_error derr;
  wire::parse(req.body(), creq, derr);
  if (derr) co_return co_await fail(400, "invalid request body: " + derr.message(), "bad_request");
  if (skill)
    if (auto wrong = skill::prepare_chat(creq); !wrong.empty()) co_return co_await fail(400, wrong, "bad_request");
  x.stream = creq.stream.value_or(false);
  if (!creq.model || creq.model->empty()) co_return co_await fail(400, "\"model\" is required", "bad_request");
  x.model = *creq.model;
  caller_state& caller = *x.caller;
  if (caller.token) {
    std::vector<std::string> asked{*creq.model};
    asked.insert(asked.end(), creq.models.begin(), creq.models.end());
    for (const auto& mdl : asked)
      if (!model_allowed(caller.token->allowed_models, mdl))
        co_return co_await fail(403, "model " + mdl + " is not allowed for this token", "forbidden");
  }
  if (!caller.budget_left()) co_return co_await fail(402, "this token's spend budget is exhausted", "budget");
  if (auto wait = caller.take_rate_token(clock_type::now()))
    co_return co_await fail(429, "this token's request rate limit is reached", "rate_limited",
                            std::to_string(static_cast<long long>(std::ceil(*wait))));

  std::vector<std::string> candidates{*creq.model};
  for (const auto& f : opts.policy.models)
    if (f != *creq.model) candidates.push_back(f);
  router* r = router_for(candidates);
  if (!r) co_return co_await fail(503, "too many distinct models in use", "overloaded");

  in_flight_guard g{m};
  diagnostics diag;
  request_record rec;
  bool finished = false;
  auto finish = [&](std::string outcome) {
    finished = true;
    x.outcome = std::move(outcome);
    x.attempts = rec.attempts.size();
    x.served_by = rec.resolved_model;
    if (x.cost) {
      caller.add_spend(*x.cost);
      m.spend(caller.name, *x.cost);
    }
    m.request(x.model, x.outcome, x.stream, seconds(clock_type::now() - x.started), x.ttft_s);
    log_exchange(*c, x);
  };
  // A caller that hangs up cancels this coroutine (its next co_await throws): the request is
  // still counted, logged and shown in the metrics, as caller_gone (status 499 when no answer
  // had started).
  struct on_unwind {
    std::function<void()> run;
    ~on_unwind() {
      try {
        run();
      } catch (...) {
      }
    }
  } count_the_hang_up{[&] {
    if (finished) return;
    if (!x.status) x.status = 499;
    finish("caller_gone");
  }};
  auto fail_routed = [&](error_code ec) -> asio::awaitable<bool> {
    auto [status, msg] = upstream_error(ec, diag);
    x.status = status;
    std::vector<std::pair<std::string, std::string>> h = cors;
    if (diag.retry_after && (status == 429 || status == 503))
      h.emplace_back("Retry-After",
                     std::to_string(std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(*diag.retry_after).count())));
    if (rec.spent > 0) x.cost = rec.spent;
    finish(rec.cls == routing::error_class::none ? "error" : std::string(routing::to_string(rec.cls)));
    // (Named: GCC 12 destroys the temporaries of a conditional inside a co_await expression twice.)
    std::string body;
    if (skill)
      body = skill::error_body(scrub(msg));
    else
      body = error_json(status, scrub(msg),
                        ec.category() == category() ? name(static_cast<errc>(ec.value())) : std::string_view{});
    co_return co_await respond(*c, status, "application/json", body, keep_alive, h) && keep_alive;
  };

  if (!x.stream) {
    auto [ec, res] = co_await r->async_chat(std::move(creq), diag, rec, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return co_await fail_routed(ec);
    x.status = 200;
    if (rec.spent > 0) x.cost = rec.spent;
    else if (res.usage && res.usage->cost) x.cost = res.usage->cost;
    finish("success");
    std::string body;  // named: see fail_routed
    if (skill)
      body = scrub(skill::chat_body(res));
    else
      body = scrub(wire::serialize(res));
    co_return co_await respond(*c, 200, "application/json", body, keep_alive, cors) && keep_alive;
  }

  auto [ec, s] = co_await r->async_chat_stream(std::move(creq), diag, rec, asio::as_tuple(asio::use_awaitable));
  if (ec) co_return co_await fail_routed(ec);
  x.status = 200;
  std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n";
  if (!s.generation_id().empty() && s.generation_id().find_first_of("\r\n") == std::string::npos)
    head += "X-Generation-Id: " + s.generation_id() + "\r\n";
  for (const auto& [k, v] : cors) head += k + ": " + v + "\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  bool ok = co_await write(*c, head);
  // One event in memory at a time: the next is pulled from upstream once this one is written.
  auto event = [](std::string_view data) {
    std::string e;
    char size[20];
    std::size_t payload = data.size() + 8;  // "data: " + data + "\n\n"
    int n = std::snprintf(size, sizeof size, "%zx\r\n", payload);
    e.reserve(payload + static_cast<std::size_t>(n) + 2);
    e.append(size, static_cast<std::size_t>(n)).append("data: ").append(data).append("\n\n\r\n");
    return e;
  };
  std::string ending = "outcome";
  while (ok) {
    auto [nec, chunk] = co_await s.async_next(asio::as_tuple(asio::use_awaitable));
    if (nec) {
      // Mid-stream failure after content: the caller gets an error event (OpenRouter's shape),
      // then the end of the body, without [DONE]: a truncated answer is never made to look whole.
      auto [status, msg] = upstream_error(nec, diag);
      json::object err{{"code", status}, {"message", scrub(msg)}};
      json::object ev{{"error", std::move(err)},
                      {"choices", json::array{json::object{{"index", 0},
                                                           {"delta", json::object{{"content", ""}}},
                                                           {"finish_reason", "error"}}}}};
      ok = co_await write(*c, event(json::serialize(ev)));
      if (ok) co_await write(*c, "0\r\n\r\n");
      ending = nec == make_error_code(errc::stream_error) ? "stream_error" : "stream";
      ok = false;  // the connection closes after an error event
      break;
    }
    if (!chunk) {
      ok = co_await write(*c, event("[DONE]"));
      if (ok) ok = co_await write(*c, "0\r\n\r\n");
      ending = ok ? "success" : "caller_gone";
      break;
    }
    if (!x.ttft_s && wire::has_output(*chunk)) x.ttft_s = seconds(clock_type::now() - x.started);
    ok = co_await write(*c, event(scrub(wire::serialize(*chunk))));
    if (!ok) ending = "caller_gone";
  }
  if (auto cost = s.cost()) x.cost = *cost;
  if (ending == "outcome") ending = "caller_gone";
  finish(ending);
  co_return ok && keep_alive;
}

// --- gateway -----------------------------------------------------------------------------------

gateway::gateway(asio::any_io_executor ex, client& upstream, gateway_options opts)
    : impl_(std::make_shared<impl>(std::move(ex), upstream, std::move(opts))) {}

gateway::~gateway() { stop(); }

void gateway::start() {
  auto& im = *impl_;
  tcp::endpoint ep(asio::ip::make_address(im.opts.config.listen), im.opts.config.port);
  im.acceptor.open(ep.protocol());
  im.acceptor.set_option(asio::socket_base::reuse_address(true));
  im.acceptor.bind(ep);
  im.acceptor.listen(asio::socket_base::max_listen_connections);
  im.bound_port = im.acceptor.local_endpoint().port();
  asio::co_spawn(im.acceptor.get_executor(), impl::accept_loop(impl_), asio::detached);
}

std::uint16_t gateway::port() const { return impl_->bound_port; }

std::string gateway::url() const {
  const std::string& a = impl_->opts.config.listen;
  return std::string(impl_->tls_ctx ? "https://" : "http://") + (a.find(':') != std::string::npos ? "[" + a + "]" : a) + ":" + std::to_string(port());
}

std::int64_t gateway::in_flight() const { return impl_->m.in_flight.load(); }

std::string gateway::metrics_text() const {
  std::string out = impl_->m.render(impl_->upstream.pool_statistics(), impl_->breaker_metrics());
  if (impl_->opts.shared) {  // serve --redis
    const routing::shared_stats st = impl_->opts.shared->stats();
    const auto line = [&out](const char* name, const char* type, const char* help, std::uint64_t v) {
      out += "# HELP ";
      out += name;
      out += ' ';
      out += help;
      out += "\n# TYPE ";
      out += name;
      out += ' ';
      out += type;
      out += '\n';
      out += name;
      out += ' ';
      out += std::to_string(v);
      out += '\n';
    };
    line("openrouter_fleet_shared", "gauge", "1 while the fleet's limits are shared on Redis, 0 on the local fallback", st.shared ? 1 : 0);
    line("openrouter_fleet_admissions_shared_total", "counter", "attempts admitted by the shared limits", st.shared_admissions);
    line("openrouter_fleet_admissions_local_total", "counter", "attempts admitted by the local fallback", st.local_admissions);
    line("openrouter_fleet_degradations_total", "counter", "falls back to local limits", st.degradations);
    line("openrouter_fleet_store_errors_total", "counter", "Redis calls that failed or missed their deadline", st.store_errors);
  }
  return out;
}

namespace {

/// Closes the sockets of the connections `pred` picks, each on its own strand.
template <class Pred>
void close_connections(gateway::impl& im, Pred pred) {
  std::vector<std::shared_ptr<connection>> all;
  {
    std::lock_guard lk(im.conns_mu);
    for (auto& [id, w] : im.conns)
      if (auto c = w.lock()) all.push_back(std::move(c));
  }
  for (auto& c : all)
    asio::dispatch(c->stream.get_executor(), [c, pred] {
      if (!pred(*c)) return;
      error_code ec;
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      c->stream.socket().close(ec);
    });
}

}  // namespace

void gateway::drain(std::function<void()> done) {
  auto self = impl_;
  self->draining = true;
  asio::post(self->acceptor.get_executor(), [self] {
    error_code ec;
    self->acceptor.close(ec);
  });
  close_connections(*self, [](const connection& c) { return c.idle; });
  auto deadline = clock_type::now() + self->opts.config.drain_timeout;
  // Polls (every 20 ms) until no connection is left or the deadline passed.
  asio::co_spawn(
      self->ex,
      [self, deadline, done = std::move(done)]() -> asio::awaitable<void> {
        asio::steady_timer t(self->ex);
        while (self->m.connections.load() > 0 && clock_type::now() < deadline) {
          close_connections(*self, [](const connection& c) { return c.idle; });
          t.expires_after(20ms);
          error_code ec;
          co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        self->stopped = true;
        close_connections(*self, [](const connection&) { return true; });
        if (done) done();
      },
      asio::detached);
}

void gateway::stop() {
  auto self = impl_;
  if (self->stopped.exchange(true)) return;
  asio::post(self->acceptor.get_executor(), [self] {
    error_code ec;
    self->acceptor.close(ec);
  });
  close_connections(*self, [](const connection&) { return true; });
}

}  // namespace openrouter::serve
