#include <catch2/catch.hpp>

#include "crossrank/error.hpp"
#include "crossrank/pair_encoder.hpp"
#include "support.hpp"

using crossrank::longest_first_lengths;

// Expected values follow tokenizers' truncate_encodings (DESIGN.md): the longer side
// gives way first; if the shorter alone exceeds half, both get half.
TEST_CASE("longest_first truncation lengths", "[truncation]") {
  using P = std::pair<size_t, size_t>;
  CHECK(longest_first_lengths(3, 4, 10) == P{3, 4});    // fits
  CHECK(longest_first_lengths(3, 20, 10) == P{3, 7});   // only the longer is cut
  CHECK(longest_first_lengths(20, 3, 10) == P{7, 3});   // ... whichever side it is
  CHECK(longest_first_lengths(8, 9, 10) == P{5, 5});    // both halve
  CHECK(longest_first_lengths(8, 9, 11) == P{5, 6});    // odd budget: extra to the longer
  CHECK(longest_first_lengths(9, 8, 11) == P{6, 5});
  CHECK(longest_first_lengths(9, 9, 11) == P{5, 6});    // equal: extra to the second
  CHECK(longest_first_lengths(5, 5, 0) == P{0, 0});
  CHECK(longest_first_lengths(0, 30, 10) == P{0, 10});
  CHECK(longest_first_lengths(12, 0, 10) == P{10, 0});
}

TEST_CASE("the pair template and truncation give BERT's layout", "[truncation]") {
  auto tokenizer = crossrank::test::bert_tokenizer();
  crossrank::PairEncoder encoder(tokenizer, 8);
  const auto p = encoder.encode("what is paris", "paris is the capital of france");
  // [CLS] what is [SEP] paris is the [SEP]
  CHECK(p.input_ids == std::vector<int32_t>{101, 2054, 2003, 102, 3000, 2003, 1996, 102});
  CHECK(p.token_type_ids == std::vector<int32_t>{0, 0, 0, 0, 1, 1, 1, 1});
  CHECK(p.truncated);
  CHECK_FALSE(crossrank::PairEncoder(tokenizer, 512).encode("a", "b").truncated);
  CHECK(crossrank::PairEncoder(tokenizer, 3).encode("a", "b").input_ids ==
        std::vector<int32_t>{101, 102, 102});
  CHECK_THROWS_AS(crossrank::PairEncoder(tokenizer, 2), crossrank::ConfigError);
}
