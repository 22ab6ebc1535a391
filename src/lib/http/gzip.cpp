#include "gzip.hpp"

#include <openrouter/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace openrouter::detail {

void gunzip(std::string_view in, std::size_t max_size, std::string& out, boost::system::error_code& ec) {
  ec = {};
  out.clear();
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {  // 16: expect the gzip wrapper
    ec = make_error_code(errc::bad_response);
    return;
  }
  constexpr std::size_t max_chunk = std::numeric_limits<uInt>::max();
  std::size_t consumed = 0;  // of `in`
  std::size_t produced = 0;  // into `out`
  // JSON compresses about 10x: start there and grow.
  out.resize(std::min(max_size, std::max<std::size_t>(in.size() * 8, 4096)));
  int rc = Z_OK;
  while (true) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
    z.avail_in = static_cast<uInt>(std::min(in.size() - consumed, max_chunk));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    z.avail_out = static_cast<uInt>(std::min(out.size() - produced, max_chunk));
    const uInt avail_in = z.avail_in, avail_out = z.avail_out;
    rc = inflate(&z, Z_NO_FLUSH);
    consumed += avail_in - z.avail_in;
    produced += avail_out - z.avail_out;
    if (rc == Z_STREAM_END) {
      if (consumed == in.size()) break;
      // RFC 1952 2.2: a gzip file is a series of members; another one follows (anything else
      // there is a corrupt body, never silently dropped).
      if (inflateReset(&z) != Z_OK) {
        rc = Z_DATA_ERROR;
        break;
      }
      continue;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (produced == out.size()) {
      if (out.size() >= max_size) {
        rc = Z_MEM_ERROR;  // would exceed the limit
        break;
      }
      out.resize(std::min(max_size, std::max<std::size_t>(out.size() * 2, 4096)));
    } else if (consumed == in.size()) {
      break;  // truncated input
    }
  }
  inflateEnd(&z);
  if (rc == Z_STREAM_END) {
    out.resize(produced);
    return;
  }
  out.clear();
  ec = make_error_code(rc == Z_MEM_ERROR ? errc::response_too_large : errc::bad_response);
}

}  // namespace openrouter::detail
