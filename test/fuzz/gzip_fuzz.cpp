// libFuzzer target for gzip inflate of response bodies (src/lib/http/gzip.cpp).
//
// The input is [mode byte][limit byte][bytes]. The output limit is derived from the limit byte
// (0 to 1 MiB). Mode even: the bytes are a gzip stream from the server (corrupt, truncated, a
// bomb...); odd: the bytes are a body that is gzip-compressed here (level and member layout
// from the mode byte) and must inflate back exactly. Properties:
// - gunzip never writes more than the limit, and fails only with errc::response_too_large or
//   errc::bad_response (output cleared);
// - a valid stream inflates to exactly the bytes compressed, or fails with response_too_large
//   exactly when they exceed the limit; a stream cut anywhere short is bad_response, never a
//   silently shorter body.
#include "fuzz_common.hpp"

#include "../../src/lib/http/gzip.hpp"

#include <openrouter/error.hpp>

#include <zlib.h>

namespace openrouter::fuzz::gzip {

/// `in` as one gzip member at `level` (zlib's deflate with the gzip wrapper).
inline std::string compress(std::string_view in, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline std::size_t limit_of(std::uint8_t b) {
  if (b < 64) return b;                     // tiny limits, 0 included
  return std::size_t{1} << (6 + (b % 15));  // 64 B .. 1 MiB
}

inline std::string run(std::string_view in, std::size_t limit, std::string& out, boost::system::error_code& ec) {
  detail::gunzip(in, limit, out, ec);
  if (out.size() > limit) return "gunzip wrote " + std::to_string(out.size()) + " bytes over a limit of " + std::to_string(limit);
  if (ec && ec != errc::response_too_large && ec != errc::bad_response) return "gunzip failed with " + ec.message();
  if (ec && !out.empty()) return "gunzip failed but left output";
  return {};
}

inline std::string check(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return {};
  const std::uint8_t mode = data[0];
  const std::size_t limit = limit_of(data[1]);
  const std::string_view bytes = as_text(data + 2, size - 2);
  std::string out;
  boost::system::error_code ec;
  if (mode % 2 == 0) return run(bytes, limit, out, ec);

  const std::string gz = compress(bytes, (mode >> 1) % 10);
  if (auto d = run(gz, limit, out, ec); !d.empty()) return d;
  if (bytes.size() > limit) {
    if (ec != errc::response_too_large)
      return "a body of " + std::to_string(bytes.size()) + " bytes over a limit of " + std::to_string(limit) + ": " +
             (ec ? ec.message() : "accepted");
  } else if (ec || out != bytes) {
    return "a valid gzip stream of " + std::to_string(bytes.size()) + " bytes did not inflate back (" + ec.message() + ")";
  }
  // Cut short anywhere (the cut chosen by the mode byte): never a shorter body.
  if (!gz.empty()) {
    const std::size_t cut = (static_cast<std::size_t>(mode) * 2654435761u) % gz.size();
    if (auto d = run(gz.substr(0, cut), limit, out, ec); !d.empty()) return d;
    if (!ec) return "a gzip stream cut at " + std::to_string(cut) + " of " + std::to_string(gz.size()) + " bytes was accepted";
  }
  // Two members back to back (RFC 1952 allows it): the whole body or an error, not the first half.
  const std::string two = gz + compress(bytes, 1);
  if (auto d = run(two, 2 * limit + 1, out, ec); !d.empty()) return d;
  if (!ec && out != std::string(bytes) + std::string(bytes))
    return "two gzip members inflated to " + std::to_string(out.size()) + " bytes, not " + std::to_string(2 * bytes.size());
  return {};
}

}  // namespace openrouter::fuzz::gzip

OPENROUTER_FUZZ_TARGET("gzip_fuzz", openrouter::fuzz::gzip::check)
