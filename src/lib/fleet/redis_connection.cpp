#include "redis_connection.hpp"

#include "resp.hpp"

#include <openrouter/error.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

#include <hiredis/hiredis.h>  // its reply reader only: the I/O is Asio's (and TLS OpenSSL's)
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <charconv>
#include <deque>

namespace openrouter::fleet {
namespace asio = boost::asio;
using boost::system::error_code;

endpoint parse_redis_url(std::string_view url, error_code& ec, std::string& what) {
  endpoint ep;
  ec = {};
  auto u = boost::urls::parse_uri(url);
  const auto bad = [&](std::string why) {
    ec = make_error_code(errc::invalid_argument);
    what = std::move(why);
    return endpoint{};
  };
  if (!u) return bad("--redis: not a URL (redis://[user@]host[:port][/db])");
  if (u->scheme() == "rediss") ep.tls = true;
  else if (u->scheme() != "redis") return bad("--redis: the scheme must be redis:// or rediss://");
  if (u->has_password())
    return bad("--redis: no password in the URL (it would show in process lists): set REDIS_PASSWORD");
  if (u->host().empty()) return bad("--redis: no host");
  ep.host = u->host_address();
  if (u->has_userinfo()) ep.user = u->user();
  if (u->has_port()) {
    if (u->port_number() == 0) return bad("--redis: bad port");
    ep.port = u->port_number();
  }
  const std::string decoded = u->path();  // decoded: a string of its own, held here
  std::string_view path = decoded;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty()) {
    int db = -1;
    auto [p, e] = std::from_chars(path.data(), path.data() + path.size(), db);
    if (e != std::errc{} || p != path.data() + path.size() || db < 0) return bad("--redis: the path must be a database number");
    ep.db = db;
  }
  return ep;
}

namespace {

reply copy(const redisReply* r) {
  reply out;
  if (!r) return out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.k = reply::kind::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.k = reply::kind::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.k = reply::kind::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.k = reply::kind::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.k = reply::kind::array;
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy(r->element[i]));
      break;
    default: break;  // nil
  }
  return out;
}

}  // namespace

// One connection: Asio's socket (and an ssl::stream over it for rediss://), commands written in
// RESP and pipelined, replies parsed by hiredis's reader and matched to the calls in the order
// they were sent (Redis answers in order). One timer watches the oldest call's deadline.
struct connection::impl : std::enable_shared_from_this<connection::impl> {
  using clock = std::chrono::steady_clock;
  impl(asio::any_io_executor e, endpoint p)
      : ex(std::move(e)), ep(std::move(p)), resolver(ex), sock(ex), deadline_timer(ex), connect_timer(ex) {}
  ~impl() {
    if (reader) redisReaderFree(reader);
  }

  asio::any_io_executor ex;
  endpoint ep;
  asio::ip::tcp::resolver resolver;
  asio::ip::tcp::socket sock;
  std::unique_ptr<asio::ssl::context> tls_ctx;
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;
  redisReader* reader = nullptr;
  std::uint64_t generation = 0;  // this connection's: handlers of an older one see another
  bool open = false;             // connected (and the TLS handshake done)
  bool ready = false;            // ... and AUTHed, SELECTed

  struct call {
    done_fn done;
    clock::time_point deadline;
  };
  std::deque<call> calls;  // sent, waiting for their replies, oldest first
  std::string out, writing_buf;
  bool writing = false;
  asio::steady_timer deadline_timer;
  clock::time_point timer_at{};  // the deadline the timer waits for (none: {})
  std::array<char, 16384> rbuf{};

  std::function<void(error_code, std::string)> on_connect;
  asio::steady_timer connect_timer;

  // Completions never run inside our own I/O handlers' bookkeeping (a handler may close or reconnect): posted.
  void complete(done_fn f, error_code ec, reply r) {
    asio::post(ex, [f = std::move(f), ec, r = std::move(r)]() mutable { f(ec, std::move(r)); });
  }
  void post_connect(std::function<void(error_code, std::string)> f, error_code ec, std::string why) {
    asio::post(ex, [f = std::move(f), ec, why = std::move(why)]() mutable { f(ec, std::move(why)); });
  }

  void finish_connect(error_code ec, std::string why) {
    connect_timer.cancel();
    auto f = std::move(on_connect);
    on_connect = nullptr;
    if (ec) drop();
    if (f) post_connect(std::move(f), ec, std::move(why));
  }

  void fail_all(error_code ec) {
    auto pending = std::move(calls);
    calls.clear();
    for (auto& c : pending) complete(std::move(c.done), ec, reply{});
  }

  void drop() {
    ++generation;  // what is still under way on the old socket finds nothing
    open = ready = false;
    error_code ignored;
    resolver.cancel();
    tls.reset();  // no close_notify: the store is gone or too slow to wait for
    sock.close(ignored);
    if (reader) {
      redisReaderFree(reader);
      reader = nullptr;
    }
    out.clear();
    writing_buf.clear();
    writing = false;
    deadline_timer.cancel();
    timer_at = {};
    fail_all(make_error_code(errc::connection_closed));
  }

  std::string where() const { return ep.host + ":" + std::to_string(ep.port); }

  void connect(std::chrono::milliseconds deadline, std::function<void(error_code, std::string)> done) {
    drop();
    if (ep.tls && !tls_ctx) {
      tls_ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      tls_ctx->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1);
      tls_ctx->set_verify_mode(asio::ssl::verify_peer);
      error_code e;
      tls_ctx->set_default_verify_paths(e);
      if (!ep.ca_file.empty()) {
        tls_ctx->load_verify_file(ep.ca_file, e);
        if (e) {
          tls_ctx.reset();
          return post_connect(std::move(done), make_error_code(errc::invalid_argument),
                              "redis: cannot read the CA file " + ep.ca_file + ": " + e.message());
        }
      }
    }
    on_connect = std::move(done);
    const auto gen = generation;
    connect_timer.expires_after(deadline);
    connect_timer.async_wait([w = weak_from_this(), gen](error_code ec) {
      auto self = w.lock();
      if (ec || !self || self->generation != gen || !self->on_connect) return;
      self->finish_connect(make_error_code(errc::connect_timeout), "redis: no connection to " + self->where() +
                                                                       " within the deadline");
    });
    resolver.async_resolve(ep.host, std::to_string(ep.port),
                           [self = shared_from_this(), gen](error_code ec, asio::ip::tcp::resolver::results_type rs) {
                             if (self->generation != gen || !self->on_connect) return;
                             if (ec)
                               return self->finish_connect(make_error_code(errc::connect_failed),
                                                           "redis: cannot resolve " + self->ep.host + ": " + ec.message());
                             self->connect_to(rs, gen);
                           });
  }

  void connect_to(const asio::ip::tcp::resolver::results_type& rs, std::uint64_t gen) {
    asio::async_connect(sock, rs, [self = shared_from_this(), gen](error_code ec, const asio::ip::tcp::endpoint&) {
      if (self->generation != gen || !self->on_connect) return;
      if (ec)
        return self->finish_connect(make_error_code(errc::connect_failed),
                                    "redis: cannot connect to " + self->where() + ": " + ec.message());
      error_code ignored;
      self->sock.set_option(asio::ip::tcp::no_delay(true), ignored);
      if (!self->ep.tls) return self->start(gen);
      self->tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(self->sock, *self->tls_ctx);
      boost::system::error_code not_ip;
      asio::ip::make_address(self->ep.host, not_ip);
      if (not_ip) SSL_set_tlsext_host_name(self->tls->native_handle(), self->ep.host.c_str());  // SNI: names only
      self->tls->set_verify_callback(asio::ssl::host_name_verification(self->ep.host));
      self->tls->async_handshake(asio::ssl::stream_base::client, [self, gen](error_code e) {
        if (self->generation != gen || !self->on_connect) return;
        if (e) {
          const bool verify = e.category() == asio::error::get_ssl_category() &&
                              ERR_GET_REASON(static_cast<unsigned long>(e.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
          return self->finish_connect(make_error_code(verify ? errc::tls_verify_failed : errc::tls_handshake_failed),
                                      "redis: TLS handshake with " + self->where() + " failed: " + e.message());
        }
        self->start(gen);
      });
    });
  }

  void start(std::uint64_t gen) {
    open = true;
    reader = redisReaderCreate();
    read_some(gen);
    handshake();
  }

  template <class F>
  void read_into(F&& f) {
    if (tls) tls->async_read_some(asio::buffer(rbuf), std::forward<F>(f));
    else sock.async_read_some(asio::buffer(rbuf), std::forward<F>(f));
  }
  template <class F>
  void write_out(F&& f) {
    if (tls) asio::async_write(*tls, asio::buffer(writing_buf), std::forward<F>(f));
    else asio::async_write(sock, asio::buffer(writing_buf), std::forward<F>(f));
  }

  void read_some(std::uint64_t gen) {
    read_into([self = shared_from_this(), gen](error_code ec, std::size_t n) {
      if (self->generation != gen) return;
      if (ec) return self->lost("redis: connection closed");
      if (redisReaderFeed(self->reader, self->rbuf.data(), n) != REDIS_OK) return self->lost("redis: unreadable reply");
      while (true) {
        void* r = nullptr;
        if (redisReaderGetReply(self->reader, &r) != REDIS_OK) return self->lost("redis: unreadable reply");
        if (!r) break;
        reply rep = copy(static_cast<redisReply*>(r));
        freeReplyObject(r);
        if (self->calls.empty()) return self->lost("redis: a reply nobody asked for");
        done_fn done = std::move(self->calls.front().done);
        self->calls.pop_front();
        self->complete(std::move(done), error_code{}, std::move(rep));
      }
      self->watch_deadline();
      self->read_some(gen);
    });
  }

  // The connection broke (or spoke nonsense): every call waiting fails with connection_closed.
  void lost(const std::string& why) {
    if (on_connect) return finish_connect(make_error_code(errc::connection_closed), why);
    drop();
  }

  void flush_out() {
    if (writing || out.empty() || !open) return;
    writing_buf.swap(out);
    out.clear();
    writing = true;
    write_out([self = shared_from_this(), gen = generation](error_code ec, std::size_t) {
      if (self->generation != gen) return;
      self->writing = false;
      self->writing_buf.clear();
      if (ec) return self->lost("redis: connection closed");
      self->flush_out();
    });
  }

  // The oldest call's deadline: a call that misses it completes with total_timeout and the
  // connection is dropped (a slow store: its late replies are not waited for). The timer stays
  // armed while calls come and go (every call has the same deadline, so the oldest is due
  // first); when it fires early for a call answered since, it re-arms for the oldest one.
  void watch_deadline() {
    if (calls.empty()) return;
    const auto due = calls.front().deadline;
    if (timer_at != clock::time_point{} && timer_at <= due) return;  // it wakes up in time
    timer_at = due;
    deadline_timer.expires_at(due);
    deadline_timer.async_wait([w = weak_from_this(), gen = generation, due](error_code ec) {
      auto self = w.lock();
      if (ec || !self || self->generation != gen || self->timer_at != due) return;
      self->timer_at = {};
      if (self->calls.empty()) return;
      if (self->calls.front().deadline > clock::now()) return self->watch_deadline();
      done_fn done = std::move(self->calls.front().done);
      self->calls.pop_front();
      self->complete(std::move(done), make_error_code(errc::total_timeout), reply{});
      self->drop();
    });
  }

  // `cmd`: one command in RESP (resp.hpp), pipelined behind the ones not yet answered.
  void send(const std::string& cmd, std::chrono::milliseconds deadline, done_fn done) {
    if (!open) return complete(std::move(done), make_error_code(errc::connection_closed), reply{});
    calls.push_back({std::move(done), clock::now() + deadline});
    out.append(cmd);
    flush_out();
    watch_deadline();
  }

  void handshake() {
    resp_args auth;
    if (!ep.password.empty()) {
      auth.add(std::string_view("AUTH"));
      if (!ep.user.empty()) auth.add(std::string_view(ep.user));
      auth.add(std::string_view(ep.password));
    } else {
      auth.add(std::string_view("PING"));
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(connect_timer.expiry() - std::chrono::steady_clock::now());
    const auto budget = std::max(left, std::chrono::milliseconds(1));
    // Weak: a call held in `calls` must not keep its own impl alive (a cycle when the process ends
    // mid-call). `gen`: the answer of a connection since dropped must not end a newer connect.
    send(resp_command(auth), budget, [w = weak_from_this(), budget, gen = generation](error_code ec, reply r) {
      auto self = w.lock();
      if (!self || self->generation != gen) return;
      if (ec) return self->finish_connect(ec, "redis: no answer to AUTH/PING");
      if (r.k == reply::kind::error) {
        const bool auth = r.str.rfind("NOAUTH", 0) == 0 || r.str.rfind("WRONGPASS", 0) == 0 ||
                          r.str.find("AUTH") != std::string::npos;
        return self->finish_connect(make_error_code(auth ? errc::unauthorized : errc::bad_response),
                                    "redis: " + r.str);
      }
      if (self->ep.db == 0) {
        self->ready = true;
        return self->finish_connect({}, "");
      }
      resp_args select;
      select.add(std::string_view("SELECT")).add(static_cast<long long>(self->ep.db));
      self->send(resp_command(select), budget, [w, gen](error_code e2, reply r2) {
        auto self = w.lock();
        if (!self || self->generation != gen) return;
        if (e2) return self->finish_connect(e2, "redis: no answer to SELECT");
        if (r2.k == reply::kind::error) return self->finish_connect(make_error_code(errc::bad_response), "redis: " + r2.str);
        self->ready = true;
        self->finish_connect({}, "");
      });
    });
  }
};

std::shared_ptr<connection> connection::create(asio::any_io_executor ex, endpoint ep) {
  return std::shared_ptr<connection>(new connection(std::make_shared<impl>(std::move(ex), std::move(ep))));
}

connection::~connection() { impl_->drop(); }

bool connection::connected() const noexcept { return impl_->ready && impl_->open; }

void connection::close() { impl_->drop(); }

void connection::connect(std::chrono::milliseconds deadline, std::function<void(error_code, std::string)> done) {
  impl_->connect(deadline, std::move(done));
}

void connection::command(const std::string& resp, std::chrono::milliseconds deadline, done_fn done) {
  if (!connected()) return impl_->complete(std::move(done), make_error_code(errc::connection_closed), reply{});
  impl_->send(resp, deadline, std::move(done));
}

}  // namespace openrouter::fleet
