#pragma once
// multipart/form-data bodies (RFC 7578) as openrouter-mock reads them (sans-I/O): the
// boundary from the Content-Type, every part's name, filename, content type and bytes.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::mock {

struct form_part {
  std::string name;
  std::optional<std::string> filename;  ///< set for a file part
  std::string content_type;             ///< the part's Content-Type ("" when absent)
  std::string data;
};

/// The parts of `body` sent with `content_type` ("multipart/form-data; boundary=..."). nullopt
/// (and `error` saying why) when the type is not multipart/form-data, the boundary is missing
/// or malformed, a part lacks its Content-Disposition name, or the body does not end with the
/// closing delimiter. Quoted names are unescaped (backslash escapes and the HTML encoder's
/// %22, %0D, %0A).
std::optional<std::vector<form_part>> parse_multipart(std::string_view content_type, std::string_view body,
                                                      std::string& error);

}  // namespace openrouter::mock
