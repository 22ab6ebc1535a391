#include <openrouter/stream/responses_accumulator.hpp>

#include <algorithm>

namespace openrouter::stream {

using kind = wire::responses_event_kind;

void responses_accumulator::reset() { *this = responses_accumulator{}; }

wire::response_output_item& responses_accumulator::item_at(std::optional<std::int64_t> index,
                                                           std::string_view item_id, std::string_view type) {
  std::size_t i = items_.size();
  if (index && *index >= 0 && *index < 4096) {  // a bound: a server's index never allocates without limit
    i = static_cast<std::size_t>(*index);
  } else if (!item_id.empty()) {
    auto it = std::find_if(items_.begin(), items_.end(), [&](const auto& x) { return x.id == item_id; });
    i = it == items_.end() ? items_.size() : static_cast<std::size_t>(it - items_.begin());
  } else if (!items_.empty()) {
    i = items_.size() - 1;
  }
  if (i >= items_.size()) items_.resize(i + 1);
  auto& item = items_[i];
  if (item.type.empty()) item.type = std::string(type);
  if (item.id.empty()) item.id = std::string(item_id);
  return item;
}

wire::response_content& responses_accumulator::part_at(std::vector<wire::response_content>& parts,
                                                       std::optional<std::int64_t> index, std::string_view type) {
  std::size_t i = parts.empty() ? 0 : parts.size() - 1;
  if (index && *index >= 0 && *index < 4096) i = static_cast<std::size_t>(*index);
  if (i >= parts.size()) parts.resize(i + 1);
  if (parts[i].type.empty()) parts[i].type = std::string(type);
  return parts[i];
}

void responses_accumulator::feed(const wire::responses_event& ev) {
  ++events_;
  switch (ev.kind()) {
    case kind::created:
    case kind::in_progress:
      if (ev.response) snapshot_ = *ev.response;
      break;
    case kind::output_item_added:
      if (ev.item) {
        // The item as announced (usually empty), keeping what deltas that came before it built.
        auto& item = item_at(ev.output_index, ev.item->id, ev.item->type);
        wire::response_output_item announced = *ev.item;
        if (!item.content.empty()) announced.content = std::move(item.content);
        if (!item.summary.empty()) announced.summary = std::move(item.summary);
        if (item.arguments && !item.arguments->empty()) announced.arguments = std::move(item.arguments);
        item = std::move(announced);
      }
      break;
    case kind::output_item_done:
      if (ev.item) item_at(ev.output_index, ev.item->id, ev.item->type) = *ev.item;  // the server's final item
      break;
    case kind::content_part_added:
    case kind::content_part_done:
      if (ev.part) {
        auto& item = item_at(ev.output_index, ev.item_id, "message");
        auto& part = part_at(item.content, ev.content_index, ev.part->type);
        if (ev.kind() == kind::content_part_done || part.text.empty()) part = *ev.part;
      }
      break;
    case kind::output_text_delta: {
      auto& item = item_at(ev.output_index, ev.item_id, "message");
      part_at(item.content, ev.content_index, "output_text").text += ev.delta;
      text_ += ev.delta;
      break;
    }
    case kind::output_text_done:
      if (ev.text) part_at(item_at(ev.output_index, ev.item_id, "message").content, ev.content_index, "output_text").text = *ev.text;
      break;
    case kind::refusal_delta: {
      auto& p = part_at(item_at(ev.output_index, ev.item_id, "message").content, ev.content_index, "refusal");
      p.refusal = p.refusal.value_or("") + ev.delta;
      break;
    }
    case kind::refusal_done:
      if (ev.refusal)
        part_at(item_at(ev.output_index, ev.item_id, "message").content, ev.content_index, "refusal").refusal = *ev.refusal;
      break;
    case kind::function_call_arguments_delta: {
      auto& item = item_at(ev.output_index, ev.item_id, "function_call");
      if (!item.arguments) item.arguments.emplace();
      *item.arguments += ev.delta;  // appended in place: no copy of the arguments so far per delta
      break;
    }
    case kind::function_call_arguments_done: {
      auto& item = item_at(ev.output_index, ev.item_id, "function_call");
      if (ev.arguments) item.arguments = *ev.arguments;
      if (ev.name) item.name = *ev.name;
      break;
    }
    case kind::reasoning_text_delta:
      part_at(item_at(ev.output_index, ev.item_id, "reasoning").content, ev.content_index, "reasoning_text").text += ev.delta;
      break;
    case kind::reasoning_text_done:
      if (ev.text)
        part_at(item_at(ev.output_index, ev.item_id, "reasoning").content, ev.content_index, "reasoning_text").text = *ev.text;
      break;
    case kind::reasoning_summary_text_delta:
      part_at(item_at(ev.output_index, ev.item_id, "reasoning").summary, ev.summary_index, "summary_text").text += ev.delta;
      break;
    case kind::reasoning_summary_text_done:
      if (ev.text)
        part_at(item_at(ev.output_index, ev.item_id, "reasoning").summary, ev.summary_index, "summary_text").text = *ev.text;
      break;
    case kind::completed:
    case kind::incomplete:
      finished_ = true;
      if (ev.response) final_ = *ev.response;
      break;
    case kind::failed:
      failed_ = true;
      if (ev.response) final_ = *ev.response;
      break;
    case kind::error: {
      wire::responses_error e;
      if (const auto* s = ev.code.if_string()) e.code = std::string(*s);
      else if (ev.code.is_number()) e.code = std::to_string(ev.code.to_number<std::int64_t>());
      e.message = ev.message.value_or("");
      if (!ev.param.is_null()) e.extra["param"] = ev.param;
      error_ = std::move(e);
      break;
    }
    case kind::other:
      break;
  }
}

void responses_accumulator::feed_data(std::string_view sse_type, std::string_view data, boost::system::error_code& ec) {
  ec = {};
  if (data == "[DONE]") {
    done();
    return;
  }
  wire::responses_event ev;
  wire::decode_error err;
  wire::parse_responses_event(data, sse_type, ev, err);
  if (err) {
    ec = err.code;
    return;
  }
  feed(ev);
}

stream_outcome responses_accumulator::outcome() const noexcept {
  if (failed_ || error_) return stream_outcome::error;
  if (finished_) return stream_outcome::complete;
  return stream_outcome::incomplete;
}

std::optional<wire::responses_error> responses_accumulator::error() const {
  if (error_) return error_;
  if (final_ && final_->error) return final_->error;
  if (failed_) return wire::responses_error{"server_error", "the response failed", {}};
  return std::nullopt;
}

std::string_view responses_accumulator::id() const noexcept { return final_ ? final_->id : snapshot_.id; }
std::string_view responses_accumulator::model() const noexcept { return final_ ? final_->model : snapshot_.model; }
const std::optional<wire::responses_usage>& responses_accumulator::usage() const noexcept {
  return final_ ? final_->usage : no_usage_;
}

wire::responses_response responses_accumulator::result() const {
  wire::responses_response r = final_ ? *final_ : snapshot_;
  if (r.output.empty()) r.output = items_;
  if (!final_) {
    if (r.object.empty()) r.object = "response";
    r.status = error_seen() ? "failed" : "incomplete";
  }
  if (!r.error && error_) r.error = error_;
  return r;
}

}  // namespace openrouter::stream
