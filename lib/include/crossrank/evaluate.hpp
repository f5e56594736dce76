#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "crossrank/jsonl.hpp"
#include "crossrank/metrics.hpp"
#include "crossrank/requests.hpp"
#include "crossrank/sinks.hpp"

// `crossrank eval` (docs/evaluation.md): metrics accumulated query by query or pair by pair,
// either straight from the scorer (`eval -m`: the evaluators are the run's sinks, so errors
// name the user's input line and "docs"[j]) or from output made earlier (`eval --scores`).
namespace crossrank {

struct EvalOptions {
  size_t k = 10;                 // cut-off of MRR, NDCG, recall and precision
  std::optional<size_t> label;   // which entry of a multi-label "scores" list (sts)
  std::string qrels_path;        // TREC qrels ("qid 0 docid rel"): labels by query and doc id
  std::string per_query_path;    // rerank: one JSON line of metrics per query; empty: none
};

// TREC qrels: relevance by qid and doc id. A negative judgment counts as 0 (not relevant),
// as trec_eval does.
using Qrels = std::unordered_map<std::string, std::unordered_map<std::string, double>>;
// Throws InputError naming the file's line for a malformed line.
Qrels read_qrels(const std::string& path);

// Mean MRR@k, NDCG@k, MAP, recall@k and P@k over queries, for the reranked order and for the
// input order (the first stage), plus counts. Labels come from the documents' "label" (or
// "relevance") or from --qrels; a negative label counts as 0.
class RankingEvaluator final : public RerankSink {
 public:
  // Reads --qrels and opens --per-query (ConfigError when k is 0).
  explicit RankingEvaluator(const EvalOptions& options);
  // A query scored by the model: every document's score, in input order.
  size_t put(RerankRequest& request, const std::vector<float>& scores) override;
  // One line of `crossrank rerank` output; refuses a results list cut by -k or --min-score.
  void put_output(const Json& record);
  Json result();  // the means; writes the rest of --per-query

 private:
  void add(const Json& qid, const std::vector<double>& scores, std::vector<double>& labels, bool any_label);

  EvalOptions options_;
  std::optional<Qrels> qrels_;
  std::unique_ptr<LineWriter> per_query_;
  RankingMetrics reranked_, first_stage_;  // sums over the queries
  size_t queries_ = 0, docs_ = 0, without_positive_ = 0;
};

// Pearson and Spearman between the activated scores and the gold "label" (or "gold").
class CorrelationEvaluator final : public ScoreSink {
 public:
  explicit CorrelationEvaluator(const EvalOptions& options) : options_(options) {}
  size_t put(PairRequest& request, const float* scores, size_t labels) override;
  void put_output(const Json& record);  // one line of `crossrank score` output
  Json result() const;

 private:
  void add(const Json& record, std::optional<double> score, const Json* scores);

  EvalOptions options_;
  std::vector<double> scores_, gold_;
};

// `eval --scores`: every line of in through an evaluator; errors name the line.
Json evaluate_rerank_output(LineReader& in, const EvalOptions& options);
Json evaluate_score_output(LineReader& in, const EvalOptions& options);

}  // namespace crossrank
