#pragma once
// openrouter::sync_client: a blocking facade over openrouter::client for simple programs and
// scripts. It owns an io_context and one thread that runs it (with a work guard, so it never
// returns early); each method posts the asynchronous operation to that thread and blocks the
// caller until it completes. No Asio in sight:
//
//   openrouter::sync_client cli;                     // client_config::from_env()
//   try {
//     auto res = cli.chat(req);
//     std::cout << res.text() << "\n";
//   } catch (const openrouter::api_error& e) {       // e.diagnostics(): status, Retry-After...
//     std::cerr << e.what() << "\n";
//   }
//
// Errors throw openrouter::api_error (completion.hpp), with the operation's diagnostics.
//
// Thread safety: any number of threads may call the methods of one sync_client at once (the
// calls run concurrently on the client's thread and share one connection pool). A chat_stream
// callback runs on the calling thread, not on the client's, so it may call the same sync_client.
//
// Destruction cancels every call still pending on other threads (a request, an open stream,
// a pull: the connection is closed; each throws api_error with asio::error::operation_aborted),
// waits for them to complete and joins the thread. A call that reaches the client after
// destruction began throws the same error with "sync_client shut down" in
// diagnostics().detail. (Starting a call on an object that is being destroyed is still the
// caller's race; what is guaranteed is that calls already inside are released.) Calling from
// the client's own thread, which this API never hands out, throws std::logic_error instead of
// waiting for itself.

#include <openrouter/client.hpp>
#include <openrouter/config.hpp>
#include <openrouter/error.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/generation.hpp>
#include <openrouter/wire/key.hpp>
#include <openrouter/wire/models.hpp>

#include <functional>
#include <memory>
#include <string>

namespace openrouter {

class sync_client {
 public:
  /// Starts the thread. Throws std::invalid_argument for an unusable configuration (as client).
  explicit sync_client(client_config cfg = client_config::from_env());
  /// Cancels pending calls, waits for them, joins the thread (see above).
  ~sync_client();
  sync_client(const sync_client&) = delete;
  sync_client& operator=(const sync_client&) = delete;

  /// POST /chat/completions (client::async_chat).
  wire::chat_response chat(wire::chat_request req);

  /// Called on the caller's thread with each chunk as it arrives; return false to stop the
  /// stream there (its connection is closed, which stops generation and billing upstream).
  using chunk_callback = std::function<bool(const wire::chat_chunk&)>;
  /// POST /chat/completions with stream:true (client::async_chat_stream): `on_chunk` sees every
  /// chunk; returns everything received, folded into the non-streaming shape (partial when
  /// `on_chunk` stopped the stream). A failure (before or during the stream) throws api_error;
  /// the chunks delivered before it are the partial output. An exception thrown by `on_chunk`
  /// stops the stream and propagates.
  wire::chat_response chat_stream(wire::chat_request req, const chunk_callback& on_chunk);

  /// GET /models (client::async_models).
  wire::models_page models(models_query q = {});
  /// GET /providers.
  wire::provider_list providers();
  /// GET /generation?id= (one look-up: 404 while the record is not written yet).
  wire::generation generation(std::string id);
  /// GET /generation?id=, polling while it answers 404 (client::async_wait_generation).
  wire::generation wait_generation(std::string id, generation_poll poll = {});
  /// GET /key.
  wire::key_info key();

  const client_config& config() const noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace openrouter
