// Runs the crossrank binary as users and scripts do (docs/cli.md).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>
#include <fstream>
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

}  // namespace

TEST_CASE("rerank: passthrough fields, ids, top-k, input order", "[cli]") {
  const std::string input =
      R"({"qid":"q1","query":"capital of france","docs":[{"id":"a","text":"Paris is the capital."},"Berlin.",{"docid":7,"text":"A tower"}],"meta":{"x":1}})"
      "\n"
      R"({"qid":"q2","query":"empty","documents":[]})"
      "\n"
      R"({"qid":"q3","query":"third","candidates":["one","two","three","four"]})"
      "\n";
  const Result all = run("rerank " + kModel, input);
  REQUIRE(all.code == 0);
  const auto rows = all.lines();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["qid"] == "q1");
  CHECK(rows[0]["meta"] == json({{"x", 1}}));
  CHECK_FALSE(rows[0].contains("docs"));
  CHECK(rows[1]["results"] == json::array());
  REQUIRE(rows[2]["results"].size() == 4);
  for (size_t i = 1; i < rows[2]["results"].size(); ++i) {
    CHECK(rows[2]["results"][i - 1]["score"].get<double>() >= rows[2]["results"][i]["score"].get<double>());
  }
  const json& r0 = rows[0]["results"];
  std::set<json> ids;
  for (const auto& r : r0) ids.insert(r["id"]);
  CHECK(ids == std::set<json>{"a", 1, 7});

  const Result top = run("rerank " + kModel + "-k 2 --return-text", input);
  REQUIRE(top.code == 0);
  const auto top_rows = top.lines();
  CHECK(top_rows[0]["results"].size() == 2);
  CHECK(top_rows[0]["results"][0] == json({{"id", r0[0]["id"]}, {"index", r0[0]["index"]},
                                          {"score", r0[0]["score"]}, {"text", top_rows[0]["results"][0]["text"]}}));
  CHECK(top_rows[0]["results"][0]["text"].is_string());
}

TEST_CASE("rerank: identical documents tie exactly and keep input order", "[cli]") {
  // Rows of one batch can differ in the last bits; identical pairs are scored once.
  const Result r = run("rerank " + kModel + "--activation identity",
                       R"({"query":"q","docs":[{"id":"first","text":"same"},{"id":"second","text":"same"},)"
                       R"("other",{"id":"third","text":"same"},{"id":"fourth","text":"same"},{"id":"fifth","text":"same"}]})");
  REQUIRE(r.code == 0);
  const json results = r.lines()[0]["results"];
  std::vector<json> same;
  for (const auto& result : results) {
    if (result["id"] != 2) same.push_back(result);
  }
  REQUIRE(same.size() == 5);
  const std::vector<std::string> order = {"first", "second", "third", "fourth", "fifth"};
  for (size_t i = 0; i < same.size(); ++i) {
    CHECK(same[i]["id"] == order[i]);
    CHECK(same[i]["score"] == same[0]["score"]);
  }
}

TEST_CASE("score: every pair form, scores identical across forms", "[cli]") {
  const std::string input =
      "{\"text_a\":\"a cat\",\"text_b\":\"the dog\",\"keep\":true}\n"
      "{\"query\":\"a cat\",\"text\":\"the dog\"}\r\n"
      "\n"
      "{\"query\":\"a cat\",\"document\":\"the dog\"}\n"
      "{\"sentence1\":\"a cat\",\"sentence2\":\"the dog\",\"label\":2.5}\n"
      "[\"a cat\",\"the dog\"]";  // no final newline: still processed
  const Result r = run("score " + kModel, "\xEF\xBB\xBF" + input);
  REQUIRE(r.code == 0);
  const auto rows = r.lines();
  REQUIRE(rows.size() == 5);
  CHECK(rows[0]["keep"] == true);
  CHECK(rows[3]["label"] == 2.5);
  CHECK(rows[4].size() == 1);
  for (const auto& row : rows) CHECK(row["score"] == rows[0]["score"]);
  CHECK_THAT(r.err, Catch::Contains("score: 5 lines out"));
}

TEST_CASE("a multi-label model gives scores lists and needs --label to rerank", "[cli]") {
  const std::string model = "-m " + (data_dir() / "models" / "variants" / "three-label").string() + " ";
  const Result s = run("score " + model, R"(["a","b"])");
  REQUIRE(s.code == 0);
  CHECK(s.lines()[0]["scores"].size() == 3);
  CHECK(run("rerank " + model, R"({"query":"a","docs":["b"]})").code == 2);
  const Result r = run("rerank --label 2 " + model, R"({"query":"a","docs":["b","c"]})");
  REQUIRE(r.code == 0);
  CHECK(r.lines()[0]["results"].size() == 2);
  CHECK(run("rerank --label 3 " + model, R"({"query":"a","docs":["b"]})").code == 2);
}

TEST_CASE("tokenize shows what the model receives", "[cli]") {
  const Result r = run("tokenize " + kModel + "--max-length 6", R"({"text_a":"Hello [SEP] world","text_b":"again and again"})");
  REQUIRE(r.code == 0);
  const json row = r.lines()[0];
  CHECK(row["tokens"] == json({"[CLS]", "hello", "[SEP]", "again", "and", "[SEP]"}));
  CHECK(row["input_ids"].size() == 6);
  CHECK(row["token_type_ids"] == json({0, 0, 0, 1, 1, 1}));
  const std::string no_types = "-m " + (data_dir() / "models" / "variants" / "no-type-ids").string();
  CHECK_FALSE(run("tokenize " + no_types, R"(["a","b"])").lines()[0].contains("token_type_ids"));
}

TEST_CASE("a bad line stops the run after every earlier line was written", "[cli]") {
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"{not json", "line 2: not valid JSON"},
      {R"({"query":"q"})", "line 2: missing field \"docs\""},
      {R"({"query":5,"docs":[]})", "line 2: field \"query\" must be a string"},
      {R"({"query":"q","docs":[{"id":"x"}]})", "line 2: \"docs\"[0]: missing field \"text\""},
      {"{\"query\":\"\xc3\x28\",\"docs\":[]}", "line 2: not valid JSON"},
      {R"("just a string")", "line 2: expected a JSON object"},
  };
  const std::string good = R"({"query":"q","docs":["d"]})";
  for (const auto& c : cases) {
    INFO(c.line);
    const Result r = run("rerank " + kModel, good + "\n" + c.line + "\n" + good + "\n");
    CHECK(r.code == 3);
    CHECK(r.lines().size() == 1);
    CHECK_THAT(r.err, Catch::Contains("crossrank: error: " + c.message));
  }
}

TEST_CASE("skip-invalid: bad lines are reported, copied to --rejects, and the run exits 0", "[cli]") {
  crossrank::test::TempDir dir;
  const auto rejects = dir.path() / "rejects.jsonl";
  const Result r = run("score " + kModel + "--skip-invalid --rejects " + rejects.string(),
                       "[\"a\",\"b\"]\n{bad\n{\"text_a\":1,\"text_b\":\"x\"}\n[\"c\",\"d\"]\n");
  CHECK(r.code == 0);
  CHECK(r.lines().size() == 2);
  CHECK_THAT(r.err, Catch::Contains("line 2:") && Catch::Contains("line 3:") &&
                        Catch::Contains("2 bad lines skipped"));
  CHECK(slurp(rejects) == "{bad\n{\"text_a\":1,\"text_b\":\"x\"}\n");
}

TEST_CASE("model and option errors have their exit codes", "[cli]") {
  CHECK(run("score -m /nonexistent/bundle", "").code == 4);
  CHECK(run("score " + kModel + "--device cuda:99", "").code == 2);  // no CUDA, or not that many
  CHECK(run("score " + kModel + "--dtype fp64", "").code == 2);
  CHECK(run("score " + kModel + "--device cpu --dtype fp16", "").code == 2);
  CHECK(run("score " + kModel + "--max-length 100000", "").code == 2);
  CHECK(run("score " + kModel + "--activation tanh", "").code == 2);
  CHECK(run("score " + kModel + "-i /nonexistent/input.jsonl", "").code == 5);
  CHECK(run("score --no-such-flag", "").code == 2);
  CHECK(run("score " + kModel + "--window 0", "").code == 2);
  CHECK(run("score " + kModel + "--rejects /tmp/x", "").code == 2);
  CHECK(run("", "").code == 2);
  const Result nan = run("score -m " + (data_dir() / "models" / "variants" / "nan-out").string(),
                         "[\"a\",\"b\"]\n");
  CHECK(nan.code == 4);
  CHECK_THAT(nan.err, Catch::Contains("line 1") && Catch::Contains("non-finite"));
  const Result wide = run("score -m " + (data_dir() / "models" / "variants" / "wide-out").string(),
                          "[\"a\",\"b\"]\n");
  CHECK(wide.code == 4);
  CHECK_THAT(wide.err, Catch::Contains("crossrank: error: model output has shape [1, 1, 3] for a batch of 1"));
  CHECK(wide.out.empty());
}

TEST_CASE("an empty input gives no output and exit 0", "[cli]") {
  const Result r = run("rerank " + kModel, "");
  CHECK(r.code == 0);
  CHECK(r.out.empty());
}

TEST_CASE("files in and out, and a closed pipe ends quietly", "[cli]") {
  crossrank::test::TempDir dir;
  std::string input;
  for (int i = 0; i < 300; ++i) input += "[\"query " + std::to_string(i) + "\",\"doc\"]\n";
  const auto in = dir.write("in.jsonl", input);
  const auto out = dir.path() / "out.jsonl";
  REQUIRE(run("score " + kModel + "-q -i " + in.string() + " -o " + out.string()).code == 0);
  const std::string written = slurp(out);
  CHECK(std::count(written.begin(), written.end(), '\n') == 300);

  const std::string cmd = "set -o pipefail; " + std::string(CROSSRANK_BINARY) + " score " + kModel +
                          "--window 1 -i " + in.string() + " 2>" + (dir.path() / "err").string() +
                          " | head -1 > /dev/null";
  const int status = std::system(("bash -c '" + cmd + "'").c_str());
  const int code = WEXITSTATUS(status);
  CHECK((code == 0 || code == 141));  // SIGPIPE, as head's other writers
  CHECK(slurp(dir.path() / "err").find("error") == std::string::npos);
}

TEST_CASE("info describes the bundle and runtime", "[cli]") {
  const Result r = run("info --json " + kModel);
  REQUIRE(r.code == 0);
  const json info = json::parse(r.out);
  CHECK(info["tokenizer"] == "wordpiece");
  CHECK(info["vocab_size"] == 30522);
  CHECK(info["max_length"] == 512);
  CHECK(info["inputs"] == json({"input_ids", "attention_mask", "token_type_ids"}));
  CHECK(info["activation"] == "sigmoid");
  // Debian's 1.13 here, a pip torch's 2.x on the GPU machine (scripts/gpu/check.sh).
  const std::string libtorch = info["libtorch"].get<std::string>();
  CHECK((libtorch.size() >= 3 && std::isdigit(static_cast<unsigned char>(libtorch[0])) &&
         libtorch.find('.') != std::string::npos));
  CHECK(info.contains("blas"));
}

TEST_CASE("the netlib reference BLAS is detected and warned about", "[cli]") {
  const std::string netlib = "/usr/lib/x86_64-linux-gnu/blas";
  if (!std::filesystem::exists(netlib + "/libblas.so.3")) {
    WARN("netlib reference BLAS not installed: nothing to check");
    return;
  }
  const Result r = run("info --json " + kModel, "", "LD_LIBRARY_PATH=" + netlib);
  REQUIRE(r.code == 0);
  CHECK(json::parse(r.out)["reference_blas"] == true);
  CHECK_THAT(r.err, Catch::Contains("netlib reference BLAS"));
  CHECK(json::parse(run("info --json " + kModel).out)["reference_blas"] == false);
}

TEST_CASE("dtype auto runs bf16 only where the CPU computes it, and says so", "[cli]") {
  const json plain = json::parse(run("info --json " + kModel).out);
  const json automatic = json::parse(run("info --json --dtype auto " + kModel).out);
  CHECK(automatic["dtype"] == plain["dtype_auto"]);
  CHECK(plain["dtype_auto"] == (plain["cpu_bf16"] == true ? "bf16" : "fp32"));
  // The note is for a terminal: a pipeline's stderr stays quiet.
  CHECK(run("score " + kModel, "[\"a\", \"b\"]\n").err.find("--dtype bf16") == std::string::npos);
}

TEST_CASE("an OPENBLAS_CORETYPE slower than the CPU's kernels is respected and named", "[cli]") {
  const json plain = json::parse(run("info --json " + kModel).out);
  if (!plain.contains("blas_core") || plain["blas_best_core"] == "") {
    WARN("OpenBLAS not in use, or a CPU without AVX: nothing to check");
    return;
  }
  const Result r = run("score " + kModel, "[\"a\", \"b\"]\n", "OPENBLAS_CORETYPE=Prescott");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("OPENBLAS_CORETYPE=Prescott pins OpenBLAS to generic SSE kernels"));
  const json pinned = json::parse(run("info --json " + kModel, "", "OPENBLAS_CORETYPE=Prescott").out);
  CHECK(pinned["blas_core"] == "Prescott");
  CHECK(pinned["blas_warning"].get<std::string>().find(plain["blas_best_core"].get<std::string>()) != std::string::npos);
  // Scores are the same whatever the kernels (to float rounding).
  const double fast = json::parse(run("score " + kModel, "[\"a\", \"b\"]\n").out)["score"];
  const double slow = json::parse(r.out)["score"];
  CHECK(std::abs(fast - slow) < 1e-6);
}

namespace {

// A copy of the tiny-bert bundle in dir, with files replaced or added.
std::string bundle_with(const crossrank::test::TempDir& dir,
                        const std::vector<std::pair<std::string, std::string>>& files,
                        bool with_tokenizer_json = true) {
  const auto src = data_dir() / "models" / "tiny-bert";
  for (const char* name : {"model.pt", "config.json", "vocab.txt", "tokenizer_config.json"}) {
    std::filesystem::copy_file(src / name, dir.path() / name);
  }
  if (with_tokenizer_json) std::filesystem::copy_file(src / "tokenizer.json", dir.path() / "tokenizer.json");
  for (const auto& [name, content] : files) dir.write(name, content);
  return "-m " + dir.path().string() + " ";
}

}  // namespace

TEST_CASE("a vocabulary that does not fit the embedding matrix is a model error, at load or in forward()",
          "[cli]") {
  // 100 tokens more than the model's 30522 rows.
  std::string vocab = slurp(data_dir() / "models" / "tiny-bert" / "vocab.txt");
  for (int i = 0; i < 100; ++i) vocab += "zzextra" + std::to_string(i) + "\n";
  crossrank::test::TempDir declared;
  const Result load = run("score " + bundle_with(declared, {{"vocab.txt", vocab}}, false), "[\"a\",\"b\"]\n");
  CHECK(load.code == 4);
  CHECK_THAT(load.err, Catch::Contains("vocab.txt has 30622 tokens, but the model's embedding matrix has "
                                       "30522 rows (config.json vocab_size)"));
  CHECK(load.out.empty());

  // Without vocab_size in config.json, the model itself finds the id out of range.
  crossrank::test::TempDir undeclared;
  json config = json::parse(slurp(data_dir() / "models" / "tiny-bert" / "config.json"));
  config.erase("vocab_size");
  const std::string model = bundle_with(undeclared, {{"vocab.txt", vocab}, {"config.json", config.dump()}}, false);
  CHECK(run("score " + model, "[\"a\",\"b\"]\n").code == 0);
  const Result r = run("score " + model, "[\"zzextra99\",\"b\"]\n");
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("forward() failed on a batch of 1x") &&
                        Catch::Contains("a token id is past the model's embedding matrix"));
  CHECK(r.err.find("Traceback") == std::string::npos);
}

TEST_CASE("a configuration error leaves an existing -o file untouched", "[cli]") {
  crossrank::test::TempDir dir;
  const auto out = dir.write("out.jsonl", "keep\n");
  const std::string model = "-m " + (data_dir() / "models" / "variants" / "three-label").string() + " ";
  CHECK(run("rerank " + model + "-o " + out.string(), R"({"query":"a","docs":["b"]})").code == 2);
  CHECK(slurp(out) == "keep\n");
}

TEST_CASE("an unsupported stored activation blocks scoring only", "[cli]") {
  crossrank::test::TempDir dir;
  const std::string model = bundle_with(
      dir, {{"config.json", R"({"model_type":"bert","max_position_embeddings":512,
             "sentence_transformers":{"activation_fn":"torch.nn.modules.activation.Tanh"}})"}});
  CHECK(run("info " + model).code == 0);
  CHECK(run("tokenize " + model, "[\"a\",\"b\"]\n").code == 0);
  const Result s = run("score " + model, "[\"a\",\"b\"]\n");
  CHECK(s.code == 4);
  CHECK_THAT(s.err, Catch::Contains("Tanh") && Catch::Contains("--activation"));
  CHECK(run("score --activation sigmoid " + model, "[\"a\",\"b\"]\n").code == 0);
}

TEST_CASE("malformed bundle files are model errors, not internal ones", "[cli]") {
  const std::vector<std::pair<std::string, std::string>> broken[] = {
      {{"tokenizer_config.json", R"({"do_lower_case":true,"added_tokens_decoder":{"x":{"content":"[X]"}}})"}},
      {{"config.json", R"({"model_type":"bert","num_labels":-1})"}},
      {{"config.json", R"({"model_type":"bert","architectures":[1]})"}},
  };
  for (const auto& files : broken) {
    crossrank::test::TempDir dir;
    INFO(files[0].second);
    const Result r = run("info " + bundle_with(dir, files, false));
    CHECK((r.code == 4 || r.code == 0));
    CHECK(r.err.find("internal") == std::string::npos);
  }
  crossrank::test::TempDir dir;
  const Result r = run("info " + bundle_with(dir, {{"config.json", R"({"num_labels":-1})"}}, false));
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("num_labels"));
}

TEST_CASE("a pair template naming no token is caught at load", "[cli]") {
  crossrank::test::TempDir dir;
  std::string tok = slurp(data_dir() / "models" / "tiny-bert" / "tokenizer.json");
  const std::string from = R"("[SEP]":{"id":"[SEP]","ids":[102])";
  const auto at = tok.find(from);
  REQUIRE(at != std::string::npos);
  tok.replace(at, from.size(), R"("[SEP]":{"id":"[SEP]","ids":[999999])");
  const Result r = run("info " + bundle_with(dir, {{"tokenizer.json", tok}}));
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("999999"));
}

TEST_CASE("a rejects file that cannot be written is an I/O error", "[cli]") {
  if (!std::filesystem::exists("/dev/full")) return;
  const Result r = run("score " + kModel + "--skip-invalid --rejects /dev/full", "{bad\n");
  CHECK(r.code == 5);
}

TEST_CASE("rerank and score give a pair the same score", "[cli]") {
  const Result r = run("rerank " + kModel, R"({"query":"Who wrote Hamlet?","docs":["Shakespeare wrote it.","A play."]})");
  const Result s = run("score " + kModel, "[\"Who wrote Hamlet?\",\"A play.\"]\n");
  REQUIRE(r.code == 0);
  REQUIRE(s.code == 0);
  const json results = r.lines()[0]["results"];
  for (const auto& result : results) {
    // Same tokens; batch shapes differ, which may move the last bits (docs/cli.md).
    if (result["index"] == 1) {
      CHECK(std::abs(result["score"].get<double>() - s.lines()[0]["score"].get<double>()) < 1e-6);
    }
  }
}

TEST_CASE("every tokenizer family: info names the tokenizer, tokenize gives the reference ids",
          "[cli]") {
  struct Family {
    const char* fixture;
    const char* tokenizer;
    bool token_type_ids;  // whether the model takes them
  };
  for (const Family& f : {Family{"tiny-roberta", "bpe", false}, Family{"tiny-xlmr", "unigram", false},
                          Family{"tiny-deberta", "unigram", true}}) {
    INFO(f.fixture);
    const std::string model = "-m " + (data_dir() / "models" / f.fixture).string() + " ";
    const Result info = run("info --json " + model);
    REQUIRE(info.code == 0);
    const json j = json::parse(info.out);
    CHECK(j["tokenizer"] == f.tokenizer);
    CHECK(std::filesystem::path(j["tokenizer_file"].get<std::string>()).filename() == "tokenizer.json");
    CHECK(j["max_length"] == 512);
    // The first reference pair, through the binary.
    const json golden = crossrank::test::read_jsonl(data_dir() / "goldens" /
                                                    (std::string(f.fixture) + ".scores.jsonl"))[0];
    const json pair = {{"text_a", golden["text_a"]}, {"text_b", golden["text_b"]}};
    const Result tok = run("tokenize " + model + "--max-length " + golden["max_length"].dump(), pair.dump());
    REQUIRE(tok.code == 0);
    const json row = tok.lines().at(0);
    CHECK(row["input_ids"] == golden["input_ids"]);
    CHECK(row.contains("token_type_ids") == f.token_type_ids);
  }
}

TEST_CASE("an archive from a newer torch names both versions and the ways out", "[cli]") {
  const std::string model = "-m " + (data_dir() / "models" / "variants" / "newer-archive").string();
  const Result r = run("score " + model, R"(["a","b"])");
  const std::string libtorch = json::parse(run("info --json " + kModel).out)["libtorch"];
  CHECK(r.code == 4);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("torch 2.5.1") && Catch::Contains("archive format 11") &&
                        Catch::Contains("libtorch " + libtorch) && Catch::Contains("export_hf.py"));
  CHECK_THAT(r.err, Catch::Contains("build crossrank against a libtorch at least as new"));
}

TEST_CASE("bench reports speed, padding and time shares as data on stdout", "[cli]") {
  const Result r = run("bench --json --pairs 40 --rounds 1 --threads 1 " + kModel);
  REQUIRE(r.code == 0);
  const json report = json::parse(r.out);
  CHECK(report["pairs"] == 40);
  for (const char* key : {"pairs_per_s", "tokens_per_s", "gflops_per_s", "tokenize_share", "peak_rss_mib", "pass_s"}) {
    INFO(key);
    CHECK(report[key].get<double>() > 0);
  }
  CHECK(report["padding"].get<double>() >= 0);
  CHECK(report["padding"].get<double>() < 1);
  // score's pipeline: the pass holds the model's time.
  CHECK(report["model_s"].get<double>() <= report["pass_s"].get<double>());
  CHECK(run("bench --json --pairs 40 --rounds 1 --tokenizer-threads 2 " + kModel).code == 0);
  // Pairs from a file, in score's input forms; a bad line names itself.
  CHECK(json::parse(run("bench --json --rounds 1 -i - " + kModel, "[\"a\",\"b\"]\n{\"query\":\"q\",\"text\":\"t\"}\n").out)["pairs"] == 2);
  const Result bad = run("bench --rounds 1 -i - " + kModel, "[\"a\",\"b\"]\n{}\n");
  CHECK(bad.code == 3);
  CHECK_THAT(bad.err, Catch::Contains("line 2"));
}

TEST_CASE("OpenBLAS runs the kernels this CPU can, or the ones the user chose", "[cli]") {
  const std::string blas = json::parse(run("info --json " + kModel).out)["blas"].get<std::string>();
  if (blas.find("OpenBLAS") == std::string::npos) {
    WARN("not OpenBLAS: " << blas);
    return;
  }
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) {
    // Debian's OpenBLAS 0.3.21 falls back to Prescott on CPUs it does not know.
    CHECK(blas.find("Prescott") == std::string::npos);
  }
  const Result chosen = run("info --json " + kModel, "", "OPENBLAS_CORETYPE=Haswell");
  CHECK_THAT(json::parse(chosen.out)["blas"].get<std::string>(), Catch::Contains("Haswell"));
}

TEST_CASE("windows scored in the background keep input order, and a bad line still stops after "
          "every earlier line", "[cli]") {
  std::string input;
  for (int i = 0; i < 9; ++i) {
    input += R"({"id":)" + std::to_string(i) + R"(,"text_a":"query number )" + std::to_string(i) +
             R"(","text_b":")" + std::string(static_cast<size_t>(i + 1), 'x') + "\"}\n";
  }
  const Result one_window = run("score " + kModel, input);
  const Result small_windows = run("score --window 2 " + kModel, input);
  REQUIRE(one_window.code == 0);
  REQUIRE(small_windows.code == 0);
  // Other batches, so the scores may differ in the last digits (docs/cli.md, Scores).
  const auto rows = small_windows.lines();
  const auto reference = one_window.lines();
  REQUIRE(rows.size() == 9);
  for (size_t i = 0; i < 9; ++i) {
    CHECK(rows[i]["id"] == static_cast<int>(i));
    CHECK(std::abs(rows[i]["score"].get<double>() - reference[i]["score"].get<double>()) < 1e-5);
  }

  // Tokenized by several threads: the same windows, so the same bytes.
  CHECK(run("score --window 2 --tokenizer-threads 3 " + kModel, input).out == small_windows.out);

  for (const char* threads : {"1", "3"}) {
    const Result bad = run(std::string("score --window 2 --tokenizer-threads ") + threads + " " + kModel,
                           input + "{\"text_a\":1}\n" + input);
    CHECK(bad.code == 3);
    CHECK(bad.lines().size() == 9);
    CHECK_THAT(bad.err, Catch::Contains("line 10"));
  }
  const std::string queries =
      R"({"query":"q one","docs":["alpha","beta beta","gamma"]})" "\n"
      R"({"query":"q two","docs":["delta","epsilon"]})" "\n"
      R"({"query":"q three","docs":[]})" "\n";
  CHECK(run("rerank --window 2 --tokenizer-threads 3 " + kModel, queries).out ==
        run("rerank --window 2 " + kModel, queries).out);
}

TEST_CASE("eval: metrics of a worked example and its errors", "[cli]") {
  // Query a ranks its only relevant document second; query b has none and scores 0:
  // MRR 1/2 / 2, MAP 1/2 / 2, NDCG (1/log2(3)) / 2, recall 1/2, P@10 (1/10) / 2.
  const std::string scored =
      R"({"qid":"a","results":[{"id":"x","index":0,"score":0.9,"label":0},)"
      R"({"id":"y","index":1,"score":0.8,"label":1},{"id":"z","index":2,"score":0.1,"label":0}]})"
      "\n"
      R"({"qid":"b","results":[{"id":"w","index":0,"score":0.5,"label":0}]})"
      "\n";
  const Result r = run("eval --task rerank --scores -", scored);
  REQUIRE(r.code == 0);
  const json m = json::parse(r.out);
  CHECK(m["mrr@10"].get<double>() == Approx(0.25));
  CHECK(m["map"].get<double>() == Approx(0.25));
  CHECK(m["ndcg@10"].get<double>() == Approx(0.5 / std::log2(3.0)));
  CHECK(m["recall@10"].get<double>() == Approx(0.5));
  CHECK(m["p@10"].get<double>() == Approx(0.05));
  CHECK(m["input_order"]["mrr@10"].get<double>() == Approx(0.25));
  CHECK(m["queries"] == 2);
  CHECK(m["docs"] == 4);
  CHECK(m["queries_without_positive"] == 1);

  const Result unlabelled = run("eval --task rerank --scores -",
                                R"({"qid":"a","results":[{"id":"x","index":0,"score":0.9}]})" "\n");
  CHECK(unlabelled.code == 3);
  CHECK_THAT(unlabelled.err, Catch::Contains("line 1:") && Catch::Contains("--qrels"));
  CHECK(run("eval --task rerank " + kModel + "--scores -", scored).code == 2);  // both
  CHECK(run("eval --task rerank", scored).code == 2);                          // neither
  CHECK(run("eval --task sts --per-query /tmp/x --scores -", "").code == 2);
  CHECK(run("eval --task ranking --scores -", scored).code == 2);
  CHECK(run("eval --task rerank --qrels /nonexistent/qrels --scores -", scored).code == 5);
  const Result sts = run("eval --task sts --scores -",
                         "{\"score\":0.1,\"label\":1}\n{\"score\":0.2,\"gold\":2}\n{\"score\":0.3,\"label\":3}\n");
  REQUIRE(sts.code == 0);
  CHECK(json::parse(sts.out)["pearson"].get<double>() == Approx(1.0));
  CHECK(json::parse(sts.out)["pairs"] == 3);
  CHECK(run("eval --task sts --scores -", "{\"score\":0.1}\n").code == 3);  // no gold
}

TEST_CASE("rerank --format trec and tsv write one line per result and refuse ids they cannot carry", "[cli]") {
  const std::string input = R"({"qid":7,"query":"q","docs":[{"id":"a","text":"x"},{"id":"b","text":"y y"}]})" "\n";
  const Result trec = run("rerank --format trec --run-tag t1 " + kModel, input);
  REQUIRE(trec.code == 0);
  std::istringstream lines(trec.out);
  std::string line;
  std::set<std::string> ids;
  int rank = 0;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string qid, q0, doc, tag;
    int r = 0;
    double score = 0;
    REQUIRE(static_cast<bool>(f >> qid >> q0 >> doc >> r >> score >> tag));
    CHECK(qid == "7");
    CHECK(q0 == "Q0");
    CHECK(r == ++rank);
    CHECK(tag == "t1");
    ids.insert(doc);
  }
  CHECK(ids == std::set<std::string>{"a", "b"});
  const Result tsv = run("rerank --format tsv -k 1 " + kModel, input);
  CHECK(tsv.code == 0);
  CHECK(tsv.out.rfind("7\t", 0) == 0);
  CHECK(std::count(tsv.out.begin(), tsv.out.end(), '\n') == 1);
  CHECK(run("rerank --format trec " + kModel, R"({"query":"q","docs":["x"]})" "\n").code == 3);
  CHECK(run("rerank --format trec " + kModel, R"({"qid":"a b","query":"q","docs":["x"]})" "\n").code == 3);
  CHECK(run("rerank --format xml " + kModel, input).code == 2);
  CHECK(run("rerank --shard 1 " + kModel, input).code == 2);
  CHECK(run("rerank --shard 2/2 " + kModel, input).code == 2);
  CHECK(run("rerank --shard 0/1 " + kModel, input).lines().size() == 1);
  CHECK(run("rerank --dedup " + kModel, input).code == 0);  // accepted; deduplication is always on
}

TEST_CASE("rerank --resume keeps the complete queries of a killed run and redoes the rest", "[cli]") {
  crossrank::test::TempDir dir;
  std::string input;
  for (int q = 0; q < 12; ++q) {
    input += "{\"qid\":\"q" + std::to_string(q) + "\",\"query\":\"query " + std::to_string(q) +
             "\",\"docs\":[\"first document\",\"second one here\",\"a third " + std::to_string(q) + "\"]}\n";
  }
  const auto queries = dir.write("queries.jsonl", input);
  for (const std::string format : {"jsonl", "trec"}) {
    INFO(format);
    const std::string common = "rerank --window 1 --format " + format + " -i " + queries.string() + " " + kModel;
    const auto full = dir.path() / ("full." + format);
    REQUIRE(run(common + "-o " + full.string()).code == 0);
    const std::string complete = slurp(full);
    // A killed run: some whole lines, then half a line.
    const auto partial = dir.write("partial." + format, complete.substr(0, complete.size() * 2 / 5));
    const Result resumed = run(common + "-o " + partial.string() + " --resume");
    CHECK(resumed.code == 0);
    CHECK_THAT(resumed.err, Catch::Contains("already in the output (--resume)"));
    CHECK(slurp(partial) == complete);
    // Resuming a finished run writes nothing more.
    CHECK(run(common + "-o " + partial.string() + " --resume").code == 0);
    CHECK(slurp(partial) == complete);
  }
  CHECK(run("rerank --resume " + kModel, input).code == 2);  // needs -o
  const auto jsonl_out = dir.path() / "full.jsonl";
  CHECK(run("rerank --format tsv --resume -o " + jsonl_out.string() + " -i " + queries.string() + " " + kModel).code == 3);
}

TEST_CASE("progress shows on a terminal only, and gives way to the summary line", "[cli]") {
  crossrank::test::TempDir dir;
  std::string input;
  for (int i = 0; i < 40; ++i) input += "[\"query " + std::to_string(i) + "\",\"a document\"]\n";
  const auto pairs = dir.write("pairs.jsonl", input);
  const auto out = dir.path() / "out.jsonl";
  const std::string args = "score --threads 1 --window 8 -i " + pairs.string() + " -o " + out.string() + " " + kModel;
  const Result piped = run(args);
  CHECK(piped.code == 0);
  CHECK(piped.err.find('\r') == std::string::npos);  // not a terminal: the summary line only
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    WARN("no script(1): the terminal case is not tested");
    return;
  }
  const auto log = dir.path() / "tty.log";
  const std::string cmd = "script -qec '" + std::string(CROSSRANK_BINARY) + " " + args + "' /dev/null > " + log.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const std::string tty = slurp(log);
  CHECK_THAT(tty, Catch::Contains("\rcrossrank: score: ") && Catch::Contains("pairs/s") &&
                      Catch::Contains("\r\033[Kcrossrank: info: score: 40 lines out"));
  CHECK(slurp(out).size() > 0);
}

TEST_CASE("rerank --flat groups consecutive rows of a qid and --group-all groups them anywhere", "[cli]") {
  const std::string nested =
      R"({"qid":"a","query":"first query","docs":[{"id":"d1","text":"one","label":1},{"id":"d2","text":"two two"}]})" "\n"
      R"({"qid":7,"query":"second query","docs":[{"id":"d3","text":"three"}]})" "\n";
  const std::string flat =
      R"({"qid":"a","query":"first query","docid":"d1","text":"one","label":1,"bm25":3.5})" "\n"
      R"({"qid":"a","query":"first query","docid":"d2","text":"two two","bm25":2.0})" "\n"
      "\n"
      R"({"qid":7,"query":"second query","docid":"d3","text":"three","bm25":1.0})" "\n";
  const Result a = run("rerank " + kModel, nested);
  const Result b = run("rerank --flat " + kModel, flat);
  REQUIRE(a.code == 0);
  REQUIRE(b.code == 0);
  REQUIRE(b.lines().size() == 2);
  for (size_t i = 0; i < 2; ++i) CHECK(a.lines()[i]["results"] == b.lines()[i]["results"]);
  CHECK(b.lines()[0]["bm25"] == 3.5);  // query-level fields come from the query's first row
  CHECK_THAT(b.err, Catch::Contains("3 flat rows grouped"));

  // Rows of "a" apart: an error in a stream (never two rankings of one qid), one query with
  // --group-all.
  const std::string apart =
      R"({"qid":"a","query":"first query","docid":"d1","text":"one"})" "\n"
      R"({"qid":7,"query":"second query","docid":"d3","text":"three"})" "\n"
      R"({"qid":"a","query":"first query","docid":"d2","text":"two two"})" "\n";
  const Result streamed = run("rerank --flat " + kModel, apart);
  CHECK(streamed.code == 3);
  CHECK(streamed.lines().size() == 2);
  const Result all = run("rerank --flat --group-all " + kModel, apart);
  REQUIRE(all.lines().size() == 2);
  CHECK(all.lines()[0]["results"].size() == 2);
  CHECK_THAT(all.err, Catch::Contains("--group-all: 3 rows grouped into 2 queries in memory"));
  CHECK(run("rerank --group-all " + kModel, apart).code == 2);  // needs --flat

  // A bad row names its own line; skipped, its query goes on without it.
  const std::string bad =
      R"({"qid":0,"query":"q","text":"w"})" "\n"
      R"({"qid":1,"query":"a","text":"x"})" "\n"
      R"({"qid":1,"query":"a"})" "\n"
      R"({"qid":1,"query":"a","text":"y"})" "\n"
      R"({"qid":1,"query":"other","text":"z"})" "\n";
  const Result stopped = run("rerank --flat " + kModel, bad);
  CHECK(stopped.code == 3);
  CHECK(stopped.lines().size() == 1);  // the query before it, not the one it interrupts
  CHECK_THAT(stopped.err, Catch::Contains("line 3:"));
  const Result skipped = run("rerank --flat --skip-invalid " + kModel, bad);
  CHECK(skipped.code == 0);
  REQUIRE(skipped.lines().size() == 2);
  CHECK(skipped.lines()[1]["results"].size() == 2);
  CHECK_THAT(skipped.err, Catch::Contains("line 3:") && Catch::Contains("line 5:") &&
                              Catch::Contains("\"query\" differs"));
}

TEST_CASE("rerank --long-docs chunk scores windows and aggregates them, and --min-score leaves results out", "[cli]") {
  std::string words;
  for (int i = 0; i < 60; ++i) words += (i % 7 ? "river " : "stone ");
  const std::string input = R"({"qid":1,"query":"what is this","docs":["short doc",")" + words + "\"]}\n";
  const std::string base = "rerank --max-length 32 " + kModel;
  auto score_of = [](const Result& r, int index) {
    const auto lines = r.lines();
    for (const auto& res : lines.at(0)["results"]) {
      if (res["index"] == index) return res["score"].get<double>();
    }
    return -1.0;
  };
  const Result truncated = run(base, input);
  const Result first = run(base + " --long-docs chunk --aggregate first", input);
  const Result max = run(base + " --long-docs chunk --chunk-stride 8", input);
  const Result mean = run(base + " --long-docs chunk --aggregate mean --chunk-stride 8", input);
  REQUIRE(truncated.code == 0);
  REQUIRE(max.code == 0);
  // The first window is what truncation keeps: the whole query and the document's start.
  CHECK(score_of(first, 1) == score_of(truncated, 1));
  CHECK(score_of(max, 1) >= score_of(first, 1));
  CHECK(score_of(mean, 1) <= score_of(max, 1));
  CHECK(score_of(max, 0) == score_of(truncated, 0));  // a document that fits is one window
  CHECK_THAT(max.err, Catch::Contains("1 long documents chunked into"));
  CHECK(run(base + " --long-docs split", input).code == 2);
  CHECK(run(base + " --aggregate median", input).code == 2);

  const double cut = (score_of(truncated, 0) + score_of(truncated, 1)) / 2;
  const Result filtered = run(base + " --min-score " + std::to_string(cut), input);
  CHECK(filtered.lines().at(0)["results"].size() == 1);
  CHECK_THAT(filtered.err, Catch::Contains("1 results below --min-score left out"));
}
