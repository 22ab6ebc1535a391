#pragma once
// openrouter-mock's HTTP/2 side (issue 14): one nghttp2 server session per connection that
// speaks h2 (ALPN on the TLS listener, or h2c prior knowledge on plain HTTP), answering with the
// same handlers as HTTP/1.1 and playing the same replies (pacing, stalls, resets as RST_STREAM),
// plus the HTTP/2 faults of server_options::h2 (a small SETTINGS_MAX_CONCURRENT_STREAMS, a tiny
// window, GOAWAY after N streams, REFUSED_STREAM).

#include "reply.hpp"
#include "routes.hpp"
#include "state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <functional>
#include <string>

struct ssl_ctx_st;

namespace openrouter::mock {

/// Answers one request: the routes with everything the HTTP/1.1 connection does around them
/// (test hooks, a 500 for a handler that throws, gzip).
using answer_fn = std::function<http_reply(const request_view&)>;

/// Serves HTTP/2 on `s` until the client leaves, a GOAWAY has run its course, or the
/// connection is closed under it (server::stop()). `preread`: bytes already read from `s`
/// (the start of the client's preface on plain HTTP). Runs on the stream's executor (a strand).
boost::asio::awaitable<void> serve_h2(boost::beast::ssl_stream<boost::beast::tcp_stream>& s, mock_state& state,
                                      answer_fn answer, std::string preread);
boost::asio::awaitable<void> serve_h2(boost::beast::tcp_stream& s, mock_state& state, answer_fn answer,
                                      std::string preread);

/// The TLS listener's ALPN choice: "h2" when `*http2` and the client offers it, else
/// "http/1.1" (or none when the client offers neither).
void install_alpn(ssl_ctx_st* ctx, const bool* http2);

/// Whether the TLS handshake of `s` picked h2.
bool alpn_is_h2(boost::beast::ssl_stream<boost::beast::tcp_stream>& s);

/// Whether `bytes` (the first read of a plain connection) start the HTTP/2 client preface.
bool is_h2_preface(std::string_view bytes);

}  // namespace openrouter::mock
