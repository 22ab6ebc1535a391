#include "support/canned_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace test {
namespace asio = boost::asio;
using asio::ip::tcp;

struct canned_server::impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, {asio::ip::make_address("127.0.0.1"), 0}};
  std::string response;
  std::atomic<std::size_t>* count = nullptr;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;  // closed: stopping
      // Blocking I/O on this thread is fine: one client at a time, tests only.
      boost::beast::flat_buffer buf;
      boost::beast::http::request<boost::beast::http::string_body> req;
      boost::system::error_code rec;
      boost::beast::http::read(s, buf, req, rec);
      if (!rec) {
        ++*count;
        asio::write(s, asio::buffer(response), rec);
      }
      s.shutdown(tcp::socket::shutdown_both, rec);
      s.close(rec);
      accept();
    });
  }
};

canned_server::canned_server(std::string response) : impl_(std::make_unique<impl>()) {
  impl_->response = std::move(response);
  impl_->count = &requests_;
  impl_->accept();
  impl_->thread = std::thread([i = impl_.get()] { i->ioc.run(); });
}

canned_server::~canned_server() {
  asio::post(impl_->ioc, [i = impl_.get()] {
    boost::system::error_code ec;
    i->acceptor.close(ec);
  });
  impl_->thread.join();
}

std::string canned_server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) + "/api/v1";
}

std::string http_response(int status, std::string_view content_type, std::string_view body) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + std::string(content_type) +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  r += body;
  return r;
}

}  // namespace test
