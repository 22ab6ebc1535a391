#pragma once
// How the facades (client, router) run an operation: a coroutine on a strand of its own
// (openrouter::strand_for), wired to the handler's cancellation slot, its result delivered on the
// handler's own executor. Private to src/lib.

#include <openrouter/error.hpp>
#include <openrouter/strand.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>
#include <boost/system/error_code.hpp>

#include <exception>
#include <memory>
#include <utility>

namespace openrouter::detail {

template <class T>
using result = std::pair<boost::system::error_code, T>;

template <class T>
using handler = boost::asio::any_completion_handler<void(boost::system::error_code, T)>;

/// Delivers a result to a handler on the handler's own executor.
template <class T>
void complete(handler<T> h, const boost::asio::any_io_executor& fallback, boost::system::error_code ec, T value) {
  auto ex = boost::asio::get_associated_executor(h, fallback);
  boost::asio::dispatch(ex, [h = std::move(h), ec, value = std::move(value)]() mutable {
    std::move(h)(ec, std::move(value));
  });
}

/// Forwards a cancellation from the caller's slot to the operation's own signal, on the
/// operation's strand. The slot holds the signal weakly: the signal lives in the launch's state,
/// which holds the caller's handler, and a handler may own the very coroutine whose cancellation
/// state holds this forward (use_awaitable), a cycle that an io_context destroyed with the
/// operation pending would leak. A forward already queued holds it strongly: it finds the
/// signal alive when it runs, with no handler left once the operation has ended.
/// (Asio 1.81's co_spawn queues a raw pointer to a signal held in the caller's slot: re-using
/// the slot before that runs is a use after free, so the caller's slot never reaches co_spawn.)
struct forward_cancellation {
  std::weak_ptr<boost::asio::cancellation_signal> signal;
  boost::asio::any_io_executor strand;
  void operator()(boost::asio::cancellation_type type) const {
    if (auto s = signal.lock()) boost::asio::dispatch(strand, [s = std::move(s), type] { s->emit(type); });
  }
};

/// One launched operation: the caller's handler, the signal its slot forwards to, and the slot
/// the operation's result is written into (the result is moved twice on its way to the handler,
/// not through every layer of co_spawn's completion).
template <class T>
struct launch_state {
  explicit launch_state(handler<T> handler)
      : h(std::move(handler)), caller_slot(boost::asio::get_associated_cancellation_slot(h)) {}
  handler<T> h;
  boost::asio::cancellation_slot caller_slot;
  boost::asio::cancellation_signal signal;
  result<T> r;
};

/// Runs `op` into `out`, with cancellation observed only through the results of the operations
/// it awaits (which the facades all check): Asio's default would throw from the next co_await
/// after a cancellation, unwinding an operation in the middle of its clean-up.
template <class T>
boost::asio::awaitable<void> run_into(boost::asio::awaitable<result<T>> op, result<T>& out) {
  co_await boost::asio::this_coro::throw_if_cancelled(false);
  out = co_await std::move(op);
}

/// Runs `op` on `strand` (one of openrouter::strand_for's). If the coroutine throws anything but a
/// system_error (only bad_alloc-class failures can), the handler gets errc::invalid_argument.
template <class T>
void launch_on(boost::asio::any_io_executor strand, boost::asio::awaitable<result<T>> op, handler<T> h) {
  auto st = std::make_shared<launch_state<T>>(std::move(h));
  const bool forwarded = st->caller_slot.is_connected();
  if (forwarded)
    st->caller_slot.template emplace<forward_cancellation>(
        std::shared_ptr<boost::asio::cancellation_signal>(st, &st->signal), strand);
  // Taken before the completion handler (which the same call builds) takes `st`.
  result<T>& out = st->r;
  const boost::asio::cancellation_slot op_slot = forwarded ? st->signal.slot() : boost::asio::cancellation_slot();
  boost::asio::co_spawn(
      strand, run_into<T>(std::move(op), out),
      boost::asio::bind_cancellation_slot(
          op_slot,
          [st = std::move(st), strand, forwarded](std::exception_ptr e) mutable {
            // On the strand, where every forward runs: later ones reach no handler.
            if (forwarded) st->signal.slot().clear();
            if (e) {
              st->r = {make_error_code(errc::invalid_argument), T{}};
              try {
                std::rethrow_exception(e);
              } catch (const boost::system::system_error& se) {
                st->r.first = se.code();
              } catch (...) {
              }
            }
            auto ex = boost::asio::get_associated_executor(st->h, strand);
            boost::asio::dispatch(ex, [st = std::move(st)]() mutable {
              // On the caller's executor, where the caller emits: the slot is free for its next call.
              if (st->caller_slot.is_connected()) st->caller_slot.clear();
              launch_state<T>& s = *st;
              std::move(s.h)(s.r.first, std::move(s.r.second));
            });
          }));
}

}  // namespace openrouter::detail
