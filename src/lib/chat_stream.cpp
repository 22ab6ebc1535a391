// openrouter::chat_stream (include/openrouter/chat_stream.hpp) and client::async_chat_stream:
// the stream's state, the pull that reads and decodes the body, and the fast path that hands
// out chunks already decoded.
#include <openrouter/chat_stream.hpp>

#include "client_impl.hpp"
#include "detail/cancel.hpp"
#include "detail/excerpt.hpp"
#include "media/fetch.hpp"

#include <openrouter/media/remote_assets.hpp>
#include <openrouter/sse/parser.hpp>
#include <openrouter/stream/accumulator.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_executor.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::api_failure;
using detail::excerpt;
using detail::http_request;
using detail::http_response;
using detail::launch;
using detail::launch_on;
using detail::result;

struct chat_stream::state {
  explicit state(std::shared_ptr<client::impl> i)
      : im(std::move(i)),
        strand(asio::make_strand(im->transport.executor())),
        sse(sse_options(im->transport.config())) {}
  static sse::parser_options sse_options(const client_config& cfg) {
    sse::parser_options o;
    o.max_event_size = cfg.max_stream_event_bytes;
    return o;
  }
  std::shared_ptr<client::impl> im;
  asio::strand<asio::any_io_executor> strand;  // every async_next of this stream runs here
  detail::stream_lease lease;
  detail::deadlines dl;
  diagnostics* diag = nullptr;
  std::shared_ptr<diagnostics> owned_diag;  // a stream opened without caller diagnostics
  std::atomic<bool> cancelled{false};       // chat_stream::cancel() was called
  sse::parser sse;
  stream::accumulator acc;
  // Decoded chunks not yet handed out: [ready_head, end). A vector, not a deque: a chunk is
  // larger than a deque block, so a deque would allocate a node per chunk.
  std::vector<wire::chat_chunk> ready;
  std::size_t ready_head = 0;
  bool has_ready() const noexcept { return ready_head < ready.size(); }
  wire::chat_chunk take_ready() {
    wire::chat_chunk c = std::move(ready[ready_head++]);
    if (ready_head == ready.size()) {  // drained: keep the capacity
      ready.clear();
      ready_head = 0;
    }
    return c;
  }
  // Every ready chunk, left in place (the batch is a view): they go at the next call's
  // release_handed_out().
  chat_stream::chunk_batch take_all() noexcept {
    chat_stream::chunk_batch b(ready.data() + ready_head, ready.size() - ready_head);
    ready_head = ready.size();
    return b;
  }
  // At the start of every pull (holding `busy`): the chunks of the last batch are no longer
  // the caller's.
  void release_handed_out() noexcept {
    if (ready_head == ready.size() && ready_head > 0) {
      ready.clear();
      ready_head = 0;
    }
  }
  std::optional<error_code> pending;      // terminal outcome, delivered once `ready` is empty
  std::optional<error_code> terminal;     // delivered: every later call gets it again
  bool body_done = false;
  std::atomic<bool> busy{false};  // an async_next is running (one at a time)
  std::string generation_id, model, provider;
  std::size_t chunks = 0, comments = 0;
  std::chrono::steady_clock::time_point last_activity{};
  // Body bytes between the HTTP exchange and the SSE parser. Small on purpose (memory per open
  // stream); left uninitialised so that only the bytes used are ever touched.
  char buf[4096];

  ~state() { close(); }
  // Not read to the end: the connection may hold unread bytes; close it (stops generation).
  void close() noexcept {
    if (lease.conn) im->transport.release(std::move(lease.conn), false);
  }
  void give_back() {
    bool reusable = body_done && lease.x && lease.x->reusable();
    if (lease.conn) im->transport.release(std::move(lease.conn), reusable);
  }

  void on_event(const sse::event& ev) {
    if (pending || acc.done_seen()) return;  // nothing counts after the end
    if (ev.data == "[DONE]") {
      acc.done();
      return;
    }
    // Decoded in place, where it waits to be handed out (no move of a chunk on the way).
    wire::chat_chunk& chunk = ready.emplace_back();
    error_code ec;
    wire::parse_chat_chunk(ev.data, chunk, ec);
    if (ec) {
      ready.pop_back();
      diag->detail = ec.message();
      diag->body_excerpt = excerpt(ev.data, im->transport.config().api_key);
      pending = make_error_code(errc::bad_json);
      return;
    }
    ++chunks;
    if (model.empty()) model = chunk.model;
    if (provider.empty()) provider = chunk.provider;
    if (generation_id.empty()) generation_id = chunk.id;
    if (chunk.error) {
      diag->error = *chunk.error;
      if (!chunk.provider.empty()) diag->provider = chunk.provider;
      pending = make_error_code(errc::stream_error);
    }
    acc.feed(chunk);
  }

  // Reads one piece of the body (the exchange parses what is buffered first) and feeds it
  // through the SSE parser; `ec` is a failure of the read.
  asio::awaitable<void> read_piece(error_code& ec) {
    auto& x = *lease.x;
    const auto& cfg = im->transport.config();
    const detail::phase_timeouts phases{cfg.timeout.read_idle, cfg.timeout.response_headers, cfg.timeout.read_idle};
    auto a = co_await detail::drive(*lease.conn, x, dl, phases, *diag);
    if (a == detail::exchange::action::failed) {
      ec = x.error();
      if (ec == errc::response_too_large && !pending) {  // a bound: the chunks before it are delivered
        pending = ec;
        ec = {};
      }
      co_return;
    }
    if (a == detail::exchange::action::done) {
      body_done = true;
      co_return;
    }
    std::string_view piece = x.piece();
    last_activity = std::chrono::steady_clock::now();
    struct handler {
      state* self;
      void on_event(const sse::event& ev) { self->on_event(ev); }
      void on_comment(std::string_view) { ++self->comments; }
    } h{this};
    error_code pe;
    sse.parse(piece, h, pe);
    if (pe && !pending) {
      diag->detail = sse::to_string(sse.failed());
      pending = make_error_code(errc::bad_sse);
    }
  }
};

namespace {

// One pull: reads until a chunk is ready (handed out by `take`: one chunk, or all of them) or
// the stream reaches a terminal outcome.
template <class T, class Take>
asio::awaitable<result<T>> next_op(std::shared_ptr<chat_stream::state> st, Take take) {
  using R = result<T>;
  if (!st) co_return R{make_error_code(errc::invalid_argument), T{}};
  auto& s = *st;
  struct unbusy {  // taken by do_next
    std::atomic<bool>& b;
    ~unbusy() { b.store(false); }
  } guard{s.busy};
  while (true) {
    if (s.terminal) co_return R{*s.terminal, T{}};
    if (s.cancelled.load()) {  // chat_stream::cancel(): nothing more is handed out
      s.close();
      s.terminal = error_code(asio::error::operation_aborted);
      continue;
    }
    if (s.has_ready()) co_return R{error_code{}, take(s)};
    if (s.pending) {  // an error outcome: the connection may hold unread bytes
      s.close();
      s.terminal = *s.pending;
      continue;
    }
    if (s.body_done) {
      bool clean_end = s.sse.finish() || s.acc.done_seen();
      (void)clean_end;
      s.give_back();
      s.terminal = s.acc.outcome_code();
      continue;
    }
    if (!s.lease.conn) {
      s.terminal = make_error_code(errc::connection_closed);
      continue;
    }
    error_code ec;
    // Named, not a temporary inside the co_await expression (GCC 12).
    asio::awaitable<void> read = s.read_piece(ec);
    co_await std::move(read);
    if (ec) {
      s.close();
      // EOF mid-body: complete after a finish reason (or after [DONE] while draining), else
      // stream_incomplete. Any failure after [DONE] only costs the connection's reuse.
      if (s.cancelled.load())
        s.terminal = error_code(asio::error::operation_aborted);  // the close was cancel()'s
      else if (ec == make_error_code(errc::connection_closed) || s.acc.done_seen())
        s.terminal = s.acc.outcome_code();
      else
        s.terminal = ec;
      continue;
    }
    // After [DONE] keep reading to the end of the body, so the connection can be reused.
  }
}

asio::awaitable<result<chat_stream>> chat_stream_op(std::shared_ptr<client::impl> im, wire::chat_request req,
                                                    diagnostics& diag) {
  diag.clear();
  req.stream = true;
  auto& t = im->transport;
  if (auto refused = media::check_assets(req.messages, t.config().remote_assets, diag))
    co_return result<chat_stream>{refused, chat_stream{}};
  http_request hr{http::verb::post, "/chat/completions", wire::serialize(req), true, false};
  auto st = std::make_shared<chat_stream::state>(im);
  st->diag = &diag;
  st->dl = detail::deadlines::start(t.config().timeout);
  error_code ec;
  http_response res;
  co_await t.open_stream(hr, st->dl, diag, ec, res, st->lease);
  if (ec) co_return result<chat_stream>{ec, chat_stream{}};
  if (res.status < 200 || res.status > 299) co_return result<chat_stream>{api_failure(res, diag, t.config().api_key), chat_stream{}};
  if (!st->lease.conn) {
    diag.body_excerpt = excerpt(res.body, t.config().api_key);
    diag.detail = "content-type: " + res.content_type;
    co_return result<chat_stream>{make_error_code(errc::unexpected_content_type), chat_stream{}};
  }
  st->lease.x->read_pieces(st->buf, sizeof st->buf);
  st->generation_id = diag.generation_id;
  st->last_activity = std::chrono::steady_clock::now();
  co_return result<chat_stream>{error_code{}, chat_stream(std::move(st))};
}

}  // namespace

chat_stream::chat_stream() noexcept = default;
chat_stream::chat_stream(std::shared_ptr<state> s) noexcept : st_(std::move(s)) {}
chat_stream::~chat_stream() { abandon(); }
chat_stream::chat_stream(chat_stream&&) noexcept = default;
chat_stream& chat_stream::operator=(chat_stream&& o) noexcept {
  if (this != &o) {
    abandon();
    st_ = std::move(o.st_);
  }
  return *this;
}

// The state closes an unfinished connection when it goes away. A pull still running keeps it
// alive, so stop that read now (on the stream's strand): the pull completes with
// operation_aborted and closes the connection.
void chat_stream::abandon() noexcept {
  if (st_ && st_->busy.load()) {
    try {
      asio::post(st_->strand, [s = st_] {
        if (s->lease.conn) s->lease.conn->close();
      });
    } catch (...) {
    }
  }
  st_.reset();
}

namespace {

// What async_next and async_next_batch share: a pull takes `busy` at the call (so that a call
// made while another is pending fails whatever the timing of the first one); chunks already
// decoded (one read usually brings many) are handed out without a coroutine and without the
// strand: holding `busy` is exclusive access to the state (the reading coroutine holds it too,
// and releases it with release semantics). Delivered after a post (never from inside the call)
// on the handler's executor.
template <class T, class Handler, class Take>
void pull(const std::shared_ptr<chat_stream::state>& sp, Handler h, Take take) {
  if (!sp) {
    auto ex = asio::get_associated_executor(h, asio::system_executor());
    asio::dispatch(ex, [h = std::move(h)]() mutable { std::move(h)(make_error_code(errc::invalid_argument), T{}); });
    return;
  }
  chat_stream::state& st = *sp;
  if (st.busy.exchange(true)) {
    asio::post(st.strand.get_inner_executor(), asio::append(std::move(h), make_error_code(errc::invalid_argument), T{}));
    return;
  }
  st.release_handed_out();
  if (st.has_ready() && !st.terminal && !st.cancelled.load()) {
    T v = take(st);
    st.busy.store(false);
    asio::post(st.strand.get_inner_executor(), asio::append(std::move(h), error_code{}, std::move(v)));
    return;
  }
  launch_on<T>(st.strand, next_op<T>(sp, take), std::move(h));  // releases `busy`
}

}  // namespace

void chat_stream::do_next(next_handler h) {
  pull<std::optional<wire::chat_chunk>>(st_, std::move(h),
                                         [](state& s) { return std::optional<wire::chat_chunk>(s.take_ready()); });
}

void chat_stream::do_next_batch(batch_handler h) {
  auto take = [](state& s) { return s.take_all(); };
  if (!st_) return pull<chunk_batch>(st_, std::move(h), take);
  // A batch points into the state: the handler keeps the state alive until it has run (the
  // stream may be destroyed between the pull's end and the delivery). A new handler, never an
  // assignment to `h` (Asio 1.81's move assignment wraps the handler in itself).
  auto ex = asio::get_associated_executor(h, st_->strand.get_inner_executor());
  auto slot = asio::get_associated_cancellation_slot(h);
  batch_handler keeping(asio::bind_cancellation_slot(
      slot, asio::bind_executor(ex, [inner = std::move(h), keep = st_](error_code ec, chunk_batch b) mutable {
        std::move(inner)(ec, b);
      })));
  pull<chunk_batch>(st_, std::move(keeping), take);
}

void chat_stream::rebind_diagnostics(diagnostics& d) noexcept {
  if (st_) st_->diag = &d;
}
diagnostics* chat_stream::diagnostics_ptr() const noexcept { return st_ ? st_->diag : nullptr; }
void chat_stream::keep_diagnostics(std::shared_ptr<diagnostics> d) noexcept {
  if (!st_ || !d) return;
  st_->diag = d.get();
  st_->owned_diag = std::move(d);
}

// The flag stops the fast path of do_next and the next step of a pull at once; closing the
// connection (on the strand, where every pull runs) ends a read in progress with
// operation_aborted. A stream already at its end keeps its outcome.
void chat_stream::cancel() noexcept {
  if (!st_ || st_->cancelled.exchange(true)) return;
  try {
    asio::post(st_->strand, [s = st_] {
      if (!s->terminal && s->lease.conn) s->lease.conn->close();
    });
  } catch (...) {
  }
}
bool chat_stream::is_open() const noexcept { return st_ && !st_->terminal; }
wire::chat_response chat_stream::result() const { return st_ ? st_->acc.result() : wire::chat_response{}; }
std::string chat_stream::generation_id() const { return st_ ? st_->generation_id : std::string(); }
std::string chat_stream::model() const { return st_ ? st_->model : std::string(); }
std::string chat_stream::provider() const { return st_ ? st_->provider : std::string(); }
std::size_t chat_stream::chunks_seen() const noexcept { return st_ ? st_->chunks : 0; }
std::size_t chat_stream::comments_seen() const noexcept { return st_ ? st_->comments : 0; }
std::chrono::steady_clock::time_point chat_stream::last_activity() const noexcept {
  return st_ ? st_->last_activity : std::chrono::steady_clock::time_point{};
}

void client::do_chat_stream(wire::chat_request req, diagnostics& diag, handler<chat_stream> h) {
  launch(impl_, chat_stream_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
