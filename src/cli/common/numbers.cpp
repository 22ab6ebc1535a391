#include "numbers.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace openrouter::cli::numbers {

namespace {

bool all_digits(std::string_view t) noexcept {
  if (t.empty()) return false;
  for (char c : t)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_int(std::string_view text) noexcept {
  std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (!all_digits(digits)) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_uint(std::string_view text) noexcept {
  if (!all_digits(text)) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_real(std::string_view text) noexcept {
  if (text.empty() || text.starts_with('+')) return std::nullopt;
  // from_chars(general) takes neither "0x" prefixes nor blanks; "inf", "infinity" and "nan"
  // (any case) it does take.
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;  // out of range: "1e400"
  return v;
}

}  // namespace openrouter::cli::numbers
