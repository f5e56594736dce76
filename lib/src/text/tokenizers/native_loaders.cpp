// Tokenizers built from the files slow HF tokenizers read (vocab.txt, vocab.json +
// merges.txt, SentencePiece .model), the way transformers turns them into fast ones.
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "base/json_file.hpp"
#include "bert_normalizer.hpp"
#include "bpe.hpp"
#include "crossrank/logging.hpp"
#include "loaders.hpp"
#include "pre_tokenizers.hpp"
#include "sentencepiece_model.hpp"
#include "wordpiece.hpp"

namespace crossrank {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Specials, template and the rest of the pipeline around a model.
std::unique_ptr<Tokenizer> assemble(PipelineTokenizer::Parts parts, const fs::path& dir, const Family& family,
                                    const fs::path& source) {
  const fs::path config_file = dir / "tokenizer_config.json";
  NativeSpecials specials = with_file_errors(config_file, [&] {
    return native_specials(family.tokenizer_config, config_file, family.style(), *parts.model);
  });
  parts.added_tokens = std::move(specials.added);
  parts.pair_template = make_template(family.style(), specials.cls, specials.sep);
  return std::make_unique<PipelineTokenizer>(std::move(parts), source);
}

// As the slow GPT-2/RoBERTa tokenizer reads merges.txt: read().split("\n")[1:-1] (the
// header and the empty tail after the final newline dropped), each line split on
// whitespace, the first rank of a repeated merge kept.
BpeModel::Merges read_merges(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ModelError("cannot open " + file.string());
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string_view> lines;
  for (size_t begin = 0;;) {
    const size_t end = content.find('\n', begin);
    lines.push_back(std::string_view(content).substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  BpeModel::Merges merges;
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    std::vector<std::string> parts;
    std::istringstream words{std::string(lines[i])};
    for (std::string w; words >> w;) parts.push_back(w);
    if (parts.size() != 2) {
      throw ModelError(file.string() + ":" + std::to_string(i + 1) + ": a merge must be two tokens");
    }
    if (seen.emplace(parts[0], parts[1]).second) merges.emplace_back(parts[0], parts[1]);
  }
  return merges;
}

}  // namespace

std::unique_ptr<Tokenizer> load_vocab_txt(const fs::path& dir, const Family& family) {
  const fs::path file = dir / "vocab.txt";
  const fs::path config_file = dir / "tokenizer_config.json";
  const json& config = family.tokenizer_config;
  auto normalizer = std::make_unique<BertNormalizer>();
  normalizer->lowercase = json_value<bool>(config, "do_lower_case", true, config_file);
  normalizer->strip_accents = json_value<bool>(config, "strip_accents", normalizer->lowercase, config_file);
  normalizer->handle_chinese_chars = json_value<bool>(config, "tokenize_chinese_chars", true, config_file);
  WordPieceOptions opt;
  if (config.contains("unk_token") && config["unk_token"].is_string()) {
    opt.unk_token = config["unk_token"].get<std::string>();
  }
  PipelineTokenizer::Parts parts;
  parts.normalizer = std::move(normalizer);
  parts.pre_tokenizer = std::make_unique<BertPreTokenizer>();
  parts.model = std::make_unique<WordPieceModel>(Vocab(read_lines(file)), opt, file.string());
  return assemble(std::move(parts), dir, family, file);
}

std::unique_ptr<Tokenizer> load_byte_bpe(const fs::path& dir, const Family& family) {
  const fs::path vocab_file = dir / "vocab.json";
  const fs::path merges_file = dir / "merges.txt";
  const json& config = family.tokenizer_config;
  const json vocab_json = read_json_file(vocab_file);
  BpeModel::Vocabulary vocab;
  for (const auto& [token, id] : vocab_json.items()) {
    vocab[token] = json_int<int32_t>(id, vocab_file, "a vocabulary id");
  }
  const BpeModel::Merges merges = read_merges(merges_file);
  auto pre = std::make_unique<ByteLevelPreTokenizer>();
  pre->add_prefix_space =
      json_value<bool>(config, "add_prefix_space", false, dir / "tokenizer_config.json");
  PipelineTokenizer::Parts parts;
  parts.pre_tokenizer = std::move(pre);
  parts.model = std::make_unique<BpeModel>(std::move(vocab), merges, BpeOptions{}, vocab_file.string());
  return assemble(std::move(parts), dir, family, vocab_file);
}

std::unique_ptr<Tokenizer> load_sentencepiece(const fs::path& file, const Family& family) {
  SentencePieceModel::Layout layout;
  if (family.model_type == "xlm-roberta") {
    layout = SentencePieceModel::Layout::fairseq;
  } else if (family.model_type == "deberta-v2") {
    layout = SentencePieceModel::Layout::native;
  } else {
    throw ModelError(file.string() + ": crossrank reads a bare SentencePiece model for model_type "
                     "\"xlm-roberta\" and \"deberta-v2\" only (this bundle says \"" +
                     family.model_type + "\"); add the model's tokenizer.json (docs/models.md)");
  }
  log::info(file.string() + ": tokenizing with the sentencepiece library, as the slow "
            "transformers tokenizer does; add tokenizer.json for the fast tokenizer's exact "
            "behaviour (docs/models.md, known differences)");
  PipelineTokenizer::Parts parts;
  parts.model = std::make_unique<SentencePieceModel>(file, layout);
  const fs::path dir = file.parent_path();
  return assemble(std::move(parts), dir, family, file);
}

}  // namespace crossrank
