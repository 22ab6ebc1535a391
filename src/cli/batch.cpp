// `openrouter batch`: a JSONL file of requests (chat, Responses API or embeddings bodies, per
// --endpoint) through the router with bounded
// concurrency, one output line per input id written whole as it completes, resumable after a
// crash, shardable, with progress, a summary, and a clean stop on Ctrl-C.
#include "batch/endpoints.hpp"
#include "batch/files.hpp"
#include "batch/jsonl.hpp"
#include "batch/summary.hpp"
#include "common/route.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "fleet.hpp"

#include <openrouter/router.hpp>
#include <openrouter/routing/classify.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value_from.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <list>
#include <variant>

namespace openrouter::cli {

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string input, output;
  std::size_t concurrency = 16;
  bool stream = false;
  batch::endpoint endpoint = batch::endpoint::chat;
  batch::shard shard;
  std::optional<std::string> default_model;  // for lines without "model" when not routed by candidates
  bool routed_by_candidates = false;          // the policy names the models (they override the lines')
  std::vector<std::string> candidates;        // then: those models
  std::string candidates_from;                // "--fallback", "--policy", ...: for the override warning
  bool records = false;                       // --records: each line carries its route
  std::chrono::milliseconds drain{10000};
  bool progress = true;
  std::size_t max_line_bytes = batch::default_max_line_bytes;
  std::shared_ptr<routing::shared_state> fleet;  // --redis: limits shared with the fleet (fleet.hpp)
};

std::string error_class_of(error_code ec, const diagnostics& diag, const request_record* rec) {
  if (ec == errc::budget_exhausted) return "budget";
  if (rec && rec->cls != routing::error_class::none) return std::string(routing::to_string(rec->cls));
  return std::string(routing::to_string(routing::classify(ec, diag).cls));
}

std::string code_of(error_code ec) {
  if (ec.category() == openrouter::category()) return std::string(name(static_cast<errc>(ec.value())));
  return ec.message();
}

class runner {
 public:
  runner(context& ctx, options opts, routing::policy p, const std::unordered_set<std::string>& done,
         const std::unordered_set<std::string>& explicit_ids, batch::output_file& out, std::uint64_t total)
      : ctx_(ctx),
        opts_(std::move(opts)),
        router_(*ctx.cli, std::move(p)),
        planner_(opts_.shard, &done, &explicit_ids),
        out_(out),
        total_(total),
        tty_(::isatty(STDERR_FILENO) == 1),
        progress_timer_(ctx.ioc),
        drain_timer_(ctx.ioc),
        signals_(ctx.ioc, SIGINT, SIGTERM) {
    router_.share(opts_.fleet);  // --redis
  }

  /// Runs to the end of the input, or until a signal stops it; returns the exit code.
  int run() {
    in_.open(opts_.input, std::ios::binary);  // read-only: the input is never written
    if (!in_) throw usage_error("cannot read the input file " + opts_.input);
    reader_.emplace(in_, opts_.max_line_bytes);
    started_ = clock_type::now();
    wait_signal();
    if (opts_.progress) tick();
    pump();
    ctx_.drive([this] { return finished_; });
    if (!finished_) error_line("internal error: the batch stopped with work pending");
    if (opts_.fleet) {  // --redis: the last settlements reach the fleet before the process ends
      bool flushed = false;
      opts_.fleet->flush([&flushed] { flushed = true; });
      ctx_.drive([&flushed] { return flushed; });
    }
    ctx_.ioc.poll();  // the cancelled timers' and signal wait's handlers, while this runner lives
    if (opts_.progress && tty_) std::cerr << "\r\033[K";
    std::cerr << st_.report(total_, seconds_since_start()) << std::flush;
    if (write_failed_) {
      error_line(std::to_string(not_written_) + " finished ids could not be written to " + opts_.output +
                 " (named above); the summary counts the lines on disk. Rerun with the same --output once it can "
                 "be written: it does the ids that are missing");
      return exit_failure;
    }
    if (fatal_) return exit_failure;
    if (stop_signal_ && st_.done() < total_) {
      error_line("interrupted: " + std::to_string(total_ - st_.done()) +
                 " ids left for a rerun with the same --output");
      return 128 + stop_signal_;
    }
    return st_.errors() ? exit_failure : exit_ok;
  }

 private:
  struct job {
    std::string id;
    std::size_t line = 0;
    diagnostics diag;
    asio::cancellation_signal cancel;
    clock_type::time_point start;
    std::variant<std::monostate, routed_stream, routed_responses_stream, routed_messages_stream> stream;
    request_record record;  // filled by the router before it completes
    bool cancelled = false;
  };
  using job_it = std::list<job>::iterator;

  double seconds_since_start() const {
    return std::chrono::duration<double>(clock_type::now() - started_).count();
  }

  // --- admission -------------------------------------------------------------------------------

  void pump() {
    while (!stopping_ && !eof_ && jobs_.size() < opts_.concurrency) {
      auto l = reader_->next();
      if (!l) {
        eof_ = true;
        if (reader_->failed()) {
          error_line("reading " + opts_.input + " failed");
          fatal_ = true;
        }
        break;
      }
      ++line_no_;
      batch::input_item item = l->too_long ? planner_.too_long(line_no_, l->length, opts_.max_line_bytes)
                                           : planner_.next(l->text, line_no_);
      switch (item.what) {
        case batch::input_item::kind::request: start(std::move(item)); break;
        case batch::input_item::kind::invalid:
          record_error(item.id, item.line, item.error_class, 0, "", item.error, std::nullopt, 0);
          break;
        default: break;  // blank, done, another shard's
      }
    }
    maybe_finish();
  }

  void start(batch::input_item item) {
    switch (opts_.endpoint) {
      case batch::endpoint::chat: return start_as<wire::chat_request>(std::move(item));
      case batch::endpoint::responses: return start_as<wire::responses_request>(std::move(item));
      case batch::endpoint::messages: return start_as<wire::messages_request>(std::move(item));
      case batch::endpoint::embeddings: return start_as<wire::embeddings_request>(std::move(item));
      case batch::endpoint::rerank: return start_as<wire::rerank_request>(std::move(item));
    }
  }

  template <class Request>
  void start_as(batch::input_item item) {
    Request req;
    std::string bad = batch::decode(std::move(item.body), item.line, req);
    const std::string model = batch::model_of(req);
    if (opts_.routed_by_candidates && !model.empty() && model != opts_.candidates.front() &&
        !std::exchange(warned_override_, true)) {
      std::string list;
      for (const auto& m : opts_.candidates) list += (list.empty() ? "" : ", ") + m;
      error_line("warning: the candidates of " + opts_.candidates_from + " (" + list +
                 ") replace the \"model\" of input lines (line " + std::to_string(item.line) + " asks for " + model +
                 "); without --fallback/--policy each line's own model is used");
    }
    if (!opts_.routed_by_candidates && model.empty()) {
      if (opts_.default_model) req.model = *opts_.default_model;
      else if (bad.empty()) bad = "line " + std::to_string(item.line) + ": no \"model\" (give one, or --model)";
    }
    if (!bad.empty()) {
      record_error(item.id, item.line, "invalid_input", 0, "", bad, std::nullopt, 0);
      return;
    }
    jobs_.emplace_back();
    job_it j = std::prev(jobs_.end());
    j->id = std::move(item.id);
    j->line = item.line;
    j->start = clock_type::now();
    send(j, std::move(req));
  }

  // One routed request per endpoint; a stream is pulled to its end (pull), then finished.
  template <class Response>
  auto finisher(job_it j) {
    return asio::bind_cancellation_slot(j->cancel.slot(),
                                        [this, j](error_code ec, Response r) { finish_job(j, ec, std::move(r)); });
  }
  template <class Stream>
  auto opener(job_it j) {
    return asio::bind_cancellation_slot(j->cancel.slot(),
                                        [this, j](error_code ec, Stream s) { on_stream_open(j, ec, std::move(s)); });
  }
  void send(job_it j, wire::chat_request req) {
    if (opts_.stream) router_.async_chat_stream(std::move(req), j->diag, j->record, opener<routed_stream>(j));
    else router_.async_chat(std::move(req), j->diag, j->record, finisher<wire::chat_response>(j));
  }
  void send(job_it j, wire::responses_request req) {
    if (opts_.stream)
      router_.async_responses_stream(std::move(req), j->diag, j->record, opener<routed_responses_stream>(j));
    else router_.async_responses(std::move(req), j->diag, j->record, finisher<wire::responses_response>(j));
  }
  void send(job_it j, wire::messages_request req) {
    if (opts_.stream)
      router_.async_messages_stream(std::move(req), j->diag, j->record, opener<routed_messages_stream>(j));
    else router_.async_messages(std::move(req), j->diag, j->record, finisher<wire::messages_response>(j));
  }
  void send(job_it j, wire::embeddings_request req) {
    router_.async_embeddings(std::move(req), j->diag, j->record, finisher<wire::embeddings_response>(j));
  }
  void send(job_it j, wire::rerank_request req) {
    router_.async_rerank(std::move(req), j->diag, j->record, finisher<wire::rerank_response>(j));
  }

  // --- completion ------------------------------------------------------------------------------

  template <class Stream>
  void on_stream_open(job_it j, error_code ec, Stream s) {
    if (ec) {
      finish_job(j, ec, typename Stream::result_type{});
      return;
    }
    j->stream.template emplace<Stream>(std::move(s));
    pull<Stream>(j);
  }

  template <class Stream>
  void pull(job_it j) {
    std::get<Stream>(j->stream).async_next(asio::bind_cancellation_slot(
        j->cancel.slot(), [this, j](error_code ec, std::optional<typename Stream::event_type> event) {
          if (!ec && event) return pull<Stream>(j);
          const auto& s = std::get<Stream>(j->stream);
          auto r = s.result();
          if (r.id.empty()) r.id = s.generation_id();
          finish_job(j, ec, std::move(r));
        }));
  }

  // A stream that ended without its usage: billed perhaps, for an amount nobody reported.
  static bool stream_cost_unknown(const job& j) {
    return std::visit(
        [](const auto& s) {
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, std::monostate>) return false;
          else return s.cost_unknown();
        },
        j.stream);
  }

  template <class Response>
  void finish_job(job_it j, error_code ec, Response res) {
    const double latency_ms = std::chrono::duration<double, std::milli>(clock_type::now() - j->start).count();
    // Every route ends with a reason ("success", "cancelled", ...): an empty one was never routed.
    const request_record* rec = j->record.reason.empty() ? nullptr : &j->record;
    const unsigned attempts = rec ? static_cast<unsigned>(rec->attempts.size()) : 1;
    // Attempts whose cost nobody reported: cancelled ones, and a stream that ended without usage.
    const unsigned cost_unknown =
        (rec ? static_cast<unsigned>(rec->cost_unknown) : 0u) + (stream_cost_unknown(*j) ? 1u : 0u);
    if (ec && j->cancelled) {
      // Cancelled by a stop: no line, so a rerun does it.
      jobs_.erase(j);
      return pump();
    }
    if (ec) {
      json::object extra;
      extra["latency_ms"] = std::llround(latency_ms);
      extra["attempts"] = attempts;
      if (rec && !rec->requested_model.empty()) extra["requested_model"] = rec->requested_model;
      if (rec && opts_.records) extra["route"] = route::to_json(*rec);
      std::string partial = batch::partial_output(res);
      if (!partial.empty()) extra["partial_content"] = partial;
      std::string model;  // for the summary: the model of the last attempt, else the first candidate
      if (rec) model = rec->attempts.empty() ? rec->requested_model : rec->attempts.back().model;
      record_error(j->id, j->line, error_class_of(ec, j->diag, rec), j->diag.http_status, code_of(ec),
                   redact(j->diag.summary(ec)), latency_ms, attempts, std::move(extra), model, cost_unknown);
    } else {
      auto [f, o] = batch::summarize(res);
      if (rec && !rec->requested_model.empty()) f["requested_model"] = rec->requested_model;
      o.latency_ms = latency_ms;
      o.attempts = attempts;
      o.cost_unknown = cost_unknown;
      if (rec && rec->spent > o.cost) o.cost = rec->spent;  // failed attempts that were billed too
      f["latency_ms"] = std::llround(latency_ms);
      f["attempts"] = attempts;
      if (rec && rec->fallback) f["fallback"] = true;
      if (rec && rec->fleet_fallback) f["fleet_fallback"] = true;  // --redis: served on the local fallback's limits
      if (rec && opts_.records) f["route"] = route::to_json(*rec);
      if (write(batch::result_line_json(j->id, j->line, std::move(f)), j->id, "result", o.cost)) after_outcome(o);
    }
    jobs_.erase(j);
    pump();
  }

  void record_error(const std::string& id, std::size_t line, const std::string& cls, unsigned status,
                    const std::string& code, const std::string& message, std::optional<double> latency_ms,
                    unsigned attempts, json::object extra = {}, std::string model = {}, unsigned cost_unknown = 0) {
    if (!write(batch::error_line_json(id, line, cls, status, code, message, std::move(extra)), id,
               "error line (" + cls + ")", 0))
      return;
    batch::outcome o;
    o.cost_unknown = cost_unknown;
    o.model = std::move(model);
    o.error_class = cls;
    o.latency_ms = latency_ms;
    o.attempts = attempts;
    after_outcome(o);
  }

  /// Appends one line; true when it is on disk. A failure stops admission (the requests in
  /// flight finish, and their lines are still tried: the failure may pass) and names the id
  /// whose line is lost, so that nothing paid for vanishes silently.
  bool write(const std::string& line, const std::string& id, const std::string& what, double cost) {
    int err = 0;
    if (out_.append(line, err)) return true;
    if (!write_failed_) {
      write_failed_ = true;
      if (opts_.progress && tty_) std::cerr << "\r\033[K";
      error_line("cannot write to " + opts_.output + ": " + std::strerror(err) +
                 "; no new lines are started, the requests in flight finish and their lines are tried");
      stopping_ = true;  // admission only: nothing in flight is cancelled
    }
    ++not_written_;
    error_line("not written: the " + what + " of id \"" + id + "\"" +
               (cost > 0 ? " (it cost $" + decimal(cost) + ")" : std::string()) + ": " + std::strerror(err));
    return false;
  }

  void after_outcome(const batch::outcome& o) {
    st_.add(o);
    if (!opts_.progress || tty_ || total_ == 0) return;
    // Not a TTY: a line at every tenth of the work too.
    auto tenth = [this](std::uint64_t n) { return n * 10 / total_; };
    if (tenth(st_.done()) != tenth(st_.done() - 1)) progress_line();
  }

  void maybe_finish() {
    if (finished_ || !jobs_.empty() || !(eof_ || stopping_)) return;
    finished_ = true;
    progress_timer_.cancel();
    drain_timer_.cancel();
    error_code ignored;
    signals_.cancel(ignored);
  }

  // --- progress --------------------------------------------------------------------------------

  void progress_line() {
    std::string line = st_.progress(total_, seconds_since_start());
    if (tty_) std::cerr << "\r\033[K" << line << std::flush;
    else std::cerr << "openrouter batch: " << line << std::endl;
  }

  void tick() {
    progress_timer_.expires_after(tty_ ? std::chrono::seconds(1) : std::chrono::seconds(5));
    progress_timer_.async_wait([this](error_code ec) {
      if (ec || finished_) return;
      progress_line();
      tick();
    });
  }

  // --- stopping --------------------------------------------------------------------------------

  void wait_signal() {
    signals_.async_wait([this](error_code ec, int sig) {
      if (ec || finished_) return;
      if (stopping_) {
        if (opts_.progress && tty_) std::cerr << '\n';
        error_line("cancelling " + std::to_string(jobs_.size()) + " requests in flight");
        cancel_all();
      } else {
        stop(sig);
      }
      wait_signal();
    });
  }

  // Stops admitting work; in-flight requests get opts_.drain to finish, then are cancelled.
  void stop(int sig) {
    if (stopping_) return;
    stopping_ = true;
    stop_signal_ = sig;
    if (sig) {
      if (opts_.progress && tty_) std::cerr << '\n';
      error_line("stopping: waiting up to " + decimal(std::chrono::duration<double>(opts_.drain).count()) + "s for " +
                 std::to_string(jobs_.size()) + " requests in flight (again to cancel them now)");
    }
    drain_timer_.expires_after(opts_.drain);
    drain_timer_.async_wait([this](error_code ec) {
      if (!ec) cancel_all();
    });
    maybe_finish();
  }

  // Cancellation completes operations asynchronously (never inside emit), so the list is stable.
  void cancel_all() {
    for (auto& j : jobs_) {
      if (j.cancelled) continue;
      j.cancelled = true;
      j.cancel.emit(asio::cancellation_type::terminal);
    }
  }

  context& ctx_;
  options opts_;
  router router_;
  batch::input_planner planner_;
  batch::output_file& out_;
  std::uint64_t total_;
  bool tty_;
  asio::steady_timer progress_timer_, drain_timer_;
  asio::signal_set signals_;

  std::ifstream in_;
  std::optional<batch::line_reader> reader_;
  std::size_t line_no_ = 0;
  bool eof_ = false, stopping_ = false, finished_ = false, fatal_ = false, write_failed_ = false;
  bool warned_override_ = false;
  std::uint64_t not_written_ = 0;
  int stop_signal_ = 0;
  std::list<job> jobs_;
  batch::stats st_;
  clock_type::time_point started_;
};

/// What the first passes over the input learn: every explicit id (so that generated ids avoid
/// them) and how many lines this run has to do (the progress total).
struct input_survey {
  std::unordered_set<std::string> explicit_ids;
  std::uint64_t pending = 0;
};

input_survey survey_input(const options& o, const std::unordered_set<std::string>& done) {
  input_survey s;
  auto open = [&] {
    std::ifstream in(o.input, std::ios::binary);
    if (!in) throw usage_error("cannot read the input file " + o.input);
    return in;
  };
  {
    std::ifstream in = open();
    batch::line_reader r(in, o.max_line_bytes);
    while (auto l = r.next())
      if (!l->too_long)
        if (auto id = batch::explicit_id(l->text)) s.explicit_ids.insert(std::move(*id));
  }
  std::ifstream in = open();
  batch::line_reader r(in, o.max_line_bytes);
  batch::input_planner planner(o.shard, &done, &s.explicit_ids);
  std::size_t line = 0, notes = 0;
  while (auto l = r.next()) {
    ++line;
    auto item = l->too_long ? planner.too_long(line, l->length, o.max_line_bytes) : planner.next(l->text, line);
    if (item.what == batch::input_item::kind::request || item.what == batch::input_item::kind::invalid) ++s.pending;
    if (!item.note.empty() && ++notes <= 10) error_line(item.note);
  }
  if (notes > 10) error_line(std::to_string(notes - 10) + " more lines got generated ids like that");
  return s;
}

int run_batch(context& ctx) {
  const auto& vm = ctx.vm;
  options o;
  if (!vm.count("input") || !vm.count("output")) throw usage_error("batch needs --input FILE and --output FILE");
  o.input = vm["input"].as<std::string>();
  o.output = vm["output"].as<std::string>();
  if (!std::ifstream(o.input)) throw usage_error("cannot read the input file " + o.input);
  o.concurrency = static_cast<std::size_t>(integer_option(vm, "concurrency", 1, 100000));
  o.max_line_bytes = static_cast<std::size_t>(integer_option(vm, "max-line-bytes", 1, 1 << 30));
  o.stream = vm["stream"].as<bool>();
  if (vm.count("endpoint")) {
    auto e = batch::parse_endpoint(vm["endpoint"].as<std::string>());
    if (!e) throw usage_error("--endpoint must be chat, responses, messages, embeddings or rerank");
    o.endpoint = *e;
  }
  if (o.stream && !batch::streams(o.endpoint))
    throw usage_error("--stream does not apply to --endpoint " + std::string(batch::name(o.endpoint)));
  o.progress = !vm["no-progress"].as<bool>();
  o.drain = seconds_option(vm, "drain-timeout", true);
  if (vm.count("shard")) {
    auto s = batch::shard::parse(vm["shard"].as<std::string>());
    if (!s) throw usage_error("--shard must be K/N with 1 <= K <= N (e.g. 2/8)");
    o.shard = *s;
  }

  std::optional<routing::policy> routed = routing_policy(vm);
  routing::policy p = routed ? std::move(*routed) : routing::policy{};
  o.routed_by_candidates = !p.models.empty();
  o.candidates = p.models;
  o.candidates_from = list_option(vm, "fallback").empty() ? "--policy" : "--model/--fallback";
  o.records = vm["records"].as<bool>();
  if (!o.routed_by_candidates && vm.count("model")) o.default_model = vm["model"].as<std::string>();
  if (vm.count("max-cost")) p.max_cost_usd = real_option(vm, "max-cost", 0, 1e9, true);
  if (vm.count("rpm")) p.limits.requests_per_minute = real_option(vm, "rpm", 0, 1e9, true);

  // The input is only ever read; the output must not be the input under another name.
  const auto input_id = batch::identity_of(o.input);
  if (!input_id) throw usage_error("cannot read the input file " + o.input);
  std::unique_ptr<batch::output_file> out;
  batch::output_scan scan;
  try {
    out = std::make_unique<batch::output_file>(o.output, *input_id);  // locked before it is read
    // --retry-errors: the file without its error lines, replaced atomically, so their ids are done again.
    if (vm["retry-errors"].as<bool>()) out->replace_keeping(batch::lines_to_keep(*out->read()));
    // Resume: the ids already in the output; a partial last line (a crash mid-write) is dropped.
    scan = batch::scan_output(*out->read());
    out->truncate_to(scan.keep_bytes);
  } catch (const batch::file_error& e) {
    if (e.usage) throw usage_error(e.what());
    error_line(e.what());
    return exit_failure;
  } catch (const std::ios_base::failure& e) {
    error_line("reading " + o.output + " failed: " + e.what());
    return exit_failure;
  }
  if (scan.unreadable)
    error_line(o.output + ": " + std::to_string(scan.unreadable) + " lines without an \"id\" are ignored");
  const input_survey survey = survey_input(o, scan.ids);
  const std::uint64_t total = survey.pending;
  if (o.progress && !scan.ids.empty())
    std::cerr << "openrouter batch: resuming: " << scan.ids.size() << " ids already in " << o.output
              << (scan.dropped_partial ? " (a partial last line was dropped)" : "") << ", " << total << " to do\n";

  // Fan-out: a connection per request in flight, never a wait for one, and descriptors for them.
  // Beyond the hard limit, connections would fail for want of descriptors: run fewer at once.
  if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
                   rl.rlim_cur < o.concurrency + 64) {
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? o.concurrency + 64 : std::min<rlim_t>(rl.rlim_max, o.concurrency + 64);
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < o.concurrency + 64) {
      const std::size_t fit = rl.rlim_cur > 65 ? static_cast<std::size_t>(rl.rlim_cur) - 64 : 1;
      error_line("--concurrency " + std::to_string(o.concurrency) + " needs " + std::to_string(o.concurrency + 64) +
                 " file descriptors, the limit is " + std::to_string(rl.rlim_cur) + ": running " +
                 std::to_string(fit) + " at once");
      o.concurrency = fit;
    }
  }
  ctx.cfg.pool.max_connections = std::max(ctx.cfg.pool.max_connections, o.concurrency);
  ctx.cfg.pool.max_per_origin = std::max(ctx.cfg.pool.max_per_origin, o.concurrency);
  ctx.cli = std::make_unique<client>(ctx.ioc.get_executor(), ctx.cfg);
  o.fleet = fleet_state(ctx, p, "batch");  // --redis, --fleet-size, --fleet-id

  const std::size_t earlier_errors = scan.error_lines;
  const std::string output = o.output;
  runner r(ctx, std::move(o), std::move(p), scan.ids, survey.explicit_ids, *out, total);
  int code = r.run();
  if (code == exit_ok && earlier_errors > 0) {  // this run failed nothing; earlier runs did
    error_line(std::string(total == 0 ? "nothing to do; " : "") + std::to_string(earlier_errors) + " earlier error line" +
               (earlier_errors == 1 ? "" : "s") + " remain" + (earlier_errors == 1 ? "s" : "") + " in " + output +
               ", rerun with --retry-errors to send those ids again (exit status 3)");
    code = exit_earlier_errors;
  }
  return code;
}

}  // namespace

const command batch_command{
    "batch",
    "--input FILE --output FILE [--endpoint chat|responses|messages|embeddings|rerank] [--concurrency N] [--model M] [--fallback M2,M3] [--policy FILE] [--stream] "
    "[--max-cost USD] [--rpm N] [--shard K/N] [--redis URL [--fleet-size N] [--fleet-id NAME]] [--drain-timeout SECONDS] [--retry-errors] [--records] [--no-progress]",
    "Run a JSONL file of chat, Responses, Messages, embeddings or rerank requests, resumably",
    "Sends every line of --input (a request body of --endpoint as JSON: /chat/completions by\n"
    "default, /responses, /messages, /embeddings or /rerank; with an optional string \"id\"; without one the 1-based\n"
    "line number is the id; blank lines are skipped) through the router, --concurrency at a time,\n"
    "and appends one JSON line per id to --output as each completes: {\"id\", \"line\", \"model\",\n"
    "\"provider\", \"content\", \"tool_calls\", \"usage\", \"cost\", \"generation_id\", \"latency_ms\",\n"
    "\"attempts\"} (responses: \"content\" is the output text, with \"function_calls\" and \"status\";\n"
    "messages: the text blocks as \"content\", with \"tool_uses\" and \"stop_reason\"; embeddings:\n"
    "\"embeddings\", one array of numbers per input, in input order; rerank: \"results\") or {\"id\",\n"
    "\"line\", \"error\": {\"class\", \"code\", \"status\", \"message\"}}. Malformed lines and repeated ids get an error line (a repeated id's\n"
    "under its line number); they never stop the run.\n"
    "Rerunning with the same --output skips the ids it holds (a line cut by a crash is redone), so\n"
    "a killed run is resumed by running it again; --retry-errors first drops the error lines, so\n"
    "those ids are sent again. --shard K/N does the ids whose hash falls in shard K of N (the same\n"
    "split on every machine). --model is the model of lines without one;\n"
    "with --fallback (or a --policy naming models) the candidates apply to every line. Once\n"
    "--max-cost USD is spent, the remaining ids get \"budget\" error lines.\n"
    "Ctrl-C (or SIGTERM) stops admitting work and waits up to --drain-timeout for requests in\n"
    "flight, then cancels them (a second Ctrl-C cancels at once); cancelled ids are not written.\n"
    "Progress goes to stderr (a live line on a terminal, else a line every 5 s and every 10%),\n"
    "then a summary by model with error classes and latency percentiles.\n"
    "--records adds each line's \"route\": every attempt with its status, class, the step taken\n"
    "after it (\"then\": retry, fall_back, give_up, superseded) and the waits that followed it\n"
    "(backoff, retry_after, cool_down, rate_limit, concurrency, with \"ms\").\n"
    "A --policy file's keys: `openrouter policy --example` prints them all, commented.\n"
    "Exit status: 0 when every id has a result; 1 when this run wrote error lines (or could not\n"
    "write); 3 when this run failed nothing but the output still holds error lines of earlier runs\n"
    "(\"nothing to do; N earlier error lines remain\": rerun with --retry-errors); 2 for usage\n"
    "errors; 128+signal when interrupted.",
    true,
    [](po::options_description& o, po::options_description&, po::positional_options_description&) {
      o.add_options()
          ("input", po::value<std::string>()->value_name("FILE"), "JSONL of request bodies (required)")
          ("endpoint", po::value<std::string>()->default_value("chat")->value_name("E"),
           "what the lines are: chat, responses (the Responses API), messages (Anthropic Messages), embeddings or rerank")
          ("output", po::value<std::string>()->value_name("FILE"), "JSONL of results, appended to (required)")
          ("concurrency", po::value<std::string>()->default_value("16")->value_name("N"), "requests in flight (1 to 100000)")
          ("model", po::value<std::string>()->value_name("M"), "model of lines without one; first candidate with --fallback")
          ("fallback", po::value<std::vector<std::string>>()->composing()->value_name("M2,M3"),
           "models to fall back to, in order, after --model")
          ("policy", po::value<std::string>()->value_name("FILE"), "routing policy file (JSON; every key: `openrouter policy --example`)")
          ("records", po::bool_switch(), "add each line's \"route\": attempts, the step after each, waits")
          ("stream", po::bool_switch(), "stream each reply (server-sent events; chat, responses, messages)")
          ("max-cost", po::value<std::string>()->value_name("USD"), "stop spending after USD (usage.cost)")
          ("rpm", po::value<std::string>()->value_name("N"), "at most N attempts started per minute")
          ("shard", po::value<std::string>()->value_name("K/N"), "do shard K of N (1 <= K <= N)")
          ("drain-timeout", po::value<std::string>()->default_value("10")->value_name("SECONDS"),
           "on Ctrl-C, how long requests in flight may finish before they are cancelled")
          ("retry-errors", po::bool_switch(), "first drop the output's error lines, so those ids are done again")
          ("no-progress", po::bool_switch(), "no progress lines (the summary is still printed)")
          ("max-line-bytes", po::value<std::string>()->default_value(std::to_string(batch::default_max_line_bytes))->value_name("N"),
           "input lines longer than N bytes get an invalid_input error line (they are never held whole)");
      add_fleet_options(o);  // --redis, --fleet-size, --fleet-id (fleet.hpp)
    },
    run_batch};

}  // namespace openrouter::cli
