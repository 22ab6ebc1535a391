#pragma once
// Text from a server, made safe where it goes: valid UTF-8 for the JSON lines we write (a line
// the JSON parser rejects cannot be read back), and inert bytes for a terminal (a model or a
// server must not be able to send escape sequences to the user's terminal). Sans-I/O.

#include <cstddef>
#include <streambuf>
#include <string>
#include <string_view>

namespace openrouter::cli::text {

/// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;
/// `s` with every ill-formed sequence replaced by U+FFFD (one per maximal ill-formed subpart).
std::string to_valid_utf8(std::string_view s);

/// Makes text safe to show on a terminal: control characters other than \n and \t become
/// visible escapes (C0 and DEL: "\x1b"; C1, U+0080 to U+009F: "\u009b"), and so do bytes
/// that are not UTF-8 ("\xff"); everything else passes unchanged. Text may arrive in pieces
/// (a stream's chunks): a sequence cut between two pieces is held until the next one.
class terminal_filter {
 public:
  /// The safe form of `piece` (minus an unfinished sequence at its end, held back).
  std::string feed(std::string_view piece);
  /// What is held back, escaped: the text has ended.
  std::string finish();

 private:
  std::string held_;
};

/// A streambuf that writes through a terminal_filter to another streambuf: installed on
/// std::cout when it is a terminal, so that nothing printed there can steer the terminal.
class terminal_streambuf : public std::streambuf {
 public:
  explicit terminal_streambuf(std::streambuf* to) : to_(to) {}
  ~terminal_streambuf() override;
  terminal_streambuf(const terminal_streambuf&) = delete;
  terminal_streambuf& operator=(const terminal_streambuf&) = delete;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  std::streambuf* to_;
  terminal_filter filter_;
};

}  // namespace openrouter::cli::text
