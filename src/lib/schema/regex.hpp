#pragma once
// ECMA-262 regular expressions (as `pattern` uses them) on Boost.Regex. Boost.Regex's
// ECMAScript grammar is Perl's, so the pattern is rewritten where the two differ: `^` and `$`
// anchor at the ends of the string only, `.` excludes line terminators, \d \w are ASCII,
// \s is ECMA's Unicode whitespace, \uXXXX is a code point, `[]` and `[^]` are the empty and
// the full class. Matching runs on code points (UTF-32), so `.` and lengths are per
// character, not per byte. Boost.Regex (v5) is header-only and its matcher keeps its state
// on the heap, so no input can overflow the stack.

#include <memory>
#include <string>
#include <string_view>

namespace openrouter::schema::detail {

class regex {
 public:
  /// Throws std::invalid_argument (what(): Boost's reason) for a pattern that does not compile.
  explicit regex(std::string_view ecma_pattern);
  ~regex();
  regex(const regex&) = delete;
  regex& operator=(const regex&) = delete;

  /// Whether the pattern matches anywhere in `utf8`. Throws eval_failure (regex_limit) when
  /// the match exceeds Boost.Regex's complexity limit.
  bool search(std::string_view utf8) const;

  const std::string& source() const noexcept { return source_; }

 private:
  struct impl;
  std::string source_;
  std::unique_ptr<impl> impl_;
};

}  // namespace openrouter::schema::detail
