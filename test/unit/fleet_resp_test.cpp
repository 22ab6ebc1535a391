// fleet::resp_args / resp_command (src/lib/fleet/resp.hpp): the RESP the fleet writes to Redis
// itself. Counts that match the bulk strings (a count too high makes Redis wait for arguments
// that never come), lengths in bytes (binary-safe), numbers that read back exactly.
#include "fleet/resp.hpp"

#include <boost/test/unit_test.hpp>

#include <charconv>
#include <string>

using openrouter::fleet::resp_args;
using openrouter::fleet::resp_command;

BOOST_AUTO_TEST_SUITE(fleet_resp_test)

BOOST_AUTO_TEST_CASE(a_command_is_a_counted_array_of_bulk_strings) {
  resp_args a;
  a.add(std::string_view("k\r\n1")).add(42LL).add(-7LL);
  BOOST_TEST(a.count() == 3u);
  BOOST_TEST(resp_command("EVALSHA", "abc", a) ==
             "*5\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n$4\r\nk\r\n1\r\n$2\r\n42\r\n$2\r\n-7\r\n");
  resp_args argv;
  argv.add(std::string_view("PING"));
  BOOST_TEST(resp_command(argv) == "*1\r\n$4\r\nPING\r\n");
  BOOST_TEST(resp_command(resp_args{}) == "*0\r\n");
}

BOOST_AUTO_TEST_CASE(built_parts_append_with_their_counts) {
  resp_args keys, args;
  keys.add(2LL).add(std::string_view("a")).add(std::string_view(""));
  args.add(std::string_view("x"));
  resp_args tail = keys;
  tail.append(args);
  BOOST_TEST(tail.count() == 4u);
  BOOST_TEST(keys.count() == 3u);  // copied, not consumed
  BOOST_TEST(resp_command("EVAL", "return 1", tail) ==
             "*6\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\n2\r\n$1\r\na\r\n$0\r\n\r\n$1\r\nx\r\n");
}

BOOST_AUTO_TEST_CASE(doubles_read_back_exactly) {
  for (double v : {0.0, 0.1, 1e-9, 5.5499999999999994e-06, 600.0, 1e9, 123456.789}) {
    resp_args a;
    a.add(v);
    const std::string& b = a.bytes();
    const auto start = b.find("\r\n") + 2;
    const std::string text = b.substr(start, b.size() - start - 2);
    double back = -1;
    std::from_chars(text.data(), text.data() + text.size(), back);
    BOOST_TEST(back == v, text);
  }
}

BOOST_AUTO_TEST_SUITE_END()
