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

TEST_CASE("long documents as overlapping windows beside the whole query", "[pair_encoder]") {
  const crossrank::PairEncoder encoder(crossrank::test::bert_tokenizer(), 16);  // 13 tokens of room
  std::vector<int32_t> query = {2001, 2002, 2003};
  std::vector<int32_t> doc;
  for (int32_t t = 3000; t < 3025; ++t) doc.push_back(t);  // 25 tokens: does not fit beside 3
  const auto windows = encoder.assemble_windows(query, doc, 4);
  // Room for the document: 16 - 3 specials - 3 query = 10; steps of 10 - 4 = 6.
  REQUIRE(windows.size() == 4);  // starts 0, 6, 12, 18 (the last reaches the end)
  std::vector<int32_t> seen;
  for (size_t w = 0; w < windows.size(); ++w) {
    const auto& ids = windows[w].input_ids;
    CHECK(ids.size() <= 16);
    CHECK(ids[0] == 101);
    CHECK(std::vector<int32_t>(ids.begin() + 1, ids.begin() + 4) == query);  // the query, whole
    CHECK(ids[4] == 102);
    const std::vector<int32_t> part(ids.begin() + 5, ids.end() - 1);
    CHECK(part.front() == doc[6 * w]);
    seen.insert(seen.end(), part.begin(), part.end());
    CHECK_FALSE(windows[w].truncated);
  }
  CHECK(seen.back() == doc.back());
  // A pair that fits is one window, equal to assemble()'s.
  const std::vector<int32_t> short_doc = {3000, 3001};
  const auto one = encoder.assemble_windows(query, short_doc, 4);
  REQUIRE(one.size() == 1);
  CHECK(one[0].input_ids == encoder.assemble(query, short_doc).input_ids);
  // A query longer than half the room is cut to half, and says so.
  std::vector<int32_t> long_query(12, 2001);
  const auto cut = encoder.assemble_windows(long_query, doc, 2);
  REQUIRE(cut.size() > 1);
  CHECK(cut[0].truncated);
  CHECK(cut[0].input_ids.size() == 16);
  // An overlap as large as the window moves half a window at a time.
  CHECK(encoder.assemble_windows(query, doc, 100).size() == 4);  // steps of 5: 0, 5, 10, 15
}
