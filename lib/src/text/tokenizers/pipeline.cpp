#include "pipeline.hpp"

#include <algorithm>
#include <unordered_map>

#include "text/unicode.hpp"
#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"

namespace crossrank {

std::string byte_token(unsigned char b) {
  static const char* hex = "0123456789ABCDEF";
  return std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">";
}

size_t PairTemplate::special_count() const {
  size_t n = 0;
  for (const auto& p : pieces) n += p.ids.size();
  return n;
}

namespace {

// HF's AddedVocabulary::add_tokens: an added token's id is the model's id for its content,
// else the next id after the vocabulary and the added tokens so far. The ids written in
// tokenizer.json / tokenizer_config.json are only checked, as HF does.
void assign_added_ids(std::vector<AddedToken>& tokens, const Model& model, const std::string& source) {
  std::unordered_map<std::string, int32_t> assigned;
  const auto vocab = static_cast<int32_t>(model.vocab_size());
  std::optional<int32_t> max_added;
  for (auto& t : tokens) {
    int32_t id;
    if (auto it = assigned.find(t.content); it != assigned.end()) {
      id = it->second;
    } else if (auto in_model = model.token_to_id(t.content)) {
      id = *in_model;
    } else {
      id = !max_added ? vocab : (*max_added >= vocab || vocab == 0 ? *max_added + 1 : vocab);
    }
    if (t.id >= 0 && t.id != id) {
      log::warn(source + ": added token \"" + t.content + "\" is declared with id " +
                std::to_string(t.id) + " but gets id " + std::to_string(id) + ", as in HF tokenizers");
    }
    t.id = id;
    assigned.emplace(t.content, id);
    max_added = std::max(max_added.value_or(id), id);
  }
}

}  // namespace

PipelineTokenizer::PipelineTokenizer(Parts parts, std::filesystem::path source)
    : normalizer_(std::move(parts.normalizer)),
      pre_tokenizer_(std::move(parts.pre_tokenizer)),
      model_(std::move(parts.model)),
      template_(std::move(parts.pair_template)),
      source_(std::move(source)) {
  std::vector<AddedToken> tokens = std::move(parts.added_tokens);
  assign_added_ids(tokens, *model_, source_.string());
  for (const auto& t : tokens) {
    if (!model_->id_to_token(t.id)) added_by_id_.emplace_back(t.id, t.content);
  }
  // Tokens matched after normalization are looked for in their normalized form.
  std::vector<AddedToken> matched = tokens;
  for (auto& t : matched) {
    if (!t.normalized || !normalizer_) continue;
    std::u32string content = unicode::decode_utf8(t.content);
    normalizer_->normalize(content);
    t.content.clear();
    for (char32_t c : content) unicode::append_utf8(c, t.content);
  }
  added_ = AddedVocabulary(matched);
  // Every id the encoder can emit must name a token, so id_to_token never fails on output.
  for (const auto& piece : template_.pieces) {
    for (int32_t id : piece.ids) {
      const bool known = model_->id_to_token(id) ||
                         std::any_of(added_by_id_.begin(), added_by_id_.end(),
                                     [id](const auto& a) { return a.first == id; });
      if (!known) {
        throw ModelError(source_.string() + ": the pair template uses token id " +
                         std::to_string(id) + ", which names no token");
      }
    }
  }
}

std::vector<int32_t> PipelineTokenizer::encode(std::string_view text) const {
  const std::u32string chars = unicode::decode_utf8(text);
  std::vector<int32_t> ids;
  std::vector<AddedVocabulary::Segment> raw;
  added_.split(chars, /*normalized=*/false, raw);
  std::vector<AddedVocabulary::Segment> inner;
  for (const auto& seg : raw) {
    if (seg.id >= 0) {
      ids.push_back(seg.id);
      continue;
    }
    std::u32string normalized = chars.substr(seg.begin, seg.end - seg.begin);
    bool origin_zero = true;
    if (normalizer_) normalizer_->apply(normalized, origin_zero);
    // HF's offsets_original() == 0: the piece starts where the user's text starts.
    const bool at_start = seg.begin == 0 && origin_zero;
    if (!added_.has(/*normalized=*/true)) {
      encode_piece(Piece{std::move(normalized), at_start}, ids);
      continue;
    }
    inner.clear();
    added_.split(normalized, /*normalized=*/true, inner);
    for (const auto& part : inner) {
      if (part.id >= 0) {
        ids.push_back(part.id);
      } else {
        encode_piece(Piece{normalized.substr(part.begin, part.end - part.begin),
                           at_start && part.begin == 0},
                     ids);
      }
    }
  }
  return ids;
}

void PipelineTokenizer::encode_piece(Piece piece, std::vector<int32_t>& out) const {
  if (piece.text.empty()) return;
  std::vector<Piece> words;
  words.push_back(std::move(piece));
  if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(words);
  std::string utf8;
  for (const auto& w : words) {
    if (w.text.empty()) continue;
    utf8.clear();
    for (char32_t c : w.text) unicode::append_utf8(c, utf8);
    model_->tokenize(utf8, out);
  }
}

std::string PipelineTokenizer::id_to_token(int32_t id) const {
  if (auto token = model_->id_to_token(id)) return *token;
  for (const auto& [added_id, content] : added_by_id_) {
    if (added_id == id) return content;
  }
  throw InputError("token id " + std::to_string(id) + " is outside the vocabulary");
}

std::optional<int32_t> PipelineTokenizer::token_to_id(std::string_view token) const {
  for (const auto& [added_id, content] : added_by_id_) {
    if (content == token) return added_id;
  }
  return model_->token_to_id(token);
}

}  // namespace crossrank
