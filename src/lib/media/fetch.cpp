#include "fetch.hpp"

#include "../http/connection.hpp"
#include "../http/exchange_runner.hpp"

#include <openrouter/media/data_url.hpp>
#include <openrouter/media/remote_assets.hpp>
#include <openrouter/version.hpp>

#include <boost/asio/this_coro.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <cctype>
#include <optional>

namespace openrouter::detail {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::string_view accepted_types[] = {"image/png", "image/jpeg", "image/webp", "image/gif",
                                               "application/pdf"};

std::string media_type(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

struct hop_result {
  unsigned status = 0;
  std::string location;      // 3xx
  std::string content_type;  // 2xx
  std::string body;          // 2xx
};

// One GET on `c` through the one exchange and runner: the headers, then (2xx of an accepted
// type) the body within the size cap. The fetch has one deadline, so a timeout is the total one.
asio::awaitable<void> get(connection& c, const origin& o, const std::string& target, const remote_asset_options& opts,
                          std::chrono::steady_clock::time_point deadline, hop_result& out, diagnostics& diag,
                          error_code& ec) {
  std::string head = "GET ";  // appended piece by piece: GCC 12 warns (-Wrestrict) on a + chain
  head += target;
  head += " HTTP/1.1\r\nHost: ";
  head += o.host_header;
  head += "\r\nUser-Agent: ";
  head += user_agent();
  head += "\r\nAccept: image/png, image/jpeg, image/webp, image/gif, application/pdf\r\nConnection: close\r\n\r\n";
  exchange::limits l;
  l.whole_body = opts.max_bytes;
  exchange x(std::move(head), {}, c.buffer(), l);
  const deadlines dl{deadline};
  // Every phase may take the whole deadline (which binds first).
  const auto all = std::chrono::duration_cast<std::chrono::milliseconds>(opts.timeout);
  const phase_timeouts phases{all, all, all, true};
  auto a = co_await drive(c, x, dl, phases, diag);
  if (a == exchange::action::headers) {
    out.status = x.response().status;
    if (out.status >= 300 && out.status < 400) {
      out.location = std::string(x.header("Location"));
      co_return;
    }
    if (out.status < 200 || out.status > 299) co_return;
    out.content_type = media_type(x.response().content_type);
    bool accepted = false;
    for (auto t : accepted_types) accepted = accepted || t == out.content_type;
    if (!accepted) {
      ec = make_error_code(errc::asset_bad_content_type);
      co_return;
    }
    c.buffer().reserve(connection::read_buffer_size);  // a whole body: read it in large pieces
    a = co_await drive(c, x, dl, phases, diag);
  }
  if (a == exchange::action::failed) {
    ec = x.error();
    // A declared Content-Length over the cap fails before the body is read.
    if (ec == errc::response_too_large && x.current_phase() == exchange::phase::body)
      ec = make_error_code(errc::asset_too_large);
    co_return;
  }
  out.body = std::move(x.response().body);
}

bool is_redirect(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

asio::ssl::context& asset_tls::get() {
  std::lock_guard lock(mutex_);
  if (!ctx_) ctx_ = std::make_unique<asio::ssl::context>(make_tls_context(opts_));
  return *ctx_;
}

asio::awaitable<result<std::string>> fetch_asset(const client_config& cfg, std::string url, diagnostics& diag,
                                                 asset_tls& shared_tls) {
  diag.clear();
  const remote_asset_options& opts = cfg.remote_assets;
  auto deadline = std::chrono::steady_clock::now() + opts.timeout;
  auto ex = co_await asio::this_coro::executor;
  asio::ssl::context* tls = nullptr;
  address_screen screen = [&opts](const asio::ip::address& a) { return media::address_refusal(a.to_string(), opts); };
  auto fail = [&diag](errc e, std::string detail) {
    diag.detail = std::move(detail);
    return result<std::string>{make_error_code(e), {}};
  };

  for (unsigned hop = 0;; ++hop) {
    // Every hop is judged like the first: a redirect off the allowlist is refused.
    errc refused = hop == 0 ? errc::remote_asset_not_allowed : errc::remote_asset_redirect_refused;
    if (media::is_data_url(url)) co_return fail(refused, "a data: URL is not fetched");
    if (auto why = media::url_refusal(url, opts); !why.empty()) co_return fail(refused, url + ": " + why);
    auto u = boost::urls::parse_uri(url);
    if (!u) co_return fail(refused, "not a URL");  // e.g. surrounding spaces the policy trimmed
    bool https = u->scheme_id() == boost::urls::scheme::https;
    if (!https && !opts.allow_http) co_return fail(refused, url + ": plain http is not allowed");

    origin o;
    o.tls = https;
    o.host = u->host_address();
    o.port = u->has_port() ? u->port_number() : (https ? 443 : 80);
    o.host_header = std::string(u->encoded_host_and_port());
    if (o.port == 0) co_return fail(refused, url + ": bad port");
    std::string target = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
    if (u->has_query()) {
      target += '?';
      target += u->encoded_query();
    }
    if (https && !tls) tls = &shared_tls.get();

    // Through a proxy, the proxy resolves the name: the address screening cannot happen.
    std::string proxy_error;
    auto proxy = select_proxy(cfg.proxy, o, process_env(), proxy_error);
    if (!proxy_error.empty()) co_return fail(errc::invalid_argument, "unusable proxy setting (" + proxy_error + ")");
    if (proxy && !opts.allow_proxy)
      co_return fail(errc::remote_asset_proxy_refused,
                     url + ": the fetch would go through the proxy " + proxy->display() +
                         ", which resolves the name itself, so its address cannot be screened; allow it with "
                         "remote_assets.allow_proxy, or exempt the host with NO_PROXY / proxy.no_proxy");

    error_code ec;
    auto conn = connection::create(ex, o, https ? tls : nullptr, diag, ec);
    if (!conn) co_return result<std::string>{ec, {}};
    connection& c = *conn;
    co_await c.connect(o, deadline, diag, ec, proxy ? nullptr : &screen, proxy ? &*proxy : nullptr);
    if (ec) co_return result<std::string>{ec, {}};
    hop_result r;
    co_await get(c, o, target, opts, deadline, r, diag, ec);
    c.close();
    if (ec) {
      if (ec == errc::asset_bad_content_type) diag.detail = "content-type: " + r.content_type;
      co_return result<std::string>{ec, {}};
    }
    diag.http_status = r.status;
    if (is_redirect(r.status) && !r.location.empty()) {
      if (hop + 1 > opts.max_redirects)
        co_return fail(errc::remote_asset_redirect_refused,
                       "more than " + std::to_string(opts.max_redirects) + " redirects");
      auto ref = boost::urls::parse_uri_reference(r.location);
      boost::urls::url dest;
      if (!ref || !boost::urls::resolve(*u, *ref, dest)) co_return fail(errc::remote_asset_redirect_refused, "bad Location");
      url = std::string(dest.buffer());
      continue;
    }
    if (r.status < 200 || r.status > 299) co_return fail(errc::http_error, url + ": HTTP " + std::to_string(r.status));
    // The declared type must match the content: a page that calls itself image/png is refused.
    if (media::sniff_mime(r.body) != r.content_type)
      co_return fail(errc::asset_bad_content_type, "content is not " + r.content_type);
    error_code e;
    std::string data_url = media::make_data_url(r.body, r.content_type, e);
    co_return result<std::string>{e, std::move(data_url)};
  }
}

}  // namespace openrouter::detail
