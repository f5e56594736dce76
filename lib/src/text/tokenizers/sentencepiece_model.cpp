#include "sentencepiece_model.hpp"

#include <sentencepiece_processor.h>

#include <array>

#include "crossrank/error.hpp"

namespace crossrank {

namespace {

const std::array<const char*, 4> kFairseqSpecials = {"<s>", "<pad>", "</s>", "<unk>"};
constexpr int32_t kFairseqUnk = 3;

}  // namespace

SentencePieceModel::SentencePieceModel(const std::filesystem::path& file, Layout layout)
    : spm_(std::make_unique<sentencepiece::SentencePieceProcessor>()),
      layout_(layout),
      source_(file.string()) {
  const auto status = spm_->Load(file.string());
  if (!status.ok()) {
    throw ModelError(source_ + ": not a usable SentencePiece model: " + status.ToString());
  }
  pieces_ = spm_->GetPieceSize();
  unk_ = spm_->unk_id();
}

SentencePieceModel::~SentencePieceModel() = default;

void SentencePieceModel::tokenize(std::string_view text, std::vector<int32_t>& out) const {
  std::vector<int> ids;
  const auto status = spm_->Encode(text, &ids);
  if (!status.ok()) throw InputError("sentencepiece cannot encode the text: " + status.ToString());
  for (int id : ids) {
    if (layout_ == Layout::native) {
      out.push_back(id);
    } else {
      out.push_back(id == unk_ ? kFairseqUnk : id + 1);
    }
  }
}

std::optional<int32_t> SentencePieceModel::token_to_id(std::string_view token) const {
  if (layout_ == Layout::fairseq) {
    for (size_t i = 0; i < kFairseqSpecials.size(); ++i) {
      if (token == kFairseqSpecials[i]) return static_cast<int32_t>(i);
    }
    if (token == "<mask>") return pieces_ + 1;
  }
  const int id = spm_->PieceToId(token);
  if (id == unk_ && token != spm_->IdToPiece(unk_)) return std::nullopt;
  if (layout_ == Layout::native) return id;
  return id == unk_ ? kFairseqUnk : id + 1;
}

std::optional<std::string> SentencePieceModel::id_to_token(int32_t id) const {
  if (layout_ == Layout::native) {
    if (id < 0 || id >= pieces_) return std::nullopt;
    return spm_->IdToPiece(id);
  }
  if (id >= 0 && id < static_cast<int32_t>(kFairseqSpecials.size())) return kFairseqSpecials[id];
  if (id == pieces_ + 1) return std::string("<mask>");
  // spm ids 0..2 (unk and the control pieces) have fairseq ids of their own.
  if (id <= kFairseqUnk || id > pieces_) return std::nullopt;
  return spm_->IdToPiece(id - 1);
}

size_t SentencePieceModel::vocab_size() const {
  return static_cast<size_t>(layout_ == Layout::native ? pieces_ : pieces_ + 2);
}

}  // namespace crossrank
