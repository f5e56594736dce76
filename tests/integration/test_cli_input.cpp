// Every kind of hostile or odd input has one defined outcome (docs/errors.md#input-errors-3,
// docs/cli.md#limits): a per-line error naming the line, or acceptance.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "support.hpp"

using crossrank::test::model_arg;
using crossrank::test::Result;
using crossrank::test::run;
using crossrank::test::slurp;
using nlohmann::json;

namespace {

const std::string kGood = R"({"text_a":"good","text_b":"line"})";

struct BadCase {
  const char* what;
  std::string line;
  std::string message;  // what stderr must say after "line 2: "
};

std::vector<BadCase> bad_cases() {
  const std::string deep = std::string(300000, '[') + std::string(300000, ']');
  std::string unclosed;
  for (int i = 0; i < 500000; ++i) unclosed += "{\"a\":";
  return {
      {"invalid UTF-8", "{\"text_a\":\"\xff\",\"text_b\":\"x\"}", "ill-formed UTF-8"},
      {"an overlong UTF-8 encoding", "{\"text_a\":\"\xc0\xaf\",\"text_b\":\"x\"}", "ill-formed UTF-8"},
      {"a UTF-8-encoded surrogate", "{\"text_a\":\"\xed\xa0\x80\",\"text_b\":\"x\"}", "ill-formed UTF-8"},
      {"a lone high surrogate", R"({"text_a":"\ud800","text_b":"x"})", "must be followed by U+DC00..U+DFFF"},
      {"a lone low surrogate", R"({"text_a":"\udc00 ","text_b":"x"})", "must follow U+D800..U+DBFF"},
      {"a raw NUL in a string", std::string("{\"text_a\":\"a\0b\",\"text_b\":\"x\"}", 29),
       "control character U+0000 (NUL) must be escaped"},
      {"a raw NUL between fields", std::string("{\"text_a\":\"a\",\0\"text_b\":\"x\"}", 29), "not valid JSON"},
      {"a number for a string", R"({"text_a":1,"text_b":"x"})", "field \"text_a\" must be a string, not number"},
      {"an object for a string", R"({"text_a":"a","text_b":{"t":"x"}})",
       "field \"text_b\" must be a string, not object"},
      {"an array for a string", R"({"text_a":["a"],"text_b":"x"})", "field \"text_a\" must be a string, not array"},
      {"null for a string", R"({"text_a":null,"text_b":"x"})", "field \"text_a\" must be a string, not null"},
      {"a number beyond a double", R"({"text_a":"a","text_b":"b","x":1e400})",
       "not valid JSON (number overflow parsing '1e400')"},
      {"a duplicate key", R"({"text_a":"a","text_b":"b","text_a":"c"})", "key \"text_a\" appears twice in one object"},
      {"a duplicate key deeper down", R"({"text_a":"a","text_b":"b","meta":{"k":1,"k":2}})",
       "key \"k\" appears twice in one object"},
      {"300000 nested arrays", R"({"text_a":"a","text_b":"b","meta":)" + deep + "}", "JSON nested deeper than 1000 levels"},
      {"500000 unclosed objects", unclosed, "JSON nested deeper than 1000 levels"},
  };
}

}  // namespace

TEST_CASE("bad input of every kind is an input error naming its line, after the lines before it",
          "[cli][hardening]") {
  crossrank::test::TempDir dir;
  for (const BadCase& c : bad_cases()) {
    INFO(c.what);
    const std::string input = kGood + "\n" + c.line + "\n" + kGood + "\n";
    const Result stop = run("score " + model_arg(), input);
    CHECK(stop.code == 3);
    CHECK_THAT(stop.err, Catch::StartsWith("crossrank: error: line 2: ") && Catch::Contains(c.message));
    CHECK(std::count(stop.out.begin(), stop.out.end(), '\n') == 1);  // line 1's output, whole

    const auto rejects = dir.path() / "rejects.jsonl";
    const Result skip = run("score " + model_arg() + "--skip-invalid --rejects " + rejects.string(), input);
    CHECK(skip.code == 0);
    CHECK(skip.lines().size() == 2);
    CHECK(slurp(rejects) == c.line + "\n");  // verbatim, NUL bytes and all
  }
}

TEST_CASE("accepted as they are: a BOM, CRLF ends, no final newline, blank lines, escaped NUL, "
          "nesting within the limit",
          "[cli][hardening]") {
  const std::string a = R"({"text_a":"first pair","text_b":"one"})";
  const std::string b = R"({"text_a":"second pair","text_b":"two"})";
  const Result plain = run("score " + model_arg(), a + "\n" + b + "\n");
  REQUIRE(plain.code == 0);
  REQUIRE(plain.lines().size() == 2);

  CHECK(run("score " + model_arg(), "\xEF\xBB\xBF" + a + "\r\n" + b + "\r\n").out == plain.out);
  CHECK(run("score " + model_arg(), a + "\n" + b).out == plain.out);  // the last line is processed
  CHECK(run("score " + model_arg(), "\n  \n" + a + "\n\t\n" + b + "\n\n").out == plain.out);

  for (const std::string empty : {"", "\n\n", "\xEF\xBB\xBF", "   \r\n"}) {
    const Result r = run("score " + model_arg(), empty);
    CHECK(r.code == 0);
    CHECK(r.out.empty());
  }

  // An escaped NUL is text: BERT's normalizer drops it, as Hugging Face's does.
  const Result nul = run("tokenize " + model_arg(), R"({"text_a":"ab\u0000cd","text_b":"x"})" "\n");
  CHECK(nul.code == 0);
  CHECK(nul.out == run("tokenize " + model_arg(), R"({"text_a":"abcd","text_b":"x"})" "\n").out);

  // 999 levels pass through to the output unchanged.
  const std::string nested = std::string(999, '[') + std::string(999, ']');
  const Result deep = run("score " + model_arg(), R"({"text_a":"a","text_b":"b","meta":)" + nested + "}\n");
  CHECK(deep.code == 0);
  REQUIRE(deep.lines().size() == 1);
  CHECK(deep.lines()[0]["meta"].dump() == nested);
}

TEST_CASE("input limits: over-long lines are never read whole, documents and characters are counted",
          "[cli][hardening]") {
  crossrank::test::TempDir dir;
  const std::string long_line = R"({"text_a":")" + std::string(3000, 'x') + R"(","text_b":"y"})";
  const std::string input = kGood + "\n" + long_line + "\n" + kGood + "\n";
  const Result stop = run("score " + model_arg() + "--max-line-bytes 1K", input);
  CHECK(stop.code == 3);
  CHECK_THAT(stop.err, Catch::Contains("line 2: the line is 3026 bytes long, over the limit of 1024 "
                                       "(--max-line-bytes); it was not read"));
  CHECK(stop.lines().size() == 1);
  const auto rejects = dir.path() / "rejects.jsonl";
  const Result skip =
      run("score " + model_arg() + "--max-line-bytes 1K --skip-invalid --rejects " + rejects.string(), input);
  CHECK(skip.code == 0);
  CHECK(skip.lines().size() == 2);
  CHECK_THAT(skip.err, Catch::Contains("not copied to --rejects"));
  CHECK(slurp(rejects).empty());
  CHECK(run("score " + model_arg() + "--max-line-bytes 4K", input).lines().size() == 3);
  CHECK(run("score " + model_arg() + "--max-line-bytes 0", input).code == 2);
  CHECK(run("score " + model_arg() + "--max-line-bytes lots", input).code == 2);

  const std::string query = R"({"query":"q","docs":["a","b","c"]})" "\n";
  CHECK(run("rerank " + model_arg() + "--max-docs 3", query).code == 0);
  CHECK(run("rerank " + model_arg() + "--max-docs 0", query).code == 0);  // no limit
  const Result docs = run("rerank " + model_arg() + "--max-docs 2", query);
  CHECK(docs.code == 3);
  CHECK_THAT(docs.err, Catch::Contains("line 1: field \"docs\" holds 3 documents, over the limit of 2 (--max-docs)"));

  // Characters are code points: "é" is two bytes and one character.
  const std::string accents = R"({"query":"ééé","docs":[{"id":"d","text":"éé"}, "ééé"]})" "\n";
  CHECK(run("rerank " + model_arg() + "--max-text-chars 3", accents).code == 0);
  const Result text = run("rerank " + model_arg() + "--max-text-chars 2", accents);
  CHECK(text.code == 3);
  CHECK_THAT(text.err, Catch::Contains("line 1: field \"query\" has 3 characters, over the limit of 2 (--max-text-chars)"));
  const Result doc = run("rerank " + model_arg() + "--max-text-chars 2",
                         R"({"query":"q","docs":[{"id":"d","text":"éé"}, "ééé"]})" "\n");
  CHECK_THAT(doc.err, Catch::Contains("line 1: \"docs\"[1]: the text has 3 characters"));
  const Result pair = run("score " + model_arg() + "--max-text-chars 2", R"({"text_a":"ab","text_b":"abc"})" "\n");
  CHECK_THAT(pair.err, Catch::Contains("line 1: field \"text_b\" has 3 characters"));
}
