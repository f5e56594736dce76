#pragma once

#include <filesystem>
#include <memory>

#include "pipeline.hpp"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace crossrank {

// A SentencePiece .model run by the sentencepiece library itself (normalization included),
// with ids laid out as the model family's slow HF tokenizer does.
class SentencePieceModel final : public Model {
 public:
  enum class Layout {
    // XLM-R/fairseq: <s>=0 <pad>=1 </s>=2 <unk>=3, every other piece = spm id + 1, <mask> last.
    fairseq,
    // DeBERTa-v2/v3 and others: ids as the .model has them.
    native,
  };

  // Throws ModelError when the file is not a SentencePiece model.
  SentencePieceModel(const std::filesystem::path& file, Layout layout);
  ~SentencePieceModel() override;

  void tokenize(std::string_view text, std::vector<int32_t>& out) const override;
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  std::optional<std::string> id_to_token(int32_t id) const override;
  size_t vocab_size() const override;
  std::string kind() const override { return "sentencepiece"; }

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> spm_;
  Layout layout_;
  int32_t pieces_ = 0;
  int32_t unk_ = 0;
  std::string source_;
};

}  // namespace crossrank
