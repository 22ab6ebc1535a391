#pragma once
// Image generation through chat completions and through POST /images (sans-I/O apart from
// saving): ask for image output, pull the generated images out of a response or a stream chunk,
// save them under stable names with atomic writes, and pick an image-output model from the
// catalog.

#include <openrouter/media/data_url.hpp>
#include <openrouter/wire/chat_chunk.hpp>
#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/images.hpp>
#include <openrouter/wire/models.hpp>

#include <boost/system/error_code.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::media {

struct image_request_options {
  /// "1:1" (the default server-side), "16:9", "9:16", ...; empty: not sent.
  std::string aspect_ratio;
  /// "1K" (default server-side), "2K", "4K", "0.5K" on some models; empty: not sent. The older
  /// `image_config.size` is not a documented chat key, so it is never sent.
  std::string image_size;
  /// modalities ["image","text"]; false: ["image"] for image-only models (Flux and the like).
  bool with_text = true;
};

/// Sets `modalities` and `image_config` (aspect_ratio, image_size; other keys already in
/// image_config are kept, as they are provider-specific).
void request_images(wire::chat_request& req, const image_request_options& opts = {});

/// The URLs (normally data: URLs) of message.images[*].image_url.url, every choice in order.
std::vector<std::string> image_urls(const wire::chat_response& res);
/// The URLs of a stream chunk's delta.images (the accumulated chat_stream::result() carries
/// them too, in its message.images).
std::vector<std::string> image_urls(const wire::chat_chunk& chunk);

/// "<purpose>-<generation id>-<index>.<ext>", each part reduced to [A-Za-z0-9._-] so the name
/// is the same every time for the same generation (and never escapes the directory).
std::string image_file_name(std::string_view purpose, std::string_view generation_id, std::size_t index,
                            std::string_view mime);

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename
/// over `path`, fsync of the directory. Readers see the old file or the whole new one, never a
/// part; on failure the temporary is removed. Fails with errc::file_io_failed.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, boost::system::error_code& ec);

struct saved_image {
  std::filesystem::path path;
  std::string mime;
  std::size_t bytes = 0;
};

/// Decodes every generated image of `res` and saves it into `dir` (which must exist) under
/// image_file_name(purpose, res.id, i, mime). errc::no_image when the response carries none,
/// errc::bad_data_url for an image that is not a data: URL, errc::file_io_failed on write errors.
std::vector<saved_image> save_images(const wire::chat_response& res, const std::filesystem::path& dir,
                                     std::string_view purpose, boost::system::error_code& ec);

/// The bytes and MIME type of one image of an /images answer: b64_json decoded (the MIME type
/// from media_type, else sniffed from the bytes), or a data: URL in `url`. An http(s) `url` is
/// not fetched here (async_fetch_asset does that): errc::bad_data_url, as for malformed base64.
decoded_data_url decode_generated_image(const wire::generated_image& image, boost::system::error_code& ec);

/// Decodes every image of an /images answer and saves it into `dir` (which must exist) under
/// image_file_name(purpose, generation_id, i, mime): all are decoded before the first file is
/// written. errc::no_image when the answer carries none; else as decode_generated_image and
/// write_file_atomically.
std::vector<saved_image> save_generated_images(const wire::image_generation_response& res,
                                               const std::filesystem::path& dir, std::string_view purpose,
                                               std::string_view generation_id, boost::system::error_code& ec);

/// The first model of the catalog whose output modalities contain "image" (and "text" when
/// `with_text`); nullopt when there is none.
std::optional<std::string> pick_image_model(const wire::models_page& catalog, bool with_text = true);

}  // namespace openrouter::media
