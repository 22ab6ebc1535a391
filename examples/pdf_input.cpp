// PDF input: a PDF (argv[1], else a small built-in invoice) sent as a `file` part with the
// file-parser plugin (engine from OPENROUTER_PDF_ENGINE: cloudflare-ai by default, mistral-ocr,
// native; the deprecated pdf-text is accepted), a JSON answer, then a follow-up question that
// sends the assistant's file annotations back so the PDF is not parsed (and paid for) again.
#include "common/example.hpp"

#include <openrouter/media.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace media = openrouter::media;
namespace wire = openrouter::wire;
using openrouter::errc;

namespace {

// A one-page PDF with a line of text; the cross-reference offsets are computed, so strict
// parsers accept it.
std::string invoice_pdf() {
  const std::string text = "BT /F1 14 Tf 72 720 Td (Invoice INV-001, total 1234.50 EUR) Tj ET";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length " + std::to_string(text.size()) + " >>\nstream\n" + text + "\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t off : offsets) {
    std::string n = std::to_string(off);
    pdf += std::string(10 - n.size(), '0') + n + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

bool has_file_annotation(const wire::message& m) {
  if (!m.annotations.is_array()) return false;
  for (const auto& a : m.annotations.get_array())
    if (a.is_object() && a.get_object().contains("type") && a.get_object().at("type") == "file") return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "";
  return example::run([path](example::session& s) -> boost::asio::awaitable<void> {
    std::string pdf = invoice_pdf();
    if (!path.empty()) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      if (!in) throw example::failure{make_error_code(errc::file_io_failed), path};
      pdf = std::move(ss).str();
    }
    const char* engine_env = std::getenv("OPENROUTER_PDF_ENGINE");
    std::string engine_name = engine_env && *engine_env ? engine_env : "cloudflare-ai";
    auto engine = media::parse_pdf_engine(engine_name);
    if (!engine) throw example::failure{make_error_code(errc::invalid_argument), "unknown PDF engine " + engine_name};

    boost::system::error_code ec;
    auto part = media::pdf_part(path.empty() ? "invoice.pdf" : path, pdf, ec);
    if (ec) throw example::failure{ec, "not a PDF"};
    wire::chat_request req;
    req.model = s.model();
    req.messages = {wire::message::user(
        {wire::text_part("Extract the invoice number and the total as a JSON object with keys \"invoice\" and "
                         "\"total\"."),
         part})};
    media::use_file_parser(req, engine);
    req.response_format = wire::json_object_format();

    openrouter::diagnostics diag;
    auto op = s.client().async_chat(req, diag, example::tuple);
    auto [cec, res] = co_await std::move(op);
    example::check(cec, diag);
    boost::system::error_code jec;
    auto answer = boost::json::parse(res.text(), jec);
    if (jec) throw example::failure{make_error_code(errc::bad_json), "the answer is not JSON: " + res.text()};
    std::cout << "json (" << media::engine_name(*engine) << "): " << boost::json::serialize(answer) << '\n';
    bool annotated = !res.choices.empty() && has_file_annotation(res.choices.front().message);

    auto next = media::follow_up(req, res, wire::message::user("Which currency is the total in? One word."), ec);
    if (ec) throw example::failure{ec, "no assistant message to follow up on"};
    next.response_format.reset();
    auto op2 = s.client().async_chat(std::move(next), diag, example::tuple);
    auto [fec, res2] = co_await std::move(op2);
    example::check(fec, diag);
    std::cout << "follow-up: " << res2.text() << '\n';
    std::cout << (annotated ? "parsed once: the follow-up sent the file annotations back\n"
                            : "parsed once: no file annotations came back (the model read the PDF natively)\n");
  });
}
