// Image input: a local image (argv[1], else a built-in 1x1 PNG) sent as a data URL with a
// question. The MIME type is sniffed from the content. Remote image URLs are refused unless
// their host is allowlisted (OPENROUTER_ALLOWED_REMOTE_ASSET_HOSTS); a data URL always passes.
#include "common/example.hpp"

#include <openrouter/media.hpp>

#include <iostream>

namespace media = openrouter::media;
namespace wire = openrouter::wire;

namespace {
// A 1x1 PNG, so that the example runs without a file.
constexpr std::string_view builtin_png_base64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "";
  return example::run([path](example::session& s) -> boost::asio::awaitable<void> {
    boost::system::error_code ec;
    std::string url;
    if (path.empty()) {
      std::string bytes = media::base64_decode(builtin_png_base64, ec);
      if (!ec) url = media::make_data_url(bytes, "", ec);
    } else {
      url = media::data_url_from_file(path, ec);
    }
    if (ec) throw example::failure{ec, path.empty() ? "built-in image" : path};

    wire::chat_request req;
    req.model = s.model();
    req.max_completion_tokens = 128;
    // The text part goes before the image, as the API recommends.
    req.messages = {wire::message::user(
        {wire::text_part("What is in this image? Answer in one sentence."), wire::image_part(url, "low")})};
    openrouter::diagnostics diag;
    auto op = s.client().async_chat(std::move(req), diag, example::tuple);
    auto [cec, res] = co_await std::move(op);
    example::check(cec, diag);
    if (res.text().empty()) throw example::failure{make_error_code(openrouter::errc::no_content), "empty answer"};
    std::cout << "image described: " << res.text() << '\n';
  });
}
