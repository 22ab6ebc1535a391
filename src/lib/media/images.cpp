#include <openrouter/media/images.hpp>

#include <openrouter/catalog.hpp>
#include <openrouter/error.hpp>
#include <openrouter/media/data_url.hpp>

#include <atomic>
#include <cctype>
#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace openrouter::media {
using boost::system::error_code;

void request_images(wire::chat_request& req, const image_request_options& opts) {
  req.modalities = opts.with_text ? std::vector<std::string>{"image", "text"} : std::vector<std::string>{"image"};
  if (!opts.aspect_ratio.empty()) req.image_config["aspect_ratio"] = opts.aspect_ratio;
  if (!opts.image_size.empty()) req.image_config["image_size"] = opts.image_size;
}

std::vector<std::string> image_urls(const wire::chat_response& res) {
  std::vector<std::string> out;
  for (const auto& c : res.choices)
    for (const auto& img : c.message.images) out.push_back(img.image_url.url);
  return out;
}

std::vector<std::string> image_urls(const wire::chat_chunk& chunk) {
  std::vector<std::string> out;
  for (const auto& c : chunk.choices)
    for (const auto& img : c.delta.images) out.push_back(img.image_url.url);
  return out;
}

namespace {

std::string clean(std::string_view s, std::string_view fallback) {
  std::string out;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    out.push_back(ok ? c : '-');
  }
  // Leading dots would hide the file or climb out of the directory ("..").
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  return out.empty() ? std::string(fallback) : out;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string image_file_name(std::string_view purpose, std::string_view generation_id, std::size_t index,
                            std::string_view mime) {
  std::string_view ext = extension_for(mime);
  return clean(purpose, "image") + "-" + clean(generation_id, "no-id") + "-" + std::to_string(index) + "." +
         std::string(ext.empty() ? "bin" : ext);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes, error_code& ec) {
  ec = {};
  static std::atomic<unsigned> counter{0};
  std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // A hidden name of our own in the same directory (rename is atomic only within a file system).
  std::string tmp_name = ".";
  tmp_name.append(path.filename().string()).append(".tmp-").append(std::to_string(::getpid()));
  tmp_name.append("-").append(std::to_string(counter++));
  std::filesystem::path tmp = dir / tmp_name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    ec = make_error_code(errc::file_io_failed);
    return;
  }
  bool ok = write_all(fd, bytes) && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    ec = make_error_code(errc::file_io_failed);
    return;
  }
  // The rename itself is durable only once the directory is synced.
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

namespace {

// Writes decoded images under image_file_name(purpose, id, i, mime), in order.
std::vector<saved_image> save_decoded(const std::vector<decoded_data_url>& images, const std::filesystem::path& dir,
                                      std::string_view purpose, std::string_view id, error_code& ec) {
  std::vector<saved_image> out;
  for (std::size_t i = 0; i < images.size(); ++i) {
    auto path = dir / image_file_name(purpose, id, i, images[i].mime);
    write_file_atomically(path, images[i].bytes, ec);
    if (ec) return out;
    out.push_back({path, images[i].mime, images[i].bytes.size()});
  }
  return out;
}

}  // namespace

std::vector<saved_image> save_images(const wire::chat_response& res, const std::filesystem::path& dir,
                                     std::string_view purpose, error_code& ec) {
  ec = {};
  std::vector<std::string> urls = image_urls(res);
  if (urls.empty()) {
    ec = make_error_code(errc::no_image);
    return {};
  }
  // Decode everything first: a bad image fails the call before any file is written.
  std::vector<decoded_data_url> images;
  for (const auto& u : urls) {
    images.push_back(parse_data_url(u, ec));
    if (ec) return {};
  }
  return save_decoded(images, dir, purpose, res.id, ec);
}

decoded_data_url decode_generated_image(const wire::generated_image& image, error_code& ec) {
  ec = {};
  if (image.b64_json.empty()) return parse_data_url(image.url, ec);  // bad_data_url for http(s) or nothing
  decoded_data_url out;
  out.bytes = base64_decode(image.b64_json, ec);
  if (ec) return {};
  out.mime = image.media_type.empty() ? std::string(sniff_mime(out.bytes)) : image.media_type;
  return out;
}

std::vector<saved_image> save_generated_images(const wire::image_generation_response& res,
                                               const std::filesystem::path& dir, std::string_view purpose,
                                               std::string_view generation_id, error_code& ec) {
  ec = {};
  if (res.data.empty()) {
    ec = make_error_code(errc::no_image);
    return {};
  }
  std::vector<decoded_data_url> images;
  for (const auto& image : res.data) {
    images.push_back(decode_generated_image(image, ec));
    if (ec) return {};
  }
  return save_decoded(images, dir, purpose, generation_id, ec);
}

std::optional<std::string> pick_image_model(const wire::models_page& catalog, bool with_text) {
  catalog_filter f;
  f.output_modalities = with_text ? std::vector<std::string>{"image", "text"} : std::vector<std::string>{"image"};
  auto found = select(catalog, f);
  if (found.empty()) return std::nullopt;
  return found.front()->id;
}

}  // namespace openrouter::media
