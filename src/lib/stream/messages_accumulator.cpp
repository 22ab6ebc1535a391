#include <openrouter/stream/messages_accumulator.hpp>

#include <boost/json/parse.hpp>

namespace openrouter::stream {

using kind = wire::messages_event_kind;

void messages_accumulator::reset() { *this = messages_accumulator{}; }

messages_accumulator::block& messages_accumulator::block_at(std::optional<std::int64_t> index, std::string_view type) {
  std::size_t i = blocks_.empty() ? 0 : blocks_.size() - 1;
  if (index && *index >= 0 && *index < 4096) i = static_cast<std::size_t>(*index);  // bounded
  if (i >= blocks_.size()) blocks_.resize(i + 1);
  auto& x = blocks_[i];
  if (x.b.type.empty()) x.b.type = std::string(type);
  return x;
}

bool messages_accumulator::finish_input(block& x) {
  x.input_done = true;
  if (x.input_json.empty()) return true;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(x.input_json, ec);
  if (ec || !wire::all_finite(v)) {
    x.b.extra["partial_json"] = x.input_json;
    return false;
  }
  x.b.input = std::move(v);
  return true;
}

void messages_accumulator::feed(const wire::messages_event& ev) {
  ++events_;
  switch (ev.kind()) {
    case kind::message_start:
      if (ev.message) {
        message_ = *ev.message;
        // Blocks the start carries (none, usually) come before the streamed ones.
        for (std::size_t i = 0; i < message_.content.size() && blocks_.size() < message_.content.size(); ++i)
          blocks_.push_back(block{message_.content[i], {}, true});
        message_.content.clear();
      }
      break;
    case kind::content_block_start:
      if (ev.content_block) {
        auto& x = block_at(ev.index, ev.content_block->type);
        // As announced, keeping what deltas that came before it built.
        wire::messages_content_block announced = *ev.content_block;
        if (x.b.text && !x.b.text->empty()) announced.text = std::move(x.b.text);
        if (x.b.thinking && !x.b.thinking->empty()) announced.thinking = std::move(x.b.thinking);
        x.b = std::move(announced);
      }
      break;
    case kind::content_block_delta: {
      if (!ev.delta) break;
      const wire::messages_delta& d = *ev.delta;
      if (d.type == "text_delta") {
        auto& t = block_at(ev.index, "text").b.text;
        if (!t) t.emplace();
        *t += d.text;  // in place
        text_ += d.text;
      } else if (d.type == "input_json_delta") {
        block_at(ev.index, "tool_use").input_json += d.partial_json;  // in place, parsed at the stop
      } else if (d.type == "thinking_delta") {
        auto& t = block_at(ev.index, "thinking").b.thinking;
        if (!t) t.emplace();
        *t += d.thinking;
      } else if (d.type == "signature_delta") {
        auto& s = block_at(ev.index, "thinking").b.signature;
        if (!s) s.emplace();
        *s += d.signature;
      } else if (d.type == "citations_delta") {
        if (const auto* c = d.extra.if_contains("citation")) {
          auto& cites = block_at(ev.index, "text").b.citations;
          if (!cites.is_array()) cites.emplace_array();
          cites.get_array().push_back(*c);
        }
      }
      break;
    }
    case kind::content_block_stop: {
      auto& x = block_at(ev.index, "text");
      if (!x.input_done && !finish_input(x)) ++invalid_inputs_;
      break;
    }
    case kind::message_delta:
      if (ev.delta) {
        if (ev.delta->stop_reason) message_.stop_reason = ev.delta->stop_reason;
        if (ev.delta->stop_sequence) message_.stop_sequence = ev.delta->stop_sequence;
        for (const auto& kv : ev.delta->extra)
          if (kv.key() != "stop_reason" && kv.key() != "stop_sequence") message_.extra[kv.key()] = kv.value();
      }
      if (ev.usage) {
        const wire::messages_usage& in = *ev.usage;
        if (!message_.usage) message_.usage.emplace();
        wire::messages_usage& u = *message_.usage;
        u.output_tokens = in.output_tokens;  // cumulative
        if (in.input_tokens != 0) u.input_tokens = in.input_tokens;
        if (in.cache_creation_input_tokens) u.cache_creation_input_tokens = in.cache_creation_input_tokens;
        if (in.cache_read_input_tokens) u.cache_read_input_tokens = in.cache_read_input_tokens;
        if (!in.cache_creation.is_null()) u.cache_creation = in.cache_creation;
        if (!in.server_tool_use.is_null()) u.server_tool_use = in.server_tool_use;
        if (!in.output_tokens_details.is_null()) u.output_tokens_details = in.output_tokens_details;
        if (in.cost) u.cost = in.cost;
        if (in.is_byok) u.is_byok = in.is_byok;
        if (in.cost_details) u.cost_details = in.cost_details;
        for (const auto& kv : in.extra)
          if (!kv.value().is_null()) u.extra[kv.key()] = kv.value();
      }
      break;
    case kind::message_stop:
      finished_ = true;
      if (const auto* m = ev.extra.if_contains("openrouter_metadata")) message_.openrouter_metadata = *m;
      break;
    case kind::error:
      error_ = ev.error.value_or(wire::messages_error{"api_error", "error event without an error", {}, {}});
      break;
    case kind::ping:
    case kind::other:
      break;
  }
}

void messages_accumulator::feed_data(std::string_view sse_type, std::string_view data, boost::system::error_code& ec) {
  ec = {};
  if (data == "[DONE]") {
    done();
    return;
  }
  wire::messages_event ev;
  wire::decode_error err;
  wire::parse_messages_event(data, sse_type, ev, err);
  if (err) {
    ec = err.code;
    return;
  }
  feed(ev);
}

stream_outcome messages_accumulator::outcome() const noexcept {
  if (error_) return stream_outcome::error;
  if (finished_) return stream_outcome::complete;
  return stream_outcome::incomplete;
}

wire::messages_response messages_accumulator::result() const {
  wire::messages_response r = message_;
  if (r.type.empty()) r.type = "message";
  if (r.role.empty()) r.role = "assistant";
  r.content.reserve(blocks_.size());
  for (const auto& x : blocks_) {
    if (x.input_done || x.input_json.empty()) {
      r.content.push_back(x.b);
      continue;
    }
    block open = x;  // a block the stream never stopped: its input as far as it parses
    finish_input(open);
    r.content.push_back(std::move(open.b));
  }
  return r;
}

}  // namespace openrouter::stream
