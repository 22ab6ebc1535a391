#include "excerpt.hpp"

#include <algorithm>

namespace openrouter::detail {

std::string excerpt(std::string_view body, const std::string& key, std::size_t max_bytes) {
  // Redact over the whole body first: only then is a key that the cut would split found. Only
  // as much of the body is copied as can reach the excerpt (a key occurrence starting before
  // the cut may extend past it by key.size() - 1 bytes).
  // (+1: the byte after the cut says whether the cut falls inside a UTF-8 sequence.)
  std::size_t window = max_bytes + 1 + key.size();
  std::string s;
  if (key.empty()) {
    s.assign(body.substr(0, window));
  } else {
    s.reserve(std::min(body.size(), window) + 16);
    std::size_t pos = 0;
    while (pos < body.size() && s.size() < window) {
      const std::size_t room = window - s.size();
      // A key that starts within `room` of pos: found even if it reaches past the window.
      std::size_t hit = body.substr(0, std::min(body.size(), pos + room + key.size())).find(key, pos);
      if (hit == std::string_view::npos || hit - pos >= room) {
        s.append(body.substr(pos, room));
        break;
      }
      s.append(body.substr(pos, hit - pos));
      s += "[redacted]";
      pos = hit + key.size();
    }
  }
  if (s.size() > max_bytes) {
    std::size_t cut = max_bytes;
    // Back up over continuation bytes (10xxxxxx) to the start of the sequence being cut.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = ' ';
  return s;
}

}  // namespace openrouter::detail
