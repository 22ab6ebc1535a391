// routing::requirements_of and filter_candidates: what a request needs from a model, and which
// candidates the catalog rules out (order kept, unknown models kept).
#include <openrouter/catalog.hpp>
#include <openrouter/routing/candidates.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace openrouter;
using namespace openrouter::routing;

namespace {

wire::model model(std::string id, std::vector<std::string> in, std::vector<std::string> out,
                  std::vector<std::string> params, std::int64_t context) {
  wire::model m;
  m.id = std::move(id);
  wire::model_architecture a;
  a.input_modalities = std::move(in);
  a.output_modalities = std::move(out);
  m.architecture = a;
  m.supported_parameters = std::move(params);
  m.context_length = context;
  return m;
}

wire::models_page catalog() {
  wire::models_page p;
  p.data.push_back(model("text/small", {"text"}, {"text"}, {"max_tokens", "temperature"}, 4096));
  p.data.push_back(model("vision/tools", {"text", "image", "file"}, {"text"}, {"tools", "response_format", "structured_outputs"}, 128000));
  p.data.push_back(model("image/gen", {"text", "image"}, {"image", "text"}, {"max_tokens"}, 32000));
  return p;
}

wire::tool a_tool() {
  wire::tool t;
  t.function.emplace();
  t.function->name = "get_weather";
  t.function->parameters = boost::json::parse(R"({"type":"object"})");
  return t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(routing_candidates_test)

BOOST_AUTO_TEST_CASE(requirements_come_from_the_request) {
  wire::chat_request plain;
  plain.messages.push_back(wire::message::user(std::string(4000, 'x')));
  auto r = requirements_of(plain);
  BOOST_TEST(r.input_modalities.empty());
  BOOST_TEST(r.parameters.empty());
  BOOST_TEST(r.prompt_tokens_estimate == 1000);

  wire::chat_request rich;
  rich.messages.push_back(wire::message::user(std::vector<wire::content_part>{
      wire::text_part("look"), wire::image_part("data:image/png;base64,AAAA"),
      wire::file_part("a.pdf", "data:application/pdf;base64,AAAA")}));
  rich.tools.push_back(a_tool());
  rich.response_format.emplace();
  rich.response_format->type = "json_schema";
  rich.modalities = {"image", "text"};
  rich.max_completion_tokens = 500;
  auto q = requirements_of(rich);
  BOOST_TEST((q.input_modalities == std::vector<std::string>{"image", "file"}));
  BOOST_TEST((q.output_modalities == std::vector<std::string>{"image"}));
  BOOST_TEST((q.parameters == std::vector<std::string>{"tools", "response_format", "structured_outputs"}));
  BOOST_TEST(q.prompt_tokens_estimate == 1 + 500);
}

BOOST_AUTO_TEST_CASE(candidates_that_cannot_serve_are_dropped_with_a_reason) {
  const auto cat = catalog();
  requirements tools;
  tools.parameters = {"tools"};
  auto f = filter_candidates({"text/small", "unknown/model", "vision/tools"}, tools, cat);
  BOOST_TEST((f.kept == std::vector<std::string>{"unknown/model", "vision/tools"}));  // order kept
  BOOST_TEST_REQUIRE(f.dropped.size() == 1u);
  BOOST_TEST(f.dropped[0].model == "text/small");
  BOOST_TEST(f.dropped[0].why == "does not support tools");

  requirements image_in;
  image_in.input_modalities = {"image"};
  f = filter_candidates({"text/small", "image/gen"}, image_in, cat);
  BOOST_TEST((f.kept == std::vector<std::string>{"image/gen"}));
  BOOST_TEST(f.dropped[0].why == "no input modality image");

  requirements image_out;
  image_out.output_modalities = {"image"};
  f = filter_candidates({"vision/tools", "image/gen"}, image_out, cat);
  BOOST_TEST((f.kept == std::vector<std::string>{"image/gen"}));
  BOOST_TEST(f.dropped[0].why == "no output modality image");

  requirements long_prompt;
  long_prompt.prompt_tokens_estimate = 10000;
  f = filter_candidates({"text/small", "vision/tools"}, long_prompt, cat);
  BOOST_TEST((f.kept == std::vector<std::string>{"vision/tools"}));
  BOOST_TEST(f.dropped[0].why == "context 4096 < ~10000 tokens");

  requirements nothing;
  f = filter_candidates({"text/small", "vision/tools", "image/gen"}, nothing, cat);
  BOOST_TEST(f.kept.size() == 3u);
  BOOST_TEST(f.dropped.empty());
}

// The router's filter reads a model's capabilities the way the catalog look-ups do (one
// predicate, openrouter::unmet_capability): an entry that carries only the legacy
// architecture.modality string ("text->text") is judged by it; one that says nothing at all
// is kept (the server decides).
BOOST_AUTO_TEST_CASE(legacy_modality_strings_count_and_silence_keeps_the_model) {
  wire::models_page p;
  auto legacy = [](std::string id, std::string modality) {
    wire::model m;
    m.id = std::move(id);
    wire::model_architecture a;
    a.modality = std::move(modality);
    m.architecture = a;
    return m;
  };
  p.data.push_back(legacy("old/text", "text->text"));
  p.data.push_back(legacy("old/vision", "text+image->text"));
  p.data.push_back(legacy("old/painter", "text->text+image"));
  wire::model silent;
  silent.id = "quiet/model";
  silent.architecture.emplace();
  p.data.push_back(silent);

  requirements see;
  see.input_modalities = {"image"};
  auto f = filter_candidates({"old/text", "old/vision", "quiet/model"}, see, p);
  BOOST_TEST(f.kept == (std::vector<std::string>{"old/vision", "quiet/model"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(f.dropped.size() == 1u);
  BOOST_TEST(f.dropped[0].model == "old/text");
  BOOST_TEST(f.dropped[0].why == "no input modality image");

  requirements paint;
  paint.output_modalities = {"image"};
  auto g = filter_candidates({"old/text", "old/painter", "quiet/model"}, paint, p);
  BOOST_TEST(g.kept == (std::vector<std::string>{"old/painter", "quiet/model"}), boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(g.dropped.size() == 1u);
  BOOST_TEST(g.dropped[0].why == "no output modality image");

  // The catalog look-up, by contrast, lists only models known to fit.
  BOOST_TEST(!matches(silent, catalog_filter{.input_modalities = {"image"}}));
  BOOST_TEST(matches(p.data[1], catalog_filter{.input_modalities = {"image"}}));
}

// A Responses API request is judged by the same predicate: the parts of its input items, its
// function tools, a json_schema text format, reasoning, and its text's size.
BOOST_AUTO_TEST_CASE(responses_requests_have_requirements_too) {
  wire::responses_request plain;
  plain.input = std::string(40000, 'x');  // ~10000 tokens: more than text/small's 4096
  auto need = requirements_of(plain);
  BOOST_TEST(need.input_modalities.empty());
  BOOST_TEST(need.parameters.empty());
  BOOST_TEST(need.prompt_tokens_estimate == 10000);
  auto f = filter_candidates({"text/small", "vision/tools"}, need, catalog());
  BOOST_TEST(f.kept == (std::vector<std::string>{"vision/tools"}), boost::test_tools::per_element());

  wire::responses_request rich;
  rich.input = boost::json::parse(R"([
    {"type":"message","role":"user","content":[
      {"type":"input_text","text":"what is in it?"},
      {"type":"input_image","image_url":"data:image/png;base64,AAAA"}]},
    {"type":"function_call_output","call_id":"c1","output":"sunny"}])").as_array();
  rich.tools = boost::json::parse(R"([{"type":"function","name":"get_weather","parameters":{"type":"object"}}])");
  rich.text = boost::json::parse(R"({"format":{"type":"json_schema","name":"x","schema":{"type":"object"}}})");
  rich.max_output_tokens = 100;
  need = requirements_of(rich);
  BOOST_TEST(need.input_modalities == (std::vector<std::string>{"image"}), boost::test_tools::per_element());
  BOOST_TEST(need.parameters == (std::vector<std::string>{"tools", "response_format", "structured_outputs"}),
             boost::test_tools::per_element());
  BOOST_TEST(need.prompt_tokens_estimate == (14 + 5) / 4 + 100);
  f = filter_candidates({"text/small", "image/gen", "vision/tools"}, need, catalog());
  BOOST_TEST(f.kept == (std::vector<std::string>{"vision/tools"}), boost::test_tools::per_element());
  BOOST_TEST(f.dropped.size() == 2u);
}

// The Messages API's: image and document blocks, tools, enabled thinking.
BOOST_AUTO_TEST_CASE(messages_requests_have_requirements_too) {
  wire::messages_request req;
  req.max_tokens = 100;
  req.system = std::string(40, 's');
  wire::messages_message m;
  m.role = "user";
  wire::messages_content_block text;
  text.type = "text";
  text.text = std::string(20, 't');
  wire::messages_content_block image;
  image.type = "image";
  m.content = std::vector<wire::messages_content_block>{text, image};
  req.messages.push_back(m);
  req.tools = boost::json::parse(R"([{"name":"f","input_schema":{"type":"object"}}])");
  req.thinking = boost::json::parse(R"({"type":"enabled","budget_tokens":1024})");
  auto need = requirements_of(req);
  BOOST_TEST(need.input_modalities == (std::vector<std::string>{"image"}), boost::test_tools::per_element());
  BOOST_TEST(need.parameters == (std::vector<std::string>{"tools", "reasoning"}), boost::test_tools::per_element());
  BOOST_TEST(need.prompt_tokens_estimate == 60 / 4 + 100);
  auto f = filter_candidates({"text/small", "vision/tools"}, need, catalog());
  BOOST_TEST(f.kept.empty());  // vision/tools lacks reasoning
  BOOST_TEST(f.dropped.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
