#include <openrouter/sse/parser.hpp>

#include <openrouter/error.hpp>

#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace openrouter::sse {
namespace {

constexpr char bom[3] = {'\xEF', '\xBB', '\xBF'};

// Finds line ends (CR or LF). A SIMD window of up to 64 bytes is examined once and its
// line-end positions kept as a bit mask (in the parser, across put() calls), so the lines that
// end inside the same window (the blank line after an event, short comment lines) cost no
// further scan and no byte is examined twice. Fewer than 16 bytes are examined one by one.
template <class Window>
class eol_scanner {
 public:
  eol_scanner(Window& w, std::uint64_t& scanned) noexcept : w_(w), scanned_(scanned) {}

  // The first CR or LF in [p, end), or end.
  const char* next(const char* p, const char* end) noexcept {
    while (true) {
      if (w_.end && p < w_.end) {
        const std::uint64_t m = w_.bits & (~std::uint64_t{0} << (p - w_.base));
        if (m) return w_.base + __builtin_ctzll(m);
        p = w_.end;
      }
      const auto left = end - p;
      if (left <= 0) return end;
#if defined(__SSE2__)
      if (left >= 16) {
        load(p, left >= 64 ? 4 : 1);
        continue;
      }
#endif
      w_ = {};
      for (; p != end; ++p) {
        ++scanned_;
        if (*p == '\r' || *p == '\n') return p;
      }
      return end;
    }
  }

 private:
#if defined(__SSE2__)
  void load(const char* p, int blocks) noexcept {
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i lf = _mm_set1_epi8('\n');
    std::uint64_t bits = 0;
    for (int i = 0; i < blocks; ++i) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      const auto m = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))));
      bits |= std::uint64_t{m} << (16 * i);
    }
    w_.base = p;
    w_.end = p + 16 * blocks;
    w_.bits = bits;
    scanned_ += static_cast<std::uint64_t>(16 * blocks);
  }
#endif

  Window& w_;
  std::uint64_t& scanned_;
};

}  // namespace

const char* to_string(failure f) noexcept {
  switch (f) {
    case failure::none: return "no failure";
    case failure::event_too_large: return "SSE event data exceeds max_event_size";
    case failure::field_too_large: return "SSE comment, event or id exceeds max_field_size";
  }
  return "unknown SSE failure";
}

// --- spill ---------------------------------------------------------------------------------

void parser::spill::append(const char* p, std::size_t n, parser_stats& st) {
  if (n == 0) return;
  if (view_ptr) {
    if (view_ptr + view_len == p) {  // contiguous in the caller's bytes: still no copy
      view_len += n;
      return;
    }
    materialize(st);
  } else if (buf.empty()) {
    view_ptr = p;
    view_len = n;
    return;
  }
  buf.append(p, n);
  st.bytes_copied += n;
}

void parser::spill::materialize(parser_stats& st) {
  if (!view_ptr) return;
  buf.assign(view_ptr, view_len);
  st.bytes_copied += view_len;
  view_ptr = nullptr;
  view_len = 0;
}

// --- parser --------------------------------------------------------------------------------

parser::parser(parser_options opts) : opts_(opts) {}

void parser::reset() noexcept {
  new_stream();
  produced_ = item::none;
  failure_ = failure::none;
  stats_ = {};
  id_.clear();
  last_id_.clear();
  retry_.reset();
}

void parser::new_stream() noexcept {
  eol_ = {};
  resume_ = nullptr;
  data_.clear();
  comment_.clear();
  type_.clear();
  id_ = last_id_;  // an id field after the last blank line is discarded with its event
  st_ = state::line_start;
  bom_matched_ = 0;
  bom_done_ = false;
  cr_pending_ = false;
  has_data_ = false;
  in_event_ = false;
}

bool parser::mid_event() const noexcept {
  return in_event_ || st_ != state::line_start || (!bom_done_ && bom_matched_ != 0);
}

bool parser::finish() noexcept {
  release();
  const bool clean = !mid_event() && failure_ == failure::none;
  new_stream();
  return clean;
}

bool parser::fail(failure f) noexcept {
  failure_ = f;
  return false;
}

// The item handed out by the previous call is no longer needed: recycle its buffers.
void parser::release() noexcept {
  switch (produced_) {
    case item::event:
      data_.clear();
      type_.clear();
      ev_ = {};
      break;
    case item::comment:
      comment_.clear();
      break;
    case item::none:
    case item::retry:
      break;
  }
  produced_ = item::none;
}

std::size_t parser::put(std::string_view bytes, boost::system::error_code& ec) {
  release();
  ec = {};
  if (failure_ != failure::none) {
    ec = make_error_code(errc::bad_sse);
    return 0;
  }
  const char* const begin = bytes.data();
  const char* const end = begin + bytes.size();
  const char* p = begin;

  auto failed = [&] {
    ec = make_error_code(errc::bad_sse);
    data_.clear();  // nothing may keep viewing the caller's bytes
    comment_.clear();
    eol_ = {};
    resume_ = nullptr;
    stats_.bytes_in += static_cast<std::uint64_t>(p - begin);
    return static_cast<std::size_t>(p - begin);
  };

  if (!bom_done_ && !skip_bom(p, end)) return failed();
  if (cr_pending_ && p != end) {
    cr_pending_ = false;
    if (*p == '\n') ++p;
  }
  // The window of the last call is valid only for the rest of the same bytes.
  if (begin != resume_ || eol_.end > end) eol_ = {};
  eol_scanner eols(eol_, stats_.bytes_scanned);
  while (p != end) {
    const char* const eol = eols.next(p, end);
    if (!segment(p, eol)) return failed();
    if (eol == end) {
      p = end;
      break;
    }
    p = eol + 1;
    if (*eol == '\r') {
      if (p == end)
        cr_pending_ = true;
      else if (*p == '\n')
        ++p;
    }
    if (!end_line()) return failed();
    if (produced_ != item::none) break;
  }
  // Whatever still views the caller's bytes and is not being handed out must be copied now:
  // the caller may drop those bytes once we return.
  if (produced_ != item::event) data_.materialize(stats_);
  if (produced_ != item::comment) comment_.materialize(stats_);
  stats_.bytes_in += static_cast<std::uint64_t>(p - begin);
  resume_ = p;
  return static_cast<std::size_t>(p - begin);
}

// A BOM is stripped only at the very start of the stream; it may arrive split over calls.
// If the start turns out not to be a BOM, the bytes matched so far begin the first line.
bool parser::skip_bom(const char*& p, const char* end) {
  while (p != end) {
    ++stats_.bytes_scanned;
    if (*p != bom[bom_matched_]) {
      bom_done_ = true;
      return segment(bom, bom + bom_matched_);  // no line ends in there
    }
    ++p;
    if (++bom_matched_ == 3) {
      bom_done_ = true;
      return true;
    }
  }
  return true;
}

// Consumes [p, end), a piece of the current line without its line end.
bool parser::segment(const char* p, const char* end) {
  while (p != end) {
    switch (st_) {
      case state::line_start:
        if (*p == ':') {
          ++stats_.bytes_scanned;
          ++p;
          st_ = state::comment_start;
          break;
        }
        if (end - p >= 5 && std::memcmp(p, "data:", 5) == 0) {  // nearly every line
          stats_.bytes_scanned += 5;
          p += 5;
          std::memcpy(name_, "data", 4);
          name_len_ = 4;
          if (!begin_field()) return false;
          break;
        }
        st_ = state::name;
        name_len_ = 0;
        [[fallthrough]];
      case state::name:
        // At most 6 bytes of a line are examined here: no known name is longer than 5.
        while (p != end) {
          const char c = *p++;
          ++stats_.bytes_scanned;
          if (c == ':') {
            if (!begin_field()) return false;
            break;
          }
          if (name_len_ == sizeof name_) {
            st_ = state::skip;
            break;
          }
          name_[name_len_++] = c;
        }
        break;
      case state::value_start:
        st_ = state::value;
        if (*p == ' ') {
          ++stats_.bytes_scanned;
          ++p;
        }
        break;
      case state::value:
        if (!value_bytes(p, end)) return false;
        p = end;
        break;
      case state::comment_start:
        st_ = state::comment;
        if (*p == ' ') {
          ++stats_.bytes_scanned;
          ++p;
        }
        break;
      case state::comment: {
        const auto n = static_cast<std::size_t>(end - p);
        if (n > opts_.max_field_size - comment_.size()) return fail(failure::field_too_large);
        comment_.append(p, n, stats_);
        p = end;
        break;
      }
      case state::skip:
        p = end;
        break;
    }
  }
  return true;
}

// The field name is complete (a colon, or the end of a line without one): classify it and
// prepare for its value. Sets st_ to value_start, or to skip for an unknown field.
bool parser::begin_field() {
  const std::string_view name(name_, name_len_);
  st_ = state::value_start;
  if (name == "data") {
    field_ = field::data;
    in_event_ = true;
    if (has_data_) {  // join with the previous data line
      if (data_.size() >= opts_.max_event_size) return fail(failure::event_too_large);
      data_.materialize(stats_);
      data_.buf.push_back('\n');
      ++stats_.bytes_copied;
    }
    has_data_ = true;
  } else if (name == "event") {
    field_ = field::type;
    in_event_ = true;
    type_.clear();
  } else if (name == "id") {
    field_ = field::id;
    in_event_ = true;
    id_next_.clear();
    id_len_ = 0;
    id_nul_ = false;
  } else if (name == "retry") {
    field_ = field::retry;
    retry_acc_ = 0;
    retry_ok_ = true;
    retry_any_ = false;
  } else {
    field_ = field::unknown;
    st_ = state::skip;
  }
  return true;
}

bool parser::value_bytes(const char* p, const char* end) {
  const auto n = static_cast<std::size_t>(end - p);
  switch (field_) {
    case field::data:
      if (n > opts_.max_event_size - data_.size()) return fail(failure::event_too_large);
      data_.append(p, n, stats_);
      break;
    case field::type:
      if (n > opts_.max_field_size - type_.size()) return fail(failure::field_too_large);
      type_.append(p, n);
      stats_.bytes_copied += n;
      break;
    case field::id:
      if (n > opts_.max_field_size - id_len_) return fail(failure::field_too_large);
      id_len_ += n;
      if (!id_nul_) {
        stats_.bytes_scanned += n;
        if (std::memchr(p, '\0', n)) {
          id_nul_ = true;  // the field will be ignored
        } else {
          id_next_.append(p, n);
          stats_.bytes_copied += n;
        }
      }
      break;
    case field::retry:
      for (const char* q = p; q != end; ++q) {
        ++stats_.bytes_scanned;
        const unsigned d = static_cast<unsigned char>(*q) - unsigned{'0'};
        if (d > 9) {  // not digits only: the field is ignored
          retry_ok_ = false;
          st_ = state::skip;
          return true;
        }
        retry_any_ = true;
        constexpr auto max = std::numeric_limits<std::uint64_t>::max();
        retry_acc_ = retry_acc_ > (max - d) / 10 ? max : retry_acc_ * 10 + d;  // saturate
      }
      break;
    case field::unknown:
      break;
  }
  return true;
}

// The current line has ended (its line end consumed).
bool parser::end_line() {
  const state st = st_;
  st_ = state::line_start;
  switch (st) {
    case state::line_start:  // blank line: dispatch
      last_id_ = id_;
      in_event_ = false;
      if (!has_data_) {
        type_.clear();
        return true;
      }
      has_data_ = false;
      ev_.type = type_.empty() ? std::string_view("message") : std::string_view(type_);
      ev_.data = data_.view();
      ev_.id = id_;
      ++stats_.events;
      if (data_.view_ptr) ++stats_.events_zero_copy;
      produced_ = item::event;
      return true;
    case state::name:  // a field name without a colon: the value is empty
      if (!begin_field()) return false;
      st_ = state::line_start;
      if (field_ == field::unknown) return true;
      break;
    case state::value_start:
    case state::value:
      break;
    case state::comment_start:
    case state::comment:
      ++stats_.comments;
      produced_ = item::comment;
      return true;
    case state::skip:
      return true;
  }
  switch (field_) {
    case field::id:
      if (!id_nul_) id_.swap(id_next_);
      break;
    case field::retry:
      if (retry_ok_ && retry_any_) {
        retry_ = retry_acc_;
        produced_ = item::retry;
      }
      break;
    case field::data:
    case field::type:
    case field::unknown:
      break;
  }
  return true;
}

}  // namespace openrouter::sse
