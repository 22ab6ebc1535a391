#pragma once
// How the facades (client, chat_stream, router) meet completion tokens.
//
// Every operation completes with void(error_code, T) for callbacks and for adapters that keep
// the error in band (asio::as_tuple(...), asio::redirect_error(...)):
//
//   auto [ec, res] = co_await cli.async_chat(req, asio::as_tuple(asio::use_awaitable));
//
// With a token that reports errors as exceptions (the default token, asio::use_awaitable, or
// asio::use_future), a failure throws openrouter::api_error (a
// boost::system::system_error whose what() is diagnostics::summary(ec)) that carries a copy of
// the operation's diagnostics:
//
//   try { auto res = co_await cli.async_chat(req); }
//   catch (const openrouter::api_error& e) { std::cerr << e.what(); e.diagnostics().retry_after; }
//
// (Those tokens complete with void(std::exception_ptr, T).) The default token is
// asio::use_awaitable: co_await an operation from an asio::awaitable<> coroutine. An explicit
// asio::deferred keeps void(error_code, T) for composition (parallel groups, operators); when
// co_awaited directly it throws a plain system_error. (Boost 1.81 cannot co_await a deferred
// operation whose signature is void(exception_ptr, T): awaitable.hpp dereferences the wrong
// member; hence use_awaitable as the default.)
//
// The templates here only pick a signature and type-erase the handler; the adapters are compiled
// in the library (src/lib/completion.cpp) for each result type the facades produce.

#include <openrouter/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace boost::asio {
template <typename Allocator>
class use_future_t;
}  // namespace boost::asio

namespace openrouter::detail {

template <class T>
using ec_handler = boost::asio::any_completion_handler<void(boost::system::error_code, T)>;
template <class T>
using ex_handler = boost::asio::any_completion_handler<void(std::exception_ptr, T)>;

/// Tokens whose completion reports an error by throwing.
template <class Token>
struct throwing_token : std::false_type {};
template <class Executor>
struct throwing_token<boost::asio::use_awaitable_t<Executor>> : std::true_type {};
template <class Allocator>
struct throwing_token<boost::asio::use_future_t<Allocator>> : std::true_type {};

/// A handler that completes `h` with api_error(ec, *diag) as an exception on failure (compiled
/// in the library for every T the facades complete with). `owned`, if any, is kept alive
/// until the completion (the diagnostics of a caller who gave none).
template <class T>
ec_handler<T> rethrowing(ex_handler<T> h, const diagnostics* diag, std::shared_ptr<diagnostics> owned);
/// A handler that keeps `owned` alive until it completes `h`.
template <class T>
ec_handler<T> keeping(ec_handler<T> h, std::shared_ptr<diagnostics> owned);

/// Starts `start(diagnostics&, ec_handler<T>)` for `token`, with the caller's diagnostics or,
/// when `diag` is null, diagnostics of the operation's own. The initiation carries `start` and
/// `diag` as captures rather than as initiation arguments: GCC 12 reports an initiation object
/// without state (an empty lambda) as "may be used uninitialized" wherever it is wrapped by
/// asio::bind_cancellation_slot (bind_cancellation_slot.hpp:545), in the caller's own code.
template <class T, class Token, class Start>
auto initiate(Token&& token, diagnostics* diag, Start start) {
  if constexpr (throwing_token<std::decay_t<Token>>::value) {
    return boost::asio::async_initiate<Token, void(std::exception_ptr, T)>(
        [s = std::move(start), d = diag](auto h) mutable {
          std::shared_ptr<diagnostics> owned;
          diagnostics* dp = d;
          if (!dp) {
            owned = std::make_shared<diagnostics>();
            dp = owned.get();
          }
          diagnostics& ref = *dp;
          s(ref, rethrowing<T>(ex_handler<T>(std::move(h)), dp, std::move(owned)));
        },
        token);
  } else {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, T)>(
        [s = std::move(start), d = diag](auto h) mutable {
          if (d) {
            s(*d, ec_handler<T>(std::move(h)));
            return;
          }
          auto owned = std::make_shared<diagnostics>();
          diagnostics& ref = *owned;
          s(ref, keeping<T>(ec_handler<T>(std::move(h)), std::move(owned)));
        },
        token);
  }
}

}  // namespace openrouter::detail
