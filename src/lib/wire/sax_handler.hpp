#pragma once
// What the wire decoders' Boost.JSON SAX handlers share (chat_chunk_fast.cpp, sax_decode.cpp):
// no limits of their own (the parser's options apply), no comments (json::parse refuses them
// too), and one way to decline a text, which leaves it to the DOM decoder. Private to src/lib/wire.
#include <boost/json/error.hpp>
#include <boost/json/string_view.hpp>

#include <cstddef>

namespace openrouter::wire::detail {

struct sax_handler_base {
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  /// Stops the parse: the text goes to the DOM decoder.
  static bool give_up(boost::json::error_code& ec) {
    ec = make_error_code(boost::system::errc::not_supported);
    return false;
  }

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code& ec) { return give_up(ec); }
  bool on_comment(boost::json::string_view, boost::json::error_code& ec) { return give_up(ec); }
};

}  // namespace openrouter::wire::detail
