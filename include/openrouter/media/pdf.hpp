#pragma once
// PDF input (sans-I/O): `file` content parts, the file-parser plugin with its engine choice, and
// the follow-up conversation that sends the parse result (the assistant's file annotations) back
// so the PDF is not parsed, and paid for, twice.

#include <openrouter/wire/chat_request.hpp>
#include <openrouter/wire/chat_response.hpp>
#include <openrouter/wire/message.hpp>

#include <boost/system/error_code.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace openrouter::media {

enum class pdf_engine {
  cloudflare_ai,  ///< "cloudflare-ai": converts to markdown, free
  mistral_ocr,    ///< "mistral-ocr": scanned or image-heavy PDFs, billed per page
  native,         ///< "native": the model reads the file itself (billed as input tokens)
};

/// The wire name ("cloudflare-ai", "mistral-ocr", "native").
std::string_view engine_name(pdf_engine e) noexcept;
/// Parses an engine name; the deprecated "pdf-text" maps to cloudflare_ai (where OpenRouter
/// redirects it). nullopt for unknown names.
std::optional<pdf_engine> parse_pdf_engine(std::string_view name) noexcept;

/// A `file` part holding `bytes` as a data:application/pdf URL. Content that is not a PDF fails
/// with errc::unknown_media_type.
wire::content_part pdf_part(std::string filename, std::string_view bytes, boost::system::error_code& ec);

/// Adds (or replaces) the file-parser plugin: {id:"file-parser", pdf:{engine}}; without an
/// engine OpenRouter picks (native when the model reads files, else mistral-ocr).
void use_file_parser(wire::chat_request& req, std::optional<pdf_engine> engine = std::nullopt);

/// The next request of a PDF conversation: `previous` (model, plugins and every message, the
/// file message included) + the assistant message of `answer`'s first choice, annotations and
/// all + `next_user`. errc::no_content when `answer` has no choice.
wire::chat_request follow_up(const wire::chat_request& previous, const wire::chat_response& answer,
                             wire::message next_user, boost::system::error_code& ec);

}  // namespace openrouter::media
