// How bundles' tokenizer files are chosen, and the clear errors for what crossrank refuses.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "crossrank/error.hpp"
#include "crossrank/tokenizer.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using crossrank::test::data_dir;
using crossrank::test::TempDir;

namespace {

using crossrank::test::tokenizer_fixture;

// A copy of a fixture without tokenizer.json (native files only).
void copy_native(const std::string& name, const TempDir& dir) {
  crossrank::test::copy_without_tokenizer_json(tokenizer_fixture(name), dir);
}

// A minimal tokenizer.json around the given normalizer, pre-tokenizer and model.
std::string tokenizer_json(const std::string& normalizer, const std::string& pre_tokenizer,
                           const std::string& model) {
  return R"({"added_tokens": [], "normalizer": )" + normalizer + R"(, "pre_tokenizer": )" +
         pre_tokenizer + R"(, "post_processor": null, "model": )" + model + "}";
}

const std::string kUnigram =
    R"({"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", -1.0], ["▁a", -1.5]]})";

}  // namespace

TEST_CASE("each family's files give the tokenizer kind and source info reports", "[tokenizer]") {
  struct Expect {
    const char* fixture;
    const char* json_kind;
    const char* native_kind;
    const char* native_file;
  };
  for (const Expect& e : {Expect{"xlmr", "unigram", "sentencepiece", "sentencepiece.bpe.model"},
                          Expect{"deberta", "unigram", "sentencepiece", "spm.model"},
                          Expect{"roberta", "bpe", "bpe", "vocab.json"}}) {
    INFO(e.fixture);
    auto from_json = crossrank::load_tokenizer(tokenizer_fixture(e.fixture));
    CHECK(from_json->kind() == e.json_kind);
    CHECK(from_json->source().filename() == "tokenizer.json");
    TempDir dir;
    copy_native(e.fixture, dir);
    auto native = crossrank::load_tokenizer(dir.path());
    CHECK(native->kind() == e.native_kind);
    CHECK(native->source().filename() == e.native_file);
    // Both describe the same vocabulary and template.
    CHECK(native->vocab_size() == from_json->vocab_size());
    CHECK(native->pair_template().special_count() == from_json->pair_template().special_count());
  }
}

TEST_CASE("the RoBERTa family template puts two separators between the texts", "[tokenizer]") {
  // From tokenizer.json's TemplateProcessing and from the family default alike.
  TempDir dir;
  copy_native("xlmr", dir);
  for (const auto& path : {tokenizer_fixture("xlmr"), dir.path()}) {
    auto t = crossrank::load_tokenizer(path);
    std::vector<int32_t> flat;  // -1: text A, -2: text B
    for (const auto& p : t->pair_template().pieces) {
      if (p.kind == crossrank::TemplatePiece::Kind::first) flat.push_back(-1);
      if (p.kind == crossrank::TemplatePiece::Kind::second) flat.push_back(-2);
      flat.insert(flat.end(), p.ids.begin(), p.ids.end());
      CHECK(p.type_id == 0);
    }
    CHECK(flat == std::vector<int32_t>{0, -1, 2, 2, -2, 2});
  }
}

TEST_CASE("a bare SentencePiece model needs a family whose id layout is known", "[tokenizer]") {
  TempDir dir;
  copy_native("xlmr", dir);
  dir.write("config.json", R"({"model_type": "camembert"})");
  CHECK_THROWS_WITH(crossrank::load_tokenizer(dir.path()),
                    Catch::Contains("camembert") && Catch::Contains("tokenizer.json"));
  // crossrank.json's model_type overrides config.json's.
  dir.write("crossrank.json", R"({"model_type": "xlm-roberta"})");
  CHECK(crossrank::load_tokenizer(dir.path())->kind() == "sentencepiece");
}

TEST_CASE("a file that is not a SentencePiece model is a model error", "[tokenizer]") {
  TempDir dir;
  dir.write("config.json", R"({"model_type": "xlm-roberta"})");
  dir.write("sentencepiece.bpe.model", "not a protobuf");
  CHECK_THROWS_AS(crossrank::load_tokenizer(dir.path()), crossrank::ModelError);
}

TEST_CASE("a malformed merges.txt line is named with its line number", "[tokenizer]") {
  TempDir dir;
  dir.write("config.json", R"({"model_type": "roberta"})");
  dir.write("vocab.json", R"({"<s>": 0, "</s>": 1, "a": 2, "b": 3, "ab": 4})");
  dir.write("merges.txt", "#version: 0.2\na b\na b c\n");
  CHECK_THROWS_WITH(crossrank::load_tokenizer(dir.path()), Catch::Contains("merges.txt:3"));
}

TEST_CASE("tokenizer.json components crossrank cannot reproduce exactly are refused by name",
          "[tokenizer]") {
  const std::pair<std::string, std::string> cases[] = {
      {tokenizer_json(R"({"type": "Replace", "pattern": {"Glob": "*"}, "content": " "})", "null", kUnigram),
       "Replace pattern"},
      {tokenizer_json("null", R"({"type": "Digits", "individual_digits": true})", kUnigram), "Digits"},
      {tokenizer_json("null", "null",
                      R"({"type": "BPE", "dropout": 0.1, "vocab": {"a": 0}, "merges": []})"),
       "dropout"},
      {tokenizer_json("null", "null", R"({"type": "WordLevel", "vocab": {"a": 0}})"), "WordLevel"},
  };
  for (const auto& [json, name] : cases) {
    TempDir dir;
    dir.write("tokenizer.json", json);
    CHECK_THROWS_WITH(crossrank::load_tokenizer(dir.path()), Catch::Contains(name));
  }
}

TEST_CASE("a malformed Precompiled charsmap is a model error", "[tokenizer]") {
  TempDir dir;
  dir.write("tokenizer.json",
            tokenizer_json(R"({"type": "Precompiled", "precompiled_charsmap": "AAAA"})", "null", kUnigram));
  CHECK_THROWS_AS(crossrank::load_tokenizer(dir.path()), crossrank::ModelError);
}

TEST_CASE("a repeat-count Replace regex and Metaspace's first scheme", "[tokenizer]") {
  // " {2,}" -> one space; Metaspace "first" prepends ▁ only at the start of the text.
  TempDir dir;
  dir.write("tokenizer.json",
            tokenizer_json(R"({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})",
                           R"({"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first"})",
                           kUnigram));
  auto t = crossrank::load_tokenizer(dir.path());
  CHECK(t->encode("a    a") == std::vector<int32_t>{2, 2});  // ▁a ▁a
  CHECK(t->encode("aa") == std::vector<int32_t>{2, 1});      // ▁a a
}

TEST_CASE("the BPE word cache gives every thread the same ids", "[tokenizer]") {
  auto t = crossrank::load_tokenizer(tokenizer_fixture("roberta"));
  const std::string text = "The quick brown fox jumps over the lazy dog, again and again.";
  const auto expected = t->encode(text);
  std::vector<std::vector<int32_t>> got(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) got[i] = t->encode(text + std::to_string(k % 7));
      got[i] = t->encode(text);
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& g : got) CHECK(g == expected);
}

TEST_CASE("a malformed tokenizer_config.json is named in the error", "[tokenizer]") {
  TempDir dir;
  copy_native("roberta", dir);
  dir.write("tokenizer_config.json", R"({"added_tokens_decoder": {"5": {"special": true}}})");
  CHECK_THROWS_WITH(crossrank::load_tokenizer(dir.path()), Catch::Contains("tokenizer_config.json"));
}

TEST_CASE("a Split regex that backtracks without end fails the text, and a bad one fails the load",
          "[tokenizer]") {
  TempDir dir;
  // (a|a)+$ on a run of a's before a c: 2^n ways to fail, stopped by PCRE2's match limit.
  dir.write("tokenizer.json",
            tokenizer_json("null", R"({"type": "Split", "pattern": {"Regex": "(a|a)+$"}, "behavior": "Isolated", "invert": false})",
                           kUnigram));
  auto t = crossrank::load_tokenizer(dir.path());
  CHECK(t->encode("aa").size() > 0);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(t->encode(std::string(60, 'a') + "c"), crossrank::InputError);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));

  dir.write("tokenizer.json",
            tokenizer_json("null", R"({"type": "Split", "pattern": {"Regex": "(a"}, "behavior": "Isolated", "invert": false})",
                           kUnigram));
  CHECK_THROWS_WITH(crossrank::load_tokenizer(dir.path()), Catch::Contains("\"(a\""));
}

// gte-reranker-modernbert-base ships a tokenizer.json with truncation and padding fixed at
// 8000 tokens; transformers' tokenizers (and sentence-transformers) override both per call,
// so crossrank must ignore them: its own max_length and batch padding decide.
TEST_CASE("tokenizer.json's own truncation and padding settings are ignored", "[tokenizer]") {
  const fs::path plain = tokenizer_fixture("variants") / "modernbert-bpe";
  std::ifstream in(plain / "tokenizer.json");
  nlohmann::json doc = nlohmann::json::parse(in);
  REQUIRE(doc["truncation"].is_null());
  doc["truncation"] = {{"direction", "Right"}, {"max_length", 8}, {"strategy", "LongestFirst"}, {"stride", 0}};
  doc["padding"] = {{"strategy", {{"Fixed", 8000}}}, {"direction", "Right"}, {"pad_to_multiple_of", nullptr},
                    {"pad_id", 50283}, {"pad_type_id", 0}, {"pad_token", "[PAD]"}};
  TempDir dir;
  dir.write("tokenizer.json", doc.dump());
  auto reference = crossrank::load_tokenizer(plain);
  auto gte_like = crossrank::load_tokenizer(dir.path());
  const std::string text = "Rerankers built on ModernBERT read documents of up to 8192 tokens, far beyond eight.";
  const auto ids = gte_like->encode(text);
  CHECK(ids.size() > 8);
  CHECK(ids == reference->encode(text));
  CHECK(gte_like->pair_template().special_count() == reference->pair_template().special_count());
}
