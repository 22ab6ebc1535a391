// routing::shared_state on Redis (see include/openrouter/fleet.hpp).

#include <openrouter/error.hpp>
#include <openrouter/fleet.hpp>

#include "redis_connection.hpp"
#include "resp.hpp"
#include "scripts.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <openssl/sha.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <unordered_map>
#include <vector>

namespace openrouter {
namespace asio = boost::asio;
using boost::system::error_code;
using routing::admission;
using routing::settlement;

std::string fleet_namespace(std::string_view api_key, std::string_view fleet_id) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(api_key.data()), api_key.size(), md);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 12; ++i) {  // 96 bits: apart, and no way back to the key
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  if (!fleet_id.empty()) {
    out.push_back(':');
    out.append(fleet_id);
  }
  return out;
}

namespace {

double to_double(const fleet::reply& r) {
  if (r.k == fleet::reply::kind::integer) return static_cast<double>(r.integer);
  try {
    return std::stod(r.str);
  } catch (...) {
    return 0;
  }
}

routing::local_fallback::options fallback_options(const routing::policy& p, const fleet_options& o) {
  routing::local_fallback::options f;
  f.requests_per_minute = p.limits.requests_per_minute;
  f.model_requests_per_minute = o.model_requests_per_minute;
  f.max_in_flight = p.limits.max_in_flight;
  f.max_in_flight_per_model = p.limits.max_in_flight_per_model;
  f.max_cost_usd = p.max_cost_usd;
  f.fleet_size = o.fleet_size;
  f.poll = o.poll;
  return f;
}

class redis_state final : public routing::shared_state, public std::enable_shared_from_this<redis_state> {
 public:
  redis_state(asio::any_io_executor ex, const routing::policy& p, fleet_options o, fleet::endpoint ep)
      : ex_(asio::make_strand(ex)),
        o_(std::move(o)),
        limits_(p.limits),
        budget_(p.max_cost_usd),
        fallback_(fallback_options(p, o_)),
        conn_(fleet::connection::create(ex_, std::move(ep))),
        renew_timer_(ex_),
        reconnect_timer_(ex_) {
    prefix_ = "openrouter:{" + o_.key_namespace + "}:";
    // The admit script's arguments after the lease id: the same for every attempt.
    const double burst = limits_.burst > 0 ? limits_.burst : std::max(1.0, limits_.requests_per_minute / 60.0);
    admit_args_.add(static_cast<long long>(o_.lease_ttl.count()))
        .add(limits_.requests_per_minute)
        .add(burst)
        .add(o_.model_requests_per_minute)
        .add(std::max(1.0, o_.model_requests_per_minute / 60.0))
        .add(static_cast<long long>(limits_.max_in_flight))
        .add(static_cast<long long>(limits_.max_in_flight_per_model))
        .add(budget_)
        .add(o_.reserve_usd)
        .add(static_cast<long long>(std::max<long long>(1, o_.poll.count())));
    std::random_device rd;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    instance_ = buf;
  }

  void start() {
    asio::post(ex_, [self = shared_from_this()] { self->connect_first(); });
  }

  ~redis_state() override {
    renew_timer_.cancel();
    reconnect_timer_.cancel();
  }

  void admit(const std::string& model, std::function<void(admission)> h) override {
    asio::post(ex_, [self = shared_from_this(), model, h = std::move(h)]() mutable {
      self->do_admit(model, std::move(h));
    });
  }

  void end(std::uint64_t ticket, settlement s, double cost) override {
    asio::post(ex_, [self = shared_from_this(), ticket, s, cost] { self->do_end(ticket, s, cost); });
  }

  void cool_down(const std::string& model, std::chrono::milliseconds d) override {
    if (d.count() <= 0) return;
    asio::post(ex_, [self = shared_from_this(), model, d] {
      if (self->mode_ != mode::shared) return;  // the local health has it already
      fleet::resp_args tail;
      tail.add(1LL).add(self->key("cool:" + model)).add(static_cast<long long>(d.count()));
      self->eval(fleet::cool_script(), std::move(tail), [w = self->weak_from_this()](error_code ec, fleet::reply r) {
        auto self = w.lock();
        if (!self) return;
        if (ec || r.k == fleet::reply::kind::error) self->degrade(ec, r);
      });
    });
  }

  routing::shared_stats stats() const override {
    std::lock_guard lock(stats_m_);
    return stats_;
  }

 private:
  enum class mode : std::uint8_t { connecting, shared, local };

  std::string key(std::string_view suffix) const {
    std::string k = prefix_;
    k.append(suffix);
    return k;
  }

  template <class F>
  void count(F&& f) {
    std::lock_guard lock(stats_m_);
    f(stats_);
  }

  // EVALSHA, and EVAL when the server does not know the script yet (or any more). `tail`: the
  // number of keys, the keys, the arguments. Counted in pending_ until answered (or failed), for
  // flush().
  void eval(const fleet::script& s, fleet::resp_args tail, fleet::connection::done_fn done) {
    ++pending_;
    std::string cmd = fleet::resp_command("EVALSHA", s.sha1, tail);  // before `tail` moves into the handler
    conn_->command(cmd, o_.call_deadline,
                   [w = weak_from_this(), tail = std::move(tail), body = s.body, done = std::move(done)](
                       error_code ec, fleet::reply r) mutable {
                     auto self = w.lock();
                     if (!self) return;  // the state is gone: nobody waits for this reply
                     if (!ec && r.k == fleet::reply::kind::error && r.str.rfind("NOSCRIPT", 0) == 0) {
                       return self->conn_->command(fleet::resp_command("EVAL", body, tail), self->o_.call_deadline,
                                                   [w, done = std::move(done)](error_code e2, fleet::reply r2) mutable {
                                                     auto again = w.lock();
                                                     if (!again) return;
                                                     done(e2, std::move(r2));
                                                     again->answered();
                                                   });
                     }
                     done(ec, std::move(r));
                     self->answered();
                   });
  }
  // A model's keys for the admit and end scripts (with their count first), written once.
  struct model_keys {
    fleet::resp_args admit, end;
  };
  const model_keys& keys_of(const std::string& model) {
    auto it = model_keys_.find(model);
    if (it != model_keys_.end()) return it->second;
    if (model_keys_.size() >= 4096) model_keys_.clear();  // bounded, whatever models callers name
    model_keys k;
    k.admit.add(8LL).add(key("leases")).add(key("leases:" + model)).add(key("rpm")).add(key("rpm:" + model));
    k.admit.add(key("cool:" + model)).add(key("spend")).add(key("reserved")).add(key("cost_stats"));
    k.end.add(5LL).add(key("leases")).add(key("leases:" + model)).add(key("spend")).add(key("reserved"));
    k.end.add(key("cost_stats"));
    return model_keys_.emplace(model, std::move(k)).first->second;
  }

  void answered() {
    if (--pending_ > 0) return;
    auto waiting = std::move(flushed_);
    flushed_.clear();
    for (auto& f : waiting) f();
  }

 public:
  void flush(std::function<void()> done) override {
    // Posted: after the end() and cool_down() calls made before it (one strand, in order).
    asio::post(ex_, [self = shared_from_this(), done = std::move(done)]() mutable {
      if (self->pending_ == 0) return done();
      self->flushed_.push_back(std::move(done));
    });
  }

 private:
  void connect_first() {
    conn_->connect(o_.connect_deadline, [w = weak_from_this()](error_code ec, std::string why) {
      auto self = w.lock();
      if (!self) return;
      if (ec) return self->degrade_because(why);
      self->mode_ = mode::shared;
      self->flush_queue();
      self->schedule_renew();
    });
  }

  void flush_queue() {
    auto q = std::move(queue_);
    queue_.clear();
    for (auto& [model, h] : q) do_admit(model, std::move(h));
  }

  void degrade(error_code ec, const fleet::reply& r) {
    std::string why = "redis: ";
    if (ec == errc::total_timeout) why += "no answer within " + std::to_string(o_.call_deadline.count()) + " ms";
    else if (ec) why += ec.message();
    else why += r.str;
    degrade_because(why);
  }

  void degrade_because(const std::string& why) {
    count([](routing::shared_stats& s) { ++s.store_errors; });
    if (mode_ == mode::local) return;
    const bool was_shared = mode_ == mode::shared;
    mode_ = mode::local;
    conn_->close();
    fallback_.begin(last_spent_);
    count([](routing::shared_stats& s) {
      s.shared = false;
      ++s.degradations;
    });
    if (o_.on_mode) {
      std::string msg = why;
      msg += was_shared ? "; falling back to local limits (1/" : "; starting on local limits (1/";
      msg += std::to_string(o_.fleet_size);
      msg += " of the fleet's)";
      o_.on_mode(false, msg);
    }
    flush_queue();
    schedule_reconnect();
  }

  void schedule_reconnect() {
    reconnect_timer_.expires_after(o_.reconnect_every);
    reconnect_timer_.async_wait([w = weak_from_this()](error_code ec) {
      auto self = w.lock();
      if (ec || !self || self->mode_ != mode::local) return;
      self->conn_->connect(self->o_.connect_deadline, [w](error_code e, std::string) {
        auto self = w.lock();
        if (!self) return;
        if (e) return self->schedule_reconnect();
        self->mode_ = mode::shared;
        self->count([](routing::shared_stats& s) {
          s.shared = true;
          ++s.recoveries;
        });
        if (self->o_.on_mode) self->o_.on_mode(true, "redis: answering again; back to the fleet's shared limits");
        self->schedule_renew();
      });
    });
  }

  void answer_locally(const std::string& model, std::function<void(admission)>& h) {
    admission a = fallback_.admit(model, std::chrono::steady_clock::now());
    count([&](routing::shared_stats& s) {
      if (a.what == admission::verdict::go) ++s.local_admissions;
      else tally(s, a.what);
    });
    h(a);
  }

  static void tally(routing::shared_stats& s, admission::verdict v) {
    switch (v) {
      case admission::verdict::go: ++s.shared_admissions; break;
      case admission::verdict::wait: ++s.waits; break;
      case admission::verdict::cooling: ++s.cooling; break;
      case admission::verdict::spent: ++s.spent; break;
    }
  }

  void do_admit(const std::string& model, std::function<void(admission)> h) {
    if (mode_ == mode::connecting) {
      queue_.emplace_back(model, std::move(h));
      return;
    }
    if (mode_ == mode::local || !conn_->connected()) {
      if (mode_ == mode::shared) degrade_because("redis: connection lost");
      return answer_locally(model, h);
    }
    const std::uint64_t ticket = next_ticket_++;
    const std::string id = lease_id(ticket);
    fleet::resp_args tail = keys_of(model).admit;
    tail.add(std::string_view(id)).append(admit_args_);
    eval(fleet::admit_script(), std::move(tail),
         [w = weak_from_this(), model, ticket, h = std::move(h)](error_code ec, fleet::reply r) mutable {
           auto self = w.lock();
           if (!self) return;  // only when its router is gone too
           if (ec || r.k != fleet::reply::kind::array || r.elements.size() < 2) {
             self->degrade(ec, r);
             return self->answer_locally(model, h);
           }
           admission a;
           const std::string& v = r.elements[0].str;
           a.retry_in = std::chrono::milliseconds(r.elements[1].integer);
           if (v == "go") {
             a.what = admission::verdict::go;
             a.ticket = ticket;
             if (r.elements.size() >= 4) self->last_spent_ = to_double(r.elements[3]);
             self->live_.emplace(ticket, model);
           } else if (v == "wait") {
             a.what = admission::verdict::wait;
           } else if (v == "cooling") {
             a.what = admission::verdict::cooling;
           } else {
             a.what = admission::verdict::spent;
             if (r.elements.size() >= 3) self->last_spent_ = to_double(r.elements[2]);
           }
           self->count([&](routing::shared_stats& s) { tally(s, a.what); });
           h(a);
         });
  }

  void do_end(std::uint64_t ticket, settlement s, double cost) {
    if (fallback_.owns(ticket)) return fallback_.end(ticket, s, cost);
    auto it = live_.find(ticket);
    if (it == live_.end()) return;
    const std::string model = std::move(it->second);
    live_.erase(it);
    // In fallback mode the lease expires in Redis by itself (its reservation is then charged).
    if (mode_ != mode::shared || !conn_->connected()) return;
    const char* how = s == settlement::cost ? "cost" : s == settlement::release ? "release" : "unknown";
    fleet::resp_args tail = keys_of(model).end;
    tail.add(std::string_view(lease_id(ticket))).add(std::string_view(how)).add(cost);
    eval(fleet::end_script(), std::move(tail), [w = weak_from_this()](error_code ec, fleet::reply r) {
      auto self = w.lock();
      if (!self) return;
      if (ec || r.k == fleet::reply::kind::error) return self->degrade(ec, r);
      self->last_spent_ = to_double(r);
    });
  }

  // Leases live lease_ttl: renewed every third of it while their attempts run.
  void schedule_renew() {
    renew_timer_.expires_after(std::max(o_.lease_ttl / 3, std::chrono::milliseconds(1)));
    renew_timer_.async_wait([w = weak_from_this()](error_code ec) {
      auto self = w.lock();
      if (ec || !self || self->mode_ != mode::shared) return;
      self->renew();
      self->schedule_renew();
    });
  }

  void renew() {
    if (live_.empty() || !conn_->connected()) return;
    fleet::resp_args keys, args;
    keys.add(key("leases"));
    args.add(static_cast<long long>(o_.lease_ttl.count()));
    for (const auto& [ticket, model] : live_) {
      keys.add(key("leases:" + model));
      args.add(std::string_view(lease_id(ticket)));
    }
    fleet::resp_args tail;
    tail.add(static_cast<long long>(keys.count())).append(keys).append(args);
    eval(fleet::renew_script(), std::move(tail), [w = weak_from_this()](error_code ec, fleet::reply r) {
      auto self = w.lock();
      if (!self) return;
      if (ec || r.k == fleet::reply::kind::error) self->degrade(ec, r);
    });
  }

  std::string lease_id(std::uint64_t ticket) const {
    std::string s = instance_;
    s.push_back(':');
    s += std::to_string(ticket);
    return s;
  }

  asio::strand<asio::any_io_executor> ex_;
  fleet_options o_;
  routing::policy::load_limits limits_;
  double budget_;
  routing::local_fallback fallback_;
  std::shared_ptr<fleet::connection> conn_;
  asio::steady_timer renew_timer_, reconnect_timer_;
  std::string prefix_, instance_;
  mode mode_ = mode::connecting;
  std::vector<std::pair<std::string, std::function<void(admission)>>> queue_;  // admits before the first connect
  std::map<std::uint64_t, std::string> live_;  // shared leases held: ticket -> model
  std::uint64_t next_ticket_ = 1;
  fleet::resp_args admit_args_;                           // the admit script's constant arguments
  std::unordered_map<std::string, model_keys> model_keys_;  // keys_of()
  std::size_t pending_ = 0;                     // evals sent, not yet answered (or failed)
  std::vector<std::function<void()>> flushed_;  // flush() callers waiting for pending_ == 0
  double last_spent_ = 0;
  mutable std::mutex stats_m_;
  routing::shared_stats stats_;
};

}  // namespace

std::shared_ptr<routing::shared_state> make_redis_state(asio::any_io_executor ex, const routing::policy& p,
                                                        fleet_options o, error_code& ec, std::string& what) {
  fleet::endpoint ep = fleet::parse_redis_url(o.redis_url, ec, what);
  if (ec) return nullptr;
  ep.password = o.password;
  ep.ca_file = o.ca_file;
  if (o.fleet_size == 0) o.fleet_size = 1;
  auto s = std::make_shared<redis_state>(std::move(ex), p, std::move(o), std::move(ep));
  s->start();
  return s;
}

}  // namespace openrouter
