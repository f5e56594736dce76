// The middle layer with a fake model: sources (the line reader, flat rows), the run's
// progress, the sinks eval uses, and the typed options (issue 13).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "crossrank/error.hpp"
#include "crossrank/evaluate.hpp"
#include "crossrank/flat_input.hpp"
#include "crossrank/options.hpp"
#include "crossrank/runner.hpp"
#include "fake_model.hpp"

using crossrank::Json;

namespace {

using crossrank::test::Lines;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const crossrank::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("progress counts the input whose output is written, up to its whole size", "[pipeline]") {
  crossrank::test::TempDir dir;
  std::string text;
  for (int i = 0; i < 20; ++i) text += "[\"query " + std::to_string(i) + "\",\"a document\"]\n";
  const auto path = dir.write("pairs.jsonl", text);
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {64, 4});
  crossrank::LineReader in(path.string());
  crossrank::LineWriter out((dir.path() / "out.jsonl").string());
  crossrank::RunOptions options;
  options.window_pairs = 4;
  std::vector<uint64_t> seen;
  options.progress = [&](const crossrank::RunSummary& s) { seen.push_back(s.input_bytes); };
  crossrank::ScoreWriter writer(out);
  crossrank::run_score(reranker, in, writer, options);
  // The reader holds the whole 20-line file after its first read: the share read was 100%
  // from the start, the share written grows window by window.
  REQUIRE(seen.size() == 5);
  for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] > seen[i - 1]);
  CHECK(seen.front() < text.size() / 4 + 8);
  CHECK(seen.back() == text.size());
}

TEST_CASE("rerank hands every document's score to a sink, in input order", "[pipeline]") {
  struct Collect final : crossrank::RerankSink {
    std::vector<std::pair<std::string, std::vector<float>>> got;
    size_t put(crossrank::RerankRequest& r, const std::vector<float>& scores) override {
      got.emplace_back(r.query, scores);
      return 1;
    }
  } sink;
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1024, 128});
  Lines in({R"({"query":"a","docs":["x y z","x"]})", R"({"query":"b","passages":[{"passage":"z"}]})"});
  crossrank::RunOptions options;
  const auto summary = crossrank::run_rerank(reranker, in, sink, options, {});
  CHECK(summary.records == 2);
  REQUIRE(sink.got.size() == 2);
  CHECK(sink.got[0].first == "a");
  REQUIRE(sink.got[0].second.size() == 2);
  CHECK(sink.got[0].second[0] > sink.got[0].second[1]);  // the fake scores the sum of ids
  CHECK(sink.got[1].second.size() == 1);
}

TEST_CASE("the ranking evaluator names the input's list and document, and reads -1 as not relevant",
          "[pipeline]") {
  crossrank::EvalOptions options;
  crossrank::RankingEvaluator evaluator(options);
  auto request = crossrank::parse_rerank_request(
      R"({"qid":"q","query":"a","passages":[{"text":"x","label":-1},{"text":"y","label":1}]})");
  evaluator.put(request, {0.9f, 0.1f});
  const Json result = evaluator.result();
  CHECK(result["mrr@10"].get<double>() == Approx(0.5));  // the -1 document is not relevant
  CHECK(result["map"].get<double>() == Approx(0.5));
  auto bad = crossrank::parse_rerank_request(R"({"query":"a","passages":[{"text":"x","label":1},{"text":"y","label":"yes"}]})");
  CHECK_THAT(error_of([&] { evaluator.put(bad, {0.1f, 0.2f}); }), Catch::Contains("\"passages\"[1] \"label\""));
  // Output cut by -k carries num_docs; the evaluator refuses it.
  CHECK_THAT(error_of([&] {
               evaluator.put_output(Json::parse(R"({"qid":"q","num_docs":3,"results":[{"id":0,"index":0,"score":1,"label":1}]})"));
             }),
             Catch::Contains("1 of the query's 3 documents"));
}

TEST_CASE("flat rows: a qid that comes back after another is a bad row naming both lines", "[pipeline]") {
  Lines rows({R"({"qid":"a","query":"q","text":"1"})", R"({"qid":"b","query":"r","text":"2"})",
              R"({"qid":"a","query":"q","text":"3"})"});
  crossrank::FlatGroups groups(rows, false);
  std::string line;
  REQUIRE(groups.next(line));
  REQUIRE(groups.next(line));
  try {
    groups.next(line);
    FAIL("expected a BadLine");
  } catch (const crossrank::BadLine& e) {
    CHECK(e.line() == 3);
    CHECK_THAT(e.what(), Catch::Contains("from line 1") && Catch::Contains("--group-all"));
  }
  CHECK_FALSE(groups.next(line));
}

TEST_CASE("flat rows: --doc-fields and --with-title fields stay with each document", "[pipeline]") {
  Lines rows({R"({"qid":"a","query":"q","docid":"d1","title":"T1","text":"x","url":"u1","day":1})",
              R"({"qid":"a","query":"q","docid":"d2","title":"T2","passage":"y","url":"u2","day":1})"});
  crossrank::DocumentOptions documents;
  documents.fields = {"url"};
  documents.with_title = true;
  crossrank::FlatGroups groups(rows, false, documents);
  std::string line;
  REQUIRE(groups.next(line));
  const auto r = crossrank::parse_rerank_request(line, {}, documents);
  CHECK(r.record["day"] == 1);
  CHECK_FALSE(r.record.contains("url"));
  REQUIRE(r.docs.size() == 2);
  CHECK(r.docs[0].text == "T1 x");
  CHECK(r.docs[1].text == "T2 y");
  CHECK(r.docs[1].fields == Json::parse(R"({"url":"u2"})"));
}

TEST_CASE("typed options: each choice parsed once, and checked together by rerank", "[pipeline]") {
  CHECK(crossrank::parse_output_format("tsv") == crossrank::OutputFormat::tsv);
  CHECK(crossrank::parse_aggregate("mean") == crossrank::Aggregate::mean);
  CHECK_THAT(error_of([] { crossrank::parse_output_format("xml"); }), Catch::Contains("jsonl | trec | tsv"));
  CHECK_THAT(error_of([] { crossrank::parse_long_docs("split"); }), Catch::Contains("--long-docs"));
  CHECK_THAT(error_of([] { crossrank::check_run_tag("my run"); }), Catch::Contains("--run-tag"));
  CHECK_THAT(error_of([] { crossrank::check_run_tag(""); }), Catch::Contains("--run-tag"));
  CHECK(crossrank::check_run_tag("bm25+ce") == "bm25+ce");

  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1024, 128});
  crossrank::test::TempDir dir;
  crossrank::LineWriter out((dir.path() / "out").string());
  crossrank::RerankWriter writer(out, {});
  Lines in({R"({"query":"a","docs":["x"]})"});
  crossrank::RerankOptions rerank;
  rerank.aggregate = crossrank::Aggregate::mean;
  CHECK_THAT(error_of([&] { crossrank::run_rerank(reranker, in, writer, {}, rerank); }),
             Catch::Contains("--aggregate") && Catch::Contains("--long-docs chunk"));
  crossrank::RerankOutputOptions trec;
  trec.format = crossrank::OutputFormat::trec;
  trec.run_tag = "a b";
  CHECK_THAT(error_of([&] { crossrank::RerankWriter(out, trec); }), Catch::Contains("--run-tag"));
}

TEST_CASE("the same file as input and output is refused, however it is spelled", "[pipeline]") {
  crossrank::test::TempDir dir;
  const auto in = dir.write("in.jsonl", "{}\n");
  std::filesystem::create_hard_link(in, dir.path() / "hard.jsonl");
  std::filesystem::create_symlink(in, dir.path() / "sym.jsonl");
  const std::string other = (dir.path() / "out.jsonl").string();
  using Files = std::vector<crossrank::NamedFile>;
  for (const std::string& out : {in.string(), (dir.path() / "." / "in.jsonl").string(),
                                 (dir.path() / "hard.jsonl").string(), (dir.path() / "sym.jsonl").string()}) {
    CHECK_THROWS_AS(crossrank::check_distinct_files(Files{{"-i", in.string()}}, Files{{"-o", out}}),
                    crossrank::ConfigError);
    CHECK_THROWS_AS(crossrank::check_distinct_files(Files{{"-i", other}, {"--qrels", out}}, Files{{"-o", other}, {"--rejects", in.string()}}),
                    crossrank::ConfigError);
  }
  CHECK_NOTHROW(crossrank::check_distinct_files(Files{{"-i", in.string()}}, Files{{"-o", other}}));
  CHECK_THAT(error_of([&] { crossrank::check_distinct_files({}, Files{{"-o", in.string()}, {"--rejects", in.string()}}); }),
             Catch::Contains("--rejects") && Catch::Contains("-o"));
}

TEST_CASE("the title option joins title and text as BEIR does, stripped as Python strips", "[pipeline]") {
  crossrank::DocumentOptions documents;
  documents.with_title = true;
  // U+3000 and U+001F are whitespace to Python's str.strip(); U+200B (a format character) is not.
  const auto r = crossrank::parse_rerank_request(
      R"({"query":"q","docs":[{"title":"\u3000Paris","text":"capital\u001f"},{"title":"","text":" x "},)"
      R"({"text":"no title"},{"title":"\u200bT","text":"y"}]})",
      {}, documents);
  REQUIRE(r.docs.size() == 4);
  CHECK(r.docs[0].text == "Paris capital");
  CHECK(r.docs[1].text == "x");
  CHECK(r.docs[2].text == "no title");
  CHECK(r.docs[3].text == "\u200bT y");
  CHECK_THROWS_AS(crossrank::parse_rerank_request(R"({"query":"q","docs":[{"title":3,"text":"y"}]})", {}, documents),
                  crossrank::InputError);
}

TEST_CASE("flat rows with --group-all: a qid's rows anywhere form one query, bad rows come first",
          "[pipeline]") {
  Lines rows({R"({"qid":"a","query":"q","docid":"1","text":"x"})", R"({"qid":"b","query":"r","text":"y"})",
              "not json", R"({"qid":"a","query":"other","text":"z"})",
              R"({"qid":"a","query":"q","docid":"3","text":"w"})"});
  crossrank::FlatGroups groups(rows, true);
  std::string line;
  // Every row is read before the first query: the two bad rows are thrown first, in order.
  try {
    groups.next(line);
    FAIL("expected a BadLine");
  } catch (const crossrank::BadLine& e) {
    CHECK(e.line() == 3);
  }
  try {
    groups.next(line);
    FAIL("expected a BadLine");
  } catch (const crossrank::BadLine& e) {
    CHECK(e.line() == 4);
    CHECK_THAT(e.what(), Catch::Contains("\"query\" differs from the first row of qid a (line 1)"));
  }
  REQUIRE(groups.next(line));
  CHECK(groups.line_number() == 1);
  const auto a = crossrank::parse_rerank_request(line, {}, {});
  CHECK(a.record["qid"] == "a");
  REQUIRE(a.docs.size() == 2);
  CHECK(a.docs[0].text == "x");
  CHECK(a.docs[1].text == "w");
  REQUIRE(groups.next(line));
  CHECK(groups.line_number() == 2);
  CHECK_FALSE(groups.next(line));
  CHECK(groups.rows() == 3);
}

TEST_CASE("skipped lines go to --rejects verbatim and --max-skipped stops the run",
          "[pipeline]") {
  struct Count final : crossrank::RerankSink {
    size_t queries = 0;
    size_t put(crossrank::RerankRequest&, const std::vector<float>&) override {
      ++queries;
      return 1;
    }
  } sink;
  crossrank::test::TempDir dir;
  const auto rejects = dir.path() / "rejects.jsonl";
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1024, 128});
  crossrank::RunOptions options;
  options.skip_invalid = true;
  options.rejects_path = rejects.string();
  Lines in({R"({"query":"q","docs":["a"]})", "{broken", R"({"query":"q"})", R"({"query":"q","docs":["b"]})"});
  CHECK(crossrank::run_rerank(reranker, in, sink, options, {}).records == 2);
  CHECK(sink.queries == 2);
  std::ifstream kept(rejects);
  std::string first, second, none;
  std::getline(kept, first);
  std::getline(kept, second);
  CHECK(first == "{broken");
  CHECK(second == R"({"query":"q"})");
  CHECK_FALSE(std::getline(kept, none));

  options.rejects_path.clear();
  options.max_skipped = 1;
  Lines again({"{broken", "{broken too", R"({"query":"q","docs":["b"]})"});
  CHECK_THAT(error_of([&] { crossrank::run_rerank(reranker, again, sink, options, {}); }),
             Catch::Contains("--max-skipped"));
}

TEST_CASE("flat rows reach rerank parsed once: a row at the nesting limit is not refused for the levels grouping adds",
          "[pipeline]") {
  // 999 arrays inside the row: 1000 levels, the limit. Grouped, the document field sits two
  // levels deeper (the query's "docs" list and the document), which a reparse would refuse.
  const std::string deep = std::string(999, '[') + std::string(999, ']');
  // qid c fails after its record was taken apart: an instruction to a model without a prompt.
  Lines rows({R"({"qid":"a","query":"q","text":"x","meta":)" + deep + "}",
              R"({"qid":"b","query":"r","text":"1"})", R"({"qid":"b","query":"r","text":"2"})",
              R"({"qid":"c","query":"s","instruction":"i","text":"3"})"});
  crossrank::DocumentOptions documents;
  documents.fields = {"meta"};
  crossrank::FlatGroups groups(rows, false, documents);
  struct Collect final : crossrank::RerankSink {
    std::vector<crossrank::RerankRequest> got;
    size_t put(crossrank::RerankRequest& r, const std::vector<float>&) override {
      got.push_back(r);
      return 1;
    }
  } sink;
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1024, 128});
  crossrank::test::TempDir dir;
  const auto rejects = dir.path() / "rejects.jsonl";
  crossrank::RunOptions options;
  crossrank::RerankOptions rerank;
  rerank.documents = documents;
  options.limits.max_docs = 1;  // qid b's two rows are one query over the limit: a bad line
  options.skip_invalid = true;
  options.rejects_path = rejects.string();
  const auto summary = crossrank::run_rerank(reranker, groups, sink, options, rerank);
  CHECK(summary.records == 1);
  CHECK(summary.skipped == 2);
  REQUIRE(sink.got.size() == 1);
  CHECK(sink.got[0].docs.at(0).fields["meta"].is_array());
  // What --rejects keeps of a query grouped from rows: the query as one rerank line.
  std::ifstream kept(rejects);
  std::string first, second, none;
  std::getline(kept, first);
  std::getline(kept, second);
  CHECK(first == R"({"qid":"b","query":"r","docs":[{"text":"1"},{"text":"2"}]})");
  CHECK(second == R"({"qid":"c","query":"s","instruction":"i","docs":[{"text":"3"}]})");
  CHECK_FALSE(std::getline(kept, none));
}

TEST_CASE("rerank's writer is a sink: -k, --min-score and --format trec, its count in the summary", "[pipeline]") {
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1024, 128});
  crossrank::test::TempDir dir;
  const auto path = dir.path() / "run.trec";
  crossrank::RerankOutputOptions output;
  output.format = crossrank::OutputFormat::trec;
  output.run_tag = "t";
  output.top_k = 2;
  output.min_score = 5000.0f;  // the fake scores the sum of a pair's ids (~2400 for one-word pairs)
  crossrank::RunSummary summary;
  {
    crossrank::LineWriter out(path.string());
    crossrank::RerankWriter writer(out, output);
    Lines in({R"({"qid":"a","query":"q","docs":[{"id":"x","text":"x"},{"id":"long","text":"a much longer text"},{"id":"y","text":"y"}]})",
              R"({"qid":"b","query":"q","docs":[{"id":"z","text":"z"}]})"});
    summary = crossrank::run_rerank(reranker, in, writer, {}, {});
  }
  // qid a: "long" first, then one short document cut by -k 2 and dropped by --min-score; qid b
  // has no result left, so no line.
  std::ifstream run(path);
  std::string first, none;
  std::getline(run, first);
  CHECK(first.rfind("a Q0 long 1 ", 0) == 0);
  CHECK_FALSE(std::getline(run, none));
  CHECK(summary.records == 1);
  CHECK(summary.below_min_score == 2);
}

TEST_CASE("rerank --long-docs chunk: a long document's windows are scored and aggregated as asked",
          "[pipeline]") {
  std::string long_doc;
  // 1100 one-token words, "the" then "mountain": three windows of 508 tokens (512 less the
  // query and three specials) sharing 16, each with its own sum of ids.
  for (int i = 0; i < 1100; ++i) long_doc += (i < 600 ? "the " : "mountain ");
  const std::string line = R"({"query":"q","docs":["short",")" + long_doc + R"("]})";
  struct Collect final : crossrank::RerankSink {
    std::vector<float> scores;
    size_t put(crossrank::RerankRequest&, const std::vector<float>& s) override {
      scores = s;
      return 1;
    }
  };
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {4096, 64});
  // The windows as the encoder makes them (tested in test_pair_encoder); the fake model
  // scores each by the sum of its ids.
  const auto query = reranker.encoder().prepare_query("q", std::nullopt);
  std::vector<double> window_scores;
  for (const auto& w : reranker.encoder().encode_windows(query, long_doc, 16)) {
    double sum = 0;
    for (int32_t id : w.input_ids) sum += id;
    window_scores.push_back(sum);
  }
  REQUIRE(window_scores.size() == 3);
  const double first = window_scores[0];
  const double best = *std::max_element(window_scores.begin(), window_scores.end());
  const double mean = (window_scores[0] + window_scores[1] + window_scores[2]) / 3;
  REQUIRE(first != best);
  for (auto [how, expected] : {std::pair{crossrank::Aggregate::first, first}, std::pair{crossrank::Aggregate::max, best},
                               std::pair{crossrank::Aggregate::mean, mean}}) {
    Collect sink;
    Lines in({line});
    crossrank::RerankOptions rerank;
    rerank.long_docs = crossrank::LongDocs::chunk;
    rerank.chunk_stride = 16;
    rerank.aggregate = how;
    const auto summary = crossrank::run_rerank(reranker, in, sink, {}, rerank);
    CHECK(summary.chunked == 1);
    CHECK(summary.windows == 3);
    CHECK(summary.pairs == 4);
    REQUIRE(sink.scores.size() == 2);
    CHECK(sink.scores[1] == Approx(expected));
  }
}
