// `openrouter batch`, sans-I/O: input lines (ids, duplicates, malformed lines, shards, resume),
// reading back an output file cut by a crash, output lines, and the summary statistics.
#include "batch/jsonl.hpp"
#include "batch/summary.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace batch = openrouter::cli::batch;
namespace json = boost::json;
using kind = batch::input_item::kind;

BOOST_AUTO_TEST_SUITE(cli_batch_files_test)

BOOST_AUTO_TEST_CASE(ids_come_from_the_line_or_its_number) {
  batch::input_planner p({}, nullptr);
  auto a = p.next(R"({"id":"a","model":"m","messages":[]})", 1);
  BOOST_TEST((a.what == kind::request));
  BOOST_TEST(a.id == "a");
  BOOST_TEST(!a.body.contains("id"));  // not sent upstream
  BOOST_TEST(a.body.contains("model"));
  auto b = p.next("{\"messages\":[]}\r", 2);
  BOOST_TEST((b.what == kind::request));
  BOOST_TEST(b.id == "2");
  auto blank = p.next("   ", 3);
  BOOST_TEST((blank.what == kind::blank));
}

BOOST_AUTO_TEST_CASE(malformed_lines_and_duplicates_are_typed_errors) {
  batch::input_planner p({}, nullptr);
  auto not_json = p.next("{oops", 1);
  BOOST_TEST((not_json.what == kind::invalid));
  BOOST_TEST(not_json.id == "1");
  BOOST_TEST(not_json.error_class == "invalid_input");
  auto not_object = p.next("[1,2]", 2);
  BOOST_TEST((not_object.what == kind::invalid));
  BOOST_TEST(not_object.error.find("not a JSON object") != std::string::npos);
  auto bad_id = p.next(R"({"id":7,"messages":[]})", 3);
  BOOST_TEST((bad_id.what == kind::invalid));
  BOOST_TEST(bad_id.id == "3");
  auto first = p.next(R"({"id":"x","messages":[]})", 4);
  BOOST_TEST((first.what == kind::request));
  auto dup = p.next(R"({"id":"x","messages":[]})", 5);
  BOOST_TEST((dup.what == kind::invalid));
  BOOST_TEST(dup.error_class == "duplicate_id");
  BOOST_TEST(dup.id == "5");  // under its line number, so "x" keeps one line
  BOOST_TEST(dup.body.empty());
  // An explicit id equal to a later line number: that line is still a request, under "line-N".
  auto six = p.next(R"({"id":"7","messages":[]})", 6);
  BOOST_TEST(six.id == "7");
  auto seven = p.next(R"({"messages":[]})", 7);
  BOOST_TEST((seven.what == kind::request));
  BOOST_TEST(seven.id == "line-7");
  BOOST_TEST(seven.note.find("line-7") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(generated_ids_yield_to_every_explicit_id_of_the_file) {
  // Explicit ids anywhere in the file, later lines included (the first pass gathers them).
  const std::vector<std::string> lines{
      R"({"messages":[]})",                 // 1: "1" is explicit on line 4 -> "line-1"
      R"({"id":"line-1","messages":[]})",   // 2: and "line-1" is explicit too -> line 1 is "line-1-2"
      R"({"messages":[]})",                 // 3: "3"
      R"({"id":"1","messages":[]})",        // 4
      R"({"id":"1","messages":[]})",        // 5: a real duplicate, its error under "5"
      "{broken",                            // 6: invalid, under "6"
  };
  std::unordered_set<std::string> explicit_ids;
  for (const auto& l : lines)
    if (auto id = batch::explicit_id(l)) explicit_ids.insert(*id);
  BOOST_TEST(explicit_ids == (std::unordered_set<std::string>{"line-1", "1"}));
  batch::input_planner p({}, nullptr, &explicit_ids);
  std::vector<batch::input_item> items;
  for (std::size_t i = 0; i < lines.size(); ++i) items.push_back(p.next(lines[i], i + 1));
  BOOST_TEST(items[0].id == "line-1-2");
  BOOST_TEST((items[0].what == kind::request));
  BOOST_TEST(!items[0].note.empty());
  BOOST_TEST(items[1].id == "line-1");
  BOOST_TEST(items[2].id == "3");
  BOOST_TEST(items[2].note.empty());
  BOOST_TEST(items[3].id == "1");
  BOOST_TEST((items[3].what == kind::request));
  BOOST_TEST(items[4].id == "5");
  BOOST_TEST(items[4].error_class == "duplicate_id");
  BOOST_TEST(items[5].id == "6");
  std::set<std::string> ids;
  for (const auto& it : items) ids.insert(it.id);
  BOOST_TEST(ids.size() == items.size());  // no two lines share an id
  // The same file gives the same ids on every run (resume relies on it).
  batch::input_planner again({}, nullptr, &explicit_ids);
  for (std::size_t i = 0; i < lines.size(); ++i) BOOST_TEST(again.next(lines[i], i + 1).id == items[i].id);
  // A line too long to read gets a generated id and an error naming --max-line-bytes.
  auto tl = again.too_long(7, 99999, 4096);
  BOOST_TEST((tl.what == kind::invalid));
  BOOST_TEST(tl.id == "7");
  BOOST_TEST(tl.error.find("--max-line-bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(line_reader_holds_at_most_its_bound) {
  const std::string big(200000, 'x');  // several of the reader's 64 KiB chunks
  std::istringstream in("short\n" + big + "\n\n" + std::string(10, 'y') + "\ntail");
  batch::line_reader r(in, 1000);
  auto a = r.next();
  BOOST_TEST_REQUIRE(a.has_value());
  BOOST_TEST(a->text == "short");
  BOOST_TEST(a->complete);
  BOOST_TEST(!a->too_long);
  BOOST_TEST(r.offset() == 6u);
  auto b = r.next();
  BOOST_TEST_REQUIRE(b.has_value());
  BOOST_TEST(b->too_long);
  BOOST_TEST(b->length == big.size());
  BOOST_TEST(b->text.size() == 1000u);  // only the bound is held
  BOOST_TEST(b->complete);
  BOOST_TEST(r.offset() == 6u + big.size() + 1);
  auto empty = r.next();
  BOOST_TEST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->text.empty());
  BOOST_TEST(empty->complete);
  auto y = r.next();
  BOOST_TEST_REQUIRE(y.has_value());
  BOOST_TEST(y->text == std::string(10, 'y'));
  BOOST_TEST(!y->too_long);
  auto tail = r.next();
  BOOST_TEST_REQUIRE(tail.has_value());
  BOOST_TEST(tail->text == "tail");
  BOOST_TEST(!tail->complete);
  BOOST_TEST(!r.next().has_value());
  // A line of exactly the bound is not too long; one byte more is.
  std::istringstream edge(std::string(8, 'e') + "\n" + std::string(9, 'f') + "\n");
  batch::line_reader e(edge, 8);
  BOOST_TEST(!e.next()->too_long);
  BOOST_TEST(e.next()->too_long);
}

BOOST_AUTO_TEST_CASE(scan_reads_ids_of_lines_too_long_to_hold) {
  const std::string long_result = batch::result_line_json("big \"one\"", 1, {{"content", std::string(5000, 'c')}});
  const std::string long_error =
      batch::error_line_json("big-err", 2, "transport", 0, "", "x", {{"partial_content", std::string(5000, 'p')}});
  const std::string small = batch::result_line_json("s", 3, {{"content", "hi"}});
  const std::string text = long_result + long_error + small;
  std::istringstream in(text);
  auto s = batch::scan_output(in, 1024);
  BOOST_TEST(s.ids == (std::unordered_set<std::string>{"big \"one\"", "big-err", "s"}));
  BOOST_TEST(s.error_lines == 1u);
  BOOST_TEST(s.unreadable == 0u);
  BOOST_TEST(s.keep_bytes == text.size());
  // --retry-errors keeps the result lines, long or not, and drops the error line.
  std::istringstream again(text);
  auto keep = batch::lines_to_keep(again, 1024);
  BOOST_TEST_REQUIRE(keep.size() == 2u);
  BOOST_TEST((keep[0] == (batch::byte_range{0, long_result.size()})));
  BOOST_TEST((keep[1] == (batch::byte_range{long_result.size() + long_error.size(), text.size()})));
  // Lines that are not ours are kept (they may hold results); a cut last line is not.
  std::istringstream mixed("not json\n" + small + R"({"id":"cut)");
  auto k2 = batch::lines_to_keep(mixed);
  BOOST_TEST_REQUIRE(k2.size() == 1u);
  BOOST_TEST((k2[0] == (batch::byte_range{0, 9 + small.size()})));
}

BOOST_AUTO_TEST_CASE(output_lines_are_valid_utf8_whatever_the_header_bytes) {
  const std::string bad = "gen-\xff\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82";  // none of it UTF-8
  auto r = batch::result_line_json("id\xfe", 1, {{"generation_id", bad}, {"nested", json::array{bad}}});
  auto e = batch::error_line_json("e", 2, "transport", 0, "", "summary [" + bad + "]");
  for (const auto& line : {r, e}) {
    boost::system::error_code ec;
    auto v = json::parse(line, ec);  // Boost.JSON rejects ill-formed UTF-8
    BOOST_TEST(!ec, line);
  }
  auto v = json::parse(r).as_object();
  BOOST_TEST(v["id"].as_string() == "id\xef\xbf\xbd");
  BOOST_TEST(v["generation_id"].as_string().starts_with("gen-\xef\xbf\xbd"));
  std::istringstream in(r + e);
  auto s = batch::scan_output(in);
  BOOST_TEST(s.ids.size() == 2u);
  BOOST_TEST(s.unreadable == 0u);
}

BOOST_AUTO_TEST_CASE(done_ids_are_skipped) {
  std::unordered_set<std::string> done{"a", "2"};
  batch::input_planner p({}, &done);
  BOOST_TEST((p.next(R"({"id":"a"})", 1).what == kind::done));
  BOOST_TEST((p.next("not json", 2).what == kind::done));  // its error line is written already
  BOOST_TEST((p.next(R"({"id":"b"})", 3).what == kind::request));
}

BOOST_AUTO_TEST_CASE(shards_partition_the_ids) {
  BOOST_TEST(!batch::shard::parse("0/3"));
  BOOST_TEST(!batch::shard::parse("4/3"));
  BOOST_TEST(!batch::shard::parse("1/0"));
  BOOST_TEST(!batch::shard::parse("1/"));
  BOOST_TEST(!batch::shard::parse("a/3"));
  BOOST_TEST(!batch::shard::parse("1/3x"));
  BOOST_TEST(batch::fnv1a("a") == 0xaf63dc4c8601ec8cull);  // the published FNV-1a 64 test vector
  const std::uint32_t n = 4;
  std::vector<std::size_t> sizes(n);
  for (int i = 0; i < 2000; ++i) {
    std::string id = "req-" + std::to_string(i);
    int owners = 0;
    for (std::uint32_t k = 1; k <= n; ++k) {
      auto s = batch::shard::parse(std::to_string(k) + "/" + std::to_string(n));
      BOOST_TEST_REQUIRE(s.has_value());
      if (s->owns(id)) {
        ++owners;
        ++sizes[k - 1];
      }
    }
    BOOST_TEST(owners == 1, id);
  }
  for (auto s : sizes) BOOST_TEST((s > 350 && s < 650), s);  // roughly a quarter each
  BOOST_TEST(batch::shard::parse("1/1")->owns("anything"));
}

BOOST_AUTO_TEST_CASE(scan_drops_a_partial_last_line) {
  std::string whole = batch::result_line_json("a", 1, {{"content", "hi"}}) +
                      batch::error_line_json("b", 2, "timeout", 504, "gateway_timeout", "504: slow");
  std::istringstream cut(whole + R"({"id":"c","li)");
  auto s = batch::scan_output(cut);
  BOOST_TEST(s.ids == (std::unordered_set<std::string>{"a", "b"}));
  BOOST_TEST(s.keep_bytes == whole.size());
  BOOST_TEST(s.dropped_partial);
  BOOST_TEST(s.error_lines == 1u);

  std::istringstream clean(whole);
  auto c = batch::scan_output(clean);
  BOOST_TEST(c.keep_bytes == whole.size());
  BOOST_TEST(!c.dropped_partial);
  // A complete JSON line without its newline is still a cut write: redone.
  std::istringstream no_newline(whole + R"({"id":"c"})");
  auto n = batch::scan_output(no_newline);
  BOOST_TEST(n.ids.count("c") == 0u);
  BOOST_TEST(n.keep_bytes == whole.size());
  BOOST_TEST(batch::is_result_line(batch::result_line_json("a", 1, {{"content", "hi"}})));
  BOOST_TEST(!batch::is_result_line(batch::error_line_json("b", 2, "timeout", 0, "", "slow")));
  BOOST_TEST(!batch::is_result_line(R"({"line":1})"));
  BOOST_TEST(!batch::is_result_line(R"({"id":"a","li)"));
}

BOOST_AUTO_TEST_CASE(output_lines_are_one_json_object_each) {
  auto e = batch::error_line_json("x\ny", 3, "budget", 0, "budget_exhausted", "spent", {{"attempts", 0}});
  BOOST_TEST(e.back() == '\n');
  BOOST_TEST(e.find('\n') == e.size() - 1);  // the id's newline is escaped
  auto v = json::parse(e).as_object();
  BOOST_TEST(v["id"].as_string() == "x\ny");
  BOOST_TEST(v["line"].as_int64() == 3);
  BOOST_TEST(v["error"].as_object()["class"].as_string() == "budget");
  BOOST_TEST(!v["error"].as_object().contains("status"));  // no response, no status
  BOOST_TEST(v["attempts"].as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(stats_by_model_classes_and_percentiles) {
  batch::stats st;
  for (int i = 1; i <= 100; ++i) {
    batch::outcome o;
    o.model = i % 2 ? "a/one" : "b/two";
    o.latency_ms = i;
    o.prompt_tokens = 10;
    o.completion_tokens = 5;
    o.cost = 0.01;
    o.attempts = 1;
    if (i % 10 == 0) o.error_class = i % 20 == 0 ? "timeout" : "rate_limited";
    st.add(o);
  }
  batch::outcome bad;  // an invalid line: no model, no latency
  bad.error_class = "invalid_input";
  st.add(bad);
  BOOST_TEST(st.done() == 101u);
  BOOST_TEST(st.errors() == 11u);
  BOOST_TEST(st.models().size() == 2u);
  BOOST_TEST(st.models().at("a/one").requests == 50u);
  BOOST_TEST(st.models().at("b/two").failures == 10u);  // every multiple of 10 is even
  BOOST_TEST(st.models().at("a/one").prompt_tokens == 500);
  BOOST_TEST(st.error_classes().at("timeout") == 5u);
  BOOST_TEST(st.error_classes().at("invalid_input") == 1u);
  BOOST_TEST(*st.latency(0.5) == 50.0);
  BOOST_TEST(*st.latency(0.9) == 90.0);
  BOOST_TEST(*st.latency(0.99) == 99.0);
  BOOST_TEST(st.cost() == 1.0, boost::test_tools::tolerance(1e-9));
  auto report = st.report(101, 2.0);
  BOOST_TEST(report.find("a/one") != std::string::npos);
  BOOST_TEST(report.find("p99 99.0") != std::string::npos);
  BOOST_TEST(report.find("rate_limited 5") != std::string::npos);
  auto line = st.progress(202, 2.0);
  BOOST_TEST(line.starts_with("101/202"), line);
  BOOST_TEST(line.find("50.5/s") != std::string::npos, line);
  BOOST_TEST(line.find("ETA 2s") != std::string::npos, line);
  std::vector<double> empty;
  BOOST_TEST(!batch::percentile(empty, 0.5));
}

BOOST_AUTO_TEST_SUITE_END()
