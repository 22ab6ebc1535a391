// Catalog helpers: select() over hand-built models (free predicate edge cases, modalities and
// parameters as conjunctions, case-insensitive search over id/name/description, catalog order),
// the legacy modality string, and per-million price conversion.
#include <openrouter/catalog.hpp>

#include <boost/test/unit_test.hpp>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace wire = openrouter::wire;
using openrouter::catalog_filter;
using openrouter::select;

namespace {

wire::model make(std::string id, std::vector<std::string> in = {"text"}, std::vector<std::string> out = {"text"},
                 std::vector<std::string> params = {}) {
  wire::model m;
  m.id = id;
  m.name = id;
  m.architecture = wire::model_architecture{};
  m.architecture->input_modalities = std::move(in);
  m.architecture->output_modalities = std::move(out);
  m.supported_parameters = std::move(params);
  m.pricing = wire::model_pricing{};
  m.pricing->prompt = "0.000001";
  m.pricing->completion = "0.000002";
  return m;
}

wire::model priced(std::string id, std::initializer_list<std::pair<const char*, const char*>> prices) {
  wire::model m = make(std::move(id));
  m.pricing = wire::model_pricing{};
  for (auto [k, v] : prices) {
    std::string key = k;
    if (key == "prompt") m.pricing->prompt = v;
    else if (key == "completion") m.pricing->completion = v;
    else if (key == "request") m.pricing->request = v;
    else if (key == "image") m.pricing->image = v;
    else if (key == "web_search") m.pricing->web_search = v;
    else if (key == "internal_reasoning") m.pricing->internal_reasoning = v;
    else BOOST_FAIL("unknown price " + key);
  }
  return m;
}

std::vector<std::string> ids(const std::vector<const wire::model*>& v) {
  std::vector<std::string> out;
  for (const auto* m : v) out.push_back(m->id);
  return out;
}

wire::models_page page_of(std::vector<wire::model> models) {
  wire::models_page p;
  p.data = std::move(models);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(catalog_test)

BOOST_AUTO_TEST_CASE(empty_filter_keeps_everything_in_order) {
  auto page = page_of({make("c/one"), make("a/two"), make("b/three")});
  auto got = select(page, catalog_filter{});
  BOOST_TEST(ids(got) == (std::vector<std::string>{"c/one", "a/two", "b/three"}), boost::test_tools::per_element());
  // Pointers into the page itself, not copies.
  BOOST_TEST(got[1] == &page.data[1]);
  BOOST_TEST(select(page_of({}), catalog_filter{}).empty());
}

BOOST_AUTO_TEST_CASE(free_only_follows_wire_is_free) {
  auto page = page_of({
      priced("free/all-zero", {{"prompt", "0"}, {"completion", "0"}, {"request", "0"}, {"image", "0"}}),
      priced("free/prompt-completion", {{"prompt", "0"}, {"completion", "0"}}),
      priced("free/other-prices-ignored", {{"prompt", "0"}, {"completion", "0"}, {"web_search", "0.01"},
                                           {"internal_reasoning", "0.000001"}}),
      priced("paid/zero-point-zero", {{"prompt", "0.0"}, {"completion", "0"}}),  // "0.0" is not "0"
      priced("paid/router", {{"prompt", "-1"}, {"completion", "-1"}}),           // "-1" is not free
      priced("paid/completion", {{"prompt", "0"}, {"completion", "0.0000006"}}),
      priced("paid/request", {{"prompt", "0"}, {"completion", "0"}, {"request", "0.02"}}),
      priced("paid/image", {{"prompt", "0"}, {"completion", "0"}, {"image", "0.001"}}),
      priced("paid/empty-string", {{"prompt", ""}, {"completion", "0"}}),
      priced("free/vacuous", {}),  // no prices at all: vacuously free
  });
  wire::model no_pricing = make("free/no-pricing");
  no_pricing.pricing.reset();
  page.data.push_back(no_pricing);

  catalog_filter f;
  f.free_only = true;
  auto got = ids(select(page, f));
  BOOST_TEST(got == (std::vector<std::string>{"free/all-zero", "free/prompt-completion", "free/other-prices-ignored",
                                               "free/vacuous", "free/no-pricing"}),
             boost::test_tools::per_element());
  // select() agrees with wire::is_free model by model.
  for (const auto& m : page.data) BOOST_TEST(openrouter::matches(m, f) == wire::is_free(m), m.id);
}

BOOST_AUTO_TEST_CASE(modalities_are_all_required) {
  auto page = page_of({
      make("a/text", {"text"}, {"text"}),
      make("b/vision", {"text", "image"}, {"text"}),
      make("c/omni", {"text", "image", "audio", "file"}, {"text", "audio"}),
      make("d/imagegen", {"text", "image"}, {"image", "text"}),
      make("e/flux", {"text"}, {"image"}),
  });
  catalog_filter f;
  f.input_modalities = {"image"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"b/vision", "c/omni", "d/imagegen"}),
             boost::test_tools::per_element());
  f.input_modalities = {"image", "audio"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"c/omni"}), boost::test_tools::per_element());

  f = {};
  f.output_modalities = {"image"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"d/imagegen", "e/flux"}),
             boost::test_tools::per_element());
  f.output_modalities = {"image", "text"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"d/imagegen"}), boost::test_tools::per_element());
  f.input_modalities = {"audio"};
  BOOST_TEST(select(page, f).empty());
  // Names compare exactly.
  f = {};
  f.input_modalities = {"Image"};
  BOOST_TEST(select(page, f).empty());
}

BOOST_AUTO_TEST_CASE(models_without_architecture_or_with_the_legacy_string) {
  wire::model bare = make("x/bare");
  bare.architecture.reset();
  wire::model legacy = make("x/legacy");
  legacy.architecture = wire::model_architecture{};
  legacy.architecture->modality = "text+image->text";
  wire::model legacy_out = make("x/legacy-out");
  legacy_out.architecture = wire::model_architecture{};
  legacy_out.architecture->modality = "text->image+text";

  BOOST_TEST(openrouter::input_modalities(legacy) == (std::vector<std::string>{"text", "image"}),
             boost::test_tools::per_element());
  BOOST_TEST(openrouter::output_modalities(legacy_out) == (std::vector<std::string>{"image", "text"}),
             boost::test_tools::per_element());
  BOOST_TEST(openrouter::input_modalities(bare).empty());

  auto page = page_of({bare, legacy, legacy_out});
  catalog_filter f;
  f.input_modalities = {"image"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"x/legacy"}), boost::test_tools::per_element());
  f = {};
  f.output_modalities = {"image"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"x/legacy-out"}), boost::test_tools::per_element());
  // With no modality criterion, a model without architecture is kept.
  BOOST_TEST(select(page, catalog_filter{}).size() == 3u);
}

BOOST_AUTO_TEST_CASE(parameters_are_all_required) {
  auto page = page_of({
      make("a/none", {"text"}, {"text"}, {}),
      make("b/tools", {"text"}, {"text"}, {"tools", "tool_choice", "max_tokens"}),
      make("c/both", {"text"}, {"text"}, {"response_format", "tools", "structured_outputs"}),
  });
  catalog_filter f;
  f.parameters = {"tools"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"b/tools", "c/both"}), boost::test_tools::per_element());
  f.parameters = {"tools", "response_format"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"c/both"}), boost::test_tools::per_element());
  f.parameters = {"tool"};  // not a prefix match
  BOOST_TEST(select(page, f).empty());
}

BOOST_AUTO_TEST_CASE(search_is_case_insensitive_over_id_name_and_description) {
  wire::model a = make("openai/gpt-4o-mini");
  a.name = "OpenAI: GPT-4o-mini";
  a.description = "A small, affordable multimodal model.";
  wire::model b = make("meta-llama/llama-3.3-70b-instruct");
  b.name = "Meta: Llama 3.3 70B Instruct";
  b.description.reset();
  wire::model c = make("mistralai/mistral-7b-instruct");
  c.name = "Mistral: Mistral 7B Instruct";
  c.description = "Fast and AFFORDABLE.";
  auto page = page_of({a, b, c});

  auto find = [&](std::string s) {
    catalog_filter f;
    f.search = std::move(s);
    return ids(select(page, f));
  };
  BOOST_TEST(find("GPT-4O") == (std::vector<std::string>{"openai/gpt-4o-mini"}), boost::test_tools::per_element());
  BOOST_TEST(find("meta: llama") == (std::vector<std::string>{"meta-llama/llama-3.3-70b-instruct"}),
             boost::test_tools::per_element());  // name only
  BOOST_TEST(find("affordable") == (std::vector<std::string>{"openai/gpt-4o-mini", "mistralai/mistral-7b-instruct"}),
             boost::test_tools::per_element());  // description, either case
  BOOST_TEST(find("instruct").size() == 2u);
  BOOST_TEST(find("nothing-like-this").empty());
  BOOST_TEST(find("").size() == 3u);
}

BOOST_AUTO_TEST_CASE(criteria_combine) {
  wire::model free_vision = priced("g/free-vision", {{"prompt", "0"}, {"completion", "0"}});
  free_vision.architecture->input_modalities = {"text", "image"};
  free_vision.supported_parameters = {"tools"};
  wire::model paid_vision = make("g/paid-vision", {"text", "image"}, {"text"}, {"tools"});
  wire::model free_text = priced("g/free-text", {{"prompt", "0"}, {"completion", "0"}});
  free_text.supported_parameters = {"tools"};
  auto page = page_of({free_vision, paid_vision, free_text});

  catalog_filter f{.free_only = true, .input_modalities = {"image"}, .parameters = {"tools"}, .search = "VISION"};
  BOOST_TEST(ids(select(page, f)) == (std::vector<std::string>{"g/free-vision"}), boost::test_tools::per_element());
  // The span overload agrees with the page overload.
  BOOST_TEST(ids(select(std::span<const wire::model>(page.data), f)) == ids(select(page, f)),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(per_million_prices) {
  namespace tt = boost::test_tools;
  BOOST_TEST(openrouter::per_million("0.00000015").value() == 0.15, tt::tolerance(1e-9));
  BOOST_TEST(openrouter::per_million("0.0000006").value() == 0.6, tt::tolerance(1e-9));
  BOOST_TEST(openrouter::per_million("0").value() == 0.0);
  BOOST_TEST(openrouter::per_million("1.5e-6").value() == 1.5, tt::tolerance(1e-9));
  BOOST_TEST(openrouter::per_million("-1").value() == -1e6);
  BOOST_TEST(!openrouter::per_million(""));
  BOOST_TEST(!openrouter::per_million("free"));
  BOOST_TEST(!openrouter::per_million("0.1x"));
  BOOST_TEST(!openrouter::per_million(" 0.1"));
  BOOST_TEST(!openrouter::per_million("nan"));
  BOOST_TEST(!openrouter::per_million("inf"));
}

BOOST_AUTO_TEST_SUITE_END()
