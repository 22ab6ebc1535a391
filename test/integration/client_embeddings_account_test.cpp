// The embeddings and account operations of the client against openrouter-mock over verified
// HTTPS (POST /embeddings, GET /embeddings/models, /credits, /activity, /models/count,
// /model/{author}/{slug}, /endpoints/zdr, /generation/content), and against canned answers
// that a server may send but the mock will not (a vector short, a bad base64 vector).
#include <openrouter/media/data_url.hpp>
#include "support/byte_proxy.hpp"
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>

using namespace test;
namespace wire = openrouter::wire;
namespace asio = boost::asio;
using openrouter::errc;

namespace {

constexpr const char* k_embedding_model = "openai/text-embedding-3-small";
constexpr const char* k_management_key = "sk-or-v1-mgmt-integration";

wire::embeddings_request embed(wire::embeddings_input input, std::optional<std::int64_t> dims = {},
                               std::optional<std::string> format = {}) {
  wire::embeddings_request r;
  r.model = k_embedding_model;
  r.input = std::move(input);
  r.dimensions = dims;
  r.encoding_format = std::move(format);
  return r;
}

openrouter::mock::server_options with_management_key() {
  openrouter::mock::server_options o;
  o.management_key = k_management_key;
  return o;
}

// A client aimed at a canned plain-HTTP server.
struct canned_client {
  explicit canned_client(const canned_server& s) : cli(ioc.get_executor(), config(s)) {}
  static openrouter::client_config config(const canned_server& s) {
    openrouter::client_config c;
    c.base_url = s.base_url();
    c.api_key = "sk-or-v1-canned-secret-0123456789";
    return c;
  }
  asio::io_context ioc;
  openrouter::client cli;
  openrouter::diagnostics diag;
};

std::string b64_of(const std::vector<float>& v) {
  std::string bytes(v.size() * 4, '\0');
  std::memcpy(bytes.data(), v.data(), bytes.size());  // the test host is little-endian (x86-64)
  return openrouter::media::base64_encode(bytes);  // standard base64, tested in media_test
}

}  // namespace

BOOST_AUTO_TEST_SUITE(client_embeddings_account_test)

BOOST_AUTO_TEST_CASE(embeddings_one_and_batch) {
  client_fixture f;
  auto [ec, one] = f.run<wire::embeddings_response>(
      [&](auto t) { return f.cli.async_embeddings(embed(std::string("The quick brown fox")), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message() << " " << f.diag.summary(ec));
  BOOST_TEST_REQUIRE(one.data.size() == 1u);
  BOOST_TEST(one.data[0].embedding.size() == 1536u);
  double norm = 0;
  for (float x : one.data[0].embedding) norm += double(x) * x;
  BOOST_TEST(std::abs(norm - 1.0) < 1e-4);  // the mock's vectors have unit length
  BOOST_TEST(one.model == k_embedding_model);
  BOOST_TEST_REQUIRE(one.usage.has_value());
  BOOST_TEST(one.usage->prompt_tokens > 0);
  BOOST_TEST(one.usage->cost.value_or(0) > 0);
  BOOST_TEST(f.diag.http_status == 200u);

  auto [ec2, batch] = f.run<wire::embeddings_response>([&](auto t) {
    return f.cli.async_embeddings(embed(std::vector<std::string>{"The quick brown fox", "b", "c"}, 8), f.diag, t);
  });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST_REQUIRE(batch.data.size() == 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_TEST(batch.data[i].index.value() == static_cast<std::int64_t>(i));
    BOOST_TEST(batch.data[i].embedding.size() == 8u);
  }
  BOOST_TEST(batch.data[0].embedding != batch.data[1].embedding);
}

BOOST_AUTO_TEST_CASE(base64_answers_decode_to_the_float_answer) {
  client_fixture f;
  std::vector<std::string> inputs{"alpha", "beta", "gamma", "delta"};
  auto [ec, floats] = f.run<wire::embeddings_response>(
      [&](auto t) { return f.cli.async_embeddings(embed(inputs, 64, "float"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  auto [ec2, b64] = f.run<wire::embeddings_response>(
      [&](auto t) { return f.cli.async_embeddings(embed(inputs, 64, "base64"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST_REQUIRE(b64.data.size() == 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST_REQUIRE(b64.data[i].embedding.size() == 64u);
    BOOST_TEST(std::memcmp(b64.data[i].embedding.data(), floats.data[i].embedding.data(), 64 * 4) == 0);
  }
}

// Unset encoding_format: the client asks for base64 (the answer's bytes are those of an explicit
// base64 request, far fewer than a float answer's) and hands out the same floats.
BOOST_AUTO_TEST_CASE(base64_is_asked_when_the_format_is_unset) {
  openrouter::mock::server_options o;
  o.tls = false;
  openrouter::mock::background_server srv(o);
  byte_proxy proxy(srv->port());
  proxy.configure(1u << 20, std::nullopt);
  const std::vector<std::string> inputs{"one", "two", "three"};
  auto answer_bytes = [&](std::optional<std::string> format, std::vector<float>& first) {
    asio::io_context ioc;
    openrouter::client_config c;
    c.base_url = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/api/v1";
    c.api_key = "sk-or-v1-test-0123456789abcdef";
    {
      openrouter::client cli(ioc.get_executor(), c);  // one connection, closed with the client
      openrouter::diagnostics diag;
      outcome<wire::embeddings_response> out;
      cli.async_embeddings(embed(inputs, 256, format), diag, out.handler());
      auto [ec, r] = wait(ioc, out);
      BOOST_TEST_REQUIRE(!ec, diag.summary(ec));
      BOOST_TEST_REQUIRE(r.data.size() == 3u);
      first = r.data[0].embedding;
    }
    BOOST_TEST_REQUIRE(proxy.wait_idle());
    return proxy.last_forwarded();
  };
  std::vector<float> unset, b64, flt;
  const std::size_t unset_bytes = answer_bytes(std::nullopt, unset);
  const std::size_t b64_bytes = answer_bytes(std::string("base64"), b64);
  const std::size_t float_bytes = answer_bytes(std::string("float"), flt);
  BOOST_TEST_MESSAGE("answer bytes: unset " << unset_bytes << ", base64 " << b64_bytes << ", float " << float_bytes);
  BOOST_TEST(unset_bytes == b64_bytes);
  BOOST_TEST(float_bytes > 2 * b64_bytes);
  BOOST_TEST_REQUIRE(unset.size() == 256u);
  BOOST_TEST(std::memcmp(unset.data(), flt.data(), 256 * 4) == 0);
  BOOST_TEST(std::memcmp(b64.data(), flt.data(), 256 * 4) == 0);
}

BOOST_AUTO_TEST_CASE(embeddings_errors_are_typed) {
  client_fixture f;
  auto [ec, r] = f.run<wire::embeddings_response>([&](auto t) {
    auto req = embed(std::string("x"));
    req.model = "openai/gpt-4o-mini";  // a chat model
    return f.cli.async_embeddings(req, f.diag, t);
  });
  BOOST_TEST((ec == errc::not_found), ec.message());
  BOOST_TEST(f.diag.error.message.find("embeddings") != std::string::npos);
  auto [ec2, r2] = f.run<wire::embeddings_response>(
      [&](auto t) { return f.cli.async_embeddings(embed(std::string("x"), 0), f.diag, t); });
  BOOST_TEST((ec2 == errc::bad_request), ec2.message());
  // nothing to embed: refused before anything is sent
  auto [ec3, r3] = f.run<wire::embeddings_response>(
      [&](auto t) { return f.cli.async_embeddings(embed(std::vector<std::string>{}), f.diag, t); });
  BOOST_TEST((ec3 == errc::invalid_argument), ec3.message());
}

BOOST_AUTO_TEST_CASE(embeddings_awaitable_throws_api_error) {
  client_fixture f;
  std::optional<std::string> caught;
  std::size_t got = 0;
  // Built outside the coroutine: GCC 12 rejects a braced list of string literals inside one.
  auto good = embed(std::vector<std::string>{"a", "b"}, 4);
  auto bad = embed(std::string("x"), 0);
  asio::co_spawn(
      f.ioc,
      [&]() -> asio::awaitable<void> {
        auto ok = co_await f.cli.async_embeddings(good);
        got = ok.data.size();
        try {
          co_await f.cli.async_embeddings(bad);
        } catch (const openrouter::api_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  f.run_until([&] { return caught.has_value(); });
  BOOST_TEST(got == 2u);
  BOOST_TEST(caught->find("dimensions") != std::string::npos, *caught);
}

BOOST_AUTO_TEST_CASE(embedding_models_and_counts) {
  client_fixture f;
  auto [ec, page] = f.run<wire::models_page>([&](auto t) { return f.cli.async_embedding_models({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST_REQUIRE(!page.data.empty());
  for (const auto& m : page.data) {
    BOOST_REQUIRE(m.architecture);
    const auto& out = m.architecture->output_modalities;
    BOOST_TEST((std::find(out.begin(), out.end(), "embeddings") != out.end()), m.id);
  }
  auto [ec2, text] = f.run<wire::models_count>([&](auto t) { return f.cli.async_models_count({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  auto [ec3, listed] = f.run<wire::models_page>([&](auto t) { return f.cli.async_models({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3);
  BOOST_TEST(text.count == static_cast<std::int64_t>(listed.data.size()));
  openrouter::models_query all;
  all.output_modalities = {"all"};
  auto [ec4, every] = f.run<wire::models_count>([&](auto t) { return f.cli.async_models_count(all, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec4);
  BOOST_TEST(every.count > text.count);
}

BOOST_AUTO_TEST_CASE(credits_need_the_management_key) {
  // The client's api_key is not a management key: 403, typed.
  {
    client_fixture f(with_management_key());
    auto [ec, c] = f.run<wire::credits>([&](auto t) { return f.cli.async_credits(f.diag, t); });
    BOOST_TEST((ec == errc::forbidden), ec.message());
    BOOST_TEST(f.diag.http_status == 403u);
  }
  // With client_config::management_key: /credits uses it, chat still uses api_key.
  client_fixture f(with_management_key(), [](openrouter::client_config& c) { c.management_key = k_management_key; });
  auto [ec0, chat] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(chat_request(), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec0, f.diag.summary(ec0));
  auto [ec, c] = f.run<wire::credits>([&](auto t) { return f.cli.async_credits(f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(c.total_credits.value() == 100.0);
  BOOST_TEST(c.total_usage.value() > 0.0);  // the chat's cost
  BOOST_TEST(c.remaining() < 100.0);
  auto [ek, key] = f.run<wire::key_info>([&](auto t) { return f.cli.async_key(f.diag, t); });
  BOOST_TEST_REQUIRE(!ek);
  BOOST_TEST(!key.is_management_key.value_or(true));  // /key went with api_key
}

BOOST_AUTO_TEST_CASE(activity_rows_follow_the_completions) {
  client_fixture f(with_management_key(), [](openrouter::client_config& c) { c.management_key = k_management_key; });
  for (int i = 0; i < 3; ++i) {
    auto [ec, r] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(chat_request(), f.diag, t); });
    BOOST_TEST_REQUIRE(!ec);
  }
  auto [ec, r] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("anthropic/claude-3.5-haiku"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec);
  auto [ea, a] = f.run<wire::activity>([&](auto t) { return f.cli.async_activity({}, f.diag, t); });
  BOOST_TEST_REQUIRE(!ea, f.diag.summary(ea));
  BOOST_TEST(a.total_requests() == 4);
  BOOST_TEST(a.data.size() == 2u);
  for (const auto& row : a.data) {
    BOOST_TEST(row.requests == (row.model == "openai/gpt-4o-mini" ? 3 : 1), row.model);
    BOOST_TEST(row.usage > 0.0);
    BOOST_TEST(row.prompt_tokens > 0);
  }
  auto [ec2, credits] = f.run<wire::credits>([&](auto t) { return f.cli.async_credits(f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2);
  BOOST_TEST(std::abs(a.total_usage() - credits.total_usage.value()) < 1e-9);
  // a date filter, and a malformed one
  openrouter::activity_query q;
  q.date = "2000-01-01";
  auto [ed, none] = f.run<wire::activity>([&](auto t) { return f.cli.async_activity(q, f.diag, t); });
  BOOST_TEST_REQUIRE(!ed);
  BOOST_TEST(none.data.empty());
  q.date = "yesterday";
  auto [eb, bad] = f.run<wire::activity>([&](auto t) { return f.cli.async_activity(q, f.diag, t); });
  BOOST_TEST((eb == errc::bad_request), eb.message());
}

BOOST_AUTO_TEST_CASE(model_zdr_and_generation_content) {
  client_fixture f;
  auto [ec, m] = f.run<wire::model>([&](auto t) { return f.cli.async_model("openai/gpt-4o-mini", f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(m.id == "openai/gpt-4o-mini");
  auto [e404, none] = f.run<wire::model>([&](auto t) { return f.cli.async_model("nobody/nothing", f.diag, t); });
  BOOST_TEST((e404 == errc::not_found));
  auto [ebad, bad] = f.run<wire::model>([&](auto t) { return f.cli.async_model("no-slash", f.diag, t); });
  BOOST_TEST((ebad == errc::invalid_argument));

  auto [ez, zdr] = f.run<wire::zdr_endpoints>([&](auto t) { return f.cli.async_zdr_endpoints(f.diag, t); });
  BOOST_TEST_REQUIRE(!ez, f.diag.summary(ez));
  BOOST_TEST(!zdr.data.empty());
  for (const auto& e : zdr.data) BOOST_TEST(!e.model_id.empty());

  auto [ecc, chat] = f.run<wire::chat_response>(
      [&](auto t) { return f.cli.async_chat(chat_request("openai/gpt-4o-mini", "echo: stored text"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ecc);
  auto [eg, content] = f.run<wire::generation_content>(
      [&](auto t) { return f.cli.async_generation_content(chat.id, f.diag, t); });
  BOOST_TEST_REQUIRE(!eg, f.diag.summary(eg));
  BOOST_TEST(content.output.completion.value() == chat.text());
  BOOST_TEST(content.input.at("messages").as_array().size() == 1u);
  auto [eu, unknown] = f.run<wire::generation_content>(
      [&](auto t) { return f.cli.async_generation_content("gen-unknown", f.diag, t); });
  BOOST_TEST((eu == errc::not_found));
}

BOOST_AUTO_TEST_CASE(a_short_or_garbled_answer_is_bad_json) {
  const std::string v = b64_of({1.0f, 2.0f});
  struct canned_case {
    std::string body;
    std::string detail;  // expected in diag.detail
  };
  const std::vector<canned_case> cases = {
      // two inputs, one vector: no silent truncation
      {R"({"object":"list","model":"m","data":[{"object":"embedding","embedding":")" + v + R"(","index":0}]})", "1 embeddings for 2 inputs"},
      // the same index twice
      {R"({"object":"list","model":"m","data":[{"embedding":[1],"index":0},{"embedding":[2],"index":0}]})", "repeated"},
      // an index out of range
      {R"({"object":"list","model":"m","data":[{"embedding":[1],"index":0},{"embedding":[2],"index":7}]})", "out of range"},
      // base64 of 7 bytes: not whole float32 values
      {R"({"object":"list","model":"m","data":[{"embedding":"AAAAAAAAAA==","index":0},{"embedding":[2],"index":1}]})", "float32"},
      // not base64
      {R"({"object":"list","model":"m","data":[{"embedding":"@@@@","index":0},{"embedding":[2],"index":1}]})", "invalid base64"},
  };
  for (const auto& c : cases) {
    canned_server s(http_response(200, "application/json", c.body));
    canned_client cc(s);
    outcome<wire::embeddings_response> o;
    cc.cli.async_embeddings(embed(std::vector<std::string>{"a", "b"}, {}, "base64"), cc.diag, o.handler());
    auto [ec, r] = wait(cc.ioc, o);
    BOOST_TEST((ec == errc::bad_json), c.body << ": " << ec.message());
    BOOST_TEST(cc.diag.detail.find(c.detail) != std::string::npos, cc.diag.detail);
    BOOST_TEST(s.requests() == 1u);  // never re-sent
  }
  // an answer out of order is put in order
  canned_server s(http_response(
      200, "application/json",
      R"({"object":"list","model":"m","data":[{"embedding":[2],"index":1},{"embedding":[1],"index":0}]})"));
  canned_client cc(s);
  outcome<wire::embeddings_response> o;
  cc.cli.async_embeddings(embed(std::vector<std::string>{"a", "b"}), cc.diag, o.handler());
  auto [ec, r] = wait(cc.ioc, o);
  BOOST_TEST_REQUIRE(!ec, cc.diag.summary(ec));
  BOOST_TEST(r.data[0].embedding.at(0) == 1.0f);
  BOOST_TEST(r.data[1].embedding.at(0) == 2.0f);
}

BOOST_AUTO_TEST_SUITE_END()
