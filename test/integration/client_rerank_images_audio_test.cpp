// The rerank, image generation and audio operations of the client (POST /rerank, /images,
// GET /images/models, POST /audio/speech, /audio/transcriptions) against openrouter-mock over
// verified HTTPS, and against canned answers the mock will not send (an out-of-range rerank
// index, no image, a JSON or HTML answer where audio belongs).
#include <openrouter/media/data_url.hpp>
#include <openrouter/media/images.hpp>
#include "support/canned_server.hpp"
#include "support/client_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace test;
namespace wire = openrouter::wire;
namespace asio = boost::asio;
using openrouter::errc;

namespace {

// A client aimed at a canned plain-HTTP server.
struct canned_client {
  explicit canned_client(const canned_server& s, std::size_t max_body = 64u << 20) : cli(ioc.get_executor(), config(s, max_body)) {}
  static openrouter::client_config config(const canned_server& s, std::size_t max_body) {
    openrouter::client_config c;
    c.base_url = s.base_url();
    c.api_key = "sk-or-v1-canned-secret-0123456789";
    c.max_response_bytes = max_body;
    return c;
  }
  asio::io_context ioc;
  openrouter::client cli;
  openrouter::diagnostics diag;
};

wire::rerank_request rerank(std::vector<wire::rerank_input> docs, std::optional<std::int64_t> top_n = {},
                            std::string model = "cohere/rerank-v3.5") {
  wire::rerank_request r;
  r.model = std::move(model);
  r.query = "What is the capital of France?";
  r.documents = std::move(docs);
  r.top_n = top_n;
  return r;
}

wire::speech_request speech(std::string format, std::string model = "openai/gpt-4o-mini-tts") {
  wire::speech_request r;
  r.model = std::move(model);
  r.input = "Hello from the mock";
  r.voice = "alloy";
  r.response_format = std::move(format);
  return r;
}

struct temp_dir {
  temp_dir() : path(std::filesystem::temp_directory_path() / ("or-images-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(client_rerank_images_audio_test)

BOOST_AUTO_TEST_CASE(rerank_ranks_the_relevant_document_first) {
  client_fixture f;
  std::vector<wire::rerank_input> docs{std::string("Berlin is the capital of Germany."),
                                       std::string("Paris is the capital of France."),
                                       wire::rerank_document{.text = "Bananas are yellow.", .image = "https://x/banana.png"}};
  auto [ec, r] = f.run<wire::rerank_response>([&](auto t) { return f.cli.async_rerank(rerank(docs), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST_REQUIRE(r.results.size() == 3u);
  BOOST_TEST(r.results[0].index == 1);
  BOOST_TEST(r.results[0].document.text.value_or("") == "Paris is the capital of France.");
  BOOST_TEST(r.results[0].relevance_score > r.results[1].relevance_score);
  BOOST_TEST(r.results[1].relevance_score >= r.results[2].relevance_score);
  BOOST_TEST(r.results[2].index == 2);  // no word of the query
  BOOST_TEST(r.results[2].document.image.value_or("") == "https://x/banana.png");
  BOOST_TEST(r.model == "cohere/rerank-v3.5");
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->search_units.value_or(0) == 1);
  BOOST_TEST(r.usage->cost.value_or(0) > 0);
  BOOST_TEST(!f.diag.generation_id.empty());

  auto [ec2, top] = f.run<wire::rerank_response>([&](auto t) { return f.cli.async_rerank(rerank(docs, 1), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST_REQUIRE(top.results.size() == 1u);
  BOOST_TEST(top.results[0].index == 1);
}

BOOST_AUTO_TEST_CASE(rerank_errors_are_typed) {
  client_fixture f;
  std::vector<wire::rerank_input> docs{std::string("a"), std::string("b")};
  auto [ec, r] = f.run<wire::rerank_response>(
      [&](auto t) { return f.cli.async_rerank(rerank(docs, {}, "nobody/nothing"), f.diag, t); });
  BOOST_TEST((ec == errc::not_found), ec.message());
  auto [ec2, r2] = f.run<wire::rerank_response>([&](auto t) { return f.cli.async_rerank(rerank({}), f.diag, t); });
  BOOST_TEST((ec2 == errc::invalid_argument), ec2.message());
  BOOST_TEST(f.diag.http_status == 0u);  // nothing was sent
  auto [ec3, r3] = f.run<wire::rerank_response>(
      [&](auto t) { return f.cli.async_rerank(rerank(docs, {}, "fault/503"), f.diag, t); });
  BOOST_TEST((ec3 == errc::service_unavailable), ec3.message());
  auto [ec4, r4] = f.run<wire::rerank_response>(
      [&](auto t) { return f.cli.async_rerank(rerank(docs, {}, "fault/malformed_json"), f.diag, t); });
  BOOST_TEST((ec4 == errc::bad_json), ec4.message());
}

BOOST_AUTO_TEST_CASE(a_rerank_answer_that_does_not_match_the_request_is_bad_json) {
  struct canned_case {
    std::string body, detail;
    std::optional<std::int64_t> top_n;
  };
  const std::vector<canned_case> cases = {
      {R"({"model":"m","results":[{"index":5,"relevance_score":0.5,"document":{"text":"x"}}]})", "out of range", {}},
      {R"({"model":"m","results":[{"index":0,"relevance_score":0.5,"document":{}},{"index":0,"relevance_score":0.4,"document":{}}]})", "repeated", {}},
      {R"({"model":"m","results":[{"index":0,"relevance_score":0.5,"document":{}},{"index":1,"relevance_score":0.4,"document":{}}]})", "top_n 1", 1},
      {R"({"model":"m","results":[{"index":"zero","relevance_score":0.5,"document":{}}]})", "results[0].index", {}},
  };
  for (const auto& c : cases) {
    canned_server s(http_response(200, "application/json", c.body));
    canned_client cc(s);
    outcome<wire::rerank_response> o;
    cc.cli.async_rerank(rerank({std::string("a"), std::string("b")}, c.top_n), cc.diag, o.handler());
    auto [ec, r] = wait(cc.ioc, o);
    BOOST_TEST((ec == errc::bad_json), c.body << ": " << ec.message());
    BOOST_TEST(cc.diag.detail.find(c.detail) != std::string::npos, cc.diag.detail);
  }
}

BOOST_AUTO_TEST_CASE(images_are_generated_decoded_and_saved) {
  client_fixture f;
  wire::image_generation_request req;
  req.model = "black-forest-labs/flux-1-schnell";
  req.prompt = "a red panda astronaut";
  req.n = 2;
  req.aspect_ratio = "16:9";
  auto [ec, r] = f.run<wire::image_generation_response>([&](auto t) { return f.cli.async_images(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST_REQUIRE(r.data.size() == 2u);
  BOOST_TEST(r.data[0].b64_json != r.data[1].b64_json);
  BOOST_TEST(r.created > 0);
  BOOST_TEST_REQUIRE(r.usage.has_value());
  BOOST_TEST(r.usage->cost.value_or(0) > 0);
  boost::system::error_code dec;
  auto image = openrouter::media::decode_generated_image(r.data[0], dec);
  BOOST_TEST_REQUIRE(!dec, dec.message());
  BOOST_TEST(image.mime == "image/png");
  BOOST_TEST(openrouter::media::sniff_mime(image.bytes) == "image/png");

  temp_dir dir;
  boost::system::error_code save_ec;
  auto saved = openrouter::media::save_generated_images(r, dir.path, "panda", f.diag.generation_id, save_ec);
  BOOST_TEST_REQUIRE(!save_ec, save_ec.message());
  BOOST_TEST_REQUIRE(saved.size() == 2u);
  std::ifstream in(saved[1].path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  BOOST_TEST(bytes.size() == saved[1].bytes);
  BOOST_TEST(bytes.substr(1, 3) == "PNG");
  BOOST_TEST(saved[1].path.filename().string().ends_with("-1.png"));

  // the same prompt gives the same pixels
  auto [ec2, again] = f.run<wire::image_generation_response>([&](auto t) { return f.cli.async_images(req, f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2);
  BOOST_TEST(again.data[0].b64_json == r.data[0].b64_json);
}

BOOST_AUTO_TEST_CASE(image_models_and_image_errors) {
  client_fixture f;
  auto [ec, models] = f.run<wire::image_models>([&](auto t) { return f.cli.async_image_models(f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST_REQUIRE(!models.data.empty());
  bool flux = false;
  for (const auto& m : models.data) {
    flux = flux || m.id == "black-forest-labs/flux-1-schnell";
    BOOST_TEST((std::find(m.architecture.output_modalities.begin(), m.architecture.output_modalities.end(), "image") !=
                m.architecture.output_modalities.end()));
    BOOST_TEST(m.supported_parameters.contains("aspect_ratio"));
  }
  BOOST_TEST(flux);

  wire::image_generation_request req;
  req.model = "openai/gpt-4o-mini";  // no image output
  req.prompt = "x";
  auto [ec2, r2] = f.run<wire::image_generation_response>([&](auto t) { return f.cli.async_images(req, f.diag, t); });
  BOOST_TEST((ec2 == errc::not_found), ec2.message());
  req.model = "black-forest-labs/flux-1-schnell";
  req.aspect_ratio = "7:5";
  auto [ec3, r3] = f.run<wire::image_generation_response>([&](auto t) { return f.cli.async_images(req, f.diag, t); });
  BOOST_TEST((ec3 == errc::bad_request), ec3.message());
  BOOST_TEST(f.diag.error.message.find("aspect_ratio") != std::string::npos, f.diag.error.message);
  req.model = "fault/402";
  req.aspect_ratio.reset();
  auto [ec4, r4] = f.run<wire::image_generation_response>([&](auto t) { return f.cli.async_images(req, f.diag, t); });
  BOOST_TEST((ec4 == errc::payment_required), ec4.message());

  // Answers the mock does not send: no image, an image with neither b64_json nor url.
  req.model = "m";
  for (auto [body, want] : {std::pair{R"({"created":1,"data":[]})", errc::no_image},
                            std::pair{R"({"created":1,"data":[{"media_type":"image/png"}]})", errc::bad_json}}) {
    canned_server s(http_response(200, "application/json", body));
    canned_client cc(s);
    outcome<wire::image_generation_response> o;
    cc.cli.async_images(req, cc.diag, o.handler());
    auto [e, r] = wait(cc.ioc, o);
    BOOST_TEST((e == want), body << ": " << e.message());
  }
}

BOOST_AUTO_TEST_CASE(speech_returns_audio_bytes) {
  client_fixture f;
  auto [ec, wav] = f.run<wire::speech_audio>([&](auto t) { return f.cli.async_speech(speech("wav"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  BOOST_TEST(wav.content_type == "audio/wav");
  BOOST_TEST_REQUIRE(wav.bytes.size() > 44u);
  BOOST_TEST(wav.bytes.substr(0, 4) == "RIFF");
  BOOST_TEST(wav.bytes.substr(8, 4) == "WAVE");
  BOOST_TEST(!f.diag.generation_id.empty());
  // 19 characters, 60 ms each, 24 kHz 16-bit mono: the PCM answer is the WAV's samples alone
  auto [ec2, pcm] = f.run<wire::speech_audio>([&](auto t) { return f.cli.async_speech(speech("pcm"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST(pcm.content_type == "audio/pcm");
  BOOST_TEST(pcm.bytes.size() == 19u * 60 * 24 * 2);
  BOOST_TEST(wav.bytes.size() == pcm.bytes.size() + 44);
  auto [ec3, mp3] = f.run<wire::speech_audio>([&](auto t) { return f.cli.async_speech(speech("mp3"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST(mp3.content_type == "audio/mpeg");
  BOOST_TEST(static_cast<unsigned char>(mp3.bytes.at(0)) == 0xFFu);

  auto [ec4, bad] = f.run<wire::speech_audio>([&](auto t) { return f.cli.async_speech(speech("flac"), f.diag, t); });
  BOOST_TEST((ec4 == errc::bad_request), ec4.message());
  auto [ec5, limited] = f.run<wire::speech_audio>(
      [&](auto t) { return f.cli.async_speech(speech("pcm", "fault/http_error;status=429;retry_after=2"), f.diag, t); });
  BOOST_TEST((ec5 == errc::rate_limited), ec5.message());
  BOOST_TEST(f.diag.retry_after.has_value());
}

BOOST_AUTO_TEST_CASE(a_speech_answer_that_is_not_audio_is_a_typed_error) {
  for (auto [type, body] : {std::pair{"application/json", R"({"text":"not audio"})"},
                            std::pair{"text/html", "<html>sk-or-v1-canned-secret-0123456789</html>"}}) {
    canned_server s(http_response(200, type, body));
    canned_client cc(s);
    outcome<wire::speech_audio> o;
    cc.cli.async_speech(speech("pcm"), cc.diag, o.handler());
    auto [ec, r] = wait(cc.ioc, o);
    BOOST_TEST((ec == errc::unexpected_content_type), type << ": " << ec.message());
    BOOST_TEST(cc.diag.detail.find(type) != std::string::npos, cc.diag.detail);
    BOOST_TEST(cc.diag.body_excerpt.find("sk-or-v1-canned-secret") == std::string::npos);  // the key is redacted
  }
  {  // an empty audio answer
    canned_server s(http_response(200, "audio/mpeg", ""));
    canned_client cc(s);
    outcome<wire::speech_audio> o;
    cc.cli.async_speech(speech("mp3"), cc.diag, o.handler());
    auto [ec, r] = wait(cc.ioc, o);
    BOOST_TEST((ec == errc::no_content), ec.message());
  }
  {  // larger than max_response_bytes
    canned_server s(http_response(200, "audio/pcm", std::string(4096, '\0')));
    canned_client cc(s, 1000);
    outcome<wire::speech_audio> o;
    cc.cli.async_speech(speech("pcm"), cc.diag, o.handler());
    auto [ec, r] = wait(cc.ioc, o);
    BOOST_TEST((ec == errc::response_too_large), ec.message());
    BOOST_TEST(r.bytes.empty());
  }
}

BOOST_AUTO_TEST_CASE(transcription_uploads_a_file) {
  client_fixture f;
  auto [ec, wav] = f.run<wire::speech_audio>([&](auto t) { return f.cli.async_speech(speech("wav"), f.diag, t); });
  BOOST_TEST_REQUIRE(!ec, f.diag.summary(ec));
  wire::transcription_request req;
  req.model = "openai/whisper-large-v3";
  req.file_name = "hello \"quoted\"\r\nname.wav";  // quoted and escaped in the part header
  req.file_content_type = "audio/wav";
  req.file_bytes = wav.bytes;
  req.language = "fr";
  auto [ec2, t] = f.run<wire::transcription>([&](auto tok) { return f.cli.async_transcription(req, f.diag, tok); });
  BOOST_TEST_REQUIRE(!ec2, f.diag.summary(ec2));
  BOOST_TEST(!t.text.empty());
  BOOST_TEST_REQUIRE(t.usage.has_value());
  BOOST_TEST(t.usage->seconds.value_or(0) == 1.14, boost::test_tools::tolerance(1e-9));  // 19 x 60 ms from the WAV header
  BOOST_TEST(t.usage->cost.value_or(0) > 0);
  BOOST_TEST(t.segments.empty());  // plain json

  req.response_format = "verbose_json";
  req.timestamp_granularities = {"word", "segment"};
  auto [ec3, v] = f.run<wire::transcription>([&](auto tok) { return f.cli.async_transcription(req, f.diag, tok); });
  BOOST_TEST_REQUIRE(!ec3, f.diag.summary(ec3));
  BOOST_TEST(v.text == t.text);  // derived from the same audio
  BOOST_TEST(v.language.value_or("") == "fr");
  BOOST_TEST_REQUIRE(!v.segments.empty());
  BOOST_TEST(v.segments.back().end == 1.14, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(v.words.size() == 2u);  // two words a second

  req.file_bytes.clear();
  auto [ec4, e4] = f.run<wire::transcription>([&](auto tok) { return f.cli.async_transcription(req, f.diag, tok); });
  BOOST_TEST((ec4 == errc::invalid_argument), ec4.message());
  req.file_bytes = wav.bytes;
  req.model = "openai/gpt-4o-mini";
  auto [ec5, e5] = f.run<wire::transcription>([&](auto tok) { return f.cli.async_transcription(req, f.diag, tok); });
  BOOST_TEST((ec5 == errc::not_found), ec5.message());
}

BOOST_AUTO_TEST_CASE(an_oversize_upload_is_payload_too_large) {
  openrouter::mock::server_options o;
  o.max_request_body = 4096;
  client_fixture f(o);
  wire::transcription_request req;
  req.model = "openai/whisper-large-v3";
  req.file_name = "big.wav";
  req.file_bytes = std::string(8192, 'x');
  auto [ec, t] = f.run<wire::transcription>([&](auto tok) { return f.cli.async_transcription(req, f.diag, tok); });
  BOOST_TEST((ec == errc::payload_too_large), ec.message());
  BOOST_TEST(f.diag.http_status == 413u);
}

BOOST_AUTO_TEST_SUITE_END()
