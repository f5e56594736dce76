// Token ids against goldens from the Hugging Face tokenizers Rust library
// (tests/data/goldens/README.md says how they were made).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <sstream>

#include "crossrank/pair_encoder.hpp"
#include "crossrank/tokenizer.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using crossrank::test::bert_vocab_dir;
using crossrank::test::data_dir;
using nlohmann::json;

namespace {

// The same vocabulary without tokenizer.json, so the vocab.txt loader is used.
std::shared_ptr<const crossrank::Tokenizer> vocab_txt_tokenizer(const crossrank::test::TempDir& dir) {
  fs::copy_file(bert_vocab_dir() / "vocab.txt", dir.path() / "vocab.txt");
  fs::copy_file(bert_vocab_dir() / "tokenizer_config.json", dir.path() / "tokenizer_config.json");
  return crossrank::load_tokenizer(dir.path());
}

std::string describe(const json& c) {
  return c.value("kind", "") == "pair"
             ? "pair " + c["text_a"].dump() + " / " + c["text_b"].dump() + " max_length " +
                   c["max_length"].dump()
             : "text " + c["text"].dump();
}

// Returns how many cases differ; prints the first few.
size_t count_mismatches(const std::shared_ptr<const crossrank::Tokenizer>& tokenizer,
                        const fs::path& goldens, size_t& cases) {
  size_t mismatches = 0;
  cases = 0;
  for (const json& c : crossrank::test::read_jsonl(goldens)) {
    ++cases;
    bool same;
    std::string got;
    if (c.value("kind", "") == "pair") {
      crossrank::PairEncoder encoder(tokenizer, c["max_length"].get<size_t>());
      const auto pair = encoder.encode(c["text_a"].get<std::string>(), c["text_b"].get<std::string>());
      same = json(pair.input_ids) == c["input_ids"] && json(pair.token_type_ids) == c["token_type_ids"];
      got = json(pair.input_ids).dump() + " types " + json(pair.token_type_ids).dump();
    } else {
      const auto ids = tokenizer->encode(c["text"].get<std::string>());
      same = json(ids) == c["ids"];
      got = json(ids).dump();
    }
    if (!same && ++mismatches <= 5) {
      UNSCOPED_INFO(describe(c) << "\n  expected " << c.value("ids", c.value("input_ids", json())).dump()
                                << "\n  got      " << got);
    }
  }
  return mismatches;
}

}  // namespace

TEST_CASE("WordPiece from tokenizer.json matches HF tokenizers on hand-written cases", "[goldens]") {
  auto tokenizer = crossrank::test::bert_tokenizer();
  REQUIRE(tokenizer->source().filename() == "tokenizer.json");
  size_t cases = 0;
  CHECK(count_mismatches(tokenizer, data_dir() / "goldens" / "bert-base-uncased.wordpiece.jsonl", cases) == 0);
  CHECK(cases >= 300);
}

TEST_CASE("WordPiece from vocab.txt matches HF tokenizers on hand-written cases", "[goldens]") {
  crossrank::test::TempDir dir;
  auto tokenizer = vocab_txt_tokenizer(dir);
  REQUIRE(tokenizer->source().filename() == "vocab.txt");
  size_t cases = 0;
  CHECK(count_mismatches(tokenizer, data_dir() / "goldens" / "bert-base-uncased.wordpiece.jsonl", cases) == 0);
}

// Run by tests/integration/shared_goldens.sh after it generated the goldens.
TEST_CASE("WordPiece matches HF tokenizers on STS-B and WikiQA", "[.][shared]") {
  const char* path = std::getenv("CROSSRANK_SHARED_GOLDENS");
  REQUIRE(path != nullptr);
  REQUIRE(fs::exists(path));
  for (bool from_json : {true, false}) {
    crossrank::test::TempDir dir;
    auto tokenizer = from_json ? crossrank::test::bert_tokenizer() : vocab_txt_tokenizer(dir);
    size_t cases = 0;
    INFO("tokenizer from " << tokenizer->source());
    CHECK(count_mismatches(tokenizer, path, cases) == 0);
    CHECK(cases >= 300);
  }
}
