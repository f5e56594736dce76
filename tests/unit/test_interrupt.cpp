// A stop request (SIGINT/SIGTERM) in the middle of a window: the queries finished before it
// are written, in input order, and nothing after the first unfinished one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <string>
#include <vector>

#include "crossrank/interrupt.hpp"
#include "crossrank/jsonl.hpp"
#include "crossrank/runner.hpp"
#include "fake_model.hpp"
#include "support.hpp"

namespace {

using crossrank::test::Lines;

// Clears the process-wide request however the test ends.
struct StopGuard {
  StopGuard() { crossrank::clear_stop(); }
  ~StopGuard() { crossrank::clear_stop(); }
};

}  // namespace

TEST_CASE("scoring stops between batches and says which pairs have scores", "[interrupt]") {
  StopGuard guard;
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1, 1}, 1, SIZE_MAX, 3);
  std::vector<crossrank::EncodedPair> pairs;
  for (int i = 0; i < 10; ++i) pairs.push_back(reranker.encode("q", std::string(static_cast<size_t>(i + 1), 'x') + " y"));
  std::vector<char> scored;
  reranker.score(pairs, &scored);
  CHECK(shapes.size() == 3);
  REQUIRE(scored.size() == pairs.size());
  CHECK(std::count(scored.begin(), scored.end(), 1) == 3);

  // Without the mask, a stop request does not cut scoring short.
  shapes.clear();
  reranker.score(pairs);
  CHECK(shapes.size() == pairs.size());
}

TEST_CASE("a stop in the middle of a window writes the queries finished before it, then throws",
          "[interrupt]") {
  StopGuard guard;
  // Query i's documents are shorter than query i-1's, so batches of one pair, longest first,
  // finish the queries in input order: 4 documents each, the stop after 9 batches.
  std::vector<std::string> lines;
  for (int q = 0; q < 5; ++q) {
    std::string docs;
    for (int d = 0; d < 4; ++d) {
      std::string words;  // one token per "w"
      for (int w = 0; w < (5 - q) * 8 - d; ++w) words += "w ";
      docs += std::string(d ? "," : "") + "\"" + words + "\"";
    }
    lines.push_back("{\"qid\":\"q" + std::to_string(q) + "\",\"query\":\"q\",\"docs\":[" + docs + "]}");
  }
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = crossrank::test::fake_reranker(&shapes, {1, 1}, 1, SIZE_MAX, 9);
  crossrank::test::TempDir dir;
  const auto out_path = dir.path() / "out.jsonl";
  Lines in(lines);
  try {
    crossrank::LineWriter out(out_path.string());
    crossrank::RerankWriter writer(out, {});
    crossrank::run_rerank(reranker, in, writer, {}, {});
    FAIL("expected Interrupted");
  } catch (const crossrank::Interrupted& e) {
    CHECK(e.signal() == SIGTERM);
    CHECK(e.exit_code() == 143);
    CHECK_THAT(e.what(), Catch::Equals("stopped by SIGTERM after writing 2 output records; input from "
                                       "line 3 on was not processed"));
  }
  const auto written = crossrank::test::read_jsonl(out_path);
  REQUIRE(written.size() == 2);
  CHECK(written[0]["qid"] == "q0");
  CHECK(written[1]["qid"] == "q1");
  CHECK(written[1]["results"].size() == 4);
}

TEST_CASE("a stop after the last batch of the input finishes the run normally", "[interrupt]") {
  StopGuard guard;
  std::vector<std::pair<size_t, size_t>> shapes;
  // Two queries of two documents, one pair per batch: the stop comes with the fourth and last.
  auto reranker = crossrank::test::fake_reranker(&shapes, {1, 1}, 1, SIZE_MAX, 4);
  Lines in({R"({"qid":"a","query":"q","docs":["x y","x"]})", R"({"qid":"b","query":"q","docs":["z","z z z"]})"});
  crossrank::test::TempDir dir;
  const auto out_path = dir.path() / "out.jsonl";
  {
    crossrank::LineWriter out(out_path.string());
    crossrank::RerankWriter writer(out, {});
    const auto summary = crossrank::run_rerank(reranker, in, writer, {}, {});
    CHECK(summary.records == 2);
  }
  CHECK(crossrank::stop_requested());
  CHECK(crossrank::test::read_jsonl(out_path).size() == 2);
}
