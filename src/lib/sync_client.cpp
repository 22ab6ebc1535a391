// openrouter::sync_client: the blocking facade (include/openrouter/sync_client.hpp).
//
// One io_context, one thread running it (kept alive by a work guard until destruction). A call
// posts its operation to that thread and waits for its result_slot. Everything below marked "io
// thread" is touched only there, so it needs no lock; `m` only orders "posted" against "closed".
//
// Shutdown: `closed` is set under `m` (no call posts after it, so every call posted before it is
// queued ahead of the shutdown handler, io_context queues being FIFO); the shutdown handler then
// cancels every registered operation (terminal cancellation; streams: chat_stream::cancel) and
// drops the work guard, so run() returns once the cancelled operations have completed, which
// fills their result slots. The destructor joins. Callers hold the impl through a shared_ptr, so
// whatever they touch after waking (the result slot, the stream box) outlives the sync_client.

#include <openrouter/sync_client.hpp>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cstdint>
#include <exception>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace openrouter {

namespace asio = boost::asio;

namespace {

// One call's result, handed from the io thread to the caller under a mutex. (Not std::promise:
// the promise's shared state keeps a reference to the exception it carries, so the exception
// could be freed on the io thread while the caller still reads it, synchronised only by
// libstdc++'s uninstrumented reference count, which TSan reports as a race. Here the io thread
// moves the exception into the slot and keeps nothing: the caller is its only owner.)
template <class T>
class result_slot {
 public:
  void set_value(T v) {
    {
      std::lock_guard lock(m_);
      value_.emplace(std::move(v));
      ready_ = true;
    }
    cv_.notify_one();
  }
  void set_exception(std::exception_ptr e) {
    {
      std::lock_guard lock(m_);
      error_ = std::move(e);
      ready_ = true;
    }
    cv_.notify_one();
  }
  /// Waits for the result; rethrows the exception.
  T get() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [this] { return ready_; });
    if (error_) {
      std::exception_ptr e = std::move(error_);
      error_ = nullptr;
      lock.unlock();
      std::rethrow_exception(e);
    }
    return std::move(*value_);
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool ready_ = false;
  std::optional<T> value_;
  std::exception_ptr error_;
};

std::exception_ptr shut_down() {
  diagnostics d;
  d.detail = "sync_client shut down";
  return std::make_exception_ptr(api_error(asio::error::operation_aborted, std::move(d)));
}

}  // namespace

struct sync_client::impl {
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{ioc.get_executor()};
  std::optional<client> cli;

  std::mutex m;
  bool closed = false;  // guarded by m: set once; nothing is posted after it

  // io thread only.
  bool closing = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, std::function<void()>> cancellers;  // every operation or open stream

  std::thread thread;  // last: started once everything above exists
  std::thread::id thread_id;

  explicit impl(client_config cfg) {
    cli.emplace(ioc.get_executor(), std::move(cfg));
    thread = std::thread([this] { ioc.run(); });
    thread_id = thread.get_id();
  }

  ~impl() {
    if (thread.joinable()) shutdown();
  }

  /// Posts `fn` to the io thread; false once shutting down.
  template <class Fn>
  bool submit(Fn&& fn) {
    if (std::this_thread::get_id() == thread_id)
      throw std::logic_error("openrouter::sync_client called from its own thread (it would wait for itself)");
    std::lock_guard lock(m);
    if (closed) return false;
    asio::post(ioc, std::forward<Fn>(fn));
    return true;
  }

  void shutdown() {
    {
      std::lock_guard lock(m);
      closed = true;
    }
    asio::post(ioc, [this] {
      closing = true;
      std::vector<std::function<void()>> all;  // a canceller may complete an operation inline
      for (auto& [id, cancel] : cancellers) all.push_back(cancel);
      for (auto& cancel : all) cancel();
      work.reset();
    });
    thread.join();
  }

  /// Runs `start(client&, diagnostics&, handler)` on the io thread and waits for its result;
  /// throws api_error on failure.
  template <class T, class Start>
  T call(Start start) {
    auto p = std::make_shared<result_slot<T>>();
    bool posted = submit([this, p, start = std::move(start)]() mutable {
      if (closing) {
        p->set_exception(shut_down());
        return;
      }
      auto diag = std::make_shared<diagnostics>();
      auto sig = std::make_shared<asio::cancellation_signal>();
      auto id = next_id++;
      cancellers.emplace(id, [sig] { sig->emit(asio::cancellation_type::terminal); });
      start(*cli, *diag,
            asio::bind_cancellation_slot(sig->slot(), [this, p, diag, sig, id](boost::system::error_code ec, T v) {
              cancellers.erase(id);
              if (ec)
                p->set_exception(std::make_exception_ptr(api_error(ec, *diag)));
              else
                p->set_value(std::move(v));
            }));
    });
    if (!posted) std::rethrow_exception(shut_down());
    return p->get();
  }
};

sync_client::sync_client(client_config cfg) : impl_(std::make_shared<impl>(std::move(cfg))) {}

sync_client::~sync_client() { impl_->shutdown(); }

const client_config& sync_client::config() const noexcept { return impl_->cli->config(); }

wire::chat_response sync_client::chat(wire::chat_request req) {
  auto keep = impl_;
  return keep->call<wire::chat_response>([req = std::move(req)](client& c, diagnostics& d, auto h) mutable {
    c.async_chat(std::move(req), d, std::move(h));
  });
}

wire::models_page sync_client::models(models_query q) {
  auto keep = impl_;
  return keep->call<wire::models_page>([q = std::move(q)](client& c, diagnostics& d, auto h) mutable {
    c.async_models(std::move(q), d, std::move(h));
  });
}

wire::provider_list sync_client::providers() {
  auto keep = impl_;
  return keep->call<wire::provider_list>([](client& c, diagnostics& d, auto h) { c.async_providers(d, std::move(h)); });
}

wire::generation sync_client::generation(std::string id) {
  auto keep = impl_;
  return keep->call<wire::generation>([id = std::move(id)](client& c, diagnostics& d, auto h) mutable {
    c.async_generation(std::move(id), d, std::move(h));
  });
}

wire::generation sync_client::wait_generation(std::string id, generation_poll poll) {
  auto keep = impl_;
  return keep->call<wire::generation>([id = std::move(id), poll](client& c, diagnostics& d, auto h) mutable {
    c.async_wait_generation(std::move(id), poll, d, std::move(h));
  });
}

wire::key_info sync_client::key() {
  auto keep = impl_;
  return keep->call<wire::key_info>([](client& c, diagnostics& d, auto h) { c.async_key(d, std::move(h)); });
}

// A stream: opened, pulled and ended on the io thread; its chunks handed to the caller one pull
// at a time (so the socket is read only as fast as the callback takes them).
namespace {
struct stream_box {
  openrouter::chat_stream s;   // io thread only
  diagnostics diag;            // written by the stream (io thread); read after a failed pull
  std::uint64_t id = 0;        // its canceller
  bool registered = false;
  bool pulling = false;        // a pull is pending
  wire::chat_response final;   // set on the io thread before the last result is handed over
};
}  // namespace

wire::chat_response sync_client::chat_stream(wire::chat_request req, const chunk_callback& on_chunk) {
  auto keep = impl_;
  impl& st = *keep;
  auto box = std::make_shared<stream_box>();

  // Ends the stream on the io thread: keeps its result, closes it, forgets its canceller.
  auto end = [&st, box] {
    box->final = box->s.result();
    box->s = openrouter::chat_stream{};
    if (box->registered) st.cancellers.erase(box->id);
    box->registered = false;
  };

  // Open: a call like the others (cancellable while the headers are awaited; a failure throws
  // api_error with the call's diagnostics), then registered so that a shutdown cancels the open
  // stream too, and told to write its later diagnostics into the box.
  st.call<bool>([&st, box, req = std::move(req), end](client& c, diagnostics& d, auto h) mutable {
    auto slot = asio::get_associated_cancellation_slot(h);
    c.async_chat_stream(
        std::move(req), d,
        asio::bind_cancellation_slot(slot, [&st, &d, box, end, h = std::move(h)](boost::system::error_code ec,
                                                                                openrouter::chat_stream s) mutable {
          if (!ec) {
            box->diag = d;
            box->s = std::move(s);
            box->s.rebind_diagnostics(box->diag);
            box->id = st.next_id++;
            box->registered = true;
            st.cancellers.emplace(box->id, [&st, box, end] {
              box->s.cancel();  // a pending pull completes with operation_aborted
              if (!box->pulling) end();
            });
            if (st.closing) {  // the headers arrived after the shutdown's cancellations
              end();
              ec = asio::error::operation_aborted;
            }
          }
          std::move(h)(ec, !ec);
        }));
  });

  auto pull = [&] {
    auto p = std::make_shared<result_slot<std::optional<wire::chat_chunk>>>();
    bool posted = st.submit([&st, box, p, end] {
      if (!box->registered) {  // ended by a shutdown
        p->set_exception(shut_down());
        return;
      }
      box->pulling = true;
      box->s.async_next([box, p, end](boost::system::error_code ec, std::optional<wire::chat_chunk> c) {
        box->pulling = false;
        if (ec || !c) end();
        if (ec)
          p->set_exception(std::make_exception_ptr(api_error(ec, box->diag)));
        else
          p->set_value(std::move(c));
      });
    });
    if (!posted) std::rethrow_exception(shut_down());
    return p->get();
  };

  auto stop = [&] {
    auto p = std::make_shared<result_slot<bool>>();
    bool posted = st.submit([box, p, end] {
      if (box->registered) {
        box->s.cancel();
        end();
      }
      p->set_value(true);
    });
    if (!posted) std::rethrow_exception(shut_down());
    p->get();
    return std::move(box->final);
  };

  for (;;) {
    std::optional<wire::chat_chunk> c = pull();
    if (!c) return std::move(box->final);
    bool more;
    try {
      more = on_chunk(*c);
    } catch (...) {
      try {
        stop();
      } catch (...) {
      }
      throw;
    }
    if (!more) return stop();
  }
}

}  // namespace openrouter
