#pragma once
// What the library's own AsyncStreams (tls_stream, an HTTP/2 stream, the tests' test_stream) do
// with the buffer sequences Asio and Beast hand them: a read fills the first buffer that has room
// (as a socket's read_some may), a write copies the whole sequence. Private to src/lib (and
// white-box tests).

#include <boost/asio/buffer.hpp>

#include <string>

namespace openrouter::detail {

/// The first non-empty buffer of `buffers`, else an empty one.
template <class MutableBuffers>
boost::asio::mutable_buffer first_buffer(const MutableBuffers& buffers) {
  for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
    boost::asio::mutable_buffer b(*it);
    if (b.size() > 0) return b;
  }
  return {};
}

/// Every byte of `buffers`, in order, in one string.
template <class ConstBuffers>
std::string flatten(const ConstBuffers& buffers) {
  std::string bytes;
  bytes.reserve(boost::asio::buffer_size(buffers));
  for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
    boost::asio::const_buffer b(*it);
    bytes.append(static_cast<const char*>(b.data()), b.size());
  }
  return bytes;
}

}  // namespace openrouter::detail
