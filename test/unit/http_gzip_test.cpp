// gzip inflate of response bodies (src/lib/http/gzip.cpp): exact round trips, the output limit
// (a zip bomb stops at the limit, whatever it expands to), and no silently shorter body: a cut
// stream, trailing bytes and a later gzip member are an error or are decoded, never dropped.
#include "http/gzip.hpp"

#include <openrouter/error.hpp>

#include <boost/test/unit_test.hpp>

#include <zlib.h>

#include <string>

namespace {

using openrouter::errc;
using openrouter::detail::gunzip;

std::string gz(std::string_view in, int level = 6) {
  z_stream z{};
  BOOST_TEST_REQUIRE(deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  BOOST_TEST_REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string body(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; s.size() < n; ++i) s += "{\"i\":" + std::to_string(i * 7919 % 10007) + "},";
  s.resize(n);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_gzip_test)

BOOST_AUTO_TEST_CASE(round_trip_up_to_the_limit) {
  for (std::size_t n : {0u, 1u, 100u, 4096u, 70000u}) {
    const std::string b = body(n), z = gz(b);
    std::string out;
    boost::system::error_code ec;
    gunzip(z, n, out, ec);  // exactly at the limit
    BOOST_TEST(!ec, n << ": " << ec.message());
    BOOST_TEST((out == b), n);
    if (n == 0) continue;
    gunzip(z, n - 1, out, ec);  // one byte over
    BOOST_TEST((ec == errc::response_too_large), n << ": " << ec.message());
    BOOST_TEST(out.empty());
  }
}

BOOST_AUTO_TEST_CASE(a_zip_bomb_stops_at_the_limit) {
  // 64 MiB of zeros is 64 KiB of gzip; the limit is 1 MiB
  const std::string z = gz(std::string(64u << 20, '\0'), 9);
  BOOST_TEST(z.size() < 100000u);
  std::string out;
  boost::system::error_code ec;
  gunzip(z, 1u << 20, out, ec);
  BOOST_TEST((ec == errc::response_too_large), ec.message());
  BOOST_TEST(out.empty());
  BOOST_TEST(out.capacity() <= (2u << 20));  // the buffer never grew far past the limit
}

BOOST_AUTO_TEST_CASE(a_cut_stream_is_an_error) {
  const std::string z = gz(body(5000));
  for (std::size_t cut = 0; cut < z.size(); cut += 1 + cut / 8) {
    std::string out;
    boost::system::error_code ec;
    gunzip(z.substr(0, cut), 1u << 20, out, ec);
    BOOST_TEST((ec == errc::bad_response), cut << ": " << ec.message());
    BOOST_TEST(out.empty());
  }
}

BOOST_AUTO_TEST_CASE(every_member_is_decoded_and_trailing_bytes_are_an_error) {
  // RFC 1952 2.2: a gzip file is a series of members. Dropping the later ones would be a
  // silently shorter body.
  const std::string a = body(3000), b = "and the second half";
  std::string out;
  boost::system::error_code ec;
  gunzip(gz(a) + gz(b, 1), 1u << 20, out, ec);
  BOOST_TEST(!ec, ec.message());
  BOOST_TEST((out == a + b));

  gunzip(gz(a) + gz(b), a.size() + b.size() - 1, out, ec);  // the limit counts every member
  BOOST_TEST((ec == errc::response_too_large), ec.message());

  for (const std::string& tail : {std::string("garbage"), std::string(1, '\0'), gz(b).substr(0, 12)}) {
    gunzip(gz(a) + tail, 1u << 20, out, ec);
    BOOST_TEST((ec == errc::bad_response), ec.message());
    BOOST_TEST(out.empty());
  }
}

BOOST_AUTO_TEST_CASE(not_gzip_is_an_error) {
  for (const std::string& in : {std::string(), std::string("{\"a\":1}"), std::string("\x1f\x8b\x08\x00", 4),
                               std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)}) {
    std::string out;
    boost::system::error_code ec;
    gunzip(in, 1u << 20, out, ec);
    BOOST_TEST((ec == errc::bad_response), ec.message());
    BOOST_TEST(out.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()
