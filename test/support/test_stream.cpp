#include "test_stream.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace test {
namespace asio = boost::asio;
using boost::system::error_code;

fail_count::fail_count(std::size_t n, error_code error) : n_(n), error_(error) {}

bool fail_count::fail(error_code& ec) {
  if (++count_ != n_) return false;
  ec = error_;
  return true;
}

// The bytes one end wrote and the other has not read yet, and the reader waiting for them.
struct test_stream::pipe {
  std::string data;
  std::size_t pos = 0;
  bool writer_closed = false;  // EOF once `data` is read
  bool reader_closed = false;  // writes fail
  std::size_t written = 0;
  // The reader's pending read.
  test_stream* reader = nullptr;
  io_handler pending;
  asio::mutable_buffer pending_buf;

  std::size_t take(char* out, std::size_t len, std::size_t limit) {
    std::size_t n = std::min({len, limit, data.size() - pos});
    std::memcpy(out, data.data() + pos, n);
    pos += n;
    if (pos == data.size()) {
      data.clear();
      pos = 0;
    }
    return n;
  }
  bool empty() const { return pos == data.size(); }
  // Completes the pending read if it can be.
  void wake() {
    if (!pending) return;
    if (!empty()) {
      std::size_t n = take(static_cast<char*>(pending_buf.data()), pending_buf.size(), reader->read_size_);
      reader->finish(std::move(pending), {}, n);
    } else if (writer_closed) {
      reader->finish(std::move(pending), asio::error::eof, 0);
    }
  }
};

test_stream::test_stream(executor_type ex, fail_count* fc) : ex_(std::move(ex)), fc_(fc) {}
test_stream::test_stream(test_stream&& o) noexcept
    : ex_(std::move(o.ex_)), fc_(o.fc_), read_size_(o.read_size_), in_(std::move(o.in_)), out_(std::move(o.out_)) {
  if (in_) in_->reader = this;
}
test_stream::~test_stream() {
  if (in_ || out_) close();
}

void test_stream::connect(test_stream& peer) {
  if (in_ || peer.in_) throw std::logic_error("test_stream: already connected");
  in_ = std::make_shared<pipe>();
  out_ = std::make_shared<pipe>();
  peer.in_ = out_;
  peer.out_ = in_;
  in_->reader = this;
  out_->reader = &peer;
}

void test_stream::read_size(std::size_t n) noexcept { read_size_ = std::max<std::size_t>(n, 1); }

std::size_t test_stream::bytes_written() const noexcept { return out_ ? out_->written : 0; }

void test_stream::close() {
  if (out_ && !out_->writer_closed) {
    out_->writer_closed = true;
    out_->wake();
  }
  if (in_ && !in_->reader_closed) {
    in_->reader_closed = true;
    if (in_->pending) finish(std::move(in_->pending), asio::error::operation_aborted, 0);
  }
}

void test_stream::finish(io_handler h, error_code ec, std::size_t n) {
  asio::post(ex_, asio::append(std::move(h), ec, n));
}

std::size_t test_stream::try_read_some(char* out, std::size_t len, error_code& ec) {
  ec = {};
  if (fc_ && fc_->fail(ec)) return 0;
  if (!in_ || in_->reader_closed) {
    ec = asio::error::bad_descriptor;
    return 0;
  }
  if (len == 0) return 0;
  if (!in_->empty()) return in_->take(out, len, read_size_);
  ec = in_->writer_closed ? error_code(asio::error::eof) : error_code(asio::error::would_block);
  return 0;
}

void test_stream::start_read(asio::mutable_buffer b, io_handler h) {
  error_code ec;
  if (fc_ && fc_->fail(ec)) return finish(std::move(h), ec, 0);
  if (!in_ || in_->reader_closed) return finish(std::move(h), asio::error::bad_descriptor, 0);
  if (in_->pending) return finish(std::move(h), asio::error::in_progress, 0);
  if (b.size() == 0) return finish(std::move(h), {}, 0);
  in_->pending.swap(h);  // never assign an any_completion_handler (Asio 1.81)
  in_->pending_buf = b;
  in_->wake();
}

void test_stream::start_write(std::string data, io_handler h) {
  error_code ec;
  if (fc_ && fc_->fail(ec)) return finish(std::move(h), ec, 0);
  if (!out_ || out_->writer_closed) return finish(std::move(h), asio::error::bad_descriptor, 0);
  if (out_->reader_closed) return finish(std::move(h), asio::error::broken_pipe, 0);
  out_->data += data;
  out_->written += data.size();
  out_->wake();
  finish(std::move(h), {}, data.size());
}

}  // namespace test
