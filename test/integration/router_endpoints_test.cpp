// The router beyond chat: the Responses API (JSON and streamed) and embeddings go through the
// same policy against openrouter-mock's faults: fallbacks, records with each endpoint's own
// usage and cost, spend caps that refuse the next request, and a routed Responses stream that
// fails over until its first content event and counts its cost when response.completed arrives.
#include "support/client_fixture.hpp"

#include <openrouter/router.hpp>

#include <boost/test/unit_test.hpp>

using namespace test;
using namespace std::chrono_literals;
namespace wire = openrouter::wire;
namespace routing = openrouter::routing;
using openrouter::errc;
using boost::system::error_code;

namespace {

routing::policy policy_of(std::vector<std::string> models) {
  routing::policy p;
  p.models = std::move(models);
  p.backoff.initial = 20ms;
  p.backoff.max = 100ms;
  p.max_attempts_per_model = 2;
  p.deadline = 30s;
  return p;
}

struct recorded {
  std::vector<routing::attempt_record> attempts;
  std::vector<openrouter::request_record> requests;
  openrouter::router_hooks hooks() {
    return {[this](const routing::attempt_record& a) { attempts.push_back(a); },
            [this](const openrouter::request_record& r) { requests.push_back(r); }};
  }
};

wire::responses_request responses(std::string input) {
  wire::responses_request r;
  r.model = "ignored/by-policy";
  r.input = std::move(input);
  return r;
}

wire::embeddings_request embeddings(std::vector<std::string> inputs) {
  wire::embeddings_request r;
  r.model = "ignored/by-policy";
  r.input = std::move(inputs);
  return r;
}

std::pair<error_code, openrouter::routed_responses_stream> open(client_fixture& f, openrouter::router& r,
                                                                 wire::responses_request req) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, openrouter::routed_responses_stream>>>();
  r.async_responses_stream(std::move(req), f.diag, [slot](error_code ec, openrouter::routed_responses_stream s) {
    slot->emplace(ec, std::move(s));
  });
  f.run_until([&] { return slot->has_value(); });
  return std::move(**slot);
}

wire::messages_request messages(std::string text) {
  wire::messages_request r;
  r.model = "ignored/by-policy";
  r.max_tokens = 64;
  wire::messages_message m;
  m.role = "user";
  m.content = std::move(text);
  r.messages.push_back(std::move(m));
  return r;
}

// Pulls to the end: (the error that ended it, the output_text deltas).
std::pair<error_code, std::string> drain(client_fixture& f, openrouter::routed_responses_stream& s) {
  std::string text;
  while (true) {
    auto [ec, e] = f.run<std::optional<wire::responses_event>>([&](auto t) { return s.async_next(t); });
    if (ec) return {ec, text};
    if (!e) return {{}, text};
    if (e->kind() == wire::responses_event_kind::output_text_delta) text += e->delta;
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router_endpoints_test)

BOOST_AUTO_TEST_CASE(responses_fall_back_and_record_their_usage) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, policy_of({"fault/503", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, res] = f.run<wire::responses_response>(
      [&](auto t) { return r.async_responses(responses("echo: routed answer"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.text() == "routed answer");
  BOOST_TEST(res.model == "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(rec.attempts.size() == 3u);  // 503, 503 again, then the fallback
  BOOST_TEST(rec.attempts[0].http_status == 503u);
  BOOST_TEST(rec.attempts[2].model == "openai/gpt-4o-mini");
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  const auto& q = rec.requests[0];
  BOOST_TEST(q.fallback);
  BOOST_TEST(q.resolved_model == "openai/gpt-4o-mini");
  BOOST_TEST(q.generation_id == res.id);
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST(q.prompt_tokens.value_or(-1) == res.usage->input_tokens);
  BOOST_TEST(q.completion_tokens.value_or(-1) == res.usage->output_tokens);
  BOOST_TEST((q.cost == res.usage->cost));
  BOOST_TEST(r.spent() == *res.usage->cost);
  BOOST_TEST(f.server->stats().requests == 3u);
}

BOOST_AUTO_TEST_CASE(a_spent_budget_refuses_responses_and_embeddings) {
  client_fixture f;
  auto p = policy_of({"openai/gpt-4o-mini"});
  p.max_cost_usd = 1e-9;  // any answer spends it
  openrouter::router r(f.cli, p, {}, 7);
  auto [ec, res] = f.run<wire::responses_response>(
      [&](auto t) { return r.async_responses(responses("echo: paid for"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(r.spent() > 0);
  auto [ec2, res2] = f.run<wire::responses_response>(
      [&](auto t) { return r.async_responses(responses("echo: over the cap"), f.diag, t); });
  BOOST_TEST((ec2 == errc::budget_exhausted), ec2.message());
  // The cap is the router's, whatever the endpoint: embeddings through it are refused too.
  auto [ec3, res3] =
      f.run<wire::embeddings_response>([&](auto t) { return r.async_embeddings(embeddings({"a"}), f.diag, t); });
  BOOST_TEST((ec3 == errc::budget_exhausted), ec3.message());
  BOOST_TEST(f.server->stats().requests == 1u);  // refused before anything was sent
}

BOOST_AUTO_TEST_CASE(embeddings_fall_back_and_count_their_cost) {
  client_fixture f;
  recorded rec;
  auto p = policy_of({"fault/429;retry_after=60", "openai/text-embedding-3-small"});
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  auto [ec, res] = f.run<wire::embeddings_response>(
      [&](auto t) { return r.async_embeddings(embeddings({"one", "two", "three"}), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.data.size() == 3u);
  BOOST_TEST(res.model == "openai/text-embedding-3-small");
  BOOST_TEST_REQUIRE(rec.attempts.size() == 2u);  // the rate-limited model is not retried
  BOOST_TEST(routing::to_string(rec.attempts[0].cls) == "rate_limited");
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST(rec.requests[0].prompt_tokens.value_or(-1) == res.usage->prompt_tokens);
  BOOST_TEST((rec.requests[0].cost == res.usage->cost));
  BOOST_TEST(r.spent() == *res.usage->cost);
  // The cool-down holds for later requests of this router, whatever their endpoint.
  auto [ec2, res2] =
      f.run<wire::embeddings_response>([&](auto t) { return r.async_embeddings(embeddings({"four"}), f.diag, t); });
  BOOST_TEST(!ec2, ec2.message());
  BOOST_TEST(rec.attempts.size() == 3u);
  BOOST_TEST(rec.attempts[2].model == "openai/text-embedding-3-small");
}

BOOST_AUTO_TEST_CASE(responses_streams_fail_over_until_the_first_content) {
  client_fixture f;
  recorded rec;
  openrouter::router r(
      f.cli, policy_of({"fault/503", "fault/mid_stream_error;after_tokens=0", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, s] = open(f, r, responses("echo: streamed after two failovers"));
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST(!end, end.message());
  BOOST_TEST(text == "streamed after two failovers");
  BOOST_TEST(s.result().text() == text);
  BOOST_TEST_REQUIRE(rec.attempts.size() == 5u);  // 503 x2, stream error x2, then the good one
  BOOST_TEST(routing::to_string(rec.attempts[2].cls) == "stream");
  BOOST_TEST(rec.requests.back().fallback);
  BOOST_TEST(rec.requests.back().resolved_model == "openai/gpt-4o-mini");
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
}

// After the first content event a failure is the caller's to see, never re-sent.
BOOST_AUTO_TEST_CASE(a_responses_stream_failure_after_content_is_final) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, policy_of({"fault/mid_stream_error;after_tokens=3", "openai/gpt-4o-mini"}),
                       rec.hooks(), 7);
  auto [ec, s] = open(f, r, responses("echo: one two three four five six"));
  BOOST_TEST_REQUIRE(!ec, ec.message());
  auto [end, text] = drain(f, s);
  BOOST_TEST((end == errc::stream_error), end.message());
  BOOST_TEST(!text.empty());
  BOOST_TEST(text.find("six") == std::string::npos);
  BOOST_TEST(s.cost_unknown());  // no response.completed: billed perhaps, unknown
  BOOST_TEST(rec.attempts.size() == 1u);
  BOOST_TEST(f.server->stats().requests == 1u);
}

// A Responses stream's cost arrives with response.completed: counted then, and the next
// request's admission sees it.
BOOST_AUTO_TEST_CASE(a_responses_streams_cost_counts_against_the_spend_cap) {
  client_fixture f;
  auto p = policy_of({"openai/gpt-4o-mini"});
  p.max_cost_usd = 1e-9;
  openrouter::router r(f.cli, p, {}, 7);
  auto [ec, s] = open(f, r, responses("echo: streamed and paid for"));
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(r.spent() == 0.0);  // the usage has not arrived yet
  auto [end, text] = drain(f, s);
  BOOST_TEST_REQUIRE(!end, end.message());
  auto usage = s.result().usage;
  BOOST_REQUIRE(usage && usage->cost);
  BOOST_TEST((s.cost() == usage->cost));
  BOOST_TEST(r.spent() == *usage->cost);
  auto [ec2, s2] = open(f, r, responses("echo: over the cap"));
  BOOST_TEST((ec2 == errc::budget_exhausted), ec2.message());
  BOOST_TEST(f.server->stats().requests == 1u);
}

// The Messages API through the router: a JSON call that falls back, and a stream that fails
// over before its first text and counts its cost when message_delta brings the usage.
BOOST_AUTO_TEST_CASE(messages_fall_back_and_streams_count_their_cost) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, policy_of({"fault/503", "openai/gpt-4o-mini"}), rec.hooks(), 7);
  auto [ec, res] =
      f.run<wire::messages_response>([&](auto t) { return r.async_messages(messages("echo: routed message"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.text() == "routed message");
  BOOST_TEST_REQUIRE(rec.requests.size() == 1u);
  BOOST_TEST(rec.requests[0].fallback);
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST(rec.requests[0].completion_tokens.value_or(-1) == res.usage->output_tokens);
  BOOST_TEST(r.spent() == *res.usage->cost);

  auto slot = std::make_shared<std::optional<std::pair<error_code, openrouter::routed_messages_stream>>>();
  r.async_messages_stream(messages("echo: streamed message"), f.diag,
                          [slot](error_code e, openrouter::routed_messages_stream st) { slot->emplace(e, std::move(st)); });
  f.run_until([&] { return slot->has_value(); });
  auto& [sec, s] = **slot;
  BOOST_TEST_REQUIRE(!sec, sec.message());
  std::string text;
  while (true) {
    auto [e, ev] = f.run<std::optional<wire::messages_event>>([&](auto t) { return s.async_next(t); });
    BOOST_TEST_REQUIRE(!e, e.message());
    if (!ev) break;
    if (ev->delta) text += ev->delta->text;
  }
  BOOST_TEST(text == "streamed message");
  BOOST_REQUIRE(s.cost().has_value());
  BOOST_TEST(r.spent() == *res.usage->cost + *s.cost());
}

// Rerank and image generation: fallbacks, and the spend cap that refuses what follows.
BOOST_AUTO_TEST_CASE(rerank_and_images_are_routed_and_capped) {
  client_fixture f;
  recorded rec;
  auto p = policy_of({"fault/503", "cohere/rerank-v3.5"});
  p.max_cost_usd = 1e-9;
  openrouter::router r(f.cli, p, rec.hooks(), 7);
  wire::rerank_request rr;
  rr.query = "capital of France";
  rr.documents = {std::string("Paris is the capital of France."), std::string("Berlin is in Germany.")};
  auto [ec, res] = f.run<wire::rerank_response>([&](auto t) { return r.async_rerank(rr, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(res.results.size() == 2u);
  BOOST_TEST(rec.requests.back().fallback);
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST(r.spent() == *res.usage->cost);
  wire::image_generation_request img;
  img.prompt = "a fox";
  auto [ec2, res2] = f.run<wire::image_generation_response>([&](auto t) { return r.async_images(img, f.diag, t); });
  BOOST_TEST((ec2 == errc::budget_exhausted), ec2.message());

  openrouter::router r2(f.cli, policy_of({"fault/503", "black-forest-labs/flux-1-schnell"}), rec.hooks(), 7);
  auto [ec3, res3] = f.run<wire::image_generation_response>([&](auto t) { return r2.async_images(img, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, ec3.message());
  BOOST_TEST(!res3.data.empty());
  BOOST_TEST(rec.requests.back().fallback);
  BOOST_REQUIRE(res3.usage && res3.usage->cost);
  BOOST_TEST(r2.spent() == *res3.usage->cost);
}

// Audio: a transcription falls back and counts its cost; speech falls back too, and its
// success is recorded as cost unknown (its answer is audio, with no usage).
BOOST_AUTO_TEST_CASE(audio_is_routed_and_speech_is_cost_unknown) {
  client_fixture f;
  recorded rec;
  openrouter::router r(f.cli, policy_of({"fault/503", "openai/whisper-large-v3"}), rec.hooks(), 7);
  wire::transcription_request tr;
  tr.file_name = "hello.wav";
  tr.file_bytes = std::string(32000, '\0');
  auto [ec, res] = f.run<wire::transcription>([&](auto t) { return r.async_transcription(tr, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, ec.message());
  BOOST_TEST(rec.requests.back().fallback);
  BOOST_REQUIRE(res.usage && res.usage->cost);
  BOOST_TEST(r.spent() == *res.usage->cost);
  BOOST_TEST(!rec.attempts.back().cost_unknown);

  openrouter::router s(f.cli, policy_of({"fault/503", "openai/gpt-4o-mini-tts"}), rec.hooks(), 7);
  wire::speech_request sp;
  sp.input = "hello there";
  auto [ec2, audio] = f.run<wire::speech_audio>([&](auto t) { return s.async_speech(sp, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, ec2.message());
  BOOST_TEST(!audio.bytes.empty());
  BOOST_TEST(rec.requests.back().fallback);
  BOOST_TEST(rec.attempts.back().cost_unknown);
  BOOST_TEST(rec.requests.back().cost_unknown == 1u);
  BOOST_TEST(s.spent() == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
