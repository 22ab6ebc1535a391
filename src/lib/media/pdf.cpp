#include <openrouter/media/pdf.hpp>

#include <openrouter/error.hpp>
#include <openrouter/media/data_url.hpp>

#include <algorithm>

namespace openrouter::media {
using boost::system::error_code;

std::string_view engine_name(pdf_engine e) noexcept {
  switch (e) {
    case pdf_engine::cloudflare_ai: return "cloudflare-ai";
    case pdf_engine::mistral_ocr: return "mistral-ocr";
    case pdf_engine::native: return "native";
  }
  return "cloudflare-ai";
}

std::optional<pdf_engine> parse_pdf_engine(std::string_view name) noexcept {
  if (name == "cloudflare-ai" || name == "pdf-text") return pdf_engine::cloudflare_ai;
  if (name == "mistral-ocr") return pdf_engine::mistral_ocr;
  if (name == "native") return pdf_engine::native;
  return std::nullopt;
}

wire::content_part pdf_part(std::string filename, std::string_view bytes, error_code& ec) {
  ec = {};
  if (sniff_mime(bytes) != "application/pdf") {
    ec = make_error_code(errc::unknown_media_type);
    return {};
  }
  return wire::file_part(std::move(filename), make_data_url(bytes, "application/pdf", ec));
}

void use_file_parser(wire::chat_request& req, std::optional<pdf_engine> engine) {
  boost::json::object plugin{{"id", "file-parser"}};
  if (engine) plugin["pdf"] = boost::json::object{{"engine", engine_name(*engine)}};
  auto it = std::find_if(req.plugins.begin(), req.plugins.end(), [](const boost::json::object& p) {
    auto id = p.find("id");
    return id != p.end() && id->value() == "file-parser";
  });
  if (it != req.plugins.end()) *it = std::move(plugin);
  else req.plugins.push_back(std::move(plugin));
}

wire::chat_request follow_up(const wire::chat_request& previous, const wire::chat_response& answer,
                             wire::message next_user, error_code& ec) {
  ec = {};
  if (answer.choices.empty()) {
    ec = make_error_code(errc::no_content);
    return previous;
  }
  wire::chat_request next = previous;
  // The assistant message goes back as it came, annotations included: they carry the parsed
  // text that lets OpenRouter skip parsing the same file again.
  wire::message assistant = answer.choices.front().message;
  if (assistant.role.empty()) assistant.role = "assistant";
  next.messages.push_back(std::move(assistant));
  next.messages.push_back(std::move(next_user));
  return next;
}

}  // namespace openrouter::media
