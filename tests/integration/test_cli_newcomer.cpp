// What a new user's first hour broke (issue 13): each case failed before its fix.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "cli_support.hpp"
#include "support.hpp"

using crossrank::test::data_dir;
using crossrank::test::model_arg;
using crossrank::test::Result;
using crossrank::test::run;
using crossrank::test::slurp;
using nlohmann::json;

namespace {

const std::string kModel = model_arg();
const std::string kLabelled = (data_dir() / ".." / ".." / "docs" / "examples" / "labelled.jsonl").string();

std::string queries(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += R"({"qid":"q)" + std::to_string(i) + R"(","query":"what is )" + std::to_string(i) +
            R"(","docs":["a document","another one"]})" "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("an output that is the input is refused before anything is written", "[cli][newcomer]") {
  crossrank::test::TempDir dir;
  const std::string text = queries(3000);
  const auto in = dir.write("in.jsonl", text);
  std::filesystem::create_hard_link(in, dir.path() / "hard.jsonl");
  std::filesystem::create_symlink(in, dir.path() / "sym.jsonl");
  const std::string i = " -i " + in.string();
  const std::string d = dir.path().string();
  for (const std::string& args : {i + " -o " + d + "/./in.jsonl", i + " -o " + d + "/hard.jsonl",
                                  " -i " + d + "/sym.jsonl -o " + in.string(),
                                  i + " -o " + in.string() + " --resume",
                                  i + " --skip-invalid --rejects " + d + "/hard.jsonl -o " + d + "/out.jsonl"}) {
    const Result r = run("rerank " + kModel + args);
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("is the same file as") && Catch::Contains("another file"));
    CHECK(slurp(in) == text);
  }
  // stdout appended to the input: it would read its own output.
  const std::string appended = std::string(CROSSRANK_BINARY) + " rerank " + kModel + i + " >> " + in.string() + " 2>/dev/null";
  CHECK(WEXITSTATUS(std::system(appended.c_str())) == 2);
  CHECK(slurp(in) == text);
  CHECK(run("score " + kModel + i + " -o " + in.string()).code == 2);
  // Two outputs naming one file that does not exist yet: the rejects would be written over.
  const Result both = run("rerank " + kModel + i + " -o " + d + "/new.jsonl --skip-invalid --rejects " + d + "/./new.jsonl");
  CHECK(both.code == 2);
  CHECK_THAT(both.err, Catch::Contains("--rejects") && Catch::Contains("-o"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "new.jsonl"));
  // --resume cuts -o only once every option is known good.
  const auto kept = dir.write("kept.trec", "q0 Q0 d 1 0.5 tag\nq1 Q0 d 1 0.5 tag\n");
  CHECK(run("rerank " + kModel + i + " -o " + kept.string() + " --resume --format trec --run-tag 'a b'").code == 2);
  CHECK(slurp(kept) == "q0 Q0 d 1 0.5 tag\nq1 Q0 d 1 0.5 tag\n");
  // eval's metrics and --per-query - share stdout on purpose.
  CHECK(run("eval --task rerank -q " + kModel + " -i " + kLabelled + " --per-query -").code == 0);
  CHECK(run("eval --task rerank " + kModel + " -i " + kLabelled + " --per-query " + kLabelled).code == 2);
  CHECK(slurp(in) == text);
}

TEST_CASE("flat rows of a qid that comes back are an error naming both lines, unless --group-all",
          "[cli][newcomer]") {
  const std::string rows = R"({"qid":"a","query":"q","docid":"1","text":"one"})" "\n"
                           R"({"qid":"b","query":"r","docid":"2","text":"two"})" "\n"
                           R"({"qid":"a","query":"q","docid":"3","text":"three"})" "\n";
  const Result r = run("rerank --flat --format trec " + kModel, rows);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("line 3: qid a comes back") && Catch::Contains("from line 1") &&
                        Catch::Contains("--group-all"));
  CHECK(r.out.find("a Q0 3") == std::string::npos);  // no second ranking of qid a
  const Result all = run("rerank --flat --group-all --format trec " + kModel, rows);
  CHECK(all.code == 0);
  CHECK(std::count(all.out.begin(), all.out.end(), '\n') == 3);
}

TEST_CASE("eval refuses rerank output cut by -k, and -m equals --scores on whole lists", "[cli][newcomer]") {
  const Result cut = run("rerank -k 2 -q " + kModel + " -i " + kLabelled);
  REQUIRE(cut.code == 0);
  CHECK(cut.lines()[0]["num_docs"] == 4);
  const Result refused = run("eval --task rerank --scores -", cut.out);
  CHECK(refused.code == 3);
  CHECK_THAT(refused.err, Catch::Contains("line 1: the results hold 2 of the query's 4 documents"));

  const Result whole = run("rerank -q " + kModel + " -i " + kLabelled);
  REQUIRE(whole.code == 0);
  CHECK_FALSE(whole.lines()[0].contains("num_docs"));  // nothing cut: the output is as before
  // A "num_docs" of the user's own is replaced by the true count, so eval is not misled.
  const Result own = run("rerank " + kModel,
                         R"({"qid":"a","num_docs":1000,"query":"q","docs":[{"text":"x","label":1},"y"]})" "\n");
  REQUIRE(own.code == 0);
  CHECK(own.lines()[0]["num_docs"] == 2);
  CHECK_THAT(own.err, Catch::Contains("\"num_docs\" is replaced"));
  CHECK(run("eval --task rerank --scores -", own.out).code == 0);
  const Result from_scores = run("eval --task rerank --scores -", whole.out);
  const Result from_model = run("eval --task rerank -q " + kModel + " -i " + kLabelled);
  REQUIRE(from_scores.code == 0);
  REQUIRE(from_model.code == 0);
  CHECK(from_scores.out == from_model.out);
}

TEST_CASE("eval reads its input as rerank does: --flat rows, --long-docs chunk, --with-title", "[cli][newcomer]") {
  // The labelled example's queries as flat rows, one per document, label and all.
  std::ifstream labelled(kLabelled);
  std::string line, rows;
  while (std::getline(labelled, line)) {
    const json query = json::parse(line);
    for (const json& doc : query["docs"]) {
      json row = {{"qid", query["qid"]}, {"query", query["query"]}};
      row.update(doc);
      rows += row.dump() + "\n";
    }
  }
  const Result grouped = run("eval --task rerank -q " + kModel + " -i " + kLabelled);
  const Result flat = run("eval --task rerank -q --flat " + kModel, rows);
  REQUIRE(grouped.code == 0);
  REQUIRE(flat.code == 0);
  CHECK(flat.out == grouped.out);
  CHECK(json::parse(flat.out)["queries"] == 3);

  // Windows of 16 tokens: eval -m agrees with eval --scores of rerank's output.
  const std::string chunk = " --max-length 16 --long-docs chunk --chunk-stride 4 --aggregate mean --with-title ";
  const Result ranked = run("rerank -q " + kModel + chunk + "-i " + kLabelled);
  REQUIRE(ranked.code == 0);
  const Result from_scores = run("eval --task rerank --scores -", ranked.out);
  const Result from_model = run("eval --task rerank -q " + kModel + chunk + "-i " + kLabelled);
  REQUIRE(from_model.code == 0);
  CHECK(from_model.out == from_scores.out);
  CHECK(from_model.out != grouped.out);  // the windows changed the scores

  const Result sts = run("eval --task sts " + kModel + " --flat", rows);
  CHECK(sts.code == 2);
  CHECK_THAT(sts.err, Catch::Contains("--flat applies to --task rerank"));
  const Result scores = run("eval --task rerank --scores - --long-docs chunk", ranked.out);
  CHECK(scores.code == 2);
  CHECK_THAT(scores.err, Catch::Contains("--long-docs") && Catch::Contains("--scores"));
}

TEST_CASE("eval -m errors name the user's line and document, and qrels -1 is not relevant", "[cli][newcomer]") {
  const std::string input = R"({"qid":"a","query":"q","docs":[{"id":"x","text":"t","label":1}]})" "\n"
                            R"({"qid":"b","query":"q","docs":[{"id":"y","text":"t","label":0},{"id":"z","text":"u","label":"high"}]})" "\n";
  const Result r = run("eval --task rerank " + kModel, input);
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("line 2: \"docs\"[1] \"label\" must be a number"));
  CHECK(r.err.find("results") == std::string::npos);
  CHECK(r.err.find("crossrank-eval-") == std::string::npos);

  crossrank::test::TempDir dir;
  const std::string docs = R"({"qid":"a","query":"q","docs":[{"id":"x","text":"one"},{"id":"y","text":"two"},{"id":"z","text":"three"}]})" "\n";
  const auto minus = dir.write("minus.qrels", "a 0 x -1\na 0 y 1\na 0 z -2\n");
  const auto zero = dir.write("zero.qrels", "a 0 x 0\na 0 y 1\na 0 z 0\n");
  const Result with_minus = run("eval --task rerank " + kModel + " --qrels " + minus.string(), docs);
  const Result with_zero = run("eval --task rerank " + kModel + " --qrels " + zero.string(), docs);
  REQUIRE(with_minus.code == 0);
  CHECK(with_minus.out == with_zero.out);
}

TEST_CASE("the TREC run tag (--run-tag) must be one word", "[cli][newcomer]") {
  const std::string rows = R"({"qid":"a","query":"q","docid":"1","text":"one"})" "\n";
  for (const std::string& tag : {"'my run'", "''", "'a\tb'"}) {
    const Result r = run("rerank --flat --format trec --run-tag " + tag + " " + kModel, rows);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("--run-tag"));
  }
  const Result ok = run("rerank --flat --format trec --run-tag bm25+ce " + kModel, rows);
  REQUIRE(ok.code == 0);
  std::istringstream columns(ok.out);
  std::vector<std::string> words{std::istream_iterator<std::string>(columns), {}};
  REQUIRE(words.size() == 6);
  CHECK(words[5] == "bm25+ce");
}

TEST_CASE("skipped lines are counted on stderr even with -q, and --max-skipped stops the run", "[cli][newcomer]") {
  crossrank::test::TempDir dir;
  const std::string input = R"({"query":"q","docs":["a"]})" "\nnot json\n" R"({"x":1})" "\n" R"({"query":"r","docs":["b"]})" "\n";
  const auto rejects = dir.path() / "rejects.jsonl";
  const Result quiet = run("rerank -q --skip-invalid --rejects " + rejects.string() + " " + kModel, input);
  CHECK(quiet.code == 0);
  CHECK(quiet.lines().size() == 2);
  CHECK_THAT(quiet.err, Catch::Contains("warning: 2 of 4 input lines read were bad and skipped") &&
                            Catch::Contains(rejects.string()));
  CHECK(run("rerank --log-level off --skip-invalid " + kModel, input).err.empty());
  const Result capped = run("rerank -q --skip-invalid --max-skipped 1 " + kModel, input);
  CHECK(capped.code == 3);
  CHECK(capped.lines().size() == 1);
  CHECK_THAT(capped.err, Catch::Contains("line 3:") && Catch::Contains("--max-skipped"));
  CHECK(run("rerank -q --skip-invalid --max-skipped 2 " + kModel, input).code == 0);
  CHECK(run("rerank --max-skipped 2 " + kModel, input).code == 2);  // needs --skip-invalid
  // --flat: the count is of rows read, not of queries.
  const std::string rows = R"({"qid":1,"query":"q","text":"a"})" "\n" R"({"qid":1,"query":"q"})" "\n"
                           R"({"qid":1,"query":"q","text":"b"})" "\n" R"({"qid":2,"query":"r","text":"c"})" "\n";
  CHECK_THAT(run("rerank --flat -q --skip-invalid " + kModel, rows).err,
             Catch::Contains("1 of 4 input lines read were bad"));
}

TEST_CASE("hints for the common mistakes", "[cli][newcomer]") {
  crossrank::test::TempDir dir;
  const auto plain = dir.write("q.jsonl", queries(2));
  REQUIRE(std::system(("gzip -k " + plain.string()).c_str()) == 0);
  const Result gz = run("rerank " + kModel + " -i " + plain.string() + ".gz");
  CHECK(gz.code == 3);
  CHECK_THAT(gz.err, Catch::Contains("gzip-compressed") && Catch::Contains("zcat"));
  const Result gz_stdin = run("rerank " + kModel, slurp(plain.string() + ".gz"));
  CHECK_THAT(gz_stdin.err, Catch::Contains("<stdin> is gzip-compressed"));

  const Result positional = run("rerank " + kModel + plain.string());
  CHECK(positional.code == 2);
  CHECK_THAT(positional.err, Catch::Contains("give it with -i " + plain.string()));
  const std::string bundle = (data_dir() / "models" / "tiny-bert").string();
  const Result no_m = run("rerank " + bundle + " -i " + plain.string());
  CHECK(no_m.code == 2);
  CHECK_THAT(no_m.err, Catch::Contains("give it with -m " + bundle));
  // A qrels qid that starts like bzip2's magic is text, not a compressed file.
  const auto qrels = dir.write("bz.qrels", "BZh1 0 d1 1\n");
  CHECK(run("eval --task rerank " + kModel + " --qrels " + qrels.string(),
            R"({"qid":"BZh1","query":"q","docs":[{"id":"d1","text":"x"}]})" "\n").code == 0);

  const Result to_score = run("score " + kModel, queries(1));
  CHECK(to_score.code == 3);
  CHECK_THAT(to_score.err, Catch::Contains("use crossrank rerank"));
  const Result row_to_rerank = run("rerank " + kModel, R"({"qid":1,"query":"q","docid":"d","text":"t"})" "\n");
  CHECK_THAT(row_to_rerank.err, Catch::Contains("use rerank --flat"));
  const Result pair_to_rerank = run("rerank " + kModel, R"({"text_a":"q","text_b":"t"})" "\n");
  CHECK_THAT(pair_to_rerank.err, Catch::Contains("use crossrank score"));
  const Result rerank_to_flat = run("rerank --flat " + kModel, queries(1));
  CHECK_THAT(rerank_to_flat.err, Catch::Contains("leave out --flat"));

  const auto hf = dir.path() / "hf";
  std::filesystem::create_directory(hf);
  std::filesystem::copy_file(data_dir() / "models" / "tiny-bert" / "config.json", hf / "config.json");
  std::filesystem::copy_file(data_dir() / "models" / "tiny-bert" / "tokenizer.json", hf / "tokenizer.json");
  dir.write("hf/model.safetensors", "");
  const Result no_model = run("rerank -m " + hf.string(), queries(1));
  CHECK(no_model.code == 4);
  CHECK_THAT(no_model.err, Catch::Contains("no model.pt") && Catch::Contains("scripts/export_hf.py"));
}

TEST_CASE("progress stays off the terminal that output goes to", "[cli][newcomer]") {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    WARN("no script(1): the terminal case is not tested");
    return;
  }
  crossrank::test::TempDir dir;
  std::string input;
  for (int i = 0; i < 40; ++i) input += "[\"query " + std::to_string(i) + "\",\"a document\"]\n";
  const auto pairs = dir.write("pairs.jsonl", input);
  const auto log = dir.path() / "tty.log";
  // stdout and stderr are both the terminal script(1) makes.
  const std::string cmd = "script -qec '" + std::string(CROSSRANK_BINARY) + " score --threads 1 --window 8 -i " +
                          pairs.string() + " " + kModel + "' /dev/null > " + log.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string tty = slurp(log);
  CHECK_THAT(tty, Catch::Contains("\"score\":") && Catch::Contains("crossrank: info: score: 40 lines out"));
  CHECK(tty.find("\rcrossrank: score:") == std::string::npos);
}

TEST_CASE("nonsense numbers and options that do not apply are usage errors", "[cli][newcomer]") {
  const std::string q = queries(1);
  for (const std::string& args :
       {"bench " + kModel + "--pairs 0", "bench " + kModel + "--rounds 0", "rerank " + kModel + "-k -1",
        "eval --task rerank " + kModel + "--tokenizer-threads 0", "rerank " + kModel + "--aggregate mean",
        "rerank " + kModel + "--chunk-stride 8", "rerank " + kModel + "--max-docs -5",
        "rerank " + kModel + "--format xml", "rerank " + kModel + "--long-docs split"}) {
    const Result r = run(args, q);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
  }
}

TEST_CASE("every subcommand's --help shows the global options and says what --max-length's 0 means, in words", "[cli][newcomer]") {
  for (const char* cmd : {"rerank", "score", "eval", "bench", "info", "tokenize"}) {
    const Result help = run(std::string(cmd) + " --help");
    CHECK(help.code == 0);
    CHECK_THAT(help.out, Catch::Contains("-q,--quiet") && Catch::Contains("--log-level"));
  }
  const Result help = run("rerank --help");
  CHECK_THAT(help.out, Catch::Contains("crossrank.json"));
  CHECK(help.out.find("kb(=1024b)") == std::string::npos);
  CHECK(help.out.find("INT>=1") == std::string::npos);
  CHECK(run("rerank -q --help").code == 0);
  CHECK(run("-q rerank --help").code == 0);
}

TEST_CASE("document fields: --doc-fields carries them, --with-title scores title and text as BEIR, "
          "passage is a text", "[cli][newcomer]") {
  const std::string input =
      R"({"qid":"a","query":"capital of france","docs":[{"id":"x","title":"Paris","text":"The capital.","url":"u1","bm25":3.5},)"
      R"({"id":"y","passage":"Berlin.","url":"u2"},{"id":"z","title":"  ","text":" Rome "}]})" "\n";
  const Result fields = run("rerank --doc-fields url,bm25 " + kModel, input);
  REQUIRE(fields.code == 0);
  std::map<std::string, json> by_id;
  const json results = fields.lines().at(0).at("results");  // a local: lines() is a temporary
  for (const auto& r : results) by_id[r["id"].get<std::string>()] = r;
  CHECK(by_id["x"]["url"] == "u1");
  CHECK(by_id["x"]["bm25"] == 3.5);
  CHECK(by_id["y"]["url"] == "u2");
  CHECK_FALSE(by_id["x"].contains("title"));
  CHECK(run("rerank --doc-fields score " + kModel, input).code == 2);  // the result's own
  CHECK(run("rerank --flat --doc-fields qid " + kModel, input).code == 2);
  // A document's own "score" is not copied, and says so, wherever it first appears.
  CHECK_THAT(run("rerank --doc-fields all " + kModel, R"({"query":"q","docs":["plain",{"text":"t","score":3.2}]})" "\n").err,
             Catch::Contains("own \"score\" fields are not copied"));
  const Result all = run("rerank --doc-fields all " + kModel, input);
  REQUIRE(all.code == 0);
  const json all_results = all.lines().at(0).at("results");
  for (const auto& r : all_results) {
    if (r["id"] == "x") CHECK((r["title"] == "Paris" && r["url"] == "u1" && !r.contains("text")));
  }

  // BEIR: (title + " " + text).strip(); the same scores as those texts given plainly.
  const Result titled = run("rerank --with-title --activation identity " + kModel, input);
  const Result plain = run("rerank --activation identity " + kModel,
                           R"({"qid":"a","query":"capital of france","docs":[{"id":"x","text":"Paris The capital."},)"
                           R"({"id":"y","text":"Berlin."},{"id":"z","text":"Rome"}]})" "\n");
  REQUIRE(titled.code == 0);
  REQUIRE(plain.code == 0);
  CHECK(titled.lines()[0]["results"] == plain.lines()[0]["results"]);
}

TEST_CASE("a model.pt with a damaged weight, a truncated one and a git-lfs pointer are named as such",
          "[cli][newcomer]") {
  crossrank::test::TempDir dir;
  const auto bundle = dir.path() / "bundle";
  std::filesystem::copy(data_dir() / "models" / "tiny-bert", bundle);
  const std::string original = slurp(bundle / "model.pt");
  auto write_model = [&](const std::string& bytes) { dir.write("bundle/model.pt", bytes); };

  // One byte of the first weight record flipped: libtorch loads it and scores wrongly.
  std::string damaged = original;
  const size_t name = damaged.find("/data/0");
  REQUIRE(name != std::string::npos);
  const size_t header = damaged.rfind(std::string("PK\x03\x04", 4), name);
  REQUIRE(header != std::string::npos);
  auto u16 = [&](size_t at) { return static_cast<size_t>(static_cast<unsigned char>(damaged[at])) |
                                     static_cast<size_t>(static_cast<unsigned char>(damaged[at + 1])) << 8; };
  damaged[header + 30 + u16(header + 26) + u16(header + 28) + 5] ^= 0x40;
  write_model(damaged);
  const Result corrupt = run("rerank -m " + bundle.string(), queries(1));
  CHECK(corrupt.code == 4);
  CHECK(corrupt.out.empty());
  CHECK_THAT(corrupt.err, Catch::Contains("is corrupted") && Catch::Contains("CRC-32"));

  write_model(original.substr(0, original.size() / 2));
  const Result truncated = run("info -m " + bundle.string());
  CHECK(truncated.code == 4);
  CHECK_THAT(truncated.err, Catch::Contains("is truncated"));

  write_model("version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 4096\n");
  const Result lfs = run("info -m " + bundle.string());
  CHECK(lfs.code == 4);
  CHECK_THAT(lfs.err, Catch::Contains("git-lfs pointer") && Catch::Contains("git lfs pull"));
}
