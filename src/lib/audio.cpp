// POST /audio/speech (audio bytes out) and POST /audio/transcriptions (multipart upload).
#include "client_impl.hpp"
#include "detail/multipart.hpp"

#include <boost/json/serialize.hpp>

namespace openrouter {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using detail::http_request;
using detail::result;

namespace {

// "audio/mpeg", "audio/wav; codecs=1", "application/octet-stream" (a raw stream): audio.
bool is_audio(std::string_view content_type) {
  auto lower_starts = [&](std::string_view prefix) {
    if (content_type.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
      if (static_cast<char>(std::tolower(static_cast<unsigned char>(content_type[i]))) != prefix[i]) return false;
    return true;
  };
  return lower_starts("audio/") || lower_starts("application/octet-stream");
}

asio::awaitable<result<wire::speech_audio>> speech_op(std::shared_ptr<client::impl> im, wire::speech_request req,
                                                      diagnostics& diag) {
  using R = result<wire::speech_audio>;
  diag.clear();
  if (req.input.empty()) {
    diag.detail = "no input to speak";
    co_return R{make_error_code(errc::invalid_argument), {}};
  }
  http_request hr{.method = http::verb::post, .target = "/audio/speech", .body = wire::serialize(req),
                  .accept = "audio/*, application/json;q=0.1"};
  const std::string& key = detail::key_sent(im->transport.config(), hr);
  auto op = detail::call(im, std::move(hr), diag);
  auto r = co_await std::move(op);
  if (r.first) co_return R{r.first, {}};
  auto& res = r.second;
  if (!is_audio(res.content_type)) {
    diag.body_excerpt = detail::excerpt(res.body, key);
    diag.detail = "content-type: " + res.content_type + " (expected audio)";
    co_return R{make_error_code(errc::unexpected_content_type), {}};
  }
  if (res.body.empty()) {
    diag.detail = "the answer holds no audio";
    co_return R{make_error_code(errc::no_content), {}};
  }
  co_return R{{}, wire::speech_audio{.content_type = std::move(res.content_type), .bytes = std::move(res.body)}};
}

std::string number_text(double v) { return boost::json::serialize(boost::json::value(v)); }

asio::awaitable<result<wire::transcription>> transcription_op(std::shared_ptr<client::impl> im,
                                                              wire::transcription_request req, diagnostics& diag) {
  using R = result<wire::transcription>;
  diag.clear();
  if (req.model.empty() || req.file_bytes.empty()) {
    diag.detail = req.model.empty() ? "no model" : "no audio to transcribe";
    co_return R{make_error_code(errc::invalid_argument), {}};
  }
  detail::multipart_form form;
  form.add_file("file", req.file_name.empty() ? std::string_view("audio") : std::string_view(req.file_name),
                req.file_content_type, req.file_bytes);
  form.add_field("model", req.model);
  if (req.language) form.add_field("language", *req.language);
  if (req.response_format) form.add_field("response_format", *req.response_format);
  if (req.temperature) form.add_field("temperature", number_text(*req.temperature));
  for (const auto& g : req.timestamp_granularities) form.add_field("timestamp_granularities[]", g);
  for (const auto& [name, value] : req.fields) form.add_field(name, value);
  req.file_bytes = {};  // the body holds them now
  auto encoded = form.encode();
  http_request hr{.method = http::verb::post, .target = "/audio/transcriptions", .body = std::move(encoded.body),
                  .content_type = std::move(encoded.content_type)};
  auto op = detail::call_json<wire::transcription>(im, std::move(hr), diag, detail::parse_body<wire::transcription>());
  co_return co_await std::move(op);
}

}  // namespace

void client::do_speech(wire::speech_request req, diagnostics& diag, handler<wire::speech_audio> h) {
  detail::launch(impl_, speech_op(impl_, std::move(req), diag), std::move(h));
}

void client::do_transcription(wire::transcription_request req, diagnostics& diag, handler<wire::transcription> h) {
  detail::launch(impl_, transcription_op(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
