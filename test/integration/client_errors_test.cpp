// The client's typed errors: every status, OpenRouter's quirks, TLS failing closed, deadlines,
// cancellation, and no secret anywhere in what a caller can print.
#include "support/client_fixture.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <openrouter/routing/classify.hpp>

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <thread>
#include <vector>

using namespace test;
namespace wire = openrouter::wire;
using openrouter::errc;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(client_errors_test)

wire::chat_request req(std::string model) { return chat_request(std::move(model)); }

BOOST_AUTO_TEST_CASE(every_status_maps_to_its_errc) {
  client_fixture f;
  const std::vector<std::pair<std::string, errc>> cases = {
      {"fault/400", errc::bad_request},        {"fault/401", errc::unauthorized},
      {"fault/402", errc::payment_required},   {"fault/403", errc::moderation_flagged},
      {"fault/404", errc::not_found},          {"fault/408", errc::request_timeout},
      {"fault/413", errc::payload_too_large},  {"fault/422", errc::unprocessable},
      {"fault/429", errc::rate_limited},       {"fault/500", errc::server_error},
      {"fault/502", errc::bad_gateway},        {"fault/503", errc::service_unavailable},
      {"fault/504", errc::gateway_timeout},    {"fault/524", errc::edge_timeout},
      {"fault/529", errc::provider_overloaded}};
  for (const auto& [model, want] : cases) {
    auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(model), f.diag, t); });
    BOOST_TEST(ec == want, model << ": " << ec.message());
    BOOST_TEST(f.diag.http_status == static_cast<unsigned>(std::stoi(model.substr(6))));
    BOOST_TEST(!f.diag.error.message.empty());
  }
}

BOOST_AUTO_TEST_CASE(retryability_quirks) {
  client_fixture f;
  auto check = [&](const std::string& model, bool retryable) {
    auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(model), f.diag, t); });
    BOOST_TEST(ec.failed(), model);
    BOOST_TEST(openrouter::is_retryable(ec, f.diag) == retryable, model << " -> " << f.diag.summary(ec));
  };
  check("fault/429;retry_after=2", true);
  BOOST_TEST(f.diag.retry_after.value_or(0ms).count() == 2000);
  check("fault/503", true);
  check("fault/524", true);
  check("fault/529", true);
  check("fault/wrapped_transient;status=429", true);  // a 400 that wraps a transient code
  check("fault/400", false);
  check("fault/401", false);
  check("fault/402", false);                // billing
  check("fault/402;retry_after=3", true);  // in-flight budget
  BOOST_TEST(f.diag.retry_after.value_or(0ms).count() == 3000);
  check("fault/403", false);
  check("fault/error_in_body;after_tokens=2", true);
}

BOOST_AUTO_TEST_CASE(moderation_and_availability_details) {
  client_fixture f;
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req("fault/403"), f.diag, t); });
  BOOST_TEST(ec == errc::moderation_flagged);
  auto mod = f.diag.error.moderation();
  BOOST_REQUIRE(mod);
  BOOST_TEST(mod->reasons.at(0) == "harassment");
  auto [e2, r2] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req("no-such/model"), f.diag, t); });
  BOOST_TEST(e2 == errc::bad_request);
  BOOST_REQUIRE(f.diag.error.availability);
  BOOST_TEST(f.diag.error.availability->code == "model_not_found");
}

BOOST_AUTO_TEST_CASE(error_inside_200_body) {
  client_fixture f;
  auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req("fault/error_in_body;after_tokens=3"), f.diag, t); });
  BOOST_TEST(ec == errc::provider_error);
  BOOST_TEST(f.diag.http_status == 200u);
  BOOST_TEST(!res.text().empty());  // the partial output is handed over with the error
  BOOST_TEST(f.diag.error.status().value_or(0) == 502);
}

BOOST_AUTO_TEST_CASE(tls_fails_closed) {
  // Untrusted: the client does not trust the mock's CA (and has no system CA for it).
  client_fixture f({}, [](openrouter::client_config& c) { c.tls.ca_pem.clear(); });
  auto [ec, res] = f.run<wire::provider_list>([&](auto t) { return f.cli.async_providers(f.diag, t); });
  BOOST_TEST(ec == errc::tls_verify_failed, ec.message());
  BOOST_TEST(!f.diag.detail.empty());
  // Wrong host name: the certificate is for localhost / 127.0.0.1, the server listens on 127.0.0.2.
  openrouter::mock::server_options o;
  o.host = "127.0.0.2";
  client_fixture g(o);
  auto [e2, r2] = g.run<wire::provider_list>([&](auto t) { return g.cli.async_providers(g.diag, t); });
  BOOST_TEST(e2 == errc::tls_verify_failed, e2.message());
}

BOOST_AUTO_TEST_CASE(connection_refused_and_bad_config) {
  boost::asio::io_context ioc;
  std::uint16_t port;
  {
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nobody listens there now
  openrouter::client_config c;
  c.base_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1";
  c.api_key = "k";
  openrouter::client cli(ioc.get_executor(), c);
  openrouter::diagnostics d;
  outcome<wire::provider_list> o;
  cli.async_providers(d, o.handler());
  auto [ec, r] = wait(ioc, o, std::chrono::seconds(10));
  BOOST_TEST(ec == errc::connect_failed, ec.message());
  BOOST_TEST(openrouter::is_retryable(ec, d));
  c.base_url = "ftp://example.com/";
  BOOST_CHECK_THROW(openrouter::client(ioc.get_executor(), c), std::invalid_argument);
  c.base_url = "https://api.example.invalid/api/v1";
  c.extra_headers = {{"X-Evil", "a\r\nInjected: 1"}};
  BOOST_CHECK_THROW(openrouter::client(ioc.get_executor(), c), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(deadlines_fire_per_phase) {
  // Response headers: the server stalls before answering.
  client_fixture f({}, [](openrouter::client_config& c) { c.timeout.response_headers = 300ms; });
  auto [e1, r1] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req("fault/stall;seconds=3"), f.diag, t); });
  BOOST_TEST(e1 == errc::headers_timeout, e1.message());
  BOOST_TEST(openrouter::is_retryable(e1, f.diag));
  // Idle read: headers and half the body, then silence.
  client_fixture g({}, [](openrouter::client_config& c) { c.timeout.read_idle = 300ms; });
  auto [e2, r2] = g.run<wire::chat_response>([&](auto t) { return g.cli.async_chat(req("fault/stall;seconds=3;after_tokens=1"), g.diag, t); });
  BOOST_TEST(e2 == errc::read_timeout, e2.message());
  // Total deadline binds before the phase deadline.
  client_fixture h({}, [](openrouter::client_config& c) { c.timeout.total = 400ms; });
  auto [e3, r3] = h.run<wire::chat_response>([&](auto t) { return h.cli.async_chat(req("fault/stall;seconds=3"), h.diag, t); });
  BOOST_TEST(e3 == errc::total_timeout, e3.message());
  // Connect (TCP accepted by the kernel, but no TLS handshake ever comes back).
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  openrouter::client_config c;
  c.base_url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/api/v1";
  c.timeout.connect = 300ms;
  openrouter::client cli(ioc.get_executor(), c);
  openrouter::diagnostics d;
  outcome<wire::provider_list> o;
  cli.async_providers(d, o.handler());
  auto [e4, r4] = wait(ioc, o, std::chrono::seconds(10));
  BOOST_TEST(e4 == errc::connect_timeout, e4.message());
}

BOOST_AUTO_TEST_CASE(cancellation_mid_request_closes_the_connection) {
  client_fixture f;
  boost::asio::cancellation_signal sig;
  outcome<wire::chat_response> o;
  f.cli.async_chat(req("fault/stall;seconds=60"), f.diag, boost::asio::bind_cancellation_slot(sig.slot(), o.handler()));
  f.run_until([&] { return f.server->stats().requests == 1; });
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, res] = wait(f.ioc, o, std::chrono::seconds(3));
  BOOST_TEST(ec == boost::asio::error::operation_aborted, ec.message());
  auto st = f.cli.pool_statistics();
  BOOST_TEST(st.in_use == 0u);
  BOOST_TEST(st.idle == 0u);  // closed, not parked
  // The server sees the hang-up long before its 60 s stall would end (that is what stops billing).
  f.wait_abandoned(std::chrono::seconds(30));
  // Over HTTP/2 the client's side is done before the RST_STREAM has reached the mock: wait for
  // the mock to see it (a hang-up that never arrives fails here, after 30 s).
  f.run_until([&] { return f.server->stats().peer_closed_during_stall >= 1; }, std::chrono::seconds(30));
  BOOST_TEST(f.server->stats().peer_closed_during_stall == 1u);
}

// A cancellation that fires while no operation is pending (here: before the coroutine has taken
// its first step; in the field, between a write's completion and the next read) is recorded, not
// lost: the request stops at its next step instead of running on.
BOOST_AUTO_TEST_CASE(cancellation_between_steps_is_not_lost) {
  client_fixture f;
  boost::asio::cancellation_signal sig;
  outcome<wire::chat_response> o;
  f.cli.async_chat(req("fault/stall;seconds=30"), f.diag, boost::asio::bind_cancellation_slot(sig.slot(), o.handler()));
  sig.emit(boost::asio::cancellation_type::terminal);
  auto [ec, res] = wait(f.ioc, o, std::chrono::seconds(20));
  BOOST_TEST(ec == boost::asio::error::operation_aborted, ec.message());
  BOOST_TEST(f.server->stats().requests == 0u);
  BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
}

namespace {

// Leaves the process without a free file descriptor: lowers RLIMIT_NOFILE's soft limit (so the
// table fills in a few dozen dup()s, not a million) and dup()s /dev/null until EMFILE. The
// destructor closes them and restores the limit, whatever happened in between.
struct fd_exhaustion {
  rlimit old{};
  std::vector<int> fds;
  bool exhausted = false;
  fd_exhaustion() {
    if (::getrlimit(RLIMIT_NOFILE, &old) != 0) return;
    const int seed = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (seed < 0) return;
    fds.push_back(seed);
    rlimit low = old;
    low.rlim_cur = std::min<rlim_t>(old.rlim_cur, 128);  // fds already above it stay valid
    if (::setrlimit(RLIMIT_NOFILE, &low) != 0) return;
    while (fds.size() < 4096) {
      int fd = ::fcntl(seed, F_DUPFD_CLOEXEC, 0);
      if (fd < 0) {
        exhausted = errno == EMFILE;
        break;
      }
      fds.push_back(fd);
    }
  }
  ~fd_exhaustion() { release(); }
  // Whether the table is still full. A descriptor another thread of the process closed in
  // the meantime (the mock's, the resolver's) leaves a hole the request under test may have
  // taken: that run proves nothing. One of ours closed behind our back is a double close.
  struct check {
    bool full = true;
    std::string closed_behind_our_back;  // "fd 41, fd 57": someone closed descriptors it did not own
  };
  check recheck() {
    check c;
    for (std::size_t i = 1; i < fds.size(); ++i)  // fds[0] is the seed
      if (::fcntl(fds[i], F_GETFD) < 0 && errno == EBADF) {
        if (!c.closed_behind_our_back.empty()) c.closed_behind_our_back += ", ";
        c.closed_behind_our_back += "fd " + std::to_string(fds[i]);
      }
    int fd = ::fcntl(fds.front(), F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) {
      c.full = false;
      fds.push_back(fd);
    }
    return c;
  }
  void release() {
    for (int fd : fds) ::close(fd);
    fds.clear();
    if (old.rlim_max != 0) ::setrlimit(RLIMIT_NOFILE, &old);
  }
  fd_exhaustion(const fd_exhaustion&) = delete;
  fd_exhaustion& operator=(const fd_exhaustion&) = delete;
};

// Not under ASan+UBSan: with no descriptor left, the sanitizer runtime's own memory-readability
// probe (it writes through a pipe) fails, and UBSan reports false "invalid vptr" errors.
boost::test_tools::assertion_result without_sanitizer_runtime(boost::unit_test::test_unit_id) {
#if defined(__SANITIZE_ADDRESS__)
  boost::test_tools::assertion_result r(false);
  r.message() << "the sanitizer runtime needs file descriptors of its own";
  return r;
#else
  return true;
#endif
}

}  // namespace

// Out of file descriptors, a new connection fails as a connect failure that says why, never as
// "cancelled" (Asio's range connect reports a socket it could not open as operation_aborted) nor
// as a raw errno thrown from the io_context's first socket (its reactor needs descriptors too).
// Nothing is held on to: with one connection allowed per origin, the next request succeeds.
BOOST_AUTO_TEST_CASE(out_of_file_descriptors_is_out_of_resources_not_a_cancellation,
                     *boost::unit_test::precondition(without_sanitizer_runtime)) {
  for (bool reactor_ready : {true, false}) {
    BOOST_TEST_CONTEXT("reactor created beforehand: " << reactor_ready) {
      client_fixture f({}, [](openrouter::client_config& c) {
        c.pool.max_per_origin = 1;
        c.pool.acquire_timeout = 5s;  // a leaked slot would show as pool_timeout below
        c.timeout.connect = 3s;       // a run that got a descriptor after all ends soon
      });
      if (reactor_ready) {  // as in a process that has made requests before (a fresh pool all the same)
        boost::asio::ip::tcp::socket s(f.ioc);
        s.open(boost::asio::ip::tcp::v4());
      }
      boost::system::error_code ec;
      bool exhausted = false;
      std::uint64_t failures_before = 0;
      // A run in which another thread freed a descriptor proves nothing: it is run again (a few
      // times at most; never seen twice in a row).
      for (int run = 0; run < 5; ++run) {
        fd_exhaustion no_fds;
        exhausted = no_fds.exhausted;
        if (!exhausted) break;
        failures_before = f.cli.pool_statistics().connect_failures;
        outcome<wire::chat_response> o;
        f.cli.async_chat(req("openai/gpt-4o-mini"), f.diag, o.handler());
        ec = std::get<0>(wait(f.ioc, o, std::chrono::seconds(30)));
        const auto c = no_fds.recheck();
        BOOST_TEST_REQUIRE(c.closed_behind_our_back.empty(),
                           "descriptors the test held were closed by someone else: " << c.closed_behind_our_back);
        if (c.full) break;
        BOOST_TEST_MESSAGE("run " << run << ": a descriptor was freed during the request (" << ec.message()
                                  << "); running again");
        ec = {};
      }  // the fds are closed and the limit restored here, also when wait() throws
      BOOST_REQUIRE_MESSAGE(exhausted, "could not exhaust the fd table");
      BOOST_TEST(ec == errc::out_of_resources, ec.message());
      BOOST_TEST(ec != boost::asio::error::operation_aborted);
      BOOST_TEST(f.diag.detail.find("too many open files") != std::string::npos, f.diag.detail);
      // Retryable once descriptors free up, and no model's fault: a router does not count it
      // against a model's breaker (error_class local).
      const auto c = openrouter::routing::classify(ec, f.diag);
      BOOST_TEST(openrouter::routing::to_string(c.cls) == "local");
      BOOST_TEST((c.action == openrouter::routing::verdict::retry_same));
      BOOST_TEST(openrouter::is_retryable(ec, f.diag));
      auto st = f.cli.pool_statistics();
      BOOST_TEST(st.in_use == 0u);
      BOOST_TEST(st.connect_failures == failures_before + 1);
      BOOST_TEST(f.server->stats().requests == 0u);
      // The fds are back: the same client connects and is answered.
      auto [e2, res] = f.run<wire::chat_response>(
          [&](auto t) { return f.cli.async_chat(req("openai/gpt-4o-mini"), f.diag, t); }, std::chrono::seconds(30));
      BOOST_TEST(!e2, e2.message());
      BOOST_TEST(!res.text().empty());
      BOOST_TEST(f.cli.pool_statistics().in_use == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(api_key_never_leaks) {
  const std::string key = "sk-or-v1-THIS-IS-SECRET-42";
  openrouter::mock::server_options o;
  o.api_key = "sk-or-v1-other";
  client_fixture f(o, [&](openrouter::client_config& c) { c.api_key = key; });
  std::vector<std::string> texts;
  for (std::string model : {"openai/gpt-4o-mini", "fault/500", "fault/403"}) {
    auto [ec, res] = f.run<wire::chat_response>([&](auto t) { return f.cli.async_chat(req(model), f.diag, t); });
    BOOST_TEST(ec.failed());
    texts.push_back(ec.message());
    texts.push_back(f.diag.summary(ec));
    texts.push_back(f.diag.body_excerpt);
    texts.push_back(f.diag.detail);
    texts.push_back(wire::serialize(f.diag.error));
  }
  for (const auto& t : texts) BOOST_TEST(t.find("SECRET") == std::string::npos, t);
}

BOOST_AUTO_TEST_SUITE_END()
