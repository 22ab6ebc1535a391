#include <openrouter/agent.hpp>

#include <openrouter/schema/validator.hpp>

#include "detail/cancel.hpp"
#include "detail/chat_target.hpp"
#include "detail/launch.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <stdexcept>

namespace openrouter {
namespace asio = boost::asio;
namespace json = boost::json;
using boost::system::error_code;
using detail::result;

const char* to_string(tool_invocation::outcome o) noexcept {
  switch (o) {
    case tool_invocation::outcome::ok: return "ok";
    case tool_invocation::outcome::failed: return "failed";
    case tool_invocation::outcome::timed_out: return "timed_out";
    case tool_invocation::outcome::invalid_arguments: return "invalid_arguments";
    case tool_invocation::outcome::unknown_tool: return "unknown_tool";
    case tool_invocation::outcome::cancelled: return "cancelled";
  }
  return "failed";
}

struct agent::impl {
  struct entry {
    tool_spec spec;
    schema::validator check;
  };
  chat_target target;
  agent_options opts;
  std::vector<entry> tools;

  const entry* find(std::string_view name) const {
    auto it = std::find_if(tools.begin(), tools.end(), [&](const entry& e) { return e.spec.name == name; });
    return it == tools.end() ? nullptr : &*it;
  }
};

agent::agent(chat_target target, agent_options opts) : impl_(std::make_shared<impl>()) {
  if (opts.max_turns < 1) throw std::invalid_argument("agent: max_turns must be at least 1");
  impl_->target = target;
  impl_->opts = std::move(opts);
}

agent::~agent() = default;

const agent_options& agent::options() const noexcept { return impl_->opts; }

void agent::add_tool(tool_spec t) {
  const bool name_ok = !t.name.empty() && t.name.size() <= 64 &&
                       std::all_of(t.name.begin(), t.name.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                c == '_' || c == '-';
                       });
  if (!name_ok) throw std::invalid_argument("agent: tool name '" + t.name + "' is not 1-64 of [a-zA-Z0-9_-]");
  if (impl_->find(t.name)) throw std::invalid_argument("agent: tool '" + t.name + "' is registered twice");
  if (static_cast<bool>(t.run) == static_cast<bool>(t.start))
    throw std::invalid_argument("agent: tool '" + t.name + "' needs exactly one of run and start");
  auto compiled = schema::compile(t.parameters);
  if (!compiled)
    throw std::invalid_argument("agent: the parameters schema of '" + t.name + "' does not compile: " +
                                compiled.error().message);
  impl_->tools.push_back({std::move(t), std::move(*compiled)});
}

std::vector<wire::tool> agent::tools() const {
  std::vector<wire::tool> out;
  for (const auto& e : impl_->tools) out.push_back(wire::function_tool(e.spec.name, e.spec.description, e.spec.parameters));
  return out;
}

namespace {

using strand_type = asio::any_io_executor;  // a strand: the run's own (launch_on, strand_for)

// One tool call in flight. Its handler reports through finish() (on the run's strand), which
// wakes the run; a handler that answers after its timeout finds the call settled and is ignored.
struct call_state {
  explicit call_state(const strand_type& s) : strand(s), wake(s, asio::steady_timer::time_point::max()) {}
  strand_type strand;
  asio::steady_timer wake;
  asio::cancellation_signal cancel;
  std::chrono::steady_clock::time_point deadline;
  bool done = false;
  error_code ec;
  json::value value;
  std::string failure;  // an exception's message

  static void finish(const std::shared_ptr<call_state>& st, error_code ec, json::value v, std::string failure) {
    asio::dispatch(st->strand, [st, ec, v = std::move(v), failure = std::move(failure)]() mutable {
      if (st->done) return;
      st->done = true;
      st->ec = ec;
      st->value = std::move(v);
      st->failure = std::move(failure);
      st->wake.cancel();
    });
  }
};

std::string error_output(std::string_view type, std::string message, std::string_view path = {},
                         const json::value& detail = nullptr) {
  json::object e{{"type", type}, {"message", std::move(message)}};
  if (!path.empty()) e["path"] = path;
  if (!detail.is_null()) e["detail"] = detail;
  return json::serialize(json::object{{"error", std::move(e)}});
}

asio::awaitable<json::value> invoke(std::function<asio::awaitable<json::value>(json::value)> fn, json::value args) {
  auto op = fn(std::move(args));
  co_return co_await std::move(op);
}

// Parses and validates one call's arguments and starts its handler; returns null when the call
// was settled at once (its invocation then carries the output).
std::shared_ptr<call_state> start_call(const agent::impl& im, const strand_type& strand, const wire::tool_call& call,
                                       tool_invocation& inv) {
  using outcome = tool_invocation::outcome;
  const auto* tool = im.find(call.function.name);
  if (!tool) {
    inv.status = outcome::unknown_tool;
    inv.output = error_output("unknown_tool", "there is no tool named '" + call.function.name + "'");
    return nullptr;
  }
  // Arguments "" mean none (some models send that for a tool without parameters).
  std::string_view text = call.function.arguments;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t')) text.remove_prefix(1);
  output_problem problem;
  error_code aec = text.empty() ? error_code{} : check_json_output(text, &tool->check, inv.arguments, problem);
  if (text.empty()) {
    inv.arguments = json::object{};
    if (auto r = tool->check.validate(inv.arguments); !r.valid() && !r.violations.empty()) {
      problem = {r.violations.front().instance_path, r.violations.front().message};
      aec = make_error_code(errc::schema_violation);
    }
  }
  if (aec) {
    inv.status = outcome::invalid_arguments;
    inv.output = error_output("invalid_arguments", problem.message, problem.path);
    return nullptr;
  }
  auto st = std::make_shared<call_state>(strand);
  st->deadline = std::chrono::steady_clock::now() + tool->spec.timeout;
  try {
    if (tool->spec.run) {
      asio::co_spawn(strand, invoke(tool->spec.run, inv.arguments),
                     asio::bind_cancellation_slot(st->cancel.slot(), [st](std::exception_ptr e, json::value v) {
                       std::string failure;
                       if (e) {
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::exception& x) {
                           failure = x.what();
                         } catch (...) {
                           failure = "unknown exception";
                         }
                         if (failure.empty()) failure = "exception";
                       }
                       call_state::finish(st, {}, e ? json::value() : std::move(v), std::move(failure));
                     }));
    } else {
      tool->spec.start(inv.arguments, tool_completion(asio::bind_cancellation_slot(
                                          st->cancel.slot(), [st](error_code ec, json::value v) {
                                            call_state::finish(st, ec, std::move(v), {});
                                          })));
    }
  } catch (const std::exception& x) {
    call_state::finish(st, {}, nullptr, x.what()[0] ? x.what() : "exception");
  }
  return st;
}

void settle(const call_state& st, bool timed_out, const tool_spec* spec, tool_invocation& inv) {
  using outcome = tool_invocation::outcome;
  if (timed_out) {
    inv.status = outcome::timed_out;
    inv.output = error_output("timeout", "the tool did not answer within " +
                                             std::to_string(spec ? spec->timeout.count() : 0) + " ms");
  } else if (!st.failure.empty()) {
    inv.status = outcome::failed;
    inv.output = error_output("failed", st.failure);
  } else if (st.ec) {
    inv.status = st.ec == asio::error::operation_aborted ? outcome::cancelled : outcome::failed;
    inv.output = error_output("failed", st.ec.message(), {}, st.value);
  } else {
    inv.status = outcome::ok;
    inv.output = json::serialize(st.value);
  }
}

// Runs one answer's tool calls concurrently; every call gets its own deadline.
asio::awaitable<error_code> run_calls(const agent::impl& im, const std::vector<wire::tool_call>& calls, int turn,
                                      std::vector<tool_invocation>& invocations) {
  const strand_type strand = co_await asio::this_coro::executor;  // run() runs on its own strand
  const std::size_t first = invocations.size();
  std::vector<std::shared_ptr<call_state>> states;
  for (const auto& call : calls) {
    tool_invocation inv;
    inv.id = call.id;
    inv.name = call.function.name;
    inv.turn = turn;
    states.push_back(start_call(im, strand, call, inv));
    invocations.push_back(std::move(inv));
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    auto& st = states[i];
    if (!st) continue;
    while (!st->done && std::chrono::steady_clock::now() < st->deadline) {
      st->wake.expires_at(st->deadline);
      error_code wec;
      co_await st->wake.async_wait(asio::redirect_error(asio::use_awaitable, wec));
      if (error_code cec; !st->done && detail::cancelled(co_await asio::this_coro::cancellation_state, cec)) {
        for (auto& other : states)
          if (other && !other->done) {
            other->done = true;  // settled: whatever the handler reports now is ignored
            other->cancel.emit(asio::cancellation_type::terminal);
          }
        co_return cec;
      }
    }
    const bool timed_out = !st->done;
    if (timed_out) {
      st->done = true;
      st->cancel.emit(asio::cancellation_type::terminal);
    }
    settle(*st, timed_out, &im.find(calls[i].function.name)->spec, invocations[first + i]);
  }
  co_return error_code{};
}

bool forcing(const json::value& choice) {
  return choice.is_object() || (choice.is_string() && choice.get_string() == "required");
}

asio::awaitable<result<agent_result>> run(std::shared_ptr<agent::impl> im, wire::chat_request req, diagnostics& diag) {
  agent_result out;
  req.tools.clear();
  for (const auto& e : im->tools)
    req.tools.push_back(wire::function_tool(e.spec.name, e.spec.description, e.spec.parameters));
  if (im->opts.parallel_tool_calls) req.parallel_tool_calls = im->opts.parallel_tool_calls;
  if (im->opts.require_parameters) detail::require_parameters_if_needed(req);
  auto finish = [&](error_code ec) {
    out.messages = std::move(req.messages);
    return result<agent_result>{ec, std::move(out)};
  };
  for (int turn = 1;; ++turn) {
    if (error_code cec; detail::cancelled(co_await asio::this_coro::cancellation_state, cec)) co_return finish(cec);
    out.turns = turn;
    auto op = detail::chat_once(im->target, req, diag, im->opts.stream, im->opts.on_chunk);
    auto [ec, res] = co_await std::move(op);
    out.response = std::move(res);
    if (ec) co_return finish(ec);
    if (out.response.choices.empty()) {
      diag.detail = "the answer has no choices";
      co_return finish(make_error_code(errc::no_content));
    }
    const wire::message& answer = out.response.choices.front().message;
    req.messages.push_back(answer);
    if (answer.tool_calls.empty()) co_return finish({});
    if (turn >= im->opts.max_turns) {
      diag.detail = "still calling tools after " + std::to_string(turn) + " turns (max_turns)";
      co_return finish(make_error_code(errc::turn_limit));
    }
    auto calls = run_calls(*im, answer.tool_calls, turn, out.calls);
    if (error_code cec = co_await std::move(calls)) co_return finish(cec);
    for (std::size_t i = out.calls.size() - answer.tool_calls.size(); i < out.calls.size(); ++i)
      req.messages.push_back(wire::message::tool(out.calls[i].id, out.calls[i].output));
    if (im->opts.relax_tool_choice && forcing(req.tool_choice)) req.tool_choice = "auto";
  }
}

}  // namespace

void agent::do_run(wire::chat_request req, diagnostics& diag, handler h) {
  detail::launch_on<agent_result>(strand_for(detail::client_of(impl_->target).get_executor()),
                                  run(impl_, std::move(req), diag), std::move(h));
}

}  // namespace openrouter
