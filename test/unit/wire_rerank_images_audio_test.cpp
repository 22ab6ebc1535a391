// Rerank (POST /rerank), image generation (POST /images, GET /images/models) and audio
// (POST /audio/speech request, POST /audio/transcriptions answer) wire types: the spec's
// examples decode to the right values, unknown members are kept through a round trip, the
// request shapes encode as the spec names them, and wrong kinds are typed decode errors.
#include <openrouter/error.hpp>
#include <openrouter/media/data_url.hpp>
#include <openrouter/media/images.hpp>
#include <openrouter/wire/audio.hpp>
#include <openrouter/wire/images.hpp>
#include <openrouter/wire/rerank.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace json = boost::json;
using namespace openrouter::wire;
using openrouter::errc;

namespace {

template <class T>
T decode(std::string_view text, decode_error& err) {
  T v;
  parse(text, v, err);
  return v;
}

template <class T>
void round_trips(std::string_view text) {
  decode_error err;
  T v = decode<T>(text, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(same_json(json::parse(serialize(v)), json::parse(text)), serialize(v) << "\nvs\n" << text);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(wire_rerank_images_audio_test)

BOOST_AUTO_TEST_CASE(rerank_request_encodes_both_document_shapes) {
  rerank_request r;
  r.model = "cohere/rerank-v3.5";
  r.query = "capital of France";
  r.documents = {std::string("Paris"), rerank_document{.text = "Berlin", .image = "data:image/png;base64,AA=="}};
  r.top_n = 1;
  r.extra["session_id_x"] = "s";
  auto v = json::parse(serialize(r));
  BOOST_TEST(v.at("documents").at(0).as_string() == "Paris");
  BOOST_TEST(v.at("documents").at(1).at("text").as_string() == "Berlin");
  BOOST_TEST(v.at("documents").at(1).at("image").as_string() == "data:image/png;base64,AA==");
  BOOST_TEST(v.at("top_n").as_int64() == 1);
  BOOST_TEST(v.at("session_id_x").as_string() == "s");
  BOOST_TEST(!v.as_object().contains("provider"));
  decode_error err;
  auto back = decode<rerank_request>(serialize(r), err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(std::get<std::string>(back.documents[0]) == "Paris");
  BOOST_TEST(std::get<rerank_document>(back.documents[1]).text.value() == "Berlin");
}

BOOST_AUTO_TEST_CASE(rerank_response_from_the_spec_example) {
  constexpr std::string_view text = R"({"id":"gen-rerank-1234567890-abc","model":"cohere/rerank-v3.5","provider":"Cohere",
    "results":[{"document":{"text":"Paris is the capital of France."},"index":0,"relevance_score":0.98,"x_rank":1}],
    "usage":{"search_units":1,"total_tokens":150,"cost":0.002,"x_units":"u"},"x_top":true})";
  decode_error err;
  auto r = decode<rerank_response>(text, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(r.id == "gen-rerank-1234567890-abc");
  BOOST_TEST(r.provider == "Cohere");
  BOOST_TEST_REQUIRE(r.results.size() == 1u);
  BOOST_TEST(r.results[0].relevance_score == 0.98);
  BOOST_TEST(r.results[0].document.text.value() == "Paris is the capital of France.");
  BOOST_TEST(r.usage->search_units.value() == 1);
  BOOST_TEST(r.usage->cost.value() == 0.002);
  BOOST_TEST(r.extra.contains("x_top"));
  BOOST_TEST(r.results[0].extra.contains("x_rank"));
  round_trips<rerank_response>(text);
  // index 0 and score 0 are written (required members)
  rerank_response zero;
  zero.results.push_back({});
  auto z = json::parse(serialize(zero));
  BOOST_TEST(z.at("results").at(0).at("index").as_int64() == 0);
  BOOST_TEST(z.at("results").at(0).as_object().contains("relevance_score"));

  decode<rerank_response>(R"({"model":"m","results":[{"index":0,"relevance_score":"high","document":{}}]})", err);
  BOOST_TEST((err.code == decode_errc::expected_number));
  BOOST_TEST(err.field == "results[0].relevance_score");
  decode<rerank_request>(R"({"model":"m","query":"q","documents":[1]})", err);
  BOOST_TEST((err.code == decode_errc::unexpected_kind));
  BOOST_TEST(err.field == "documents[0]");
}

BOOST_AUTO_TEST_CASE(image_generation_request_and_response) {
  image_generation_request req;
  req.model = "bytedance-seed/seedream-4.5";
  req.prompt = "a red panda astronaut";
  req.n = 2;
  req.aspect_ratio = "16:9";
  req.resolution = "2K";
  req.input_references.push_back(image_part("https://x/ref.png"));
  auto v = json::parse(serialize(req));
  BOOST_TEST(v.at("aspect_ratio").as_string() == "16:9");
  BOOST_TEST(v.at("resolution").as_string() == "2K");
  BOOST_TEST(v.at("input_references").at(0).at("image_url").at("url").as_string() == "https://x/ref.png");
  BOOST_TEST(!v.as_object().contains("size"));

  constexpr std::string_view text = R"({"created":1748372400,
    "data":[{"b64_json":"iVBORw0KGgo=","media_type":"image/png","revised_prompt":"kept"}],
    "usage":{"completion_tokens":4175,"cost":0.04,"prompt_tokens":0,"total_tokens":4175,
             "completion_tokens_details":{"image_tokens":4175}}})";
  decode_error err;
  auto r = decode<image_generation_response>(text, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(r.created == 1748372400);
  BOOST_TEST(r.data.at(0).media_type == "image/png");
  BOOST_TEST(r.data.at(0).extra.at("revised_prompt").as_string() == "kept");
  BOOST_TEST(r.usage->cost.value() == 0.04);
  BOOST_TEST(r.usage->extra.contains("completion_tokens_details"));
  round_trips<image_generation_response>(text);
}

BOOST_AUTO_TEST_CASE(generated_images_decode_from_base64_or_a_data_url) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "rest";
  boost::system::error_code ec;
  generated_image b64{.b64_json = openrouter::media::base64_encode(png)};
  auto d = openrouter::media::decode_generated_image(b64, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(d.bytes == png);
  BOOST_TEST(d.mime == "image/png");  // sniffed
  generated_image url{.url = "data:image/webp;base64," + openrouter::media::base64_encode("RIFFxxxxWEBP")};
  d = openrouter::media::decode_generated_image(url, ec);
  BOOST_TEST_REQUIRE(!ec);
  BOOST_TEST(d.mime == "image/webp");
  for (const auto& bad : {generated_image{.b64_json = "@@@@"}, generated_image{.url = "https://x/y.png"}, generated_image{}}) {
    openrouter::media::decode_generated_image(bad, ec);
    BOOST_TEST((ec == errc::bad_data_url), ec.message());
  }
  image_generation_response none;
  openrouter::media::save_generated_images(none, ".", "p", "id", ec);
  BOOST_TEST((ec == errc::no_image));
}

BOOST_AUTO_TEST_CASE(image_models_from_the_spec_example) {
  constexpr std::string_view text = R"({"data":[{"architecture":{"input_modalities":["text"],"output_modalities":["image"]},
    "created":1692901234,"description":"A text-to-image model.",
    "endpoints":"/api/v1/images/models/bytedance-seed/seedream-4.5/endpoints","id":"bytedance-seed/seedream-4.5",
    "name":"Seedream 4.5","supported_parameters":{"resolution":{"type":"enum","values":["1K","2K","4K"]}},
    "supports_streaming":false}]})";
  decode_error err;
  auto m = decode<image_models>(text, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST_REQUIRE(m.data.size() == 1u);
  BOOST_TEST(m.data[0].architecture.output_modalities.at(0) == "image");
  BOOST_TEST(m.data[0].supported_parameters.at("resolution").at("values").as_array().size() == 3u);
  BOOST_TEST(m.data[0].supports_streaming == false);
  round_trips<image_models>(text);
}

BOOST_AUTO_TEST_CASE(speech_request_and_transcription) {
  speech_request s;
  s.model = "mistralai/voxtral-mini-tts-2603";
  s.input = "Hello world";
  s.voice = "en_paul_neutral";
  s.response_format = "pcm";
  s.speed = 1;
  s.extra["provider"] = json::object{{"options", json::object{}}};
  auto v = json::parse(serialize(s));
  BOOST_TEST(v.at("speed").is_int64());  // integral doubles as integers
  BOOST_TEST(v.at("voice").as_string() == "en_paul_neutral");
  BOOST_TEST(v.as_object().contains("provider"));

  constexpr std::string_view text = R"({"text":"Hello there","language":"en","duration":9.2,"task":"transcribe",
    "segments":[{"id":0,"start":0,"end":9.2,"text":"Hello there","avg_logprob":-0.2,"tokens":[1,2]}],
    "words":[{"word":"Hello","start":0,"end":0.5},{"word":"there","start":0.5,"end":1,"speaker":1}],
    "usage":{"cost":0.000508,"input_tokens":83,"output_tokens":30,"seconds":9.2,"total_tokens":113},"confidence":0.9})";
  decode_error err;
  auto t = decode<transcription>(text, err);
  BOOST_TEST_REQUIRE(!err, err.message());
  BOOST_TEST(t.text == "Hello there");
  BOOST_TEST(t.duration.value() == 9.2);
  BOOST_TEST(t.segments.at(0).end == 9.2);
  BOOST_TEST(t.segments.at(0).extra.contains("avg_logprob"));
  BOOST_TEST(t.words.at(1).speaker.value() == 1);
  BOOST_TEST(t.usage->seconds.value() == 9.2);
  BOOST_TEST(t.usage->cost.value() == 0.000508);
  BOOST_TEST(t.extra.contains("confidence"));
  round_trips<transcription>(text);
  decode<transcription>(R"({"text":7})", err);
  BOOST_TEST((err.code == decode_errc::expected_string));
  BOOST_TEST(err.field == "text");
}

BOOST_AUTO_TEST_SUITE_END()
