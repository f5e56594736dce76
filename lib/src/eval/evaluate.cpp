#include "crossrank/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "crossrank/error.hpp"
#include "crossrank/metrics.hpp"
#include "crossrank/output.hpp"

namespace crossrank {

namespace {

// A relevance label or gold score: a finite number (or a boolean).
double number_field(const Json& value, const std::string& what) {
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (!value.is_number()) throw InputError(what + " must be a number, not " + value.type_name());
  const double v = value.get<double>();
  if (!std::isfinite(v)) throw InputError(what + " must be finite");
  return v;
}

// A judgment below 0 ("-1": judged junk in TREC) is not relevant, as in trec_eval.
double relevance(double label) { return std::max(0.0, label); }

Json metrics_json(const RankingMetrics& m, size_t k, double count) {
  const std::string at = "@" + std::to_string(k);
  Json j = Json::object();
  j["mrr" + at] = m.mrr / count;
  j["ndcg" + at] = m.ndcg / count;
  j["map"] = m.map / count;
  j["recall" + at] = m.recall / count;
  j["p" + at] = m.precision / count;
  return j;
}

void accumulate(RankingMetrics& sum, const RankingMetrics& m) {
  sum.mrr += m.mrr;
  sum.ndcg += m.ndcg;
  sum.map += m.map;
  sum.recall += m.recall;
  sum.precision += m.precision;
}

// One query's relevance labels, document by document: under --qrels, judged by the
// document's id (unjudged: not relevant, as in trec_eval); else the document's own label.
class QueryLabels {
 public:
  QueryLabels(const std::optional<Qrels>& qrels, const Json& qid) : from_qrels_(qrels.has_value()) {
    if (!qrels) return;
    if (qid.is_null()) throw InputError("missing field \"qid\" (--qrels labels by qid)");
    if (auto it = qrels->find(id_text(qid)); it != qrels->end()) judged_ = &it->second;
  }
  // id, own: the document's id and label, null when it has none; where() names the label.
  template <typename Where>
  double label(const Json& id, const Json& own, Where where) {
    if (from_qrels_) {
      if (!judged_ || id.is_null()) return 0;
      const auto rel = judged_->find(id_text(id));
      return rel == judged_->end() ? 0 : rel->second;
    }
    if (own.is_null()) return 0;
    any_ = true;
    return relevance(number_field(own, where()));
  }
  bool any() const { return from_qrels_ || any_; }  // whether the query has labels at all

 private:
  bool from_qrels_;
  const std::unordered_map<std::string, double>* judged_ = nullptr;
  bool any_ = false;
};

// Reads every non-blank line of in as a JSON object into put; errors name the line.
template <typename Put>
void for_each_record(LineReader& in, Put put) {
  std::string line;
  while (next_line(in, line)) {
    if (is_blank(line)) continue;
    try {
      Json j = parse_json_line(line);
      if (!j.is_object()) throw InputError("expected a JSON object");
      put(j);
    } catch (const Error& e) {
      rethrow_with_context(e, "line " + std::to_string(in.line_number()) + ": ");
    }
  }
}

}  // namespace

Qrels read_qrels(const std::string& path) {
  Qrels qrels;
  LineReader in(path);
  std::string line;
  while (in.next(line)) {
    if (is_blank(line)) continue;
    std::istringstream fields(line);
    std::string qid, iteration, docid, rel, extra;
    double value = 0;
    if (!(fields >> qid >> iteration >> docid >> rel) || (fields >> extra)) {
      throw InputError("--qrels " + path + " line " + std::to_string(in.line_number()) +
                       ": expected \"qid 0 docid relevance\"");
    }
    try {
      size_t used = 0;
      value = std::stod(rel, &used);
      if (used != rel.size() || !std::isfinite(value)) throw std::invalid_argument(rel);
    } catch (const std::exception&) {
      throw InputError("--qrels " + path + " line " + std::to_string(in.line_number()) +
                       ": relevance \"" + rel + "\" is not a number");
    }
    qrels[qid][docid] = relevance(value);
  }
  return qrels;
}

RankingEvaluator::RankingEvaluator(const EvalOptions& options)
    : options_(options) {
  if (options.k == 0) throw ConfigError("-k must be at least 1");
  if (!options.qrels_path.empty()) qrels_ = read_qrels(options.qrels_path);
  if (!options.per_query_path.empty()) per_query_ = std::make_unique<LineWriter>(options.per_query_path);
}

size_t RankingEvaluator::put(RerankRequest& request, const std::vector<float>& scores) {
  const Json* qid_field = qid_of(request.record);
  const Json qid = qid_field ? *qid_field : Json();
  QueryLabels judged(qrels_, qid);
  std::vector<double> labels(request.docs.size(), 0.0);
  for (size_t i = 0; i < request.docs.size(); ++i) {
    labels[i] = judged.label(request.docs[i].id, request.docs[i].label, [&] {
      return "\"" + std::string(request.list_key) + "\"[" + std::to_string(i) + "] \"label\"";
    });
  }
  // The values rerank would write, so that -m and --scores give the same metrics.
  std::vector<double> written(scores.size());
  std::transform(scores.begin(), scores.end(), written.begin(), [](float s) { return score_json(s).get<double>(); });
  add(qid, written, labels, judged.any());
  return 1;
}

void RankingEvaluator::put_output(const Json& j) {
  const WrittenRanking written = read_rerank_output(j);
  QueryLabels judged(qrels_, written.qid);
  const size_t n = written.results.size();
  if (written.num_docs && *written.num_docs > n) {
    throw InputError("the results hold " + std::to_string(n) + " of the query's " + std::to_string(*written.num_docs) +
                     " documents (cut by rerank -k or --min-score), so the metrics would be wrong: "
                     "evaluate rerank output made without -k and --min-score, or run eval -m");
  }
  std::vector<double> scores(n, 0.0), labels(n, 0.0);
  for (size_t r = 0; r < n; ++r) {
    const WrittenResult& result = written.results[r];
    scores[result.index] = result.score;
    labels[result.index] = judged.label(result.id, result.label, [&] {
      return "\"results\"[" + std::to_string(r) + "] \"label\"";
    });
  }
  add(written.qid, scores, labels, judged.any());
}

void RankingEvaluator::add(const Json& qid, const std::vector<double>& scores, std::vector<double>& labels,
                           bool any_label) {
  if (!any_label && !scores.empty()) {
    throw InputError("no document has a label: give the input documents a \"label\" (or "
                     "\"relevance\") or pass --qrels");
  }
  std::vector<double> input_order(scores.size());
  for (size_t i = 0; i < input_order.size(); ++i) input_order[i] = -static_cast<double>(i);
  const RankingMetrics m = ranking_metrics(scores, labels, options_.k);
  const RankingMetrics f = ranking_metrics(input_order, labels, options_.k);
  accumulate(reranked_, m);
  accumulate(first_stage_, f);
  ++queries_;
  docs_ += scores.size();
  const size_t relevant =
      static_cast<size_t>(std::count_if(labels.begin(), labels.end(), [](double l) { return l > 0; }));
  without_positive_ += relevant == 0;
  if (per_query_) {
    Json row = Json::object();
    row["qid"] = qid;
    row["docs"] = scores.size();
    row["relevant"] = relevant;
    row.update(metrics_json(m, options_.k, 1.0));
    row["input_order"] = metrics_json(f, options_.k, 1.0);
    per_query_->write_line(row.dump());
  }
}

Json RankingEvaluator::result() {
  if (per_query_) per_query_->flush();
  const double count = std::max<size_t>(1, queries_);
  Json result = Json::object();
  result["task"] = "rerank";
  result["k"] = options_.k;
  result.update(metrics_json(reranked_, options_.k, count));
  result["input_order"] = metrics_json(first_stage_, options_.k, count);
  result["queries"] = queries_;
  result["docs"] = docs_;
  result["queries_without_positive"] = without_positive_;
  return result;
}

size_t CorrelationEvaluator::put(PairRequest& request, const float* scores, size_t labels) {
  // The values score would write, so that -m and --scores give the same metrics.
  if (labels == 1) {
    add(request.record, score_json(scores[0]).get<double>(), nullptr);
    return 1;
  }
  Json list = Json::array();
  for (size_t i = 0; i < labels; ++i) list.push_back(score_json(scores[i]));
  add(request.record, std::nullopt, &list);
  return 1;
}

void CorrelationEvaluator::put_output(const Json& j) {
  const WrittenScores written = read_score_output(j);
  if (written.score) return add(j, number_field(*written.score, "\"score\""), nullptr);
  add(j, std::nullopt, written.scores);
}

void CorrelationEvaluator::add(const Json& j, std::optional<double> score, const Json* scores) {
  const char* gold_key = !j.is_object()           ? nullptr
                         : j.contains("label") ? "label"
                         : j.contains("gold")  ? "gold"
                                               : nullptr;
  if (!gold_key) throw InputError("missing field \"label\" (or \"gold\") with the gold score");
  const double gold = number_field(j[gold_key], std::string("\"") + gold_key + "\"");
  if (!score) {
    if (!options_.label) throw ConfigError("the scores are lists (a multi-label model): choose one with --label");
    if (*options_.label >= scores->size()) {
      throw InputError("--label " + std::to_string(*options_.label) + " is past the \"scores\" list");
    }
    score = number_field((*scores)[*options_.label], "\"scores\" entry");
  }
  scores_.push_back(*score);
  gold_.push_back(gold);
}

Json CorrelationEvaluator::result() const {
  Json result = Json::object();
  result["task"] = "sts";
  result["pearson"] = pearson(scores_, gold_);
  result["spearman"] = spearman(scores_, gold_);
  result["pairs"] = scores_.size();
  return result;
}

Json evaluate_rerank_output(LineReader& in, const EvalOptions& options) {
  RankingEvaluator evaluator(options);
  for_each_record(in, [&](const Json& j) { evaluator.put_output(j); });
  return evaluator.result();
}

Json evaluate_score_output(LineReader& in, const EvalOptions& options) {
  CorrelationEvaluator evaluator(options);
  for_each_record(in, [&](const Json& j) { evaluator.put_output(j); });
  return evaluator.result();
}

}  // namespace crossrank
