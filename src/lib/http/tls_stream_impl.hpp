#pragma once
// The definitions of basic_tls_stream (tls_stream.hpp). Included by tls_stream.cpp, which
// compiles them once for tcp_stream, and by the tests that drive the TLS layer over an
// in-memory stream. Private to src/lib/http.
#include "tls_stream.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

namespace openrouter::detail {
namespace tls_impl {
namespace asio = boost::asio;
using boost::system::error_code;

// At most this much ciphertext is produced before it is written out (a large request body is
// encrypted and sent in pieces of this size, not all at once).
constexpr std::size_t max_out = 64 * 1024;
// Small write buffers are gathered into one TLS record up to this size (a request's head and
// body would otherwise cost two records).
constexpr std::size_t gather_limit = 16 * 1024;

inline error_code ssl_error(unsigned long e) {
  // OpenSSL 3 reports a TCP EOF without close_notify as this reason; Asio calls it truncation.
  if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return asio::ssl::error::stream_truncated;
  return error_code(static_cast<int>(e), asio::error::get_ssl_category());
}

// The executor of one TLS operation's intermediate handlers: the socket's completions, the
// tcp_stream's timeout handler and everything they call into (OpenSSL, the BIO's reads of the
// socket) run on the executor associated with the operation's completion handler, as in Asio's
// own composed operations. That is the caller's strand: a close or a cancellation from it can
// then never run while this connection is being read on another thread of the io_context.
//
// It is an any_io_executor for Beast's sake (its socket operations require blocking.never,
// which a type-erased handler executor cannot promise): a never-blocking submission goes
// through the I/O executor first and from there to the handler's executor. It also keeps work
// on the handler's executor while the operation lives.
class op_executor {
 public:
  struct targets {
    asio::any_completion_executor handler;  // with outstanding work
    asio::any_io_executor io;
  };
  explicit op_executor(std::shared_ptr<const targets> t, bool never = false) noexcept : t_(std::move(t)), never_(never) {}

  asio::execution_context& query(asio::execution::context_t) const noexcept {
    return asio::query(t_->io, asio::execution::context);
  }
  asio::execution::blocking_t query(asio::execution::blocking_t) const noexcept {
    return never_ ? asio::execution::blocking_t(asio::execution::blocking.never)
                  : asio::execution::blocking_t(asio::execution::blocking.possibly);
  }
  op_executor require(asio::execution::blocking_t::never_t) const noexcept { return op_executor(t_, true); }
  op_executor prefer(asio::execution::blocking_t::possibly_t) const noexcept { return op_executor(t_, false); }

  template <class F>
  void execute(F&& f) const {
    if (never_) {
      asio::post(t_->io, [h = t_->handler, f = std::forward<F>(f)]() mutable { h.execute(std::move(f)); });
    } else {
      t_->handler.execute(std::forward<F>(f));
    }
  }

  friend bool operator==(const op_executor& a, const op_executor& b) noexcept {
    return a.t_ == b.t_ && a.never_ == b.never_;
  }
  friend bool operator!=(const op_executor& a, const op_executor& b) noexcept { return !(a == b); }

 private:
  std::shared_ptr<const targets> t_;
  bool never_ = false;
};

}  // namespace tls_impl

// OpenSSL's I/O for one stream: reads the bytes of the last wait for input, then the socket
// itself (non-blocking); writes append to the outgoing ciphertext.
//
// OpenSSL asks for a record's 5-byte header, then for its body. A header (any request smaller
// than a read block) is read ahead: one socket read of up to 16 KiB into a read block
// (read_buffer.hpp, recycled per thread) brings the header and whatever followed it, often many
// records; the block goes back as soon as OpenSSL has taken its last byte, so a stream waiting
// for its next event holds none. A larger request (the rest of a record bigger than what was
// read ahead) is read straight into OpenSSL's record buffer, never more than asked. OpenSSL's
// own read-ahead is off: with it, every record it took out of a buffer that held more moved all
// the rest to the buffer's start (ssl3_read_n aligns the next record), which for a 16 KiB read
// of small records copied the read over and over (~6 KB of memmove per event).
template <class Lower>
struct bio_access {
  using stream = basic_tls_stream<Lower>;
  static stream& of(BIO* b) { return *static_cast<stream*>(BIO_get_data(b)); }

  // Serves up to `len` bytes from `buf` [pos, end).
  static int serve(char* out, std::size_t len, const char* buf, std::size_t& pos, std::size_t end) {
    std::size_t n = std::min(len, end - pos);
    std::memcpy(out, buf + pos, n);
    pos += n;
    return static_cast<int>(n);
  }

  // The socket said nothing more is there now (would_block or a short read), ended or failed.
  static int socket_result(BIO* b, stream& s, const tls_impl::error_code& ec) {
    if (ec == boost::asio::error::eof) {
      s.eof_ = true;
      return 0;
    }
    if (ec == boost::asio::error::would_block || !ec) {
      s.drained_ = true;
      BIO_set_retry_read(b);
      return -1;
    }
    s.sock_err_ = ec;
    return -1;
  }

  static int read(BIO* b, char* out, int len) {
    BIO_clear_retry_flags(b);
    if (len <= 0) return 0;
    stream& s = of(b);
    const auto want = static_cast<std::size_t>(len);
    if (s.in_pos_ < s.in_len_) return serve(out, want, s.in_.data(), s.in_pos_, s.in_len_);
    if (s.ahead_pos_ < s.ahead_len_) {
      int n = serve(out, want, s.ahead_, s.ahead_pos_, s.ahead_len_);
      if (s.ahead_pos_ == s.ahead_len_) s.drop_ahead();
      return n;
    }
    if (s.eof_) return 0;
    // Known empty: let the caller wait (the wait starts with a read attempt of its own).
    if (s.drained_) {
      BIO_set_retry_read(b);
      return -1;
    }
    tls_impl::error_code ec;
    if (want < read_block_size) {
      s.ahead_ = static_cast<char*>(new_read_block());  // none held: the last one went back when drained
      if (s.ahead_) {
        std::size_t n = tls_try_read(s.next_, s.ahead_, read_block_size, ec);
        if (n == 0) {
          s.drop_ahead();
          return socket_result(b, s, ec);
        }
        if (n < read_block_size) s.drained_ = true;
        s.ahead_pos_ = 0;
        s.ahead_len_ = n;
        int r = serve(out, want, s.ahead_, s.ahead_pos_, s.ahead_len_);
        if (s.ahead_pos_ == s.ahead_len_) s.drop_ahead();
        return r;
      }
    }
    std::size_t n = tls_try_read(s.next_, out, want, ec);
    if (n > 0) {
      if (n < want) s.drained_ = true;
      return static_cast<int>(n);
    }
    return socket_result(b, s, ec);
  }

  static int write(BIO* b, const char* in, int len) {
    BIO_clear_retry_flags(b);
    if (len <= 0) return 0;
    of(b).out_.append(in, static_cast<std::size_t>(len));
    return len;
  }

  static long ctrl(BIO* b, int cmd, long, void*) {
    stream& s = of(b);
    switch (cmd) {
      case BIO_CTRL_FLUSH: return 1;
      case BIO_CTRL_EOF: return s.eof_ && s.in_pos_ == s.in_len_ && s.ahead_pos_ == s.ahead_len_ ? 1 : 0;
      case BIO_CTRL_PENDING: return static_cast<long>(s.in_len_ - s.in_pos_ + s.ahead_len_ - s.ahead_pos_);
      case BIO_CTRL_WPENDING: return static_cast<long>(s.out_.size());
      default: return 0;
    }
  }

  static int create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
  }

  static BIO_METHOD* method() {
    static BIO_METHOD* m = [] {
      BIO_METHOD* meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "openrouter-tls");
      if (!meth) return meth;
      BIO_meth_set_write(meth, &bio_access::write);
      BIO_meth_set_read(meth, &bio_access::read);
      BIO_meth_set_ctrl(meth, &bio_access::ctrl);
      BIO_meth_set_create(meth, &bio_access::create);
      return meth;
    }();
    return m;
  }
};

// The completion of a socket operation started for the current TLS operation: cancelled with
// it, and run on the operation's executor (tls_impl::op_executor: the caller's strand), like
// everything the lower layer does for it (Beast's timeout handler included).
template <class Lower>
struct basic_tls_stream<Lower>::io_done {
  basic_tls_stream* self;
  int which;  // 0: input arrived, 1: output written
  boost::asio::any_io_executor ex;
  // The caller's handler travels with the socket operation, which the io_context owns: an
  // io_context destroyed while the operation is pending destroys the handler with it. Left in
  // the stream, it would keep alive whatever owns the stream (the coroutine that awaits it, an
  // HTTP/2 session), and that would keep the stream: a leak.
  io_handler io{};
  handshake_handler hs{};

  using executor_type = boost::asio::any_io_executor;
  executor_type get_executor() const noexcept { return ex; }
  using cancellation_slot_type = boost::asio::cancellation_slot;
  cancellation_slot_type get_cancellation_slot() const noexcept {
    return self->kind_ != op_kind::none ? self->lower_cancel_.slot() : cancellation_slot_type();
  }
  void operator()(const boost::system::error_code& ec, std::size_t n) {
    self->io_h_.swap(io);  // never move-assign an any_completion_handler (Boost 1.81)
    self->hs_h_.swap(hs);
    self->on_io(which, ec, n);
  }
};

// Sits in the caller's cancellation slot while an operation runs. A cancellation is recorded
// before it is forwarded: one that arrives while no socket operation is pending (the last one
// has completed, its completion not yet run) would otherwise be lost, and the operation would
// wait for input again (TLS 1.3 session tickets arriving while a response is awaited: a
// cancelled request ran on until its deadline). The operation ends with operation_aborted at
// its next wait instead.
template <class Lower>
struct basic_tls_stream<Lower>::canceller {
  basic_tls_stream* self;
  void operator()(boost::asio::cancellation_type type) const {
    if (type == boost::asio::cancellation_type::none) return;
    self->cancelled_ = true;
    self->lower_cancel_.emit(type);
  }
};

template <class Lower>
void basic_tls_stream<Lower>::watch_cancellation(boost::asio::cancellation_slot caller) {
  cancelled_ = false;
  caller_slot_ = caller;
  if (caller_slot_.is_connected()) caller_slot_.template emplace<canceller>(canceller{this});
}

template <class Lower>
void basic_tls_stream<Lower>::init(boost::asio::ssl::context& ctx) {
  BIO_METHOD* m = bio_access<Lower>::method();
  ssl_ = m ? SSL_new(ctx.native_handle()) : nullptr;
  BIO* b = ssl_ ? BIO_new(m) : nullptr;
  if (!b) {
    if (ssl_) SSL_free(ssl_);
    throw std::bad_alloc();
  }
  BIO_set_data(b, this);
  SSL_set_bio(ssl_, b, b);  // the SSL object owns the BIO
  SSL_set_connect_state(ssl_);
  SSL_set_mode(ssl_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  // No read-ahead in OpenSSL: the BIO reads ahead itself (see bio_access::read).
  // A renegotiation the server asks for (TLS 1.2 HelloRequest) is refused: it would re-run a
  // handshake in the middle of a response, the source of several past attacks and of none of
  // our needs. OpenSSL answers it with a no_renegotiation alert; a server that insists ends the
  // connection, which the read in progress reports as an error.
  SSL_set_options(ssl_, SSL_OP_NO_RENEGOTIATION);
}

template <class Lower>
basic_tls_stream<Lower>::~basic_tls_stream() {
  SSL_free(ssl_);
  drop_ahead();
}

template <class Lower>
void basic_tls_stream<Lower>::drop_ahead() noexcept {
  free_read_block(ahead_);
  ahead_ = nullptr;
  ahead_pos_ = ahead_len_ = 0;
}

template <class Lower>
bool basic_tls_stream<Lower>::has_buffered_input() const noexcept {
  return in_pos_ < in_len_ || ahead_pos_ < ahead_len_ || SSL_has_pending(ssl_) == 1;
}

template <class Lower>
bool basic_tls_stream<Lower>::probe_idle(bool socket_readable) noexcept {
  if (kind_ != op_kind::none || eof_) return false;
  if (!socket_readable && !has_buffered_input()) return true;
  ERR_clear_error();
  sock_err_ = {};
  drained_ = false;  // ask the socket once (non-blocking)
  char c = 0;
  int r = SSL_peek(ssl_, &c, 1);
  // Anything OpenSSL wants to send in reply (e.g. a KeyUpdate) stays in out_: the next
  // operation flushes it first.
  bool alive = r <= 0 && SSL_get_error(ssl_, r) == SSL_ERROR_WANT_READ && !eof_ && !sock_err_;
  ERR_clear_error();
  return alive;
}

template <class Lower>
void basic_tls_stream<Lower>::bind_op_executor(const boost::asio::any_completion_executor& handler_ex) {
  namespace asio = boost::asio;
  auto t = std::make_shared<tls_impl::op_executor::targets>(tls_impl::op_executor::targets{
      asio::prefer(handler_ex, asio::execution::outstanding_work.tracked), next_.get_executor()});
  op_ex_ = executor_type(tls_impl::op_executor(std::move(t)));
}

template <class Lower>
bool basic_tls_stream<Lower>::begin(op_kind k) {
  if (kind_ != op_kind::none) return false;
  kind_ = k;
  initiating_ = true;
  done_bytes_ = 0;
  return true;
}

template <class Lower>
void basic_tls_stream<Lower>::start_handshake(handshake_handler h) {
  namespace asio = boost::asio;
  using boost::system::error_code;
  if (!begin(op_kind::handshake)) {
    asio::post(next_.get_executor(), asio::append(std::move(h), error_code(asio::error::in_progress)));
    return;
  }
  hs_h_.swap(h);  // never assign: Asio 1.81's move assignment wraps the handler in itself
  bind_op_executor(asio::get_associated_executor(hs_h_, next_.get_executor()));
  watch_cancellation(hs_h_.get_cancellation_slot());
  advance();  // the last touch of the stream here: see flush()
}

template <class Lower>
void basic_tls_stream<Lower>::start_read(boost::asio::mutable_buffer b, io_handler h) {
  namespace asio = boost::asio;
  using boost::system::error_code;
  if (!begin(op_kind::read)) {
    asio::post(next_.get_executor(), asio::append(std::move(h), error_code(asio::error::in_progress), std::size_t{0}));
    return;
  }
  io_h_.swap(h);
  bind_op_executor(asio::get_associated_executor(io_h_, next_.get_executor()));
  watch_cancellation(io_h_.get_cancellation_slot());
  read_buf_ = b;
  if (b.size() == 0) complete({}, 0);
  else advance();
}

template <class Lower>
void basic_tls_stream<Lower>::start_write(const write_buffers& b, std::size_t count, io_handler h) {
  namespace asio = boost::asio;
  using boost::system::error_code;
  if (!begin(op_kind::write)) {
    asio::post(next_.get_executor(), asio::append(std::move(h), error_code(asio::error::in_progress), std::size_t{0}));
    return;
  }
  io_h_.swap(h);
  bind_op_executor(asio::get_associated_executor(io_h_, next_.get_executor()));
  watch_cancellation(io_h_.get_cancellation_slot());
  write_bufs_ = b;
  write_count_ = count;
  write_index_ = write_offset_ = 0;
  if (count == 0) complete({}, 0);
  else advance();
}

template <class Lower>
typename basic_tls_stream<Lower>::outcome basic_tls_stream<Lower>::step() {
  namespace asio = boost::asio;
  using tls_impl::gather_limit;
  using tls_impl::max_out;
  ERR_clear_error();
  sock_err_ = {};
  int r = 0;
  std::size_t n = 0;
  switch (kind_) {
    case op_kind::handshake:
      r = SSL_do_handshake(ssl_);
      if (r == 1) return {};
      break;
    case op_kind::read:
      r = SSL_read_ex(ssl_, read_buf_.data(), read_buf_.size(), &n);
      if (r == 1) return {outcome::done, n, {}};
      break;
    case op_kind::write: {
      // Encrypt up to max_out of ciphertext, then write it out. Small buffers are gathered so
      // that they share a record; large ones are encrypted in place.
      char gathered[gather_limit];
      r = 1;
      while (write_index_ < write_count_ && out_.size() < max_out) {
        // The piece [write_index_, write_offset_) .. [index, offset): committed only once
        // OpenSSL took it, so that a retry after a wait offers the same bytes.
        std::size_t index = write_index_, offset = write_offset_, len = 0;
        const asio::const_buffer& cur = write_bufs_[index];
        const char* p = static_cast<const char*>(cur.data()) + offset;
        if (cur.size() - offset >= gather_limit) {
          len = std::min(cur.size() - offset, max_out);
          offset += len;
        } else {
          p = gathered;
          while (index < write_count_ && len < gather_limit) {
            const asio::const_buffer& b = write_bufs_[index];
            std::size_t take = std::min(b.size() - offset, gather_limit - len);
            std::memcpy(gathered + len, static_cast<const char*>(b.data()) + offset, take);
            len += take;
            offset += take;
            if (offset == b.size()) ++index, offset = 0;
          }
        }
        if (index < write_count_ && offset == write_bufs_[index].size()) ++index, offset = 0;
        std::size_t w = 0;
        r = SSL_write_ex(ssl_, p, len, &w);
        if (r != 1) break;
        write_index_ = index;
        write_offset_ = offset;
        done_bytes_ += w;
      }
      if (r == 1) return {outcome::done, done_bytes_, {}};
      break;
    }
    case op_kind::none: return {outcome::failed, 0, asio::error::invalid_argument};
  }
  switch (SSL_get_error(ssl_, r)) {
    case SSL_ERROR_WANT_READ: return {outcome::want_input, 0, {}};
    case SSL_ERROR_ZERO_RETURN: return {outcome::failed, 0, asio::error::eof};  // close_notify
    case SSL_ERROR_SYSCALL:
      return {outcome::failed, 0, sock_err_ ? sock_err_ : boost::system::error_code(asio::ssl::error::stream_truncated)};
    case SSL_ERROR_SSL: {
      if (sock_err_) return {outcome::failed, 0, sock_err_};
      unsigned long e = ERR_get_error();
      return {outcome::failed, 0, e ? tls_impl::ssl_error(e) : boost::system::error_code(asio::ssl::error::stream_truncated)};
    }
    default:  // WANT_WRITE cannot happen (writes never block here); anything else is a bug
      return {outcome::failed, 0, asio::error::operation_not_supported};
  }
}

template <class Lower>
void basic_tls_stream<Lower>::advance() {
  handle(step());
}

template <class Lower>
void basic_tls_stream<Lower>::handle(const outcome& o) {
  if (o.what == outcome::failed) {
    out_.clear();
    complete(o.ec, 0);
    return;
  }
  // What OpenSSL produced goes out before anything else happens: the handshake's messages
  // before its wait for the reply, a write's records before it completes.
  if (!out_.empty()) {
    if (cancelled_) {
      out_.clear();
      complete(boost::asio::error::operation_aborted, 0);
      return;
    }
    saved_ = o;
    flush();
    return;
  }
  if (o.what == outcome::done) {
    complete({}, o.n);
    return;
  }
  if (cancelled_) {  // instead of waiting again
    complete(boost::asio::error::operation_aborted, 0);
    return;
  }
  if (eof_) {
    complete(boost::asio::ssl::error::stream_truncated, 0);
    return;
  }
  wait_input();
}

// Socket operations complete on the operation's executor; when the initiating call was not made
// on it (a caller that breaks the rule, or a test on a bare io_context), the completion may run
// on another thread while the initiating call is still returning: nothing touches the stream
// after one is started, and `initiating_` is cleared before.
template <class Lower>
void basic_tls_stream<Lower>::flush() {
  initiating_ = false;
  io_done d{this, 1, op_ex_};
  d.io.swap(io_h_);
  d.hs.swap(hs_h_);
  boost::asio::async_write(next_, boost::asio::buffer(out_), std::move(d));
}

template <class Lower>
void basic_tls_stream<Lower>::wait_input() {
  initiating_ = false;
  in_pos_ = in_len_ = 0;
  io_done d{this, 0, op_ex_};
  d.io.swap(io_h_);
  d.hs.swap(hs_h_);
  next_.async_read_some(boost::asio::buffer(in_), std::move(d));
}

template <class Lower>
void basic_tls_stream<Lower>::on_io(int which, const boost::system::error_code& ec, std::size_t n) {
  namespace asio = boost::asio;
  if (which == 1) {
    out_.clear();
    if (out_.capacity() > tls_impl::gather_limit) std::string().swap(out_);  // a large body's pieces
    if (ec) complete(ec, 0);
    else handle(saved_);
    return;
  }
  if (ec == asio::error::eof) {
    eof_ = true;  // OpenSSL decides whether that truncated something
    advance();
    return;
  }
  if (ec) {
    complete(ec, 0);
    return;
  }
  in_pos_ = 0;
  in_len_ = n;
  drained_ = n < in_.size();
  advance();
}

template <class Lower>
void basic_tls_stream<Lower>::complete(boost::system::error_code ec, std::size_t n) {
  namespace asio = boost::asio;
  op_kind k = kind_;
  kind_ = op_kind::none;
  op_ex_ = executor_type();  // releases the work held on the handler's executor
  // The slot is the caller's again (it may start its next operation with it); a cancellation
  // emitted from now on reaches nothing of ours.
  if (caller_slot_.is_connected()) caller_slot_.clear();
  caller_slot_ = {};
  lower_cancel_.slot().clear();
  const bool post = std::exchange(initiating_, false);
  if (k == op_kind::handshake) {
    handshake_handler h = std::move(hs_h_);
    if (post) asio::post(next_.get_executor(), asio::append(std::move(h), ec));
    else asio::dispatch(asio::append(std::move(h), ec));
    return;
  }
  io_handler h = std::move(io_h_);
  if (post) asio::post(next_.get_executor(), asio::append(std::move(h), ec, n));
  else asio::dispatch(asio::append(std::move(h), ec, n));
}

}  // namespace openrouter::detail
