#pragma once
// A multipart/form-data body (RFC 7578), for uploads (POST /audio/transcriptions).
//
// The boundary is random and checked against every byte of the parts: a boundary found
// anywhere in the payload is drawn again, so no part can end the body early. Field names and
// file names are quoted as the HTML standard's form encoder does it: '"' becomes %22, CR %0D
// and LF %0A (a name cannot break out of its header line). Values and file bytes are sent as
// they are (binary-safe).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace openrouter::detail {

class multipart_form {
 public:
  void add_field(std::string_view name, std::string_view value);
  /// `content_type` empty: application/octet-stream. CR and LF in it are dropped.
  void add_file(std::string_view name, std::string_view file_name, std::string_view content_type,
                std::string_view bytes);

  struct encoded {
    std::string content_type;  ///< "multipart/form-data; boundary=<boundary>"
    std::string body;
  };
  /// The body with a random boundary.
  encoded encode() const;
  /// The same with the boundary candidates drawn from `next_boundary` (tests); a candidate is
  /// used when it occurs in no part and is 1 to 70 characters of [0-9A-Za-z'()+_,-./:=?].
  encoded encode(const std::function<std::string()>& next_boundary) const;

 private:
  struct part {
    std::string head;  ///< the part's header lines, each ending in CRLF
    std::string data;
  };
  std::vector<part> parts_;
};

/// `s` as a quoted multipart header value: "..." with '"', CR, LF percent-encoded.
std::string quote_form_name(std::string_view s);

}  // namespace openrouter::detail
