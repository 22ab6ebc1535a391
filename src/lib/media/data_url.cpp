#include <openrouter/media/data_url.hpp>

#include <openrouter/error.hpp>

#include <boost/beast/core/detail/base64.hpp>

#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

namespace openrouter::media {
namespace base64 = boost::beast::detail::base64;
using boost::system::error_code;

namespace {

bool iequals_prefix(std::string_view s, std::string_view prefix) noexcept {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool b64_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
}

struct known_type {
  std::string_view mime, ext;
};
constexpr std::array<known_type, 6> known_types{{{"image/png", "png"},
                                                 {"image/jpeg", "jpg"},
                                                 {"image/jpeg", "jpeg"},
                                                 {"image/webp", "webp"},
                                                 {"image/gif", "gif"},
                                                 {"application/pdf", "pdf"}}};

}  // namespace

std::string_view sniff_mime(std::string_view b) noexcept {
  if (b.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
  if (b.starts_with("\xff\xd8\xff")) return "image/jpeg";
  if (b.starts_with("GIF87a") || b.starts_with("GIF89a")) return "image/gif";
  if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  if (b.starts_with("%PDF-")) return "application/pdf";
  return {};
}

std::string_view mime_from_extension(std::string_view name) noexcept {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return {};
  std::string_view ext = name.substr(dot + 1);
  for (const auto& t : known_types)
    if (ext.size() == t.ext.size() && iequals_prefix(ext, t.ext)) return t.mime;
  return {};
}

std::string_view extension_for(std::string_view mime) noexcept {
  for (const auto& t : known_types)
    if (t.mime == mime) return t.ext;
  return {};
}

bool is_data_url(std::string_view url) noexcept { return iequals_prefix(url, "data:"); }

std::string base64_encode(std::string_view bytes) {
  std::string out(base64::encoded_size(bytes.size()), '\0');
  out.resize(base64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

std::string base64_decode(std::string_view text, error_code& ec) {
  ec = {};
  // Beast's decoder stops quietly at the first character it does not know: validate first so
  // that a corrupt payload is an error, never a silently truncated image.
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  bool ok = text.size() % 4 == 0;
  for (std::size_t i = 0; ok && i < text.size() - pad; ++i) ok = b64_char(text[i]);
  if (!ok) {
    ec = make_error_code(errc::bad_data_url);
    return {};
  }
  std::string out(base64::decoded_size(text.size()), '\0');
  auto [written, read] = base64::decode(out.data(), text.data(), text.size());
  out.resize(written);
  return out;
}

std::string make_data_url(std::string_view bytes, std::string_view mime, error_code& ec) {
  ec = {};
  if (mime.empty()) mime = sniff_mime(bytes);
  if (mime.empty()) {
    ec = make_error_code(errc::unknown_media_type);
    return {};
  }
  return "data:" + std::string(mime) + ";base64," + base64_encode(bytes);
}

std::string data_url_from_file(const std::filesystem::path& path, error_code& ec) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  if (in) ss << in.rdbuf();
  if (!in || in.bad()) {
    ec = make_error_code(errc::file_io_failed);
    return {};
  }
  std::string bytes = std::move(ss).str();
  std::string_view mime = sniff_mime(bytes);
  if (mime.empty()) mime = mime_from_extension(path.filename().string());
  return make_data_url(bytes, mime, ec);
}

decoded_data_url parse_data_url(std::string_view url, error_code& ec) {
  ec = make_error_code(errc::bad_data_url);
  if (!is_data_url(url)) return {};
  std::string_view rest = url.substr(5);
  auto comma = rest.find(',');
  if (comma == std::string_view::npos) return {};
  std::string_view header = rest.substr(0, comma), payload = rest.substr(comma + 1);
  std::string_view mime = header.substr(0, header.find(';'));
  if (mime.find('/') == std::string_view::npos || mime.front() == '/' || mime.back() == '/') return {};
  // The last parameter must be ";base64": percent-encoded payloads are not what the API takes.
  auto semi = header.rfind(';');
  if (semi == std::string_view::npos || lower(header.substr(semi + 1)) != "base64") return {};
  decoded_data_url out{lower(mime), base64_decode(payload, ec)};
  if (ec) return {};
  return out;
}

}  // namespace openrouter::media
