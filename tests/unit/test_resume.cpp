// rerank --resume: what prepare_resume keeps of a killed run's output, per format.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crossrank/error.hpp"
#include "crossrank/options.hpp"
#include "crossrank/output.hpp"
#include "support.hpp"

using crossrank::OutputFormat;
using crossrank::prepare_resume;
using crossrank::test::TempDir;
using Done = std::unordered_set<std::string>;

namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("resume jsonl: complete lines count, a half-written last line is cut", "[resume]") {
  TempDir dir;
  const std::string complete = "{\"qid\":\"a\",\"results\":[]}\n\n{\"qid\":7,\"results\":[]}\n";
  const auto path = dir.write("out.jsonl", complete + "{\"qid\":\"b\",\"resu");
  CHECK(prepare_resume(path.string(), OutputFormat::jsonl) == Done{"a", "7"});
  CHECK(read(path) == complete);
  // Run again on what is left: nothing more to cut.
  CHECK(prepare_resume(path.string(), OutputFormat::jsonl) == Done{"a", "7"});
  CHECK(read(path) == complete);
}

TEST_CASE("resume trec and tsv: the last query is done again", "[resume]") {
  TempDir dir;
  const std::string first = "q1 Q0 d1 1 2.5 crossrank\nq1 Q0 d2 2 1.5 crossrank\n";
  const auto path = dir.write("run.trec", first + "q2 Q0 d9 1 3 crossrank\n");
  CHECK(prepare_resume(path.string(), OutputFormat::trec) == Done{"q1"});
  CHECK(read(path) == first);

  const auto tsv = dir.write("out.tsv", "q1\td1\t1\t2.5\nq2\td3\t1\t0.5\nq2\td4\t2\t0.25");
  CHECK(prepare_resume(tsv.string(), OutputFormat::tsv) == Done{"q1"});
  CHECK(read(tsv) == "q1\td1\t1\t2.5\n");
}

TEST_CASE("resume tsv: a qid with spaces is one column", "[resume]") {
  // TSV ids may hold spaces (only tabs and newlines are refused): the qid ends at the tab.
  TempDir dir;
  const std::string first = "what is x\td1\t1\t2.5\nwhat is y\td2\t1\t1.5\n";
  const auto tsv = dir.write("out.tsv", first + "how to z\td3\t1\t0.5\n");
  CHECK(prepare_resume(tsv.string(), OutputFormat::tsv) == Done{"what is x", "what is y"});
  CHECK(read(tsv) == first);
}

TEST_CASE("resume: a missing file is a fresh start and a wrong format or qid is an error naming the line",
          "[resume]") {
  TempDir dir;
  CHECK(prepare_resume((dir.path() / "absent.jsonl").string(), OutputFormat::jsonl).empty());

  const auto json = dir.write("out.trec", "{\"qid\":\"a\",\"results\":[]}\n");
  CHECK_THROWS_WITH(prepare_resume(json.string(), OutputFormat::trec),
                    Catch::Contains("line 1 is JSON, not --format trec"));
  CHECK(read(json) == "{\"qid\":\"a\",\"results\":[]}\n");  // refused, not cut

  const auto no_qid = dir.write("out.jsonl", "{\"qid\":\"a\"}\n{\"id\":\"b\"}\n");
  CHECK_THROWS_WITH(prepare_resume(no_qid.string(), OutputFormat::jsonl),
                    Catch::Contains("line 2: no \"qid\""));
}
