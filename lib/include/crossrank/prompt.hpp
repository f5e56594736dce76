#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crossrank {

class Tokenizer;

// crossrank.json "template": how a decoder LLM reranker (Qwen3-Reranker, mxbai-rerank-v2,
// bge-reranker-v2-gemma) sees a pair, as its model card's code builds it
// (docs/models.md#llm-rerankers). The ids are the parts' ids in order, each part tokenized
// on its own without special tokens.
struct PromptPart {
  std::string text;  // may hold {instruction}, {query} and {document}
  // The text instead when the instruction is empty (mxbai-rerank-v2's optional
  // instruction line); it holds the same {query} and {document}.
  std::optional<std::string> without_instruction;
  // Its tokens are cut from the right to at most max_tokens, or to
  // floor(max_length * max_share[0] / max_share[1]), before the budget is applied.
  std::optional<size_t> max_tokens;
  std::optional<std::pair<size_t, size_t>> max_share;
  bool cut = false;      // the part that gives up tokens (from its right) to fit max_length
  bool counted = true;   // false: appended after the budget, outside max_length
};

struct PromptTemplate {
  std::string name;                 // e.g. "qwen3-reranker"
  std::vector<PromptPart> parts;
  std::string instruction;          // the default instruction
  // One token: the score is its logit. Two, [negative, positive]: the score is
  // logit(positive) - logit(negative), so that sigmoid(score) = P(positive). The exporter
  // builds that one-row head; crossrank checks the tokens and shows them.
  std::vector<std::string> answer;
  // The ids the exporter built the score head from (empty: not recorded); crossrank's
  // tokenizer must give the same, or the head scores other tokens.
  std::vector<int32_t> answer_ids;
  std::optional<size_t> max_length;  // the model card's default truncation length
};

// Throws ConfigError naming source for a malformed template: no {query} or {document}, no
// or several cut parts, a cut part without {document}, a bad share.
PromptTemplate parse_prompt_template(const nlohmann::json& value, const std::string& source);
nlohmann::ordered_json prompt_template_json(const PromptTemplate& prompt);

// The template with its fixed parts tokenized, for one max_length.
class PromptEncoder {
 public:
  // Throws ModelError when an answer token is not one token of the vocabulary, and
  // ConfigError when max_length leaves the cut part no room.
  PromptEncoder(PromptTemplate prompt, const Tokenizer& tokenizer, size_t max_length);

  struct Encoded {
    std::vector<int32_t> ids;
    bool truncated = false;
  };
  Encoded encode(std::string_view instruction, std::string_view query, std::string_view document) const;
  // A document that does not fit as windows over its tokens inside the template (the cut
  // part around {document} is kept whole); one window, encode()'s, when it fits.
  std::vector<Encoded> encode_windows(std::string_view instruction, std::string_view query,
                                      std::string_view document, size_t overlap) const;

  const PromptTemplate& prompt() const { return prompt_; }
  bool takes_instruction() const { return takes_instruction_; }  // a part holds {instruction}
  const std::vector<int32_t>& answer_ids() const { return answer_ids_; }

 private:
  struct Part {
    std::vector<int32_t> ids;  // for a part without placeholders
    bool fixed = false;
    size_t cap = SIZE_MAX;
  };
  std::vector<std::vector<int32_t>> tokenize_parts(std::string_view instruction, std::string_view query,
                                                   std::string_view document, bool* truncated) const;
  // Cuts the cut part so that the counted parts fit max_length, and joins the parts.
  Encoded fit(std::vector<std::vector<int32_t>> ids, bool truncated, bool* budget_cut) const;

  PromptTemplate prompt_;
  const Tokenizer* tokenizer_;
  size_t max_length_;
  std::vector<Part> parts_;
  size_t cut_index_ = 0;
  bool takes_instruction_ = false;
  std::vector<int32_t> answer_ids_;
};

}  // namespace crossrank
