#pragma once
// openrouter::router: the routing policy engine over a client. One async_chat runs attempts
// across the policy's candidate models (client-side fallback), retries transient failures with
// backoff and jitter, honours Retry-After up to a cap, skips models whose circuit breaker is
// open, spends retries only within the retry budget, and keeps one deadline over everything.
// The decisions are routing::planner's (sans-I/O); this facade only runs them. The same policy
// routes the other inference endpoints: the Responses and Messages APIs (JSON and streamed),
// embeddings, rerank, image generation and audio, each counting its own usage.cost against the
// spend caps.
//
//   openrouter::routing::policy p;
//   p.models = {"openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"};
//   openrouter::router r(cli, p);
//   auto res = co_await r.async_chat(req, diag);      // diag: the last attempt's diagnostics
//
// Observability: hooks get one record per attempt and one per request (no secrets, no bodies).
// Thread safety: like client; the router and its client must outlive every operation.

#include <openrouter/client.hpp>
#include <openrouter/completion.hpp>
#include <openrouter/messages_stream.hpp>
#include <openrouter/responses_stream.hpp>
#include <openrouter/error.hpp>
#include <openrouter/routing/candidates.hpp>
#include <openrouter/routing/planner.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/routing/shared_state.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/audio.hpp>
#include <openrouter/wire/embeddings.hpp>
#include <openrouter/wire/images.hpp>
#include <openrouter/wire/messages.hpp>
#include <openrouter/wire/rerank.hpp>
#include <openrouter/wire/responses.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace openrouter {

/// One routed request, as the on_request hook sees it.
struct request_record {
  std::string requested_model;  ///< the first candidate ("" : the account's default)
  std::string resolved_model;   ///< the model that answered (response.model)
  std::string provider;
  /// Each attempt with the step taken after it and the waits that followed (attempt_record::then,
  /// ::waits); the on_attempt hook sees an attempt as it ended, before its step was taken.
  std::vector<routing::attempt_record> attempts;
  std::vector<routing::wait_record> initial_waits;  ///< waits before the first attempt (limits)
  std::vector<routing::dropped_candidate> dropped;  ///< candidates the catalog ruled out
  boost::system::error_code ec;  ///< empty on success
  routing::error_class cls = routing::error_class::none;
  std::string reason;  ///< why the router stopped: "success", "stop", "attempts", "deadline", ...
  std::chrono::steady_clock::duration latency{};
  std::optional<std::int64_t> prompt_tokens, completion_tokens;
  std::optional<double> cost;  ///< usage.cost (USD) of the answer (a stream: routed_stream::cost)
  double spent = 0;            ///< USD reported by all of the request's attempts (so far, for a stream)
  /// Attempts that ended without their usage after the request was sent (cancelled, or the
  /// connection or stream broke; attempt_record::cost_unknown): billed perhaps, for an amount
  /// nobody reported.
  std::size_t cost_unknown = 0;
  std::string generation_id;
  bool fallback = false;  ///< an attempt went to another model than the first candidate
  bool hedged = false;    ///< a hedge attempt was started (see routing::policy::hedge)
  /// The router shares its limits with a fleet (router::share) and its store could not be
  /// reached when the request ended: the local fallback's limits applied (openrouter/fleet.hpp).
  bool fleet_fallback = false;
};

struct router_hooks {
  std::function<void(const routing::attempt_record&)> on_attempt;
  std::function<void(const request_record&)> on_request;
};

namespace detail {
/// The router's spend account, shared with the streams it hands out (their cost comes later).
struct spend_tally;
}  // namespace detail

/// A stream the router opened: failover happened (if needed) before its first content event,
/// which it holds together with the events before it; after that it is the one upstream stream,
/// whose failures are final and typed (errc::stream_error, errc::stream_incomplete...) with the
/// partial output in result(): never silently truncated, never silently re-sent.
/// `Stream` is chat_stream (routed_stream), responses_stream (routed_responses_stream) or
/// messages_stream (routed_messages_stream).
/// What async_next of a stream hands out.
template <class Stream>
struct stream_event;
template <>
struct stream_event<chat_stream> {
  using type = wire::chat_chunk;
};
template <>
struct stream_event<responses_stream> {
  using type = wire::responses_event;
};
template <>
struct stream_event<messages_stream> {
  using type = wire::messages_event;
};

template <class Stream>
class basic_routed_stream {
 public:
  using event_type = typename stream_event<Stream>::type;
  using result_type = decltype(std::declval<const Stream&>().result());

  basic_routed_stream() = default;
  basic_routed_stream(std::vector<event_type> first, Stream rest, boost::asio::any_io_executor ex,
                      std::shared_ptr<detail::spend_tally> t = {}) noexcept;

  /// Like the stream's own async_next: the next event, or std::nullopt at the clean end.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_next(Token&& token = {}) {
    return detail::initiate<std::optional<event_type>>(
        std::forward<Token>(token), rest_.diagnostics_ptr(),
        [this](diagnostics&, typename Stream::next_handler h) { do_next(std::move(h)); });
  }
  /// See chat_stream::cancel() (events the router held before handing the stream over are
  /// still delivered first).
  void cancel() noexcept { rest_.cancel(); }
  void close() noexcept { rest_.cancel(); }
  /// Internal (completion.hpp); see chat_stream::keep_diagnostics.
  void keep_diagnostics(std::shared_ptr<diagnostics> d) noexcept { rest_.keep_diagnostics(std::move(d)); }

  result_type result() const { return rest_.result(); }
  std::string generation_id() const { return rest_.generation_id(); }
  std::string model() const
    requires requires(const Stream& s) { s.model(); }
  {
    return rest_.model();
  }
  std::string provider() const
    requires requires(const Stream& s) { s.provider(); }
  {
    return rest_.provider();
  }
  bool is_open() const noexcept { return head_ < first_.size() || rest_.is_open(); }
  /// See chat_stream::rebind_diagnostics.
  void rebind_diagnostics(diagnostics& d) noexcept { rest_.rebind_diagnostics(d); }
  /// usage.cost (USD) once the usage arrived (chat: the final usage chunk; Responses: the
  /// response.completed, .incomplete or .failed event; Messages: message_delta's usage). The router counts it against its spend
  /// caps (router::spent, policy::max_cost_usd) as it arrives: requests admitted after it see it.
  std::optional<double> cost() const noexcept;
  /// Read after the stream ended (or when giving it up): no usage arrived, so what the upstream
  /// billed for it is unknown (and not counted by the router).
  bool cost_unknown() const noexcept { return !cost(); }

 private:
  void do_next(typename Stream::next_handler h);
  struct cost_state;
  std::shared_ptr<cost_state> cost_;
  std::vector<event_type> first_;
  std::size_t head_ = 0;
  Stream rest_;
  boost::asio::any_io_executor ex_;  // the client's: held events are delivered through it
};

extern template class basic_routed_stream<chat_stream>;
extern template class basic_routed_stream<responses_stream>;
extern template class basic_routed_stream<messages_stream>;
/// A routed chat stream (router::async_chat_stream).
using routed_stream = basic_routed_stream<chat_stream>;
/// A routed Responses API stream (router::async_responses_stream).
using routed_responses_stream = basic_routed_stream<responses_stream>;
/// A routed Messages API stream (router::async_messages_stream).
using routed_messages_stream = basic_routed_stream<messages_stream>;

class router {
 public:
  /// `seed` drives jitter (0: from the clock). Throws std::invalid_argument for an unusable
  /// policy (max_attempts 0).
  router(client& c, routing::policy p, router_hooks hooks = {}, std::uint64_t seed = 0);
  ~router();
  router(const router&) = delete;
  router& operator=(const router&) = delete;

  /// POST /chat/completions through the policy. Completes with the first success, or with the
  /// error that ended the request (diag holds that attempt's diagnostics; diag.detail says why
  /// the router stopped when no attempt explains it).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_chat(wire::chat_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::chat_response>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  /// Without diagnostics: a throwing token's api_error still carries them.
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_chat(wire::chat_request req, Token&& token = {}) {
    return start<wire::chat_response>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }

  /// As above, and `record` receives the request's canonical record (what
  /// router_hooks::on_request gets) before the completion: callers with many requests in flight
  /// need not match hook records to requests. `record` must outlive the operation.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_chat(wire::chat_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<wire::chat_response>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /chat/completions with stream:true through the policy. Completes once a candidate's
  /// stream has delivered its first content chunk (or ended cleanly): every failure before that
  /// (a pre-stream error, a stream that errs or is cut before content, no first byte within the
  /// attempt deadline) goes through the policy like a failed attempt. `diag` must outlive the
  /// stream. The request record is emitted at that point (the stream's own end is the caller's
  /// to see).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_chat_stream(wire::chat_request req, diagnostics& diag, Token&& token = {}) {
    return start<routed_stream>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  /// Without diagnostics (the stream keeps its own; api_error carries them).
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_chat_stream(wire::chat_request req, Token&& token = {}) {
    return start<routed_stream>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }

  /// As above, with the request's record (see async_chat).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_chat_stream(wire::chat_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<routed_stream>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /responses (the Responses API) through the policy: fallbacks, retries, breakers,
  /// limits, spend caps and records as for async_chat (the record's tokens are the usage's
  /// input and output tokens). Catalog filtering judges the tools, text format, reasoning and
  /// input parts the request uses.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_responses(wire::responses_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::responses_response>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_responses(wire::responses_request req, Token&& token = {}) {
    return start<wire::responses_response>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_responses(wire::responses_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<wire::responses_response>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /responses with stream:true through the policy, as async_chat_stream: completes once
  /// a candidate's stream delivered its first event with output (wire::has_output: a text,
  /// refusal, reasoning or function-call delta) or ended cleanly.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_responses_stream(wire::responses_request req, diagnostics& diag, Token&& token = {}) {
    return start<routed_responses_stream>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_responses_stream(wire::responses_request req, Token&& token = {}) {
    return start<routed_responses_stream>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_responses_stream(wire::responses_request req, diagnostics& diag, request_record& record,
                              Token&& token = {}) {
    return start<routed_responses_stream>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /embeddings through the policy (the candidates are embedding models: no catalog
  /// filtering, the chat catalog does not list them; the record's prompt_tokens are the usage's).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_embeddings(wire::embeddings_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::embeddings_response>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_embeddings(wire::embeddings_request req, Token&& token = {}) {
    return start<wire::embeddings_response>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_embeddings(wire::embeddings_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<wire::embeddings_response>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /messages (the Anthropic Messages API) through the policy, as async_responses; the
  /// record's tokens are the usage's input and output tokens.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_messages(wire::messages_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::messages_response>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_messages(wire::messages_request req, Token&& token = {}) {
    return start<wire::messages_response>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_messages(wire::messages_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<wire::messages_response>(std::forward<Token>(token), &diag, &record, std::move(req));
  }
  /// POST /messages with stream:true, as async_responses_stream (its cost: message_delta's usage).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_messages_stream(wire::messages_request req, diagnostics& diag, Token&& token = {}) {
    return start<routed_messages_stream>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_messages_stream(wire::messages_request req, Token&& token = {}) {
    return start<routed_messages_stream>(std::forward<Token>(token), nullptr, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_messages_stream(wire::messages_request req, diagnostics& diag, request_record& record,
                             Token&& token = {}) {
    return start<routed_messages_stream>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /rerank and POST /images through the policy, as async_embeddings (not filtered by
  /// the chat catalog; each answer's usage.cost counts against the spend caps).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_rerank(wire::rerank_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::rerank_response>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_rerank(wire::rerank_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<wire::rerank_response>(std::forward<Token>(token), &diag, &record, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_images(wire::image_generation_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::image_generation_response>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_images(wire::image_generation_request req, diagnostics& diag, request_record& record,
                    Token&& token = {}) {
    return start<wire::image_generation_response>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  /// POST /audio/transcriptions and POST /audio/speech through the policy, as async_rerank. A
  /// transcription's usage.cost counts against the spend caps; speech answers with audio bytes
  /// and no usage, so each successful speech attempt is recorded as cost unknown
  /// (attempt_record::cost_unknown) and is not counted.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_transcription(wire::transcription_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::transcription>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_transcription(wire::transcription_request req, diagnostics& diag, request_record& record,
                           Token&& token = {}) {
    return start<wire::transcription>(std::forward<Token>(token), &diag, &record, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_speech(wire::speech_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::speech_audio>(std::forward<Token>(token), &diag, nullptr, std::move(req));
  }
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_speech(wire::speech_request req, diagnostics& diag, request_record& record, Token&& token = {}) {
    return start<wire::speech_audio>(std::forward<Token>(token), &diag, &record, std::move(req));
  }

  const routing::policy& policy() const noexcept;
  routing::health& health() noexcept;
  /// Shares the policy's limits with a fleet of processes (openrouter/fleet.hpp): each attempt
  /// is admitted by `s` before it is sent, and a breaker that opens here opens fleet-wide. Call
  /// before the first request; nullptr: this process's limits alone (the default).
  void share(std::shared_ptr<routing::shared_state> s);
  /// The client the router sends through (helpers layered on a router use its executor and catalog).
  client& get_client() const noexcept;
  /// USD spent so far through this router (sum of usage.cost of every attempt that reported one,
  /// streams included: theirs is counted when their final usage chunk arrives).
  double spent() const noexcept;

  struct impl;

 private:
  template <class T>
  using handler = boost::asio::any_completion_handler<void(boost::system::error_code, T)>;
  // One initiation for every routed operation; do_route is overloaded on the request and the
  // answer (compiled once, in router.cpp).
  template <class Answer, class Token, class Request>
  auto start(Token&& token, diagnostics* diag, request_record* out, Request req) {
    return detail::initiate<Answer>(std::forward<Token>(token), diag,
                                    [this, out, r = std::move(req)](diagnostics& d, handler<Answer> h) mutable {
                                      do_route(std::move(r), d, out, std::move(h));
                                    });
  }
  void do_route(wire::chat_request req, diagnostics& diag, request_record* out, handler<wire::chat_response> h);
  void do_route(wire::chat_request req, diagnostics& diag, request_record* out, handler<routed_stream> h);
  void do_route(wire::responses_request req, diagnostics& diag, request_record* out,
                handler<wire::responses_response> h);
  void do_route(wire::responses_request req, diagnostics& diag, request_record* out,
                handler<routed_responses_stream> h);
  void do_route(wire::embeddings_request req, diagnostics& diag, request_record* out,
                handler<wire::embeddings_response> h);
  void do_route(wire::messages_request req, diagnostics& diag, request_record* out,
                handler<wire::messages_response> h);
  void do_route(wire::messages_request req, diagnostics& diag, request_record* out,
                handler<routed_messages_stream> h);
  void do_route(wire::rerank_request req, diagnostics& diag, request_record* out, handler<wire::rerank_response> h);
  void do_route(wire::image_generation_request req, diagnostics& diag, request_record* out,
                handler<wire::image_generation_response> h);
  void do_route(wire::transcription_request req, diagnostics& diag, request_record* out,
                handler<wire::transcription> h);
  void do_route(wire::speech_request req, diagnostics& diag, request_record* out, handler<wire::speech_audio> h);
  std::shared_ptr<impl> impl_;
};

}  // namespace openrouter
