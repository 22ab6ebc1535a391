#include "redis_connection.hpp"

#include "resp.hpp"

#include <openrouter/error.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/url/parse.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <charconv>
#include <map>

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

struct connection::impl : std::enable_shared_from_this<connection::impl> {
  impl(asio::any_io_executor e, endpoint p) : ex(std::move(e)), ep(std::move(p)) {}
  asio::any_io_executor ex;
  endpoint ep;
  redisAsyncContext* ac = nullptr;
  bool ready = false;  // connected (and AUTHed, SELECTed)

  // The adapter: hiredis says what it wants to wait for; Asio waits on the socket for it.
  std::unique_ptr<asio::posix::stream_descriptor> sd;
  bool want_read = false, want_write = false, reading = false, writing = false;

  // Calls in flight, by id: hiredis's privdata is the id, so a late reply finds nothing.
  struct call {
    done_fn done;
    std::unique_ptr<asio::steady_timer> timer;
  };
  std::map<std::uint64_t, call> calls;
  std::uint64_t next_call = 1;
  std::function<void(error_code, std::string)> on_connect;
  std::unique_ptr<asio::steady_timer> connect_timer;

  static impl* of(void* p) { return static_cast<impl*>(p); }
  static void add_read(void* p) {
    of(p)->want_read = true;
    of(p)->arm_read();
  }
  static void del_read(void* p) { of(p)->want_read = false; }
  static void add_write(void* p) {
    of(p)->want_write = true;
    of(p)->arm_write();
  }
  static void del_write(void* p) { of(p)->want_write = false; }
  static void cleanup(void* p) {
    impl* i = of(p);
    i->want_read = i->want_write = false;
    if (i->sd) {
      error_code ignored;
      i->sd->cancel(ignored);
      i->sd->release();  // hiredis closes the socket
    }
  }

  void arm_read() {
    if (reading || !want_read || !sd || !ac) return;
    reading = true;
    sd->async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this()](error_code ec) {
      self->reading = false;
      if (ec || !self->ac || !self->want_read) return;
      redisAsyncHandleRead(self->ac);  // may call back, disconnect, free the context
      self->arm_read();
    });
  }
  void arm_write() {
    if (writing || !want_write || !sd || !ac) return;
    writing = true;
    sd->async_wait(asio::posix::stream_descriptor::wait_write, [self = shared_from_this()](error_code ec) {
      self->writing = false;
      if (ec || !self->ac || !self->want_write) return;
      redisAsyncHandleWrite(self->ac);  // the connect completes here too
      self->arm_write();
    });
  }

  static void connected_cb(const redisAsyncContext* c, int status) {
    impl* i = of(c->data);
    if (status != REDIS_OK) {
      i->ac = nullptr;  // hiredis frees the context after this callback
      i->finish_connect(make_error_code(errc::connect_failed), "redis: cannot connect");
      return;
    }
    i->handshake();
  }
  static void disconnected_cb(const redisAsyncContext* c, int) {
    impl* i = of(c->data);
    i->ac = nullptr;  // freed by hiredis after this
    i->ready = false;
    i->fail_all(make_error_code(errc::connection_closed));
    if (i->on_connect) i->finish_connect(make_error_code(errc::connection_closed), "redis: connection closed");
  }
  static void reply_cb(redisAsyncContext*, void* r, void* privdata) {
    // privdata: the impl is not reachable from here without ac->data; use the global map below
    auto* tag = static_cast<std::pair<std::weak_ptr<impl>, std::uint64_t>*>(privdata);
    std::unique_ptr<std::pair<std::weak_ptr<impl>, std::uint64_t>> owned(tag);
    auto self = owned->first.lock();
    if (!self) return;
    auto it = self->calls.find(owned->second);
    if (it == self->calls.end()) return;  // it missed its deadline already
    call c = std::move(it->second);
    self->calls.erase(it);
    if (c.timer) c.timer->cancel();
    if (!r) return self->complete(std::move(c.done), make_error_code(errc::connection_closed), reply{});
    self->complete(std::move(c.done), error_code{}, copy(static_cast<redisReply*>(r)));
  }

  // Completions never run inside hiredis (a handler may close or reconnect): posted.
  void complete(done_fn f, error_code ec, reply r) {
    asio::post(ex, [f = std::move(f), ec, r = std::move(r)]() mutable { f(ec, std::move(r)); });
  }

  void finish_connect(error_code ec, std::string why) {
    if (connect_timer) connect_timer->cancel();
    auto f = std::move(on_connect);
    on_connect = nullptr;
    if (ec) drop();
    if (f) post_connect(std::move(f), ec, std::move(why));
  }
  void post_connect(std::function<void(error_code, std::string)> f, error_code ec, std::string why) {
    asio::post(ex, [f = std::move(f), ec, why = std::move(why)]() mutable { f(ec, std::move(why)); });
  }

  void fail_all(error_code ec) {
    auto pending = std::move(calls);
    calls.clear();
    for (auto& [id, c] : pending) {
      if (c.timer) c.timer->cancel();
      complete(std::move(c.done), ec, reply{});
    }
  }

  void drop() {
    ready = false;
    if (ac) {
      redisAsyncContext* c = ac;
      ac = nullptr;
      cleanup(this);
      // No more adapter calls into this impl: hiredis frees the context and closes the socket.
      c->ev.addRead = c->ev.delRead = c->ev.addWrite = c->ev.delWrite = c->ev.cleanup = nullptr;
      c->ev.data = nullptr;
      c->onDisconnect = nullptr;
      redisAsyncFree(c);  // calls the pending callbacks with no reply
    }
    if (sd) {
      error_code ignored;
      sd->cancel(ignored);
      sd->release();  // never closed here: the socket is hiredis's
    }
    sd.reset();
    fail_all(make_error_code(errc::connection_closed));
  }

  void send(const std::vector<std::string>& argv, std::chrono::milliseconds deadline, done_fn done) {
    resp_args a;
    for (const auto& x : argv) a.add(std::string_view(x));
    send(resp_command(a), deadline, std::move(done));
  }
  // `cmd`: one command in RESP (resp.hpp), sent as it is.
  void send(const std::string& cmd, std::chrono::milliseconds deadline, done_fn done) {
    if (!ac) return complete(std::move(done), make_error_code(errc::connection_closed), reply{});
    const std::uint64_t id = next_call++;
    auto* tag = new std::pair<std::weak_ptr<impl>, std::uint64_t>(weak_from_this(), id);
    if (redisAsyncFormattedCommand(ac, &impl::reply_cb, tag, cmd.data(), cmd.size()) != REDIS_OK) {
      delete tag;
      return complete(std::move(done), make_error_code(errc::connection_closed), reply{});
    }
    call& c = calls[id];
    c.done = std::move(done);
    c.timer = std::make_unique<asio::steady_timer>(ex, deadline);
    c.timer->async_wait([w = weak_from_this(), id](error_code ec) {
      auto self = w.lock();
      if (ec || !self) return;
      auto it = self->calls.find(id);
      if (it == self->calls.end()) return;
      call cl = std::move(it->second);
      self->calls.erase(it);
      self->complete(std::move(cl.done), make_error_code(errc::total_timeout), reply{});
      self->drop();  // a slow store: its late replies are not waited for
    });
  }

  void handshake() {
    std::vector<std::string> auth;
    if (!ep.password.empty()) {
      auth.push_back("AUTH");
      if (!ep.user.empty()) auth.push_back(ep.user);
      auth.push_back(ep.password);
    } else {
      auth = {"PING"};
    }
    const auto left = connect_timer ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                          connect_timer->expiry() - std::chrono::steady_clock::now())
                                    : std::chrono::milliseconds(1000);
    const auto budget = std::max(left, std::chrono::milliseconds(1));
    // Weak: a call held in `calls` must not keep its own impl alive (a cycle when the process ends mid-call).
    send(auth, budget, [w = weak_from_this(), budget](error_code ec, reply r) {
      auto self = w.lock();
      if (!self) return;
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
      self->send(std::vector<std::string>{"SELECT", std::to_string(self->ep.db)}, budget, [w](error_code e2, reply r2) {
        auto self = w.lock();
        if (!self) return;
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

bool connection::connected() const noexcept { return impl_->ready && impl_->ac; }

void connection::close() { impl_->drop(); }

void connection::connect(std::chrono::milliseconds deadline, std::function<void(error_code, std::string)> done) {
  impl& i = *impl_;
  i.drop();
  if (i.ep.tls) {
    // hiredis 0.14 (Debian 12) has no TLS; a TLS-capable hiredis (>= 1.0) would take it here.
    return i.post_connect(std::move(done), make_error_code(errc::invalid_argument),
                "rediss://: this build's hiredis (0.14) has no TLS; use redis:// on a trusted network or a TLS tunnel");
  }
  redisAsyncContext* ac = redisAsyncConnect(i.ep.host.c_str(), i.ep.port);
  if (!ac) return i.post_connect(std::move(done), make_error_code(errc::connect_failed), "redis: out of memory");
  if (ac->err) {
    std::string why = "redis: ";
    why += ac->errstr;
    redisAsyncFree(ac);
    return i.post_connect(std::move(done), make_error_code(errc::connect_failed), std::move(why));
  }
  i.ac = ac;
  ac->data = &i;
  ac->ev.data = &i;
  ac->ev.addRead = &impl::add_read;
  ac->ev.delRead = &impl::del_read;
  ac->ev.addWrite = &impl::add_write;
  ac->ev.delWrite = &impl::del_write;
  ac->ev.cleanup = &impl::cleanup;
  i.sd = std::make_unique<asio::posix::stream_descriptor>(i.ex, ac->c.fd);
  redisAsyncSetConnectCallback(ac, &impl::connected_cb);
  redisAsyncSetDisconnectCallback(ac, &impl::disconnected_cb);
  i.on_connect = std::move(done);
  i.connect_timer = std::make_unique<asio::steady_timer>(i.ex, deadline);
  i.connect_timer->async_wait([w = impl_->weak_from_this()](error_code ec) {
    auto self = w.lock();
    if (ec || !self || !self->on_connect) return;
    self->finish_connect(make_error_code(errc::connect_timeout), "redis: no connection within the deadline");
  });
  // A non-blocking connect completes when the socket is writable.
  impl::add_write(&i);
}

void connection::command(const std::vector<std::string>& argv, std::chrono::milliseconds deadline, done_fn done) {
  if (!connected()) return impl_->complete(std::move(done), make_error_code(errc::connection_closed), reply{});
  impl_->send(argv, deadline, std::move(done));
}

void connection::command(const std::string& resp, std::chrono::milliseconds deadline, done_fn done) {
  if (!connected()) return impl_->complete(std::move(done), make_error_code(errc::connection_closed), reply{});
  impl_->send(resp, deadline, std::move(done));
}

}  // namespace openrouter::fleet
