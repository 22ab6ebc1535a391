#include "h2_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <nghttp2/nghttp2.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

namespace openrouter::mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned inlen,
                void* arg) {
  const bool h2 = *static_cast<const bool*>(arg);
  auto offered = [&](std::string_view proto) {
    for (unsigned i = 0; i < inlen;) {
      const unsigned len = in[i];
      if (i + 1 + len > inlen) break;
      if (std::string_view(reinterpret_cast<const char*>(in + i + 1), len) == proto) {
        *out = in + i + 1;
        *outlen = static_cast<unsigned char>(len);
        return true;
      }
      i += 1 + len;
    }
    return false;
  };
  if ((h2 && offered("h2")) || offered("http/1.1")) return SSL_TLSEXT_ERR_OK;
  return SSL_TLSEXT_ERR_NOACK;
}

// One connection's session. Everything runs on the connection's strand: the reader (run()), the
// writer and one coroutine per stream that plays its reply.
template <class Stream>
class h2_server : public std::enable_shared_from_this<h2_server<Stream>> {
 public:
  h2_server(Stream& s, mock_state& state, answer_fn answer)
      : s_(s), state_(state), answer_(std::move(answer)), wake_(s.get_executor()), done_(s.get_executor()) {}
  ~h2_server() {
    if (ng_) nghttp2_session_del(ng_);
  }

  asio::awaitable<void> run(std::string preread) {
    if (!init()) co_return;
    ++state_.h2_connections;
    auto self = this->shared_from_this();
    asio::co_spawn(s_.get_executor(), writer(self), asio::detached);
    bool ok = feed(preread);
    std::vector<char> buf(16 * 1024);
    while (ok && !closed_) {
      error_code ec;
      std::size_t n = co_await s_.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (n > 0) ok = feed(std::string_view(buf.data(), n));
      if (ec) break;
    }
    closed_ = true;
    for (auto& [id, sd] : streams_) stop_stream(*sd);
    wake_.cancel();
    error_code ignored;
    beast::get_lowest_layer(s_).socket().close(ignored);
    // The writer and the streams' coroutines use the stream: wait until they are all gone.
    while (live_ > 0) {
      done_.expires_after(1s);
      co_await done_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
  }

 private:
  struct stream_data {
    std::int32_t id = 0;
    std::string method, path, body;
    header_map headers;
    std::string out;  // response body bytes not yet taken by nghttp2
    std::size_t out_pos = 0;
    bool out_eof = false;
    bool deferred = false;
    bool closed = false;
    bool finished = false;
    bool answered = false;  // a 413 went out before the request's end: the rest is dropped
    std::string generation_id;
    std::unique_ptr<asio::steady_timer> timer;
  };
  struct live_guard {
    h2_server& s;
    explicit live_guard(h2_server& x) : s(x) { ++s.live_; }
    ~live_guard() {
      if (--s.live_ == 0 && s.closed_) s.done_.cancel();
    }
  };

  static h2_server& of(void* p) { return *static_cast<h2_server*>(p); }

  bool init() {
    nghttp2_session_callbacks* cb = nullptr;
    if (nghttp2_session_callbacks_new(&cb) != 0) return false;
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, &h2_server::on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, &h2_server::on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, &h2_server::on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, &h2_server::on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, &h2_server::on_close);
    const auto& f = state_.options().h2;
    nghttp2_option* opt = nullptr;
    if (nghttp2_option_new(&opt) != 0) {
      nghttp2_session_callbacks_del(cb);
      return false;
    }
    nghttp2_option_set_no_auto_ping_ack(opt, f.answer_pings ? 0 : 1);
    // nghttp2 sends no header block over 64 KiB by default; the header-flood fault needs more.
    if (f.response_header_bytes > 0)
      nghttp2_option_set_max_send_header_block_length(opt, f.response_header_bytes + (64u << 10));
    int rv = nghttp2_session_server_new2(&ng_, cb, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
    if (rv != 0) return false;
    std::array<nghttp2_settings_entry, 2> iv{{{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, f.max_concurrent_streams},
                                              {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, f.initial_window_size}}};
    nghttp2_submit_settings(ng_, NGHTTP2_FLAG_NONE, iv.data(), iv.size());
    return true;
  }

  bool feed(std::string_view bytes) {
    if (bytes.empty()) return true;
    ssize_t rv = nghttp2_session_mem_recv(ng_, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    wake();
    return rv >= 0;
  }

  void wake() { wake_.cancel(); }

  static asio::awaitable<void> writer(std::shared_ptr<h2_server> self) {
    h2_server& m = *self;
    live_guard g(m);
    std::string out;
    while (!m.closed_) {
      out.clear();
      for (;;) {
        const std::uint8_t* p = nullptr;
        ssize_t n = nghttp2_session_mem_send(m.ng_, &p);
        if (n <= 0) break;
        out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
        if (out.size() >= 64 * 1024) break;
      }
      if (!out.empty()) {
        // No deadline: a TCP stream's timer is shared by the reads and writes that run at the
        // same time here (server::stop() ends a stuck connection).
        error_code ec;
        co_await asio::async_write(m.s_, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        continue;
      }
      if (nghttp2_session_want_read(m.ng_) == 0 && nghttp2_session_want_write(m.ng_) == 0) break;  // GOAWAY done
      // Without streams, the connection waits idle_timeout for the next one (as a keep-alive
      // HTTP/1.1 connection does), then says GOAWAY and closes.
      const auto idle = m.state_.options().idle_timeout;
      const bool idle_now = m.streams_.empty() && idle.count() > 0;
      m.wake_.expires_at(idle_now ? std::chrono::steady_clock::now() + idle : asio::steady_timer::time_point::max());
      error_code ec;
      co_await m.wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && idle_now && m.streams_.empty() && !m.closed_) {
        ++m.state_.connections_timed_out;
        nghttp2_session_terminate_session(m.ng_, NGHTTP2_NO_ERROR);
      }
    }
    // The reader ends when the socket does.
    m.closed_ = true;
    error_code ignored;
    beast::get_lowest_layer(m.s_).socket().shutdown(asio::socket_base::shutdown_both, ignored);
  }

  void stop_stream(stream_data& sd) {
    sd.closed = true;
    if (sd.timer) sd.timer->cancel();
  }

  // Sleeps until `t`; false when the stream (or the connection) ended meanwhile.
  // A stall (200 ms or more, as on HTTP/1.1) cut short by the client's RST_STREAM counts in
  // server_stats::peer_closed_during_stall: the client gave up and the mock stopped.
  asio::awaitable<bool> sleep_until(stream_data& sd, std::chrono::steady_clock::time_point t) {
    const auto now = std::chrono::steady_clock::now();
    if (t > now) {
      if (!sd.timer) sd.timer = std::make_unique<asio::steady_timer>(s_.get_executor());
      sd.timer->expires_at(t);
      error_code ec;
      co_await sd.timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (sd.closed && !closed_ && t - now >= std::chrono::milliseconds(200) && std::chrono::steady_clock::now() < t)
        ++state_.peer_closed_during_stall;
    }
    co_return !sd.closed && !closed_;
  }

  void push(stream_data& sd, std::string_view bytes, bool eof) {
    sd.out.append(bytes);
    sd.out_eof = sd.out_eof || eof;
    if (sd.deferred && !sd.closed) {
      sd.deferred = false;
      nghttp2_session_resume_data(ng_, sd.id);
    }
    wake();
  }

  void reset(stream_data& sd, std::uint32_t code) {
    if (sd.closed) return;
    nghttp2_submit_rst_stream(ng_, NGHTTP2_FLAG_NONE, sd.id, code);
    wake();
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len, std::uint32_t* flags,
                           nghttp2_data_source* src, void*) {
    auto& sd = *static_cast<stream_data*>(src->ptr);
    const std::size_t n = std::min(len, sd.out.size() - sd.out_pos);
    std::memcpy(buf, sd.out.data() + sd.out_pos, n);
    sd.out_pos += n;
    if (sd.out_pos == sd.out.size()) {
      sd.out.clear();
      sd.out_pos = 0;
      if (sd.out_eof) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        sd.finished = true;
      } else if (n == 0) {
        sd.deferred = true;
        return NGHTTP2_ERR_DEFERRED;
      }
    }
    return static_cast<ssize_t>(n);
  }

  void respond(stream_data& sd, const http_reply& r, bool with_length, std::size_t length) {
    std::vector<std::string> store;
    store.reserve(r.headers.size() + 3);
    std::vector<nghttp2_nv> nv;
    auto add = [&](std::string_view n, std::string_view v) {
      nghttp2_nv x;
      x.name = reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data()));
      x.namelen = n.size();
      x.value = reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data()));
      x.valuelen = v.size();
      x.flags = NGHTTP2_NV_FLAG_NONE;
      nv.push_back(x);
    };
    const std::string& status = store.emplace_back(std::to_string(r.status));
    add(":status", status);
    add("content-type", r.content_type);
    if (with_length) add("content-length", store.emplace_back(std::to_string(length)));
    for (const auto& [k, v] : r.headers) {
      std::string& lower = store.emplace_back(k);
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "connection" || lower == "transfer-encoding" || lower == "keep-alive") continue;
      add(lower, v);
    }
    // The header-flood fault (h2.response_header_bytes): the same 1 KiB `x-pad` field again and
    // again, so HPACK sends all but the first as a one-byte index (an "HPACK bomb": a small
    // block on the wire, a large head once decoded).
    const std::string pad(1024, 'p');
    for (std::size_t n = 0; n < state_.options().h2.response_header_bytes; n += pad.size() + 5) add("x-pad", pad);
    nghttp2_data_provider prd{};
    prd.source.ptr = &sd;
    prd.read_callback = &h2_server::read_body;
    nghttp2_submit_response(ng_, sd.id, nv.data(), nv.size(), &prd);
    wake();
  }

  // Plays one reply, as the HTTP/1.1 connection does; a TCP reset becomes RST_STREAM.
  static asio::awaitable<void> play(std::shared_ptr<h2_server> self, std::shared_ptr<stream_data> sp,
                                    http_reply r) {
    h2_server& m = *self;
    live_guard g(m);
    stream_data& sd = *sp;
    auto start = std::chrono::steady_clock::now();
    if (!co_await m.sleep_until(sd, start + r.stall_before)) co_return;
    if (r.reset_before) co_return m.reset(sd, NGHTTP2_INTERNAL_ERROR);
    if (!r.stream) {
      m.respond(sd, r, true, r.body.size());
      const std::string_view body(r.body);
      if (r.reset_mid_body || r.stall_mid_body > 0ms) {
        m.push(sd, body.substr(0, body.size() / 2), false);
        if (r.reset_mid_body) {
          // Let the half go out before the reset.
          if (co_await m.sleep_until(sd, std::chrono::steady_clock::now() + 20ms)) m.reset(sd, NGHTTP2_INTERNAL_ERROR);
          co_return;
        }
        if (!co_await m.sleep_until(sd, std::chrono::steady_clock::now() + r.stall_mid_body)) co_return;
        m.push(sd, body.substr(body.size() / 2), true);
        co_return;
      }
      m.push(sd, body, true);
      co_return;
    }
    ++m.state_.streams_open;
    m.respond(sd, r, false, 0);
    sse_step step;
    bool more = r.stream->next(step);
    auto due = std::chrono::steady_clock::now();
    bool ok = true;
    while (more && ok) {
      if (step.delay > 0ms) {
        due += step.delay;
        ok = co_await m.sleep_until(sd, due);
        if (!ok) break;
      }
      if (step.act == sse_step::action::reset) {
        ok = false;
        // The bytes so far go out first, then the reset.
        if (co_await m.sleep_until(sd, std::chrono::steady_clock::now() + 20ms)) m.reset(sd, NGHTTP2_INTERNAL_ERROR);
        break;
      }
      if (!step.bytes.empty()) m.push(sd, step.bytes, false);
      more = r.stream->next(step);
    }
    if (ok) m.push(sd, {}, true);
    --m.state_.streams_open;
    if (!ok && !r.generation_id.empty()) m.state_.mark_cancelled(r.generation_id);
  }

  void dispatch(const std::shared_ptr<stream_data>& sp) {
    stream_data& sd = *sp;
    const auto& f = state_.options().h2;
    if (goaway_sent_ && sd.id > goaway_last_) {
      ++state_.h2_refused_streams;
      return reset(sd, NGHTTP2_REFUSED_STREAM);
    }
    if (refused_ < f.refuse_first_streams) {
      ++refused_;
      ++state_.h2_refused_streams;
      return reset(sd, NGHTTP2_REFUSED_STREAM);
    }
    ++served_;
    ++state_.requests;
    ++state_.h2_streams;
    http_reply r = answer_(request_view{sd.method, sd.path, sd.headers, sd.body});
    std::string().swap(sd.body);
    sd.generation_id = r.generation_id;
    if (f.goaway_after_streams > 0 && served_ == f.goaway_after_streams && !goaway_sent_) {
      goaway_sent_ = true;
      goaway_last_ = sd.id;
      nghttp2_submit_goaway(ng_, NGHTTP2_FLAG_NONE, sd.id, NGHTTP2_NO_ERROR, nullptr, 0);
    }
    asio::co_spawn(s_.get_executor(), play(this->shared_from_this(), sp, std::move(r)), asio::detached);
  }

  static int on_begin_headers(nghttp2_session* ng, const nghttp2_frame* f, void* user) {
    if (f->hd.type != NGHTTP2_HEADERS || f->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    h2_server& m = of(user);
    auto sd = std::make_shared<stream_data>();
    sd->id = f->hd.stream_id;
    nghttp2_session_set_stream_user_data(ng, sd->id, sd.get());
    m.streams_.emplace(sd->id, std::move(sd));
    return 0;
  }

  static int on_header(nghttp2_session* ng, const nghttp2_frame* f, const std::uint8_t* name, std::size_t namelen,
                       const std::uint8_t* value, std::size_t valuelen, std::uint8_t, void*) {
    auto* sd = static_cast<stream_data*>(nghttp2_session_get_stream_user_data(ng, f->hd.stream_id));
    if (!sd) return 0;
    std::string_view n(reinterpret_cast<const char*>(name), namelen), v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":method") sd->method = v;
    else if (n == ":path") sd->path = v;
    else if (!n.empty() && n.front() != ':') sd->headers.emplace(std::string(n), std::string(v));
    return 0;
  }

  static int on_data(nghttp2_session* ng, std::uint8_t, std::int32_t id, const std::uint8_t* data, std::size_t len,
                     void* user) {
    auto* sd = static_cast<stream_data*>(nghttp2_session_get_stream_user_data(ng, id));
    if (!sd) return 0;
    if (sd->answered) return 0;
    h2_server& m = of(user);
    if (sd->body.size() + len > m.state_.options().max_request_body) {
      // As on HTTP/1.1: 413 at once, the rest of the upload dropped (not REFUSED_STREAM, which
      // would tell the client the request is safe to send again).
      sd->answered = true;
      std::string().swap(sd->body);
      auto it = m.streams_.find(id);
      if (it != m.streams_.end())
        asio::co_spawn(m.s_.get_executor(),
                       play(m.shared_from_this(), it->second, plain_error(413, "Request body too large", "payload_too_large")),
                       asio::detached);
      return 0;
    }
    sd->body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* f, void* user) {
    if (f->hd.type == NGHTTP2_PING && (f->hd.flags & NGHTTP2_FLAG_ACK) == 0) ++of(user).state_.h2_pings;
    if ((f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) || (f->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0)
      return 0;
    h2_server& m = of(user);
    auto it = m.streams_.find(f->hd.stream_id);
    if (it != m.streams_.end() && !it->second->answered) m.dispatch(it->second);
    return 0;
  }

  static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user) {
    h2_server& m = of(user);
    auto it = m.streams_.find(id);
    if (it == m.streams_.end()) return 0;
    m.stop_stream(*it->second);
    m.streams_.erase(it);
    return 0;
  }

  Stream& s_;
  mock_state& state_;
  answer_fn answer_;
  nghttp2_session* ng_ = nullptr;
  asio::steady_timer wake_;
  asio::steady_timer done_;
  bool closed_ = false;
  int live_ = 0;
  std::unordered_map<std::int32_t, std::shared_ptr<stream_data>> streams_;
  std::size_t served_ = 0, refused_ = 0;
  bool goaway_sent_ = false;
  std::int32_t goaway_last_ = 0;
};

template <class Stream>
asio::awaitable<void> serve(Stream& s, mock_state& state, answer_fn answer, std::string preread) {
  beast::get_lowest_layer(s).expires_never();
  auto server = std::make_shared<h2_server<Stream>>(s, state, std::move(answer));
  co_await server->run(std::move(preread));
}

}  // namespace

asio::awaitable<void> serve_h2(beast::ssl_stream<beast::tcp_stream>& s, mock_state& state, answer_fn answer,
                               std::string preread) {
  return serve(s, state, std::move(answer), std::move(preread));
}

asio::awaitable<void> serve_h2(beast::tcp_stream& s, mock_state& state, answer_fn answer, std::string preread) {
  return serve(s, state, std::move(answer), std::move(preread));
}

void install_alpn(ssl_ctx_st* ctx, const bool* http2) {
  SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, const_cast<bool*>(http2));
}

bool alpn_is_h2(beast::ssl_stream<beast::tcp_stream>& s) {
  const unsigned char* p = nullptr;
  unsigned n = 0;
  SSL_get0_alpn_selected(s.native_handle(), &p, &n);
  return n == 2 && p[0] == 'h' && p[1] == '2';
}

bool is_h2_preface(std::string_view bytes) {
  const std::size_t n = std::min(bytes.size(), preface.size());
  return n >= 3 && bytes.substr(0, n) == preface.substr(0, n);
}

}  // namespace openrouter::mock
