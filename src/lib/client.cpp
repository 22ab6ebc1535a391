#include <openrouter/client.hpp>
#include <openrouter/routing/backoff.hpp>

#include "client_impl.hpp"
#include "detail/cancel.hpp"
#include "detail/launch.hpp"
#include "http/header_values.hpp"
#include "http/transport.hpp"
#include "detail/excerpt.hpp"
#include "media/fetch.hpp"

#include <openrouter/media/remote_assets.hpp>

#include <openrouter/sse/parser.hpp>
#include <openrouter/stream/accumulator.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <atomic>
#include <mutex>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using detail::http_request;
using detail::http_response;

using detail::result;

namespace {

using detail::api_failure;
using detail::call_json;
using detail::complete;
using detail::encode;
using detail::excerpt;
using detail::join;
using detail::launch;
using detail::launch_on;
using detail::parse_body;
using detail::parse_data_body;

asio::awaitable<result<wire::chat_response>> chat_op(std::shared_ptr<client::impl> im, wire::chat_request req,
                                                     diagnostics& diag) {
  req.stream.reset();  // non-streaming: omit the field (false is the default)
  diag.clear();
  if (auto refused = media::check_assets(req.messages, im->transport.config().remote_assets, diag))
    co_return result<wire::chat_response>{refused, {}};
  http_request hr{http::verb::post, "/chat/completions", wire::serialize(req)};
  auto r = co_await call_json<wire::chat_response>(im, std::move(hr), diag, parse_body<wire::chat_response>());
  if (r.first) co_return r;
  wire::chat_response& res = r.second;
  if (diag.generation_id.empty()) diag.generation_id = res.id;
  diag.provider = res.provider;
  // OpenRouter reports a provider failure after partial output inside the 200 body.
  for (const auto& c : res.choices) {
    if (c.error || c.finish_reason == "error") {
      if (c.error) diag.error = *c.error;
      r.first = make_error_code(errc::provider_error);
      break;
    }
  }
  co_return r;
}

asio::awaitable<result<wire::generation>> wait_generation_op(std::shared_ptr<client::impl> im, std::string id,
                                                             generation_poll poll, diagnostics& diag) {
  auto start = std::chrono::steady_clock::now();
  // The router's backoff without jitter: first_delay, then × multiplier up to max_delay.
  routing::backoff_policy schedule;
  schedule.initial = poll.first_delay;
  schedule.multiplier = poll.multiplier;
  schedule.max = poll.max_delay;
  schedule.jitter = routing::backoff_policy::jitter_kind::none;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (unsigned retry = 1;; ++retry) {
    const auto delay = routing::backoff_delay(schedule, retry, 0);
    // Named, not a temporary inside the co_await expression: GCC 12 mis-destroys those.
    http_request look_up{http::verb::get, "/generation?id=" + encode(id), {}};
    auto r = co_await call_json<wire::generation>(im, std::move(look_up), diag, parse_data_body<wire::generation>());
    if (r.first != make_error_code(errc::not_found)) co_return r;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (waited > poll.max_wait || delay > poll.max_wait - waited)  // in ms: no sum can overflow
      co_return result<wire::generation>{make_error_code(errc::generation_pending), {}};
    timer.expires_after(delay);
    error_code ec;
    if (co_await detail::cancel_requested(ec)) co_return result<wire::generation>{ec, {}};
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return result<wire::generation>{ec, {}};  // cancelled
  }
}

// Holds the client's state alive for the fetch, like every other operation.
asio::awaitable<result<std::string>> fetch_asset_op(std::shared_ptr<client::impl> im, std::string url,
                                                    diagnostics& diag) {
  auto op = detail::fetch_asset(im->transport.config(), std::move(url), diag);
  co_return co_await std::move(op);
}

}  // namespace

std::string encode_query(const models_query& q) {
  std::string out;
  auto add = [&](std::string_view k, std::string_view v) {
    out += out.empty() ? "?" : "&";
    out += encode(k);
    out += "=";
    out += encode(v);
  };
  if (q.category) add("category", *q.category);
  if (!q.supported_parameters.empty()) add("supported_parameters", join(q.supported_parameters));
  if (!q.input_modalities.empty()) add("input_modalities", join(q.input_modalities));
  if (!q.output_modalities.empty()) add("output_modalities", join(q.output_modalities));
  if (q.sort) add("sort", *q.sort);
  if (q.q) add("q", *q.q);
  if (q.offset) add("offset", std::to_string(*q.offset));
  if (q.limit) add("limit", std::to_string(*q.limit));
  for (const auto& [k, v] : q.extra) add(k, v);
  return out;
}

client::client(executor_type ex, client_config cfg) : impl_(std::make_shared<impl>(ex, cfg)) {}
client::~client() = default;

client::executor_type client::get_executor() const noexcept { return impl_->transport.executor(); }
const client_config& client::config() const noexcept { return impl_->transport.config(); }
pool_stats client::pool_statistics() const { return impl_->transport.stats(); }

void client::do_chat(wire::chat_request req, diagnostics& diag, handler<wire::chat_response> h) {
  launch(impl_, chat_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_models(models_query q, diagnostics& diag, handler<wire::models_page> h) {
  launch(impl_, call_json<wire::models_page>(impl_, {http::verb::get, "/models" + encode_query(q), {}, false, true}, diag,
                                             parse_body<wire::models_page>()),
         std::move(h));
}

void client::do_user_models(models_query q, diagnostics& diag, handler<wire::models_page> h) {
  launch(impl_, call_json<wire::models_page>(impl_, {http::verb::get, "/models/user" + encode_query(q), {}, false, true}, diag,
                                             parse_body<wire::models_page>()),
         std::move(h));
}

void client::do_endpoints(std::string id, diagnostics& diag, handler<wire::model_endpoints> h) {
  auto slash = id.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size()) {
    diag.clear();
    diag.detail = "expected a model id of the form author/slug";
    complete<wire::model_endpoints>(std::move(h), get_executor(), make_error_code(errc::invalid_argument), {});
    return;
  }
  std::string target = "/models/" + encode(id.substr(0, slash)) + "/" + encode(id.substr(slash + 1)) + "/endpoints";
  launch(impl_, call_json<wire::model_endpoints>(impl_, {http::verb::get, target, {}, false, true}, diag,
                                                 parse_data_body<wire::model_endpoints>()),
         std::move(h));
}

void client::do_providers(std::monostate, diagnostics& diag, handler<wire::provider_list> h) {
  launch(impl_, call_json<wire::provider_list>(impl_, {http::verb::get, "/providers", {}, false, true}, diag,
                                               parse_body<wire::provider_list>()),
         std::move(h));
}

void client::do_generation(std::string id, diagnostics& diag, handler<wire::generation> h) {
  launch(impl_, call_json<wire::generation>(impl_, {http::verb::get, "/generation?id=" + encode(id), {}}, diag,
                                            parse_data_body<wire::generation>()),
         std::move(h));
}

void client::do_wait_generation(std::pair<std::string, generation_poll> a, diagnostics& diag,
                                handler<wire::generation> h) {
  launch(impl_, wait_generation_op(impl_, std::move(a.first), a.second, diag), std::move(h));
}

void client::do_key(std::monostate, diagnostics& diag, handler<wire::key_info> h) {
  launch(impl_, call_json<wire::key_info>(impl_, {http::verb::get, "/key", {}}, diag, parse_data_body<wire::key_info>()),
         std::move(h));
}

void client::do_warmup(std::size_t n, diagnostics& diag, handler<std::size_t> h) {
  auto op = [](std::shared_ptr<impl> im, std::size_t n, diagnostics& diag) -> asio::awaitable<result<std::size_t>> {
    diag.clear();
    error_code ec;
    auto& t = im->transport;
    std::size_t opened = co_await t.warmup(n, detail::deadlines::start(t.config().timeout), diag, ec);
    co_return result<std::size_t>{ec, opened};
  };
  launch(impl_, op(impl_, n, diag), std::move(h));
}

void client::do_catalog(std::chrono::milliseconds max_age, diagnostics& diag,
                        handler<std::shared_ptr<const wire::models_page>> h) {
  using page_ptr = std::shared_ptr<const wire::models_page>;
  {
    std::lock_guard lock(impl_->cache_mutex);
    if (impl_->catalog && std::chrono::steady_clock::now() - impl_->catalog_at <= max_age) {
      diag.clear();
      complete<page_ptr>(std::move(h), get_executor(), {}, impl_->catalog);
      return;
    }
    impl_->catalog_waiters.push_back({&diag, std::move(h)});
    if (impl_->catalog_in_flight) return;  // single flight: ride along
    impl_->catalog_in_flight = true;
  }
  auto im = impl_;
  auto fetch = [](std::shared_ptr<impl> im) -> asio::awaitable<void> {
    diagnostics d;
    models_query q;
    q.output_modalities = {"all"};
    http_request list{http::verb::get, "/models" + encode_query(q), {}, false, true};  // named: see wait_generation_op
    auto r = co_await call_json<wire::models_page>(im, std::move(list), d, parse_body<wire::models_page>());
    std::vector<impl::waiter> waiters;
    page_ptr page;
    {
      std::lock_guard lock(im->cache_mutex);
      if (!r.first) {
        im->catalog = std::make_shared<const wire::models_page>(std::move(r.second));
        im->catalog_at = std::chrono::steady_clock::now();
        page = im->catalog;
      }
      waiters.swap(im->catalog_waiters);
      im->catalog_in_flight = false;
    }
    auto ex = co_await asio::this_coro::executor;
    for (auto& w : waiters) {
      *w.diag = d;
      complete<page_ptr>(std::move(w.h), ex, r.first, page);
    }
  };
  asio::co_spawn(asio::make_strand(impl_->transport.executor()), fetch(im), asio::detached);
}


// ---------------------------------------------------------------------------------------------
// Streaming

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
  std::optional<error_code> pending;      // terminal outcome, delivered once `ready` is empty
  std::optional<error_code> terminal;     // delivered: every later call gets it again
  bool body_done = false;
  std::atomic<bool> busy{false};  // an async_next is running (one at a time)
  std::string generation_id, model, provider;
  std::size_t chunks = 0, comments = 0;
  std::size_t body_bytes = 0;  // of the stream's body so far, bounded by max_body_bytes
  std::size_t max_body_bytes = im->transport.config().max_stream_bytes;
  std::chrono::steady_clock::time_point last_activity{};
  // Body bytes between the HTTP parser and the SSE parser. Small on purpose (memory per open
  // stream); left uninitialised so that only the bytes used are ever touched.
  char buf[4096];

  ~state() { close(); }
  // Not read to the end: the connection may hold unread bytes; close it (stops generation).
  void close() noexcept {
    if (lease.conn) im->transport.release(std::move(lease.conn), false);
  }
  void give_back() {
    bool reusable = body_done && lease.keep_alive && lease.parser && lease.parser->is_done();
    if (lease.conn) im->transport.release(std::move(lease.conn), reusable);
  }

  void on_event(const sse::event& ev) {
    if (pending || acc.done_seen()) return;  // nothing counts after the end
    if (ev.data == "[DONE]") {
      acc.done();
      return;
    }
    wire::chat_chunk chunk;
    error_code ec;
    wire::parse_chat_chunk(ev.data, chunk, ec);
    if (ec) {
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
    ready.push_back(std::move(chunk));
  }

  // Feeds the connection's buffered bytes to the HTTP parser until the body buffer is full, the
  // body ends or more input is needed. True when some body arrived (or the body ended).
  template <class Parser>
  static bool parse_buffered(Parser& p, boost::beast::flat_buffer& fb, error_code& ec) {
    const std::size_t room = p.get().body().size;
    while (fb.size() > 0 && p.get().body().size > 0 && !p.is_done()) {
      error_code e;
      std::size_t used = p.put(fb.data(), e);
      fb.consume(used);
      if (e == http::error::need_more || e == http::error::need_buffer) break;
      if (e) {
        ec = e;
        return true;
      }
      if (used == 0) break;
    }
    return p.is_done() || p.get().body().size != room;
  }

  // Reads one piece of the body and feeds it through the SSE parser.
  template <class Stream>
  asio::awaitable<void> read_piece(Stream& s, error_code& ec) {
    auto& p = *lease.parser;
    auto& c = *lease.conn;
    bool total_binds = false;
    error_code e;
    p.get().body().data = buf;
    p.get().body().size = sizeof buf;
    // Bytes already received (one TLS read brings many HTTP chunks) are parsed without I/O;
    // the socket is read only when they do not complete a piece of body.
    if (!parse_buffered(p, c.buffer(), e)) {
      if (co_await detail::cancel_requested(ec)) co_return;
      c.tcp().expires_at(dl.phase(im->transport.config().timeout.read_idle, total_binds));
      c.prepare_read();
      co_await http::async_read_some(s, c.buffer(), p, asio::redirect_error(asio::use_awaitable, e));
      c.tcp().expires_never();
      if (e == http::error::need_buffer) e = {};
      if (e) {
        ec = e == asio::error::operation_aborted ? e : detail::map_io_error(e, total_binds, errc::read_timeout);
        co_return;
      }
      parse_buffered(p, c.buffer(), e);
    }
    if (e) {
      ec = make_error_code(errc::bad_response);
      co_return;
    }
    std::size_t n = sizeof buf - p.get().body().size;
    if (n > 0) last_activity = std::chrono::steady_clock::now();
    // A stream's whole body is bounded too (a server that never ends one): nothing past the
    // limit is parsed, the chunks before it are still delivered.
    body_bytes += n;
    if (body_bytes > max_body_bytes) {
      if (!pending) {
        diag->detail = "the stream exceeded max_stream_bytes (" + std::to_string(max_body_bytes) + " bytes)";
        pending = make_error_code(errc::response_too_large);
      }
      co_return;
    }
    struct handler {
      state* self;
      void on_event(const sse::event& ev) { self->on_event(ev); }
      void on_comment(std::string_view) { ++self->comments; }
    } h{this};
    error_code pe;
    sse.parse(std::string_view(buf, n), h, pe);
    if (pe && !pending) {
      diag->detail = sse::to_string(sse.failed());
      pending = make_error_code(errc::bad_sse);
    }
    if (p.is_done()) body_done = true;
  }
};

namespace {

asio::awaitable<result<std::optional<wire::chat_chunk>>> next_op(std::shared_ptr<chat_stream::state> st) {
  using R = result<std::optional<wire::chat_chunk>>;
  if (!st) co_return R{make_error_code(errc::invalid_argument), std::nullopt};
  auto& s = *st;
  struct unbusy {  // taken by do_next
    std::atomic<bool>& b;
    ~unbusy() { b.store(false); }
  } guard{s.busy};
  while (true) {
    if (s.terminal) co_return R{*s.terminal, std::nullopt};
    if (s.cancelled.load()) {  // chat_stream::cancel(): nothing more is handed out
      s.close();
      s.terminal = error_code(asio::error::operation_aborted);
      continue;
    }
    if (s.has_ready()) {
      wire::chat_chunk c = s.take_ready();
      co_return R{error_code{}, std::move(c)};
    }
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
    auto& conn = *s.lease.conn;
    // Named, not a temporary inside the co_await expression (GCC 12).
    asio::awaitable<void> read = conn.visit([&](auto& stream) { return s.read_piece(stream, ec); });
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

void chat_stream::do_next(next_handler h) {
  if (!st_) {
    auto ex = asio::get_associated_executor(h, asio::system_executor());
    asio::dispatch(ex, [h = std::move(h)]() mutable { std::move(h)(make_error_code(errc::invalid_argument), std::nullopt); });
    return;
  }
  // A chunk already decoded (one read usually brings many) is handed out without a coroutine
  // and without the strand: holding `busy` is exclusive access to the state (the reading
  // coroutine holds it too, and releases it with release semantics). Delivered after a post
  // (never from inside this call) on the handler's executor.
  // `busy` is taken here, at the call, so that a call made while another is pending fails
  // whatever the timing of the first one.
  state& st = *st_;
  if (st.busy.exchange(true)) {
    asio::post(st.strand.get_inner_executor(),
               asio::append(std::move(h), make_error_code(errc::invalid_argument), std::optional<wire::chat_chunk>{}));
    return;
  }
  if (st.has_ready() && !st.terminal && !st.cancelled.load()) {
    std::optional<wire::chat_chunk> c(st.take_ready());
    st.busy.store(false);
    asio::post(st.strand.get_inner_executor(), asio::append(std::move(h), error_code{}, std::move(c)));
    return;
  }
  launch_on<std::optional<wire::chat_chunk>>(st.strand, next_op(st_), std::move(h));  // releases `busy`
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

void client::do_fetch_asset(std::string url, diagnostics& diag, handler<std::string> h) {
  launch(impl_, fetch_asset_op(impl_, std::move(url), diag), std::move(h));
}

void client::do_chat_stream(wire::chat_request req, diagnostics& diag, handler<chat_stream> h) {
  launch(impl_, chat_stream_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
