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

/// One input line, classified.
struct input_item {
  enum class kind : std::uint8_t {
    request,       ///< `body` is the request (without "id")
    invalid,       ///< an error line is due: error_class and error say why
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
};

/// Classifies input lines in order; remembers the ids seen, so a later line repeating one gets
/// a "duplicate_id" error line under the id of its line number. Lines without an "id" have their
/// 1-based line number as id.
class input_planner {
 public:
  input_planner(shard s, const std::unordered_set<std::string>* done) : shard_(s), done_(done) {}
  input_item next(std::string_view text, std::size_t line_no);

 private:
  shard shard_;
  const std::unordered_set<std::string>* done_;
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
output_scan scan_output(std::istream& in);
/// Whether an output line is a result: an object with a string "id" and no "error".
bool is_result_line(std::string_view line);

/// The output line (JSON + '\n') of a failed id.
std::string error_line_json(const std::string& id, std::size_t line, std::string_view cls, unsigned status,
                            std::string_view code, const std::string& message, boost::json::object extra = {});
/// The output line of a result: `fields` (content, model, usage...) after "id" and "line".
std::string result_line_json(const std::string& id, std::size_t line, boost::json::object fields);

}  // namespace openrouter::cli::batch
