#pragma once
// Data URLs (sans-I/O): build `data:<mime>;base64,<data>` from bytes or a file, the MIME type
// sniffed from the content (png, jpeg, webp, gif, pdf; the file extension as a fallback), and
// parse one back into bytes and MIME type. Base64 is Beast's.

#include <boost/system/error_code.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace openrouter::media {

/// The MIME type of `bytes` from their magic number ("image/png", "image/jpeg", "image/webp",
/// "image/gif", "application/pdf"); empty when none matches.
std::string_view sniff_mime(std::string_view bytes) noexcept;

/// The MIME type of a file name's extension (case-insensitive; same five types); empty if none.
std::string_view mime_from_extension(std::string_view file_name) noexcept;

/// The file extension (without dot) for one of the five MIME types ("png", "jpg", ...); empty if none.
std::string_view extension_for(std::string_view mime) noexcept;

std::string base64_encode(std::string_view bytes);
/// Strict: the alphabet of RFC 4648 §4, length a multiple of 4, padding only at the end.
/// Fails with errc::bad_data_url.
std::string base64_decode(std::string_view text, boost::system::error_code& ec);

/// `data:<mime>;base64,<bytes>`. An empty `mime` is sniffed; content that matches none of
/// the five types fails with errc::unknown_media_type.
std::string make_data_url(std::string_view bytes, std::string_view mime, boost::system::error_code& ec);

/// Reads `path` (errc::file_io_failed) and builds its data URL; the MIME type is sniffed from
/// the content, else taken from the extension (errc::unknown_media_type when neither knows it).
std::string data_url_from_file(const std::filesystem::path& path, boost::system::error_code& ec);

struct decoded_data_url {
  std::string mime;   ///< lower-case, without parameters ("image/png")
  std::string bytes;  ///< the decoded content
};

/// Parses `data:<mime>[;param=value]*;base64,<data>`. Anything else (another scheme, no comma,
/// no MIME type, a non-base64 payload, malformed base64) fails with errc::bad_data_url.
decoded_data_url parse_data_url(std::string_view url, boost::system::error_code& ec);

/// Whether `url` starts with "data:" (case-insensitive).
bool is_data_url(std::string_view url) noexcept;

}  // namespace openrouter::media
