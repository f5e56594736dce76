#include <catch2/catch.hpp>

#include "crossrank/error.hpp"
#include "crossrank/tokenizer.hpp"
#include "support.hpp"

using crossrank::test::data_dir;

namespace {

const crossrank::Tokenizer& bert() { return *crossrank::test::bert_tokenizer(); }

std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> out;
  for (int32_t id : bert().encode(text)) out.push_back(bert().id_to_token(id));
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("invalid UTF-8 is an input error, not a guess", "[tokenizer]") {
  for (const std::string bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    CHECK_THROWS_AS(bert().encode(bad), crossrank::InputError);
  }
}

TEST_CASE("special tokens in text are matched on the raw, case-sensitive text", "[tokenizer]") {
  CHECK(tokens("a[SEP]b") == V{"a", "[SEP]", "b"});
  CHECK(tokens("[sep]") == V{"[", "sep", "]"});
  CHECK(tokens("[CLS] x [MASK]") == V{"[CLS]", "x", "[MASK]"});
}

TEST_CASE("BERT normalization: accents, case, CJK, controls", "[tokenizer]") {
  CHECK(tokens("CAFÉ Naïve") == V{"cafe", "naive"});
  CHECK(tokens("東京") == V{"東", "京"});
  CHECK(tokens("a\x01\tb") == V{"a", "b"});
  CHECK(tokens(std::string(101, 'a')) == V{"[UNK]"});
  CHECK(tokens("") == V{});
}

TEST_CASE("vocabulary lookups", "[tokenizer]") {
  CHECK(bert().vocab_size() == 30522);
  CHECK(bert().token_to_id("[SEP]") == 102);
  CHECK_FALSE(bert().token_to_id("no-such-token").has_value());
  CHECK(bert().kind() == "wordpiece");
  CHECK_THROWS_AS(bert().id_to_token(30522), crossrank::InputError);
}

TEST_CASE("a bundle without tokenizer files is a model error", "[tokenizer]") {
  crossrank::test::TempDir dir;
  CHECK_THROWS_AS(crossrank::load_tokenizer(dir.path()), crossrank::ModelError);
}

TEST_CASE("an unsupported tokenizer.json component is named, never approximated", "[tokenizer]") {
  crossrank::test::TempDir dir;
  dir.write("tokenizer.json",
            R"({"model": {"type": "WordPiece", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}},
                "normalizer": {"type": "Nmt"}, "pre_tokenizer": null, "post_processor": null})");
  CHECK_THROWS_WITH(crossrank::load_tokenizer(dir.path()), Catch::Contains("Nmt"));
  // With the native vocabulary beside it, crossrank falls back to that (with a warning).
  dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  auto t = crossrank::load_tokenizer(dir.path());
  CHECK(t->source().filename() == "vocab.txt");
  CHECK(t->encode("Hello") == std::vector<int32_t>{4});
}
