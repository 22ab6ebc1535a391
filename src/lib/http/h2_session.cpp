#include "h2_session.hpp"

#include "connection.hpp"
#include "exchange.hpp"

#include <openrouter/error.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include <nghttp2/nghttp2.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

namespace openrouter::detail::h2 {
namespace asio = boost::asio;
using boost::system::error_code;
using clock = std::chrono::steady_clock;

namespace {
constexpr std::size_t max_write_batch = 64 * 1024;
constexpr auto write_timeout = std::chrono::seconds(60);
}  // namespace

// A stream's state, touched only on the session's strand (the facade hands over its request
// once, at submit; `available` is the one field read elsewhere).
struct stream_state {
  std::int32_t id = -1;
  std::string body;  // the request body, sent as DATA
  std::size_t body_sent = 0;
  bool sent = false;  // the HEADERS frame went out
  std::uint64_t reads_at_send = 0;  // ... when the session had received this many reads
  // The response, as HTTP/1.1 bytes not yet read.
  std::string head;  // header lines collected from the HEADERS frame
  unsigned status = 0;
  bool head_done = false;
  std::string in;
  std::size_t in_pos = 0;
  std::size_t head_left = 0;  // leading unread bytes of `in` that are the synthesized head
  std::atomic<std::size_t> available{0};
  bool ended = false;  // END_STREAM (or a clean close): reads end with EOF
  error_code error;    // a failure: reads end with it
  bool unprocessed = false;
  std::string detail;
  bool detached = false;  // the facade is gone or closed
  // The read waiting for bytes is parked in a wait on `timer` (until its deadline, or for ever):
  // the handler then belongs to the io_context, which destroys it if it is destroyed first, so
  // a read left pending (and the coroutine frame it resumes, which owns this stream) never keeps
  // itself alive. deliver() and cancellation end the wait with cancel().
  bool parked = false;
  bool cancelled = false;  // the reader's cancellation slot fired while parked
  asio::mutable_buffer read_buf;
  std::optional<asio::steady_timer> timer;
};

struct session::impl {
  impl(session& s, const asio::any_io_executor& ex, std::unique_ptr<connection> c, const options& o, notify_fn n)
      : self(s), strand(asio::make_strand(ex)), conn(std::move(c)), opts(o), notify(std::move(n)) {}
  ~impl() {
    if (ng) nghttp2_session_del(ng);
  }

  session& self;
  asio::strand<asio::any_io_executor> strand;
  std::unique_ptr<connection> conn;
  nghttp2_session* ng = nullptr;
  options opts;
  notify_fn notify;
  std::unordered_map<std::int32_t, std::shared_ptr<stream_state>> streams;
  std::string out;
  std::vector<char> rbuf = std::vector<char>(16 * 1024);
  bool waiting = false;  // the loop waits for input (wake() cancels that wait)
  bool reading = false;  // the loop reads TLS (wake() cancels that read: a record that brings no
                         // data, e.g. a TLS 1.3 session ticket, makes it wait for more input)
  asio::cancellation_signal read_cancel;
  bool dead = false;
  bool usable = true;
  // Without streams (and without settings.ping_idle) the I/O loop ends and the session rests:
  // nothing pending on the io_context. submit() and shutdown() resume it.
  bool resting = false;
  std::size_t max_streams = 0;
  // Liveness (http2_options::ping_interval / ping_timeout) and idle expiry: one timer.
  std::optional<asio::steady_timer> watch;
  clock::time_point last_recv = clock::now();
  std::uint64_t reads = 0;  // reads that brought bytes
  clock::time_point idle_since = clock::now();  // when the last stream ended (or the start)
  clock::time_point ping_sent{};                // a PING awaits its answer since; {}: none
  bool ping_timed_out = false;
  // A stream was reset unanswered (nothing at all arrived since it was sent): the connection
  // may be dead without a word (a peer that lost it, a black hole), and the retry of that very
  // request must not go out on it. It takes no new stream until a frame arrives (the PING sent
  // at once is answered), or is dead once that PING has waited ping_timeout.
  bool suspect = false;

  static impl& of(void* user) { return *static_cast<impl*>(user); }

  void init();
  void wake() {
    if (waiting) {
      error_code e;
      conn->tcp().socket().cancel(e);
    } else if (reading) {
      read_cancel.emit(asio::cancellation_type::terminal);
    }
  }
  void update_pool() {
    std::size_t m = nghttp2_session_get_remote_settings(ng, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    m = std::min<std::size_t>(m, opts.settings.max_streams_per_connection);
    if (m == 0) m = 1;  // a server that allows none still gets one at a time (nghttp2 queues)
    if (m != max_streams && usable) {
      max_streams = m;
      if (notify) notify(self, m, true);
    }
  }
  void unusable() {
    if (!usable) return;
    usable = false;
    if (notify) notify(self, 0, false);
  }

  void arm_watch(std::weak_ptr<session> w);
  void on_watch(const std::weak_ptr<session>& w);
  /// Restarts the I/O loop of a resting session: first, a connection the server closed while
  /// it rested ends here, before anything is written on it (its new streams, never sent, are
  /// provably unprocessed).
  void resume(const std::shared_ptr<session>& s);
  void submit(const std::shared_ptr<session>& s, const std::shared_ptr<stream_state>& st, std::string request);
  /// Wakes the parked read of `st` when it has something to take (bytes, its end, an error).
  void deliver(stream_state& st);
  /// Completes `h` with what `st` has for a read into `b`; false (h untouched) when nothing.
  bool take(stream_state& st, asio::mutable_buffer b, stream::io_handler& h);
  /// Takes what `st` has, else parks the read until deliver(), its cancellation or `deadline`.
  void park(const std::shared_ptr<session>& s, const std::shared_ptr<stream_state>& st, asio::mutable_buffer b,
            stream::io_handler h, clock::time_point deadline);
  void fail_all(error_code cause, const std::string& detail);
  void release(const std::shared_ptr<session>& s, const std::shared_ptr<stream_state>& st);
  /// See `suspect`: the pool gives it no new stream, and a PING goes out unless one is in flight.
  void suspect_dead(const std::shared_ptr<session>& s);
  void consume(stream_state& st, std::size_t data_bytes);
  asio::awaitable<bool> flush(error_code& cause, std::string& detail);
  static asio::awaitable<void> run(std::shared_ptr<session> keep);

  // nghttp2's callbacks
  static int on_header(nghttp2_session*, const nghttp2_frame* f, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* f, void* user);
  static int on_frame_send(nghttp2_session*, const nghttp2_frame* f, void* user);
  static int on_frame_not_send(nghttp2_session*, const nghttp2_frame* f, int lib_error, void* user);
  static int on_data(nghttp2_session*, std::uint8_t flags, std::int32_t id, const std::uint8_t* data, std::size_t len,
                     void* user);
  static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t code, void* user);
  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len, std::uint32_t* flags,
                           nghttp2_data_source* src, void*);
};

namespace {

stream_state* state_of(nghttp2_session* ng, std::int32_t id) {
  return static_cast<stream_state*>(nghttp2_session_get_stream_user_data(ng, id));
}

std::string code_name(std::uint32_t code) {
  std::string s = nghttp2_http2_strerror(code);
  return s + " (" + std::to_string(code) + ")";
}

// Completes an operation on its handler's executor, never inline (the session's strand may be
// inside nghttp2); the handler's cancellation slot is cleared there (where it was installed).
void complete(const asio::any_io_executor& io, stream::io_handler h, error_code ec, std::size_t n) {
  auto slot = asio::get_associated_cancellation_slot(h);
  auto ex = asio::get_associated_executor(h, io);
  asio::post(io, asio::bind_executor(ex, [h = std::move(h), slot, ec, n]() mutable {
               if (slot.is_connected()) slot.clear();
               std::move(h)(ec, n);
             }));
}

}  // namespace

void session::impl::init() {
  nghttp2_session_callbacks* cb = nullptr;
  if (nghttp2_session_callbacks_new(&cb) != 0) throw std::bad_alloc();
  nghttp2_session_callbacks_set_on_header_callback(cb, &impl::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &impl::on_frame_recv);
  nghttp2_session_callbacks_set_on_frame_send_callback(cb, &impl::on_frame_send);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(cb, &impl::on_frame_not_send);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &impl::on_data);
  nghttp2_session_callbacks_set_on_stream_close_callback(cb, &impl::on_close);
  nghttp2_option* opt = nullptr;
  if (nghttp2_option_new(&opt) != 0) {
    nghttp2_session_callbacks_del(cb);
    throw std::bad_alloc();
  }
  // The windows reopen as readers take the bytes (consume()), not as they arrive.
  nghttp2_option_set_no_auto_window_update(opt, 1);
  int rv = nghttp2_session_client_new2(&ng, cb, this, opt);
  nghttp2_option_del(opt);
  nghttp2_session_callbacks_del(cb);
  if (rv != 0) throw std::bad_alloc();
  const std::uint32_t stream_window = std::min<std::uint32_t>(opts.settings.stream_window, NGHTTP2_MAX_WINDOW_SIZE);
  std::array<nghttp2_settings_entry, 3> iv{{{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                            {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, stream_window},
                                            {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}}};
  nghttp2_submit_settings(ng, NGHTTP2_FLAG_NONE, iv.data(), iv.size());
  const std::int32_t conn_window =
      static_cast<std::int32_t>(std::min<std::uint32_t>(opts.settings.connection_window, NGHTTP2_MAX_WINDOW_SIZE));
  nghttp2_session_set_local_window_size(ng, NGHTTP2_FLAG_NONE, 0, conn_window);
  max_streams = 0;  // the pool lends one stream until the server's SETTINGS say how many
}

// ---- the I/O loop --------------------------------------------------------------------------

// Writes everything nghttp2 has to send, in batches; false (cause and detail set) when the
// connection failed.
asio::awaitable<bool> session::impl::flush(error_code& cause, std::string& detail) {
  for (;;) {
    out.clear();
    for (;;) {
      const std::uint8_t* p = nullptr;
      ssize_t n = nghttp2_session_mem_send(ng, &p);
      if (n < 0) {
        cause = make_error_code(errc::connection_reset);
        detail = std::string("HTTP/2: ") + nghttp2_strerror(static_cast<int>(n));
        co_return false;
      }
      if (n == 0) break;
      out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
      if (out.size() >= max_write_batch) break;
    }
    if (out.empty()) co_return true;
    error_code e;
    conn->tcp().expires_after(write_timeout);
    asio::awaitable<std::size_t> op = conn->visit(
        [&](auto& s) { return asio::async_write(s, asio::buffer(out), asio::redirect_error(asio::use_awaitable, e)); });
    co_await std::move(op);
    conn->tcp().expires_never();
    if (e) {
      cause = make_error_code(errc::connection_reset);
      detail = "write to " + conn->peer() + ": " + system_reason(e);
      co_return false;
    }
  }
}

asio::awaitable<void> session::impl::run(std::shared_ptr<session> keep) {
  impl& m = *keep->im_;
  error_code cause;
  std::string detail;
  for (;;) {
    asio::awaitable<bool> flushed = m.flush(cause, detail);
    if (!co_await std::move(flushed) || m.dead) break;
    if (nghttp2_session_want_read(m.ng) == 0 && nghttp2_session_want_write(m.ng) == 0) break;
    if (nghttp2_session_want_write(m.ng) != 0) continue;
    if (m.streams.empty() && !m.opts.settings.ping_idle && m.ping_sent == clock::time_point{} &&
        !(m.conn->is_tls() && m.conn->tls_buffered())) {
      // Nothing to wait for: rest with no I/O pending (the caller's io_context::run() may
      // return); the next stream, or shutdown(), resumes the loop.
      m.resting = true;
      if (m.watch) m.watch->cancel();
      co_return;
    }
    if (!(m.conn->is_tls() && m.conn->tls_buffered())) {
      error_code e;
      m.waiting = true;
      co_await m.conn->tcp().socket().async_wait(asio::socket_base::wait_read, asio::redirect_error(asio::use_awaitable, e));
      m.waiting = false;
      if (m.dead) break;
      if (e == asio::error::operation_aborted) continue;  // wake(): something to write
      if (e) {
        cause = make_error_code(errc::connection_reset);
        detail = "read from " + m.conn->peer() + ": " + system_reason(e);
        break;
      }
    }
    error_code e;
    asio::awaitable<std::size_t> op = m.conn->visit([&](auto& s) {
      if constexpr (std::is_same_v<std::decay_t<decltype(s)>, tls_stream>)
        return s.async_read_some(asio::buffer(m.rbuf), asio::bind_cancellation_slot(m.read_cancel.slot(),
                                                                                     asio::redirect_error(asio::use_awaitable, e)));
      else
        return s.async_read_some(asio::buffer(m.rbuf), asio::redirect_error(asio::use_awaitable, e));
    });
    m.reading = true;
    const std::size_t n = co_await std::move(op);
    m.reading = false;
    if (e == asio::error::operation_aborted && !m.dead && n == 0) continue;  // wake(): something to write
    if (n > 0) {
      m.last_recv = clock::now();
      ++m.reads;
      if (m.suspect) {  // alive after all: it takes new streams again
        m.suspect = false;
        if (m.usable && m.notify) m.notify(m.self, m.max_streams, true);
      }
      if (m.ping_sent != clock::time_point{}) {  // any frame proves the peer alive: the next PING is due
        m.ping_sent = {};                        // ping_interval from now, not ping_timeout
        m.arm_watch(keep);
      }
      ssize_t rv = nghttp2_session_mem_recv(m.ng, reinterpret_cast<const std::uint8_t*>(m.rbuf.data()), n);
      if (rv < 0) {
        cause = make_error_code(errc::connection_reset);
        detail = "HTTP/2 protocol error from " + m.conn->peer() + ": " + nghttp2_strerror(static_cast<int>(rv));
        // Tell the server why (GOAWAY), best effort.
        nghttp2_session_terminate_session(m.ng, NGHTTP2_PROTOCOL_ERROR);
        error_code ignored;
        std::string ignored_detail;
        asio::awaitable<bool> last = m.flush(ignored, ignored_detail);
        co_await std::move(last);
        break;
      }
    }
    if (e) {
      cause = make_error_code(e == asio::error::eof || e == asio::ssl::error::stream_truncated ? errc::connection_closed
                                                                                               : errc::connection_reset);
      detail = "read from " + m.conn->peer() + ": " +
               (cause == errc::connection_closed ? std::string("the server closed the connection") : system_reason(e));
      break;
    }
  }
  m.dead = true;
  if (m.watch) m.watch->cancel();
  if (m.ping_timed_out) {
    cause = make_error_code(errc::connection_closed);
    detail = "no answer from " + m.conn->peer() + " to a PING within " +
             std::to_string(m.opts.settings.ping_timeout.count()) + " ms: the HTTP/2 connection is dead";
  }
  m.unusable();
  m.fail_all(cause ? cause : make_error_code(errc::connection_closed),
             detail.empty() ? "the HTTP/2 connection to " + m.conn->peer() + " ended" : detail);
  m.conn->close();
}

// ---- liveness and idle expiry ----------------------------------------------------------------

// One timer: it fires when the next PING is due (nothing received for ping_interval), when the
// PING in flight has waited ping_timeout, or when the session has been without streams for
// idle_timeout, whichever comes first. A timer that fires early just re-arms.
void session::impl::arm_watch(std::weak_ptr<session> w) {
  if (dead || resting) return;
  const auto& s = opts.settings;
  const bool idle_watch = s.ping_idle && opts.idle_timeout.count() > 0;
  clock::time_point next = clock::time_point::max();
  if (ping_sent != clock::time_point{})
    next = ping_sent + s.ping_timeout;
  else if (s.ping_interval.count() > 0 && (s.ping_idle || !streams.empty()))
    next = last_recv + s.ping_interval;
  if (idle_watch && streams.empty()) next = std::min(next, idle_since + opts.idle_timeout);
  if (next == clock::time_point::max()) {
    // Nothing to watch now: a new stream re-arms (resume(), or the next frame received).
    if (!idle_watch) return;
    next = clock::now() + opts.idle_timeout;
  }
  if (!watch) watch.emplace(strand);
  watch->expires_at(next);
  watch->async_wait(asio::bind_executor(strand, [w = std::move(w)](error_code e) {
    if (e) return;
    if (auto p = w.lock()) p->im_->on_watch(w);
  }));
}

void session::impl::on_watch(const std::weak_ptr<session>& w) {
  if (dead || resting) return;
  const auto now = clock::now();
  const auto& s = opts.settings;
  if (s.ping_idle && opts.idle_timeout.count() > 0 && streams.empty() && now - idle_since >= opts.idle_timeout &&
      usable) {
    unusable();  // the pool forgets it; GOAWAY, then the loop ends once it is written
    nghttp2_session_terminate_session(ng, NGHTTP2_NO_ERROR);
    wake();
    return;
  }
  if (ping_sent != clock::time_point{}) {
    if (now - ping_sent >= s.ping_timeout) {
      // The peer is gone without a word: end the I/O at once (a write may be stuck too).
      ping_timed_out = true;
      dead = true;
      error_code ignored;
      conn->tcp().socket().cancel(ignored);
      return;
    }
  } else if (s.ping_interval.count() > 0 && now - last_recv >= s.ping_interval && (s.ping_idle || !streams.empty())) {
    if (nghttp2_submit_ping(ng, NGHTTP2_FLAG_NONE, nullptr) == 0) {
      ping_sent = now;
      wake();
    }
  }
  arm_watch(w);
}

void session::impl::resume(const std::shared_ptr<session>& s) {
  if (!resting || dead) return;
  resting = false;
  // The server may have closed the connection while it rested (its idle timeout: GOAWAY, then
  // FIN): the peer's shutdown shows as POLLRDHUP even behind unread bytes.
  pollfd p{};
  p.fd = conn->tcp().socket().native_handle();
  p.events = POLLIN | POLLRDHUP;
  if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
    dead = true;
    unusable();
    fail_all(make_error_code(errc::connection_closed),
             "the HTTP/2 connection to " + conn->peer() + " was closed by the server while it was idle");
    conn->close();
    return;
  }
  asio::co_spawn(strand, run(s), asio::detached);
  arm_watch(s);
}

// ---- streams -------------------------------------------------------------------------------

void session::impl::submit(const std::shared_ptr<session>& s, const std::shared_ptr<stream_state>& st,
                           std::string request) {
  if (st->detached) return;
  auto refuse = [&](std::string why) {
    st->error = make_error_code(errc::stream_refused);
    st->unprocessed = true;
    st->detail = std::move(why);
    deliver(*st);
  };
  if (dead || !usable) return refuse("the HTTP/2 connection takes no new streams (GOAWAY or closed)");
  // The head the exchange wrote: "METHOD TARGET HTTP/1.1", then "Name: value" lines.
  const std::size_t head_end = request.find("\r\n\r\n");
  if (head_end == std::string::npos) return refuse("incomplete request head");
  std::string_view head(request.data(), head_end);
  st->body = request.substr(head_end + 4);
  std::vector<std::string> store;  // lower-case names
  store.reserve(24);
  std::vector<nghttp2_nv> nv;
  nv.reserve(24);
  auto add = [&](std::string_view name, std::string_view value, bool sensitive = false) {
    nghttp2_nv x;
    x.name = reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data()));
    x.namelen = name.size();
    x.value = reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data()));
    x.valuelen = value.size();
    // The key is never put into the HPACK dynamic table (nor an intermediary's).
    x.flags = sensitive ? NGHTTP2_NV_FLAG_NO_INDEX : NGHTTP2_NV_FLAG_NONE;
    nv.push_back(x);
  };
  std::size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1) return refuse("malformed request line");
  add(":method", line.substr(0, sp1));
  add(":scheme", opts.tls ? std::string_view("https") : std::string_view("http"));
  add(":path", line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view authority;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  while (eol != std::string_view::npos) {
    const std::size_t start = eol + 2;
    eol = head.find("\r\n", start);
    std::string_view l = head.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    const std::size_t colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = l.substr(0, colon), value = l.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    fields.emplace_back(name, value);
  }
  for (auto [name, value] : fields) {
    std::string& lower = store.emplace_back(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "host") {
      authority = value;
      continue;
    }
    // Connection-specific fields have no place in HTTP/2 (RFC 9113 §8.2.2).
    if (lower == "connection" || lower == "keep-alive" || lower == "transfer-encoding" || lower == "upgrade" ||
        lower == "proxy-connection")
      continue;
    add(lower, value, lower == "authorization");
  }
  add(":authority", authority);
  // :authority must precede the regular fields (pseudo-headers first).
  std::rotate(nv.begin() + 3, nv.end() - 1, nv.end());
  nghttp2_data_provider prd{};
  prd.source.ptr = st.get();
  prd.read_callback = &impl::read_body;
  const bool has_body = !st->body.empty();
  std::int32_t id = nghttp2_submit_request(ng, nullptr, nv.data(), nv.size(), has_body ? &prd : nullptr, st.get());
  if (id < 0) return refuse(std::string("HTTP/2: ") + nghttp2_strerror(id));
  st->id = id;
  streams.emplace(id, st);
  self.opened_.fetch_add(1);
  wake();
  if (resting) resume(s);
  else if (streams.size() == 1) arm_watch(s);  // the first stream: PINGs are due again
}

ssize_t session::impl::read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len,
                                 std::uint32_t* flags, nghttp2_data_source* src, void*) {
  auto& st = *static_cast<stream_state*>(src->ptr);
  std::size_t n = std::min(len, st.body.size() - st.body_sent);
  std::memcpy(buf, st.body.data() + st.body_sent, n);
  st.body_sent += n;
  if (st.body_sent == st.body.size()) {
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    std::string().swap(st.body);
    st.body_sent = 0;
  }
  return static_cast<ssize_t>(n);
}

void session::impl::consume(stream_state& st, std::size_t data_bytes) {
  if (data_bytes == 0 || dead) return;
  nghttp2_session_consume_connection(ng, data_bytes);
  if (st.id > 0 && !st.ended && !st.error && nghttp2_session_find_stream(ng, st.id))
    nghttp2_session_consume_stream(ng, st.id, data_bytes);
  if (nghttp2_session_want_write(ng)) wake();
}

void session::impl::deliver(stream_state& st) {
  st.available.store(st.in.size() - st.in_pos, std::memory_order_relaxed);
  if (st.parked && (st.in.size() > st.in_pos || st.ended || st.error)) st.timer->cancel();  // the reader takes it
}

bool session::impl::take(stream_state& st, asio::mutable_buffer b, stream::io_handler& h) {
  const std::size_t have = st.in.size() - st.in_pos;
  if (have == 0 && !st.ended && !st.error) return false;
  if (have > 0) {
    const std::size_t n = std::min(have, b.size());
    std::memcpy(b.data(), st.in.data() + st.in_pos, n);
    st.in_pos += n;
    const std::size_t head_part = std::min(n, st.head_left);
    st.head_left -= head_part;
    if (st.in_pos == st.in.size()) {  // drained: a stream waiting for its next bytes holds none
      std::string().swap(st.in);
      st.in_pos = 0;
    }
    st.available.store(st.in.size() - st.in_pos, std::memory_order_relaxed);
    consume(st, n - head_part);
    complete(strand.get_inner_executor(), std::move(h), {}, n);
    return true;
  }
  complete(strand.get_inner_executor(), std::move(h), st.error ? st.error : error_code(asio::error::eof), 0);
  return true;
}

void session::impl::park(const std::shared_ptr<session>& s, const std::shared_ptr<stream_state>& st,
                         asio::mutable_buffer b, stream::io_handler h, clock::time_point deadline) {
  if (take(*st, b, h)) return;
  if (!st->timer) st->timer.emplace(strand);
  st->parked = true;
  st->cancelled = false;
  st->read_buf = b;
  st->timer->expires_at(deadline);
  st->timer->async_wait(asio::bind_executor(strand, [s, st, h = std::move(h)](error_code e) mutable {
    impl& m = *s->im_;
    st->parked = false;
    if (st->cancelled) return complete(m.strand.get_inner_executor(), std::move(h), asio::error::operation_aborted, 0);
    if (m.take(*st, st->read_buf, h)) return;
    if (!e && clock::now() >= st->timer->expiry())
      return complete(m.strand.get_inner_executor(), std::move(h), boost::beast::error::timeout, 0);
    m.park(s, st, st->read_buf, std::move(h), st->timer->expiry());  // woken with nothing: wait on
  }));
}

void session::impl::fail_all(error_code cause, const std::string& detail) {
  auto all = std::move(streams);
  streams.clear();
  for (auto& [id, st] : all) {
    if (!st->ended && !st->error) {
      if (!st->sent) {  // the request never left: provably unprocessed
        st->error = make_error_code(errc::stream_refused);
        st->unprocessed = true;
      } else {
        st->error = cause;
      }
      st->detail = detail;
    }
    deliver(*st);
  }
}

void session::impl::release(const std::shared_ptr<session>& s, const std::shared_ptr<stream_state>& st) {
  st->detached = true;
  const std::size_t unread = st->in.size() - st->in_pos;
  const std::size_t data_unread = unread - std::min(unread, st->head_left);
  if (!dead) {
    nghttp2_session_consume_connection(ng, data_unread);
    if (st->id > 0 && nghttp2_session_find_stream(ng, st->id) && !st->ended && !st->error) {
      nghttp2_submit_rst_stream(ng, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_CANCEL);
      // Given up on with nothing heard since it was sent (a timeout, most often): is anyone there?
      if (st->sent && reads == st->reads_at_send) suspect_dead(s);
    }
    wake();
  }
  std::string().swap(st->in);
  st->in_pos = st->head_left = 0;
  if (st->parked) {
    st->error = asio::error::operation_aborted;
    deliver(*st);
  }
}

void session::impl::suspect_dead(const std::shared_ptr<session>& s) {
  if (suspect || !usable || opts.settings.ping_timeout.count() <= 0) return;
  suspect = true;
  if (notify) notify(self, 0, true);  // no new stream (those it carries go on)
  if (ping_sent == clock::time_point{} && nghttp2_submit_ping(ng, NGHTTP2_FLAG_NONE, nullptr) == 0) {
    ping_sent = clock::now();
    arm_watch(s);
  }
}

// ---- nghttp2's callbacks -------------------------------------------------------------------

int session::impl::on_header(nghttp2_session* ng, const nghttp2_frame* f, const std::uint8_t* name, std::size_t namelen,
                             const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void* user) {
  if (f->hd.type != NGHTTP2_HEADERS) return 0;
  stream_state* st = state_of(ng, f->hd.stream_id);
  if (!st || st->head_done) return 0;  // trailers: not passed on
  std::string_view n(reinterpret_cast<const char*>(name), namelen), v(reinterpret_cast<const char*>(value), valuelen);
  if (n == ":status") {
    unsigned s = 0;
    std::from_chars(v.data(), v.data() + v.size(), s);
    st->status = s;
    return 0;
  }
  if (!n.empty() && n.front() == ':') return 0;
  // The head an exchange would refuse anyway, refused before it is held: a header flood (or an
  // HPACK bomb) costs at most this much memory. nghttp2 resets the stream.
  if (st->head.size() + n.size() + v.size() + 4 > exchange::limits{}.head) {
    st->error = make_error_code(errc::response_too_large);
    st->detail = "the HTTP/2 response head exceeds " + std::to_string(exchange::limits{}.head / 1024) + " KiB";
    std::string().swap(st->head);
    of(user).deliver(*st);
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  }
  st->head.append(n);
  st->head += ": ";
  st->head.append(v);
  st->head += "\r\n";
  return 0;
}

int session::impl::on_frame_recv(nghttp2_session* ng, const nghttp2_frame* f, void* user) {
  impl& m = of(user);
  switch (f->hd.type) {
    case NGHTTP2_SETTINGS:
      if ((f->hd.flags & NGHTTP2_FLAG_ACK) == 0) m.update_pool();
      return 0;
    case NGHTTP2_GOAWAY:
      // Streams above last_stream_id are closed by nghttp2 with REFUSED_STREAM (unprocessed);
      // the others may still finish.
      m.unusable();
      return 0;
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA:
      break;
    default:
      return 0;
  }
  stream_state* st = state_of(ng, f->hd.stream_id);
  if (!st) return 0;
  if (f->hd.type == NGHTTP2_HEADERS && (f->hd.flags & NGHTTP2_FLAG_END_HEADERS) != 0 && !st->head_done &&
      !st->error) {
    if (st->status >= 100 && st->status < 200) {  // an interim response: the final one follows
      st->head.clear();
      st->status = 0;
    } else if (!st->detached) {
      std::string h = "HTTP/1.1 " + std::to_string(st->status) + " H2\r\n";
      h += st->head;
      h += "\r\n";
      std::string().swap(st->head);
      st->head_done = true;
      st->head_left += h.size();
      st->in.append(h);
    }
  }
  if ((f->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0) st->ended = true;
  m.deliver(*st);
  return 0;
}

int session::impl::on_frame_send(nghttp2_session* ng, const nghttp2_frame* f, void* user) {
  if (f->hd.type == NGHTTP2_HEADERS)
    if (stream_state* st = state_of(ng, f->hd.stream_id)) {
      st->sent = true;
      st->reads_at_send = of(user).reads;
    }
  return 0;
}

int session::impl::on_frame_not_send(nghttp2_session* ng, const nghttp2_frame* f, int lib_error, void* user) {
  if (f->hd.type != NGHTTP2_HEADERS) return 0;
  stream_state* st = state_of(ng, f->hd.stream_id);
  if (!st || st->error) return 0;
  st->error = make_error_code(errc::stream_refused);
  st->unprocessed = true;
  st->detail = std::string("HTTP/2: the request could not be sent: ") + nghttp2_strerror(lib_error);
  of(user).deliver(*st);
  return 0;
}

int session::impl::on_data(nghttp2_session* ng, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                           std::size_t len, void* user) {
  impl& m = of(user);
  stream_state* st = state_of(ng, id);
  if (!st || st->detached) {  // nobody reads it: the window reopens at once
    nghttp2_session_consume_connection(ng, len);
    return 0;
  }
  st->in.append(reinterpret_cast<const char*>(data), len);
  m.deliver(*st);
  return 0;
}

int session::impl::on_close(nghttp2_session* ng, std::int32_t id, std::uint32_t code, void* user) {
  impl& m = of(user);
  auto it = m.streams.find(id);
  if (it == m.streams.end()) return 0;
  std::shared_ptr<stream_state> st = std::move(it->second);
  m.streams.erase(it);
  if (m.streams.empty()) m.idle_since = clock::now();
  (void)ng;
  if (!st->ended && !st->error) {
    if (code == NGHTTP2_NO_ERROR) {
      st->ended = true;
    } else if (code == NGHTTP2_REFUSED_STREAM) {
      st->error = make_error_code(errc::stream_refused);
      st->unprocessed = true;
      st->detail = "RST_STREAM " + code_name(code) + " (or GOAWAY below the stream): the server did not process it";
    } else if (st->detached) {
      st->error = asio::error::operation_aborted;
    } else {
      st->error = make_error_code(errc::stream_reset);
      st->detail = "RST_STREAM " + code_name(code);
    }
  }
  m.deliver(*st);
  return 0;
}

// ---- session ---------------------------------------------------------------------------------

session::session(const asio::any_io_executor& ex, std::unique_ptr<connection> c, const options& o, notify_fn notify)
    : peer_(c->peer()), resumed_(c->resumed()) {
  im_ = std::make_unique<impl>(*this, ex, std::move(c), o, std::move(notify));
  im_->init();
}

session::~session() = default;

std::shared_ptr<session> session::start(const asio::any_io_executor& ex, std::unique_ptr<connection> c,
                                        const options& o, notify_fn notify) {
  auto s = std::make_shared<session>(ex, std::move(c), o, std::move(notify));
  asio::co_spawn(s->im_->strand, impl::run(s), asio::detached);
  asio::dispatch(s->im_->strand, [w = std::weak_ptr<session>(s)] {
    if (auto p = w.lock()) p->im_->arm_watch(w);
  });
  return s;
}

std::unique_ptr<stream> session::open_stream() {
  return std::make_unique<stream>(shared_from_this(), std::make_shared<stream_state>());
}

void session::shutdown() noexcept {
  try {
    asio::post(im_->strand, [s = shared_from_this()] {
      impl& m = *s->im_;
      if (m.dead) return;
      m.unusable();
      nghttp2_session_terminate_session(m.ng, NGHTTP2_NO_ERROR);
      m.wake();
      m.resume(s);  // a resting session writes its GOAWAY, then closes
    });
  } catch (...) {
  }
}

// ---- stream ----------------------------------------------------------------------------------

stream::stream(std::shared_ptr<session> s, std::shared_ptr<stream_state> st) : session_(std::move(s)), st_(std::move(st)) {}

stream::~stream() { close(); }

stream::executor_type stream::get_executor() noexcept { return session_->im_->strand.get_inner_executor(); }

void stream::close() noexcept {
  if (!st_) return;
  try {
    asio::post(session_->im_->strand, [s = session_, st = std::move(st_)] { s->im_->release(s, st); });
  } catch (...) {
  }
  st_.reset();
}

bool stream::unprocessed() const noexcept { return st_ && st_->unprocessed; }
std::string stream::failure_detail() const { return st_ ? st_->detail : std::string(); }
std::size_t stream::available() const noexcept { return st_ ? st_->available.load(std::memory_order_relaxed) : 0; }

void stream::start_write(std::string&& bytes, io_handler h) {
  const std::size_t n = bytes.size();
  if (!st_) return complete(get_executor(), std::move(h), asio::error::operation_aborted, 0);
  if (!submitted_) {
    request_ += bytes;
    // The request is complete once its head is and the body its Content-Length announces.
    const std::size_t head_end = request_.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::size_t length = 0;
      std::string_view head(request_.data(), head_end);
      for (std::string_view key : {std::string_view("\r\nContent-Length: "), std::string_view("\r\ncontent-length: ")})
        if (auto at = head.find(key); at != std::string_view::npos) {
          auto v = head.substr(at + key.size());
          std::from_chars(v.data(), v.data() + v.size(), length);
        }
      if (request_.size() >= head_end + 4 + length) {
        submitted_ = true;
        asio::dispatch(session_->im_->strand, [s = session_, st = st_, r = std::move(request_)]() mutable {
          s->im_->submit(s, st, std::move(r));
        });
        request_.clear();
      }
    }
  }
  complete(get_executor(), std::move(h), {}, n);
}

namespace {
struct read_canceller {
  std::weak_ptr<session> s;
  std::weak_ptr<stream_state> st;
  void operator()(asio::cancellation_type) const;
};
}  // namespace

void stream::start_read(asio::mutable_buffer b, io_handler h) {
  if (!st_) return complete(get_executor(), std::move(h), asio::error::operation_aborted, 0);
  if (b.size() == 0) return complete(get_executor(), std::move(h), {}, 0);
  auto slot = asio::get_associated_cancellation_slot(h);
  if (slot.is_connected()) slot.template emplace<read_canceller>(read_canceller{session_, st_});
  asio::dispatch(session_->im_->strand, [s = session_, st = st_, b, h = std::move(h), deadline = deadline_]() mutable {
    session::impl& m = *s->im_;
    if (st->parked) return complete(m.strand.get_inner_executor(), std::move(h), asio::error::in_progress, 0);
    m.park(s, st, b, std::move(h), deadline);
  });
}

namespace {
void read_canceller::operator()(asio::cancellation_type) const {
  auto sp = s.lock();
  auto stp = st.lock();
  if (!sp || !stp) return;
  asio::dispatch(sp->im_->strand, [stp] {
    if (!stp->parked) return;
    stp->cancelled = true;
    stp->timer->cancel();
  });
}
}  // namespace

}  // namespace openrouter::detail::h2
