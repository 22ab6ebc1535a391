#include "http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <string_view>

namespace test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string raw_response::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

boost::json::value raw_response::json() const { return boost::json::parse(body); }

std::vector<sse_event> split_sse(const std::string& body) {
  std::vector<sse_event> out;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) end = body.size();
    std::string_view block(body.data() + pos, end - pos);
    pos = end + 2;
    sse_event e, comment{{}, true, {}};
    bool fields = false, comments = false, first_data = true;
    while (!block.empty()) {
      std::size_t eol = block.find('\n');
      std::string_view line = block.substr(0, eol);
      block = eol == std::string_view::npos ? std::string_view{} : block.substr(eol + 1);
      if (line.starts_with(':')) {
        comment.data += (comments ? "\n" : "") + std::string(line.substr(1));
        comments = true;
        continue;
      }
      std::size_t colon = line.find(':');
      std::string_view name = line.substr(0, colon), value;
      if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (value.starts_with(' ')) value.remove_prefix(1);
      }
      if (name == "data") {
        e.data += (first_data ? "" : "\n") + std::string(value);
        first_data = false;
      } else if (name == "event") {
        e.event = std::string(value);
      }
      fields = fields || !line.empty();
    }
    if (fields) out.push_back(std::move(e));
    else if (comments) out.push_back(std::move(comment));
  }
  return out;
}

std::string api(const std::string& p) { return "/api/v1" + p; }

struct http_client::impl {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  bool tls;
  std::string host;
  std::string verify_host = "localhost";
  std::uint16_t port;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream;
  std::optional<beast::tcp_stream> plain_stream;
  beast::flat_buffer buffer;

  bool open() const { return tls ? tls_stream.has_value() : plain_stream.has_value(); }
  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls_stream) : *plain_stream; }
  void drop() {
    tls_stream.reset();
    plain_stream.reset();
    buffer.clear();
  }

  asio::awaitable<error_code> connect() {
    error_code ec;
    tcp::endpoint ep(asio::ip::make_address(host), port);
    if (tls) {
      tls_stream.emplace(ioc.get_executor(), ctx);
      SSL_set_tlsext_host_name(tls_stream->native_handle(), verify_host.c_str());
      tls_stream->set_verify_callback(ssl::host_name_verification(verify_host));
      co_await beast::get_lowest_layer(*tls_stream).async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) co_await tls_stream->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      plain_stream.emplace(ioc.get_executor());
      co_await plain_stream->async_connect(ep, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec) drop();
    co_return ec;
  }

  template <class Stream>
  asio::awaitable<void> exchange(Stream& s, http::request<http::string_body>& req, raw_response& out) {
    error_code ec;
    co_await http::async_write(s, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      out.error = ec;
      co_return;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    co_await http::async_read(s, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    auto& res = parser.get();
    out.error = ec;
    if (!parser.is_header_done()) {  // nothing arrived: no status to report
      drop();
      co_return;
    }
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.body = std::move(res.body());
    out.error = ec;
    if (ec || !res.keep_alive()) drop();
  }
};

http_client::http_client(std::string host, std::uint16_t port, const std::string& ca_pem, std::string verify_host,
                         std::string api_key)
    : impl_(std::make_unique<impl>()), api_key_(std::move(api_key)) {
  impl_->tls = !ca_pem.empty();
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->verify_host = std::move(verify_host);
  if (impl_->tls) {
    impl_->ctx.add_certificate_authority(asio::buffer(ca_pem));
    impl_->ctx.set_verify_mode(ssl::verify_peer);
  }
}

http_client::http_client(const openrouter::mock::server& srv, std::string api_key)
    : http_client("127.0.0.1", srv.port(), srv.ca_pem(), "localhost", std::move(api_key)) {}

http_client::http_client(const openrouter::mock::server& srv, const std::string& ca_pem, const std::string& verify_host)
    : http_client("127.0.0.1", srv.port(), ca_pem, verify_host) {}

http_client::~http_client() = default;

raw_response http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                  std::map<std::string, std::string> headers, std::chrono::seconds timeout) {
  raw_response out;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "localhost");
  if (!api_key_.empty()) req.set(http::field::authorization, "Bearer " + api_key_);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  auto start = std::chrono::steady_clock::now();
  bool done = false;
  asio::co_spawn(
      impl_->ioc,
      [&]() -> asio::awaitable<void> {
        if (!impl_->open()) {
          ++connects_;
          if (error_code ec = co_await impl_->connect()) {
            out.error = ec;
            done = true;
            co_return;
          }
        }
        if (impl_->tls) co_await impl_->exchange(*impl_->tls_stream, req, out);
        else co_await impl_->exchange(*impl_->plain_stream, req, out);
        done = true;
      },
      asio::detached);
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (!done) {
    // Deadline: tear the connection down and let the coroutine finish with an error.
    if (impl_->open()) impl_->tcp().close();
    impl_->ioc.restart();
    impl_->ioc.run_for(std::chrono::seconds(5));
    impl_->drop();
    out.error = asio::error::timed_out;
  }
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return out;
}

raw_response http_client::post(const std::string& target, const boost::json::value& body,
                               std::map<std::string, std::string> headers) {
  return request("POST", target, boost::json::serialize(body), std::move(headers));
}

}  // namespace test
