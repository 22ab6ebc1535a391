// Media against real sockets: the server-side asset fetch (positive path on loopback, every
// SSRF refusal, redirects, size cap, content type, TLS against openrouter-mock), the allowlist
// enforced by the client before anything is sent (plain, streamed, routed), and the image
// generation and PDF (file-parser, annotation reuse) flows against openrouter-mock.
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <openrouter/media.hpp>
#include <openrouter/router.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/serialize.hpp>
#include "media/fetch.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace test;
namespace fs = std::filesystem;
namespace media = openrouter::media;
namespace wire = openrouter::wire;
using boost::system::error_code;
using openrouter::errc;
using openrouter::chat_stream;

BOOST_AUTO_TEST_SUITE(media_flows_test)

namespace {

const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + "pixels";

std::string port_of(const canned_server& s) {
  std::string b = s.base_url();  // http://127.0.0.1:PORT/api/v1
  auto start = b.rfind(':') + 1;
  return b.substr(start, b.find('/', start) - start);
}

std::string asset_url(const canned_server& s, std::string path = "/a.png") {
  return "http://127.0.0.1:" + port_of(s) + path;
}

std::string redirect_to(std::string_view location) {
  return "HTTP/1.1 302 Found\r\nLocation: " + std::string(location) + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

// A client for fetches: loopback allowed (the test servers live there), plain http allowed.
struct fetch_fixture : client_fixture {
  explicit fetch_fixture(std::function<void(openrouter::remote_asset_options&)> tweak = {})
      : client_fixture({}, [tweak](openrouter::client_config& c) {
          c.remote_assets.allowed_hosts = {"127.0.0.1"};
          c.remote_assets.allow_loopback = true;
          c.remote_assets.allow_http = true;
          if (tweak) tweak(c.remote_assets);
        }) {}

  std::tuple<error_code, std::string> fetch(std::string url) {
    return run<std::string>([&](auto t) { return cli.async_fetch_asset(url, diag, t); });
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(fetches_an_allowlisted_image_into_a_data_url) {
  canned_server srv(http_response(200, "image/png", png));
  fetch_fixture f;
  auto [ec, url] = f.fetch(asset_url(srv));
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  error_code e;
  BOOST_TEST(url == media::make_data_url(png, "image/png", e));
  BOOST_TEST(srv.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(refuses_loopback_by_resolved_address) {
  canned_server srv(http_response(200, "image/png", png));
  fetch_fixture f([](auto& o) {
    o.allow_loopback = false;
    o.allowed_hosts = {"127.0.0.1", "localhost"};
  });
  auto [ec, url] = f.fetch(asset_url(srv));
  BOOST_TEST(ec == errc::remote_asset_address_refused);
  BOOST_TEST(f.diag.detail.find("loopback") != std::string::npos, f.diag.detail);
  // A name is judged by what it resolves to, not by how it is spelt.
  auto [ec2, url2] = f.fetch("http://localhost:" + port_of(srv) + "/a.png");
  BOOST_TEST(ec2 == errc::remote_asset_address_refused);
  BOOST_TEST(url.empty());
  BOOST_TEST(srv.requests() == 0u);
}

BOOST_AUTO_TEST_CASE(refuses_private_and_metadata_addresses_and_unlisted_hosts) {
  fetch_fixture f([](auto& o) { o.allowed_hosts = {"127.0.0.1", "10.0.0.1", "169.254.169.254"}; });
  auto [ec, url] = f.fetch("http://10.0.0.1/a.png");
  BOOST_TEST(ec == errc::remote_asset_address_refused);
  BOOST_TEST(f.diag.detail.find("private") != std::string::npos, f.diag.detail);
  std::tie(ec, url) = f.fetch("http://169.254.169.254/latest/meta-data/");
  BOOST_TEST(ec == errc::remote_asset_address_refused);
  BOOST_TEST(f.diag.detail.find("metadata") != std::string::npos, f.diag.detail);
  std::tie(ec, url) = f.fetch("http://example.com/a.png");
  BOOST_TEST(ec == errc::remote_asset_not_allowed);
  std::tie(ec, url) = f.fetch("file:///etc/passwd");
  BOOST_TEST(ec == errc::remote_asset_not_allowed);
  std::tie(ec, url) = f.fetch(" http://127.0.0.1/a.png");
  BOOST_TEST(ec == errc::remote_asset_not_allowed);
}

BOOST_AUTO_TEST_CASE(plain_http_needs_its_flag) {
  canned_server srv(http_response(200, "image/png", png));
  fetch_fixture f([](auto& o) { o.allow_http = false; });
  auto [ec, url] = f.fetch(asset_url(srv));
  BOOST_TEST(ec == errc::remote_asset_not_allowed);
  BOOST_TEST(srv.requests() == 0u);
}

BOOST_AUTO_TEST_CASE(redirects_stay_on_the_allowlist_and_are_bounded) {
  canned_server target(http_response(200, "image/png", png));
  canned_server hop(redirect_to(asset_url(target)));
  fetch_fixture f;
  auto [ec, url] = f.fetch(asset_url(hop));
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(url.starts_with("data:image/png;base64,"));
  BOOST_TEST(target.requests() == 1u);

  canned_server off(redirect_to("http://evil.example/a.png"));
  std::tie(ec, url) = f.fetch(asset_url(off));
  BOOST_TEST(ec == errc::remote_asset_redirect_refused);
  BOOST_TEST(f.diag.detail.find("evil.example") != std::string::npos, f.diag.detail);

  canned_server inward(redirect_to("http://10.0.0.1/a.png"));
  fetch_fixture g([](auto& o) { o.allowed_hosts = {"127.0.0.1", "10.0.0.1"}; });
  std::tie(ec, url) = g.fetch(asset_url(inward));
  BOOST_TEST(ec == errc::remote_asset_address_refused);  // same address checks after a redirect

  canned_server loop(redirect_to("/again"));
  std::tie(ec, url) = f.fetch(asset_url(loop));
  BOOST_TEST(ec == errc::remote_asset_redirect_refused);
  BOOST_TEST(loop.requests() == 4u);  // the first request and max_redirects (3) more
}

BOOST_AUTO_TEST_CASE(size_cap_and_content_type) {
  fetch_fixture f([](auto& o) { o.max_bytes = 64; });
  std::string big = png + std::string(100, 'x');
  canned_server declared(http_response(200, "image/png", big));
  auto [ec, url] = f.fetch(asset_url(declared));
  BOOST_TEST(ec == errc::asset_too_large);
  // No Content-Length: the body runs to EOF and is cut at the cap, never truncated silently.
  canned_server undeclared("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n" + big);
  std::tie(ec, url) = f.fetch(asset_url(undeclared));
  BOOST_TEST(ec == errc::asset_too_large);
  BOOST_TEST(url.empty());

  canned_server html(http_response(200, "text/html", "<html></html>"));
  std::tie(ec, url) = f.fetch(asset_url(html));
  BOOST_TEST(ec == errc::asset_bad_content_type);
  canned_server liar(http_response(200, "image/png", "<html>not a png</html>"));
  std::tie(ec, url) = f.fetch(asset_url(liar));
  BOOST_TEST(ec == errc::asset_bad_content_type);
  canned_server missing(http_response(404, "text/plain", "nope"));
  std::tie(ec, url) = f.fetch(asset_url(missing));
  BOOST_TEST(ec == errc::http_error);
  BOOST_TEST(f.diag.http_status == 404u);
}

BOOST_AUTO_TEST_CASE(a_silent_server_meets_the_fetch_deadline) {
  // Listening but never answering: the kernel completes the connect, nothing else comes.
  boost::asio::io_context quiet;
  boost::asio::ip::tcp::acceptor acceptor(quiet, {boost::asio::ip::make_address("127.0.0.1"), 0});
  fetch_fixture f([](auto& o) { o.timeout = std::chrono::milliseconds(300); });
  auto [ec, url] = f.fetch("http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/a.png");
  BOOST_TEST(ec == errc::total_timeout, f.diag.summary(ec));
  BOOST_TEST(url.empty());
}

BOOST_AUTO_TEST_CASE(a_cancelled_fetch_ends_at_once) {
  boost::asio::io_context quiet;
  boost::asio::ip::tcp::acceptor acceptor(quiet, {boost::asio::ip::make_address("127.0.0.1"), 0});
  fetch_fixture f;  // the default 30 s deadline: only the cancellation can end it early
  boost::asio::cancellation_signal sig;
  outcome<std::string> out;
  f.cli.async_fetch_asset("http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/a.png", f.diag,
                          boost::asio::bind_cancellation_slot(sig.slot(), out.handler()));
  f.ioc.restart();
  f.ioc.poll();  // let it start
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, url] = wait(f.ioc, out, std::chrono::seconds(20));
  BOOST_TEST(ec == boost::asio::error::operation_aborted, ec.message());
  BOOST_TEST(url.empty());
}

BOOST_AUTO_TEST_CASE(https_fetch_verifies_the_peer) {
  // openrouter-mock speaks HTTPS with a CA the client trusts: the TLS path connects and verifies,
  // then refuses the JSON it gets. Without that CA the handshake fails closed.
  fetch_fixture f;
  auto [ec, url] = f.fetch(f.server->base_url() + "/providers");
  BOOST_TEST(ec == errc::asset_bad_content_type, f.diag.summary(ec));
  // The API key stays with OpenRouter: the mock's /key answers 401 to a fetch.
  std::tie(ec, url) = f.fetch(f.server->base_url() + "/key");
  BOOST_TEST(ec == errc::http_error);
  BOOST_TEST(f.diag.http_status == 401u);
  client_fixture untrusting({}, [](openrouter::client_config& c) {
    c.remote_assets.allowed_hosts = {"127.0.0.1"};
    c.remote_assets.allow_loopback = true;
    c.tls.ca_pem.clear();
  });
  std::tie(ec, url) = untrusting.run<std::string>(
      [&](auto t) { return untrusting.cli.async_fetch_asset(f.server->base_url() + "/providers", untrusting.diag, t); });
  BOOST_TEST(ec == errc::tls_verify_failed);
}

BOOST_AUTO_TEST_CASE(a_clients_https_fetches_share_one_tls_context) {
  // Making a context loads the system CA store; every https fetch of a client uses the one it
  // made at the first. One that cannot be made fails that fetch and is tried again next time.
  openrouter::tls_options o;
  openrouter::detail::asset_tls shared(o);
  auto* first = &shared.get();
  BOOST_TEST(first == &shared.get());
  openrouter::tls_options bad;
  bad.ca_file = "/nonexistent/ca.pem";
  openrouter::detail::asset_tls unusable(bad);
  BOOST_CHECK_THROW(unusable.get(), std::invalid_argument);
  BOOST_CHECK_THROW(unusable.get(), std::invalid_argument);
  // Through the client: two fetches (the second one's TLS path still verifies the peer).
  fetch_fixture f;
  auto [ec, url] = f.fetch(f.server->base_url() + "/providers");
  BOOST_TEST(ec == errc::asset_bad_content_type, f.diag.summary(ec));
  std::tie(ec, url) = f.fetch(f.server->base_url() + "/providers");
  BOOST_TEST(ec == errc::asset_bad_content_type, f.diag.summary(ec));
}

BOOST_AUTO_TEST_CASE(chats_with_unlisted_remote_assets_are_refused_before_sending) {
  client_fixture f({}, [](openrouter::client_config& c) { c.remote_assets.allowed_hosts = {"images.example.com"}; });
  auto req = chat_request();
  req.messages.push_back(wire::message::user({wire::text_part("What is this?"),
                                              wire::image_part("https://evil.example/a.png"),
                                              wire::file_part("a.pdf", "https://files.example.net/a.pdf")}));
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req, f.diag, t); });
  BOOST_TEST(ec == errc::remote_asset_not_allowed);
  BOOST_TEST(f.diag.detail.find("messages[1].content[1].image_url.url") != std::string::npos, f.diag.detail);
  BOOST_TEST(f.diag.detail.find("messages[1].content[2].file.file_data") != std::string::npos, f.diag.detail);

  auto slot = std::make_shared<std::optional<error_code>>();
  f.cli.async_chat_stream(req, f.diag, [slot](error_code e, chat_stream) { slot->emplace(e); });
  f.run_until([&] { return slot->has_value(); });
  BOOST_TEST(**slot == errc::remote_asset_not_allowed);

  openrouter::routing::policy p;
  p.models = {"openai/gpt-4o-mini", "google/gemini-2.5-flash"};
  openrouter::router r(f.cli, p);
  auto [rec, rres] = f.run<wire::chat_response>([&](auto t) { return r.async_chat(req, f.diag, t); });
  BOOST_TEST(rec == errc::remote_asset_not_allowed);
  BOOST_TEST(f.server->generations().empty());  // nothing reached the server

  // The allowlisted host passes.
  auto ok = chat_request();
  ok.messages.push_back(wire::message::user({wire::text_part("And this?"),
                                             wire::image_part("https://IMAGES.example.com/b.png")}));
  std::tie(ec, res) = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(ok, f.diag, t); });
  BOOST_TEST(!ec, f.diag.summary(ec));
}

BOOST_AUTO_TEST_CASE(image_generation_saves_the_mock_png) {
  client_fixture f;
  auto [cec, catalog] = f.run<std::shared_ptr<const wire::models_page>>(
      [&](auto t) { return f.cli.async_catalog(std::chrono::minutes(5), f.diag, t); });
  BOOST_TEST_REQUIRE(!cec, f.diag.summary(cec));
  auto model = media::pick_image_model(*catalog);
  BOOST_TEST_REQUIRE(model.has_value());
  auto req = chat_request(*model, "A glass teacup on a plain background");
  media::request_images(req, {.aspect_ratio = "16:9", .image_size = "1K"});
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto rec = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(rec.has_value());
  BOOST_TEST(boost::json::serialize(rec->request.at("image_config")) == R"({"aspect_ratio":"16:9","image_size":"1K"})");

  std::string tmpl = (fs::temp_directory_path() / "openrouter-images-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  error_code se;
  auto saved = media::save_images(res, dir, "teacup", se);
  BOOST_TEST_REQUIRE(!se);
  BOOST_TEST_REQUIRE(saved.size() == 1u);
  BOOST_TEST(saved[0].path.filename().string() == media::image_file_name("teacup", res.id, 0, "image/png"));
  std::ifstream in(saved[0].path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  BOOST_TEST(media::sniff_mime(bytes.str()) == "image/png");
  fs::remove_all(dir);

  // Streamed: the images arrive in a delta and in the accumulated result.
  req.stream = true;
  auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
  f.cli.async_chat_stream(req, f.diag, [slot](error_code e, chat_stream s) { slot->emplace(e, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  BOOST_TEST_REQUIRE(!(*slot)->first);
  chat_stream& s = (*slot)->second;
  std::size_t in_deltas = 0;
  for (int i = 0; i < 1000; ++i) {
    auto [e, c] = f.run<std::optional<wire::chat_chunk>>([&](auto t) { return s.async_next(t); });
    BOOST_TEST_REQUIRE(!e);
    if (!c) break;
    in_deltas += media::image_urls(*c).size();
  }
  BOOST_TEST(in_deltas == 1u);
  BOOST_TEST(media::image_urls(s.result()).size() == 1u);

  // A text-only model answers without an image: a typed error, not an empty file.
  auto plain = chat_request("openai/gpt-4o-mini");
  std::tie(ec, res) = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(plain, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec);
  media::save_images(res, fs::temp_directory_path(), "none", se);
  BOOST_TEST(se == errc::no_image);
}

BOOST_AUTO_TEST_CASE(pdf_is_parsed_once_across_a_conversation) {
  client_fixture f;
  std::string pdf = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
  error_code pe;
  auto part = media::pdf_part("invoice.pdf", pdf, pe);
  BOOST_TEST_REQUIRE(!pe);
  auto req = chat_request("openai/gpt-4o-mini", "unused");
  req.messages = {wire::message::user({wire::text_part("Extract the total."), part})};
  media::use_file_parser(req, media::parse_pdf_engine("pdf-text"));
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto first = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(first->file_parses == 1);
  BOOST_TEST(first->request.at("plugins").at(0).at("pdf").at("engine") == "cloudflare-ai");
  BOOST_TEST_REQUIRE(res.choices.size() == 1u);
  BOOST_TEST(res.choices[0].message.annotations.is_array());

  auto next = media::follow_up(req, res, wire::message::user("And the date?"), pe);
  BOOST_TEST_REQUIRE(!pe);
  std::tie(ec, res) = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(next, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto second = f.server->generation(res.id);
  BOOST_TEST_REQUIRE(second.has_value());
  BOOST_TEST(second->file_parses == 0);  // the annotations carried the parse
  BOOST_TEST(second->request.at("messages").as_array().size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
