#pragma once
// The chunk's own decoders behind parse_chat_chunk() (private; the differential tests call each
// alone). Chunks the fast path declines go to the generic detail::parse (codec.hpp).
#include <openrouter/wire/chat_chunk.hpp>

#include <boost/system/error_code.hpp>

#include <string_view>

namespace openrouter::wire::detail {

/// SAX decode of the shape nearly every streamed chunk has, straight into `out`, reusing the
/// capacity of its strings, vectors and `extra` objects. Returns false for anything it does not
/// model exactly (usage, error, tool calls, unknown or duplicate keys, unexpected kinds, invalid
/// JSON...): `out` is then half-written and the caller must run parse_chat_chunk_dom().
bool parse_chat_chunk_fast(std::string_view json, chat_chunk& out);

/// Whether `c` holds what only the DOM decoder produces (tool calls, usage, an error, reasoning
/// details, unknown keys with values...). Never true after a fast decode.
bool holds_dom_only_content(const chat_chunk& c) noexcept;

/// The reference decoder (Boost.JSON DOM + the field-tuple codec, never the SAX decoders): it
/// defines the semantics and reports the errors. Resets `out` first.
void parse_chat_chunk_dom(std::string_view json, chat_chunk& out, boost::system::error_code& ec);

}  // namespace openrouter::wire::detail
