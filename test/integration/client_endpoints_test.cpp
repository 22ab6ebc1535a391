// The client against openrouter-mock over verified HTTPS: every endpoint, decoded.
#include "support/client_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;

BOOST_AUTO_TEST_SUITE(client_endpoints_test)

wire::chat_request hello() { return chat_request("openai/gpt-4o-mini", "echo: Hello there"); }

BOOST_AUTO_TEST_CASE(chat_non_streaming) {
  client_fixture f;
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(hello(), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.text() == "Hello there");
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_TEST(res.id.starts_with("gen-"));
  BOOST_TEST(f.diag.generation_id == res.id);
  BOOST_TEST(f.diag.http_status == 200u);
  BOOST_REQUIRE(res.usage);
  BOOST_TEST(res.usage->cost.value_or(0) > 0);
  BOOST_TEST(!f.diag.provider.empty());
}

BOOST_AUTO_TEST_CASE(chat_with_attribution_headers) {
  client_fixture f({}, [](openrouter::client_config& c) {
    c.site_url = "https://myapp.example";
    c.app_name = "My App";
    c.send_legacy_title = true;
  });
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(hello(), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec);
  auto rec = f.server->generation(res.id);
  BOOST_REQUIRE(rec);
  BOOST_TEST(rec->headers.at("http-referer") == "https://myapp.example");
  BOOST_TEST(rec->headers.at("x-openrouter-title") == "My App");
  BOOST_TEST(rec->headers.at("x-title") == "My App");
  BOOST_TEST(rec->headers.at("user-agent").starts_with("openrouter-cpp/"));
}

BOOST_AUTO_TEST_CASE(attribution_headers_absent_unless_set) {
  client_fixture f;
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(hello(), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec);
  auto rec = f.server->generation(res.id);
  BOOST_TEST(rec->headers.count("http-referer") == 0u);
  BOOST_TEST(rec->headers.count("x-openrouter-title") == 0u);
  BOOST_TEST(rec->headers.count("x-title") == 0u);
}

BOOST_AUTO_TEST_CASE(models_with_query) {
  client_fixture f;
  openrouter::models_query q;
  q.supported_parameters = {"tools", "response_format"};
  auto [ec, page] = f.run<wire::models_page>([&](auto t) { return f.cli.async_models(q, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(page.data.size() > 10u);
  for (const auto& m : page.data) {
    bool tools = std::find(m.supported_parameters.begin(), m.supported_parameters.end(), "tools") != m.supported_parameters.end();
    BOOST_TEST(tools);
  }
  openrouter::models_query all;
  all.output_modalities = {"all"};
  all.limit = 5;
  auto [ec2, p2] = f.run<wire::models_page>([&](auto t) { return f.cli.async_models(all, f.diag, t); });
  BOOST_TEST(!ec2);
  BOOST_TEST(p2.data.size() == 5u);
  BOOST_REQUIRE(p2.links);
  BOOST_TEST(p2.links->next.has_value());
}

BOOST_AUTO_TEST_CASE(user_models_endpoints_providers_key) {
  client_fixture f;
  auto [e1, user] = f.run<wire::models_page>([&](auto t) { return f.cli.async_user_models({}, f.diag, t); });
  BOOST_TEST(!e1);
  BOOST_TEST(!user.data.empty());
  auto [e2, eps] = f.run<wire::model_endpoints>([&](auto t) { return f.cli.async_model_endpoints("meta-llama/llama-3.3-70b-instruct", f.diag, t); });
  BOOST_TEST_REQUIRE(!e2, e2.message());
  BOOST_TEST(eps.id == "meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(eps.endpoints.size() >= 2u);
  BOOST_TEST(!eps.endpoints[0].tag.empty());
  auto [e3, missing] = f.run<wire::model_endpoints>([&](auto t) { return f.cli.async_model_endpoints("nobody/nothing", f.diag, t); });
  BOOST_TEST(e3 == errc::not_found);
  auto [e4, bad] = f.run<wire::model_endpoints>([&](auto t) { return f.cli.async_model_endpoints("no-slash", f.diag, t); });
  BOOST_TEST(e4 == errc::invalid_argument);
  auto [e5, providers] = f.run<wire::provider_list>([&](auto t) { return f.cli.async_providers(f.diag, t); });
  BOOST_TEST(!e5);
  BOOST_TEST(providers.data.size() > 5u);
  auto [e6, key] = f.run<wire::key_info>([&](auto t) { return f.cli.async_key(f.diag, t); });
  BOOST_TEST(!e6);
  BOOST_TEST(key.label.starts_with("sk-or-v1-"));
}

BOOST_AUTO_TEST_CASE(generation_polls_until_written) {
  openrouter::mock::server_options o;
  o.generation_delay = std::chrono::milliseconds(2000);  // the early look-up must not outrun it under load
  client_fixture f(o);
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(hello(), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec);
  auto [e1, g1] = f.run<wire::generation>([&](auto t) { return f.cli.async_generation(res.id, f.diag, t); });
  BOOST_TEST(e1 == errc::not_found);  // one look-up: not written yet
  openrouter::generation_poll poll;
  poll.first_delay = std::chrono::milliseconds(100);
  auto [e2, g2] = f.run<wire::generation>([&](auto t) { return f.cli.async_wait_generation(res.id, poll, f.diag, t); });
  BOOST_TEST_REQUIRE(!e2, e2.message());
  BOOST_TEST(g2.id == res.id);
  BOOST_TEST(g2.total_cost.value_or(-1) == res.usage->cost.value_or(-2));
  // Bounded: an id that never appears ends with generation_pending.
  poll.max_wait = std::chrono::milliseconds(400);
  auto [e3, g3] = f.run<wire::generation>([&](auto t) { return f.cli.async_wait_generation("gen-missing", poll, f.diag, t); });
  BOOST_TEST(e3 == errc::generation_pending);
}

// A hostile schedule (a multiplier of 1e300, no cap) saturates instead of overflowing into a
// negative delay that would poll the server in a tight loop: one look-up, one wait of 100 ms,
// one more look-up, then the next wait would pass max_wait.
BOOST_AUTO_TEST_CASE(generation_polling_saturates_a_hostile_schedule) {
  client_fixture f;
  openrouter::generation_poll poll;
  poll.first_delay = std::chrono::milliseconds(100);
  poll.multiplier = 1e300;
  poll.max_delay = std::chrono::milliseconds::max();
  poll.max_wait = std::chrono::milliseconds(2000);
  const auto before = f.server->stats().requests;
  auto [ec, g] = f.run<wire::generation>([&](auto t) { return f.cli.async_wait_generation("gen-missing", poll, f.diag, t); });
  BOOST_TEST((ec == errc::generation_pending), ec.message());
  BOOST_TEST(f.server->stats().requests - before == 2u);
}

BOOST_AUTO_TEST_CASE(catalog_single_flight_and_ttl) {
  client_fixture f;
  openrouter::diagnostics d1, d2, d3;
  using page_ptr = std::shared_ptr<const wire::models_page>;
  outcome<page_ptr> o1, o2, o3;
  f.cli.async_catalog(std::chrono::minutes(5), d1, o1.handler());
  f.cli.async_catalog(std::chrono::minutes(5), d2, o2.handler());
  f.cli.async_catalog(std::chrono::minutes(5), d3, o3.handler());
  auto [e1, p1] = wait(f.ioc, o1);
  auto [e2, p2] = wait(f.ioc, o2);
  auto [e3, p3] = wait(f.ioc, o3);
  BOOST_TEST_REQUIRE(!e1);
  BOOST_TEST(p1.get() == p2.get());  // one fetch shared by all three
  BOOST_TEST(p1.get() == p3.get());
  BOOST_TEST(f.server->stats().requests == 1u);
  // Image-only models are in the catalog (output_modalities=all).
  bool flux = std::any_of(p1->data.begin(), p1->data.end(), [](const wire::model& m) { return m.id == "black-forest-labs/flux-1-schnell"; });
  BOOST_TEST(flux);
  // Cached: no new request; expired (max_age 0): a new one.
  auto [e4, p4] = f.run<std::shared_ptr<const wire::models_page>>([&](auto t) { return f.cli.async_catalog(std::chrono::minutes(5), f.diag, t); });
  BOOST_TEST(p4.get() == p1.get());
  BOOST_TEST(f.server->stats().requests == 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto [e5, p5] = f.run<std::shared_ptr<const wire::models_page>>([&](auto t) { return f.cli.async_catalog(std::chrono::milliseconds(1), f.diag, t); });
  BOOST_TEST(p5.get() != p1.get());
  BOOST_TEST(f.server->stats().requests == 2u);
}

BOOST_AUTO_TEST_CASE(catalog_look_ups_are_gzipped_chat_is_not) {
  client_fixture f;
  openrouter::models_query all;
  all.output_modalities = {"all"};
  auto [ec, page] = f.run<wire::models_page>([&](auto t) { return f.cli.async_models(all, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(page.data.size() > 300u);  // decoded after inflating
  BOOST_TEST(f.server->stats().gzip_responses == 1u);
  auto [e2, r2] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(hello(), f.diag, t); });
  BOOST_TEST(!e2);
  BOOST_TEST(f.server->stats().gzip_responses == 1u);
  // The size limit applies to the inflated body.
  client_fixture g({}, [](openrouter::client_config& c) { c.max_response_bytes = 100'000; });
  auto [e3, p3] = g.run<wire::models_page>([&](auto t) { return g.cli.async_models(all, g.diag, t); });
  BOOST_TEST(e3 == errc::response_too_large, e3.message());
  BOOST_TEST(g.server->stats().gzip_responses == 1u);  // the compressed body itself was small
}

BOOST_AUTO_TEST_CASE(plain_http_base_url) {
  openrouter::mock::server_options o;
  o.tls = false;
  client_fixture f(o);
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(hello(), f.diag, t); });
  BOOST_TEST(!ec);
  BOOST_TEST(res.text() == "Hello there");
  BOOST_TEST(f.cli.pool_statistics().tls_handshakes == 0u);
}

BOOST_AUTO_TEST_CASE(coroutine_with_default_token) {
  client_fixture f;
  std::string text;
  boost::asio::co_spawn(
      f.ioc,
      [&]() -> boost::asio::awaitable<void> {
        openrouter::diagnostics d;
        auto res = co_await f.cli.async_chat(hello(), d);  // asio::deferred by default
        text = res.text();
      },
      boost::asio::detached);
  f.run_until([&] { return !text.empty(); });
  BOOST_TEST(text == "Hello there");
}

BOOST_AUTO_TEST_SUITE_END()
