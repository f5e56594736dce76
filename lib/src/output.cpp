#include "crossrank/output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

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

// The ranked lines of the flat formats; field(text, what) checks each value.
template <typename Line>
std::string format_ranked_lines(const RerankRequest& request, const std::vector<RankedDoc>& ranked,
                                const char* format, const char* forbidden, Line line) {
  const Json* qid_value = qid_of(request.record);
  if (!qid_value) {
    throw InputError(std::string("--format ") + format + " needs a \"qid\" (string or integer) on every line");
  }
  auto checked = [&](std::string text, const std::string& what) {
    if (text.empty() || text.find_first_of(forbidden) != std::string::npos) {
      throw InputError(what + " \"" + text + "\" is empty or holds whitespace that --format " + format +
                       " cannot carry");
    }
    return text;
  };
  const std::string qid = checked(id_text(*qid_value), "qid");
  std::string out;
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    const Document& doc = request.docs[ranked[rank].index];
    if (rank > 0) out += '\n';
    out += line(qid, checked(id_text(doc.id), "document id"), rank + 1,
                id_text(score_json(ranked[rank].score)));
  }
  return out;
}

}  // namespace

std::string format_rerank_trec(const RerankRequest& request, const std::vector<RankedDoc>& ranked,
                               const std::string& tag) {
  return format_ranked_lines(request, ranked, "trec", " \t\r\n\v\f",
                             [&](const std::string& qid, const std::string& doc, size_t rank,
                                 const std::string& score) {
                               return qid + " Q0 " + doc + " " + std::to_string(rank) + " " + score + " " + tag;
                             });
}

std::string format_rerank_tsv(const RerankRequest& request, const std::vector<RankedDoc>& ranked) {
  return format_ranked_lines(request, ranked, "tsv", "\t\r\n",
                             [](const std::string& qid, const std::string& doc, size_t rank,
                                const std::string& score) {
                               return qid + "\t" + doc + "\t" + std::to_string(rank) + "\t" + score;
                             });
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

}  // namespace crossrank
