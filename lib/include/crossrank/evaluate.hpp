#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "crossrank/jsonl.hpp"
#include "crossrank/requests.hpp"

// `crossrank eval` over scores already produced: `rerank` output (results carry each
// document's "label") or `score` output (each pair keeps its "label"/"gold"). Running the
// model first is the CLI's job, through the same rerank/score paths (docs/evaluation.md).
namespace crossrank {

struct EvalOptions {
  size_t k = 10;                 // cut-off of MRR, NDCG, recall and precision
  std::optional<size_t> label;   // which entry of a multi-label "scores" list (sts)
  std::string qrels_path;        // TREC qrels ("qid 0 docid rel"): labels by query and doc id
  std::string per_query_path;    // rerank: one JSON line of metrics per query; empty: none
};

// Mean MRR@k, NDCG@k, MAP, recall@k and P@k over the queries of a `rerank` output, for the
// reranked order and for the input order (the first stage), plus counts. Throws InputError
// ("line N: ...") for a line without results or labels, ConfigError for a bad qrels file.
Json evaluate_rerank_output(LineReader& in, const EvalOptions& options);

// Pearson and Spearman between the activated scores and the gold "label" (or "gold") of a
// `score` output.
Json evaluate_score_output(LineReader& in, const EvalOptions& options);

}  // namespace crossrank
