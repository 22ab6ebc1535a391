#pragma once
// `openrouter batch` files, sans-I/O: which input lines are work (ids, duplicates, malformed
// lines, shards, ids already done), the output lines, and reading back an output file to resume.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace openrouter::cli::batch {

/// --shard K/N (K from 1 to N): this run does the ids whose hash falls in shard K.
struct shard {
  std::uint32_t k = 1, n = 1;
  /// "K/N"; nullopt when malformed or out of range.
  static std::optional<shard> parse(std::string_view text);
  /// Whether `id` belongs to this shard: FNV-1a 64 of the id's bytes mod N, the same on every
  /// run and machine.
  bool owns(std::string_view id) const noexcept;
};

std::uint64_t fnv1a(std::string_view s) noexcept;

/// The default of --max-line-bytes: input lines longer than this are an error line of their own.
inline constexpr std::size_t default_max_line_bytes = 16u << 20;
/// The longest output line that resume reads whole; a longer one (an answer of that size) is
/// recognised by its leading "id" (and "error"), which every line we write starts with.
inline constexpr std::size_t max_output_line_bytes = 64u << 20;

/// Reads '\n'-terminated lines from a stream holding at most `max_bytes` of one line: a longer
/// line is returned with `too_long`, its length and its first `max_bytes`, the rest read past.
class line_reader {
 public:
  struct line {
    std::string_view text;      ///< without the '\n' (the first max_bytes of a line too long)
    std::uint64_t length = 0;   ///< the whole line's length, without the '\n'
    bool too_long = false;
    bool complete = false;      ///< ended by '\n' (false: the last line of the stream, unterminated)
  };
  line_reader(std::istream& in, std::size_t max_bytes) : in_(in), max_(max_bytes) {}
  /// The next line, nullopt at the end of the stream (or on a read error: see failed()).
  std::optional<line> next();
  /// Bytes consumed: the end of the last line returned, its '\n' included.
  std::uint64_t offset() const noexcept { return offset_; }
  bool failed() const noexcept;

 private:
  std::istream& in_;
  std::size_t max_;
  std::string buf_;
  std::uint64_t offset_ = 0;
};

/// The explicit "id" of an input line (a non-empty string member of an object), if it has one.
std::optional<std::string> explicit_id(std::string_view line);

/// One input line, classified.
struct input_item {
  enum class kind : std::uint8_t {
    request,       ///< `body` is the request (without "id")
    invalid,       ///< an error line is due: error_class and error say why (a line too long too)
    blank,         ///< an empty line: not a request, no output
    done,          ///< its id is in the output already (resume)
    other_shard,   ///< another shard's id
  };
  kind what = kind::blank;
  std::string id;
  std::size_t line = 0;
  boost::json::object body;
  std::string error_class;  ///< "invalid_input" or "duplicate_id"
  std::string error;
  std::string note;         ///< for the user, e.g. that a generated id yielded to an explicit one
};

/// Classifies input lines in order; remembers the ids seen, so a later line repeating one gets
/// a "duplicate_id" error line under a generated id. A line without an "id" (or one whose id
/// cannot be used) gets a generated id: its 1-based line number N, unless "N" is an explicit id
/// of the file (`explicit_ids`, every explicit id of the whole input, gathered by a first pass)
/// or of an earlier line; then "line-N" (then "line-N-2", ...). So a generated id never takes
/// an id that a line names, and the choice is the same on every run over the same file.
class input_planner {
 public:
  input_planner(shard s, const std::unordered_set<std::string>* done,
                const std::unordered_set<std::string>* explicit_ids = nullptr)
      : shard_(s), done_(done), explicit_(explicit_ids) {}
  input_item next(std::string_view text, std::size_t line_no);
  /// A line longer than --max-line-bytes (`max`), `length` bytes: an invalid_input error line.
  input_item too_long(std::size_t line_no, std::uint64_t length, std::size_t max);

 private:
  std::string generated_id(std::size_t line_no) const;
  bool taken(const std::string& id) const;
  input_item finish(input_item it);

  shard shard_;
  const std::unordered_set<std::string>* done_;
  const std::unordered_set<std::string>* explicit_;
  std::unordered_set<std::string> seen_;
};

/// What an existing output file holds: the ids with a line, and how many bytes are whole lines
/// (a last line cut by a crash is dropped: the file is to be truncated to `keep_bytes`).
struct output_scan {
  std::unordered_set<std::string> ids;
  std::uint64_t keep_bytes = 0;
  bool dropped_partial = false;   ///< a trailing partial line was found
  std::size_t unreadable = 0;     ///< whole lines that are not an object with a string "id"
  std::size_t duplicates = 0;     ///< ids found on more than one line
  std::size_t error_lines = 0;    ///< lines carrying an "error"
};
output_scan scan_output(std::istream& in, std::size_t max_line = max_output_line_bytes);
/// Whether an output line is a result: an object with a string "id" and no "error".
bool is_result_line(std::string_view line);

/// [begin, end) byte offsets of a file.
using byte_range = std::pair<std::uint64_t, std::uint64_t>;
/// --retry-errors: the parts of an output file to keep, every whole line except error lines
/// (adjacent lines merged into one range). Lines that are not ours (not JSON) are kept: they
/// may hold results. A cut last line is left out.
std::vector<byte_range> lines_to_keep(std::istream& in, std::size_t max_line = max_output_line_bytes);

/// The output line (JSON + '\n') of a failed id. Every string in it is made valid UTF-8
/// (ill-formed bytes from headers become U+FFFD), so that resume can read it back.
std::string error_line_json(const std::string& id, std::size_t line, std::string_view cls, unsigned status,
                            std::string_view code, const std::string& message, boost::json::object extra = {});
/// The output line of a result: `fields` (content, model, usage...) after "id" and "line".
std::string result_line_json(const std::string& id, std::size_t line, boost::json::object fields);

}  // namespace openrouter::cli::batch
