#pragma once
// The `format` values draft 7 defines that this validator asserts, and the content checks
// (contentEncoding base64, contentMediaType application/json). Formats not listed here
// (idn-email, idn-hostname, and any unknown name) stay annotations, reported as not validated.

#include <cstdint>
#include <optional>
#include <string_view>

namespace openrouter::schema::detail {

enum class format : std::uint8_t {
  date_time, date, time, email, hostname, ipv4, ipv6, uri, uri_reference, iri, iri_reference,
  uri_template, json_pointer, relative_json_pointer, regex, uuid,
};

std::optional<format> format_from_name(std::string_view name) noexcept;

/// Whether `s` is a valid instance of the format. Never throws.
bool format_matches(format f, std::string_view s);

/// Whether `s` is valid base64 (RFC 4648 section 4, padded; no whitespace).
bool is_base64(std::string_view s) noexcept;
/// Decodes valid base64 (check is_base64 first).
std::string base64_decode(std::string_view s);
/// Whether `s` is one JSON text.
bool is_json_text(std::string_view s);

}  // namespace openrouter::schema::detail
