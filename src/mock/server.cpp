// openrouter-mock's I/O: accept loop, TLS, HTTP/1.1 keep-alive connections that play the
// replies produced by the sans-I/O handlers (routes.cpp, chat.cpp).
#include <openrouter/mock/server.hpp>

#include "compress.hpp"
#include "h2_connection.hpp"
#include "routes.hpp"
#include "state.hpp"
#include "test_hooks.hpp"

#include <tls/server_tls.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <sys/socket.h>
#include <cerrno>

#include <array>
#include <charconv>
#include <fstream>
#include <iostream>
#include <thread>
#include <unordered_set>

namespace openrouter::mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using boost::system::error_code;

namespace {

constexpr auto watch_peer_over = 200ms;  // sleeps this long (stalls) end when the client hangs up
// After an error reply (400, 413, 431) the rest of what the client sends is read and dropped
// for at most this long / this much, so that our reply is not lost to a reset.
constexpr auto drain_for = 1s;
constexpr std::size_t drain_bytes = 1u << 20;

std::string_view reason(unsigned status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 524: return "A Timeout Occurred";
    case 529: return "Site is overloaded";
    default: return "Status";
  }
}

std::string head(const http_reply& r, bool keep_alive, bool chunked) {
  std::string h = "HTTP/1.1 " + std::to_string(r.status) + " " + std::string(reason(r.status)) + "\r\n";
  h += "Content-Type: " + r.content_type + "\r\n";
  if (chunked) h += "Transfer-Encoding: chunked\r\n";
  else h += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  for (const auto& [k, v] : r.headers) h += k + ": " + v + "\r\n";
  if (!keep_alive) h += "Connection: close\r\n";
  h += "\r\n";
  return h;
}

void append_chunk(std::string& out, std::string_view data) {
  char hex[16];
  auto [end, ec] = std::to_chars(hex, hex + sizeof hex, data.size(), 16);
  out.append(hex, end);
  out += "\r\n";
  out += data;
  out += "\r\n";
}

std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

// One connection's lifetime, shared with the registry that stop() walks.
struct connection_base {
  virtual ~connection_base() = default;
  virtual void close() = 0;  // called on the connection's executor
  asio::any_io_executor executor;
};

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
  impl(asio::any_io_executor ex, server_options opts)
      : executor(ex), state(std::move(opts)), acceptor(ex), ssl_ctx(ssl::context::tls_server) {
    const auto& o = state.options();
    if (o.tls) {
      tls = o.cert_file.empty() ? openrouter::tls::generate_tls_material()
                                : openrouter::tls::load_tls_material(o.cert_file, o.key_file);
      openrouter::tls::configure_server(ssl_ctx, tls, "openrouter-mock", o.cert_file, o.key_file);
      install_alpn(ssl_ctx.native_handle(), &state.options().http2);  // HTTP/2: h2 or http/1.1
    }
  }

  void start() {
    const auto& o = state.options();
    tcp::endpoint ep(asio::ip::make_address(o.host), o.port);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
    port = acceptor.local_endpoint().port();
    asio::co_spawn(acceptor.get_executor(), accept_loop(shared_from_this()), asio::detached);
  }

  void stop() {
    asio::post(acceptor.get_executor(), [self = shared_from_this()] {
      error_code ec;
      self->acceptor.close(ec);
    });
    std::lock_guard lock(mutex);
    stopped = true;
    // The posted call runs on the connection's strand, where the connection also dies, so
    // finding it still registered there means it is alive.
    for (connection_base* c : connections)
      asio::post(c->executor, [self = shared_from_this(), c] {
        if (self->is_registered(c)) c->close();
      });
  }

  void add(connection_base* c) {
    std::lock_guard lock(mutex);
    connections.insert(c);
  }
  void remove(connection_base* c) {
    std::lock_guard lock(mutex);
    connections.erase(c);
  }
  bool is_registered(connection_base* c) {
    std::lock_guard lock(mutex);
    return connections.count(c) != 0;
  }
  bool is_stopped() {
    std::lock_guard lock(mutex);
    return stopped;
  }

  // An exception that ended a connection (or a request): counted, and logged (the first ones,
  // then one in a thousand, so that a client cannot flood the log).
  void log_error(std::string_view where, const std::string& what) {
    auto n = ++state.connection_errors;
    if (n <= 20 || n % 1000 == 0)
      std::cerr << "openrouter-mock: " << where << ": " << what << " (" << n << " so far); connection closed\n";
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);

  asio::any_io_executor executor;
  mock_state state;
  openrouter::tls::tls_material tls;
  tcp::acceptor acceptor;
  ssl::context ssl_ctx;
  std::atomic<std::uint16_t> port{0};
  std::mutex mutex;
  std::unordered_set<connection_base*> connections;
  bool stopped = false;
};

namespace {

template <class Stream>
class connection final : public connection_base {
 public:
  connection(std::shared_ptr<server::impl> srv, Stream stream)
      : srv_(std::move(srv)), opts_(srv_->state.options()), stream_(std::move(stream)), timer_(stream_.get_executor()) {
    executor = stream_.get_executor();
    srv_->add(this);
  }
  ~connection() override { srv_->remove(this); }

  void close() override {
    closed_ = true;
    timer_.cancel();
    error_code ec;
    socket().close(ec);
  }

  // Deadlines: a new connection has header_timeout from accept for its TLS handshake and its
  // first request's header; a keep-alive connection waits idle_timeout for the next request's
  // first byte, which starts its header_timeout; the body then has body_timeout. Scripted
  // pacing happens between writes, each of which has write_timeout.
  asio::awaitable<void> run() {
    tcp_layer().expires_after(opts_.header_timeout);
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      error_code ec;
      co_await stream_.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return note_timeout(ec);
      ++srv_->state.tls_handshakes;
      // --- HTTP/2: the client picked h2 by ALPN
      if (alpn_is_h2(stream_)) co_return co_await serve_h2(stream_, srv_->state, answerer(), {});
    }
    beast::flat_buffer buffer;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      // --- HTTP/2: h2c with prior knowledge starts with the client preface
      if (opts_.http2) {
        error_code ec;
        std::size_t n = co_await stream_.async_read_some(buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
        buffer.commit(n);
        if (ec) co_return note_timeout(ec);
        auto first = buffer.cdata();
        std::string_view bytes(static_cast<const char*>(first.data()), first.size());
        if (is_h2_preface(bytes)) co_return co_await serve_h2(stream_, srv_->state, answerer(), std::string(bytes));
      }
    }
    std::size_t served = 0;
    while (!closed_) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(opts_.max_request_body);
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opts_.max_header_bytes, UINT32_MAX)));
      error_code ec;
      if (served > 0 && buffer.size() == 0) {
        tcp_layer().expires_after(opts_.idle_timeout);
        std::size_t n = co_await stream_.async_read_some(buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
        buffer.commit(n);
        if (ec) co_return note_timeout(ec);
      }
      if (served > 0) tcp_layer().expires_after(opts_.header_timeout);
      co_await http::async_read_header(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && !parser.is_done()) {
        tcp_layer().expires_after(opts_.body_timeout);
        co_await http::async_read(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec) co_return co_await refuse(ec);
      ++srv_->state.requests;
      auto& req = parser.get();
      header_map headers;
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers.emplace(std::move(name), std::string(f.value()));
      }
      http_reply reply = answer(srv_, request_view{req.method_string(), req.target(), headers, req.body()});
      ++served;
      auto scen = srv_->state.current_scenario();
      bool limit_hit = scen->close_after_requests > 0 && served >= static_cast<std::size_t>(scen->close_after_requests);
      bool keep_alive = req.keep_alive() && !reply.close && !(limit_hit && scen->announce_close);
      bool ok = co_await send(reply, keep_alive);
      // A stream that ended with an in-band error closes its connection, as OpenRouter does.
      if (reply.stream && reply.stream->close_after()) keep_alive = false;
      if (!ok || !keep_alive || limit_hit || closed_) {
        if (ok && !limit_hit) co_await graceful_close();
        co_return;  // a silent close after N requests: the keep-alive race clients must survive
      }
    }
  }

 private:
  // One request's reply, whichever the protocol: the routes, the test hook, a 500 for a handler
  // that throws, gzip when asked for.
  static http_reply answer(const std::shared_ptr<server::impl>& srv, const request_view& req) {
    http_reply reply;
    try {
      if (auto hook = test_hooks::on_request.load()) hook(req.target);
      reply = handle_request(srv->state, req);
    } catch (...) {
      // Whatever went wrong in a handler (even std::bad_alloc): this client gets a 500 and
      // its connection ends; every other connection carries on.
      srv->log_error("request " + std::string(req.method) + " " + std::string(req.target.substr(0, 200)) + " failed",
                     describe(std::current_exception()));
      reply = internal_error();
    }
    if (auto ae = req.headers.find("accept-encoding"); ae != req.headers.end() &&
                                                       ae->second.find("gzip") != std::string::npos && !reply.stream &&
                                                       reply.body.size() >= 1024 && !reply.reset_mid_body &&
                                                       reply.stall_mid_body == 0ms) {
      reply.body = gzip(reply.body);
      reply.headers.emplace_back("Content-Encoding", "gzip");
      ++srv->state.gzip_responses;
    }
    return reply;
  }
  answer_fn answerer() const {
    return [srv = srv_](const request_view& req) { return answer(srv, req); };
  }

  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }
  tcp::socket& socket() { return tcp_layer().socket(); }

  static http_reply internal_error() { return plain_error(500, "Internal Server Error", "server"); }

  // A deadline that fired is counted; any other failure just ends the connection.
  void note_timeout(const error_code& ec) {
    if (ec == beast::error::timeout) ++srv_->state.connections_timed_out;
  }

  // A request that could not be read: the status that says why (a malformed request 400, an
  // oversize header 431, an oversize body 413), then the connection ends. A timeout or a
  // connection gone just ends.
  asio::awaitable<void> refuse(const error_code& ec) {
    note_timeout(ec);
    http_reply r;
    if (ec == http::error::body_limit) r = plain_error(413, "Request body too large", "payload_too_large");
    else if (ec == http::error::header_limit) r = plain_error(431, "Request header too large", "invalid_request");
    else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
             ec != http::error::end_of_stream && ec != http::error::partial_message)
      r = plain_error(400, "Malformed HTTP request", "invalid_request");
    else co_return;
    if (co_await write(head(r, false, false) + r.body)) co_await lingering_close();
  }

  // Our side is done: half-close, then read and drop what the client still sends (bounded),
  // so that a client still writing its oversize request reads our answer rather than a reset.
  asio::awaitable<void> lingering_close() {
    error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
    tcp_layer().expires_after(drain_for);
    std::array<char, 16384> sink;
    std::size_t drained = 0;
    while (!ec && drained < drain_bytes)
      drained += co_await tcp_layer().async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    socket().close(ec);
  }

  asio::awaitable<bool> sleep(std::chrono::milliseconds d) {
    co_return co_await sleep_until(std::chrono::steady_clock::now() + d);
  }

  asio::awaitable<bool> sleep_until(std::chrono::steady_clock::time_point t) {
    const auto now = std::chrono::steady_clock::now();
    if (t <= now) co_return !closed_;
    timer_.expires_at(t);
    error_code ec;
    if (t - now < watch_peer_over) {  // token pacing: a plain timer, as cheap as can be
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      co_return !closed_;
    }
    // A stall: a client that gives up closes its connection, and OpenRouter stops (and stops
    // billing) when it notices. So does the mock: the stall ends when the peer has gone.
    using namespace asio::experimental::awaitable_operators;
    error_code rec;
    auto timer_done = timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    auto readable = socket().async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, rec));
    auto first = co_await (std::move(timer_done) || std::move(readable));
    if (first.index() == 1 && !rec) {
      if (peer_gone()) {
        closed_ = true;
        ++srv_->state.peer_closed_during_stall;
        co_return false;
      }
      // Bytes, not an end (a pipelined request): sleep out the rest.
      timer_.expires_at(t);
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return !closed_;
  }

  // After readability: EOF or a reset, rather than bytes to read.
  bool peer_gone() {
    char c;
    ssize_t n = ::recv(socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  }

  asio::awaitable<bool> write(std::string_view bytes) {
    tcp_layer().expires_after(opts_.write_timeout);
    error_code ec;
    co_await asio::async_write(stream_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    note_timeout(ec);
    co_return !ec;
  }

  void reset() {
    error_code ec;
    socket().set_option(asio::socket_base::linger(true, 0), ec);
    socket().close(ec);
    closed_ = true;
  }

  // Plays one reply; false when the connection is gone (or was reset on purpose).
  asio::awaitable<bool> send(http_reply& r, bool keep_alive) {
    if (!co_await sleep(r.stall_before)) co_return false;
    if (r.reset_before) {
      reset();
      co_return false;
    }
    if (!r.stream) {
      std::string out = head(r, keep_alive, false);
      if (r.reset_mid_body) {
        out.append(r.body, 0, r.body.size() / 2);
        co_await write(out);
        reset();
        co_return false;
      }
      if (r.stall_mid_body > 0ms) {
        // Headers and half the body, silence, then the rest: a client's idle-read deadline fires.
        out.append(r.body, 0, r.body.size() / 2);
        if (!co_await write(out) || !co_await sleep(r.stall_mid_body)) co_return false;
        co_return co_await write(std::string_view(r.body).substr(r.body.size() / 2));
      }
      out += r.body;
      co_return co_await write(out);
    }
    ++srv_->state.streams_open;
    bool ok = co_await play(r, keep_alive);
    --srv_->state.streams_open;
    if (!ok && !r.generation_id.empty()) srv_->state.mark_cancelled(r.generation_id);
    co_return ok;
  }

  // Streams an SSE script as a chunked body. Steps without delay are coalesced into one write
  // when the scenario asks for it (pacing.coalesce), else each event is its own write.
  asio::awaitable<bool> play(http_reply& r, bool keep_alive) {
    std::string out = head(r, keep_alive, true);
    sse_step step;
    bool more = r.stream->next(step);
    // Delays count from a fixed schedule, so time spent writing (or waiting for the CPU under
    // load) does not accumulate into the stream's pacing.
    auto due = std::chrono::steady_clock::now();
    while (more) {
      if (step.delay > 0ms) {
        if (!out.empty() && !co_await write(out)) co_return false;
        out.clear();
        due += step.delay;
        if (!co_await sleep_until(due)) co_return false;
      }
      if (step.act == sse_step::action::reset) {
        if (!out.empty()) co_await write(out);
        reset();
        co_return false;
      }
      if (!step.bytes.empty()) append_chunk(out, step.bytes);
      more = r.stream->next(step);
      bool flush = !more || step.delay > 0ms || out.size() >= 64 * 1024 || !r.stream->coalesce();
      if (flush && !out.empty()) {
        if (!co_await write(out)) co_return false;
        out.clear();
      }
    }
    out += "0\r\n\r\n";
    co_return co_await write(out);
  }

  asio::awaitable<void> graceful_close() {
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      tcp_layer().expires_after(std::min<std::chrono::steady_clock::duration>(5s, opts_.write_timeout));
      error_code ec;
      co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
    error_code ec;
    socket().shutdown(tcp::socket::shutdown_send, ec);
    socket().close(ec);
  }

  std::shared_ptr<server::impl> srv_;
  const server_options& opts_;  // lives in srv_->state
  Stream stream_;
  asio::steady_timer timer_;
  bool closed_ = false;
};

// Every exception ends only its own connection: the server keeps serving the others.
template <class Stream>
asio::awaitable<void> run_connection(std::shared_ptr<server::impl> srv, Stream stream) {
  struct admitted {  // counted open by the accept loop, before this coroutine started
    server::impl& s;
    ~admitted() { --s.state.connections_open; }
  } guard{*srv};
  try {
    connection<Stream> conn(srv, std::move(stream));
    co_await conn.run();
  } catch (const boost::system::system_error&) {
    // handshake failures, resets: the connection is simply gone
  } catch (...) {
    srv->log_error("connection", describe(std::current_exception()));
  }
}

}  // namespace

asio::awaitable<void> server::impl::accept_loop(std::shared_ptr<impl> self) {
  while (true) {
    error_code ec;
    tcp::socket socket = co_await self->acceptor.async_accept(asio::make_strand(self->executor),
                                                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a transient failure: back off briefly rather than spin.
      asio::steady_timer t(self->acceptor.get_executor(), 20ms);
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    ++self->state.connections_accepted;
    const auto& o = self->state.options();
    if (o.max_connections > 0 && self->state.connections_open >= o.max_connections) {
      // Over the limit: closed at once, unanswered (a 503 over TLS would cost a handshake).
      ++self->state.connections_refused;
      socket.close(ec);
      continue;
    }
    ++self->state.connections_open;
    try {
      socket.set_option(tcp::no_delay(true), ec);
      auto ex = socket.get_executor();
      if (o.tls) {
        beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), self->ssl_ctx);
        asio::co_spawn(ex, run_connection(self, std::move(stream)), asio::detached);
      } else {
        asio::co_spawn(ex, run_connection(self, beast::tcp_stream(std::move(socket))), asio::detached);
      }
    } catch (...) {  // e.g. no memory for an SSL object: this connection is dropped, not the server
      --self->state.connections_open;
      self->log_error("accept", describe(std::current_exception()));
    }
  }
}

namespace {
const server_options& checked(const server_options& o) {
  auto fail = [](const std::string& what) { throw std::runtime_error("openrouter-mock: server_options: " + what); };
  if (o.catalog_size > max_catalog_size) fail("catalog_size above " + std::to_string(max_catalog_size));
  for (auto [name, d] : {std::pair{"header_timeout", o.header_timeout}, {"idle_timeout", o.idle_timeout},
                         {"body_timeout", o.body_timeout}, {"write_timeout", o.write_timeout}})
    if (d <= 0ms) fail(std::string(name) + " must be positive");
  if (o.max_header_bytes < 1024 || o.max_header_bytes > UINT32_MAX) fail("max_header_bytes out of [1024, 2^32)");
  return o;
}
}  // namespace

server::server(asio::any_io_executor ex, server_options opts)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(checked(opts)))) {}

server::~server() { stop(); }

void server::start() { impl_->start(); }
void server::stop() { impl_->stop(); }
std::uint16_t server::port() const { return impl_->port; }

std::string server::base_url() const {
  const auto& o = impl_->state.options();
  std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  return std::string(o.tls ? "https://" : "http://") + host + ":" + std::to_string(port()) + "/api/v1";
}

std::string server::ca_pem() const { return impl_->tls.ca_pem; }

void server::set_scenario(boost::json::value scenario) {
  try {
    impl_->state.set_scenario(scenario);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
}

std::vector<generation_record> server::generations() const { return impl_->state.all(); }
std::optional<generation_record> server::generation(std::string_view id) const { return impl_->state.find(id); }
std::vector<chat_log_entry> server::chat_log() const { return impl_->state.chat_log(); }

server_stats server::stats() const {
  const auto& s = impl_->state;
  return {s.connections_accepted, s.connections_open,       s.requests,
          s.tls_handshakes,       s.streams_open,           s.gzip_responses,
          s.peer_closed_during_stall, s.connections_refused, s.connections_timed_out,
          s.connection_errors,    s.faults_tracked(),        s.chat_requests,
          s.h2_connections,       s.h2_streams,              s.h2_refused_streams, s.h2_pings};
}

struct background_server::state {
  asio::io_context ioc{1};
  std::optional<server> srv;
  std::thread thread;
};

background_server::background_server(server_options opts) : state_(std::make_unique<state>()) {
  state_->srv.emplace(state_->ioc.get_executor(), std::move(opts));
  state_->srv->start();
  state_->thread = std::thread([s = state_.get()] { s->ioc.run(); });
}

background_server::~background_server() {
  state_->srv->stop();
  // Connections close on the server's thread; give them a moment, then stop the loop.
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (state_->srv->stats().connections_open > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  state_->ioc.stop();
  state_->thread.join();
  state_->srv.reset();
}

server& background_server::get() noexcept { return *state_->srv; }

}  // namespace openrouter::mock
