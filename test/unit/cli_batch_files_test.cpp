// `openrouter batch`, sans-I/O: input lines (ids, duplicates, malformed lines, shards, resume),
// reading back an output file cut by a crash, output lines, and the summary statistics.
#include "batch/jsonl.hpp"
#include "batch/summary.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <set>
#include <sstream>

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
  // An explicit id equal to a later line number: that line's duplicate error gets "line-N".
  auto six = p.next(R"({"id":"7","messages":[]})", 6);
  BOOST_TEST(six.id == "7");
  auto seven = p.next(R"({"messages":[]})", 7);
  BOOST_TEST((seven.what == kind::invalid));
  BOOST_TEST(seven.id == "line-7");
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
