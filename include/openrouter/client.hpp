#pragma once
// openrouter::client: one asynchronous operation per OpenRouter endpoint over a keep-alive
// connection pool.
//
// Every operation takes a completion token (default asio::use_awaitable, so `co_await
// client.async_chat(req, diag)` works; use_future, callbacks and as_tuple work too), completes
// with void(error_code, T) (throwing tokens: openrouter::api_error, see completion.hpp), honours
// per-operation cancellation (terminal: a cancelled request's connection is closed, never
// reused) and fills the caller's `diagnostics` (which must outlive the operation) with what an
// error_code cannot carry. Each also has an overload without `diagnostics&`: the operation
// keeps its own (a throwing token's api_error carries a copy; a stream keeps them).
//
// Thread safety: a client may be shared by any number of operations running on any threads of
// its io_context(s); each operation runs on a strand of its own and the pool is synchronized.
// The client and its executor's execution context must outlive every operation.

#include <openrouter/chat_stream.hpp>
#include <openrouter/completion.hpp>
#include <openrouter/config.hpp>
#include <openrouter/error.hpp>
#include <openrouter/messages_stream.hpp>
#include <openrouter/pool_stats.hpp>
#include <openrouter/responses_stream.hpp>
#include <openrouter/wire/activity.hpp>
#include <openrouter/wire/api_keys.hpp>
#include <openrouter/wire/audio.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/embeddings.hpp>
#include <openrouter/wire/generation.hpp>
#include <openrouter/wire/images.hpp>
#include <openrouter/wire/key.hpp>
#include <openrouter/wire/messages.hpp>
#include <openrouter/wire/models.hpp>
#include <openrouter/wire/presets.hpp>
#include <openrouter/wire/rerank.hpp>
#include <openrouter/wire/responses.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace openrouter {

/// Query of GET /models and /models/user; unset members are not sent.
struct models_query {
  std::optional<std::string> category;
  std::vector<std::string> supported_parameters;  ///< every one required
  std::vector<std::string> input_modalities;
  std::vector<std::string> output_modalities;  ///< the server's default is "text"; "all" lists all
  std::optional<std::string> sort;
  std::optional<std::string> q;
  std::optional<std::int64_t> offset, limit;
  std::map<std::string, std::string> extra;  ///< any other documented parameter
};

/// How long async_wait_generation keeps polling a /generation that still answers 404.
struct generation_poll {
  std::chrono::milliseconds first_delay{250};
  double multiplier = 2.0;
  std::chrono::milliseconds max_delay{2000};
  std::chrono::milliseconds max_wait{std::chrono::seconds(10)};
};

/// Query of GET /activity (management key); unset members are not sent.
struct activity_query {
  std::optional<std::string> date;  ///< one UTC day of the last 30, "YYYY-MM-DD"
  std::optional<std::string> api_key_hash;
  std::optional<std::string> user_id;
  std::optional<std::string> group_by;  ///< "workspace"
  std::optional<std::string> workspace_id;
};

/// Query of GET /keys (management key); unset members are not sent.
struct key_list_query {
  std::optional<std::int64_t> offset;       ///< keys to skip (pagination)
  std::optional<bool> include_disabled;     ///< the API lists enabled keys only by default
  std::optional<std::string> workspace_id;  ///< default: the default workspace
};

/// Query of GET /presets and GET /presets/{slug}/versions; unset members are not sent.
struct preset_list_query {
  std::optional<std::int64_t> offset;  ///< records to skip (pagination); not negative
  std::optional<std::int64_t> limit;   ///< records per page, 1 to 100 (the API's default: 50)
};

class client {
 public:
  using executor_type = boost::asio::any_io_executor;
  template <class T>
  using handler = boost::asio::any_completion_handler<void(boost::system::error_code, T)>;

  /// Throws std::invalid_argument for an unusable configuration.
  explicit client(executor_type ex, client_config cfg = client_config::from_env());
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  executor_type get_executor() const noexcept;
  const client_config& config() const noexcept;
  pool_stats pool_statistics() const;

  /// POST /chat/completions, non-streaming (`stream` is forced off). A 200 whose choice
  /// carries an error completes with errc::provider_error and the partial response. Like
  /// async_chat_stream, it first applies the remote-asset policy (config().remote_assets) to
  /// every image_url.url and file.file_data: errc::remote_asset_not_allowed, nothing sent.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_chat(wire::chat_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::chat_response>(std::forward<Token>(token), &client::do_chat, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_chat(wire::chat_request req, Token&& token = {}) {
    return start<wire::chat_response>(std::forward<Token>(token), &client::do_chat, std::move(req), nullptr);
  }

  /// POST /chat/completions with stream:true (forced on). Completes once the response headers
  /// arrived: with an open chat_stream on a 200 text/event-stream, with the typed API error of
  /// a non-2xx status (diagnostics filled like async_chat), with errc::unexpected_content_type
  /// for a 200 that is not an event stream. `diag` must outlive the stream (its later errors
  /// land there too).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_chat_stream(wire::chat_request req, diagnostics& diag, Token&& token = {}) {
    return start<chat_stream>(std::forward<Token>(token), &client::do_chat_stream, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_chat_stream(wire::chat_request req, Token&& token = {}) {
    return start<chat_stream>(std::forward<Token>(token), &client::do_chat_stream, std::move(req), nullptr);
  }

  /// POST /responses (the Responses API), non-streaming (`stream` is forced off). A 200 whose
  /// response has status "failed" completes with errc::provider_error and the response
  /// (diagnostics::error holds its error). usage.cost is what the call was charged.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_responses(wire::responses_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::responses_response>(std::forward<Token>(token), &client::do_responses, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_responses(wire::responses_request req, Token&& token = {}) {
    return start<wire::responses_response>(std::forward<Token>(token), &client::do_responses, std::move(req), nullptr);
  }

  /// POST /responses with stream:true (forced on). Completes once the response headers arrived,
  /// as async_chat_stream does, with an open responses_stream of typed events
  /// (responses_stream.hpp). `diag` must outlive the stream.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_responses_stream(wire::responses_request req, diagnostics& diag, Token&& token = {}) {
    return start<responses_stream>(std::forward<Token>(token), &client::do_responses_stream, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_responses_stream(wire::responses_request req, Token&& token = {}) {
    return start<responses_stream>(std::forward<Token>(token), &client::do_responses_stream, std::move(req), nullptr);
  }

  /// POST /messages (the Anthropic Messages API), non-streaming (`stream` is forced off).
  /// usage.cost is what the call was charged. Error bodies ({type:"error", error:{type,
  /// message}}) fill diagnostics::error as OpenRouter's do. Like async_chat, it first applies
  /// the remote-asset policy (config().remote_assets) to every image/document source.url:
  /// errc::remote_asset_not_allowed, nothing sent.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_messages(wire::messages_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::messages_response>(std::forward<Token>(token), &client::do_messages, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_messages(wire::messages_request req, Token&& token = {}) {
    return start<wire::messages_response>(std::forward<Token>(token), &client::do_messages, std::move(req), nullptr);
  }

  /// POST /messages with stream:true (forced on). Completes once the response headers arrived,
  /// as async_chat_stream does, with an open messages_stream of typed events
  /// (messages_stream.hpp). The remote-asset policy as async_messages. `diag` must outlive the
  /// stream.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_messages_stream(wire::messages_request req, diagnostics& diag, Token&& token = {}) {
    return start<messages_stream>(std::forward<Token>(token), &client::do_messages_stream, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_messages_stream(wire::messages_request req, Token&& token = {}) {
    return start<messages_stream>(std::forward<Token>(token), &client::do_messages_stream, std::move(req), nullptr);
  }

  /// GET /models with the query's filters.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_models(models_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::models_page>(std::forward<Token>(token), &client::do_models, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_models(models_query q, Token&& token = {}) {
    return start<wire::models_page>(std::forward<Token>(token), &client::do_models, std::move(q), nullptr);
  }

  /// GET /models/user (filtered by the account's preferences; needs the key).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_user_models(models_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::models_page>(std::forward<Token>(token), &client::do_user_models, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_user_models(models_query q, Token&& token = {}) {
    return start<wire::models_page>(std::forward<Token>(token), &client::do_user_models, std::move(q), nullptr);
  }

  /// GET /models/{author}/{slug}/endpoints for "author/slug".
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_model_endpoints(std::string model_id, diagnostics& diag, Token&& token = {}) {
    return start<wire::model_endpoints>(std::forward<Token>(token), &client::do_endpoints, std::move(model_id), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_model_endpoints(std::string model_id, Token&& token = {}) {
    return start<wire::model_endpoints>(std::forward<Token>(token), &client::do_endpoints, std::move(model_id), nullptr);
  }

  /// GET /providers.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_providers(diagnostics& diag, Token&& token = {}) {
    return start<wire::provider_list>(std::forward<Token>(token), &client::do_providers, std::monostate{}, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_providers(Token&& token = {}) {
    return start<wire::provider_list>(std::forward<Token>(token), &client::do_providers, std::monostate{}, nullptr);
  }

  /// GET /generation?id= (one look-up; 404 while the record is not written yet).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_generation(std::string id, diagnostics& diag, Token&& token = {}) {
    return start<wire::generation>(std::forward<Token>(token), &client::do_generation, std::move(id), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_generation(std::string id, Token&& token = {}) {
    return start<wire::generation>(std::forward<Token>(token), &client::do_generation, std::move(id), nullptr);
  }

  /// GET /generation?id=, polling with backoff while it answers 404, at most poll.max_wait;
  /// then errc::generation_pending.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_wait_generation(std::string id, generation_poll poll, diagnostics& diag, Token&& token = {}) {
    return start<wire::generation>(std::forward<Token>(token), &client::do_wait_generation, std::make_pair(std::move(id), poll), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_wait_generation(std::string id, generation_poll poll, Token&& token = {}) {
    return start<wire::generation>(std::forward<Token>(token), &client::do_wait_generation, std::make_pair(std::move(id), poll), nullptr);
  }

  /// GET /key: the current key's limits and usage.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_key(diagnostics& diag, Token&& token = {}) {
    return start<wire::key_info>(std::forward<Token>(token), &client::do_key, std::monostate{}, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_key(Token&& token = {}) {
    return start<wire::key_info>(std::forward<Token>(token), &client::do_key, std::monostate{}, nullptr);
  }

  /// POST /embeddings: one request for a text or a batch of texts (req.input). The answer's
  /// vectors are floats whatever encoding_format was asked ("base64" is decoded; it is the
  /// smaller, faster wire form, and what is sent when encoding_format is unset, as the OpenAI
  /// SDKs do; set "float" to have JSON floats on the wire). The answer is checked against the request: one vector per
  /// input, indices unique and in range, `data` sorted by index; otherwise errc::bad_json (so
  /// is undecodable base64). No batching beyond what the request holds: the server takes at most
  /// 2048 inputs; split larger sets and run the requests concurrently (see the CLI's `embed`).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_embeddings(wire::embeddings_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::embeddings_response>(std::forward<Token>(token), &client::do_embeddings, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_embeddings(wire::embeddings_request req, Token&& token = {}) {
    return start<wire::embeddings_response>(std::forward<Token>(token), &client::do_embeddings, std::move(req), nullptr);
  }

  /// GET /embeddings/models (the embedding models; offset/limit of the query page it).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_embedding_models(models_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::models_page>(std::forward<Token>(token), &client::do_embedding_models, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_embedding_models(models_query q, Token&& token = {}) {
    return start<wire::models_page>(std::forward<Token>(token), &client::do_embedding_models, std::move(q), nullptr);
  }

  // --- rerank, image generation, speech and transcription ---------------------------------

  /// POST /rerank: req.documents ranked by relevance to req.query. The answer is checked
  /// against the request (each result's index in range and unique, no more results than
  /// documents or top_n); otherwise errc::bad_json.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_rerank(wire::rerank_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::rerank_response>(std::forward<Token>(token), &client::do_rerank, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_rerank(wire::rerank_request req, Token&& token = {}) {
    return start<wire::rerank_response>(std::forward<Token>(token), &client::do_rerank, std::move(req), nullptr);
  }

  /// POST /images: generates images from req.prompt (one JSON answer; not streamed). An answer
  /// without an image is errc::no_image; an image with neither b64_json nor url errc::bad_json.
  /// media::save_generated_images writes them to files.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_images(wire::image_generation_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::image_generation_response>(std::forward<Token>(token), &client::do_images, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_images(wire::image_generation_request req, Token&& token = {}) {
    return start<wire::image_generation_response>(std::forward<Token>(token), &client::do_images, std::move(req), nullptr);
  }

  /// GET /images/models (the image generation models and their supported parameters).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_image_models(diagnostics& diag, Token&& token = {}) {
    return start<wire::image_models>(std::forward<Token>(token), &client::do_image_models, std::monostate{}, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_image_models(Token&& token = {}) {
    return start<wire::image_models>(std::forward<Token>(token), &client::do_image_models, std::monostate{}, nullptr);
  }

  /// POST /audio/speech: the audio of req.input, whole (at most max_response_bytes, else
  /// errc::response_too_large). A 2xx answer that is not audio/* (or application/octet-stream)
  /// is errc::unexpected_content_type, an empty one errc::no_content; error statuses are
  /// typed as for every operation.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_speech(wire::speech_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::speech_audio>(std::forward<Token>(token), &client::do_speech, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_speech(wire::speech_request req, Token&& token = {}) {
    return start<wire::speech_audio>(std::forward<Token>(token), &client::do_speech, std::move(req), nullptr);
  }

  /// POST /audio/transcriptions: uploads req.file_bytes as multipart/form-data with the model
  /// and the other fields; the answer's text (segments and words with verbose_json). No model
  /// or no file bytes: errc::invalid_argument before anything is sent.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_transcription(wire::transcription_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::transcription>(std::forward<Token>(token), &client::do_transcription, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_transcription(wire::transcription_request req, Token&& token = {}) {
    return start<wire::transcription>(std::forward<Token>(token), &client::do_transcription, std::move(req), nullptr);
  }
  // --- end of rerank, image generation, speech and transcription ---------------------------

  /// GET /models/count (the number of models /models lists for q's output_modalities).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_models_count(models_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::models_count>(std::forward<Token>(token), &client::do_models_count, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_models_count(models_query q, Token&& token = {}) {
    return start<wire::models_count>(std::forward<Token>(token), &client::do_models_count, std::move(q), nullptr);
  }

  /// GET /model/{author}/{slug} for "author/slug" (errc::invalid_argument for another shape).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_model(std::string model_id, diagnostics& diag, Token&& token = {}) {
    return start<wire::model>(std::forward<Token>(token), &client::do_model, std::move(model_id), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_model(std::string model_id, Token&& token = {}) {
    return start<wire::model>(std::forward<Token>(token), &client::do_model, std::move(model_id), nullptr);
  }

  /// GET /endpoints/zdr: the endpoints with zero data retention.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_zdr_endpoints(diagnostics& diag, Token&& token = {}) {
    return start<wire::zdr_endpoints>(std::forward<Token>(token), &client::do_zdr_endpoints, std::monostate{}, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_zdr_endpoints(Token&& token = {}) {
    return start<wire::zdr_endpoints>(std::forward<Token>(token), &client::do_zdr_endpoints, std::monostate{}, nullptr);
  }

  /// GET /generation/content?id=: the stored prompt and output of a generation (404 while the
  /// record is not written, or when the account does not keep prompts).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_generation_content(std::string id, diagnostics& diag, Token&& token = {}) {
    return start<wire::generation_content>(std::forward<Token>(token), &client::do_generation_content, std::move(id), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_generation_content(std::string id, Token&& token = {}) {
    return start<wire::generation_content>(std::forward<Token>(token), &client::do_generation_content, std::move(id), nullptr);
  }

  /// GET /credits: total credits bought and used. Needs a management key: sent with
  /// config().management_key when set (else api_key; another key gets 403, errc::forbidden).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_credits(diagnostics& diag, Token&& token = {}) {
    return start<wire::credits>(std::forward<Token>(token), &client::do_credits, std::monostate{}, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_credits(Token&& token = {}) {
    return start<wire::credits>(std::forward<Token>(token), &client::do_credits, std::monostate{}, nullptr);
  }

  /// GET /activity: usage per day, model and endpoint over the last 30 days (management key,
  /// as async_credits).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_activity(activity_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::activity>(std::forward<Token>(token), &client::do_activity, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_activity(activity_query q, Token&& token = {}) {
    return start<wire::activity>(std::forward<Token>(token), &client::do_activity, std::move(q), nullptr);
  }

  // --- API key management (GET/POST /keys, GET/PATCH/DELETE /keys/{hash}) -------------------
  // Each needs config().management_key (OPENROUTER_MANAGEMENT_KEY), sent instead of api_key;
  // without one they complete with errc::invalid_argument before any request. A key that is
  // not a management key gets 403 (errc::forbidden), an unknown one 401, an unknown hash 404.

  /// GET /keys: one page of the account's keys (q.offset pages on).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_list_keys(key_list_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::api_key_list>(std::forward<Token>(token), &client::do_list_keys, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_list_keys(key_list_query q, Token&& token = {}) {
    return start<wire::api_key_list>(std::forward<Token>(token), &client::do_list_keys, std::move(q), nullptr);
  }

  /// POST /keys: a new key. The answer carries its secret (created_api_key::key), which the API
  /// returns this once; diagnostics never hold it (a malformed answer's body is not excerpted).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_create_key(wire::api_key_create req, diagnostics& diag, Token&& token = {}) {
    return start<wire::created_api_key>(std::forward<Token>(token), &client::do_create_key, std::move(req), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_create_key(wire::api_key_create req, Token&& token = {}) {
    return start<wire::created_api_key>(std::forward<Token>(token), &client::do_create_key, std::move(req), nullptr);
  }

  /// GET /keys/{hash}.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_get_key(std::string hash, diagnostics& diag, Token&& token = {}) {
    return start<wire::api_key>(std::forward<Token>(token), &client::do_get_key, std::move(hash), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_get_key(std::string hash, Token&& token = {}) {
    return start<wire::api_key>(std::forward<Token>(token), &client::do_get_key, std::move(hash), nullptr);
  }

  /// PATCH /keys/{hash}: changes what `update` sets; completes with the key as it now is.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_update_key(std::string hash, wire::api_key_update update, diagnostics& diag, Token&& token = {}) {
    return start<wire::api_key>(std::forward<Token>(token), &client::do_update_key,
                                std::make_pair(std::move(hash), std::move(update)), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_update_key(std::string hash, wire::api_key_update update, Token&& token = {}) {
    return start<wire::api_key>(std::forward<Token>(token), &client::do_update_key,
                                std::make_pair(std::move(hash), std::move(update)), nullptr);
  }

  /// DELETE /keys/{hash}.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_delete_key(std::string hash, diagnostics& diag, Token&& token = {}) {
    return start<wire::api_key_deleted>(std::forward<Token>(token), &client::do_delete_key, std::move(hash), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_delete_key(std::string hash, Token&& token = {}) {
    return start<wire::api_key_deleted>(std::forward<Token>(token), &client::do_delete_key, std::move(hash), nullptr);
  }
  // --- end of API key management ------------------------------------------------------------

  // --- presets (GET /presets, GET /presets/{slug}, POST /presets/{slug}/chat/completions |
  // /messages | /responses, GET /presets/{slug}/versions[/{version}]) -----------------------
  // Sent with api_key, as inference is. A slug is one path segment (percent-encoded when sent):
  // an empty one, or one with '/', completes with errc::invalid_argument before any request, as
  // do a negative offset, a limit outside 1..100 and a version below 1. An unknown preset or
  // version is errc::not_found. A preset is used by naming it as a model: "@preset/SLUG".

  /// GET /presets: one page of the account's presets, most recently updated first (without
  /// their versions; total_count counts every page).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_list_presets(preset_list_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::preset_list>(std::forward<Token>(token), &client::do_list_presets, std::move(q), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_list_presets(preset_list_query q, Token&& token = {}) {
    return start<wire::preset_list>(std::forward<Token>(token), &client::do_list_presets, std::move(q), nullptr);
  }

  /// GET /presets/{slug}: the preset with its designated version.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_get_preset(std::string slug, diagnostics& diag, Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_get_preset, std::move(slug), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_get_preset(std::string slug, Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_get_preset, std::move(slug), nullptr);
  }

  /// POST /presets/{slug}/chat/completions: creates the preset, or its next version, from a chat
  /// request (the API keeps what overlaps with a preset's config: model, parameters, the system
  /// message as the system prompt; messages and stream are ignored). Completes with the preset
  /// and its new designated version.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_create_preset_from_chat(std::string slug, wire::chat_request req, diagnostics& diag, Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_create_preset_from_chat,
                               std::make_pair(std::move(slug), std::move(req)), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_create_preset_from_chat(std::string slug, wire::chat_request req, Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_create_preset_from_chat,
                               std::make_pair(std::move(slug), std::move(req)), nullptr);
  }

  /// POST /presets/{slug}/messages: the same from an Anthropic Messages request (`system` is the
  /// system prompt).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_create_preset_from_messages(std::string slug, wire::messages_request req, diagnostics& diag,
                                         Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_create_preset_from_messages,
                               std::make_pair(std::move(slug), std::move(req)), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_create_preset_from_messages(std::string slug, wire::messages_request req, Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_create_preset_from_messages,
                               std::make_pair(std::move(slug), std::move(req)), nullptr);
  }

  /// POST /presets/{slug}/responses: the same from a Responses API request (`instructions` is the
  /// system prompt).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_create_preset_from_responses(std::string slug, wire::responses_request req, diagnostics& diag,
                                          Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_create_preset_from_responses,
                               std::make_pair(std::move(slug), std::move(req)), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_create_preset_from_responses(std::string slug, wire::responses_request req, Token&& token = {}) {
    return start<wire::preset>(std::forward<Token>(token), &client::do_create_preset_from_responses,
                               std::make_pair(std::move(slug), std::move(req)), nullptr);
  }

  /// GET /presets/{slug}/versions: one page of the preset's versions, oldest first.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_list_preset_versions(std::string slug, preset_list_query q, diagnostics& diag, Token&& token = {}) {
    return start<wire::preset_version_list>(std::forward<Token>(token), &client::do_list_preset_versions,
                                            std::make_pair(std::move(slug), std::move(q)), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_list_preset_versions(std::string slug, preset_list_query q, Token&& token = {}) {
    return start<wire::preset_version_list>(std::forward<Token>(token), &client::do_list_preset_versions,
                                            std::make_pair(std::move(slug), std::move(q)), nullptr);
  }

  /// GET /presets/{slug}/versions/{version}: one version (1, 2, ...).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_get_preset_version(std::string slug, std::int64_t version, diagnostics& diag, Token&& token = {}) {
    return start<wire::preset_version>(std::forward<Token>(token), &client::do_get_preset_version,
                                       std::make_pair(std::move(slug), version), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_get_preset_version(std::string slug, std::int64_t version, Token&& token = {}) {
    return start<wire::preset_version>(std::forward<Token>(token), &client::do_get_preset_version,
                                       std::make_pair(std::move(slug), version), nullptr);
  }
  // --- end of presets -------------------------------------------------------------------------

  /// The catalog (GET /models?output_modalities=all), cached for `max_age`; concurrent callers
  /// share one request (single flight).
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_catalog(std::chrono::milliseconds max_age, diagnostics& diag, Token&& token = {}) {
    return start<std::shared_ptr<const wire::models_page>>(std::forward<Token>(token), &client::do_catalog, max_age, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_catalog(std::chrono::milliseconds max_age, Token&& token = {}) {
    return start<std::shared_ptr<const wire::models_page>>(std::forward<Token>(token), &client::do_catalog, max_age, nullptr);
  }

  /// GET an allowlisted remote asset (image or PDF) and complete with its data URL, the
  /// recommended way to send a remote file: OpenRouter then never fetches a URL on our behalf.
  /// Follows config().remote_assets: allowlisted hosts only (errc::remote_asset_not_allowed),
  /// resolved addresses screened (errc::remote_asset_address_refused for loopback, private,
  /// link-local, metadata...), redirects re-checked and bounded (remote_asset_redirect_refused),
  /// size capped (asset_too_large), type checked (asset_bad_content_type), one deadline
  /// (total_timeout). Its own connection, outside the pool; the API key is never sent.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_fetch_asset(std::string url, diagnostics& diag, Token&& token = {}) {
    return start<std::string>(std::forward<Token>(token), &client::do_fetch_asset, std::move(url), &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_fetch_asset(std::string url, Token&& token = {}) {
    return start<std::string>(std::forward<Token>(token), &client::do_fetch_asset, std::move(url), nullptr);
  }

  /// Opens up to `n` connections ahead of traffic (within the pool limits) and parks them
  /// idle; completes with how many were opened.
  template <class Token = boost::asio::use_awaitable_t<>>
  auto async_warmup(std::size_t n, diagnostics& diag, Token&& token = {}) {
    return start<std::size_t>(std::forward<Token>(token), &client::do_warmup, n, &diag);
  }
  template <class Token = boost::asio::use_awaitable_t<>>
    requires(!std::is_same_v<std::decay_t<Token>, diagnostics>)
  auto async_warmup(std::size_t n, Token&& token = {}) {
    return start<std::size_t>(std::forward<Token>(token), &client::do_warmup, n, nullptr);
  }

  struct impl;
  /// Internal (src/lib): the client's state, for the router's in-line calls.
  const std::shared_ptr<impl>& internal_state() const noexcept { return impl_; }

 private:
  // diag: the caller's, or nullptr for diagnostics of the operation's own (completion.hpp).
  template <class T, class Token, class Fn, class Arg>
  auto start(Token&& token, Fn fn, Arg arg, diagnostics* diag) {
    return detail::initiate<T>(std::forward<Token>(token), diag,
                               [this, fn, a = std::move(arg)](diagnostics& d, handler<T> h) mutable {
                                 (this->*fn)(std::move(a), d, std::move(h));
                               });
  }

  void do_chat(wire::chat_request req, diagnostics& diag, handler<wire::chat_response> h);
  void do_chat_stream(wire::chat_request req, diagnostics& diag, handler<chat_stream> h);
  void do_responses(wire::responses_request req, diagnostics& diag, handler<wire::responses_response> h);
  void do_responses_stream(wire::responses_request req, diagnostics& diag, handler<responses_stream> h);
  void do_messages(wire::messages_request req, diagnostics& diag, handler<wire::messages_response> h);
  void do_messages_stream(wire::messages_request req, diagnostics& diag, handler<messages_stream> h);
  void do_models(models_query q, diagnostics& diag, handler<wire::models_page> h);
  void do_user_models(models_query q, diagnostics& diag, handler<wire::models_page> h);
  void do_endpoints(std::string id, diagnostics& diag, handler<wire::model_endpoints> h);
  void do_providers(std::monostate, diagnostics& diag, handler<wire::provider_list> h);
  void do_generation(std::string id, diagnostics& diag, handler<wire::generation> h);
  void do_wait_generation(std::pair<std::string, generation_poll> a, diagnostics& diag, handler<wire::generation> h);
  void do_key(std::monostate, diagnostics& diag, handler<wire::key_info> h);
  void do_embeddings(wire::embeddings_request req, diagnostics& diag, handler<wire::embeddings_response> h);
  void do_embedding_models(models_query q, diagnostics& diag, handler<wire::models_page> h);
  // rerank, image generation, speech and transcription (rerank.cpp, image_generation.cpp, audio.cpp)
  void do_rerank(wire::rerank_request req, diagnostics& diag, handler<wire::rerank_response> h);
  void do_images(wire::image_generation_request req, diagnostics& diag, handler<wire::image_generation_response> h);
  void do_image_models(std::monostate, diagnostics& diag, handler<wire::image_models> h);
  void do_speech(wire::speech_request req, diagnostics& diag, handler<wire::speech_audio> h);
  void do_transcription(wire::transcription_request req, diagnostics& diag, handler<wire::transcription> h);
  void do_models_count(models_query q, diagnostics& diag, handler<wire::models_count> h);
  void do_model(std::string model_id, diagnostics& diag, handler<wire::model> h);
  void do_zdr_endpoints(std::monostate, diagnostics& diag, handler<wire::zdr_endpoints> h);
  void do_generation_content(std::string id, diagnostics& diag, handler<wire::generation_content> h);
  void do_credits(std::monostate, diagnostics& diag, handler<wire::credits> h);
  void do_activity(activity_query q, diagnostics& diag, handler<wire::activity> h);
  void do_list_keys(key_list_query q, diagnostics& diag, handler<wire::api_key_list> h);
  void do_create_key(wire::api_key_create req, diagnostics& diag, handler<wire::created_api_key> h);
  void do_get_key(std::string hash, diagnostics& diag, handler<wire::api_key> h);
  void do_update_key(std::pair<std::string, wire::api_key_update> a, diagnostics& diag, handler<wire::api_key> h);
  void do_delete_key(std::string hash, diagnostics& diag, handler<wire::api_key_deleted> h);
  // presets (presets.cpp)
  void do_list_presets(preset_list_query q, diagnostics& diag, handler<wire::preset_list> h);
  void do_get_preset(std::string slug, diagnostics& diag, handler<wire::preset> h);
  void do_create_preset_from_chat(std::pair<std::string, wire::chat_request> a, diagnostics& diag,
                                  handler<wire::preset> h);
  void do_create_preset_from_messages(std::pair<std::string, wire::messages_request> a, diagnostics& diag,
                                      handler<wire::preset> h);
  void do_create_preset_from_responses(std::pair<std::string, wire::responses_request> a, diagnostics& diag,
                                       handler<wire::preset> h);
  void do_list_preset_versions(std::pair<std::string, preset_list_query> a, diagnostics& diag,
                               handler<wire::preset_version_list> h);
  void do_get_preset_version(std::pair<std::string, std::int64_t> a, diagnostics& diag,
                             handler<wire::preset_version> h);
  void do_fetch_asset(std::string url, diagnostics& diag, handler<std::string> h);
  void do_warmup(std::size_t n, diagnostics& diag, handler<std::size_t> h);
  void do_catalog(std::chrono::milliseconds max_age, diagnostics& diag,
                  handler<std::shared_ptr<const wire::models_page>> h);

  std::shared_ptr<impl> impl_;
};

/// "?a=1&b=x%20y" for a models_query ("" when empty).
std::string encode_query(const models_query& q);
/// The same for an activity_query.
std::string encode_query(const activity_query& q);
/// The same for a key_list_query.
std::string encode_query(const key_list_query& q);
/// The same for a preset_list_query.
std::string encode_query(const preset_list_query& q);

}  // namespace openrouter
