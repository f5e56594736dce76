// tokenizer.json (HF tokenizers' serialization) -> PipelineTokenizer. Every component
// type is either implemented exactly or rejected by name (Unsupported).
#include <map>

#include "base/json_file.hpp"
#include "text/unicode.hpp"
#include "bert_normalizer.hpp"
#include "bpe.hpp"
#include "loaders.hpp"
#include "normalizers.hpp"
#include "pre_tokenizers.hpp"
#include "regex.hpp"
#include "precompiled.hpp"
#include "unigram.hpp"
#include "wordpiece.hpp"

namespace crossrank {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string type_of(const json& j) { return j.is_object() ? j.value("type", "") : ""; }

[[noreturn]] void unsupported(const fs::path& file, const char* what, const std::string& type) {
  throw Unsupported(file.string() + ": " + what + " \"" + type + "\" is not supported");
}

std::u32string u32(const std::string& s) { return unicode::decode_utf8(s); }

char32_t single_char(const json& j, const char* key, const fs::path& file) {
  const std::u32string s = u32(json_value<std::string>(j, key, "", file));
  if (s.size() != 1) throw ModelError(file.string() + ": \"" + key + "\" must be one character");
  return s[0];
}

// A {"String": ...} or {"Regex": ...} pattern (Replace, Split), as a Regex.
std::shared_ptr<const Regex> parse_pattern(const json& pattern, const char* what, const fs::path& file) {
  if (pattern.contains("Regex") && pattern["Regex"].is_string()) {
    try {
      return std::make_shared<Regex>(pattern["Regex"].get<std::string>());
    } catch (const ModelError& e) {
      throw ModelError(file.string() + ": " + what + " " + e.what());
    }
  }
  if (pattern.contains("String") && pattern["String"].is_string()) {
    const std::string literal = pattern["String"].get<std::string>();
    if (literal.empty()) throw ModelError(file.string() + ": " + what + " with an empty pattern");
    return std::make_shared<Regex>(literal_pattern(literal));
  }
  unsupported(file, (std::string(what) + " pattern").c_str(), pattern.dump());
}

std::unique_ptr<Normalizer> parse_normalizer(const json& j, const fs::path& file) {
  const std::string type = type_of(j);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequenceNormalizer>();
    for (const auto& step : j.at("normalizers")) seq->steps.push_back(parse_normalizer(step, file));
    return seq;
  }
  if (type == "BertNormalizer") {
    auto n = std::make_unique<BertNormalizer>();
    n->clean_text = json_value<bool>(j, "clean_text", true, file);
    n->handle_chinese_chars = json_value<bool>(j, "handle_chinese_chars", true, file);
    n->lowercase = json_value<bool>(j, "lowercase", true, file);
    n->strip_accents = json_value<bool>(j, "strip_accents", n->lowercase, file);
    return n;
  }
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "Strip") {
    auto n = std::make_unique<StripNormalizer>();
    n->left = json_value<bool>(j, "strip_left", true, file);
    n->right = json_value<bool>(j, "strip_right", true, file);
    return n;
  }
  const std::map<std::string, unicode::Form> forms = {{"NFC", unicode::Form::nfc},
                                                      {"NFD", unicode::Form::nfd},
                                                      {"NFKC", unicode::Form::nfkc},
                                                      {"NFKD", unicode::Form::nfkd}};
  if (auto it = forms.find(type); it != forms.end()) {
    auto n = std::make_unique<UnicodeNormalizer>();
    n->form = it->second;
    return n;
  }
  if (type == "Prepend") {
    auto n = std::make_unique<PrependNormalizer>();
    n->prefix = u32(j.at("prepend").get<std::string>());
    return n;
  }
  if (type == "Replace") {
    auto n = std::make_unique<ReplaceNormalizer>();
    n->content = u32(j.at("content").get<std::string>());
    n->pattern = parse_pattern(j.at("pattern"), "Replace", file);
    return n;
  }
  if (type == "Precompiled") {
    const std::string b64 = json_value<std::string>(j, "precompiled_charsmap", "", file);
    if (b64.empty()) throw ModelError(file.string() + ": Precompiled normalizer without a charsmap");
    return std::make_unique<PrecompiledNormalizer>(base64_decode(b64, file.string()), file.string());
  }
  unsupported(file, "normalizer", type);
}

SplitBehavior parse_behavior(const json& j, const fs::path& file) {
  const std::string b = json_value<std::string>(j, "behavior", "Isolated", file);
  if (b == "Removed") return SplitBehavior::removed;
  if (b == "Isolated") return SplitBehavior::isolated;
  if (b == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
  if (b == "MergedWithNext") return SplitBehavior::merged_with_next;
  if (b == "Contiguous") return SplitBehavior::contiguous;
  unsupported(file, "split behavior", b);
}

std::unique_ptr<PreTokenizer> parse_pre_tokenizer(const json& j, const fs::path& file) {
  const std::string type = type_of(j);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequencePreTokenizer>();
    for (const auto& step : j.at("pretokenizers")) seq->steps.push_back(parse_pre_tokenizer(step, file));
    return seq;
  }
  if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplitPreTokenizer>();
  if (type == "Punctuation") {
    auto p = std::make_unique<PunctuationPreTokenizer>();
    p->behavior = parse_behavior(j, file);
    return p;
  }
  if (type == "ByteLevel") {
    auto p = std::make_unique<ByteLevelPreTokenizer>();
    p->add_prefix_space = json_value<bool>(j, "add_prefix_space", true, file);
    p->use_regex = json_value<bool>(j, "use_regex", true, file);
    return p;
  }
  if (type == "Split") {
    auto p = std::make_unique<SplitPreTokenizer>();
    p->pattern = parse_pattern(j.at("pattern"), "Split", file);
    p->behavior = parse_behavior(j, file);
    p->invert = json_value<bool>(j, "invert", false, file);
    return p;
  }
  if (type == "Metaspace") {
    auto p = std::make_unique<MetaspacePreTokenizer>();
    p->replacement = single_char(j, "replacement", file);
    p->split = json_value<bool>(j, "split", true, file);
    // Files written before prepend_scheme existed say add_prefix_space.
    std::string scheme = json_value<std::string>(j, "prepend_scheme", "", file);
    if (scheme.empty()) scheme = json_value<bool>(j, "add_prefix_space", true, file) ? "always" : "never";
    if (scheme == "always") {
      p->prepend = MetaspacePreTokenizer::Prepend::always;
    } else if (scheme == "first") {
      p->prepend = MetaspacePreTokenizer::Prepend::first;
    } else if (scheme == "never") {
      p->prepend = MetaspacePreTokenizer::Prepend::never;
    } else {
      unsupported(file, "Metaspace prepend_scheme", scheme);
    }
    return p;
  }
  unsupported(file, "pre_tokenizer", type);
}

BpeModel::Merges parse_merges(const json& list, const fs::path& file) {
  BpeModel::Merges merges;
  merges.reserve(list.size());
  for (const auto& m : list) {
    if (m.is_array()) {  // tokenizers >= 0.20: ["a", "b"]
      merges.emplace_back(m.at(0).get<std::string>(), m.at(1).get<std::string>());
      continue;
    }
    const std::string s = m.get<std::string>();
    const size_t space = s.find(' ');
    if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
      throw ModelError(file.string() + ": merge \"" + s + "\" is not two tokens separated by one space");
    }
    merges.emplace_back(s.substr(0, space), s.substr(space + 1));
  }
  return merges;
}

std::optional<std::string> optional_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

std::unique_ptr<Model> parse_model(const json& model, const fs::path& file) {
  std::string type = type_of(model);
  if (type.empty()) {  // old files leave it out
    if (model.contains("continuing_subword_prefix") && !model.contains("merges")) type = "WordPiece";
    else if (model.contains("merges")) type = "BPE";
    else if (model.contains("unk_id")) type = "Unigram";
  }
  if (type == "WordPiece") {
    WordPieceOptions opt;
    opt.unk_token = json_value<std::string>(model, "unk_token", "[UNK]", file);
    opt.continuing_subword_prefix = json_value<std::string>(model, "continuing_subword_prefix", "##", file);
    opt.max_input_chars_per_word = json_value<size_t>(model, "max_input_chars_per_word", 100, file);
    std::map<int32_t, std::string> by_id;
    for (const auto& [token, id] : model.at("vocab").items()) {
      by_id[json_int<int32_t>(id, file, "a vocabulary id")] = token;
    }
    std::vector<std::string> tokens;
    tokens.reserve(by_id.size());
    for (const auto& [id, token] : by_id) {
      if (id != static_cast<int32_t>(tokens.size())) {
        throw ModelError(file.string() + ": vocabulary ids are not contiguous at " + std::to_string(id));
      }
      tokens.push_back(token);
    }
    return std::make_unique<WordPieceModel>(Vocab(std::move(tokens)), std::move(opt), file.string());
  }
  if (type == "BPE") {
    const double dropout = json_value<double>(model, "dropout", 0.0, file);
    if (dropout > 0) unsupported(file, "BPE dropout", std::to_string(dropout) + " (random at encode time)");
    BpeOptions opt;
    opt.unk_token = optional_string(model, "unk_token");
    opt.continuing_subword_prefix = optional_string(model, "continuing_subword_prefix");
    opt.end_of_word_suffix = optional_string(model, "end_of_word_suffix");
    opt.fuse_unk = json_value<bool>(model, "fuse_unk", false, file);
    opt.byte_fallback = json_value<bool>(model, "byte_fallback", false, file);
    opt.ignore_merges = json_value<bool>(model, "ignore_merges", false, file);
    BpeModel::Vocabulary vocab;
    for (const auto& [token, id] : model.at("vocab").items()) {
      vocab[token] = json_int<int32_t>(id, file, "a vocabulary id");
    }
    return std::make_unique<BpeModel>(std::move(vocab), parse_merges(model.at("merges"), file),
                                      std::move(opt), file.string());
  }
  if (type == "Unigram") {
    UnigramModel::Vocabulary vocab;
    for (const auto& entry : model.at("vocab")) {
      vocab.emplace_back(entry.at(0).get<std::string>(), entry.at(1).get<double>());
    }
    std::optional<int32_t> unk;
    if (model.contains("unk_id") && !model["unk_id"].is_null()) {
      unk = json_int<int32_t>(model["unk_id"], file, "unk_id");
    }
    return std::make_unique<UnigramModel>(std::move(vocab), unk,
                                          json_value<bool>(model, "byte_fallback", false, file),
                                          file.string());
  }
  unsupported(file, "model", type);
}

// BertProcessing/RobertaProcessing write ["[CLS]", 101].
int32_t special_id(const json& entry, const fs::path& file) {
  return json_int<int32_t>(entry.at(1), file, "a special token id");
}

// The post-processor as a pair template; nullopt when it adds nothing (ByteLevel).
std::optional<PairTemplate> parse_post_processor(const json& pp, const fs::path& file) {
  const std::string type = type_of(pp);
  if (type == "BertProcessing") {
    return bert_template(special_id(pp.at("cls"), file), special_id(pp.at("sep"), file));
  }
  if (type == "RobertaProcessing") {
    return roberta_template(special_id(pp.at("cls"), file), special_id(pp.at("sep"), file));
  }
  if (type == "ByteLevel") return std::nullopt;  // only trims offsets
  if (type == "Sequence") {
    std::optional<PairTemplate> found;
    for (const auto& step : pp.at("processors")) {
      auto t = parse_post_processor(step, file);
      if (!t) continue;
      if (found) unsupported(file, "post_processor", "Sequence with several templates");
      found = std::move(t);
    }
    return found;
  }
  if (type != "TemplateProcessing") unsupported(file, "post_processor", type);
  std::map<std::string, std::vector<int32_t>> specials;
  for (const auto& [name, st] : pp.at("special_tokens").items()) {
    const json& ids = st.at("ids");
    if (!ids.is_array()) {
      throw ModelError(file.string() + ": special token " + name + " has no \"ids\" list");
    }
    for (const auto& id : ids) specials[name].push_back(json_int<int32_t>(id, file, "a special token id"));
  }
  PairTemplate t;
  for (const auto& item : pp.at("pair")) {
    TemplatePiece piece;
    if (item.contains("Sequence")) {
      const auto& seq = item["Sequence"];
      const std::string id = seq.at("id").get<std::string>();
      piece.kind = id == "A" ? TemplatePiece::Kind::first : TemplatePiece::Kind::second;
      piece.type_id = json_int<int32_t>(seq.at("type_id"), file, "type_id");
    } else {
      const auto& sp = item.at("SpecialToken");
      const std::string id = sp.at("id").get<std::string>();
      auto it = specials.find(id);
      if (it == specials.end()) {
        throw ModelError(file.string() + ": post_processor uses undeclared special token " + id);
      }
      piece.ids = it->second;
      piece.type_id = json_int<int32_t>(sp.at("type_id"), file, "type_id");
    }
    t.pieces.push_back(std::move(piece));
  }
  return t;
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer_json(const fs::path& file) {
  const json j = read_json_file(file, JsonFloats::serde);
  PipelineTokenizer::Parts parts;
  parts.model = parse_model(j.at("model"), file);
  const json& norm = j.value("normalizer", json());
  if (!norm.is_null()) parts.normalizer = parse_normalizer(norm, file);
  const json& pre = j.value("pre_tokenizer", json());
  if (!pre.is_null()) parts.pre_tokenizer = parse_pre_tokenizer(pre, file);
  parts.added_tokens = parse_added_tokens(j.value("added_tokens", json::array()));
  const json& pp = j.value("post_processor", json());
  std::optional<PairTemplate> tmpl;
  if (!pp.is_null()) tmpl = parse_post_processor(pp, file);
  // No special tokens (an LLM's tokenizer): pairs are A B, as HF tokenizers encodes them;
  // PairEncoder warns when a bundle without a prompt template pairs that way.
  parts.pair_template = tmpl ? std::move(*tmpl) : plain_template();
  return std::make_unique<PipelineTokenizer>(std::move(parts), file);
}

}  // namespace crossrank
