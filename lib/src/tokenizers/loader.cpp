// Chooses and builds the tokenizer of a model bundle (tokenizer.json or vocab.txt).
#include <map>

#include "../json_file.hpp"
#include "crossrank/error.hpp"
#include "crossrank/logging.hpp"
#include "wordpiece.hpp"

namespace crossrank {

namespace fs = std::filesystem;
using nlohmann::json;

size_t PairTemplate::special_count() const {
  size_t n = 0;
  for (const auto& p : pieces) n += p.ids.size();
  return n;
}

namespace {

// A tokenizer.json component crossrank does not implement: never approximated.
class Unsupported : public ModelError {
 public:
  using ModelError::ModelError;
};

int32_t require_id(const Vocab& vocab, const std::string& token, const fs::path& file) {
  auto id = vocab.find(token);
  if (!id) throw ModelError(file.string() + ": special token \"" + token + "\" is not in the vocabulary");
  return *id;
}

PairTemplate bert_template(int32_t cls, int32_t sep) {
  using K = TemplatePiece::Kind;
  return PairTemplate{{{K::special, {cls}, 0},
                       {K::first, {}, 0},
                       {K::special, {sep}, 0},
                       {K::second, {}, 1},
                       {K::special, {sep}, 1}}};
}

PairTemplate parse_post_processor(const json& pp, const fs::path& file) {
  const std::string type = json_value<std::string>(pp, "type", "", file);
  if (type == "BertProcessing") {
    // "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]
    return bert_template(pp.at("cls").at(1).get<int32_t>(), pp.at("sep").at(1).get<int32_t>());
  }
  if (type != "TemplateProcessing") {
    throw Unsupported(file.string() + ": post_processor \"" + type + "\" is not supported");
  }
  std::map<std::string, std::vector<int32_t>> specials;
  for (const auto& [name, st] : pp.at("special_tokens").items()) {
    specials[name] = st.at("ids").get<std::vector<int32_t>>();
  }
  PairTemplate t;
  for (const auto& item : pp.at("pair")) {
    TemplatePiece piece;
    if (item.contains("Sequence")) {
      const auto& seq = item["Sequence"];
      const std::string id = seq.at("id").get<std::string>();
      piece.kind = id == "A" ? TemplatePiece::Kind::first : TemplatePiece::Kind::second;
      piece.type_id = seq.at("type_id").get<int32_t>();
    } else {
      const auto& sp = item.at("SpecialToken");
      const std::string id = sp.at("id").get<std::string>();
      auto it = specials.find(id);
      if (it == specials.end()) {
        throw ModelError(file.string() + ": post_processor uses undeclared special token " + id);
      }
      piece.kind = TemplatePiece::Kind::special;
      piece.ids = it->second;
      piece.type_id = sp.at("type_id").get<int32_t>();
    }
    t.pieces.push_back(std::move(piece));
  }
  return t;
}

std::vector<AddedToken> parse_added_tokens(const json& list) {
  std::vector<AddedToken> out;
  for (const auto& t : list) {
    AddedToken a;
    a.content = t.at("content").get<std::string>();
    a.id = t.at("id").get<int32_t>();
    a.special = t.value("special", true);
    a.normalized = t.value("normalized", !a.special);
    a.lstrip = t.value("lstrip", false);
    a.rstrip = t.value("rstrip", false);
    a.single_word = t.value("single_word", false);
    out.push_back(std::move(a));
  }
  return out;
}

std::unique_ptr<Tokenizer> load_tokenizer_json(const fs::path& file) {
  const json j = read_json_file(file);
  const json& model = j.at("model");
  const std::string model_type = json_value<std::string>(model, "type", "", file);
  const bool wordpiece =
      model_type == "WordPiece" || (model_type.empty() && model.contains("continuing_subword_prefix"));
  if (!wordpiece) {
    throw Unsupported(file.string() + ": model \"" + model_type + "\" is not supported yet");
  }
  WordPieceOptions opt;
  opt.unk_token = json_value<std::string>(model, "unk_token", "[UNK]", file);
  opt.continuing_subword_prefix =
      json_value<std::string>(model, "continuing_subword_prefix", "##", file);
  opt.max_input_chars_per_word =
      json_value<size_t>(model, "max_input_chars_per_word", 100, file);

  const json& norm = j.value("normalizer", json());
  if (norm.is_null()) {
    opt.normalizer.reset();
  } else if (norm.value("type", "") == "BertNormalizer") {
    BertNormalizer n;
    n.clean_text = json_value<bool>(norm, "clean_text", true, file);
    n.handle_chinese_chars = json_value<bool>(norm, "handle_chinese_chars", true, file);
    n.lowercase = json_value<bool>(norm, "lowercase", true, file);
    n.strip_accents = json_value<bool>(norm, "strip_accents", n.lowercase, file);
    opt.normalizer = n;
  } else {
    throw Unsupported(file.string() + ": normalizer \"" + norm.value("type", "?") +
                      "\" is not supported with WordPiece");
  }

  const json& pre = j.value("pre_tokenizer", json());
  if (pre.is_null()) {
    opt.bert_pre_tokenizer = false;
  } else if (pre.value("type", "") != "BertPreTokenizer") {
    throw Unsupported(file.string() + ": pre_tokenizer \"" + pre.value("type", "?") +
                      "\" is not supported with WordPiece");
  }

  std::map<int32_t, std::string> by_id;
  for (const auto& [token, id] : model.at("vocab").items()) by_id[id.get<int32_t>()] = token;
  std::vector<std::string> vocab;
  vocab.reserve(by_id.size());
  for (const auto& [id, token] : by_id) {
    if (id != static_cast<int32_t>(vocab.size())) {
      throw ModelError(file.string() + ": vocabulary ids are not contiguous at " + std::to_string(id));
    }
    vocab.push_back(token);
  }
  Vocab lookup(std::move(vocab));
  const std::vector<AddedToken> added = parse_added_tokens(j.value("added_tokens", json::array()));

  const json& pp = j.value("post_processor", json());
  PairTemplate tmpl =
      pp.is_null()
          ? bert_template(require_id(lookup, "[CLS]", file), require_id(lookup, "[SEP]", file))
          : parse_post_processor(pp, file);
  return std::make_unique<WordPieceTokenizer>(std::move(lookup), std::move(opt), added,
                                              std::move(tmpl), file);
}

std::string special_token_name(const json& config, const char* key, const char* fallback,
                               const fs::path& file) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content")) return (*it)["content"].get<std::string>();
  throw ModelError(file.string() + ": \"" + key + "\" has the wrong type");
}

// vocab.txt as BertTokenizerFast builds it, options from tokenizer_config.json.
std::unique_ptr<Tokenizer> load_vocab_txt(const fs::path& dir) {
  const fs::path file = dir / "vocab.txt";
  const fs::path config_file = dir / "tokenizer_config.json";
  const json config = fs::exists(config_file) ? read_json_file(config_file) : json::object();

  WordPieceOptions opt;
  BertNormalizer n;
  n.lowercase = json_value<bool>(config, "do_lower_case", true, config_file);
  n.strip_accents = json_value<bool>(config, "strip_accents", n.lowercase, config_file);
  n.handle_chinese_chars = json_value<bool>(config, "tokenize_chinese_chars", true, config_file);
  opt.normalizer = n;
  opt.unk_token = special_token_name(config, "unk_token", "[UNK]", config_file);

  Vocab lookup(read_lines(file));
  std::vector<AddedToken> added;
  const std::pair<const char*, const char*> specials[] = {
      {"pad_token", "[PAD]"}, {"unk_token", "[UNK]"}, {"cls_token", "[CLS]"},
      {"sep_token", "[SEP]"}, {"mask_token", "[MASK]"}};
  for (const auto& [key, fallback] : specials) {
    const std::string name = special_token_name(config, key, fallback, config_file);
    if (auto id = lookup.find(name)) added.push_back(AddedToken{name, *id});
  }
  if (config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object()) {
    for (const auto& [id, t] : config["added_tokens_decoder"].items()) {
      json entry = t;
      entry["id"] = std::stoi(id);  // a bad key throws; load_tokenizer reports it
      for (const auto& a : parse_added_tokens(json::array({entry}))) added.push_back(a);
    }
  }
  PairTemplate tmpl = bert_template(
      require_id(lookup, special_token_name(config, "cls_token", "[CLS]", config_file), file),
      require_id(lookup, special_token_name(config, "sep_token", "[SEP]", config_file), file));
  return std::make_unique<WordPieceTokenizer>(std::move(lookup), std::move(opt), added,
                                              std::move(tmpl), file);
}

// Malformed files surface as nlohmann or std::sto* exceptions deep in the loaders: one
// place turns them into a ModelError naming the file.
template <typename Load>
std::unique_ptr<Tokenizer> load_checked(const fs::path& file, Load load) {
  try {
    return load();
  } catch (const Error&) {
    throw;
  } catch (const json::exception& e) {
    throw ModelError(file.string() + ": unexpected structure: " + e.what());
  } catch (const std::logic_error& e) {
    throw ModelError(file.string() + ": unexpected value: " + e.what());
  }
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer(const fs::path& bundle_dir) {
  const fs::path tokenizer_json = bundle_dir / "tokenizer.json";
  const fs::path vocab_txt = bundle_dir / "vocab.txt";
  const bool has_native = fs::exists(vocab_txt);
  if (fs::exists(tokenizer_json)) {
    try {
      return load_checked(tokenizer_json, [&] { return load_tokenizer_json(tokenizer_json); });
    } catch (const Unsupported& e) {
      if (!has_native) throw;
      log::warn(std::string(e.what()) + "; using " + vocab_txt.string() + " instead");
    }
  }
  if (has_native) return load_checked(vocab_txt, [&] { return load_vocab_txt(bundle_dir); });
  throw ModelError("no tokenizer in " + bundle_dir.string() +
                   ": expected tokenizer.json or vocab.txt (see docs/models.md)");
}

}  // namespace crossrank
