// The metric definitions on lists small enough to work out by hand (the values in the
// comments); scripts/eval_reference.py checks the same functions against scikit-learn and
// scipy through the binary.
#include <catch2/catch.hpp>

#include <cmath>

#include "crossrank/metrics.hpp"

using Catch::Detail::Approx;
using crossrank::ranking_metrics;

TEST_CASE("ranking metrics of a four-document list cut at 2", "[metrics]") {
  // Ranked d0 d1 d2 d3; relevant d1 and d3 (ranks 2 and 4).
  const auto m = ranking_metrics({0.9, 0.8, 0.7, 0.6}, {0, 1, 0, 1}, 2);
  CHECK(m.mrr == Approx(0.5));
  CHECK(m.recall == Approx(0.5));     // one of two relevant in the top 2
  CHECK(m.precision == Approx(0.5));  // one of the top 2
  CHECK(m.map == Approx(0.5));        // (1/2 + 2/4) / 2, over the whole list
  // DCG@2 = 1/log2(3); ideal = 1 + 1/log2(3).
  const double dcg = 1 / std::log2(3.0);
  CHECK(m.ndcg == Approx(dcg / (1 + dcg)));
}

TEST_CASE("ranking metrics: ties keep input order for MRR and average for NDCG and MAP",
          "[metrics]") {
  // d0 and d1 tie; only d1 is relevant.
  const auto m = ranking_metrics({0.5, 0.5, 0.1}, {0, 1, 0}, 3);
  CHECK(m.mrr == Approx(0.5));  // d0 stays first
  CHECK(m.recall == Approx(1.0));
  CHECK(m.precision == Approx(1.0 / 3));
  // The tied pair shares its gain (1/2 each) over ranks 1 and 2: 0.5 * (1 + 1/log2(3)).
  CHECK(m.ndcg == Approx(0.5 * (1 + 1 / std::log2(3.0))));
  // One threshold covers both: precision 1/2 at recall 1.
  CHECK(m.map == Approx(0.5));
}

TEST_CASE("ranking metrics: graded gains, and a query without a relevant document", "[metrics]") {
  // Ranked d1 (gain 2), d0 (gain 1): the ideal order, so NDCG 1 at any cut.
  CHECK(ranking_metrics({0.2, 0.9}, {1, 2}, 10).ndcg == Approx(1.0));
  // Reversed: DCG = 1 + 2/log2(3) against the ideal 2 + 1/log2(3).
  const double l3 = std::log2(3.0);
  CHECK(ranking_metrics({0.9, 0.2}, {1, 2}, 10).ndcg == Approx((1 + 2 / l3) / (2 + 1 / l3)));
  const auto none = ranking_metrics({0.3, 0.2}, {0, 0}, 10);
  CHECK(none.mrr == 0);
  CHECK(none.ndcg == 0);
  CHECK(none.map == 0);
  CHECK(none.recall == 0);
  CHECK(none.precision == 0);
}

TEST_CASE("Pearson and Spearman, ties and constants", "[metrics]") {
  // Deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): 5 / sqrt(2 * 38/3).
  CHECK(crossrank::pearson({1, 2, 3}, {2, 4, 7}) == Approx(5 / std::sqrt(2 * 38.0 / 3)));
  // Ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): 4.5 / sqrt(4.5 * 5).
  CHECK(crossrank::spearman({1, 2, 2, 3}, {1, 3, 2, 4}) == Approx(4.5 / std::sqrt(4.5 * 5)));
  CHECK(crossrank::spearman({3, 1, 2}, {30, 10, 20}) == Approx(1.0));
  CHECK(crossrank::pearson({1, 1, 1}, {1, 2, 3}) == 0);
  CHECK(crossrank::spearman({1, 2, 3}, {5, 5, 5}) == 0);
}
