// The handler adapters of completion.hpp, compiled once for each result type of the facades.
#include <openrouter/completion.hpp>

#include <openrouter/chat_stream.hpp>
#include <openrouter/client.hpp>
#include <openrouter/messages_stream.hpp>
#include <openrouter/responses_stream.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>

namespace openrouter::detail {
namespace {

// A stream opened without caller diagnostics keeps the operation's own for its later errors.
template <class T>
void hand_over(T&, const std::shared_ptr<diagnostics>&) {}
void hand_over(chat_stream& s, const std::shared_ptr<diagnostics>& owned) {
  if (owned) s.keep_diagnostics(owned);
}
void hand_over(responses_stream& s, const std::shared_ptr<diagnostics>& owned) {
  if (owned) s.keep_diagnostics(owned);
}
template <class Stream>
void hand_over(basic_routed_stream<Stream>& s, const std::shared_ptr<diagnostics>& owned) {
  if (owned) s.keep_diagnostics(owned);
}

// Wraps the caller's handler: the cancellation slot and the executor are the caller's (the
// facades deliver on the handler's executor and forward its cancellation).
template <class T, class Inner>
struct adapter {
  Inner h;
  const diagnostics* diag;
  std::shared_ptr<diagnostics> owned;

  using cancellation_slot_type = boost::asio::cancellation_slot;
  cancellation_slot_type get_cancellation_slot() const noexcept { return h.get_cancellation_slot(); }

  void operator()(boost::system::error_code ec, T value) {
    hand_over(value, owned);
    if constexpr (std::is_same_v<Inner, ex_handler<T>>) {
      std::exception_ptr e;
      if (ec) e = std::make_exception_ptr(api_error(ec, diag ? *diag : diagnostics{}));
      Inner inner = std::move(h);
      owned.reset();
      std::move(inner)(e, std::move(value));
    } else {
      Inner inner = std::move(h);
      owned.reset();
      std::move(inner)(ec, std::move(value));
    }
  }
};

}  // namespace

template <class T>
ec_handler<T> rethrowing(ex_handler<T> h, const diagnostics* diag, std::shared_ptr<diagnostics> owned) {
  return ec_handler<T>(adapter<T, ex_handler<T>>{std::move(h), diag, std::move(owned)});
}

template <class T>
ec_handler<T> keeping(ec_handler<T> h, std::shared_ptr<diagnostics> owned) {
  return ec_handler<T>(adapter<T, ec_handler<T>>{std::move(h), owned.get(), std::move(owned)});
}

}  // namespace openrouter::detail

template <class T, class Inner, class Candidate>
struct boost::asio::associated_executor<openrouter::detail::adapter<T, Inner>, Candidate> {
  using type = boost::asio::any_completion_executor;
  static type get(const openrouter::detail::adapter<T, Inner>& a, const Candidate& c = Candidate()) noexcept {
    return boost::asio::get_associated_executor(a.h, c);
  }
};

namespace openrouter::detail {

#define OPENROUTER_COMPLETION_FOR(...)                                                                      \
  template ec_handler<__VA_ARGS__> rethrowing<__VA_ARGS__>(ex_handler<__VA_ARGS__>, const diagnostics*, \
                                                           std::shared_ptr<diagnostics>);                \
  template ec_handler<__VA_ARGS__> keeping<__VA_ARGS__>(ec_handler<__VA_ARGS__>, std::shared_ptr<diagnostics>);

OPENROUTER_COMPLETION_FOR(wire::chat_response)
OPENROUTER_COMPLETION_FOR(chat_stream)
OPENROUTER_COMPLETION_FOR(routed_stream)
OPENROUTER_COMPLETION_FOR(routed_responses_stream)
OPENROUTER_COMPLETION_FOR(routed_messages_stream)
OPENROUTER_COMPLETION_FOR(std::optional<wire::chat_chunk>)
OPENROUTER_COMPLETION_FOR(chat_stream::chunk_batch)
OPENROUTER_COMPLETION_FOR(wire::models_page)
OPENROUTER_COMPLETION_FOR(wire::model_endpoints)
OPENROUTER_COMPLETION_FOR(wire::provider_list)
OPENROUTER_COMPLETION_FOR(wire::generation)
OPENROUTER_COMPLETION_FOR(wire::key_info)
OPENROUTER_COMPLETION_FOR(std::shared_ptr<const wire::models_page>)
OPENROUTER_COMPLETION_FOR(std::string)
OPENROUTER_COMPLETION_FOR(std::size_t)
OPENROUTER_COMPLETION_FOR(wire::embeddings_response)
OPENROUTER_COMPLETION_FOR(wire::credits)
OPENROUTER_COMPLETION_FOR(wire::models_count)
OPENROUTER_COMPLETION_FOR(wire::activity)
OPENROUTER_COMPLETION_FOR(wire::zdr_endpoints)
OPENROUTER_COMPLETION_FOR(wire::model)
OPENROUTER_COMPLETION_FOR(wire::generation_content)
OPENROUTER_COMPLETION_FOR(wire::responses_response)
OPENROUTER_COMPLETION_FOR(responses_stream)
OPENROUTER_COMPLETION_FOR(std::optional<wire::responses_event>)
OPENROUTER_COMPLETION_FOR(responses_stream::event_batch)
// API key management
OPENROUTER_COMPLETION_FOR(wire::api_key_list)
OPENROUTER_COMPLETION_FOR(wire::created_api_key)
OPENROUTER_COMPLETION_FOR(wire::api_key)
OPENROUTER_COMPLETION_FOR(wire::api_key_deleted)
// presets
OPENROUTER_COMPLETION_FOR(wire::preset_list)
OPENROUTER_COMPLETION_FOR(wire::preset)
OPENROUTER_COMPLETION_FOR(wire::preset_version_list)
OPENROUTER_COMPLETION_FOR(wire::preset_version)
// rerank, images, audio
OPENROUTER_COMPLETION_FOR(wire::rerank_response)
OPENROUTER_COMPLETION_FOR(wire::image_generation_response)
OPENROUTER_COMPLETION_FOR(wire::image_models)
OPENROUTER_COMPLETION_FOR(wire::speech_audio)
OPENROUTER_COMPLETION_FOR(wire::transcription)
OPENROUTER_COMPLETION_FOR(wire::messages_response)
OPENROUTER_COMPLETION_FOR(messages_stream)
OPENROUTER_COMPLETION_FOR(std::optional<wire::messages_event>)
OPENROUTER_COMPLETION_FOR(messages_stream::event_batch)

#undef OPENROUTER_COMPLETION_FOR

}  // namespace openrouter::detail
