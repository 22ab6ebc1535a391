#pragma once
// gzip decoding of response bodies (Content-Encoding: gzip), bounded in output size.

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace openrouter::detail {

/// Inflates a gzip member into `out`. Fails with errc::response_too_large past `max_size`
/// bytes of output, errc::bad_response for a corrupt or truncated stream.
void gunzip(std::string_view in, std::size_t max_size, std::string& out, boost::system::error_code& ec);

}  // namespace openrouter::detail
