// libFuzzer target for `openrouter batch` files (src/cli/batch/jsonl.cpp): the input JSONL
// reader (input_planner) and the resume scan of an existing output file (scan_output).
//
// The input is [shard byte][file bytes]. The bytes are scanned as an output file, then planned
// line by line as an input file (shard K/N from the shard byte; the scan's ids as the done set,
// as a resumed run has). Properties:
// - the scan keeps exactly the whole lines (keep_bytes ends at the last '\n'), drops a partial
//   last line exactly when there is one, and accounts for every whole line (an id, unreadable
//   or a duplicate);
// - every non-blank input line gets a non-empty id, and no two lines share an id (each id is
//   answered exactly once); a request's body has no "id"; invalid lines carry a class and a
//   reason; done / other_shard / request follow the done set and the shard;
// - the output line written for each request or error reads back (resume) under its id, as a
//   result or as an error line.
#include "fuzz_common.hpp"

#include "../../src/cli/batch/jsonl.hpp"

#include <algorithm>
#include <new>
#include <sstream>
#include <unordered_map>

namespace openrouter::fuzz::jsonl {

using namespace openrouter::cli::batch;

inline std::string check(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return {};
  const std::string_view text = as_text(data + 1, size - 1);
  shard sh;
  sh.n = 1 + (data[0] >> 4) % 4;
  sh.k = 1 + (data[0] & 15) % sh.n;

  // The resume scan.
  std::istringstream file{std::string(text)};
  const output_scan scan = scan_output(file);
  const std::size_t last_nl = text.rfind('\n');
  const std::uint64_t whole = last_nl == std::string_view::npos ? 0 : last_nl + 1;
  if (scan.keep_bytes != whole)
    return "keep_bytes " + std::to_string(scan.keep_bytes) + ", the whole lines end at " + std::to_string(whole);
  if (scan.dropped_partial != (whole < text.size())) return "dropped_partial is wrong";
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  if (scan.ids.size() + scan.unreadable + scan.duplicates != lines)
    return std::to_string(lines) + " whole lines, but " + std::to_string(scan.ids.size()) + " ids + " +
           std::to_string(scan.unreadable) + " unreadable + " + std::to_string(scan.duplicates) + " duplicates";

  // The input planner, over the same lines.
  input_planner planner(sh, &scan.ids);
  std::unordered_map<std::string, std::size_t> ids;  // id -> line
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    input_item it;
    try {
      it = planner.next(line, line_no);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      return "input_planner threw " + std::string(e.what()) + " on line " + std::to_string(line_no);
    }
    const std::string where = " (line " + std::to_string(line_no) + ": " + printable(line) + ")";
    if (it.line != line_no) return "wrong line number" + where;
    std::string_view trimmed = line;
    if (!trimmed.empty() && trimmed.back() == '\r') trimmed.remove_suffix(1);
    const bool blank = trimmed.find_first_not_of(" \t") == std::string_view::npos;
    if (blank != (it.what == input_item::kind::blank)) return "blank lines misjudged" + where;
    if (blank) continue;
    if (it.id.empty()) return "an empty id" + where;
    if (auto [at, fresh] = ids.emplace(it.id, line_no); !fresh)
      return "lines " + std::to_string(at->second) + " and " + std::to_string(line_no) + " both have the id \"" +
             printable(it.id) + "\"" + where;
    switch (it.what) {
      case input_item::kind::other_shard:
        if (sh.owns(it.id)) return "other_shard for an id of this shard" + where;
        break;
      case input_item::kind::done:
        if (!sh.owns(it.id) || !scan.ids.count(it.id)) return "done for an id that is not done" + where;
        break;
      case input_item::kind::request:
      case input_item::kind::invalid: {
        if (!sh.owns(it.id) || scan.ids.count(it.id)) return "work for an id of another shard or done" + where;
        std::string out;
        if (it.what == input_item::kind::request) {
          if (it.body.contains("id")) return "a request body keeps its \"id\"" + where;
          out = result_line_json(it.id, it.line, boost::json::object{{"content", "x"}});  // as the CLI writes it
          if (!is_result_line(out)) return "its result line is not read back as a result: " + printable(out) + where;
        } else {
          if (it.error_class != "invalid_input" && it.error_class != "duplicate_id")
            return "unknown error class " + it.error_class + where;
          if (it.error.empty()) return "an invalid line without a reason" + where;
          out = error_line_json(it.id, it.line, it.error_class, 0, {}, it.error);
          if (is_result_line(out)) return "its error line reads back as a result" + where;
        }
        std::istringstream back(out);
        const output_scan s = scan_output(back);
        if (s.ids.size() != 1 || !s.ids.count(it.id) || s.keep_bytes != out.size())
          return "its output line does not read back under its id: " + printable(out) + where;
        break;
      }
      case input_item::kind::blank: break;
    }
  }
  return {};
}

}  // namespace openrouter::fuzz::jsonl

OPENROUTER_FUZZ_TARGET("jsonl_fuzz", openrouter::fuzz::jsonl::check)
