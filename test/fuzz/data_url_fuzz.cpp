// libFuzzer target for data URLs and base64 (src/lib/media/data_url.cpp): what the client reads
// from image outputs and from the caller's content parts.
//
// The input is the text itself. Properties:
// - parse_data_url fails only with errc::bad_data_url; what it accepts has a lower-case MIME
//   type with a '/', and make_data_url(bytes, mime) of the result parses back to the same;
// - base64_decode is strict (length a multiple of 4, the RFC 4648 alphabet, padding only at the
//   end) and exact: decode(encode(decode(x))) == decode(x), and the decoded size follows from
//   the length and padding;
// - base64_encode(x) always decodes back to x; the MIME helpers never fail.
#include "fuzz_common.hpp"

#include <openrouter/error.hpp>
#include <openrouter/media/data_url.hpp>

#include <cctype>

namespace openrouter::fuzz::data_url {

inline std::string check(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  boost::system::error_code ec;

  // data URLs
  const media::decoded_data_url d = media::parse_data_url(text, ec);
  if (ec) {
    if (ec != errc::bad_data_url) return "parse_data_url failed with " + ec.message();
    if (!d.mime.empty() || !d.bytes.empty()) return "parse_data_url failed but returned content";
  } else {
    if (!media::is_data_url(text)) return "parse_data_url accepted a URL is_data_url() rejects";
    if (d.mime.find('/') == std::string::npos) return "accepted MIME type without '/': " + printable(d.mime);
    for (char c : d.mime)
      if (std::isupper(static_cast<unsigned char>(c))) return "MIME type not lower-case: " + printable(d.mime);
    const std::string again = media::make_data_url(d.bytes, d.mime, ec);
    if (ec) return "make_data_url failed on a parsed URL's parts: " + ec.message();
    const media::decoded_data_url d2 = media::parse_data_url(again, ec);
    if (ec || d2.mime != d.mime || d2.bytes != d.bytes)
      return "make_data_url(parse_data_url(x)) does not parse back to the same\n input: " + printable(text);
  }

  // base64 both ways
  const std::string bytes = media::base64_decode(text, ec);
  if (ec) {
    if (ec != errc::bad_data_url) return "base64_decode failed with " + ec.message();
    if (text.size() % 4 == 0) {
      // strict, but not stricter than RFC 4648: a valid text must not be refused
      std::size_t pad = 0;
      while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
      bool alphabet = true;
      for (std::size_t i = 0; i + pad < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        alphabet = alphabet && (std::isalnum(c) || c == '+' || c == '/');
      }
      if (alphabet) return "base64_decode refused a valid text: " + printable(text);
    }
  } else {
    if (text.size() % 4 != 0) return "base64_decode accepted a length that is not a multiple of 4";
    std::size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    if (bytes.size() != text.size() / 4 * 3 - pad)
      return "base64_decode returned " + std::to_string(bytes.size()) + " bytes for " + std::to_string(text.size()) +
             " characters with " + std::to_string(pad) + " padding: " + printable(text);
    const std::string again = media::base64_decode(media::base64_encode(bytes), ec);
    if (ec || again != bytes) return "decode(encode(decode(x))) != decode(x) for " + printable(text);
  }
  const std::string encoded = media::base64_encode(text);
  if (encoded.size() != (text.size() + 2) / 3 * 4) return "base64_encode has the wrong length";
  if (media::base64_decode(encoded, ec) != text || ec) return "base64_decode(base64_encode(x)) != x";

  // content sniffing and extensions
  const std::string_view sniffed = media::sniff_mime(text);
  if (!sniffed.empty() && media::extension_for(sniffed).empty()) return "a sniffed type without an extension";
  (void)media::mime_from_extension(text);
  const std::string url = media::make_data_url(text, {}, ec);
  if (sniffed.empty() != static_cast<bool>(ec)) return "make_data_url and sniff_mime disagree";
  if (!ec) {
    const auto back = media::parse_data_url(url, ec);
    if (ec || back.bytes != text || back.mime != sniffed) return "a sniffed data URL does not parse back";
  }
  return {};
}

}  // namespace openrouter::fuzz::data_url

OPENROUTER_FUZZ_TARGET("data_url_fuzz", openrouter::fuzz::data_url::check)
