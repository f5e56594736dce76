#include "crossrank/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "crossrank/error.hpp"
#include "crossrank/metrics.hpp"

namespace crossrank {

namespace {

using Qrels = std::unordered_map<std::string, std::unordered_map<std::string, double>>;

Json parse_object(const std::string& line) {
  Json j = parse_json_line(line);
  if (!j.is_object()) throw InputError("expected a JSON object");
  return j;
}

// Reads the next non-blank line of in as a JSON object and makes it into out with read;
// false at the end. Errors name the line.
template <typename T, typename Read>
bool next_record(LineReader& in, T& out, Read read) {
  std::string line;
  while (next_line(in, line)) {
    if (is_blank(line)) continue;
    try {
      out = read(parse_object(line));
    } catch (const Error& e) {
      rethrow_with_context(e, "line " + std::to_string(in.line_number()) + ": ");
    }
    return true;
  }
  return false;
}

// A relevance label or gold score: a finite number (or a boolean).
double number_field(const Json& value, const std::string& what) {
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (!value.is_number()) throw InputError(what + " must be a number, not " + value.type_name());
  const double v = value.get<double>();
  if (!std::isfinite(v)) throw InputError(what + " must be finite");
  return v;
}

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
      if (used != rel.size()) throw std::invalid_argument(rel);
    } catch (const std::exception&) {
      throw InputError("--qrels " + path + " line " + std::to_string(in.line_number()) +
                       ": relevance \"" + rel + "\" is not a number");
    }
    qrels[qid][docid] = value;
  }
  return qrels;
}

struct Means {
  RankingMetrics sum;
  void add(const RankingMetrics& m) {
    sum.mrr += m.mrr;
    sum.ndcg += m.ndcg;
    sum.map += m.map;
    sum.recall += m.recall;
    sum.precision += m.precision;
  }
};

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

// One `rerank` output line: scores, labels and input positions, in input order.
struct RankedQuery {
  Json qid;
  std::vector<double> scores;
  std::vector<double> labels;
};

RankedQuery read_ranked_query(const Json& j, const Qrels* qrels) {
  RankedQuery q;
  if (auto it = j.find("qid"); it != j.end()) q.qid = *it;
  if (qrels && q.qid.is_null()) throw InputError("missing field \"qid\" (--qrels labels by qid)");
  auto results = j.find("results");
  if (results == j.end() || !results->is_array()) {
    throw InputError("missing \"results\" array (expected `crossrank rerank` output)");
  }
  const size_t n = results->size();
  q.scores.assign(n, 0.0);
  q.labels.assign(n, 0.0);
  std::vector<bool> seen(n, false);
  bool any_label = false;
  const std::unordered_map<std::string, double>* judged = nullptr;
  if (qrels) {
    auto it = qrels->find(id_text(q.qid));
    if (it != qrels->end()) judged = &it->second;
  }
  for (size_t r = 0; r < n; ++r) {
    const Json& item = (*results)[r];
    const std::string where = "\"results\"[" + std::to_string(r) + "]";
    if (!item.is_object() || !item.contains("index") || !item["index"].is_number_unsigned() ||
        !item.contains("score") || !item["score"].is_number()) {
      throw InputError(where + " needs \"index\" and \"score\" (expected `crossrank rerank` output)");
    }
    const size_t index = item["index"].get<size_t>();
    if (index >= n || seen[index]) {
      throw InputError(where + ": \"index\" " + std::to_string(index) +
                       " is out of range or repeated (evaluate output made without -k)");
    }
    seen[index] = true;
    q.scores[index] = item["score"].get<double>();
    if (qrels) {
      any_label = true;  // unjudged documents are not relevant, as in trec_eval
      if (judged && item.contains("id")) {
        auto rel = judged->find(id_text(item["id"]));
        if (rel != judged->end()) q.labels[index] = rel->second;
      }
    } else if (item.contains("label")) {
      q.labels[index] = number_field(item["label"], where + " \"label\"");
      any_label = true;
    }
    if (q.labels[index] < 0) throw InputError(where + ": a relevance label must be >= 0");
  }
  if (!any_label && n > 0) {
    throw InputError("no document has a label: give the input documents a \"label\" (or "
                     "\"relevance\") or pass --qrels");
  }
  return q;
}

}  // namespace

Json evaluate_rerank_output(LineReader& in, const EvalOptions& options) {
  if (options.k == 0) throw ConfigError("-k must be at least 1");
  Qrels qrels;
  if (!options.qrels_path.empty()) qrels = read_qrels(options.qrels_path);
  const Qrels* judged = options.qrels_path.empty() ? nullptr : &qrels;
  std::optional<LineWriter> per_query;
  if (!options.per_query_path.empty()) per_query.emplace(options.per_query_path);

  Means reranked, first_stage;
  size_t queries = 0, docs = 0, without_positive = 0;
  RankedQuery q;
  while (next_record(in, q, [&](const Json& j) { return read_ranked_query(j, judged); })) {
    std::vector<double> input_order(q.scores.size());
    for (size_t i = 0; i < input_order.size(); ++i) input_order[i] = -static_cast<double>(i);
    const RankingMetrics m = ranking_metrics(q.scores, q.labels, options.k);
    const RankingMetrics f = ranking_metrics(input_order, q.labels, options.k);
    reranked.add(m);
    first_stage.add(f);
    ++queries;
    docs += q.scores.size();
    const size_t relevant = static_cast<size_t>(
        std::count_if(q.labels.begin(), q.labels.end(), [](double l) { return l > 0; }));
    without_positive += relevant == 0;
    if (per_query) {
      Json row = Json::object();
      row["qid"] = q.qid;
      row["docs"] = q.scores.size();
      row["relevant"] = relevant;
      row.update(metrics_json(m, options.k, 1.0));
      row["input_order"] = metrics_json(f, options.k, 1.0);
      per_query->write_line(row.dump());
    }
  }
  if (per_query) per_query->flush();
  const double count = std::max<size_t>(1, queries);
  Json result = Json::object();
  result["task"] = "rerank";
  result["k"] = options.k;
  result.update(metrics_json(reranked.sum, options.k, count));
  result["input_order"] = metrics_json(first_stage.sum, options.k, count);
  result["queries"] = queries;
  result["docs"] = docs;
  result["queries_without_positive"] = without_positive;
  return result;
}

Json evaluate_score_output(LineReader& in, const EvalOptions& options) {
  // One pair's activated score and gold value.
  auto read = [&](const Json& j) {
    const char* gold_key = j.contains("label") ? "label" : j.contains("gold") ? "gold" : nullptr;
    if (!gold_key) throw InputError("missing field \"label\" (or \"gold\") with the gold score");
    const double gold = number_field(j[gold_key], std::string("\"") + gold_key + "\"");
    if (j.contains("score")) return std::make_pair(number_field(j["score"], "\"score\""), gold);
    if (!j.contains("scores") || !j["scores"].is_array()) {
      throw InputError("missing field \"score\" (expected `crossrank score` output)");
    }
    if (!options.label) throw ConfigError("the scores are lists (a multi-label model): choose one with --label");
    if (*options.label >= j["scores"].size()) {
      throw InputError("--label " + std::to_string(*options.label) + " is past the \"scores\" list");
    }
    return std::make_pair(number_field(j["scores"][*options.label], "\"scores\" entry"), gold);
  };
  std::vector<double> scores, gold;
  for (std::pair<double, double> pair; next_record(in, pair, read);) {
    scores.push_back(pair.first);
    gold.push_back(pair.second);
  }
  Json result = Json::object();
  result["task"] = "sts";
  result["pearson"] = pearson(scores, gold);
  result["spearman"] = spearman(scores, gold);
  result["pairs"] = scores.size();
  return result;
}

}  // namespace crossrank
