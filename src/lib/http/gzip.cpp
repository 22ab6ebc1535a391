#include "gzip.hpp"

#include <openrouter/error.hpp>

#include <zlib.h>

namespace openrouter::detail {

void gunzip(std::string_view in, std::size_t max_size, std::string& out, boost::system::error_code& ec) {
  ec = {};
  out.clear();
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {  // 16: expect the gzip wrapper
    ec = make_error_code(errc::bad_response);
    return;
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  // JSON compresses about 10x: start there and grow.
  out.resize(std::min(max_size, std::max<std::size_t>(in.size() * 8, 4096)));
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(out.data() + z.total_out);
    z.avail_out = static_cast<uInt>(out.size() - z.total_out);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (z.avail_out == 0) {
      if (out.size() >= max_size) {
        rc = Z_MEM_ERROR;  // would exceed the limit
        break;
      }
      out.resize(std::min(max_size, out.size() * 2));
    } else if (z.avail_in == 0) {
      break;  // truncated input
    }
  }
  std::size_t produced = z.total_out;
  inflateEnd(&z);
  if (rc == Z_STREAM_END) {
    out.resize(produced);
    return;
  }
  out.clear();
  ec = make_error_code(rc == Z_MEM_ERROR ? errc::response_too_large : errc::bad_response);
}

}  // namespace openrouter::detail
