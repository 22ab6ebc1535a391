// `openrouter bench`: a throughput/latency benchmark of a chat-completions endpoint (OpenRouter
// or any OpenAI-compatible server), or of the Responses API (--endpoint responses), over the
// library's streaming client. The load driver lives
// here; metrics, arrivals, prompts and reports are sans-I/O pieces in bench/.
#include "bench/metrics.hpp"
#include <openrouter/wire/output.hpp>
#include "bench/report.hpp"
#include "bench/workload.hpp"
#include "commands.hpp"
#include "common/numbers.hpp"
#include "context.hpp"
#include <lib/detail/wakeable.hpp>  // src/ is on the CLI's include path (openrouter_serve's)

#include <openrouter/chat_stream.hpp>
#include <openrouter/messages_stream.hpp>
#include <openrouter/responses_stream.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <list>
#include <string_view>
#include <tuple>
#include <utility>

namespace openrouter::cli {
namespace {

using steady = std::chrono::steady_clock;
namespace b = bench;
constexpr auto as_awaitable = asio::as_tuple(asio::use_awaitable);

constexpr std::int64_t max_requests = 10'000'000;  // per level: samples are kept
constexpr std::int64_t max_len = 1'000'000;        // words in, max_tokens out
constexpr std::size_t max_prompts = 100'000;       // distinct synthetic prompts; requests cycle through them
constexpr double max_prompt_words = 2e8;           // all synthetic prompts together (~1.4 GB)

enum class bench_endpoint { chat, responses, messages };

struct bench_options {
  std::string model;
  bench_endpoint endpoint = bench_endpoint::chat;
  std::vector<std::size_t> concurrencies;
  double rate = 0;  // 0: closed loop
  double burstiness = 1;
  std::size_t requests = 100, warmup = 0;
  std::uint64_t seed = 0;
  double ramp_per_s = 0;  // closed loop: start workers at this rate (0: all at once)
  b::slo objectives;
  std::optional<std::string> output_dir;
  std::vector<wire::chat_request> prompts;  // request i sends prompts[i % size]
  std::vector<std::pair<std::string, std::string>> headers;  // --header: sent on every request
};

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long max_rss_kb() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/// Thousands of streams need thousands of descriptors: raise the soft limit to the hard one.
void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::string error_class(error_code ec) {
  if (ec.category() == openrouter::category()) return std::string(name(static_cast<errc>(ec.value())));
  if (ec == asio::error::operation_aborted) return "cancelled";
  return std::string(ec.category().name()) + "_" + std::to_string(ec.value());
}

// The usage (prompt and output tokens) a stream's event reports, per endpoint; which events
// carry output (a token for TTFT and ITL) is wire::has_output's.
std::optional<std::pair<std::int64_t, std::int64_t>> usage_of(const wire::chat_chunk& c) {
  if (!c.usage) return std::nullopt;
  return std::pair{c.usage->prompt_tokens, c.usage->completion_tokens};
}
std::optional<std::pair<std::int64_t, std::int64_t>> usage_of(const wire::responses_event& e) {
  if (!e.response || !e.response->usage) return std::nullopt;
  return std::pair{e.response->usage->input_tokens, e.response->usage->output_tokens};
}
// message_start has the input tokens, message_delta the output (its input may be absent: 0).
std::optional<std::pair<std::int64_t, std::int64_t>> usage_of(const wire::messages_event& e) {
  if (e.message && e.message->usage) return std::pair{e.message->usage->input_tokens, std::int64_t{0}};
  if (e.usage) return std::pair{e.usage->input_tokens, e.usage->output_tokens};
  return std::nullopt;
}

// The text of a chat message (its text parts).
std::string text_of(const wire::message& m) {
  std::string text;
  if (!m.content) return text;
  if (const auto* t = std::get_if<std::string>(&*m.content)) return *t;
  for (const auto& part : std::get<std::vector<wire::content_part>>(*m.content))
    if (part.text) text += *part.text;
  return text;
}

// A bench prompt for the Responses API: its messages as input messages (their text parts),
// max_tokens as max_output_tokens.
wire::responses_request as_responses(const wire::chat_request& c) {
  wire::responses_request r;
  if (c.model) r.model = *c.model;
  json::array items;
  for (const auto& m : c.messages) items.push_back(wire::responses_message(m.role, text_of(m)));
  r.input = std::move(items);
  if (c.max_completion_tokens) r.max_output_tokens = c.max_completion_tokens;
  else if (c.max_tokens) r.max_output_tokens = c.max_tokens;
  r.temperature = c.temperature;
  return r;
}

// A bench prompt for the Messages API: system messages as the system prompt, the others as
// turns, max_tokens (which the API requires) from the prompt.
wire::messages_request as_messages(const wire::chat_request& c) {
  wire::messages_request r;
  if (c.model) r.model = *c.model;
  std::string system;
  for (const auto& m : c.messages) {
    if (m.role == "system" || m.role == "developer") {
      system += text_of(m);
      continue;
    }
    wire::messages_message t;
    t.role = m.role;
    t.content = text_of(m);
    r.messages.push_back(std::move(t));
  }
  if (!system.empty()) r.system = std::move(system);
  r.max_tokens = c.max_completion_tokens ? c.max_completion_tokens : c.max_tokens;
  if (!r.max_tokens) r.max_tokens = 1024;
  r.temperature = c.temperature;
  return r;
}

/// One load level (or the warm-up): runs `total` requests, closed loop or open loop, until done
/// or stopped. Every coroutine it starts is bound to a cancellation signal, so Ctrl-C ends them.
class level_runner {
 public:
  level_runner(context& ctx, const bench_options& o, std::size_t concurrency, std::size_t total, bool& stop,
               std::size_t first_prompt)
      : ctx_(ctx), o_(o), concurrency_(concurrency), total_(total), stop_(stop), first_prompt_(first_prompt),
        slots_free_(concurrency) {}

  std::vector<b::request_sample> samples;  // in the order requests were sent
  std::size_t finished = 0, failed = 0;

  double elapsed() const { return std::chrono::duration<double>(steady::now() - t0_).count(); }

  /// Starts the level's coroutines; done() tells when they all ended.
  void start() {
    t0_ = steady::now();
    samples.reserve(total_);
    if (o_.rate > 0) {
      spawn(dispatch());
    } else {
      for (std::size_t w = 0; w < concurrency_ && w < total_; ++w) spawn(worker(w));
    }
  }
  bool done() const { return alive_ == 0; }
  /// Ctrl-C: every pending operation completes with operation_aborted.
  void cancel() {
    for (auto& s : signals_) s.emit(asio::cancellation_type::terminal);
  }
  void rethrow() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  context& ctx_;
  const bench_options& o_;
  std::size_t concurrency_, total_;
  bool& stop_;
  std::size_t first_prompt_;
  steady::time_point t0_;
  std::size_t next_ = 0, alive_ = 0;
  std::list<asio::cancellation_signal> signals_;
  std::exception_ptr failure_;
  // open loop: the concurrency cap; a released slot goes to the longest waiter
  std::size_t slots_free_;
  std::deque<openrouter::detail::wakeable*> slot_waiters_;

  void spawn(asio::awaitable<void> a) {
    ++alive_;
    auto& sig = signals_.emplace_back();
    asio::co_spawn(ctx_.ioc, std::move(a), asio::bind_cancellation_slot(sig.slot(), [this](std::exception_ptr e) {
                     --alive_;
                     if (e && !failure_) failure_ = e;
                   }));
  }

  asio::awaitable<void> wait_until(double t) {
    asio::steady_timer timer(ctx_.ioc, t0_ + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(t)));
    co_await timer.async_wait(as_awaitable);
  }

  asio::awaitable<void> worker(std::size_t w) {
    if (o_.ramp_per_s > 0) co_await wait_until(static_cast<double>(w) / o_.ramp_per_s);
    while (!stop_ && next_ < total_) {
      std::size_t i = next_++;
      co_await one_request(i, elapsed());
    }
  }

  asio::awaitable<void> dispatch() {
    b::arrivals gaps(o_.rate, o_.burstiness, o_.seed);
    double at = 0;
    for (std::size_t i = 0; i < total_ && !stop_; ++i) {
      at += gaps.next_gap();
      co_await wait_until(at);
      if (stop_) break;
      spawn(capped_request(i, at));
    }
  }

  asio::awaitable<void> capped_request(std::size_t i, double scheduled) {
    if (slots_free_ > 0) {
      --slots_free_;
    } else {
      openrouter::detail::wakeable parked(ctx_.ioc.get_executor());
      slot_waiters_.push_back(&parked);
      co_await parked.wait();  // woken by release(): the slot is ours
      if (stop_) {
        std::erase(slot_waiters_, &parked);
        co_return;
      }
    }
    co_await one_request(i, scheduled);
    if (!slot_waiters_.empty()) {
      openrouter::detail::wakeable* w = slot_waiters_.front();
      slot_waiters_.pop_front();
      w->wake();
    } else {
      ++slots_free_;
    }
  }

  asio::awaitable<void> one_request(std::size_t i, double scheduled) {
    wire::chat_request req = o_.prompts[(first_prompt_ + i) % o_.prompts.size()];
    req.model = o_.model;
    if (req.stream_options.is_null()) req.stream_options = json::object{{"include_usage", true}};  // vLLM & co.
    b::request_sample s;
    s.scheduled = scheduled;
    diagnostics diag;
    s.sent = elapsed();
    error_code ec;
    if (o_.endpoint == bench_endpoint::responses) {
      auto [open_ec, stream] = co_await ctx_.cli->async_responses_stream(as_responses(req), diag, as_awaitable);
      ec = open_ec;
      if (!ec) ec = co_await read_stream(stream, s);
    } else if (o_.endpoint == bench_endpoint::messages) {
      auto [open_ec, stream] = co_await ctx_.cli->async_messages_stream(as_messages(req), diag, as_awaitable);
      ec = open_ec;
      if (!ec) ec = co_await read_stream(stream, s);
    } else {
      auto [open_ec, stream] = co_await ctx_.cli->async_chat_stream(std::move(req), diag, as_awaitable);
      ec = open_ec;
      if (!ec) ec = co_await read_stream(stream, s);
    }
    s.ended = elapsed();
    if (ec) s.error = error_class(ec);
    else if (!s.first_token) s.error = "no_content";
    if (s.output_tokens == 0) s.output_tokens = s.content_chunks;  // no usage: one token per chunk
    ++finished;
    if (!s.ok()) ++failed;
    samples.push_back(std::move(s));
  }

  // Pulls a stream to its end, timing its content events; the error that ended it, if any.
  template <class Stream>
  asio::awaitable<error_code> read_stream(Stream& stream, b::request_sample& s) {
    while (true) {
      auto [ec, event] = co_await stream.async_next(as_awaitable);
      if (ec || !event) co_return ec;
      double t = elapsed();
      if (auto u = usage_of(*event)) {
        if (u->first) s.prompt_tokens = u->first;
        if (u->second) s.output_tokens = u->second;
      }
      if (!wire::has_output(*event)) continue;
      ++s.content_chunks;
      if (!s.first_token) s.first_token = t;
      else s.itl.push_back(t - s.last_token);
      s.last_token = t;
    }
  }
};

/// A live line on a TTY (stderr), periodic lines otherwise.
class progress {
 public:
  progress(context& ctx, const level_runner& r, std::string label, std::size_t total)
      : r_(r), label_(std::move(label)), total_(total), tty_(::isatty(STDERR_FILENO) != 0),
        timer_(ctx.ioc) {}
  void start() { tick(); }
  void stop() {
    stopped_ = true;
    timer_.cancel();
    if (tty_) std::cerr << "\r" << line() << "\x1b[K" << std::endl;
  }
  /// No handler pending (it refers to this object).
  bool idle() const { return !pending_; }

 private:
  const level_runner& r_;
  std::string label_;
  std::size_t total_;
  bool tty_, stopped_ = false, pending_ = false;
  asio::steady_timer timer_;

  std::string line() const {
    double t = r_.elapsed();
    char buf[200];
    std::snprintf(buf, sizeof buf, "bench %s: %zu/%zu done, %zu errors, %.1f req/s, %.1fs", label_.c_str(),
                  r_.finished, total_, r_.failed, t > 0 ? static_cast<double>(r_.finished) / t : 0.0, t);
    return buf;
  }
  void tick() {
    timer_.expires_after(tty_ ? std::chrono::milliseconds(250) : std::chrono::seconds(5));
    pending_ = true;
    timer_.async_wait([this](error_code ec) {
      pending_ = false;
      if (ec || stopped_) return;
      if (tty_) std::cerr << "\r" << line() << "\x1b[K" << std::flush;
      else std::cerr << line() << std::endl;
      tick();
    });
  }
};

std::vector<std::size_t> concurrency_list(const po::variables_map& vm) {
  std::vector<std::size_t> out;
  for (const auto& s : list_option(vm, "concurrency")) {
    auto n = numbers::parse_int(s);
    if (!n || *n < 1 || *n > 100000) throw usage_error("--concurrency takes numbers from 1 to 100000, got '" + s + "'");
    out.push_back(static_cast<std::size_t>(*n));
  }
  if (vm.count("concurrency") && out.empty()) throw usage_error("--concurrency takes numbers from 1 to 100000, got none");
  if (out.empty()) out.push_back(1);
  return out;
}

// --header "Name: value": an extra request header for the server under test (e.g. a gateway's
// routing headers). The name is an HTTP token; the headers the client writes itself are refused.
std::pair<std::string, std::string> header_option(const std::string& s) {
  const auto colon = s.find(':');
  std::string name = s.substr(0, colon);
  const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (colon == std::string::npos || !token)
    throw usage_error("--header takes 'Name: value' with a name of letters, digits and -_.!#$%&'*+^`|~ (got '" +
                      name + "')");
  std::string value = s.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  value.erase(0, first == std::string::npos ? value.size() : first);
  if (value.find_first_of("\r\n") != std::string::npos) throw usage_error("--header " + name + ": the value holds a line break");
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view own : {"host", "authorization", "content-length", "content-type", "transfer-encoding", "connection"})
    if (lower == own) throw usage_error("--header " + name + ": bench sets this header itself");
  return {std::move(name), std::move(value)};
}

bench_options parse_options(const po::variables_map& vm) {
  bench_options o;
  if (!vm.count("model")) throw usage_error("bench needs --model");
  o.model = vm["model"].as<std::string>();
  if (const auto e = vm["endpoint"].as<std::string>(); e == "responses") o.endpoint = bench_endpoint::responses;
  else if (e == "messages") o.endpoint = bench_endpoint::messages;
  else if (e != "chat") throw usage_error("--endpoint must be chat, responses or messages, got '" + e + "'");
  o.concurrencies = concurrency_list(vm);
  // Each count is bounded: the samples and prompts of a level are held in memory.
  o.requests = static_cast<std::size_t>(integer_option(vm, "requests", 1, max_requests));
  o.warmup = static_cast<std::size_t>(integer_option(vm, "warmup", 0, max_requests));
  o.seed = unsigned_option(vm, "seed", std::numeric_limits<std::uint64_t>::max());
  if (vm.count("request-rate")) o.rate = real_option(vm, "request-rate", 0, 1e6, true, true);  // inf: all at once
  o.burstiness = real_option(vm, "burstiness", 0.001, 1000);
  if (vm.count("burstiness") && !vm["burstiness"].defaulted() && o.rate == 0)
    throw usage_error("--burstiness needs --request-rate");
  o.ramp_per_s = real_option(vm, "ramp-per-s", 0, 1e6);
  try {
    o.objectives = b::parse_slo(list_option(vm, "goodput"));
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  if (vm.count("output-dir")) o.output_dir = vm["output-dir"].as<std::string>();
  if (vm.count("header"))
    for (const auto& h : vm["header"].as<std::vector<std::string>>()) o.headers.push_back(header_option(h));

  b::synthetic_options syn;
  syn.input_len = integer_option(vm, "input-len", 1, max_len);
  syn.output_len = integer_option(vm, "output-len", 1, max_len);
  syn.range_ratio = real_option(vm, "range-ratio", 0, 1);
  if (syn.range_ratio == 1) throw usage_error("--range-ratio must be below 1 (got '1')");
  syn.seed = o.seed;
  try {
    std::size_t needed = o.requests + o.warmup;
    // The synthetic prompts are held at once: bound their words (about 7 bytes each).
    const double words = static_cast<double>(syn.input_len) * (1 + syn.range_ratio) *
                         static_cast<double>(std::min<std::size_t>(needed, max_prompts));
    if (!vm.count("prompts") && words > max_prompt_words)
      throw usage_error("--input-len " + std::to_string(syn.input_len) + " over " +
                        std::to_string(std::min<std::size_t>(needed, max_prompts)) +
                        " synthetic prompts (--requests + --warmup) would hold more than " +
                        std::to_string(static_cast<long long>(max_prompt_words)) + " words: lower either");
    if (vm.count("prompts")) {
      o.prompts = b::load_prompts(vm["prompts"].as<std::string>());
      if (!vm["output-len"].defaulted())
        for (auto& r : o.prompts) r.max_tokens = syn.output_len;
    } else {
      o.prompts = b::synthetic_requests(std::min<std::size_t>(needed, max_prompts), syn);
    }
  } catch (const std::invalid_argument& e) {
    throw usage_error(e.what());
  }
  return o;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

int run_bench(context& ctx) {
  bench_options o = parse_options(ctx.vm);
  if (o.output_dir) {
    std::error_code fs_ec;
    std::filesystem::create_directories(*o.output_dir, fs_ec);
    if (fs_ec) throw usage_error("cannot create --output-dir " + *o.output_dir + ": " + fs_ec.message());
  }
  std::size_t max_c = *std::max_element(o.concurrencies.begin(), o.concurrencies.end());
  if (max_c > 200) raise_fd_limit();
  // one connection per stream in flight (the client was built before the options were known)
  ctx.cfg.pool.max_connections = std::max(ctx.cfg.pool.max_connections, max_c);
  ctx.cfg.pool.max_per_origin = std::max(ctx.cfg.pool.max_per_origin, max_c);
  ctx.cfg.extra_headers.insert(ctx.cfg.extra_headers.end(), o.headers.begin(), o.headers.end());
  ctx.cli = std::make_unique<client>(ctx.ioc.get_executor(), ctx.cfg);

  b::run_info run;
  run.model = o.model;
  run.base_url = ctx.cfg.base_url;
  run.date = utc_now();
  run.request_rate = o.rate;
  run.burstiness = o.burstiness;
  run.requests = o.requests;
  run.warmup = o.warmup;
  run.seed = o.seed;
  run.objectives = o.objectives;

  bool stop = false;
  level_runner* current = nullptr;
  bool signal_done = false;
  // The first Ctrl-C cancels what is in flight and writes the results; a second one leaves at once.
  asio::signal_set signals(ctx.ioc, SIGINT, SIGTERM);
  std::function<void(error_code, int)> on_signal = [&](error_code ec, int) {
    if (ec) {
      signal_done = true;
      return;
    }
    if (stop) {
      error_line("interrupted twice: leaving without writing results");
      std::_Exit(130);
    }
    stop = true;
    if (current) current->cancel();
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  auto run_level = [&](std::size_t c, std::size_t total, std::size_t first_prompt, const std::string& label) {
    level_runner r(ctx, o, c, total, stop, first_prompt);
    progress p(ctx, r, label, total);
    current = &r;
    r.start();
    p.start();
    ctx.drive([&] { return r.done(); });
    p.stop();
    ctx.drive([&] { return p.idle(); });
    current = nullptr;
    r.rethrow();
    return r;
  };

  std::size_t total_sent = 0;
  for (std::size_t c : o.concurrencies) {
    if (stop) break;
    if (o.warmup > 0) run_level(c, o.warmup, 0, "warm-up c=" + std::to_string(c));
    if (stop) break;
    double cpu0 = cpu_seconds();
    auto r = run_level(c, o.requests, o.warmup, "c=" + std::to_string(c));
    b::level_result l;
    l.concurrency = c;
    l.cpu_s = cpu_seconds() - cpu0;
    l.max_rss_kb = max_rss_kb();
    l.interrupted = stop;
    l.samples = std::move(r.samples);
    l.agg = b::compute(l.samples, r.elapsed(), o.objectives);
    total_sent += l.samples.size();
    b::print_level(std::cout, run, l);
    std::cout << std::flush;
    run.levels.push_back(std::move(l));
  }
  run.interrupted = stop;
  signals.cancel();
  ctx.drive([&] { return signal_done; });

  if (o.output_dir) {
    std::filesystem::path dir(*o.output_dir);
    write_file(dir / "bench.json", json::serialize(b::to_json(run)) + "\n");
    write_file(dir / "bench.html", b::html_report(run));
    std::cout << "results: " << (dir / "bench.json").string() << ", report: " << (dir / "bench.html").string() << '\n';
  }
  if (stop) {
    error_line("interrupted: results cover the requests that ran");
    return 130;
  }
  std::size_t completed = 0;
  for (const auto& l : run.levels) completed += l.agg.completed;
  if (completed == 0) {
    error_line("no request completed (" + std::to_string(total_sent) + " sent)");
    return exit_failure;
  }
  return exit_ok;
}

}  // namespace

extern const command bench_command{
    "bench",
    "--model M [--endpoint chat|responses|messages] [--concurrency 1,8,64] [--request-rate R [--burstiness B]] [--requests N] [--warmup N] "
    "[--prompts FILE | --input-len N --output-len N --range-ratio R] [--goodput ttft:MS tpot:MS e2el:MS] "
    "[--seed S] [--header 'NAME: VALUE']... [--output-dir DIR]",
    "Benchmark throughput and latency (TTFT, ITL, TPOT, E2E)",
    "Streams chat completions to measure a chat endpoint (OpenRouter or any OpenAI-compatible\n"
    "server; --endpoint responses: the Responses API, timed by its output_text deltas and\n"
    "counted by its response.completed usage; --endpoint messages: the Anthropic Messages API,\n"
    "timed by its content_block_delta events), with the metric definitions of vLLM's serving benchmark: TTFT, inter-token latency\n"
    "per chunk, TPOT = (E2E - TTFT) / (output tokens - 1), end-to-end latency, request and output\n"
    "token throughput, goodput against SLOs, and client queue time (scheduled arrival to send).\n"
    "Closed loop: --concurrency N requests in flight (a list sweeps levels). Open loop:\n"
    "--request-rate R arrivals per second, Poisson or gamma with --burstiness, capped by\n"
    "--concurrency. Prompts come from --prompts FILE (JSONL: chat bodies or {\"prompt\": ...}) or\n"
    "are synthetic, lengths drawn like vLLM's random dataset. Errors are counted by class; Ctrl-C\n"
    "stops and still writes the results. --output-dir writes bench.json (aggregates and\n"
    "per-request arrays) and bench.html (latency CDFs, throughput vs concurrency). The client's\n"
    "own CPU per request is reported (getrusage).",
    false,
    [](po::options_description& o, po::options_description&, po::positional_options_description&) {
      o.add_options()
          ("model", po::value<std::string>()->value_name("M"), "model id (required)")
          ("endpoint", po::value<std::string>()->default_value("chat")->value_name("E"),
           "chat (/chat/completions), responses (/responses) or messages (/messages), streamed")
          ("concurrency", po::value<std::vector<std::string>>()->composing()->value_name("N,..."),
           "requests in flight (closed loop) or the cap (open loop); a list sweeps (default 1)")
          ("request-rate", po::value<std::string>()->value_name("R"), "open loop: arrivals per second (inf: all at once)")
          ("burstiness", po::value<std::string>()->default_value("1")->value_name("B"),
           "gamma shape of the arrivals: 1 Poisson, <1 burstier, >1 more regular")
          ("requests", po::value<std::string>()->default_value("100")->value_name("N"), "measured requests per level")
          ("warmup", po::value<std::string>()->default_value("0")->value_name("N"),
           "requests sent before each level, left out of the statistics")
          ("prompts", po::value<std::string>()->value_name("FILE"), "JSONL of chat bodies or {\"prompt\": TEXT}")
          ("input-len", po::value<std::string>()->default_value("128")->value_name("N"), "synthetic prompt words")
          ("output-len", po::value<std::string>()->default_value("128")->value_name("N"),
           "max_tokens of synthetic prompts (with --prompts: overrides theirs when given)")
          ("range-ratio", po::value<std::string>()->default_value("0")->value_name("R"),
           "lengths drawn uniformly in [len*(1-R), len*(1+R)]")
          ("goodput", po::value<std::vector<std::string>>()->multitoken()->composing()->value_name("NAME:MS"),
           "SLOs for goodput: ttft:MS tpot:MS e2el:MS")
          ("seed", po::value<std::string>()->default_value("0")->value_name("S"), "seed of prompts and arrivals")
          ("ramp-per-s", po::value<std::string>()->default_value("0")->value_name("C"),
           "closed loop: start C workers per second (0: all at once)")
          ("output-dir", po::value<std::string>()->value_name("DIR"), "write bench.json and bench.html here")
          ("header", po::value<std::vector<std::string>>()->composing()->value_name("'NAME: VALUE'"),
           "send this header on every request (repeatable; e.g. a gateway's routing headers)");
    },
    run_bench};

}  // namespace openrouter::cli
