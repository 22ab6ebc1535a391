// chat_stream::async_next_batch against the in-process mock: the same chunks as async_next,
// several per completion when the server's writes bring several, every outcome of async_next
// (errors after the chunks before them, the end repeating, refusal of an overlapping pull,
// cancellation), the two forms mixed, and a batch that outlives its stream's handle.
#include "support/client_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::chat_stream;
using openrouter::errc;
using boost::system::error_code;
using batch_t = chat_stream::chunk_batch;
using next_t = std::optional<wire::chat_chunk>;

BOOST_AUTO_TEST_SUITE(client_stream_batch_test)

namespace {

openrouter::mock::server_options coalesced() {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"defaults":{"ttft_ms":0,"itl_ms":0,"write_mode":"coalesced"}})");
  return o;
}

chat_stream open(client_fixture& f, wire::chat_request req) {
  auto slot = std::make_shared<std::optional<std::pair<error_code, chat_stream>>>();
  f.cli.async_chat_stream(std::move(req), f.diag,
                          [slot](error_code ec, chat_stream s) { slot->emplace(ec, std::move(s)); });
  f.run_until([&] { return slot->has_value(); });
  BOOST_REQUIRE_MESSAGE(!(*slot)->first, (*slot)->first.message());
  return std::move((*slot)->second);
}

struct pulled {
  error_code ec;
  std::vector<wire::chat_chunk> chunks;  // copies: a batch lives until the next pull
  std::size_t batches = 0, largest = 0;
  std::string text;
};

pulled drain_batches(client_fixture& f, chat_stream& s) {
  pulled p;
  while (true) {
    auto [ec, b] = f.run<batch_t>([&](auto t) { return s.async_next_batch(t); });
    if (ec) {
      p.ec = ec;
      return p;
    }
    if (b.empty()) return p;
    ++p.batches;
    p.largest = std::max(p.largest, b.size());
    for (const auto& c : b) {
      p.text += c.text();
      p.chunks.push_back(c);
    }
  }
}

pulled drain_next(client_fixture& f, chat_stream& s) {
  pulled p;
  while (true) {
    auto [ec, c] = f.run<next_t>([&](auto t) { return s.async_next(t); });
    if (ec) {
      p.ec = ec;
      return p;
    }
    if (!c) return p;
    p.text += c->text();
    p.chunks.push_back(std::move(*c));
  }
}

const char* prompt = "echo: the quick brown fox jumps over the lazy dog and runs far away";

}  // namespace

BOOST_AUTO_TEST_CASE(batches_hand_out_the_same_chunks_as_next_several_at_a_time) {
  client_fixture f(coalesced());
  auto one = open(f, chat_request("openai/gpt-4o-mini", prompt));
  auto by_next = drain_next(f, one);
  auto s = open(f, chat_request("openai/gpt-4o-mini", prompt));
  auto by_batch = drain_batches(f, s);
  BOOST_TEST(!by_next.ec, by_next.ec.message());
  BOOST_TEST(!by_batch.ec, by_batch.ec.message());
  BOOST_TEST(by_batch.text == "the quick brown fox jumps over the lazy dog and runs far away");
  BOOST_TEST(by_batch.text == by_next.text);
  BOOST_REQUIRE(by_batch.chunks.size() == by_next.chunks.size());
  for (std::size_t i = 0; i < by_next.chunks.size(); ++i) {
    BOOST_TEST(by_batch.chunks[i].choices.size() == by_next.chunks[i].choices.size());
    BOOST_TEST(by_batch.chunks[i].text() == by_next.chunks[i].text());
  }
  // The server wrote the stream in a few writes: some completion handed out several chunks.
  BOOST_TEST(by_batch.largest > 1u);
  BOOST_TEST(by_batch.batches < by_batch.chunks.size());
  // The accumulator saw every chunk; the end repeats; the connection went back to the pool.
  BOOST_TEST(s.result().text() == by_batch.text);
  BOOST_TEST(s.chunks_seen() == by_batch.chunks.size());
  auto [ec, again] = f.run<batch_t>([&](auto t) { return s.async_next_batch(t); });
  BOOST_TEST(!ec);
  BOOST_TEST(again.empty());
  BOOST_TEST(!s.is_open());
  BOOST_TEST(reusable_connections(f.cli.pool_statistics()) == 1u);
}

BOOST_AUTO_TEST_CASE(failures_come_after_the_chunks_before_them) {
  client_fixture f(coalesced());
  // An error chunk: delivered in a batch, then stream_error on the next pull.
  auto s = open(f, chat_request("fault/mid_stream_error;after_tokens=3", "echo: one two three four five six"));
  auto p = drain_batches(f, s);
  BOOST_TEST(p.ec == errc::stream_error, p.ec.message());
  BOOST_REQUIRE(!p.chunks.empty());
  BOOST_TEST(p.chunks.back().error.has_value());
  BOOST_TEST(!p.text.empty());
  // A reset: the partial output, then the transport's typed error, repeated.
  auto r = open(f, chat_request("fault/reset;after_tokens=3", "echo: one two three four five six"));
  auto q = drain_batches(f, r);
  BOOST_TEST(q.ec == reset_error(), q.ec.message());
  BOOST_TEST(!q.text.empty());
  BOOST_TEST(r.result().text() == q.text);
  auto [ec, b] = f.run<batch_t>([&](auto t) { return r.async_next_batch(t); });
  BOOST_TEST(ec == reset_error(), ec.message());
  BOOST_TEST(b.empty());
}

BOOST_AUTO_TEST_CASE(next_and_batch_mix) {
  client_fixture f(coalesced());
  auto s = open(f, chat_request("openai/gpt-4o-mini", prompt));
  std::string text;
  std::size_t chunks = 0;
  for (bool use_batch = false;; use_batch = !use_batch) {
    if (use_batch) {
      auto [ec, b] = f.run<batch_t>([&](auto t) { return s.async_next_batch(t); });
      BOOST_REQUIRE_MESSAGE(!ec, ec.message());
      if (b.empty()) break;
      for (const auto& c : b) text += c.text();
      chunks += b.size();
    } else {
      auto [ec, c] = f.run<next_t>([&](auto t) { return s.async_next(t); });
      BOOST_REQUIRE_MESSAGE(!ec, ec.message());
      if (!c) break;
      text += c->text();
      ++chunks;
    }
  }
  BOOST_TEST(text == "the quick brown fox jumps over the lazy dog and runs far away");
  BOOST_TEST(chunks == s.chunks_seen());
}

BOOST_AUTO_TEST_CASE(a_batch_outlives_its_stream_handle) {
  // The stream is destroyed while a batch is on its way to the handler: the chunks it points to
  // stay alive until the handler has run (ASan checks the reads below).
  client_fixture f(coalesced());
  auto s = open(f, chat_request("openai/gpt-4o-mini", prompt));
  auto [ec, first] = f.run<next_t>([&](auto t) { return s.async_next(t); });  // decodes the rest
  BOOST_REQUIRE_MESSAGE(!ec, ec.message());
  std::string text;
  std::size_t n = 0;
  bool called = false;
  s.async_next_batch([&](error_code e, batch_t b) {
    called = true;
    BOOST_TEST(!e, e.message());
    n = b.size();
    for (const auto& c : b) text += c.text();
  });
  s = chat_stream{};  // the handle goes before the handler runs
  f.run_until([&] { return called; });
  BOOST_TEST(n > 0u);
  BOOST_TEST(!text.empty());
  const std::string got = std::string(first->text()) + text;
  BOOST_TEST(got == std::string("the quick brown fox jumps over the lazy dog and runs far away").substr(0, got.size()));
}

BOOST_AUTO_TEST_CASE(overlapping_and_cancelled_batches) {
  openrouter::mock::server_options o;
  // The first chunk comes 500 ms after the headers: the first pull has to read (see
  // client_stream_test/overlapping_next_is_refused).
  o.scenario = boost::json::parse(R"({"models":{"openai/gpt-4o-mini":{"ttft_ms":500,"itl_ms":50}}})");
  client_fixture f(o);
  auto s = open(f, chat_request("openai/gpt-4o-mini", "echo: a b c d e f g h i j k l"));
  outcome<batch_t> a, b;
  s.async_next_batch(a.handler());  // reads (a read always completes later)
  s.async_next_batch(b.handler());
  auto [eb, bb] = wait(f.ioc, b, std::chrono::seconds(10));
  BOOST_TEST(eb == errc::invalid_argument, eb.message());
  auto [ea, ba] = wait(f.ioc, a, std::chrono::seconds(10));
  BOOST_TEST(!ea, ea.message());
  BOOST_TEST(!ba.empty());
  // A pending batch cancelled through its slot: operation_aborted, the connection closed.
  boost::asio::cancellation_signal sig;
  outcome<batch_t> c;
  s.async_next_batch(boost::asio::bind_cancellation_slot(sig.slot(), c.handler()));
  // Cancelled once it waits for the socket (the paced server sends one token per 50 ms).
  f.ioc.restart();
  f.ioc.poll();
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, bc] = wait(f.ioc, c, std::chrono::seconds(10));
  if (!ec) {
    BOOST_TEST(!bc.empty());  // the pull had already finished: its chunks, then the cancellation
    s.cancel();
    std::tie(ec, bc) = f.run<batch_t>([&](auto t) { return s.async_next_batch(t); });
  }
  BOOST_TEST(ec == boost::asio::error::operation_aborted, ec.message());
  BOOST_TEST(bc.empty());
  BOOST_TEST(!s.is_open());
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
}

// Streams whose reads bring one event each park their spare chunk on the thread while they read
// (event_stream.hpp), and the next decode on that thread, for any stream, takes it back: two
// paced streams pulled in turn on one thread decode into each other's old chunks (whenever a
// read brings one event: most of them, not all on a loaded machine or over one HTTP/2
// session). Each must still get exactly the chunks it gets alone: nothing of the other
// stream's model, provider or text.
BOOST_AUTO_TEST_CASE(streams_read_one_event_at_a_time_share_spares_without_mixing) {
  openrouter::mock::server_options o;
  o.scenario = boost::json::parse(R"({"defaults":{"ttft_ms":0,"itl_ms":3,"write_mode":"per_event"}})");
  client_fixture f(o);
  const auto req_a = chat_request("openai/gpt-4o-mini", "echo: alpha beta gamma delta epsilon zeta eta theta");
  const auto req_b = chat_request("anthropic/claude-3.5-haiku", "echo: one two");
  auto key = [](wire::chat_chunk c) {  // what must not differ between two runs of one request
    c.id.clear();
    c.created = 0;
    return wire::serialize(c);
  };
  std::vector<std::string> alone_a, alone_b;
  {
    auto a = open(f, req_a);
    for (const auto& c : drain_next(f, a).chunks) alone_a.push_back(key(c));
    auto b = open(f, req_b);
    for (const auto& c : drain_next(f, b).chunks) alone_b.push_back(key(c));
  }
  BOOST_REQUIRE(alone_a.size() > alone_b.size());
  auto a = open(f, req_a);
  auto b = open(f, req_b);
  std::vector<std::string> got_a, got_b;
  bool a_open = true, b_open = true;
  while (a_open || b_open) {
    for (auto [s, got, open_flag] : {std::tuple{&a, &got_a, &a_open}, std::tuple{&b, &got_b, &b_open}}) {
      if (!*open_flag) continue;
      auto [ec, batch] = f.run<batch_t>([&](auto t) { return s->async_next_batch(t); });
      BOOST_REQUIRE_MESSAGE(!ec, ec.message());
      if (batch.empty()) *open_flag = false;
      for (const auto& c : batch) got->push_back(key(c));
    }
  }
  BOOST_TEST(got_a == alone_a, boost::test_tools::per_element());
  BOOST_TEST(got_b == alone_b, boost::test_tools::per_element());
  BOOST_TEST(a.result().model == "openai/gpt-4o-mini");
  BOOST_TEST(b.result().model == "anthropic/claude-3.5-haiku");
}

BOOST_AUTO_TEST_SUITE_END()
