#pragma once
// What every streamed operation shares (chat_stream, responses_stream, messages_stream): the
// body of an open text/event-stream response read piece by piece through the HTTP exchange
// (http/exchange.hpp, driven by its one runner) and the SSE parser, the queue of decoded events,
// the pull that reads until one is ready, the stream's terminal outcome, and the members of the
// public handle they share (openrouter::event_stream). Private to src/lib.
//
// A stream's state derives from event_stream_state<Event> and provides:
//   void on_event(const sse::event&);        decode one SSE event into next_event(), or set `pending`
//   bool done_seen() const;                   the [DONE] sentinel arrived
//   error_code outcome_code() const;          how the stream ended when its body ended
#include "../client_impl.hpp"
#include "cancel.hpp"
#include "excerpt.hpp"

#include <openrouter/sse/parser.hpp>
#include <openrouter/stream/event_stream.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <openrouter/strand.hpp>
#include <boost/asio/system_executor.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace openrouter::detail {

template <class Event>
struct event_stream_state {
  using error_code = boost::system::error_code;
  using event_type = Event;

  explicit event_stream_state(std::shared_ptr<client::impl> i)
      : im(std::move(i)),
        strand(strand_for(im->transport.executor())),
        sse(sse_options(im->transport.config())) {}
  static sse::parser_options sse_options(const client_config& cfg) {
    sse::parser_options o;
    o.max_event_size = cfg.max_stream_event_bytes;
    return o;
  }
  std::shared_ptr<client::impl> im;
  boost::asio::any_io_executor strand;  // every pull of this stream runs here (strand_for)
  stream_lease lease;
  deadlines dl;
  diagnostics* diag = nullptr;
  std::shared_ptr<diagnostics> owned_diag;  // a stream opened without caller diagnostics
  std::atomic<bool> cancelled{false};       // cancel() was called
  sse::parser sse;
  // Decoded events not yet handed out: [ready_head, ready_end). The objects past ready_end are
  // spares: the next events are decoded into them, so a decoder that reuses its target's heap
  // capacity (the chat chunk's fast path) allocates nothing per event in the steady state. A
  // vector, not a deque: an event is larger than a deque block (a node per event).
  std::vector<Event> ready;
  std::size_t ready_head = 0, ready_end = 0;
  bool has_ready() const noexcept { return ready_head < ready_end; }
  // The object the next decoded event goes into (a spare if there is one; its old content is
  // the decoder's to overwrite).
  Event& next_event() {
    if (ready_end == ready.size()) {
      if (ready.capacity() == 0) unpark_spare();
      if (ready_end == ready.size()) ready.emplace_back();
    }
    return ready[ready_end++];
  }
  // A stream whose reads bring one event each (paced, or written one event per TLS record)
  // parks its one spare on its thread while it waits for a read, so that it keeps no event's
  // worth of memory (a chat chunk: 1.3 KiB and its strings) while it waits; the next event this
  // thread decodes, for this stream or another, takes a parked spare back warm. A thread with
  // thousands of paced streams holds at most max_parked of them.
  static constexpr std::size_t max_parked = 4;
  static std::vector<std::vector<Event>>& parked() {
    thread_local std::vector<std::vector<Event>> p;
    return p;
  }
  void park_spare() {
    std::vector<Event> out;
    out.swap(ready);
    ready_head = ready_end = 0;
    if (auto& p = parked(); p.size() < max_parked) p.push_back(std::move(out));
  }
  void unpark_spare() noexcept {
    auto& p = parked();
    if (p.empty()) return;
    ready.swap(p.back());
    p.pop_back();
    ready_head = ready_end = 0;
  }
  void drop_last_event() noexcept { --ready_end; }
  Event take_ready() {
    Event c = std::move(ready[ready_head++]);
    if (ready_head == ready_end) ready_head = ready_end = 0;  // drained: every object a spare
    return c;
  }
  // Every ready event, left in place (the batch is a view): they go at the next call's
  // release_handed_out().
  std::span<const Event> take_all() noexcept {
    std::span<const Event> b(ready.data() + ready_head, ready_end - ready_head);
    ready_head = ready_end;
    return b;
  }
  // At the start of every pull (holding `busy`): the events of the last batch are no longer
  // the caller's.
  void release_handed_out() noexcept {
    if (ready_head == ready_end) ready_head = ready_end = 0;
  }
  std::optional<error_code> pending;   // terminal outcome, delivered once `ready` is empty
  std::optional<error_code> terminal;  // delivered: every later call gets it again
  bool body_done = false;
  std::atomic<bool> busy{false};  // a pull is running (one at a time)
  std::size_t comments = 0;
  std::string generation_id;  // X-Generation-Id, else the first event's id
  std::chrono::steady_clock::time_point last_activity{};

  ~event_stream_state() { close(); }
  // Not read to the end: the connection may hold unread bytes; close it (stops generation).
  void close() noexcept {
    if (lease.conn) im->transport.release(std::move(lease.conn), false);
  }
  void give_back() {
    bool reusable = body_done && lease.x && lease.x->reusable();
    if (lease.conn) im->transport.release(std::move(lease.conn), reusable);
  }

  // Sends `hr` and reads the head of its answer: a 2xx text/event-stream leaves the stream open
  // on `lease`; an error status or another content type is the typed failure of any request.
  boost::asio::awaitable<error_code> open(const http_request& hr, diagnostics& d) {
    auto& t = im->transport;
    diag = &d;
    dl = deadlines::start(t.config().timeout);
    error_code ec;
    http_response res;
    co_await t.open_stream(hr, dl, d, ec, res, lease);
    if (ec) co_return ec;
    if (res.status < 200 || res.status > 299) co_return api_failure(res, d, t.config().api_key);
    if (!lease.conn) {
      d.body_excerpt = excerpt(res.body, t.config().api_key);
      d.detail = "content-type: " + res.content_type;
      co_return make_error_code(errc::unexpected_content_type);
    }
    generation_id = d.generation_id;
    last_activity = std::chrono::steady_clock::now();
    co_return error_code{};
  }

  // Reads one piece of the body (the exchange parses what is buffered first) and feeds it
  // through the SSE parser to `self` (the derived state: on_event), then every further piece the
  // read buffer already holds; `ec` is a failure of the read. The exchange bounds the whole body
  // (max_stream_bytes): the events before the bound are still delivered.
  template <class Derived>
  boost::asio::awaitable<void> read_piece(Derived& self, error_code& ec) {
    auto& x = *lease.x;
    x.read_pieces();  // the first time only
    const exchange::action a = co_await drive(*lease.conn, x, dl, im->transport.phases(), *diag);
    if (a == exchange::action::failed) {
      ec = x.error();
      if (ec == errc::response_too_large && !pending) {
        pending = ec;
        ec = {};
      }
      co_return;
    }
    if (a == exchange::action::done) {
      body_done = true;
      co_return;
    }
    // Now, before any suspension: the piece lives in this thread's buffer (exchange.hpp).
    take_piece(self, x);
    decode_buffered(self);
  }

  // Decodes, without I/O and without suspending, every piece of body the read buffer already
  // holds (one TLS read brings many events; a pull that finds them decoded needs no coroutine).
  // Stops at the first step that needs a read, at the body's end (body_done) and at a failure,
  // which is left to read_piece (it reports it with its diagnostics). The caller holds `busy`.
  template <class Derived>
  void decode_buffered(Derived& self) {
    if (!lease.x || !lease.conn || body_done || terminal) return;
    auto& x = *lease.x;
    x.read_pieces();
    while (!pending) {
      const exchange::action a = x.next();
      if (a == exchange::action::done) {
        body_done = true;
        return;
      }
      if (a != exchange::action::piece) return;
      take_piece(self, x);
    }
  }

  // Feeds the exchange's last piece through the SSE parser to `self`.
  template <class Derived>
  void take_piece(Derived& self, exchange& x) {
    last_activity = std::chrono::steady_clock::now();
    struct handler {
      Derived* self;
      void on_event(const sse::event& ev) { self->on_event(ev); }
      void on_comment(std::string_view) { ++self->comments; }
    } h{&self};
    error_code pe;
    sse.parse(x.piece(), h, pe);
    if (pe && !pending) {
      diag->detail = sse::to_string(sse.failed());
      pending = make_error_code(errc::bad_sse);
    }
  }

  // The state closes an unfinished connection when it goes away. A pull still running keeps it
  // alive, so stop that read now (on the stream's strand): the pull completes with
  // operation_aborted and closes the connection.
  static void abandon(std::shared_ptr<event_stream_state> st) noexcept {
    if (st && st->busy.load()) {
      try {
        boost::asio::post(st->strand, [s = st] {
          if (s->lease.conn) s->lease.conn->close();
        });
      } catch (...) {
      }
    }
  }
  // The flag stops the fast path of a pull and the next step of a running one at once; closing
  // the connection (on the strand, where every pull runs) ends a read in progress with
  // operation_aborted. A stream already at its end keeps its outcome.
  static void cancel(const std::shared_ptr<event_stream_state>& st) noexcept {
    if (!st || st->cancelled.exchange(true)) return;
    try {
      boost::asio::post(st->strand, [s = st] {
        if (!s->terminal && s->lease.conn) s->lease.conn->close();
      });
    } catch (...) {
    }
  }
};

// One pull's reading: reads until an event is ready or the stream reaches a terminal outcome.
// Completes with {error, whether an event is ready}; the event itself is taken by the pull's
// completion (pull_completion), so that no coroutine frame of a waiting pull holds an event
// (a chat chunk is 1.3 KiB, and a pull waiting on a paced stream held it in three frames).
template <class State>
boost::asio::awaitable<result<bool>> stream_wait_op(std::shared_ptr<State> st) {
  namespace asio = boost::asio;
  using boost::system::error_code;
  using R = result<bool>;
  if (!st) co_return R{make_error_code(errc::invalid_argument), false};
  auto& s = *st;
  while (true) {
    if (s.terminal) co_return R{*s.terminal, false};
    if (s.cancelled.load()) {  // cancel(): nothing more is handed out
      s.close();
      s.terminal = error_code(asio::error::operation_aborted);
      continue;
    }
    if (s.has_ready()) co_return R{error_code{}, true};
    if (s.pending) {  // an error outcome: the connection may hold unread bytes
      s.close();
      s.terminal = *s.pending;
      continue;
    }
    if (s.body_done) {
      [[maybe_unused]] bool finished = s.sse.finish();  // an unfinished last event is dropped
      s.give_back();
      s.terminal = s.outcome_code();
      continue;
    }
    if (!s.lease.conn) {
      s.terminal = make_error_code(errc::connection_closed);
      continue;
    }
    // A stream whose reads bring one event at a time parks its spare while it reads.
    if (s.ready.capacity() == 1) s.park_spare();
    error_code ec;
    // Named, not a temporary inside the co_await expression (GCC 12).
    asio::awaitable<void> read = s.read_piece(s, ec);
    co_await std::move(read);
    if (ec) {
      s.close();
      // EOF mid-body: the stream's own outcome (complete after its end event, else
      // incomplete). Any failure after [DONE] only costs the connection's reuse.
      if (s.cancelled.load())
        s.terminal = error_code(asio::error::operation_aborted);  // the close was cancel()'s
      else if (ec == make_error_code(errc::connection_closed) || s.done_seen())
        s.terminal = s.outcome_code();
      else
        s.terminal = ec;
      continue;
    }
    // After [DONE] keep reading to the end of the body, so the connection can be reused.
  }
}

// The completion of a pull that had to read: takes the ready event(s) and releases `busy`
// (held from the call to here: exclusive access to the state, as on the fast path), then
// completes the caller's handler. Runs on the handler's executor (launch_on dispatches there).
// Destroyed without running (its io_context went away with the pull pending), it still
// releases `busy`.
template <class T, class State, class Handler, class Take>
struct pull_completion {
  std::shared_ptr<State> st;  // null once run (or moved from)
  Handler h;
  Take take;
  pull_completion(std::shared_ptr<State> s, Handler hd, Take t) : st(std::move(s)), h(std::move(hd)), take(t) {}
  pull_completion(pull_completion&&) noexcept = default;
  pull_completion& operator=(pull_completion&&) = delete;
  ~pull_completion() {
    if (st) st->busy.store(false);
  }
  void operator()(boost::system::error_code ec, bool ready) {
    std::shared_ptr<State> s = std::move(st);
    T v = !ec && ready ? take(*s) : T{};
    s->busy.store(false);
    std::move(h)(ec, std::move(v));
  }
};

// What the pull forms share: a pull takes `busy` at the call (so that a call made while another
// is pending fails whatever the timing of the first one) and its completion releases it (with
// release semantics) just before the handler runs. Events already decoded, or decodable from
// bytes already read (one read usually brings many), are handed out without a coroutine and
// without the strand: holding `busy` is exclusive access to the state. Delivered after a post
// (never from inside the call) on the handler's executor.
template <class T, class State, class Handler, class Take>
void stream_pull(const std::shared_ptr<State>& sp, Handler h, Take take) {
  namespace asio = boost::asio;
  using boost::system::error_code;
  if (!sp) {
    auto ex = asio::get_associated_executor(h, asio::system_executor());
    asio::dispatch(ex, [h = std::move(h)]() mutable { std::move(h)(make_error_code(errc::invalid_argument), T{}); });
    return;
  }
  State& st = *sp;
  if (st.busy.exchange(true)) {
    asio::post(st.im->transport.executor(), asio::append(std::move(h), make_error_code(errc::invalid_argument), T{}));
    return;
  }
  st.release_handed_out();
  if (!st.has_ready() && !st.terminal && !st.cancelled.load()) st.decode_buffered(st);
  if (st.has_ready() && !st.terminal && !st.cancelled.load()) {
    // Delivered as a pull that had to read is: `busy` stays held until the completion takes the
    // event (no copy of it travels through the post; a call made before then overlaps).
    auto ex = asio::get_associated_executor(h, st.im->transport.executor());
    asio::post(st.im->transport.executor(),
               asio::bind_executor(ex, asio::append(pull_completion<T, State, Handler, Take>(sp, std::move(h), take),
                                                    error_code{}, true)));
    return;
  }
  // The caller's executor and cancellation slot stay the handler's: launch_on reads them.
  auto ex = asio::get_associated_executor(h, st.im->transport.executor());
  auto slot = asio::get_associated_cancellation_slot(h);
  handler<bool> done(asio::bind_cancellation_slot(
      slot, asio::bind_executor(ex, pull_completion<T, State, Handler, Take>(sp, std::move(h), take))));
  launch_on<bool>(st.strand, stream_wait_op(sp), std::move(done));
}

// The batch pull (async_next_batch of every stream): hands out every ready event at once. A
// batch points into the state: the handler keeps the state alive until it has run (the stream
// may be destroyed between the pull's end and the delivery). A new handler, never an assignment
// to `h` (Asio 1.81's move assignment wraps the handler in itself).
template <class Batch, class State, class Handler>
void stream_pull_batch(const std::shared_ptr<State>& sp, Handler h) {
  namespace asio = boost::asio;
  auto take = [](State& s) { return s.take_all(); };
  if (!sp) return stream_pull<Batch>(sp, std::move(h), take);
  auto ex = asio::get_associated_executor(h, sp->im->transport.executor());
  auto slot = asio::get_associated_cancellation_slot(h);
  Handler keeping(asio::bind_cancellation_slot(
      slot, asio::bind_executor(ex, [inner = std::move(h), keep = sp](boost::system::error_code ec, Batch b) mutable {
        std::move(inner)(ec, b);
      })));
  stream_pull<Batch>(sp, std::move(keeping), take);
}

}  // namespace openrouter::detail

namespace openrouter {

// The members of the public handle (include/openrouter/stream/event_stream.hpp), instantiated
// by each stream's .cpp for its event type and state.

template <class Event, class State>
event_stream<Event, State>::~event_stream() {
  abandon();
}

template <class Event, class State>
event_stream<Event, State>& event_stream<Event, State>::operator=(event_stream&& o) noexcept {
  if (this != &o) {
    abandon();
    st_ = std::move(o.st_);
  }
  return *this;
}

template <class Event, class State>
void event_stream<Event, State>::abandon() noexcept {
  State::abandon(st_);
  st_.reset();
}

template <class Event, class State>
void event_stream<Event, State>::do_next(next_handler h) {
  detail::stream_pull<std::optional<Event>>(st_, std::move(h),
                                            [](State& s) { return std::optional<Event>(s.take_ready()); });
}

template <class Event, class State>
void event_stream<Event, State>::do_next_batch(batch_handler h) {
  detail::stream_pull_batch<event_batch>(st_, std::move(h));
}

template <class Event, class State>
void event_stream<Event, State>::cancel() noexcept {
  State::cancel(st_);
}

template <class Event, class State>
bool event_stream<Event, State>::is_open() const noexcept {
  return st_ && !st_->terminal;
}

template <class Event, class State>
std::string event_stream<Event, State>::generation_id() const {
  return st_ ? st_->generation_id : std::string();
}

template <class Event, class State>
std::size_t event_stream<Event, State>::comments_seen() const noexcept {
  return st_ ? st_->comments : 0;
}

template <class Event, class State>
void event_stream<Event, State>::rebind_diagnostics(diagnostics& d) noexcept {
  if (st_) st_->diag = &d;
}

template <class Event, class State>
std::chrono::steady_clock::time_point event_stream<Event, State>::last_activity() const noexcept {
  return st_ ? st_->last_activity : std::chrono::steady_clock::time_point{};
}

template <class Event, class State>
diagnostics* event_stream<Event, State>::diagnostics_ptr() const noexcept {
  return st_ ? st_->diag : nullptr;
}

template <class Event, class State>
void event_stream<Event, State>::keep_diagnostics(std::shared_ptr<diagnostics> d) noexcept {
  if (!st_ || !d) return;
  st_->diag = d.get();
  st_->owned_diag = std::move(d);
}

}  // namespace openrouter
