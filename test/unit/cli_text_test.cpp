// The CLI's common text handling, sans-I/O: strict numbers from the command line, UTF-8 repair
// for the lines we write, and the terminal filter that keeps server text from steering a
// terminal (issue 12, defects 5 and 9).
#include "common/numbers.hpp"
#include "common/text.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

namespace numbers = openrouter::cli::numbers;
namespace text = openrouter::cli::text;

BOOST_AUTO_TEST_SUITE(cli_text_test)

BOOST_AUTO_TEST_CASE(numbers_are_the_whole_text_or_nothing) {
  BOOST_TEST((numbers::parse_int("42") == 42));
  BOOST_TEST((numbers::parse_int("-7") == -7));
  BOOST_TEST((numbers::parse_int("9223372036854775807") == std::numeric_limits<std::int64_t>::max()));
  for (const char* bad : {"", "-", "+5", " 5", "5 ", "5x", "1.5", "1e3", "0x10", "9223372036854775808",
                          "99999999999999999999999", "--1", "nan", "inf"})
    BOOST_TEST(!numbers::parse_int(bad).has_value(), bad);

  BOOST_TEST((numbers::parse_uint("18446744073709551615") == std::numeric_limits<std::uint64_t>::max()));
  for (const char* bad : {"-1", "-0", "", "18446744073709551616", "1,0", "+1"})
    BOOST_TEST(!numbers::parse_uint(bad).has_value(), bad);

  BOOST_TEST((numbers::parse_real("1.5") == 1.5));
  BOOST_TEST((numbers::parse_real("-2") == -2.0));
  BOOST_TEST((numbers::parse_real("1e-3") == 1e-3));
  BOOST_TEST(std::isinf(*numbers::parse_real("inf")));
  BOOST_TEST(std::isnan(*numbers::parse_real("nan")));  // returned: the caller rejects it
  for (const char* bad : {"", "1e400", "-1e400", "0x10", "2x", " 1", "1 ", "+1", "1,5", "."})
    BOOST_TEST(!numbers::parse_real(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(utf8_is_checked_and_repaired) {
  BOOST_TEST(text::is_valid_utf8("plain ascii"));
  BOOST_TEST(text::is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));  // é € 😀
  for (const char* bad : {"\xff", "\xc3", "\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xf8\x88\x80\x80\x80", "\x80"})
    BOOST_TEST(!text::is_valid_utf8(bad), bad);
  const std::string fffd = "\xef\xbf\xbd";
  BOOST_TEST(text::to_valid_utf8("a\xff" "b") == "a" + fffd + "b");
  BOOST_TEST(text::to_valid_utf8("\xc3\x28") == fffd + "(");            // the bad lead alone, then '('
  BOOST_TEST(text::to_valid_utf8("\xe2\x82") == fffd);                   // a cut sequence is one subpart
  BOOST_TEST(text::to_valid_utf8("\xed\xa0\x80") == fffd + fffd + fffd);  // a surrogate: each byte
  BOOST_TEST(text::to_valid_utf8("ok \xc3\xa9") == "ok \xc3\xa9");
  for (const char* s : {"\xff\xfe", "\xf0\x9f\x98", "x\xe0\x80y", "\xc3\xa9\x80"})
    BOOST_TEST(text::is_valid_utf8(text::to_valid_utf8(s)), s);
}

BOOST_AUTO_TEST_CASE(terminal_filter_shows_control_characters) {
  text::terminal_filter f;
  BOOST_TEST(f.feed("plain\ttext\n") == "plain\ttext\n");
  BOOST_TEST(f.feed("\x1b[31mred\x1b]0;title\x07") == "\\x1b[31mred\\x1b]0;title\\x07");
  BOOST_TEST(f.feed("cr\rdel\x7f nul") == "cr\\x0ddel\\x7f nul");
  BOOST_TEST(f.feed(std::string("\0", 1)) == "\\x00");
  BOOST_TEST(f.feed("\xc2\x9b" "2J") == "\\u009b2J");  // C1 CSI
  BOOST_TEST(f.feed("\xc2\x85") == "\\u0085");         // NEL
  BOOST_TEST(f.feed("\xc2\xa0\xe2\x82\xac") == "\xc2\xa0\xe2\x82\xac");  // U+00A0 and € pass
  BOOST_TEST(f.feed("\x9b\xff") == "\\x9b\\xff");  // raw C1 bytes and non-UTF-8: shown, never sent
  BOOST_TEST(f.finish().empty());
}

BOOST_AUTO_TEST_CASE(terminal_filter_joins_sequences_cut_between_pieces) {
  text::terminal_filter f;
  BOOST_TEST(f.feed("a\xc2") == "a");  // held
  BOOST_TEST(f.feed("\x9b" "b") == "\\u009bb");
  BOOST_TEST(f.feed("\xe2\x82") == "");
  BOOST_TEST(f.feed("\xac") == "\xe2\x82\xac");
  BOOST_TEST(f.feed("\xf0") == "");
  BOOST_TEST(f.finish() == "\\xf0");  // the text ended inside a sequence
  BOOST_TEST(f.feed("\xe2\x82") == "");
  BOOST_TEST(f.feed("\n") == "\\xe2\\x82\n");  // not continued: shown
}

BOOST_AUTO_TEST_CASE(terminal_streambuf_filters_what_an_ostream_prints) {
  std::ostringstream sink;
  {
    text::terminal_streambuf buf(sink.rdbuf());
    std::ostream os(&buf);
    os << "x\x1b[2J" << 'y' << '\x07' << "\xc2" << std::flush;
    BOOST_TEST(sink.str() == "x\\x1b[2Jy\\x07");
    os << "\x9b" << std::endl;
  }
  BOOST_TEST(sink.str() == "x\\x1b[2Jy\\x07\\u009b\n");
}

BOOST_AUTO_TEST_SUITE_END()
