// openrouter-mock fault injection: every kind, by model-name convention and by scenario.
#include "support/fixtures.hpp"

#include <boost/asio/error.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

using namespace test;
namespace json = boost::json;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(faults_test)

json::object error_of(const raw_response& r) { return r.json().at("error").as_object(); }

BOOST_AUTO_TEST_CASE(every_http_status_has_the_envelope) {
  mock_fixture f;
  const std::map<unsigned, std::string> types = {
      {400, "invalid_request"}, {402, "payment_required"}, {404, "not_found"}, {408, "timeout"},
      {429, "rate_limit_exceeded"}, {500, "server"}, {502, "provider_unavailable"},
      {503, "provider_overloaded"}, {524, "timeout"}, {529, "provider_overloaded"}};
  for (auto [status, type] : types) {
    auto r = f.chat(chat_body("fault/" + std::to_string(status)));
    BOOST_TEST(r.status == status);
    BOOST_TEST(r.header("content-type") == "application/json");
    auto e = error_of(r);
    BOOST_TEST(e.at("code").as_int64() == status);
    BOOST_TEST(!e.at("message").as_string().empty());
    BOOST_TEST(e.at("metadata").at("error_type").as_string() == type);
  }
  auto r401 = f.chat(chat_body("fault/401"));
  BOOST_TEST(r401.status == 401);
  BOOST_TEST(error_of(r401).at("code").as_int64() == 401);
}

BOOST_AUTO_TEST_CASE(retry_after_on_429_and_503) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/http_error;status=429;retry_after=2"));
  BOOST_TEST(r.status == 429);
  BOOST_TEST(r.header("retry-after") == "2");
  BOOST_TEST(error_of(r).at("availability").at("retryable").as_bool());
  auto s = f.chat(chat_body("fault/http_error;status=503;retry_after=3"));
  BOOST_TEST(s.status == 503);
  BOOST_TEST(s.header("retry-after") == "3");
  BOOST_TEST(error_of(s).at("availability").at("code").as_string() == "temporarily_unavailable");
}

BOOST_AUTO_TEST_CASE(moderation_403_metadata) {
  mock_fixture f;
  std::string prompt(300, 'z');
  auto r = f.chat(chat_body("fault/403", prompt));
  BOOST_TEST(r.status == 403);
  auto md = error_of(r).at("metadata").as_object();
  BOOST_TEST(md.at("reasons").as_array().at(0).as_string() == "harassment");
  BOOST_TEST(md.at("flagged_input").as_string().size() <= 100u);
  BOOST_TEST(md.at("flagged_input").as_string().find("...") != json::string::npos);
  BOOST_TEST(md.at("provider_name").is_string());
  BOOST_TEST(md.at("model_slug").as_string() == "fault/403");
}

BOOST_AUTO_TEST_CASE(payment_with_and_without_retry_after) {
  mock_fixture f;
  auto plain = f.chat(chat_body("fault/402"));
  BOOST_TEST(plain.status == 402);
  BOOST_TEST(plain.header("retry-after").empty());
  BOOST_TEST(!error_of(plain).at("metadata").as_object().contains("limit_source"));
  auto budget = f.chat(chat_body("fault/402;retry_after=5"));
  BOOST_TEST(budget.status == 402);
  BOOST_TEST(budget.header("retry-after") == "5");
  BOOST_TEST(error_of(budget).at("metadata").at("limit_source").as_string() == "openrouter_in_flight_budget");
}

BOOST_AUTO_TEST_CASE(four_hundred_wrapping_a_transient_code) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/wrapped_transient;status=503"));
  BOOST_TEST(r.status == 400);
  auto md = error_of(r).at("metadata").as_object();
  BOOST_TEST(md.at("provider_code").as_string() == "503");
  BOOST_TEST(md.at("error_type").as_string() == "provider_overloaded");
  BOOST_TEST(md.at("raw").at("error").at("code").as_int64() == 503);
}

BOOST_AUTO_TEST_CASE(error_inside_a_200_body) {
  mock_fixture f;
  auto b = chat_body("fault/error_in_body;after_tokens=3");
  auto r = f.chat(b);
  BOOST_TEST(r.status == 200);
  auto choice = r.json().at("choices").at(0);
  BOOST_TEST(choice.at("finish_reason").as_string() == "error");
  BOOST_TEST(choice.at("error").at("code").as_int64() == 502);
  std::string content(choice.at("message").at("content").as_string());
  BOOST_TEST(std::count(content.begin(), content.end(), ' ') == 2);  // 3 tokens of partial output
}

BOOST_AUTO_TEST_CASE(mid_stream_error_event) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/mid_stream_error;after_tokens=4", "x", true));
  BOOST_TEST(r.status == 200);
  auto data = sse_data(r.body);
  BOOST_TEST(data.back() != "[DONE]");
  auto last = json::parse(data.back());
  BOOST_TEST(last.at("error").at("code").as_int64() == 502);
  BOOST_TEST(last.at("error").at("metadata").at("error_type").as_string() == "provider_unavailable");
  BOOST_TEST(last.at("choices").at(0).at("finish_reason").as_string() == "error");
  std::string text = streamed_text(r.body);
  BOOST_TEST(std::count(text.begin(), text.end(), ' ') == 3);  // 4 tokens delivered first
  // The connection closes after the error event: the next request needs a new one.
  auto next = f.chat(chat_body("openai/gpt-4o-mini"));
  BOOST_TEST(next.status == 0u);
  BOOST_TEST(next.error.failed());
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);  // on a new connection
  BOOST_TEST(f.client.connections_opened() == 2u);
  // The string-coded variant from the docs.
  auto s = f.chat(chat_body("fault/mid_stream_error;after_tokens=1;string_code=true", "x", true));
  BOOST_TEST(json::parse(sse_data(s.body).back()).at("error").at("code").as_string() == "server_error");
}

BOOST_AUTO_TEST_CASE(connection_reset_after_tokens) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/reset;after_tokens=3", "x", true));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.error.failed());  // the body never completed
  BOOST_TEST(streamed_text(r.body).size() > 0u);
  BOOST_TEST(r.body.find("[DONE]") == std::string::npos);
  // Non-streaming: reset before any byte.
  auto n = f.chat(chat_body("fault/reset"));
  BOOST_TEST(n.status == 0u);
  BOOST_TEST(n.error.failed());
}

BOOST_AUTO_TEST_CASE(stall_and_slow_ttft) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/stall;seconds=0.4;after_tokens=2", "x", true));
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.elapsed >= 400ms);
  BOOST_TEST(sse_data(r.body).back() == "[DONE]");  // the stream resumes after the stall
  auto before = f.chat(chat_body("fault/stall;seconds=0.3"));
  BOOST_TEST(before.status == 200);
  BOOST_TEST(before.elapsed >= 300ms);
  auto mid = f.chat(chat_body("fault/stall;seconds=0.3;after_tokens=1"));  // non-streaming: mid-body
  BOOST_TEST(mid.status == 200);
  BOOST_TEST(mid.elapsed >= 300ms);
  BOOST_TEST(mid.json().at("choices").is_array());
  auto slow = f.chat(chat_body("fault/none_but_pacing", "x", true));
  BOOST_TEST(slow.status == 400);  // unknown kind is a clear error
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models":{"openai/gpt-4o-mini":{"ttft_ms":300,"itl_ms":5}}})");
  mock_fixture g(o);
  auto t = g.chat(chat_body("openai/gpt-4o-mini", "x", true));
  BOOST_TEST(t.elapsed >= 300ms);
}

BOOST_AUTO_TEST_CASE(malformed_json_chunk) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/malformed_json;after_tokens=2", "x", true));
  int bad = 0;
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") continue;
    json::error_code ec;
    json::parse(d, ec);
    if (ec) ++bad;
  }
  BOOST_TEST(bad == 1);
}

BOOST_AUTO_TEST_CASE(malformed_sse_framing) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/malformed_sse;after_tokens=2", "x", true));
  // One event has a line that is neither a field nor a comment.
  BOOST_TEST(r.body.find("\n\"delta\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(stream_without_done) {
  mock_fixture f;
  auto r = f.chat(chat_body("fault/no_done", "x", true));
  BOOST_TEST(!r.error.failed());  // the chunked body ends cleanly...
  auto data = sse_data(r.body);
  BOOST_TEST(data.back() != "[DONE]");  // ...but without the sentinel
  BOOST_TEST(json::parse(data.back()).at("usage").is_object());
  auto t = f.chat(chat_body("fault/no_done;after_tokens=3", "x", true));
  BOOST_TEST(t.body.find("finish_reason\":\"stop") == std::string::npos);
  BOOST_TEST(t.body.find("usage") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(close_keep_alive_after_n_requests) {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"connection":{"close_after_requests":3}})");
  mock_fixture f(o);
  // The server closes silently after 3 responses: a client that reuses the connection loses
  // the next request (this simple client does not re-send; the library's pool must).
  std::string pattern;
  for (int i = 0; i < 9; ++i) pattern += f.chat(chat_body("openai/gpt-4o-mini")).status == 200 ? '.' : 'x';
  BOOST_TEST(pattern == "...x...x.");
  BOOST_TEST(f.server->stats().connections_accepted == 3u);

  // announce_close: the third response says `Connection: close`, so nothing is lost.
  o.scenario = json::parse(R"({"connection":{"close_after_requests":3,"announce_close":true}})");
  mock_fixture g(o);
  for (int i = 0; i < 9; ++i) BOOST_TEST(g.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  BOOST_TEST(g.server->stats().connections_accepted == 3u);
}

BOOST_AUTO_TEST_CASE(fault_rates_are_seeded) {
  auto run = [](std::uint64_t seed) {
    openrouter::mock::server_options o;
    o.seed = seed;
    o.scenario = json::parse(R"({"models":{"openai/*":{"faults":[{"kind":"http_error","status":503,"rate":0.3}]}}})");
    mock_fixture f(o);
    std::string pattern;
    for (int i = 0; i < 200; ++i) pattern += f.chat(chat_body("openai/gpt-4o-mini")).status == 503 ? 'x' : '.';
    return pattern;
  };
  std::string a = run(42), b = run(42), c = run(43);
  BOOST_TEST(a == b);
  BOOST_TEST(a != c);
  auto failures = std::count(a.begin(), a.end(), 'x');
  BOOST_TEST(failures > 30);  // 30% of 200 = 60; bounds far from flaky
  BOOST_TEST(failures < 95);
}

BOOST_AUTO_TEST_CASE(count_limits_a_fault) {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models":{"openai/gpt-4o-mini":{"faults":[{"kind":"http_error","status":500,"count":2}]}}})");
  mock_fixture f(o);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 500);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 500);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
}

BOOST_AUTO_TEST_CASE(rate_limit_window) {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models":{"openai/gpt-4o-mini":{"faults":[{"kind":"rate_limit","requests":2,"window_s":60}]}}})");
  mock_fixture f(o);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  auto r = f.chat(chat_body("openai/gpt-4o-mini"));
  BOOST_TEST(r.status == 429);
  BOOST_TEST(std::stoi(r.header("retry-after")) > 0);
  BOOST_TEST(r.header("x-ratelimit-limit") == "2");
}

BOOST_AUTO_TEST_CASE(stream_only_faults_and_invalid_scenarios) {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"defaults":{"faults":[{"kind":"http_error","status":502,"stream":true}]}})");
  mock_fixture f(o);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini")).status == 200);
  BOOST_TEST(f.chat(chat_body("openai/gpt-4o-mini", "x", true)).status == 502);
  BOOST_CHECK_THROW(f.server->set_scenario(json::parse(R"({"models":{"a":{"faults":[{"kind":"nope"}]}}})")), std::runtime_error);
  BOOST_CHECK_THROW(f.server->set_scenario(json::parse(R"({"bogus":1})")), std::runtime_error);
  BOOST_CHECK_THROW(f.server->set_scenario(json::parse(R"({"defaults":{"faults":[{"kind":"http_error","status":200}]}})")), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(client_cancel_marks_generation) {
  openrouter::mock::server_options o;
  o.scenario = json::parse(R"({"models":{"openai/gpt-4o-mini":{"itl_ms":100,"tokens":100}}})");
  mock_fixture f(o);
  auto r = f.client.request("POST", api("/chat/completions"), json::serialize(chat_body("openai/gpt-4o-mini", "x", true)),
                            {}, std::chrono::seconds(1));
  BOOST_TEST(r.error == boost::asio::error::timed_out);
  // The server notices the closed socket at its next write.
  bool cancelled = false;
  for (int i = 0; i < 100 && !cancelled; ++i) {
    std::this_thread::sleep_for(50ms);
    auto gens = f.server->generations();
    cancelled = !gens.empty() && gens.back().cancelled;
  }
  BOOST_TEST(cancelled);
}

BOOST_AUTO_TEST_SUITE_END()
