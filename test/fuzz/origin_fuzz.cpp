// libFuzzer target for base URLs (src/lib/http/origin.cpp: OPENROUTER_BASE_URL, --base-url)
// and the remote-asset URL policy (media::url_refusal, which every image_url / file_data URL of a
// chat request passes).
//
// The input is the URL text. Properties:
// - parse_origin fails only with errc::invalid_argument; what it accepts is http or https with
//   a non-empty host, a non-zero port, a base path without a trailing '/', and a Host header
//   free of anything that could split a header (CR, LF, NUL, spaces, other controls);
// - an accepted origin re-parsed from its own parts (scheme, Host header, base path) is the
//   same origin (so key() identifies it);
// - url_refusal never throws, and with an empty allowlist refuses every URL but data: URLs.
#include "fuzz_common.hpp"

#include "../../src/lib/http/origin.hpp"

#include <openrouter/config.hpp>
#include <openrouter/error.hpp>
#include <openrouter/media/data_url.hpp>
#include <openrouter/media/remote_assets.hpp>

namespace openrouter::fuzz::origin {

inline bool header_safe(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

inline std::string check(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  boost::system::error_code ec;
  const detail::origin o = detail::parse_origin(text, ec);
  if (ec) {
    if (ec != errc::invalid_argument) return "parse_origin failed with " + ec.message();
  } else {
    const std::string in = " input: " + printable(text);
    if (o.host.empty()) return "accepted an empty host." + in;
    if (o.port == 0) return "accepted port 0." + in;
    if (!o.base_path.empty() && o.base_path.back() == '/') return "base path ends in '/'." + in;
    if (!o.base_path.empty() && o.base_path.front() != '/') return "base path does not start with '/'." + in;
    if (!header_safe(o.host_header)) return "the Host header would carry \"" + printable(o.host_header) + "\"." + in;
    if (!header_safe(o.base_path)) return "the request target would carry \"" + printable(o.base_path) + "\"." + in;
    if (!o.key().starts_with(o.tls ? "https://" : "http://")) return "key() has the wrong scheme." + in;
    const std::string rebuilt = (o.tls ? "https://" : "http://") + o.host_header + o.base_path;
    const detail::origin again = detail::parse_origin(rebuilt, ec);
    if (ec) return "its own parts \"" + printable(rebuilt) + "\" do not parse: " + ec.message() + "." + in;
    if (again.tls != o.tls || again.host != o.host || again.port != o.port || again.base_path != o.base_path ||
        again.host_header != o.host_header || again.key() != o.key())
      return "re-parsed from \"" + printable(rebuilt) + "\" it is another origin (" + again.key() + again.base_path +
             " vs " + o.key() + o.base_path + ")." + in;
  }

  const std::string why = media::url_refusal(text, remote_asset_options{});
  if (why.empty() != media::is_data_url(text))
    return (why.empty() ? "an empty allowlist let a URL through: " : "a data: URL was refused: ") + printable(text);
  return {};
}

}  // namespace openrouter::fuzz::origin

OPENROUTER_FUZZ_TARGET("origin_fuzz", openrouter::fuzz::origin::check)
