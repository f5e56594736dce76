#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "crossrank/batcher.hpp"
#include "crossrank/error.hpp"
#include "crossrank/reranker.hpp"
#include "fake_model.hpp"
#include "support.hpp"

using crossrank::test::FakeModel;
using crossrank::test::fake_reranker;

TEST_CASE("plan_batches respects the token budget and covers every sequence once", "[batcher]") {
  const std::vector<size_t> lengths = {5, 40, 7, 7, 100, 3, 39, 12, 8, 64, 1, 7};
  crossrank::BatchingOptions options{120, 4};
  const auto batches = crossrank::plan_batches(lengths, options);
  std::vector<size_t> seen;
  size_t previous_width = SIZE_MAX;
  for (const auto& b : batches) {
    REQUIRE(!b.empty());
    size_t width = 0;
    for (size_t i : b) width = std::max(width, lengths[i]);
    CHECK(b.size() <= 4);
    CHECK((b.size() == 1 || b.size() * width <= 120));
    CHECK(width <= previous_width);  // longest first
    previous_width = width;
    seen.insert(seen.end(), b.begin(), b.end());
  }
  std::sort(seen.begin(), seen.end());
  std::vector<size_t> all(lengths.size());
  std::iota(all.begin(), all.end(), 0);
  CHECK(seen == all);
}

TEST_CASE("a sequence longer than the budget gets a batch of its own", "[batcher]") {
  const auto batches = crossrank::plan_batches({300, 2, 2}, {100, 64});
  REQUIRE(batches.size() == 2);
  CHECK(batches[0] == std::vector<size_t>{0});
}

TEST_CASE("make_batch pads right with attention_mask 0", "[batcher]") {
  std::vector<crossrank::EncodedPair> pairs = {{{1, 2, 3}, {0, 0, 1}, false}, {{4}, {0}, false}};
  const auto batch = crossrank::make_batch(pairs, {1, 0}, 9);
  CHECK(batch.rows == 2);
  CHECK(batch.cols == 3);
  CHECK(batch.input_ids == std::vector<int64_t>{4, 9, 9, 1, 2, 3});
  CHECK(batch.attention_mask == std::vector<int64_t>{1, 0, 0, 1, 1, 1});
  CHECK(batch.token_type_ids == std::vector<int64_t>{0, 0, 0, 0, 0, 1});
}

TEST_CASE("scores come back in input order whatever the batching", "[batcher]") {
  std::vector<std::string> docs;
  for (int i = 0; i < 57; ++i) docs.push_back(std::string(static_cast<size_t>(i % 13), 'x') + " doc " + std::to_string(i));
  std::vector<crossrank::EncodedPair> pairs;

  std::vector<std::pair<size_t, size_t>> shapes;
  auto one_by_one = fake_reranker(&shapes, {1, 1});
  for (const auto& d : docs) pairs.push_back(one_by_one.encode("query", d));
  const auto reference = one_by_one.score(pairs);
  CHECK(shapes.size() == pairs.size());

  for (crossrank::BatchingOptions options : {crossrank::BatchingOptions{64, 8},
                                             crossrank::BatchingOptions{4096, 128},
                                             crossrank::BatchingOptions{1, 1000}}) {
    shapes.clear();
    auto reranker = fake_reranker(&shapes, options);
    const auto scores = reranker.score(pairs);
    CHECK(scores.values == reference.values);
    for (const auto& [rows, cols] : shapes) CHECK((rows == 1 || rows * cols <= options.batch_tokens));
    CHECK(reranker.stats().pairs == pairs.size());
    CHECK(reranker.stats().padded_tokens >= reranker.stats().real_tokens);
  }
}

TEST_CASE("a model returning another label count than config.json is a model error", "[batcher]") {
  std::vector<std::pair<size_t, size_t>> shapes;
  crossrank::BundleConfig bundle;
  bundle.num_labels = 1;
  crossrank::Reranker reranker(
      bundle, crossrank::test::bert_tokenizer(),
      std::make_unique<FakeModel>(&shapes, 3), crossrank::ScoringOptions{});
  CHECK_THROWS_AS(reranker.score({reranker.encode("a", "b")}), crossrank::ModelError);
}

TEST_CASE("identical pairs are scored once and get identical scores", "[batcher]") {
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reranker = fake_reranker(&shapes, {4096, 128});
  const auto scores = reranker.score({reranker.encode("q", "a"), reranker.encode("q", "b"),
                                      reranker.encode("q", "a"), reranker.encode("q", "a"),
                                      reranker.encode("Q", "B")});
  size_t rows = 0;
  for (const auto& [r, c] : shapes) rows += r;
  CHECK(rows == 2);  // "Q"/"B" lowercases to the same tokens as "q"/"b"
  CHECK(reranker.stats().duplicates == 3);
  CHECK(scores.at(0, 0) == scores.at(2, 0));
  CHECK(scores.at(1, 0) == scores.at(4, 0));
  CHECK(scores.at(0, 0) != scores.at(1, 0));
}

TEST_CASE("an unsupported bundle activation fails scoring, not loading", "[batcher]") {
  std::vector<std::pair<size_t, size_t>> shapes;
  crossrank::BundleConfig bundle;
  bundle.activation = crossrank::Activation::automatic;
  bundle.activation_source = "config.json (sentence-transformers: torch.nn.Tanh)";
  crossrank::Reranker unsupported(bundle, crossrank::test::bert_tokenizer(),
                                  std::make_unique<FakeModel>(&shapes), crossrank::ScoringOptions{});
  CHECK_THROWS_WITH(unsupported.score({unsupported.encode("a", "b")}), Catch::Contains("torch.nn.Tanh"));
  crossrank::ScoringOptions identity;
  identity.activation = crossrank::Activation::identity;
  crossrank::Reranker overridden(bundle, crossrank::test::bert_tokenizer(),
                                 std::make_unique<FakeModel>(&shapes), identity);
  CHECK(overridden.activation_source() == "--activation");
  CHECK(overridden.score({overridden.encode("a", "b")}).rows == 1);
}

TEST_CASE("a batch the device has no memory for is split, and later batches are smaller", "[batcher]") {
  std::vector<crossrank::EncodedPair> pairs;
  std::vector<std::pair<size_t, size_t>> shapes;
  auto roomy = fake_reranker(&shapes, {4096, 128});
  for (int i = 0; i < 40; ++i) pairs.push_back(roomy.encode("query " + std::to_string(i), "some document text"));
  const auto reference = roomy.score(pairs);
  REQUIRE(shapes.size() == 1);
  const size_t cells = shapes[0].first * shapes[0].second;

  shapes.clear();
  auto tight = fake_reranker(&shapes, {4096, 128}, 1, cells / 3);
  CHECK(tight.score(pairs).values == reference.values);
  CHECK(tight.stats().split_batches >= 2);
  CHECK(tight.batching().batch_tokens < cells);
  for (const auto& [rows, cols] : shapes) CHECK(rows * cols <= cells / 3);
  // The lowered budget holds for the next call: no batch over it is tried again.
  shapes.clear();
  CHECK(tight.score(pairs).values == reference.values);
  for (const auto& [rows, cols] : shapes) CHECK(rows * cols <= tight.batching().batch_tokens);

  // One pair that does not fit is an error naming the way out, not a retry loop.
  auto none = fake_reranker(&shapes, {4096, 128}, 1, 2);
  try {
    none.score({pairs[0]});
    FAIL("expected an error");
  } catch (const crossrank::DeviceMemoryError&) {
    FAIL("a single pair's out-of-memory must not look splittable");
  } catch (const crossrank::ModelError& e) {
    CHECK_THAT(e.what(), Catch::Contains("--max-length"));
  }
}

TEST_CASE("batching defaults depend on the device and explicit values stay", "[batcher]") {
  const auto cpu = crossrank::BatchingOptions{}.for_device(crossrank::parse_device("cpu"));
  const auto gpu = crossrank::BatchingOptions{}.for_device(crossrank::parse_device("cuda:0"));
  CHECK(cpu.batch_tokens == 1024);
  CHECK(cpu.max_batch_size == 128);
  CHECK(gpu.batch_tokens > cpu.batch_tokens);
  CHECK(gpu.max_batch_size > cpu.max_batch_size);
  const auto mine = crossrank::BatchingOptions{300, 0}.for_device(crossrank::parse_device("cuda"));
  CHECK(mine.batch_tokens == 300);
  CHECK(mine.max_batch_size == gpu.max_batch_size);
}

TEST_CASE("attention's quadratic cost shrinks batches of long rows", "[batcher]") {
  crossrank::BatchingOptions options{4096, 64};
  options.attention_knee = 1000;
  CHECK(options.cost(100) == 110);
  CHECK(options.cost(2000) == 6000);
  // Linear: 4 rows of 1000 fit 4096; counting attention, a row of 1000 costs 2000.
  CHECK(crossrank::plan_batches({1000, 1000, 1000, 1000}, {4096, 64}).size() == 1);
  CHECK(crossrank::plan_batches({1000, 1000, 1000, 1000}, options).size() == 2);
  // Short rows barely change.
  CHECK(crossrank::plan_batches(std::vector<size_t>(36, 100), options).size() == 1);
}

TEST_CASE("a CPU model's batches run on several workers with the same scores", "[batcher]") {
  std::vector<crossrank::EncodedPair> pairs;
  std::vector<std::pair<size_t, size_t>> shapes;
  auto reference_model = std::make_unique<FakeModel>(&shapes);
  auto one = fake_reranker(std::move(reference_model), {64, 4});
  for (int i = 0; i < 90; ++i) pairs.push_back(one.encode("query " + std::to_string(i % 7), std::string(static_cast<size_t>(i % 11), 'y') + " doc"));
  const auto reference = one.score(pairs);
  CHECK(one.model_workers() == 1);  // not a CPU model

  for (size_t workers : {0, 1, 3}) {
    shapes.clear();
    auto model = std::make_unique<FakeModel>(&shapes);
    model->on_cpu(4);
    const FakeModel* fake = model.get();
    auto reranker = fake_reranker(std::move(model), {64, 4}, 1, workers);
    CHECK(reranker.model_workers() == (workers == 0 ? 4 : workers));
    const auto scores = reranker.score(pairs);
    CHECK(scores.values == reference.values);
    CHECK(reranker.stats().pairs == pairs.size());
    REQUIRE(shapes.size() > 4);
    // All threads for one worker; a fixed share of them for each of several.
    const int share = workers == 1 ? 4 : workers == 3 ? 1 : 1;
    for (int s : fake->shares()) CHECK(s == share);
    // Fewer batches than workers: one by one, on all threads.
    if (workers != 1) {
      reranker.score({pairs[0], pairs[1]});
      CHECK(fake->shares().back() == 4);
    }
  }
}
