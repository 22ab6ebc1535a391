// The library's TLS stream: basic_tls_stream over beast::tcp_stream, compiled once here.
#include "tls_stream_impl.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace openrouter::detail {

// OpenSSL's BIO reads the socket itself, non-blocking: ciphertext goes from the kernel straight
// into OpenSSL's record buffer. Called only from the operation's executor (see tls_stream.hpp).
std::size_t tls_try_read(boost::beast::tcp_stream& s, char* out, std::size_t len, boost::system::error_code& ec) {
  ec = {};
  while (true) {
    ssize_t n = ::recv(s.socket().native_handle(), out, len, MSG_DONTWAIT);
    if (n > 0) return static_cast<std::size_t>(n);
    if (n == 0) {
      ec = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) ec = boost::asio::error::would_block;
    else ec = boost::system::error_code(errno, boost::asio::error::get_system_category());
    return 0;
  }
}

template class basic_tls_stream<boost::beast::tcp_stream>;

}  // namespace openrouter::detail
