#include "crossrank/output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <unordered_set>

#include "crossrank/error.hpp"
#include "crossrank/tokenizer.hpp"

namespace crossrank {

std::vector<RankedDoc> rank(const std::vector<float>& scores, size_t top_k) {
  std::vector<RankedDoc> ranked(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) ranked[i] = {i, scores[i]};
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const RankedDoc& a, const RankedDoc& b) { return a.score > b.score; });
  if (top_k > 0 && ranked.size() > top_k) ranked.resize(top_k);
  return ranked;
}

Json score_json(float value) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  *res.ptr = '\0';
  return Json(std::strtod(buf, nullptr));
}

std::string format_rerank(RerankRequest& request, const std::vector<RankedDoc>& ranked,
                          bool return_text) {
  Json results = Json::array();
  for (const auto& r : ranked) {
    const Document& doc = request.docs[r.index];
    Json item = Json::object();
    item["id"] = doc.id;
    item["index"] = r.index;
    item["score"] = score_json(r.score);
    if (!doc.label.is_null()) item["label"] = doc.label;  // `eval` reads it back
    if (return_text) item["text"] = doc.text;
    if (!doc.fields.is_null()) {
      for (const auto& [key, value] : doc.fields.items()) {
        if (!item.contains(key)) item[key] = value;
      }
    }
    results.push_back(std::move(item));
  }
  // A "num_docs" of the user's own would tell eval about a cut that did not happen: replaced.
  if (ranked.size() < request.docs.size() || request.record.contains("num_docs")) {
    request.record["num_docs"] = request.docs.size();
  }
  request.record["results"] = std::move(results);
  return request.record.dump();
}

namespace {

// The one-line-per-result formats: columns joined by separator, which no value may hold
// (nor any character of forbidden), and split by a reader at any of splits (TREC's columns
// are whitespace-separated, as trec_eval reads them).
struct ColumnFormat {
  const char* name;
  char separator;
  const char* forbidden;
  const char* splits;
};
constexpr ColumnFormat kTrec{"trec", ' ', " \t\r\n\v\f", " \t"};
constexpr ColumnFormat kTsv{"tsv", '\t', "\t\r\n", "\t"};

const ColumnFormat& column_format(OutputFormat format) { return format == OutputFormat::trec ? kTrec : kTsv; }

// A query's results, one line each: line(qid, docid, rank, score) joins a line's columns
// with the format's separator.
template <typename Line>
std::string format_ranked_lines(const RerankRequest& request, const std::vector<RankedDoc>& ranked,
                                const ColumnFormat& format, Line line) {
  const Json* qid_value = qid_of(request.record);
  if (!qid_value) {
    throw InputError(std::string("--format ") + format.name + " needs a \"qid\" (string or integer) on every line");
  }
  auto checked = [&](std::string text, const std::string& what) {
    if (text.empty() || text.find_first_of(format.forbidden) != std::string::npos) {
      throw InputError(what + " \"" + text + "\" is empty or holds whitespace that --format " + format.name +
                       " cannot carry");
    }
    return text;
  };
  const std::string qid = checked(id_text(*qid_value), "qid");
  std::string out;
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    const Document& doc = request.docs[ranked[rank].index];
    if (rank > 0) out += '\n';
    out += line(qid, checked(id_text(doc.id), "document id"), std::to_string(rank + 1),
                id_text(score_json(ranked[rank].score)));
  }
  return out;
}

}  // namespace

std::string format_rerank_trec(const RerankRequest& request, const std::vector<RankedDoc>& ranked,
                               const std::string& tag) {
  const std::string s(1, kTrec.separator);
  return format_ranked_lines(request, ranked, kTrec,
                             [&](const std::string& qid, const std::string& doc, const std::string& rank,
                                 const std::string& score) {
                               return qid + s + "Q0" + s + doc + s + rank + s + score + s + tag;
                             });
}

std::string format_rerank_tsv(const RerankRequest& request, const std::vector<RankedDoc>& ranked) {
  const std::string s(1, kTsv.separator);
  return format_ranked_lines(request, ranked, kTsv,
                             [&](const std::string& qid, const std::string& doc, const std::string& rank,
                                 const std::string& score) { return qid + s + doc + s + rank + s + score; });
}

std::string format_score(PairRequest& request, const float* scores, size_t labels) {
  Json& out = request.record.is_null() ? (request.record = Json::object()) : request.record;
  if (labels == 1) {
    out["score"] = score_json(scores[0]);
  } else {
    Json list = Json::array();
    for (size_t i = 0; i < labels; ++i) list.push_back(score_json(scores[i]));
    out["scores"] = std::move(list);
  }
  return out.dump();
}

std::string format_tokens(const EncodedPair& pair, const Tokenizer& tokenizer,
                          bool with_token_type_ids) {
  Json out = Json::object();
  out["input_ids"] = pair.input_ids;
  if (with_token_type_ids) out["token_type_ids"] = pair.token_type_ids;
  Json tokens = Json::array();
  for (int32_t id : pair.input_ids) tokens.push_back(tokenizer.id_to_token(id));
  out["tokens"] = std::move(tokens);
  return out.dump();
}

WrittenRanking read_rerank_output(const Json& j) {
  WrittenRanking out;
  if (auto it = j.find("qid"); it != j.end()) out.qid = *it;
  auto results = j.find("results");
  if (results == j.end() || !results->is_array()) {
    throw InputError("missing \"results\" array (expected `crossrank rerank` output)");
  }
  const size_t n = results->size();
  if (auto total = j.find("num_docs"); total != j.end() && total->is_number_unsigned()) {
    out.num_docs = total->get<size_t>();
  }
  // The query's documents: more than the results when they were cut. A set, not a bitmap
  // sized by a number read from the file.
  const size_t docs = std::max(n, out.num_docs.value_or(0));
  std::unordered_set<size_t> seen;
  for (size_t r = 0; r < n; ++r) {
    const Json& item = (*results)[r];
    const std::string where = "\"results\"[" + std::to_string(r) + "]";
    if (!item.is_object() || !item.contains("index") || !item["index"].is_number_unsigned() ||
        !item.contains("score") || !item["score"].is_number()) {
      throw InputError(where + " needs \"index\" and \"score\" (expected `crossrank rerank` output)");
    }
    const size_t index = item["index"].get<size_t>();
    if (index >= docs || !seen.insert(index).second) {
      throw InputError(where + ": \"index\" " + std::to_string(index) +
                       " is out of range or repeated (evaluate output made without -k)");
    }
    out.results.push_back({index, item["score"].get<double>(), item.value("id", Json()), item.value("label", Json())});
  }
  return out;
}

WrittenScores read_score_output(const Json& j) {
  if (j.contains("score")) return {&j["score"], nullptr};
  if (!j.contains("scores") || !j["scores"].is_array()) {
    throw InputError("missing field \"score\" (expected `crossrank score` output)");
  }
  return {nullptr, &j["scores"]};
}

std::optional<std::string> written_qid(std::string_view line, OutputFormat format) {
  if (format == OutputFormat::jsonl) {
    const Json j = parse_json_line(line);
    const Json* qid = qid_of(j);
    if (!qid) return std::nullopt;
    return id_text(*qid);
  }
  return std::string(line.substr(0, line.find_first_of(column_format(format).splits)));
}

}  // namespace crossrank
