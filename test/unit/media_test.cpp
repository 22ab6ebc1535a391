// Media, sans-I/O: MIME sniffing, data URL round trips and malformed inputs, the remote-asset
// allowlist (every offending path reported), address screening for server-side fetches, image
// generation helpers (request shape, extraction from responses and chunks, stable names,
// atomic saves, no-image error, model choice) and PDF helpers (engines on the wire, the
// annotation-reuse follow-up).
#include <openrouter/config.hpp>
#include <openrouter/media.hpp>
#include <openrouter/routing/policy.hpp>
#include <openrouter/wire/all.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <unistd.h>

namespace openrouter {
// Boost.Test prints the values it compares.
inline std::ostream& operator<<(std::ostream& os, errc e) { return os << make_error_code(e).message(); }
}  // namespace openrouter

namespace fs = std::filesystem;
namespace json = boost::json;
namespace media = openrouter::media;
namespace wire = openrouter::wire;
using openrouter::errc;
using boost::system::error_code;
using namespace std::string_literals;

namespace {

const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + "rest";
const std::string jpeg = "\xff\xd8\xff\xe0" "JFIF";
const std::string gif = "GIF89a....";
const std::string webp = "RIFF\x10\0\0\0WEBPVP8 "s;
const std::string pdf = "%PDF-1.4\n%\xe2\xe3\n1 0 obj\n";

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "openrouter-media-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() { fs::remove_all(path); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

wire::chat_response response_from(std::string_view body) {
  wire::chat_response r;
  wire::decode_error err;
  wire::parse(body, r, err);
  BOOST_TEST_REQUIRE(!err);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(media_test)

BOOST_AUTO_TEST_CASE(sniffs_the_five_types_from_content_then_extension) {
  BOOST_TEST(media::sniff_mime(png) == "image/png");
  BOOST_TEST(media::sniff_mime(jpeg) == "image/jpeg");
  BOOST_TEST(media::sniff_mime(gif) == "image/gif");
  BOOST_TEST(media::sniff_mime(webp) == "image/webp");
  BOOST_TEST(media::sniff_mime(pdf) == "application/pdf");
  BOOST_TEST(media::sniff_mime("RIFF\x10\0\0\0WAVEfmt "s).empty());  // RIFF, but not WEBP
  BOOST_TEST(media::sniff_mime("<html>").empty());
  BOOST_TEST(media::sniff_mime("").empty());
  BOOST_TEST(media::sniff_mime("\x89PN").empty());  // truncated magic

  BOOST_TEST(media::mime_from_extension("a/b/Photo.JPEG") == "image/jpeg");
  BOOST_TEST(media::mime_from_extension("x.jpg") == "image/jpeg");
  BOOST_TEST(media::mime_from_extension("doc.Pdf") == "application/pdf");
  BOOST_TEST(media::mime_from_extension("noext").empty());
  BOOST_TEST(media::mime_from_extension("x.png.txt").empty());
  BOOST_TEST(media::extension_for("image/webp") == "webp");
}

BOOST_AUTO_TEST_CASE(data_urls_round_trip_bytes_and_type) {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  for (const std::string& bytes : {png, jpeg, gif, webp, pdf, png + all_bytes, pdf + "x", pdf + "xy"}) {
    error_code ec;
    std::string url = media::make_data_url(bytes, "", ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(url.starts_with("data:" + std::string(media::sniff_mime(bytes)) + ";base64,"));
    auto back = media::parse_data_url(url, ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(back.mime == media::sniff_mime(bytes));
    BOOST_TEST(back.bytes == bytes);
  }
  error_code ec;
  BOOST_TEST(media::make_data_url(png, "image/gif", ec).starts_with("data:image/gif;base64,"));  // caller's type wins
  media::make_data_url("plain text", "", ec);
  BOOST_TEST(ec == errc::unknown_media_type);
  // Parameters before ;base64 and an upper-case type are accepted; the type comes back lower-case.
  auto p = media::parse_data_url("DATA:Image/PNG;name=x.png;BASE64,aGk=", ec);
  BOOST_TEST(!ec);
  BOOST_TEST(p.mime == "image/png");
  BOOST_TEST(p.bytes == "hi");
}

BOOST_AUTO_TEST_CASE(malformed_data_urls_are_typed_errors) {
  for (std::string bad : {"", "http://x/y.png", "data:", "data:image/png;base64", "data:;base64,aGk=",
                          "data:image/png,aGk=",              // not base64 encoded
                          "data:image/png;base64,aGk",        // length not a multiple of 4
                          "data:image/png;base64,aG=k",       // padding in the middle
                          "data:image/png;base64,a*k=",       // outside the alphabet
                          "data:image/png;base64,aGk=\n",     // trailing newline
                          "data:image/png;base64,aGk===",     // too much padding
                          "data:/png;base64,aGk="}) {
    error_code ec;
    auto r = media::parse_data_url(bad, ec);
    BOOST_TEST(ec == errc::bad_data_url, bad);
    BOOST_TEST(r.bytes.empty());
  }
}

BOOST_AUTO_TEST_CASE(file_data_urls_sniff_then_fall_back_to_the_extension) {
  temp_dir d;
  std::ofstream(d.path / "blob.bin", std::ios::binary) << png;
  std::ofstream(d.path / "scan.pdf", std::ios::binary) << "not really a pdf";
  std::ofstream(d.path / "notes.txt", std::ios::binary) << "hello";
  error_code ec;
  BOOST_TEST(media::data_url_from_file(d.path / "blob.bin", ec).starts_with("data:image/png;base64,"));
  BOOST_TEST(!ec);
  BOOST_TEST(media::data_url_from_file(d.path / "scan.pdf", ec).starts_with("data:application/pdf;base64,"));
  BOOST_TEST(!ec);
  media::data_url_from_file(d.path / "notes.txt", ec);
  BOOST_TEST(ec == errc::unknown_media_type);
  media::data_url_from_file(d.path / "missing.png", ec);
  BOOST_TEST(ec == errc::file_io_failed);
}

BOOST_AUTO_TEST_CASE(allowlist_reports_every_offending_path) {
  openrouter::remote_asset_options opts;
  opts.allowed_hosts = {"  Images.Example.COM ", "cdn.example.org"};
  std::vector<wire::message> msgs;
  msgs.push_back(wire::message::system("be brief"));
  msgs.push_back(wire::message::user({wire::text_part("look"), wire::image_part("data:image/png;base64,aGk="),
                                      wire::image_part("https://evil.example/a.png"),
                                      wire::image_part("https://images.example.com/ok.png")}));
  msgs.push_back(wire::message::user({wire::file_part("a.pdf", "http://cdn.example.org/a.pdf"),
                                      wire::file_part("b.pdf", "ftp://cdn.example.org/b.pdf"),
                                      wire::image_part("https://images.example.com.evil.example/x.png"),
                                      wire::image_part("https://images.example.com@evil.example/x.png")}));
  auto v = media::find_asset_violations(msgs, opts);
  BOOST_TEST_REQUIRE(v.size() == 4u);
  BOOST_TEST(v[0].path == "messages[1].content[2].image_url.url");
  BOOST_TEST(v[0].reason.find("evil.example") != std::string::npos);
  BOOST_TEST(v[1].path == "messages[2].content[1].file.file_data");
  BOOST_TEST(v[2].path == "messages[2].content[2].image_url.url");
  BOOST_TEST(v[3].path == "messages[2].content[3].image_url.url");  // user-info does not fool the host check

  openrouter::diagnostics diag;
  auto ec = media::check_assets(msgs, opts, diag);
  BOOST_TEST(ec == errc::remote_asset_not_allowed);
  for (const auto& x : v) BOOST_TEST(diag.detail.find(x.path) != std::string::npos, x.path);

  // With an empty allowlist only data: URLs pass.
  opts.allowed_hosts.clear();
  BOOST_TEST(media::find_asset_violations(msgs, opts).size() == 6u);
  BOOST_TEST(media::url_refusal("data:application/pdf;base64,JVBERg==", opts).empty());
  BOOST_TEST(!media::check_assets({wire::message::user("text only")}, opts, diag));
}

BOOST_AUTO_TEST_CASE(allowlist_comes_from_the_environment) {
  ::setenv("OPENROUTER_ALLOWED_REMOTE_ASSET_HOSTS", " a.example , ,B.example,", 1);
  auto cfg = openrouter::client_config::from_env();
  ::unsetenv("OPENROUTER_ALLOWED_REMOTE_ASSET_HOSTS");
  BOOST_TEST(cfg.remote_assets.allowed_hosts == (std::vector<std::string>{"a.example", "B.example"}),
             boost::test_tools::per_element());
  BOOST_TEST(media::host_allowed("b.EXAMPLE", cfg.remote_assets));
  BOOST_TEST(!media::host_allowed("c.example", cfg.remote_assets));
  BOOST_TEST(!media::host_allowed("example", cfg.remote_assets));
}

BOOST_AUTO_TEST_CASE(fetch_addresses_are_screened) {
  openrouter::remote_asset_options opts;
  for (std::string ip : {"127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "100.64.0.1", "fc00::1", "fd12::1", "169.254.169.254", "169.254.1.1",
                         "fe80::1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255",
                         "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "fd00:ec2::254"})
    BOOST_TEST(!media::address_refusal(ip, opts).empty(), ip);
  BOOST_TEST(media::address_refusal("169.254.169.254", opts).find("metadata") != std::string::npos);
  for (std::string ip : {"93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111", "::ffff:1.1.1.1"})
    BOOST_TEST(media::address_refusal(ip, opts).empty(), ip);
  BOOST_TEST(!media::address_refusal("not-an-ip", opts).empty());

  // The flags open exactly their own ranges; metadata and link-local stay closed.
  opts.allow_loopback = true;
  BOOST_TEST(media::address_refusal("127.0.0.1", opts).empty());
  BOOST_TEST(media::address_refusal("::1", opts).empty());
  BOOST_TEST(!media::address_refusal("10.0.0.1", opts).empty());
  opts.allow_private = true;
  BOOST_TEST(media::address_refusal("10.0.0.1", opts).empty());
  BOOST_TEST(media::address_refusal("fc00::1", opts).empty());
  BOOST_TEST(!media::address_refusal("169.254.169.254", opts).empty());
  BOOST_TEST(!media::address_refusal("fe80::1", opts).empty());
}

BOOST_AUTO_TEST_CASE(image_requests_use_modalities_and_image_config) {
  // Initialised, not assigned: GCC 12 at -O1 reports assigning to the empty optional `model` as
  // "may be used uninitialized" (a false positive, the assignment constructs the string).
  wire::chat_request req{.model = "google/gemini-2.5-flash-image"};
  req.messages.push_back(wire::message::user("A glass teacup"));
  req.image_config["style"] = "photo";  // provider-specific keys survive
  media::request_images(req, {.aspect_ratio = "16:9", .image_size = "2K"});
  json::value v = json::parse(wire::serialize(req));
  BOOST_TEST(json::serialize(v.at("modalities")) == R"(["image","text"])");
  const auto& ic = v.at("image_config").as_object();
  BOOST_TEST(ic.at("aspect_ratio") == "16:9");
  BOOST_TEST(ic.at("image_size") == "2K");
  BOOST_TEST(ic.at("style") == "photo");
  BOOST_TEST(!ic.contains("size"));  // the older, undocumented key is never sent

  wire::chat_request only;
  media::image_request_options image_only;
  image_only.with_text = false;
  media::request_images(only, image_only);
  BOOST_TEST(only.modalities == (std::vector<std::string>{"image"}), boost::test_tools::per_element());
  BOOST_TEST(only.image_config.empty());
}

BOOST_AUTO_TEST_CASE(images_are_extracted_from_responses_and_chunks) {
  auto res = response_from(R"({"id":"gen-1","choices":[{"index":0,"message":{"role":"assistant","content":"x",
    "images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,BBBB"}}]}}]})");
  BOOST_TEST(media::image_urls(res) == (std::vector<std::string>{"data:image/png;base64,AAAA",
                                                                 "data:image/png;base64,BBBB"}),
             boost::test_tools::per_element());
  wire::chat_chunk chunk;
  wire::decode_error err;
  wire::parse(R"({"id":"gen-2","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant",
    "images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,CCCC"}}]}}]})", chunk, err);
  BOOST_TEST_REQUIRE(!err);
  BOOST_TEST(media::image_urls(chunk) == (std::vector<std::string>{"data:image/png;base64,CCCC"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(saved_images_have_stable_names_and_whole_content) {
  temp_dir d;
  error_code ec;
  std::string url = media::make_data_url(png, "", ec);
  auto res = response_from(R"({"id":"gen-17/../x","choices":[{"index":0,"message":{"role":"assistant","content":"",
    "images":[{"type":"image_url","image_url":{"url":")" + url + R"("}}]}}]})");
  auto saved = media::save_images(res, d.path, "Tea cup", ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST_REQUIRE(saved.size() == 1u);
  // Derived only from purpose, id and index: the same every time, and inside the directory.
  BOOST_TEST(saved[0].path.filename() == "Tea-cup-gen-17-..-x-0.png");
  BOOST_TEST(saved[0].path.parent_path() == d.path);
  BOOST_TEST(media::image_file_name("Tea cup", "gen-17/../x", 0, "image/png") == "Tea-cup-gen-17-..-x-0.png");
  BOOST_TEST(media::image_file_name("..", "", 2, "image/jpeg") == "image-no-id-2.jpg");
  BOOST_TEST(slurp(saved[0].path) == png);
  BOOST_TEST(saved[0].bytes == png.size());

  // Saving again replaces the file as a whole and leaves no temporary behind.
  auto again = media::save_images(res, d.path, "Tea cup", ec);
  BOOST_TEST(!ec);
  BOOST_TEST(again[0].path == saved[0].path);
  BOOST_TEST(d.names() == (std::vector<std::string>{"Tea-cup-gen-17-..-x-0.png"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_failed_atomic_write_leaves_no_partial_file) {
  temp_dir d;
  fs::create_directory(d.path / "taken.png");  // rename over a directory fails
  error_code ec;
  media::write_file_atomically(d.path / "taken.png", png, ec);
  BOOST_TEST(ec == errc::file_io_failed);
  BOOST_TEST(fs::is_directory(d.path / "taken.png"));
  BOOST_TEST(d.names() == (std::vector<std::string>{"taken.png"}), boost::test_tools::per_element());

  // The old content stays until the new one is complete.
  std::ofstream(d.path / "keep.png", std::ios::binary) << "old";
  media::write_file_atomically(d.path / "missing-dir" / "keep.png", png, ec);
  BOOST_TEST(ec == errc::file_io_failed);
  BOOST_TEST(slurp(d.path / "keep.png") == "old");
  media::write_file_atomically(d.path / "keep.png", png, ec);
  BOOST_TEST(!ec);
  BOOST_TEST(slurp(d.path / "keep.png") == png);
}

BOOST_AUTO_TEST_CASE(a_response_without_images_is_a_typed_error) {
  temp_dir d;
  error_code ec;
  auto res = response_from(R"({"id":"gen-3","choices":[{"index":0,"message":{"role":"assistant","content":"no"}}]})");
  BOOST_TEST(media::save_images(res, d.path, "x", ec).empty());
  BOOST_TEST(ec == errc::no_image);
  auto remote = response_from(R"({"id":"gen-4","choices":[{"index":0,"message":{"role":"assistant","content":"",
    "images":[{"type":"image_url","image_url":{"url":"https://x.example/a.png"}}]}}]})");
  media::save_images(remote, d.path, "x", ec);
  BOOST_TEST(ec == errc::bad_data_url);
  BOOST_TEST(d.names().empty());
}

BOOST_AUTO_TEST_CASE(image_model_comes_from_output_modalities) {
  wire::models_page page;
  auto add = [&](std::string id, std::vector<std::string> out) {
    wire::model m;
    m.id = std::move(id);
    m.architecture = wire::model_architecture{};
    m.architecture->input_modalities = {"text"};
    m.architecture->output_modalities = std::move(out);
    page.data.push_back(std::move(m));
  };
  add("openai/gpt-4o-mini", {"text"});
  add("black-forest-labs/flux", {"image"});
  add("google/gemini-2.5-flash-image", {"image", "text"});
  BOOST_TEST(media::pick_image_model(page).value_or("") == "google/gemini-2.5-flash-image");
  BOOST_TEST(media::pick_image_model(page, false).value_or("") == "black-forest-labs/flux");
  page.data.erase(page.data.begin() + 1, page.data.end());
  BOOST_TEST(!media::pick_image_model(page, false).has_value());
}

BOOST_AUTO_TEST_CASE(file_parser_engines_on_the_wire) {
  for (auto [name, want] : std::vector<std::pair<std::string, std::string>>{{"cloudflare-ai", "cloudflare-ai"},
                                                                            {"mistral-ocr", "mistral-ocr"},
                                                                            {"native", "native"},
                                                                            {"pdf-text", "cloudflare-ai"}}) {
    auto e = media::parse_pdf_engine(name);
    BOOST_TEST_REQUIRE(e.has_value(), name);
    wire::chat_request req;
    req.plugins.push_back(json::object{{"id", "web"}});
    media::use_file_parser(req, media::parse_pdf_engine("native"));
    media::use_file_parser(req, e);  // replaces, never duplicates
    json::value v = json::parse(wire::serialize(req));
    const auto& plugins = v.at("plugins").as_array();
    BOOST_TEST_REQUIRE(plugins.size() == 2u);
    BOOST_TEST(plugins[1].at("id") == "file-parser");
    BOOST_TEST(plugins[1].at("pdf").at("engine") == json::string(want));
  }
  BOOST_TEST(!media::parse_pdf_engine("tesseract").has_value());
  wire::chat_request req;
  media::use_file_parser(req);
  BOOST_TEST(json::serialize(req.plugins.at(0)) == R"({"id":"file-parser"})");
}

BOOST_AUTO_TEST_CASE(pdf_parts_and_annotation_reuse_follow_up) {
  error_code ec;
  media::pdf_part("x.pdf", png, ec);
  BOOST_TEST(ec == errc::unknown_media_type);
  auto part = media::pdf_part("invoice.pdf", pdf, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(part.type == "file");
  BOOST_TEST(part.file->filename.value_or("") == "invoice.pdf");
  BOOST_TEST(part.file->file_data.value_or("").starts_with("data:application/pdf;base64,"));

  wire::chat_request first;
  first.model = "openai/gpt-4o-mini";
  first.messages.push_back(wire::message::user({wire::text_part("Total?"), part}));
  media::use_file_parser(first, media::pdf_engine::cloudflare_ai);
  auto answer = response_from(R"({"id":"gen-5","choices":[{"index":0,"finish_reason":"stop","message":{
    "role":"assistant","content":"{\"total\": 1234.5}",
    "annotations":[{"type":"file","file":{"hash":"3f5a","name":"invoice.pdf",
      "content":[{"type":"text","text":"Invoice total 1,234.50"}]}}]}}]})");
  auto next = media::follow_up(first, answer, wire::message::user("And the VAT?"), ec);
  BOOST_TEST_REQUIRE(!ec);
  json::value v = json::parse(wire::serialize(next));
  const auto& m = v.at("messages").as_array();
  BOOST_TEST_REQUIRE(m.size() == 3u);
  BOOST_TEST(m[0] == json::parse(wire::serialize(first)).at("messages").at(0));  // the file message, unchanged
  BOOST_TEST(m[1].at("role") == "assistant");
  BOOST_TEST(m[1].at("annotations").at(0).at("file").at("hash") == "3f5a");
  BOOST_TEST(m[1].at("content") == "{\"total\": 1234.5}");
  BOOST_TEST(m[2].at("role") == "user");
  BOOST_TEST(m[2].at("content") == "And the VAT?");
  BOOST_TEST(v.at("plugins") == json::parse(wire::serialize(first)).at("plugins"));
  BOOST_TEST(v.at("model") == "openai/gpt-4o-mini");

  media::follow_up(first, wire::chat_response{}, wire::message::user("?"), ec);
  BOOST_TEST(ec == errc::no_content);
}

BOOST_AUTO_TEST_CASE(media_errors_are_named_final_and_overridable) {
  openrouter::diagnostics diag;
  for (errc e : {errc::bad_data_url, errc::unknown_media_type, errc::file_io_failed, errc::remote_asset_not_allowed,
                 errc::remote_asset_address_refused, errc::remote_asset_redirect_refused, errc::asset_too_large,
                 errc::asset_bad_content_type, errc::no_image}) {
    std::string n(openrouter::name(e));
    BOOST_TEST(n != "unknown");
    BOOST_TEST(make_error_code(e).message() != "unknown openrouter error", n);
    BOOST_TEST(!openrouter::is_retryable(make_error_code(e), diag), n);
    // Routing policies name errors by their enumerator, the new ones included.
    error_code ec;
    std::string what;
    auto p = openrouter::routing::policy_from_json(json::parse(R"({"overrides": {")" + n + R"(": "next_model"}})"), ec, what);
    BOOST_TEST(!ec, n << ": " << what);
    BOOST_TEST_REQUIRE(p.classifier.overrides.size() == 1u);
    BOOST_TEST((p.classifier.overrides[0].first == e));
  }
}

BOOST_AUTO_TEST_SUITE_END()
