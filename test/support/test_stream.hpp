#pragma once
// An in-memory stream for driving stream layers (the TLS stream) through every way the bytes
// can arrive and every point where the network can fail, without sockets and without timing.
// In the spirit of Beast's test::stream: a pair of connected ends; what one writes, the other
// reads. Knobs of one end:
//   - read_size: the most one read (async or non-blocking) returns, 1 splits at every byte;
//   - a fail_count: the N-th operation of the end (read, write or non-blocking read) fails
//     with a chosen error instead of doing anything.
// Completions are posted to the end's executor, then run on the handler's associated executor
// (asio::post), as a socket's are; none ever runs inside the initiating call. Single-threaded:
// both ends belong to one io_context run by one thread.

#include <http/buffer_sequence.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <utility>

namespace test {

/// Counts operations; the N-th (1-based) fails with `error`. N = 0 never fails.
class fail_count {
 public:
  explicit fail_count(std::size_t n = 0, boost::system::error_code error = {});
  /// Counts one operation; true (and `ec` set) when it is the one that fails.
  bool fail(boost::system::error_code& ec);
  std::size_t operations() const noexcept { return count_; }

 private:
  std::size_t n_;
  boost::system::error_code error_;
  std::size_t count_ = 0;
};

class test_stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using io_handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;

  /// An end that is not connected yet (connect() it to another).
  explicit test_stream(executor_type ex, fail_count* fc = nullptr);
  test_stream(test_stream&&) noexcept;
  ~test_stream();

  /// Connects two fresh ends.
  void connect(test_stream& peer);

  executor_type get_executor() const noexcept { return ex_; }
  // For Asio's ssl::stream over an end (the server side of tests).
  using lowest_layer_type = test_stream;
  lowest_layer_type& lowest_layer() noexcept { return *this; }
  const lowest_layer_type& lowest_layer() const noexcept { return *this; }
  void read_size(std::size_t n) noexcept;
  /// Closes this end: its pending read completes with operation_aborted, the peer reads EOF
  /// once it has read what was written before, and writes to a closed end fail.
  void close();
  /// Bytes written by this end so far (all of them, whatever the peer read).
  std::size_t bytes_written() const noexcept;

  /// The bytes the peer wrote that are there now (at most `len` and read_size): 0 with
  /// would_block when there are none, 0 with eof after the peer closed.
  std::size_t try_read_some(char* out, std::size_t len, boost::system::error_code& ec);

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](io_handler h, boost::asio::mutable_buffer b) { start_read(b, std::move(h)); }, token,
        openrouter::detail::first_buffer(buffers));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](io_handler h, std::string data) { start_write(std::move(data), std::move(h)); }, token,
        openrouter::detail::flatten(buffers));
  }

 private:
  struct pipe;  // one direction
  void start_read(boost::asio::mutable_buffer b, io_handler h);
  void start_write(std::string data, io_handler h);
  void finish(io_handler h, boost::system::error_code ec, std::size_t n);

  executor_type ex_;
  fail_count* fc_;
  std::size_t read_size_ = std::numeric_limits<std::size_t>::max();
  std::shared_ptr<pipe> in_, out_;
};

}  // namespace test
