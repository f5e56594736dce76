#include "crossrank/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crossrank {

namespace {

// Indices by score, best first; ties keep input order.
std::vector<size_t> best_first(const std::vector<double>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

// Calls f(begin, end) for each run of equal scores in order (positions in order).
template <typename F>
void for_each_tie_group(const std::vector<double>& scores, const std::vector<size_t>& order, F f) {
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin + 1;
    while (end < order.size() && scores[order[end]] == scores[order[begin]]) ++end;
    f(begin, end);
    begin = end;
  }
}

double discount(size_t position, size_t k) {
  return position < k ? 1.0 / std::log2(static_cast<double>(position) + 2.0) : 0.0;
}

// sklearn's _tie_averaged_dcg: a group of tied scores shares the mean gain of its members
// over the discounts of the positions it occupies.
double tie_averaged_dcg(const std::vector<double>& scores, const std::vector<double>& gains,
                        const std::vector<size_t>& order, size_t k) {
  double dcg = 0;
  for_each_tie_group(scores, order, [&](size_t begin, size_t end) {
    double gain = 0, discounts = 0;
    for (size_t p = begin; p < end; ++p) {
      gain += gains[order[p]];
      discounts += discount(p, k);
    }
    dcg += gain / static_cast<double>(end - begin) * discounts;
  });
  return dcg;
}

// sklearn's average_precision_score: sum over distinct thresholds (tie groups) of the recall
// gained times the precision at that threshold.
double average_precision(const std::vector<double>& scores, const std::vector<double>& labels,
                         const std::vector<size_t>& order, size_t relevant) {
  double ap = 0;
  size_t tp = 0;
  for_each_tie_group(scores, order, [&](size_t begin, size_t end) {
    size_t added = 0;
    for (size_t p = begin; p < end; ++p) added += labels[order[p]] > 0;
    tp += added;
    ap += static_cast<double>(added) / static_cast<double>(relevant) *
          (static_cast<double>(tp) / static_cast<double>(end));
  });
  return ap;
}

// Ranks 1..n, ties given their average (scipy's rankdata "average").
std::vector<double> average_ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for_each_tie_group(values, order, [&](size_t begin, size_t end) {
    const double rank = (static_cast<double>(begin + 1) + static_cast<double>(end)) / 2.0;
    for (size_t p = begin; p < end; ++p) ranks[order[p]] = rank;
  });
  return ranks;
}

}  // namespace

RankingMetrics ranking_metrics(const std::vector<double>& scores, const std::vector<double>& labels,
                               size_t k) {
  RankingMetrics m;
  const size_t relevant = static_cast<size_t>(
      std::count_if(labels.begin(), labels.end(), [](double l) { return l > 0; }));
  if (relevant == 0 || k == 0) return m;
  const std::vector<size_t> order = best_first(scores);
  const size_t top = std::min(k, order.size());
  size_t hits = 0;
  for (size_t r = 0; r < top; ++r) {
    if (labels[order[r]] > 0) {
      if (hits == 0) m.mrr = 1.0 / static_cast<double>(r + 1);
      ++hits;
    }
  }
  m.recall = static_cast<double>(hits) / static_cast<double>(relevant);
  m.precision = static_cast<double>(hits) / static_cast<double>(k);

  std::vector<double> ideal = labels;
  std::sort(ideal.begin(), ideal.end(), std::greater<double>());
  double idcg = 0;
  for (size_t p = 0; p < ideal.size(); ++p) idcg += ideal[p] * discount(p, k);
  m.ndcg = idcg > 0 ? tie_averaged_dcg(scores, labels, order, k) / idcg : 0.0;
  m.map = average_precision(scores, labels, order, relevant);
  return m;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = std::min(x.size(), y.size());
  if (n == 0) return 0;
  const double mx = std::accumulate(x.begin(), x.begin() + n, 0.0) / static_cast<double>(n);
  const double my = std::accumulate(y.begin(), y.begin() + n, 0.0) / static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0 || syy == 0) return 0;
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  return pearson(average_ranks(x), average_ranks(y));
}

}  // namespace crossrank
