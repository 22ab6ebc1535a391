// openrouter-mock over HTTPS: every endpoint, auth, TLS verification, keep-alive.
#include "support/fixtures.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace test;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(endpoints_test)

BOOST_AUTO_TEST_CASE(models_catalog_over_verified_tls) {
  mock_fixture f;
  BOOST_TEST(f.server->base_url().rfind("https://127.0.0.1:", 0) == 0);
  auto r = f.client.get(api("/models"));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("content-type") == "application/json");
  auto v = r.json();
  const auto& data = v.at("data").as_array();
  BOOST_TEST(data.size() > 200u);
  BOOST_TEST(v.at("total_count").as_int64() == static_cast<std::int64_t>(data.size()));
  BOOST_TEST(v.at("links").at("next").is_null());
  // Prices are decimal strings.
  BOOST_TEST(data[0].at("pricing").at("prompt").is_string());
}

BOOST_AUTO_TEST_CASE(models_query_filters) {
  mock_fixture f;
  auto all = f.client.get(api("/models?output_modalities=all")).json().at("data").as_array().size();
  auto text = f.client.get(api("/models")).json().at("data").as_array().size();
  BOOST_TEST(all > text);  // image-only models are hidden by default
  auto tools = f.client.get(api("/models?supported_parameters=tools,response_format")).json();
  for (const auto& m : tools.at("data").as_array()) {
    const auto& params = m.at("supported_parameters").as_array();
    BOOST_TEST((std::find(params.begin(), params.end(), json::value("tools")) != params.end()));
  }
  auto page = f.client.get(api("/models?limit=10&offset=5")).json();
  BOOST_TEST(page.at("data").as_array().size() == 10u);
  BOOST_TEST(page.at("links").at("next").is_string());
  BOOST_TEST(f.client.get(api("/models?limit=0")).status == 400);
}

BOOST_AUTO_TEST_CASE(models_user_requires_key) {
  mock_fixture f;
  BOOST_TEST(f.client.get(api("/models/user")).status == 200);
  f.client.set_api_key("");
  auto r = f.client.get(api("/models/user"));
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.json().at("error").at("message").as_string() == "Missing Authentication header");
  BOOST_TEST(r.json().at("error").at("code").as_int64() == 401);
  // /models stays public.
  BOOST_TEST(f.client.get(api("/models")).status == 200);
}

BOOST_AUTO_TEST_CASE(endpoints_and_providers) {
  mock_fixture f;
  auto r = f.client.get(api("/models/meta-llama/llama-3.3-70b-instruct/endpoints"));
  BOOST_TEST(r.status == 200);
  auto d = r.json().at("data");
  BOOST_TEST(d.at("id").as_string() == "meta-llama/llama-3.3-70b-instruct");
  BOOST_TEST(d.at("endpoints").as_array().size() >= 2u);
  BOOST_TEST(f.client.get(api("/models/nobody/nothing/endpoints")).status == 404);
  auto p = f.client.get(api("/providers")).json().at("data").as_array();
  BOOST_TEST(p.size() > 5u);
  BOOST_TEST(p[0].at("slug").is_string());
}

BOOST_AUTO_TEST_CASE(key_endpoint_never_echoes_the_key) {
  mock_fixture f;
  f.client.set_api_key("sk-or-v1-supersecretvalue123456");
  auto r = f.client.get(api("/key"));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("supersecret") == std::string::npos);
  BOOST_TEST(r.body.find("123456") == std::string::npos);
  auto d = r.json().at("data");
  BOOST_TEST(d.at("label").as_string().starts_with("sk-or-v1-"));
  BOOST_TEST(d.at("is_free_tier").is_bool());
}

BOOST_AUTO_TEST_CASE(restricted_api_key) {
  openrouter::mock::server_options o;
  o.api_key = "sk-or-v1-right";
  mock_fixture f(o);
  f.client.set_api_key("sk-or-v1-wrong");
  auto r = f.chat(chat_body("openai/gpt-4o-mini"));
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.json().at("error").at("code").as_int64() == 401);
  f.client.set_api_key("sk-or-v1-right");
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
}

BOOST_AUTO_TEST_CASE(generation_lags_then_reports_cost) {
  openrouter::mock::server_options o;
  o.generation_delay = std::chrono::milliseconds(1500);  // the early look-up must not outrun it under load
  mock_fixture f(o);
  auto r = f.chat(chat_body("openai/gpt-4o-mini"), {{"HTTP-Referer", "https://app.example"}, {"X-OpenRouter-Title", "Test App"}});
  BOOST_TEST(r.status == 200);
  std::string id = r.header("x-generation-id");
  BOOST_TEST(id == std::string(r.json().at("id").as_string()));
  BOOST_TEST(f.client.get(api("/generation?id=" + id)).status == 404);  // not yet written
  BOOST_TEST(f.client.get(api("/generation")).status == 400);
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  auto g = f.client.get(api("/generation?id=" + id));
  BOOST_TEST(g.status == 200);
  auto d = g.json().at("data");
  BOOST_TEST(d.at("id").as_string() == id);
  BOOST_TEST(d.at("model").as_string() == "openai/gpt-4o-mini");
  BOOST_TEST(d.at("total_cost").as_double() == r.json().at("usage").at("cost").as_double());
  BOOST_TEST(d.at("http_referer").as_string() == "https://app.example");
  auto rec = f.server->generation(id);
  BOOST_REQUIRE(rec);
  BOOST_TEST(rec->headers.at("x-openrouter-title") == "Test App");
  BOOST_TEST(!rec->streamed);
}

BOOST_AUTO_TEST_CASE(keep_alive_reuses_one_connection) {
  mock_fixture f;
  for (int i = 0; i < 20; ++i) BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  BOOST_TEST(f.client.connections_opened() == 1u);
  BOOST_TEST(f.server->stats().tls_handshakes == 1u);
}

BOOST_AUTO_TEST_CASE(tls_verification_fails_closed) {
  mock_fixture a, b;  // two servers, two different generated CAs
  http_client wrong_ca(b.server.get(), a.server->ca_pem(), "localhost");
  auto r = wrong_ca.get(api("/models?limit=1"));
  BOOST_TEST(r.status == 0u);
  BOOST_TEST(r.error.failed());
  http_client wrong_host(a.server.get(), a.server->ca_pem(), "openrouter.example");
  auto h = wrong_host.get(api("/models?limit=1"));
  BOOST_TEST(h.status == 0u);
  BOOST_TEST(h.error.failed());
  http_client right(a.server.get(), a.server->ca_pem(), "localhost");
  BOOST_TEST(right.get(api("/models?limit=1")).status == 200);
}

BOOST_AUTO_TEST_CASE(unknown_path_and_method) {
  mock_fixture f;
  BOOST_TEST(f.client.get(api("/nope")).status == 404);
  BOOST_TEST(f.client.get("/other").status == 404);
  BOOST_TEST(f.client.request("DELETE", api("/models")).status == 405);
  BOOST_TEST(f.client.get(api("/chat/completions")).status == 405);
}

BOOST_AUTO_TEST_CASE(plain_http_mode) {
  openrouter::mock::server_options o;
  o.tls = false;
  mock_fixture f(o);
  BOOST_TEST(f.server->base_url().rfind("http://127.0.0.1:", 0) == 0);
  BOOST_TEST(f.server->ca_pem().empty());
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
}

BOOST_AUTO_TEST_CASE(oversized_body_is_413) {
  openrouter::mock::server_options o;
  o.max_request_body = 1024;
  mock_fixture f(o);
  auto r = f.chat(chat_body("openai/gpt-4o-mini", std::string(4096, 'x')));
  BOOST_TEST(r.status == 413);
}

BOOST_AUTO_TEST_SUITE_END()
