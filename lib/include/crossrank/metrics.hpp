#pragma once

#include <cstddef>
#include <vector>

// Evaluation metrics with the definitions of sentence-transformers' CrossEncoderRerankingEvaluator
// and CrossEncoderCorrelationEvaluator (docs/evaluation.md), checked against numpy, scipy and
// scikit-learn by scripts/eval_reference.py.
namespace crossrank {

struct RankingMetrics {
  double mrr = 0;        // 1 / rank of the first relevant document within k, else 0
  double ndcg = 0;       // sklearn's ndcg_score at k: linear gain, log2 discount, ties averaged
  double map = 0;        // sklearn's average_precision_score over the whole list (label > 0)
  double recall = 0;     // relevant documents in the top k / all relevant ones
  double precision = 0;  // relevant documents in the top k / k
};

// One query's metrics. scores and labels are per document; a label > 0 is relevant (graded
// labels count as gains in NDCG). Ranks are by score, best first; ties keep input order for
// MRR, recall and precision, and are averaged for NDCG and MAP as scikit-learn does. A query
// without a relevant document scores 0 everywhere.
RankingMetrics ranking_metrics(const std::vector<double>& scores, const std::vector<double>& labels,
                               size_t k);

// Pearson's r; 0 when either side is constant.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Spearman's rho: Pearson's r of the ranks, ties given their average rank.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace crossrank
