#pragma once
// Incremental, sans-I/O parser for `text/event-stream` bodies, following the WHATWG HTML
// rules "Interpreting an event stream" (LF, CRLF and CR line ends; one leading BOM; fields
// data/event/id/retry; one space stripped after the colon; blank line dispatches; an event
// with no data line is not dispatched; at end of input an unfinished event is discarded).
//
// Push model in the style of Beast's basic_parser: feed the bytes of the body in whatever
// chunks they arrive, get back how many bytes were consumed; the parser stops after each
// event, comment or retry field so the caller can look at it:
//
//     sse::parser p;
//     error_code ec;
//     while (!bytes.empty()) {
//       bytes.remove_prefix(p.put(bytes, ec));
//       if (ec) break;                                   // openrouter::errc::bad_sse
//       if (p.produced() == sse::item::event) use(p.event().data);
//       else if (p.produced() == sse::item::comment) still_processing();
//     }
//     ...on EOF: if (!p.finish()) { the stream was cut in the middle of an event }
//
// or the same loop with callbacks: `p.parse(bytes, handler, ec)` (see parse()).
//
// Cost: each input byte is examined a bounded number of times whatever the chunking (the
// parser keeps state at field granularity, never the raw tail of a line, and never goes back
// over consumed bytes), and data bytes are copied at most once: an event whose data arrives
// within one put() is handed out as a view of the caller's bytes without any copy. Buffers
// keep their capacity across events, so a steady stream allocates nothing.
//
// Deviation from the spec: the stream is handled as bytes, not decoded as UTF-8, so invalid
// UTF-8 passes through unchanged instead of becoming U+FFFD (the JSON parser behind us
// rejects it anyway).
//
// Not thread-safe; one parser per stream. Reusable: finish() readies it for the next
// connection's stream (keeping the last event ID and retry, as EventSource does), reset()
// forgets everything.

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace openrouter::sse {

/// One dispatched event. The views are valid until the next call to put(), parse(),
/// finish() or reset() on the parser, and while the bytes passed to the last put() are
/// unchanged (data may view them directly).
struct event {
  std::string_view type;  ///< the `event` field, or "message" when the event had none
  std::string_view data;  ///< the `data` lines joined with '\n' (no trailing newline)
  std::string_view id;    ///< the last event ID: the latest valid `id` field of the stream so far
};

/// What the last put() stopped at.
enum class item : std::uint8_t {
  none,     ///< nothing: all bytes were consumed (or an error occurred)
  event,    ///< an event was dispatched: parser::event()
  comment,  ///< a comment line (`:` ...): parser::comment(), e.g. OpenRouter's keep-alives
  retry,    ///< a valid `retry` field: parser::retry() holds the new reconnection time (ms)
};

/// Why put() failed with openrouter::errc::bad_sse. Failures are sticky until reset().
enum class failure : std::uint8_t {
  none,
  event_too_large,  ///< the data of one event exceeds parser_options::max_event_size
  field_too_large,  ///< a comment, `event` or `id` value exceeds parser_options::max_field_size
};

/// A short description for diagnostics::detail, e.g. "SSE event data exceeds max_event_size".
const char* to_string(failure f) noexcept;

struct parser_options {
  /// Bytes of data of one event (the joined data, as dispatched). An image event of a few
  /// MB is normal; the default leaves room for large generated images.
  std::size_t max_event_size = 32u * 1024 * 1024;
  /// Bytes of a comment, or of an `event` or `id` value. Unknown fields are skipped without
  /// being stored, so they need no limit.
  std::size_t max_field_size = 64u * 1024;
};

/// Work counters, for tests (linearity) and benchmarks. Never reset except by reset().
struct parser_stats {
  std::uint64_t bytes_in = 0;          ///< bytes consumed by put()
  std::uint64_t bytes_scanned = 0;     ///< byte examinations (line-end search incl. SIMD block overscan,
                                       ///< field names, id/retry value checks)
  std::uint64_t bytes_copied = 0;      ///< bytes copied into the parser's buffers
  std::uint64_t events = 0;            ///< events dispatched
  std::uint64_t events_zero_copy = 0;  ///< ... of which the data was a view of the caller's bytes
  std::uint64_t comments = 0;          ///< comment lines
};

class parser {
 public:
  explicit parser(parser_options opts = {});

  /// Consumes bytes until the end of `bytes` or until an item was produced, and returns the
  /// number of bytes consumed. Bytes not consumed must be passed again, unchanged, at the start
  /// of the next call (parse() does): the parser may have looked at them already. On a limit violation sets ec to openrouter::errc::bad_sse
  /// (see failed()) and every later call fails the same way until reset(). A CR at the end
  /// of `bytes` ends its line at once; an LF at the start of the next call is then skipped.
  std::size_t put(std::string_view bytes, boost::system::error_code& ec);

  /// Feeds all of `bytes` through put() and hands each item to `handler`:
  ///   handler(const sse::event&)  or  handler.on_event(const sse::event&)     (required)
  ///   handler.on_comment(std::string_view)                                     (optional)
  ///   handler.on_retry(std::uint64_t milliseconds)                             (optional)
  /// The views passed are valid during the call only. Returns the bytes consumed
  /// (all of them unless ec is set).
  template <class Handler>
  std::size_t parse(std::string_view bytes, Handler&& handler, boost::system::error_code& ec);

  /// End of input. Discards an unterminated line and an event not yet dispatched (per
  /// spec) and returns true when the stream ended cleanly at an event boundary; false when
  /// it was cut mid-event (an unterminated line, or data/event/id fields after the last blank
  /// line) or the parser has failed. The parser is then ready for a new stream: it expects
  /// an optional BOM again and keeps last_event_id() and retry().
  [[nodiscard]] bool finish() noexcept;

  /// Back to the state of a new parser (the options and buffer capacities are kept).
  void reset() noexcept;

  item produced() const noexcept { return produced_; }
  /// The comment of the line the parser stopped at (text after ':' with one leading space
  /// removed). Valid like event().
  std::string_view comment() const noexcept { return comment_.view(); }
  /// The reconnection time (ms) set by the latest valid `retry` field, if any.
  std::optional<std::uint64_t> retry() const noexcept { return retry_; }
  /// The ID a reconnecting client sends as Last-Event-ID: the last event ID as of the last
  /// blank line (the spec's "last event ID string").
  std::string_view last_event_id() const noexcept { return last_id_; }
  /// Whether bytes consumed so far leave an unfinished event or line (what finish() reports).
  bool mid_event() const noexcept;
  failure failed() const noexcept { return failure_; }
  const parser_options& options() const noexcept { return opts_; }
  const parser_stats& stats() const noexcept { return stats_; }

  /// The event the parser stopped at (when produced() == item::event).
  const sse::event& event() const noexcept { return ev_; }

 private:
  // Bytes that view the caller's input while they can and are copied into `buf` on demand
  // (when the input is about to go away, or when a non-contiguous part is appended).
  struct spill {
    std::string buf;
    const char* view_ptr = nullptr;  // set: the content is [view_ptr, view_ptr + view_len), buf is empty
    std::size_t view_len = 0;

    std::size_t size() const noexcept { return view_ptr ? view_len : buf.size(); }
    std::string_view view() const noexcept {
      return view_ptr ? std::string_view(view_ptr, view_len) : std::string_view(buf);
    }
    void append(const char* p, std::size_t n, parser_stats& st);
    void materialize(parser_stats& st);
    void clear() noexcept {
      buf.clear();
      view_ptr = nullptr;
      view_len = 0;
    }
  };

  enum class state : std::uint8_t { line_start, name, value_start, value, comment_start, comment, skip };
  enum class field : std::uint8_t { data, type, id, retry, unknown };

  bool skip_bom(const char*& p, const char* end);
  bool segment(const char* p, const char* end);
  bool begin_field();
  bool value_bytes(const char* p, const char* end);
  bool end_line();
  bool fail(failure f) noexcept;
  void release() noexcept;
  void new_stream() noexcept;

  // Line ends already found past the point where put() stopped: a window of the caller's
  // bytes and a bit per byte. Used by the next put() only if it starts where the last stopped.
  struct eol_window {
    const char* base = nullptr;
    const char* end = nullptr;
    std::uint64_t bits = 0;
  };

  parser_options opts_;
  parser_stats stats_;
  eol_window eol_;
  const char* resume_ = nullptr;  // where the last put() stopped
  sse::event ev_;
  item produced_ = item::none;
  failure failure_ = failure::none;
  state st_ = state::line_start;
  field field_ = field::unknown;
  std::uint8_t name_len_ = 0;
  char name_[5] = {};
  std::uint8_t bom_matched_ = 0;
  bool bom_done_ = false;
  bool cr_pending_ = false;  // the last byte consumed was a CR: skip one LF
  bool has_data_ = false;    // a data line since the last blank line (the spec's non-empty data buffer)
  bool in_event_ = false;    // a data/event/id line since the last blank line
  bool id_nul_ = false;
  bool retry_ok_ = false;
  bool retry_any_ = false;
  std::uint64_t retry_acc_ = 0;
  std::size_t id_len_ = 0;
  spill data_;
  spill comment_;
  std::string type_;
  std::string id_;       // the last event ID buffer
  std::string id_next_;  // the id value being read (kept only if it has no NUL)
  std::string last_id_;  // the last event ID string (as of the last blank line)
  std::optional<std::uint64_t> retry_;
};

template <class Handler>
std::size_t parser::parse(std::string_view bytes, Handler&& handler, boost::system::error_code& ec) {
  std::size_t used = 0;
  for (;;) {
    used += put(bytes.substr(used), ec);
    if (ec) return used;
    switch (produced_) {
      case item::none:
        return used;
      case item::event:
        if constexpr (std::is_invocable_v<Handler&, const sse::event&>)
          handler(ev_);
        else
          handler.on_event(ev_);
        break;
      case item::comment:
        if constexpr (requires { handler.on_comment(std::string_view{}); }) handler.on_comment(comment());
        break;
      case item::retry:
        if constexpr (requires { handler.on_retry(std::uint64_t{}); }) handler.on_retry(*retry_);
        break;
    }
  }
}

}  // namespace openrouter::sse
